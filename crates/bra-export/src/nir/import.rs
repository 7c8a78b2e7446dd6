//! NIR graphs back into bra spec text (`bra import nir`).
//!
//! NIR's values are read as this crate's exporter writes them (see
//! [`super`]): SI units, voltages relative to `v_rest` (taken from a node's
//! `v_rest` metadata, 0 V when absent), `Linear` weights as the charge one
//! spike delivers. What maps:
//!
//! * `LIF` → `lif` with delta synapses on its inputs; `CubaLIF` → `lif`
//!   with `exponential(tau: tau_syn)` synapses (`w_in` folds into the
//!   weights). `tau_m = tau`, `c_m = tau/r`, `i_e = v_leak/r`,
//!   `v_th = v_rest + v_threshold`, `v_reset = v_rest + v_reset`,
//!   `t_ref = 0`. Parameters must be the same for every neuron of a node.
//! * A path from a neuron or `Input` node through `Linear`, `Affine` (zero
//!   bias), `Scale` and `Delay` nodes (at most one weight node, each node on
//!   one path only) into a neuron node → a flow. The weight matrix becomes a
//!   connector: `all_to_all` or `one_to_one` when it is exactly that,
//!   otherwise `from_file` with a CSV of `pre,post` rows written beside the
//!   spec. bra's flows have one weight, so every synapse must carry the same
//!   weight (a whole multiple of it becomes that many parallel synapses).
//!   A path without `Delay` gets bra's shortest delay, one step, with a
//!   comment saying so (NIR's zero delay does not exist in bra).
//! * `Input` nodes → the sources bra exported them from (`bra_source`
//!   metadata): a stimulus or a `poisson`/`spike_times` population; an
//!   `Input` from elsewhere becomes a silent `poisson(rate: 0 Hz)` population
//!   with a comment (bra has no open input port).
//! * `Output` nodes → `record = [spikes(…)]`.
//!
//! Everything else (convolutions, pooling, `IF`, `LI`, `CubaLI`, `I`,
//! `Threshold`, nested graphs, per-neuron parameters, weights that differ
//! between synapses) is an error naming the node and the reason.

use super::{Array, Graph, Meta, Node};
use bra_compile::catalog::{self, Kind, ParamType};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// An imported spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The spec text (not yet through the formatter).
    pub text: String,
    /// Files the spec refers to, `(path relative to the spec, contents)`.
    pub files: Vec<(String, String)>,
    /// Populations, flows and stimuli written.
    pub populations: usize,
    /// Flows written.
    pub flows: usize,
    /// Stimuli written.
    pub stimuli: usize,
}

/// Voltages bra's lif accepts (V), as the catalog's range.
const V_RANGE: f64 = 0.2;

/// A number for spec text: 12 significant digits, no exponent.
fn num(x: f64) -> String {
    let r: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    let s = format!("{r}");
    if s == "-0" { "0".into() } else { s }
}

/// `x` (SI) in `unit`.
fn q(x: f64, unit: &str) -> String {
    let f = unit_factor(unit).unwrap_or(1.0);
    if unit.is_empty() {
        num(x)
    } else {
        format!("{} {unit}", num(x / f))
    }
}

fn unit_factor(unit: &str) -> Option<f64> {
    Some(match unit {
        "" | "s" | "V" | "A" | "F" | "S" | "Hz" => 1.0,
        "ms" | "mV" => 1e-3,
        "us" | "uV" => 1e-6,
        "nA" | "nS" | "nF" => 1e-9,
        "pA" | "pF" | "pS" => 1e-12,
        "kHz" => 1e3,
        _ => return None,
    })
}

/// A bra identifier from a NIR node name.
fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    out
}

