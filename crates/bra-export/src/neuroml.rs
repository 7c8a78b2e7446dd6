//! Export to a NeuroML 2 document (`*.net.nml`), valid against the NeuroML
//! 2.3 schema (`pynml -validate`).
//!
//! Mappings (exact in the equations; connectivity is bra's own):
//! * `lif` with `exponential` synapses → PyNN `IF_curr_exp` with one
//!   `expCurrSynapse` per projection; with `alpha` synapses → `IF_curr_alpha`
//!   and `alphaCurrSynapse`. Both solve `c_m dv/dt = c_m/tau_m (v_rest - v) +
//!   I_syn + i_offset` with the current jumping by the connection's weight
//!   (nA): a voltage weight `w` is a current jump of `w·c_m/tau_m`, as bra's
//!   trace adds `w` to `tau_m dv/dt`. `v_init` must be one number.
//! * `poisson` populations → `spikeGeneratorPoisson` (independent trains).
//! * projections → `<projection>` with one `<connectionWD>` per synapse that
//!   bra's runtime generates (`bra_runtime::Engine::build`), weight and delay
//!   included, so the document carries exactly bra's synapses.
//! * [`lems`]: a LEMS simulation beside the document (duration, dt, seed,
//!   spikes of the recorded populations to `TIME_ID` files) that jNeuroML
//!   runs (`jnml LEMS_<name>.xml -nogui`).
//!
//! Refused: per-neuron initial values (specs/cuba.bra's `v_init =
//! uniform(…)`): a NeuroML 2 population has one cell component whose
//! `v_init` is one number, and its instances carry only positions; exact
//! per-neuron values would need one cell type and one population per neuron
//! and a projection per pair of populations. Also refused: other neuron
//! models (`izhikevich`'s 2003 form has no exact NeuroML 2 counterpart in
//! the shape bra uses), `delta` and conductance synapses, per-neuron
//! parameter laws, plasticity, and stimuli (inputs), which are not mapped
//! yet.