/// A name usable in a file name.
fn file_name(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '`')
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A node's parameter that must be the same for all `n` neurons.
fn uniform(errs: &mut Vec<String>, name: &str, node: &Node, k: &str, n: usize) -> Option<f64> {
    let Some(a) = node.params.get(k) else {
        errs.push(format!(
            "NIR node `{name}` ({}) has no parameter `{k}`",
            node.kind
        ));
        return None;
    };
    if a.len() != n && a.len() != 1 {
        errs.push(format!(
            "NIR node `{name}`: `{k}` has {} values for {n} neurons",
            a.len()
        ));
        return None;
    }
    let x = a.data.first().copied().unwrap_or(0.0);
    if !x.is_finite() {
        errs.push(format!(
            "NIR node `{name}`: `{k}` = {x} is not a finite number"
        ));
        return None;
    }
    if a.data
        .iter()
        .any(|y| (y - x).abs() > 1e-9 * x.abs().max(1e-300))
    {
        let lo = a.data.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = a.data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        errs.push(format!(
            "NIR node `{name}`: `{k}` differs between neurons ({lo} to {hi}); bra's lif has one value per population (split the node into populations of equal parameters)"
        ));
        return None;
    }
    Some(x)
}

/// A population read from a neuron node.
struct Pop {
    ident: String,
    size: usize,
    /// The lif call, or the source call.
    neurons: String,
    /// Conversion from a charge (C) to bra's voltage weight (V), for targets.
    charge_to_volts: f64,
    /// `exponential(tau: …)` or `delta()`.
    synapse: String,
    /// A source (Input) population.
    source: bool,
    modulation: Option<String>,
    comment: Option<String>,
}

/// One path between two populations.
struct Path {
    pre: String,
    post: String,
    /// `n_post × n_pre`, row-major; `None` is the identity.
    weight: Option<Array>,
    delay: Option<f64>,
    via: Vec<String>,
}

fn neuron_pop(errs: &mut Vec<String>, name: &str, node: &Node) -> Option<Pop> {
    let n = node
        .params
        .get("v_threshold")
        .map(Array::len)
        .unwrap_or_default();
    if n == 0 {
        errs.push(format!(
            "NIR node `{name}` ({}) has no neurons (`v_threshold` missing or empty)",
            node.kind
        ));
        return None;
    }
    let cuba = node.kind == "CubaLIF";
    let mut e = Vec::new();
    let tau = uniform(&mut e, name, node, if cuba { "tau_mem" } else { "tau" }, n);
    let r = uniform(&mut e, name, node, "r", n);
    let v_leak = uniform(&mut e, name, node, "v_leak", n);
    let v_thr = uniform(&mut e, name, node, "v_threshold", n);
    let v_reset = if node.params.contains_key("v_reset") {
        uniform(&mut e, name, node, "v_reset", n)
    } else {
        Some(0.0)
    };
    let (tau_syn, w_in) = if cuba {
        let w_in = if node.params.contains_key("w_in") {
            uniform(&mut e, name, node, "w_in", n)
        } else {
            Some(1.0)
        };
        (uniform(&mut e, name, node, "tau_syn", n), w_in)
    } else {
        (Some(0.0), Some(1.0))
    };
    let failed = !e.is_empty();
    errs.extend(e);
    if failed {
        return None;
    }
    let (Some(tau), Some(r), Some(v_leak), Some(v_thr), Some(v_reset), Some(tau_syn), Some(w_in)) =
        (tau, r, v_leak, v_thr, v_reset, tau_syn, w_in)
    else {
        return None;
    };
    if tau <= 0.0 || r <= 0.0 || (cuba && tau_syn <= 0.0) {
        errs.push(format!(
            "NIR node `{name}`: bra's lif needs tau > 0{} and r > 0 (found tau = {tau}{}, r = {r})",
            if cuba { ", tau_syn > 0" } else { "" },
            if cuba {
                format!(", tau_syn = {tau_syn}")
            } else {
                String::new()
            }
        ));
        return None;
    }
    let v_rest = node.meta_real("v_rest").unwrap_or(0.0);
    let (v_th, v_rs) = (v_rest + v_thr, v_rest + v_reset);
    for (k, v) in [("v_rest", v_rest), ("v_th", v_th), ("v_reset", v_rs)] {
        if v.abs() > V_RANGE {
            errs.push(format!(
                "NIR node `{name}`: {k} would be {} mV, outside bra's lif range (-200 mV to 200 mV); bra reads NIR values as SI units (volts, seconds, ohms), as `bra export nir` writes them, so a unit-free NIR file must be rescaled first",
                num(v * 1e3)
            ));
            return None;
        }
    }
    let c_m = tau / r;
    let i_e = v_leak / r;
    let mut call = format!(
        "lif(tau_m: {}, v_rest: {}, v_th: {}, v_reset: {}, t_ref: 0 ms, c_m: {}",
        q(tau, "ms"),
        q(v_rest, "mV"),
        q(v_th, "mV"),
        q(v_rs, "mV"),
        q(c_m, "pF")
    );
    if i_e != 0.0 {
        let _ = write!(call, ", i_e: {}", q(i_e, "pA"));
    }
    call.push(')');
    let (charge_to_volts, synapse) = if cuba {
        (
            w_in * r / tau_syn,
            format!("exponential(tau: {})", q(tau_syn, "ms")),
        )
    } else {
        (1.0 / c_m, "delta()".to_string())
    };
    Some(Pop {
        ident: String::new(),
        size: n,
        neurons: call,
        charge_to_volts,
        synapse,
        source: false,
        modulation: node.meta_text("modulation").map(str::to_string),
        comment: None,
    })
}