use crate::{Diagnostic, real};
use bra_compile::ir::{Network, Origin, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A NeuroML id from a name (`[A-Za-z_][A-Za-z0-9_]*`).
fn nml_id(s: &str) -> String {
    let mut o: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if o.is_empty() || o.starts_with(|c: char| c.is_ascii_digit()) {
        o.insert(0, '_');
    }
    o
}

/// A number in NeuroML's float syntax.
fn num(x: f64) -> String {
    format!("{x:?}")
}

struct Cell {
    /// The XML element of the cell type.
    xml: String,
    /// Factor from a voltage weight (V) to the synapse's weight (nA).
    volt_to_na: f64,
    /// The synapse element for this cell's inputs (`expCurrSynapse`, …).
    synapse: Option<&'static str>,
}

/// Export `net` as a NeuroML 2 document.
pub fn export(net: &Network) -> Result<String, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut refuse = |c: &str, o: &Origin, r: String| {
        diags.push(Diagnostic {
            component: c.to_string(),
            reason: r,
            origin: o.clone(),
        })
    };
    let mut ids = BTreeMap::new();
    for p in &net.populations {
        let id = nml_id(&p.name);
        if ids.values().any(|v| *v == id) {
            refuse(
                &p.name,
                &p.origin,
                format!("its NeuroML id `{id}` clashes with another population's"),
            );
        }
        ids.insert(p.id, id);
    }
    // Synapse shape each population receives.
    let mut shape: BTreeMap<u32, &str> = BTreeMap::new();
    for pr in &net.projections {
        let k = pr.synapse.kind.as_str();
        if let Some(k0) = shape.get(&pr.post) {
            if *k0 != k {
                refuse(
                    &pr.name,
                    &pr.origin,
                    format!(
                        "its target receives `{k0}` and `{k}` synapses; a PyNN cell in NeuroML has one synapse shape"
                    ),
                );
            }
        } else {
            shape.insert(pr.post, k);
        }
        if pr.synapse.params.get("mode") == Some(&Value::Text("conductance".into())) {
            refuse(
                &pr.name,
                &pr.origin,
                "a conductance synapse onto a current-based cell".into(),
            );
        }
        if pr.plasticity.is_some() {
            refuse(
                &pr.name,
                &pr.origin,
                "plasticity has no NeuroML 2 counterpart that matches bra's rules exactly".into(),
            );
        }
    }
    for i in &net.inputs {
        refuse(
            &i.name,
            &i.origin,
            format!(
                "stimulus `{}` is not mapped to NeuroML yet (no exact weighted input element)",
                i.source.kind
            ),
        );
    }
    let mut cells: BTreeMap<u32, Cell> = BTreeMap::new();
    for p in &net.populations {
        let id = &ids[&p.id];
        let pm = &p.model.params;
        for (k, v) in pm {
            if matches!(v, Value::Law(_)) {
                refuse(
                    &p.name,
                    &p.origin,
                    format!(
                        "parameter `{k}` is drawn per neuron; a NeuroML population has one cell type"
                    ),
                );
            }
        }
        match p.model.kind.as_str() {
            "lif" => {
                let sh = shape.get(&p.id).copied().unwrap_or("exponential");
                let (ty, syn) = match sh {
                    "exponential" => ("IF_curr_exp", "expCurrSynapse"),
                    "alpha" => ("IF_curr_alpha", "alphaCurrSynapse"),
                    other => {
                        refuse(
                            &p.name,
                            &p.origin,
                            format!(
                                "`lif` with `{other}` synapses has no NeuroML 2 counterpart (PyNN's IF_curr_exp and IF_curr_alpha only)"
                            ),
                        );
                        continue;
                    }
                };
                let g = |k: &str, d: f64| real(pm, k).unwrap_or(d);
                let (tau_m, c_m) = (g("tau_m", 0.01), g("c_m", 250e-12));
                let v_rest = g("v_rest", -0.07);
                let v_init = match p.init.get("v").or(p.init.get("v_init")) {
                    None if p.init.is_empty() => v_rest,
                    Some(Value::Real(v)) if p.init.len() == 1 => *v,
                    _ => {
                        refuse(
                            &p.name,
                            &p.origin,
                            format!(
                                "initial values {:?} are drawn per neuron or are not the membrane potential: NeuroML 2 gives a population one cell component, {ty}'s v_init is one number, and a population's instances carry only positions, no parameters or state; exact per-neuron values would need one cell type and one population per neuron, and a projection per pair of them",
                                p.init.keys().collect::<Vec<_>>()
                            ),
                        );
                        v_rest
                    }
                };
                // Taus of the excitatory / inhibitory receptors: unused by the
                // per-projection synapses but required by the cell type.
                let tau_syn = net
                    .projections
                    .iter()
                    .find(|pr| pr.post == p.id)
                    .and_then(|pr| real(&pr.synapse.params, "tau"))
                    .unwrap_or(0.005);
                let mut x = String::new();
                let _ = writeln!(
                    x,
                    "  <{ty} id=\"cell_{id}\" cm=\"{}\" i_offset=\"{}\" tau_m=\"{}\" tau_refrac=\"{}\" tau_syn_E=\"{}\" tau_syn_I=\"{}\" v_init=\"{}\" v_reset=\"{}\" v_rest=\"{}\" v_thresh=\"{}\"/>",
                    num(c_m * 1e9),
                    num(g("i_e", 0.0) * 1e9),
                    num(tau_m * 1e3),
                    num(g("t_ref", 0.002) * 1e3),
                    num(tau_syn * 1e3),
                    num(tau_syn * 1e3),
                    num(v_init * 1e3),
                    num(g("v_reset", -0.07) * 1e3),
                    num(v_rest * 1e3),
                    num(g("v_th", -0.055) * 1e3),
                );
                cells.insert(
                    p.id,
                    Cell {
                        xml: x,
                        volt_to_na: c_m / tau_m * 1e9,
                        synapse: Some(syn),
                    },
                );
            }
            "poisson" => {
                let rate = real(pm, "rate").unwrap_or(0.0);
                cells.insert(
                    p.id,
                    Cell {
                        xml: format!(
                            "  <spikeGeneratorPoisson id=\"cell_{id}\" averageRate=\"{}Hz\"/>\n",
                            num(rate)
                        ),
                        volt_to_na: 0.0,
                        synapse: None,
                    },
                );
            }
            other => refuse(
                &p.name,
                &p.origin,
                format!(
                    "neuron model `{other}` has no exact NeuroML 2 counterpart here (lif and poisson only)"
                ),
            ),
        }
    }
    for pr in &net.projections {
        if let Some(c) = cells.get(&pr.post)
            && c.synapse.is_none()
        {
            refuse(
                &pr.name,
                &pr.origin,
                "its target is a spike source and takes no input".into(),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let origin = net.run.origin.clone().unwrap_or(Origin {
        file: String::new(),
        line: 0,
        column: 0,
        span: [0, 0],
    });
    let engine = bra_runtime::Engine::build(net, std::path::Path::new(".")).map_err(|e| {
        vec![Diagnostic {
            component: net.project.clone(),
            reason: format!("bra cannot build the network: {e:?}"),
            origin: origin.clone(),
        }]
    })?;
    let mut o = String::new();
    let doc = nml_id(&net.project);
    let _ = writeln!(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        o,
        "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.neuroml.org/schema/neuroml2 https://raw.github.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.xsd\" id=\"{doc}\">"
    );
    let _ = writeln!(
        o,
        "  <notes>Exported by bra from project {} (seed {}, dt {} ms, duration {} ms); connections generated by bra's runtime.</notes>",
        xml_escape(&net.project),
        net.run.seed,
        num(net.run.dt * 1e3),
        num(net.run.duration * 1e3)
    );
    for c in cells.values() {
        o.push_str(&c.xml);
    }
    for pr in &net.projections {
        let c = &cells[&pr.post];
        let tau = real(&pr.synapse.params, "tau").unwrap_or(0.005);
        let _ = writeln!(
            o,
            "  <{} id=\"syn_{}\" tau_syn=\"{}\"/>",
            c.synapse.unwrap_or("expCurrSynapse"),
            pr.id,
            num(tau * 1e3)
        );
    }
    let _ = writeln!(o, "  <network id=\"{doc}_network\">");
    for p in &net.populations {
        let id = &ids[&p.id];
        let _ = writeln!(
            o,
            "    <population id=\"{id}\" component=\"cell_{id}\" size=\"{}\"/>",
            p.size
        );
    }
    let dt = engine.dt;
    for (k, pr) in net.projections.iter().enumerate() {
        let rp = &engine.projs[k];
        let (pre, post) = (&ids[&pr.pre], &ids[&pr.post]);
        let f = match pr.weight_dim.as_str() {
            "voltage" => cells[&pr.post].volt_to_na,
            _ => 1e9,
        };
        let fixed = match &pr.delay {
            Value::Law(_) => None,
            v => Some((((v.as_real().unwrap_or(dt)) / dt).round()).max(1.0)),
        };
        let _ = writeln!(
            o,
            "    <projection id=\"proj_{}\" presynapticPopulation=\"{pre}\" postsynapticPopulation=\"{post}\" synapse=\"syn_{}\">",
            pr.id, pr.id
        );
        for (s, (i, j, w)) in rp.weights_si().into_iter().enumerate() {
            let steps = match (&rp.csr.delays, fixed) {
                (Some(d), _) => d[s] as f64,
                (None, Some(st)) => st,
                (None, None) => 1.0,
            };
            let _ = writeln!(
                o,
                "      <connectionWD id=\"{s}\" preCellId=\"../{pre}[{i}]\" postCellId=\"../{post}[{j}]\" weight=\"{}\" delay=\"{}ms\"/>",
                num(w * f),
                num(steps * dt * 1e3)
            );
        }
        let _ = writeln!(o, "    </projection>");
    }
    let _ = writeln!(o, "  </network>");
    let _ = writeln!(o, "</neuroml>");
    Ok(o)
}

/// A LEMS simulation of the network that [`export`] writes to the file
/// `nml_file` (a name relative to the LEMS file, which sits beside it):
/// it includes the NeuroML core types and the network, runs for the spec's
/// duration at its `dt` and seed, and records the spikes of every recorded
/// population (every population when the spec names none) to
/// `<stem>.<population>.spikes` beside it, one `time(s) index` line per
/// spike (`TIME_ID`). `jnml LEMS_<stem>.xml -nogui` runs it.
pub fn lems(net: &Network, nml_file: &str, stem: &str) -> String {
    let doc = nml_id(&net.project);
    let mut rec: Vec<u32> = net
        .recorders
        .iter()
        .filter(|r| r.variable == "spikes")
        .map(|r| r.population)
        .collect();
    if rec.is_empty() {
        rec = net.populations.iter().map(|p| p.id).collect();
    }
    rec.sort_unstable();
    rec.dedup();
    let mut o = String::new();
    let _ = writeln!(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(o, "<Lems>");
    let _ = writeln!(
        o,
        "  <!-- Exported by bra from project {}: runs {}.  jnml THIS_FILE -nogui -->",
        xml_escape(&net.project),
        xml_escape(nml_file)
    );
    let _ = writeln!(o, "  <Target component=\"sim_{doc}\"/>");
    for inc in [
        "Cells.xml",
        "Networks.xml",
        "Simulation.xml",
        "PyNN.xml",
        "Inputs.xml",
    ] {
        let _ = writeln!(o, "  <Include file=\"{inc}\"/>");
    }
    let _ = writeln!(o, "  <Include file=\"{}\"/>", xml_escape(nml_file));
    let _ = writeln!(
        o,
        "  <Simulation id=\"sim_{doc}\" length=\"{}ms\" step=\"{}ms\" target=\"{doc}_network\" seed=\"{}\">",
        num(net.run.duration * 1e3),
        num(net.run.dt * 1e3),
        net.run.seed % 2_147_483_647
    );
    for p in rec
        .iter()
        .filter_map(|id| net.populations.get(*id as usize))
    {
        let id = nml_id(&p.name);
        let _ = writeln!(
            o,
            "    <EventOutputFile id=\"spikes_{id}\" fileName=\"{}.{id}.spikes\" format=\"TIME_ID\">",
            xml_escape(stem)
        );
        for i in 0..p.size {
            let _ = writeln!(
                o,
                "      <EventSelection id=\"{i}\" select=\"{id}[{i}]\" eventPort=\"spike\"/>"
            );
        }
        let _ = writeln!(o, "    </EventOutputFile>");
    }
    let _ = writeln!(o, "  </Simulation>");
    let _ = writeln!(o, "</Lems>");
    o
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