/// A catalog call from a `bra_source` JSON instance (non-default parameters).
fn source_call(json: &str) -> Result<String, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("unreadable bra_source metadata: {e}"))?;
    let kind = v
        .get("kind")
        .and_then(|k| k.as_str())
        .ok_or("bra_source metadata without `kind`")?;
    let entry = catalog::lookup(Kind::Neuron, kind)
        .ok_or_else(|| format!("bra_source names `{kind}`, which is not a bra source"))?;
    let mut args = Vec::new();
    if let Some(params) = v.get("params").and_then(|p| p.as_object()) {
        for p in entry.params {
            let Some(val) = params.get(p.name) else {
                continue;
            };
            let text = match (&p.ty, val) {
                (ParamType::Path, serde_json::Value::String(s)) => quote(s),
                (ParamType::Choice(_), serde_json::Value::String(s)) => s.clone(),
                (_, serde_json::Value::Bool(b)) => b.to_string(),
                (_, serde_json::Value::Number(x)) => {
                    let x = x.as_f64().unwrap_or(0.0);
                    let f = unit_factor(p.unit).ok_or_else(|| {
                        format!("the unit `{}` of `{kind}.{}` is not known", p.unit, p.name)
                    })?;
                    if p.default
                        .is_some_and(|d| (d * f - x).abs() <= 1e-12 * x.abs())
                        || !x.is_finite()
                    {
                        continue;
                    }
                    q(x, p.unit)
                }
                (_, serde_json::Value::Object(law)) => law_call(law, p.unit)?,
                _ => continue,
            };
            args.push(format!("{}: {text}", p.name));
        }
    }
    Ok(format!("{kind}({})", args.join(", ")))
}

fn law_call(
    law: &serde_json::Map<String, serde_json::Value>,
    unit: &str,
) -> Result<String, String> {
    let name = law
        .get("law")
        .and_then(|l| l.as_str())
        .ok_or("a law without a name")?;
    let mut args = Vec::new();
    if let Some(inner) = law.get("inner").and_then(|i| i.as_object()) {
        args.push(law_call(inner, unit)?);
    }
    if let Some(ps) = law.get("params").and_then(|p| p.as_object()) {
        for (k, x) in ps {
            let x = x.as_f64().unwrap_or(0.0);
            let u = if k == "sigma" { "" } else { unit };
            args.push(format!("{k}: {}", q(x, u)));
        }
    }
    Ok(format!("{name}({})", args.join(", ")))
}

/// Turn a NIR graph into spec text. `stem` names the project and the
/// folder of connection files (`<stem>_nir/`); `shown` is the file as the
/// user named it (for the header comment); `is_keyword` tells the spec
/// language's reserved words (`bra_syntax::is_keyword`), which names avoid.
/// Every problem is returned.
pub fn import(
    g: &Graph,
    stem: &str,
    shown: &str,
    is_keyword: &dyn Fn(&str) -> bool,
) -> Result<Imported, Vec<String>> {
    // A NIR name as an identifier; a bra name (from the metadata) as the
    // spec wrote it, in backticks (a quoted ID) when it is not plain.
    let ident = |s: &str| {
        let plain = ident(s);
        if is_keyword(&plain) {
            format!("{plain}_")
        } else {
            plain
        }
    };
    let bra_name = |s: &str| {
        let plain = ident(s);
        if plain == s || s.is_empty() || s.contains(['`', '\n']) {
            plain
        } else {
            format!("`{s}`")
        }
    };
    let mut errs = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // Node classes.
    for (name, node) in &g.nodes {
        match node.kind.as_str() {
            "LIF" | "CubaLIF" | "Input" | "Output" | "Linear" | "Affine" | "Scale" | "Delay" => {}
            "NIRGraph" => errs.push(format!(
                "NIR node `{name}` is a nested graph; bra imports flat graphs only (flatten it with the nir package first)"
            )),
            "IF" | "I" => errs.push(format!(
                "NIR node `{name}` is a `{}` (no leak); bra's lif always leaks (tau_m is finite)",
                node.kind
            )),
            "LI" | "CubaLI" => errs.push(format!(
                "NIR node `{name}` is a `{}` (a leaky integrator without spikes); bra has no non-spiking current-based unit to hold it",
                node.kind
            )),
            other => errs.push(format!(
                "NIR node `{name}` is a `{other}`; bra has no counterpart (it imports LIF, CubaLIF, Input, Output, Linear, Affine without bias, Scale and Delay)"
            )),
        }
    }
    for (a, b) in &g.edges {
        for n in [a, b] {
            if !g.nodes.contains_key(n) {
                errs.push(format!(
                    "the edge `{a}` → `{b}` names `{n}`, which is not a node"
                ));
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut outs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ins: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in &g.edges {
        outs.entry(a.as_str()).or_default().push(b.as_str());
        ins.entry(b.as_str()).or_default().push(a.as_str());
    }
    // Identifiers: bra's own names when the file came from bra.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut idents: BTreeMap<&str, String> = BTreeMap::new();
    for (name, node) in &g.nodes {
        if !matches!(node.kind.as_str(), "LIF" | "CubaLIF" | "Input") {
            continue;
        }
        let base = node
            .meta_text("bra_component")
            .or(node.meta_text("bra_stimulus"))
            .map(bra_name)
            .unwrap_or_else(|| ident(name));
        let mut id = base.clone();
        let mut k = 2;
        while taken.contains(&id) {
            id = format!("{base}_{k}");
            k += 1;
        }
        taken.insert(id.clone());
        idents.insert(name.as_str(), id);
    }
    // Populations.
    let mut pops: BTreeMap<&str, Pop> = BTreeMap::new();
    let mut stimuli: Vec<(&str, String)> = Vec::new(); // (node, source call)
    for (name, node) in &g.nodes {
        let id = idents.get(name.as_str()).cloned().unwrap_or_default();
        match node.kind.as_str() {
            "LIF" | "CubaLIF" => {
                if let Some(mut p) = neuron_pop(&mut errs, name, node) {
                    p.ident = id;
                    pops.insert(name, p);
                }
            }
            "Input" => {
                let n = node
                    .params
                    .get("shape")
                    .map(|a| a.data.iter().product::<f64>())
                    .unwrap_or(0.0);
                let role = node.meta_text("bra_role");
                if role == Some("entry") {
                    continue;
                }
                let src = node.meta_text("bra_source").map(source_call);
                if role == Some("stimulus") {
                    match src {
                        Some(Ok(call)) => stimuli.push((name, call)),
                        Some(Err(m)) => errs.push(format!("NIR node `{name}`: {m}")),
                        None => errs.push(format!(
                            "NIR node `{name}`: a stimulus without its `bra_source` metadata"
                        )),
                    }
                    continue;
                }
                if n < 1.0 || n.fract() != 0.0 {
                    errs.push(format!(
                        "NIR node `{name}`: an Input of shape {:?}; bra needs a whole number of channels",
                        node.params.get("shape").map(|a| &a.data)
                    ));
                    continue;
                }
                let (neurons, comment) = match src {
                    Some(Ok(call)) => (call, None),
                    Some(Err(m)) => {
                        errs.push(format!("NIR node `{name}`: {m}"));
                        continue;
                    }
                    None => (
                        "poisson(rate: 0 Hz)".to_string(),
                        Some(format!(
                            "NIR Input `{name}`: the graph's external input. bra has no open input port, so it is a silent Poisson source here (rate 0 Hz): set its rate, or replace it with spike_times(path: …)"
                        )),
                    ),
                };
                pops.insert(
                    name,
                    Pop {
                        ident: id,
                        size: n as usize,
                        neurons,
                        charge_to_volts: 0.0,
                        synapse: String::new(),
                        source: true,
                        modulation: node.meta_text("modulation").map(str::to_string),
                        comment,
                    },
                );
            }
            _ => {}
        }
    }
    // Paths from every population (and stimulus) along connection nodes.
    let mut paths: Vec<Path> = Vec::new();
    let mut recorded: BTreeSet<&str> = BTreeSet::new();
    let mut used: BTreeMap<&str, String> = BTreeMap::new();
    let starts: Vec<&str> = g
        .nodes
        .iter()
        .filter(|(_, n)| matches!(n.kind.as_str(), "LIF" | "CubaLIF" | "Input"))
        .map(|(k, _)| k.as_str())
        .collect();
    for s in starts {
        let entry = g.nodes[s].meta_text("bra_role") == Some("entry");
        for &first in outs.get(s).map(Vec::as_slice).unwrap_or(&[]) {
            let mut via = Vec::new();
            let mut cur = first;
            let mut weight: Option<Array> = None;
            let mut delay: Option<f64> = None;
            let mut width = g.nodes[s]
                .params
                .get(if g.nodes[s].kind == "Input" {
                    "shape"
                } else {
                    "v_threshold"
                })
                .map(|a| {
                    if g.nodes[s].kind == "Input" {
                        a.data.iter().product::<f64>() as usize
                    } else {
                        a.len()
                    }
                })
                .unwrap_or(0);
            let mut ok = true;
            loop {
                let node = &g.nodes[cur];
                if !matches!(node.kind.as_str(), "Linear" | "Affine" | "Scale" | "Delay") {
                    break;
                }
                if let Some(prev) = used.insert(cur, s.to_string()) {
                    errs.push(format!(
                        "NIR node `{cur}` lies on paths from `{prev}` and `{s}`; bra imports each weight or delay node on one path only"
                    ));
                    ok = false;
                    break;
                }
                via.push(cur.to_string());
                let (n_in, n_out) = (
                    ins.get(cur).map_or(0, Vec::len),
                    outs.get(cur).map_or(0, Vec::len),
                );
                if n_in != 1 || n_out != 1 {
                    errs.push(format!(
                        "NIR node `{cur}` ({}) has {n_in} inputs and {n_out} outputs; bra imports chains of one input and one output between populations",
                        node.kind
                    ));
                    ok = false;
                    break;
                }
                match node.kind.as_str() {
                    "Delay" => {
                        let Some(d) = uniform(&mut errs, cur, node, "delay", width.max(1)) else {
                            ok = false;
                            break;
                        };
                        if d < 0.0 {
                            errs.push(format!("NIR node `{cur}`: a negative delay {d}"));
                            ok = false;
                            break;
                        }
                        *delay.get_or_insert(0.0) += d;
                    }
                    kind => {
                        if weight.is_some() {
                            errs.push(format!(
                                "NIR node `{cur}`: a second weight node on the path from `{s}`; bra's flows have one weight matrix"
                            ));
                            ok = false;
                            break;
                        }
                        let w = if kind == "Scale" {
                            let Some(sc) = node.params.get("scale") else {
                                errs.push(format!("NIR node `{cur}`: Scale without `scale`"));
                                ok = false;
                                break;
                            };
                            let n = sc.len();
                            let mut m = vec![0.0; n * n];
                            for (i, x) in sc.data.iter().enumerate() {
                                m[i * n + i] = *x;
                            }
                            Array {
                                shape: vec![n, n],
                                data: m,
                            }
                        } else {
                            let Some(w) = node.params.get("weight") else {
                                errs.push(format!("NIR node `{cur}`: {kind} without `weight`"));
                                ok = false;
                                break;
                            };
                            if kind == "Affine"
                                && node
                                    .params
                                    .get("bias")
                                    .is_some_and(|b| b.data.iter().any(|x| *x != 0.0))
                            {
                                errs.push(format!(
                                    "NIR node `{cur}`: an Affine with a non-zero bias (a constant input); bra's flows carry spikes only"
                                ));
                                ok = false;
                                break;
                            }
                            w.clone()
                        };
                        if w.shape.len() != 2 || w.shape[1] != width {
                            errs.push(format!(
                                "NIR node `{cur}`: a weight of shape {:?} after {width} channels; bra imports 2-D weights (n_out × n_in)",
                                w.shape
                            ));
                            ok = false;
                            break;
                        }
                        width = w.shape[0];
                        weight = Some(w);
                    }
                }
                cur = outs[cur][0];
            }
            if !ok {
                continue;
            }
            let end = &g.nodes[cur];
            match end.kind.as_str() {
                "Output" => {
                    if !via.is_empty() {
                        notes.push(format!(
                            "weights or delays between `{s}` and the Output `{cur}` are not imported (bra records spikes as they are)"
                        ));
                    }
                    recorded.insert(s);
                }
                "LIF" | "CubaLIF" => {
                    if entry && via.is_empty() {
                        continue;
                    }
                    paths.push(Path {
                        pre: s.to_string(),
                        post: cur.to_string(),
                        weight,
                        delay,
                        via,
                    });
                }
                other => errs.push(format!(
                    "the path from `{s}` ends at `{cur}`, a `{other}`; bra imports paths into LIF or CubaLIF nodes"
                )),
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let dt = match g.metadata.get("dt") {
        Some(Meta::Real(x)) if *x > 0.0 => *x,
        _ => 1e-4,
    };
    // Flows.
    struct Flow {
        pre: String,
        post: String,
        connector: String,
        weight: f64,
        delay: f64,
        synapse: String,
        comment: Vec<String>,
    }
    let mut flows: Vec<Flow> = Vec::new();
    let mut stim_out: Vec<String> = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut sign: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let mut pairs_seen: BTreeSet<(String, String)> = BTreeSet::new();
    for p in &paths {
        let Some(post) = pops.get(p.post.as_str()) else {
            continue;
        };
        let via = if p.via.is_empty() {
            "a direct edge".to_string()
        } else {
            format!("`{}`", p.via.join("` → `"))
        };
        let n_post = post.size;
        let stim = stimuli.iter().find(|(n, _)| *n == p.pre);
        let n_pre = match (pops.get(p.pre.as_str()), stim) {
            (Some(pp), _) => pp.size,
            (None, Some(_)) => n_post,
            (None, None) => continue,
        };
        let w = p.weight.clone().unwrap_or_else(|| {
            let mut m = vec![0.0; n_pre * n_post];
            for i in 0..n_pre.min(n_post) {
                m[i * n_pre + i] = 1.0;
            }
            Array {
                shape: vec![n_post, n_pre],
                data: m,
            }
        });
        if w.shape != [n_post, n_pre] {
            errs.push(format!(
                "the path from `{}` to `{}` ({via}) has weights of shape {:?}, not {n_post} × {n_pre}",
                p.pre, p.post, w.shape
            ));
            continue;
        }
        // Synapses with their multiplicity; one weight for the flow.
        let nz: Vec<(usize, usize, f64)> = w
            .data
            .iter()
            .enumerate()
            .filter(|(_, x)| **x != 0.0)
            .map(|(k, x)| (k % n_pre, k / n_pre, *x))
            .collect();
        if nz.is_empty() {
            notes.push(format!(
                "the path from `{}` to `{}` ({via}) has only zero weights; no flow",
                p.pre, p.post
            ));
            continue;
        }
        let unit = nz
            .iter()
            .map(|t| t.2)
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap_or(1.0);
        let mut mult = Vec::with_capacity(nz.len());
        let mut hetero = false;
        for &(_, _, x) in &nz {
            let m = x / unit;
            let r = m.round();
            if !(1.0..=64.0).contains(&r) || (m - r).abs() > 1e-9 * m.abs() {
                hetero = true;
                break;
            }
            mult.push(r as usize);
        }
        if hetero {
            let lo = nz.iter().map(|t| t.2).fold(f64::INFINITY, f64::min);
            let hi = nz.iter().map(|t| t.2).fold(f64::NEG_INFINITY, f64::max);
            errs.push(format!(
                "the path from `{}` to `{}` ({via}) has weights that differ between synapses ({lo:e} to {hi:e}); a bra flow has one weight (its from_file connector lists pairs, not weights), so per-synapse weights cannot be imported",
                p.pre, p.post
            ));
            continue;
        }
        let w_v = unit * post.charge_to_volts;
        let delay = match p.delay {
            Some(d) => d,
            None => dt,
        };
        let mut comment = Vec::new();
        if p.delay.is_none() {
            comment.push(format!(
                "NIR gives no delay here ({via}); bra's shortest delay is one step, {}",
                q(dt, "ms")
            ));
        } else if delay < dt * 0.5 {
            comment.push(format!(
                "NIR's delay {} is below one step; bra delivers it after one step, {}",
                q(delay, "ms"),
                q(dt, "ms")
            ));
        }
        if let Some((_, call)) = stim {
            let diag = nz.len() == n_post && nz.iter().all(|&(i, j, _)| i == j);
            if !diag || mult.iter().any(|m| *m != 1) {
                errs.push(format!(
                    "stimulus node `{}`: its weights ({via}) are not one equal weight per target neuron, which is what a bra stimulus is",
                    p.pre
                ));
                continue;
            }
            let name = idents.get(p.pre.as_str()).cloned().unwrap_or_default();
            stim_out.push(format!(
                "stimulus {name} -> {} {{ {call}, weight = {}, synapse = {} }}\n",
                post.ident,
                q(w_v, "mV"),
                post.synapse
            ));
            continue;
        }
        let Some(pre) = pops.get(p.pre.as_str()) else {
            continue;
        };
        if !pairs_seen.insert((pre.ident.clone(), post.ident.clone())) {
            errs.push(format!(
                "two paths lead from `{}` to `{}`; bra has one flow per pair of components",
                p.pre, p.post
            ));
            continue;
        }
        let s = sign.entry(pre.ident.clone()).or_default();
        if w_v > 0.0 {
            s.0 = true;
        } else {
            s.1 = true;
        }
        let full = nz.len() == n_pre * n_post && mult.iter().all(|m| *m == 1);
        let diag = n_pre == n_post
            && nz.len() == n_pre
            && nz.iter().all(|&(i, j, _)| i == j)
            && mult.iter().all(|m| *m == 1);
        let different = p.pre != p.post;
        let connector = if full && different {
            "all_to_all()".to_string()
        } else if diag && different {
            "one_to_one()".to_string()
        } else {
            let path = format!(
                "{}_nir/{}_to_{}.csv",
                file_name(stem),
                file_name(&pre.ident),
                file_name(&post.ident)
            );
            let mut csv = String::from("pre,post\n");
            let mut rows: Vec<(usize, usize, usize)> = nz
                .iter()
                .zip(&mult)
                .map(|(&(i, j, _), &m)| (i, j, m))
                .collect();
            rows.sort_unstable();
            for (i, j, m) in rows {
                for _ in 0..m {
                    let _ = writeln!(csv, "{i},{j}");
                }
            }
            files.push((path.clone(), csv));
            format!("from_file(path: {})", quote(&path))
        };
        flows.push(Flow {
            pre: pre.ident.clone(),
            post: post.ident.clone(),
            connector,
            weight: w_v,
            delay,
            synapse: post.synapse.clone(),
            comment,
        });
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    if pops.values().all(|p| p.source) {
        return Err(vec![
            "the graph has no LIF or CubaLIF node; there is no network for bra to import".into(),
        ]);
    }
    // Text.
    let project = match g.metadata.get("project") {
        Some(Meta::Text(p)) => ident(p),
        _ => ident(stem),
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Imported from the NIR file {shown} by `bra import nir`.\n// NIR values are read as SI (s, V, ohm, C per spike), voltages relative to v_rest."
    );
    for n in &notes {
        let _ = writeln!(o, "// {n}");
    }
    let mut order: Vec<&Pop> = pops.values().collect();
    order.sort_by(|a, b| a.ident.cmp(&b.ident));
    let names: Vec<&str> = order.iter().map(|p| p.ident.as_str()).collect();
    let _ = writeln!(
        o,
        "\nproject {project} {} {{\n  bra_version = \"2.2\"\n  roi = [{}]\n  references = [nir2024]\n  allow = [SCID901] // an imported graph need not lie on paths from inputs to outputs\n  description = {}\n}}\n",
        quote(&format!("Imported from NIR ({shown})")),
        names.join(", "),
        quote(&format!(
            "{} populations and {} flows read from a NIR graph.",
            order.len(),
            flows.len()
        ))
    );
    let _ = writeln!(
        o,
        "reference nir2024 {{\n  doi = \"10.1038/s41467-024-52259-9\"\n  type = Article\n  title = \"Neuromorphic intermediate representation: a unified instruction set for interoperable brain-inspired computing\"\n  authors = \"Pedersen JE, Abreu S, Jobst M, et al.\"\n  year = 2024\n  journal = \"Nature Communications 15:8122\"\n}}\n"
    );
    for p in &order {
        let inhibitory = match p.modulation.as_deref() {
            Some("Inhibitory") => true,
            Some(_) => false,
            None => sign.get(&p.ident).is_some_and(|s| s.1 && !s.0),
        };
        let (tr, md) = if inhibitory {
            ("GABA", "Inhibitory")
        } else {
            ("Glutamate", "Excitatory")
        };
        let _ = writeln!(
            o,
            "circuit {} {} {{\n  uniform\n  transmitter = {tr}\n  modulation = {md}\n  source = makeshift\n  size = {}\n}}",
            p.ident,
            quote(&format!("NIR node {}", p.ident)),
            p.size
        );
    }
    o.push('\n');
    let mut conns: BTreeSet<(String, String)> = BTreeSet::new();
    for f in &flows {
        conns.insert((f.pre.clone(), f.post.clone()));
    }
    for (a, b) in &conns {
        let _ = writeln!(
            o,
            "connection {a} -> {b} {{ reference = nir2024, method = \"Model definition\" }}"
        );
    }
    o.push('\n');
    for p in &order {
        if let Some(c) = &p.comment {
            let _ = writeln!(o, "// {c}");
        }
        let _ = writeln!(
            o,
            "component {} {{\n  neurons = {} * {}\n}}",
            p.ident, p.neurons, p.size
        );
    }
    o.push('\n');
    for f in &flows {
        for c in &f.comment {
            let _ = writeln!(o, "// {c}");
        }
        let _ = writeln!(
            o,
            "flow {} -> {} {{\n  connect = {}\n  weight = {}\n  delay = {}\n  synapse = {}\n}}",
            f.pre,
            f.post,
            f.connector,
            q(f.weight, "mV"),
            q(f.delay, "ms"),
            f.synapse
        );
    }
    o.push('\n');
    for s in &stim_out {
        o.push_str(s);
    }
    let _ = writeln!(
        o,
        "\nfunction network {} {{ parts = [{}] }}\n",
        quote("The imported network"),
        names.join(", ")
    );
    let rec: Vec<&str> = order
        .iter()
        .filter(|p| !p.source)
        .filter(|p| {
            recorded.is_empty()
                || pops
                    .iter()
                    .any(|(k, q)| q.ident == p.ident && recorded.contains(k))
        })
        .map(|p| p.ident.as_str())
        .collect();
    let real = |k: &str, d: f64| match g.metadata.get(k) {
        Some(Meta::Real(x)) if x.is_finite() && *x > 0.0 => *x,
        _ => d,
    };
    let seed = match g.metadata.get("seed") {
        Some(Meta::Real(x)) if *x >= 0.0 && x.fract() == 0.0 => *x as u64,
        _ => 1,
    };
    let _ = writeln!(
        o,
        "simulate {{ duration = {}, dt = {}, seed = {seed}, record = [spikes({})] }}",
        q(real("duration", 1.0), "ms"),
        q(dt, "ms"),
        rec.join(", ")
    );
    Ok(Imported {
        text: o,
        files,
        populations: order.len(),
        flows: flows.len(),
        stimuli: stim_out.len(),
    })
}
