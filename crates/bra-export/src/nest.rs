//! Export to a NEST 3 Python script.
//!
//! The script builds the network with NEST's own models, simulates it, and
//! writes `spikes/<pop>.times.npy` (s), `spikes/<pop>.ids.npy` (index in the
//! population) and `summary.json` (per-population `mean_rate_hz` and
//! `cv_isi`, computed as bra's `stats.rs` does) into the folder given as its
//! first argument. Under `mpirun -np N` each rank writes the spikes of its
//! own neurons to `.rank<r>/` and rank 0 merges them.
//!
//! Mappings (all exact up to integration scheme and random draws):
//! * `lif` → `iaf_psc_delta` / `iaf_psc_exp` / `iaf_psc_alpha` by synapse
//!   shape; a voltage weight `w` on an exponential or alpha port is a current
//!   jump of `w·C_m/τ_m` (bra's trace adds `w` to `τ_m dv/dt`).
//! * `lif_cond` → `iaf_cond_exp` / `iaf_cond_alpha`; `adex` →
//!   `aeif_cond_exp` / `aeif_cond_alpha`; `izhikevich` → `izhikevich` with
//!   `consistent_integration = True`: forward Euler on (v, u) from the old
//!   values with spike weights added to v, which is bra's integrator when
//!   `dt` ≤ 0.1 ms (one sub-step); delta inputs only. (The paper's
//!   half-step numerics, `False`, would also scale spike weights by the
//!   resolution.) Two O(dt) timing differences remain: NEST adds a step's
//!   spike input before its threshold test, bra after (the spike is then
//!   emitted at the start of the next step), and a current reaches NEST's
//!   neuron one step after the generator emits it.
//! * per-neuron laws: `uniform`, `normal`, `lognormal`, `clipped` become
//!   `nest.random` parameters; `spread` (one r per neuron and stream,
//!   shared between parameters, as Izhikevich 2003's c and d) is drawn in
//!   the script with numpy, `r` uniform on [0, 1) per (seed, population,
//!   stream), and set neuron by neuron on each rank's own neurons.
//! * `poisson` populations → `parrot_neuron`s fed by one
//!   `poisson_generator` (independent trains per parrot).
//! * stimuli: `poisson` → `poisson_generator`, `current_source` →
//!   `dc_generator`, `noise_current` → `noise_generator`.
//! * `stdp` → `stdp_synapse` (`all_to_all`), `stdp_nn_symm_synapse`
//!   (`nearest`) or `stdp_nn_restr_synapse` (`restricted`), additive
//!   (μ = 0) or multiplicative (μ = 1), with `λ = a_plus`,
//!   `α = a_minus/a_plus`, `Wmax = w_max`; any other pairing is refused.
//!   NEST counts the delay as dendritic where bra's is axonal, so the pairs'
//!   timing differs by twice the delay: reported as a note
//!   ([`export_with_notes`]), printed by `bra export` and listed in the
//!   script's header.

use crate::{Diagnostic, Incoming, incoming, py, pystr, real, scale_law, signs};
use bra_compile::ir::{Instance, Law, Network, Origin, Population, Value};
use std::fmt::Write;

/// How a population maps onto NEST.
struct Mapped {
    model: String,
    /// `(NEST parameter, Python expression)`, set at creation (reals) or after (laws).
    params: Vec<(String, String)>,
    /// `(NEST parameter, numpy expression of one value per neuron)`: laws
    /// NEST cannot draw itself (`spread`), drawn in the script with numpy
    /// and set on the neurons of this process.
    arrays: Vec<(String, String)>,
    /// Factor turning a weight of each dimension into NEST's weight unit.
    scale_voltage: Option<f64>,
    scale_current: Option<f64>,
    scale_conductance: Option<f64>,
    /// For `poisson` populations: (rate Hz, start ms, stop ms).
    parrot: Option<(String, f64, f64)>,
}

/// A NEST random parameter for a law (already in NEST's units).
fn law_expr(l: &Law) -> Result<String, String> {
    let p = |k: &str| l.params.get(k).copied().unwrap_or(0.0);
    Ok(match l.law.as_str() {
        "constant" => py(p("value")),
        "uniform" => format!(
            "nest.random.uniform(min={}, max={})",
            py(p("low")),
            py(p("high"))
        ),
        "normal" => format!(
            "nest.random.normal(mean={}, std={})",
            py(p("mean")),
            py(p("sd"))
        ),
        "lognormal" => format!(
            "nest.random.lognormal(mean={}, std={})",
            py(p("median").ln()),
            py(p("sigma"))
        ),
        "clipped" => {
            let inner = law_expr(l.inner.as_deref().ok_or("a clipped law without its law")?)?;
            let lo = l.params.get("min").copied().unwrap_or(f64::NEG_INFINITY);
            let hi = l.params.get("max").copied().unwrap_or(f64::INFINITY);
            // The mode is not stored among the real parameters; clipping is the default.
            if l.params.contains_key("redraw") {
                format!("nest.math.redraw({inner}, min={}, max={})", py(lo), py(hi))
            } else {
                let mut e = inner;
                if hi.is_finite() {
                    e = format!("nest.math.min({e}, {})", py(hi));
                }
                if lo.is_finite() {
                    e = format!("nest.math.max({e}, {})", py(lo));
                }
                e
            }
        }
        other => {
            return Err(format!(
                "the law `{other}` has no NEST counterpart (NEST draws per-neuron values only from uniform, normal, lognormal and clipped laws)"
            ));
        }
    })
}

/// A value in NEST's units as a Python expression (`scale` from SI).
fn value_expr(v: &Value, scale: f64) -> Result<String, String> {
    match v {
        Value::Real(x) => Ok(py(x * scale)),
        Value::Int(x) => Ok(py(*x as f64 * scale)),
        Value::Law(l) => {
            if scale < 0.0 {
                return Err("a negative scale of a law".into());
            }
            law_expr(&scale_law(l, scale)?)
        }
        other => Err(format!("the value {other:?} is not a number")),
    }
}

fn is_law(v: &Value) -> bool {
    matches!(v, Value::Law(_))
}

/// A `spread` law (`low + (high - low)·r^power`, one `r` per neuron and
/// stream) in NEST's units, as a numpy array over the population `pop`
/// (index in the network) of `n` neurons: `None` when `v` is not a
/// `spread` law. The script draws `r` uniform on [0, 1) from a numpy
/// generator seeded by (seed, population, stream), so every parameter of a
/// population naming the same stream sees the same `r`, as in bra.
fn spread_expr(v: &Value, scale: f64, pop: u32, n: usize) -> Option<String> {
    let Value::Law(l) = v else { return None };
    if l.law != "spread" {
        return None;
    }
    let p = |k: &str| l.params.get(k).copied().unwrap_or(0.0);
    let power = l.params.get("power").copied().unwrap_or(1.0);
    Some(format!(
        "spread({pop}, {n}, {}, {}, {}, {})",
        p("stream") as i64,
        py(p("low") * scale),
        py(p("high") * scale),
        py(power)
    ))
}

struct Ctx<'a> {
    diags: Vec<Diagnostic>,
    /// What maps with a stated difference (printed as warnings).
    notes: Vec<Diagnostic>,
    net: &'a Network,
}

impl Ctx<'_> {
    fn note(&mut self, component: &str, origin: &Origin, reason: impl Into<String>) {
        self.notes.push(Diagnostic {
            component: component.to_string(),
            reason: reason.into(),
            origin: origin.clone(),
        });
    }

    fn refuse(&mut self, component: &str, origin: &Origin, reason: impl Into<String>) {
        self.diags.push(Diagnostic {
            component: component.to_string(),
            reason: reason.into(),
            origin: origin.clone(),
        });
    }
}

/// The synapse shape every input shares, and the time constants of the
/// excitatory (non-negative weights) and inhibitory receptor.
fn receptors(
    cx: &mut Ctx,
    pop: &Population,
    ins: &[Incoming],
    model: &str,
) -> Option<(String, Option<f64>, Option<f64>)> {
    let mut kind: Option<&str> = None;
    let (mut ex, mut inh): (Option<f64>, Option<f64>) = (None, None);
    let mut ok = true;
    for i in ins {
        let k = i.synapse.kind.as_str();
        match kind {
            None => kind = Some(k),
            Some(k0) if k0 != k => {
                cx.refuse(
                    i.name,
                    i.origin,
                    format!(
                        "`{}` receives `{k0}` and `{k}` synapses; NEST's `{model}` family has one synapse shape per model",
                        pop.name
                    ),
                );
                ok = false;
            }
            _ => {}
        }
        let tau = real(&i.synapse.params, "tau");
        let (pos, neg) = signs(i.weight);
        for (want, slot, rec) in [(pos, &mut ex, "excitatory"), (neg, &mut inh, "inhibitory")] {
            if !want {
                continue;
            }
            match (*slot, tau) {
                (None, t) => *slot = t,
                (Some(a), Some(b)) if (a - b).abs() > 1e-12 * a.abs() => {
                    cx.refuse(
                        i.name,
                        i.origin,
                        format!(
                            "`{}` has {rec} inputs with time constants {} ms and {} ms; NEST's `{model}` has one time constant per receptor (excitatory and inhibitory, chosen by the sign of each weight)",
                            pop.name,
                            a * 1e3,
                            b * 1e3
                        ),
                    );
                    ok = false;
                }
                _ => {}
            }
        }
    }
    ok.then(|| (kind.unwrap_or("exponential").to_string(), ex, inh))
}

/// Map a population onto a NEST model.
fn map_pop(cx: &mut Ctx, pop: &Population) -> Option<Mapped> {
    let p = &pop.model.params;
    let mut params: Vec<(String, String)> = Vec::new();
    let mut arrays: Vec<(String, String)> = Vec::new();
    let bad_set = std::cell::Cell::new(false);
    let mut bad = false;
    let mut set = |cx: &mut Ctx, nest: &str, k: &str, scale: f64| {
        if let Some(v) = p.get(k) {
            if let Some(e) = spread_expr(v, scale, pop.id, pop.size as usize) {
                arrays.push((nest.into(), e));
                return;
            }
            match value_expr(v, scale) {
                Ok(e) => params.push((nest.into(), e)),
                Err(e) => {
                    cx.refuse(&pop.name, &pop.origin, format!("parameter `{k}`: {e}"));
                    bad_set.set(true);
                }
            }
        }
    };

    let ins = incoming(cx.net, pop);
    let model = pop.model.kind.as_str();
    let dt = cx.net.run.dt;
    let mut m = Mapped {
        model: String::new(),
        params: Vec::new(),
        arrays: Vec::new(),
        scale_voltage: None,
        scale_current: None,
        scale_conductance: None,
        parrot: None,
    };
    match model {
        "lif" => {
            let (kind, ex, inh) = receptors(cx, pop, &ins, "iaf_psc_*")?;
            m.model = match kind.as_str() {
                "delta" => "iaf_psc_delta",
                "exponential" => "iaf_psc_exp",
                "alpha" => "iaf_psc_alpha",
                other => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        format!("synapse `{other}` has no NEST iaf_psc model"),
                    );
                    return None;
                }
            }
            .into();
            for (n, k, s) in [
                ("tau_m", "tau_m", 1e3),
                ("E_L", "v_rest", 1e3),
                ("V_th", "v_th", 1e3),
                ("V_reset", "v_reset", 1e3),
                ("t_ref", "t_ref", 1e3),
                ("C_m", "c_m", 1e12),
                ("I_e", "i_e", 1e12),
            ] {
                set(cx, n, k, s);
            }
            if kind != "delta" {
                params.push(("tau_syn_ex".into(), py(ex.unwrap_or(0.002) * 1e3)));
                params.push(("tau_syn_in".into(), py(inh.unwrap_or(0.002) * 1e3)));
            }
            let (tm, cm) = (real(p, "tau_m"), real(p, "c_m"));
            if kind == "delta" {
                m.scale_voltage = Some(1e3);
            } else {
                m.scale_voltage = tm.zip(cm).map(|(t, c)| c / t * 1e12);
                m.scale_current = Some(1e12);
            }
            for i in &ins {
                if i.synapse.params.get("mode") == Some(&Value::Text("conductance".into())) {
                    cx.refuse(
                        i.name,
                        i.origin,
                        "a conductance synapse onto `lif` (current-based)",
                    );
                    bad = true;
                }
            }
            if m.scale_voltage.is_none() {
                cx.refuse(&pop.name, &pop.origin, "voltage weights need tau_m and c_m to be plain numbers to convert to NEST's pA");
                bad = true;
            }
            init_v(cx, pop, &mut params, "V_m", real(p, "v_rest"));
        }
        "lif_cond" | "adex" => {
            let (kind, ex, inh) = receptors(
                cx,
                pop,
                &ins,
                if model == "adex" {
                    "aeif_cond_*"
                } else {
                    "iaf_cond_*"
                },
            )?;
            let base = if model == "adex" {
                "aeif_cond"
            } else {
                "iaf_cond"
            };
            m.model = match kind.as_str() {
                "exponential" => format!("{base}_exp"),
                "alpha" => format!("{base}_alpha"),
                other => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        format!("NEST's {base}_* models have no `{other}` synapse"),
                    );
                    return None;
                }
            };
            if model == "adex" {
                for (n, k, s) in [
                    ("C_m", "c_m", 1e12),
                    ("g_L", "g_l", 1e9),
                    ("E_L", "e_l", 1e3),
                    ("V_th", "v_t", 1e3),
                    ("Delta_T", "delta_t", 1e3),
                    ("tau_w", "tau_w", 1e3),
                    ("a", "a", 1e9),
                    ("b", "b", 1e12),
                    ("V_reset", "v_reset", 1e3),
                    ("V_peak", "v_peak", 1e3),
                    ("t_ref", "t_ref", 1e3),
                    ("I_e", "i_e", 1e12),
                    ("E_ex", "e_ex", 1e3),
                    ("E_in", "e_in", 1e3),
                ] {
                    set(cx, n, k, s);
                }
                init_v(cx, pop, &mut params, "V_m", real(p, "e_l"));
            } else {
                for (n, k, s) in [
                    ("C_m", "c_m", 1e12),
                    ("g_L", "g_l", 1e9),
                    ("E_L", "v_rest", 1e3),
                    ("V_th", "v_th", 1e3),
                    ("V_reset", "v_reset", 1e3),
                    ("t_ref", "t_ref", 1e3),
                    ("I_e", "i_e", 1e12),
                    ("E_ex", "e_ex", 1e3),
                    ("E_in", "e_in", 1e3),
                ] {
                    set(cx, n, k, s);
                }
                init_v(cx, pop, &mut params, "V_m", real(p, "v_rest"));
            }
            params.push(("tau_syn_ex".into(), py(ex.unwrap_or(0.002) * 1e3)));
            params.push(("tau_syn_in".into(), py(inh.unwrap_or(0.002) * 1e3)));
            m.scale_conductance = Some(1e9);
            for i in &ins {
                let sp = &i.synapse.params;
                if sp.get("mode") != Some(&Value::Text("conductance".into())) {
                    cx.refuse(i.name, i.origin, format!("a current synapse onto conductance-based `{}`: NEST's {} takes conductances only", pop.name, m.model));
                    bad = true;
                    continue;
                }
                let e_rev = real(sp, "e_rev").unwrap_or(0.0);
                let (pos, neg) = signs(i.weight);
                let ok_ex = !pos || e_rev == 0.0 || Some(e_rev) == real(p, "e_ex");
                let ok_in = !neg || e_rev == 0.0 || Some(e_rev) == real(p, "e_in");
                if !(ok_ex && ok_in) {
                    cx.refuse(i.name, i.origin, format!("reversal potential {} mV differs from the target's e_ex/e_in; NEST has two fixed reversal potentials per neuron", e_rev * 1e3));
                    bad = true;
                }
            }
        }
        "izhikevich" => {
            m.model = "izhikevich".into();
            if dt > 1e-4 * (1.0 + 1e-9) {
                cx.refuse(&pop.name, &pop.origin, "bra integrates izhikevich in sub-steps of at most 0.1 ms; NEST at the resolution: use dt <= 0.1 ms");
                bad = true;
            }
            for (n, k, s) in [
                ("a", "a", 1e-3),
                ("b", "b", 1.0),
                ("c", "c", 1e3),
                ("d", "d", 1e3),
                ("V_th", "v_peak", 1e3),
                ("I_e", "i_e", 1e3), // bra: volts, the paper's I in mV; NEST: the same number in pA
            ] {
                set(cx, n, k, s);
            }
            // Forward Euler on (v, u) from the old values, spike weights added
            // to v unscaled: bra's integrator at dt <= 0.1 ms (one sub-step).
            // `False` would be the paper's half-steps, which also scale the
            // spike weights by the resolution.
            params.push(("consistent_integration".into(), "True".into()));
            for i in &ins {
                if i.synapse.kind != "delta" {
                    cx.refuse(i.name, i.origin, format!("NEST's `izhikevich` takes only delta (voltage-jump) inputs; this input onto `{}` has a `{}` synapse", pop.name, i.synapse.kind));
                    bad = true;
                }
            }
            m.scale_voltage = Some(1e3);
            if pop.init.contains_key("v") || pop.init.contains_key("u") {
                cx.refuse(&pop.name, &pop.origin, "initial values of izhikevich's v or u are not exported yet (bra starts v at -65 mV and u at b·v)");
                bad = true;
            }
            // bra starts every neuron at v = -65 mV, u = b·v.
            params.push(("V_m".into(), "-65.0".into()));
            match p.get("b") {
                None => params.push(("U_m".into(), py(-65.0 * 0.2))),
                Some(b) => {
                    if let Some(e) = spread_expr(b, 1.0, pop.id, pop.size as usize) {
                        arrays.push(("U_m".into(), format!("-65.0 * {e}")));
                    } else if let Some(b) = b.as_real() {
                        params.push(("U_m".into(), py(-65.0 * b)));
                    } else {
                        cx.refuse(
                            &pop.name,
                            &pop.origin,
                            "a per-neuron law for b other than `spread`: NEST's initial U_m = b·V_m cannot follow a value NEST draws itself",
                        );
                        bad = true;
                    }
                }
            }
        }
        "poisson" => {
            m.model = "parrot_neuron".into();
            let rate = match p.get("rate") {
                Some(v) => match value_expr(v, 1.0) {
                    Ok(e) if !is_law(v) => e,
                    _ => {
                        cx.refuse(&pop.name, &pop.origin, "a per-neuron law for the Poisson rate has no poisson_generator counterpart");
                        return None;
                    }
                },
                None => "0.0".into(),
            };
            let start = real(p, "start").unwrap_or(0.0) * 1e3;
            let stop = real(p, "stop").unwrap_or(f64::INFINITY) * 1e3;
            m.parrot = Some((rate, start, stop));
        }
        other => {
            cx.refuse(
                &pop.name,
                &pop.origin,
                format!("the model `{other}` has no NEST counterpart that bra can export"),
            );
            return None;
        }
    }
    if pop.init.keys().any(|k| k != "v") {
        cx.refuse(
            &pop.name,
            &pop.origin,
            "initial values other than v are not exported",
        );
        bad = true;
    }
    m.params = params;
    m.arrays = arrays;
    (!bad && !bad_set.get()).then_some(m)
}

fn init_v(
    cx: &mut Ctx,
    pop: &Population,
    params: &mut Vec<(String, String)>,
    name: &str,
    rest: Option<f64>,
) {
    match pop.init.get("v") {
        Some(v) => match value_expr(v, 1e3) {
            Ok(e) => params.push((name.into(), e)),
            Err(e) => cx.refuse(&pop.name, &pop.origin, format!("initial v: {e}")),
        },
        None => {
            if let Some(r) = rest {
                params.push((name.into(), py(r * 1e3)));
            }
        }
    }
}

fn weight_scale(m: &Mapped, dim: &str) -> Option<f64> {
    match dim {
        "voltage" => m.scale_voltage,
        "current" => m.scale_current,
        "conductance" => m.scale_conductance,
        _ => None,
    }
}

fn connector(cx: &mut Ctx, c: &Instance, name: &str, origin: &Origin) -> Option<String> {
    let p = &c.params;
    let b = |k: &str| {
        if p.get(k) == Some(&Value::Bool(false)) {
            "False"
        } else {
            "True"
        }
    };
    Some(match c.kind.as_str() {
        "all_to_all" => format!(
            "{{'rule': 'all_to_all', 'allow_autapses': {}}}",
            b("allow_autapses")
        ),
        "one_to_one" => "{'rule': 'one_to_one'}".into(),
        "fixed_probability" => format!(
            "{{'rule': 'pairwise_bernoulli', 'p': {}, 'allow_autapses': {}}}",
            py(real(p, "p").unwrap_or(0.0)),
            b("allow_autapses")
        ),
        "fixed_indegree" => format!(
            "{{'rule': 'fixed_indegree', 'indegree': {}, 'allow_autapses': {}, 'allow_multapses': {}}}",
            real(p, "k").unwrap_or(0.0) as i64,
            b("allow_autapses"),
            b("allow_multapses")
        ),
        "fixed_total_number" => format!(
            "{{'rule': 'fixed_total_number', 'N': {}, 'allow_autapses': {}, 'allow_multapses': {}}}",
            real(p, "n").unwrap_or(0.0) as i64,
            b("allow_autapses"),
            b("allow_multapses")
        ),
        other => {
            cx.refuse(name, origin, format!("the connector `{other}` is not exported to NEST (it needs NEST's spatial or from-array connections)"));
            return None;
        }
    })
}

/// The NEST script for `net`, or every part that cannot be mapped exactly.
pub fn export(net: &Network) -> Result<String, Vec<Diagnostic>> {
    export_with_notes(net).map(|(text, _)| text)
}

/// [`export`], with the parts that map with a stated difference (the CLI
/// prints them as warnings; the script's header lists them too).
pub fn export_with_notes(net: &Network) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut cx = Ctx {
        diags: Vec::new(),
        notes: Vec::new(),
        net,
    };
    let dt_ms = net.run.dt * 1e3;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"#!/usr/bin/env python3
"""NEST 3 script exported by `bra export nest` from project {project}.

Usage: python3 THIS.py [OUTPUT_DIR]          (default: nest_out)
       mpirun -np N python3 THIS.py OUTPUT_DIR
Environment: BRA_NEST_THREADS (threads per process, default 1),
             BRA_NEST_VPS (total virtual processes = processes x threads;
               fix it to get the same spikes from any number of processes),
             BRA_DURATION (simulated seconds, default {dur}),
             BRA_SEED (seed, default the spec's {seed}).
Writes spikes/<pop>.times.npy (s), spikes/<pop>.ids.npy and summary.json in
bra's output layout. Under MPI each rank writes its neurons' spikes and
rank 0 merges them. A NEST built without MPI (the PyPI wheel) cannot share
the network between processes: under mpirun it says so, rank 0 runs the
whole network and the other ranks stop.
"""
import atexit, importlib.util, json, os, socket, sys, time, warnings
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "nest_out"
DURATION = float(os.environ.get("BRA_DURATION", "{dur}"))
SEED = int(os.environ.get("BRA_SEED", "{seed}"))
RESOLUTION_MS = {dt}
"#,
        project = net.project,
        dur = py(net.run.duration),
        dt = py(dt_ms),
        seed = net.run.seed,
    );
    s.push_str(PRELUDE);
    let mut mapped: Vec<Option<Mapped>> = Vec::new();
    for pop in &net.populations {
        let m = map_pop(&mut cx, pop);
        if let Some(m) = &m {
            let name = pystr(&pop.name);
            let _ = writeln!(
                s,
                "\n# {} ({}, {} neurons)",
                pop.name, pop.model.kind, pop.size
            );
            let _ = writeln!(
                s,
                "P[{name}] = nest.Create({}, {})",
                pystr(&m.model),
                pop.size
            );
            for (k, e) in &m.params {
                let _ = writeln!(s, "P[{name}].set({k}={e})");
            }
            if !m.arrays.is_empty() {
                let body: Vec<String> = m
                    .arrays
                    .iter()
                    .map(|(k, e)| format!("{}: {e}", pystr(k)))
                    .collect();
                let _ = writeln!(s, "set_per_neuron(P[{name}], {{{}}})", body.join(", "));
            }
            if let Some((rate, start, stop)) = &m.parrot {
                let _ = writeln!(
                    s,
                    "_g = nest.Create('poisson_generator', params={{'rate': {rate}, 'start': {}, 'stop': {}}})\nnest.Connect(_g, P[{name}], 'all_to_all', {{'delay': {}}})",
                    py(*start),
                    if stop.is_finite() {
                        py(*stop)
                    } else {
                        "1e300".into()
                    },
                    py(dt_ms)
                );
            }
        }
        mapped.push(m);
    }
    // Projections.
    for pr in &net.projections {
        let (Some(Some(mpost)), Some(Some(_))) =
            (mapped.get(pr.post as usize), mapped.get(pr.pre as usize))
        else {
            continue;
        };
        let Some(scale) = weight_scale(mpost, &pr.weight_dim) else {
            cx.refuse(
                &pr.name,
                &pr.origin,
                format!(
                    "a {} weight onto `{}` has no NEST unit for `{}`",
                    pr.weight_dim, net.populations[pr.post as usize].name, mpost.model
                ),
            );
            continue;
        };
        let Some(conn) = connector(&mut cx, &pr.connector, &pr.name, &pr.origin) else {
            continue;
        };
        let w = match value_expr(&pr.weight, scale) {
            Ok(w) => w,
            Err(e) => {
                cx.refuse(&pr.name, &pr.origin, format!("weight: {e}"));
                continue;
            }
        };
        let d = match value_expr(&pr.delay, 1e3) {
            Ok(d) => d,
            Err(e) => {
                cx.refuse(&pr.name, &pr.origin, format!("delay: {e}"));
                continue;
            }
        };
        if let Value::Real(d) = pr.delay
            && d < net.run.dt * (1.0 - 1e-9)
        {
            cx.refuse(
                &pr.name,
                &pr.origin,
                "a delay shorter than one time step: NEST's minimum delay is the resolution",
            );
            continue;
        }
        let mut syn = format!("{{'synapse_model': 'static_synapse', 'weight': {w}, 'delay': {d}}}");
        if let Some(pl) = &pr.plasticity {
            match stdp(&mut cx, pl, scale, &pr.weight, &pr.name, &pr.origin) {
                Some((model, extra, tau_minus)) => {
                    let d_ms = pr.delay.as_real().map_or(String::new(), |d| {
                        format!(" ({} ms here)", py(2.0 * d * 1e3))
                    });
                    cx.note(
                        &pr.name,
                        &pr.origin,
                        format!(
                            "NEST's {model} counts the delay d as dendritic (it pairs t_pre with t_post + d) where \
                             bra's is axonal (the spike's arrival t_pre + d with t_post): for the same spikes \
                             NEST's t_post - t_pre in the STDP window is 2·d larger{d_ms}; NEST 3 has no \
                             axonal-delay counterpart of this synapse model"
                        ),
                    );
                    syn = format!(
                        "{{'synapse_model': {}, 'weight': {w}, 'delay': {d}, {extra}}}",
                        pystr(&model)
                    );
                    let post = pystr(&net.populations[pr.post as usize].name);
                    let _ = writeln!(s, "P[{post}].set(tau_minus={})", py(tau_minus));
                }
                None => continue,
            }
        }
        let _ = writeln!(
            s,
            "\n# {}\nnest.Connect(P[{}], P[{}], {conn}, {syn})",
            pr.name,
            pystr(&net.populations[pr.pre as usize].name),
            pystr(&net.populations[pr.post as usize].name),
        );
    }
    // Inputs.
    for inp in &net.inputs {
        let Some(Some(mt)) = mapped.get(inp.target as usize) else {
            continue;
        };
        let target = pystr(&net.populations[inp.target as usize].name);
        let sp = &inp.source.params;
        let ms = |k: &str, d: f64| real(sp, k).map(|x| x * 1e3).unwrap_or(d);
        let stop = ms("stop", f64::INFINITY);
        let stop = if stop.is_finite() {
            py(stop)
        } else {
            "1e300".into()
        };
        let start = py(ms("start", 0.0));
        let reals = |k: &str| real(sp, k);
        match inp.source.kind.as_str() {
            "poisson" => {
                let (Some(rate), Some(w)) = (reals("rate"), &inp.weight) else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        "a Poisson stimulus with a per-neuron rate law or without a weight",
                    );
                    continue;
                };
                let dim = inp.weight_dim.as_deref().unwrap_or("voltage");
                let Some(scale) = weight_scale(mt, dim) else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        format!("a {dim} weight has no NEST unit for `{}`", mt.model),
                    );
                    continue;
                };
                let w = match value_expr(w, scale) {
                    Ok(w) => w,
                    Err(e) => {
                        cx.refuse(&inp.name, &inp.origin, format!("weight: {e}"));
                        continue;
                    }
                };
                let _ = writeln!(
                    s,
                    "\n# stimulus {}\n_g = nest.Create('poisson_generator', params={{'rate': {}, 'start': {start}, 'stop': {stop}}})\nnest.Connect(_g, P[{target}], 'all_to_all', {{'weight': {w}, 'delay': {}}})",
                    inp.name,
                    py(rate),
                    py(dt_ms)
                );
            }
            "current_source" => {
                let Some(a) = reals("amplitude") else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        "a current source without a numeric amplitude",
                    );
                    continue;
                };
                let _ = writeln!(
                    s,
                    "\n# stimulus {}\n_g = nest.Create('dc_generator', params={{'amplitude': {}, 'start': {start}, 'stop': {stop}}})\nnest.Connect(_g, P[{target}])",
                    inp.name,
                    py(a * 1e12)
                );
            }
            "noise_current" => {
                let interval = ms("interval", 1.0).max(dt_ms);
                let k = interval / dt_ms;
                if (k - k.round()).abs() > 1e-6 {
                    cx.refuse(&inp.name, &inp.origin, "a noise interval that is not a whole number of steps (NEST's noise_generator dt must be)");
                    continue;
                }
                let _ = writeln!(
                    s,
                    "\n# stimulus {}\n_g = nest.Create('noise_generator', params={{'mean': {}, 'std': {}, 'dt': {}, 'start': {start}, 'stop': {stop}}})\nnest.Connect(_g, P[{target}])",
                    inp.name,
                    py(reals("mean").unwrap_or(0.0) * 1e12),
                    py(reals("sd").unwrap_or(0.0) * 1e12),
                    py(interval)
                );
            }
            other => cx.refuse(
                &inp.name,
                &inp.origin,
                format!("the stimulus `{other}` is not exported to NEST"),
            ),
        }
    }
    let (rec, partial) = crate::recorded_spikes(net);
    for r in partial {
        cx.refuse(&net.populations[r.population as usize].name, &r.origin, "recording the spikes of part of a population is not exported (the whole population is recorded)");
    }
    let _ = writeln!(s, "\nREC = {{}}");
    let _ = writeln!(s, "SIZE = {{}}");
    for p in rec.iter().filter(|p| mapped[p.id as usize].is_some()) {
        let n = pystr(&p.name);
        let _ = writeln!(
            s,
            "REC[{n}] = nest.Create('spike_recorder')\nnest.Connect(P[{n}], REC[{n}])\nSIZE[{n}] = {}",
            p.size
        );
    }
    let mut files = String::new();
    for p in &rec {
        let _ = write!(
            files,
            "{}: {}, ",
            pystr(&p.name),
            pystr(&bra_runtime::io::safe(&p.name))
        );
    }
    let _ = writeln!(s, "SAFE = {{{files}}}");
    let _ = writeln!(s, "PROJECT = {}", pystr(&net.project));
    let _ = writeln!(s, "DT = {}", py(net.run.dt));
    s.push_str(RUN);
    s.push_str(crate::STATS_PY);
    s.push_str(SAVE);
    if !cx.notes.is_empty() {
        let mut head = String::from("# Differences from bra (also printed by `bra export`):\n");
        for n in &cx.notes {
            let _ = writeln!(head, "# - {n}");
        }
        // After the shebang line.
        let cut = s.find('\n').map_or(0, |i| i + 1);
        s.insert_str(cut, &head);
    }
    if cx.diags.is_empty() {
        Ok((s, cx.notes))
    } else {
        Err(cx.diags)
    }
}

/// The NEST synapse model, its extra parameters and the post-synaptic
/// `tau_minus` (ms) for a bra `stdp` rule.
fn stdp(
    cx: &mut Ctx,
    pl: &Instance,
    scale: f64,
    w: &Value,
    name: &str,
    origin: &Origin,
) -> Option<(String, String, f64)> {
    if pl.kind != "stdp" {
        cx.refuse(
            name,
            origin,
            format!(
                "the plasticity rule `{}` has no NEST synapse model",
                pl.kind
            ),
        );
        return None;
    }
    let p = &pl.params;
    let text = |k: &str| match p.get(k) {
        Some(Value::Text(t)) => t.clone(),
        _ => String::new(),
    };
    let w_min = real(p, "w_min").unwrap_or(0.0);
    let w_max = real(p, "w_max").unwrap_or(f64::INFINITY);
    if w_min != 0.0 {
        cx.refuse(
            name,
            origin,
            "STDP with w_min != 0: NEST's stdp_synapse bounds weights at 0",
        );
        return None;
    }
    if !w_max.is_finite() {
        cx.refuse(name, origin, "STDP without w_max: NEST's stdp_synapse scales its updates by Wmax, bra by the mean initial weight");
        return None;
    }
    if signs(w).1 {
        cx.refuse(
            name,
            origin,
            "STDP on negative weights: NEST's stdp_synapse keeps weights of one sign",
        );
        return None;
    }
    let a_plus = real(p, "a_plus").unwrap_or(0.005);
    let a_minus = real(p, "a_minus").unwrap_or(0.00525);
    if a_plus <= 0.0 {
        cx.refuse(
            name,
            origin,
            "STDP with a_plus = 0: NEST's alpha = a_minus/a_plus is undefined",
        );
        return None;
    }
    let mu = match text("bounds").as_str() {
        "multiplicative" => 1.0,
        _ => 0.0,
    };
    let model = match text("pairing").as_str() {
        "" | "all_to_all" => "stdp_synapse",
        "nearest" => "stdp_nn_symm_synapse",
        "restricted" => "stdp_nn_restr_synapse",
        other => {
            cx.refuse(
                name,
                origin,
                format!("STDP pairing `{other}` has no NEST synapse model"),
            );
            return None;
        }
    };
    let extra = format!(
        "'tau_plus': {}, 'lambda': {}, 'alpha': {}, 'mu_plus': {}, 'mu_minus': {}, 'Wmax': {}",
        py(real(p, "tau_plus").unwrap_or(0.0168) * 1e3),
        py(a_plus),
        py(a_minus / a_plus),
        py(mu),
        py(mu),
        py(w_max * scale)
    );
    Some((
        model.into(),
        extra,
        real(p, "tau_minus").unwrap_or(0.0337) * 1e3,
    ))
}

/// The script's set-up after its constants: MPI detection, the output lock,
/// the kernel, and the helpers for per-neuron values.
const PRELUDE: &str = r##"

def launcher():
    """(rank, size) that mpirun/mpiexec/srun gave this process, from the environment."""
    for r, n in (("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE"),
                 ("SLURM_PROCID", "SLURM_STEP_NUM_TASKS")):
        if os.environ.get(r, "").isdigit() and os.environ.get(n, "").isdigit():
            return int(os.environ[r]), int(os.environ[n])
    return 0, 1


def nest_has_mpi():
    """Whether the installed NEST was built with MPI, read from the config.h that
    a pip-installed NEST ships (None when it cannot be told before importing)."""
    spec = importlib.util.find_spec("nest")
    for d in spec.submodule_search_locations or [] if spec else []:
        try:
            text = open(os.path.join(d, "include", "nest", "config.h")).read()
        except OSError:
            continue
        if "#define HAVE_MPI 1" in text:
            return True
        if "#undef HAVE_MPI */" in text:
            return False
    return None


L_RANK, L_SIZE = launcher()
LAUNCHED = L_SIZE
if L_SIZE > 1 and nest_has_mpi() is False:
    # NEST without MPI exits on import when it sees a launcher with several
    # processes; the copies could not share the network anyway.
    print("bra-nest: this NEST was built without MPI (the PyPI wheel is), so the %d processes "
          "that the launcher started cannot share the network. Rank 0 simulates the whole "
          "network alone and writes %s; rank %d stops here. For a distributed run use a NEST "
          "built with MPI (-Dwith-mpi=ON)." % (L_SIZE, OUT, L_RANK), file=sys.stderr)
    if L_RANK != 0:
        sys.exit(0)
    for k in ("PMIX_RANK", "PMI_RANK", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS"):
        os.environ.pop(k, None)

import nest  # noqa: E402

try:
    nest.verbosity = nest.VerbosityLevel.ERROR
except AttributeError:  # NEST before 3.9
    nest.set_verbosity("M_ERROR")
nest.ResetKernel()
RANK, NPROC = nest.Rank(), nest.NumProcesses()
HAVE_MPI = bool(nest.GetKernelStatus("build_info").get("have_mpi", False))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def take_lock():
    """One run at a time per output folder: rank 0 holds OUT/.bra-nest.lock."""
    os.makedirs(OUT, exist_ok=True)
    lock = os.path.join(OUT, ".bra-nest.lock")
    me = "%s %d" % (socket.gethostname(), os.getpid())
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                host, pid = open(lock).read().split()
                pid = int(pid)
            except (OSError, ValueError):
                host, pid = "", 0
            if host == socket.gethostname() and pid > 0 and not alive(pid):
                try:
                    os.remove(lock)  # left by a run that died
                except FileNotFoundError:
                    pass
                continue
            sys.exit("bra-nest: %s is being written by another run (process %s on %s). Use another "
                     "output folder, or remove %s if that run is gone." % (OUT, pid or "?", host or "?", lock))
        with os.fdopen(fd, "w") as f:
            f.write(me)
        atexit.register(lambda: os.path.exists(lock) and open(lock).read() == me and os.remove(lock))
        # Parts of an earlier run that died must not be merged into this one.
        for d in os.listdir(OUT):
            if d.startswith(".rank") and os.path.isdir(os.path.join(OUT, d)):
                for f in os.listdir(os.path.join(OUT, d)):
                    os.remove(os.path.join(OUT, d, f))
                os.rmdir(os.path.join(OUT, d))
        return
    sys.exit("bra-nest: cannot take the lock %s" % lock)


if RANK == 0:
    take_lock()

kernel = {"resolution": RESOLUTION_MS, "rng_seed": max(SEED % 2147483647, 1)}
if os.environ.get("BRA_NEST_VPS"):
    vps = int(os.environ["BRA_NEST_VPS"])
    if vps < NPROC or vps % NPROC:
        sys.exit("bra-nest: BRA_NEST_VPS=%d is not a multiple of the %d MPI processes" % (vps, NPROC))
    kernel["total_num_virtual_procs"] = vps
else:
    kernel["local_num_threads"] = int(os.environ.get("BRA_NEST_THREADS", "1"))
nest.SetKernelStatus(kernel)


def spread(pop, n, stream, low, high, power):
    """bra's `spread` law: low + (high - low) r^power, one r uniform on [0, 1) per
    neuron, shared by the parameters of population `pop` that name `stream`;
    the same draws on every rank."""
    r = np.random.default_rng([SEED, pop, stream]).random(n)
    return low + (high - low) * r ** power


def set_per_neuron(nodes, values):
    """Set one value per neuron on the neurons this process holds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = nest.GetLocalNodeCollection(nodes)
    if len(local) == 0:
        return
    idx = np.asarray(local.tolist()) - nodes.tolist()[0]
    local.set([{k: float(np.asarray(v)[j]) for k, v in values.items()} for j in idx])


P = {}
"##;

const RUN: &str = r#"
t0 = time.perf_counter()
nest.Simulate(DURATION * 1000.0)
run_wall = time.perf_counter() - t0
"#;

/// After the shared `stats` function: gather and save.
const SAVE: &str = r#"

def save(path, a):
    """Write an .npy file atomically (readers never see half a file)."""
    with open(path + ".tmp", "wb") as f:
        np.save(f, a)
    os.replace(path + ".tmp", path)


# Each rank saves the spikes of its own neurons; rank 0 merges.
part = os.path.join(OUT, ".rank%d" % RANK)
os.makedirs(part, exist_ok=True)
for name, r in REC.items():
    ev = r.get("events")
    first = P[name].tolist()[0]
    save(os.path.join(part, SAFE[name] + ".times.npy"), np.asarray(ev["times"], dtype=float) / 1000.0)
    save(os.path.join(part, SAFE[name] + ".ids.npy"), (np.asarray(ev["senders"], dtype=np.int64) - first).astype(np.uint32))
open(os.path.join(part, "done"), "w").close()
if NPROC > 1:
    try:
        nest.SyncProcesses()
    except Exception:
        pass
if RANK == 0:
    deadline = time.time() + 600
    while not all(os.path.exists(os.path.join(OUT, ".rank%d" % k, "done")) for k in range(NPROC)):
        if time.time() > deadline:
            sys.exit("bra-nest: ranks did not finish writing their spikes")
        time.sleep(0.1)
    os.makedirs(os.path.join(OUT, "spikes"), exist_ok=True)
    pops, files = [], []
    for name in REC:
        ts = [np.load(os.path.join(OUT, ".rank%d" % k, SAFE[name] + ".times.npy")) for k in range(NPROC)]
        js = [np.load(os.path.join(OUT, ".rank%d" % k, SAFE[name] + ".ids.npy")) for k in range(NPROC)]
        t, i = np.concatenate(ts), np.concatenate(js)
        order = np.lexsort((i, t))
        t, i = t[order], i[order]
        for ext, a in (("times", t), ("ids", i)):
            rel = os.path.join("spikes", "%s.%s.npy" % (SAFE[name], ext))
            save(os.path.join(OUT, rel), a)
            files.append(rel)
        pops.append(stats(name, SIZE[name], t, i, DURATION))
    for k in range(NPROC):
        d = os.path.join(OUT, ".rank%d" % k)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        os.rmdir(d)
    files.append("summary.json")
    summary = {"project": PROJECT, "simulator": "nest " + nest.__version__, "processes": NPROC,
               "launched_processes": LAUNCHED, "nest_has_mpi": HAVE_MPI,
               "simulated_s": DURATION, "dt": DT, "seed": SEED, "run_wall_s": run_wall,
               "populations": pops, "files": files}
    with open(os.path.join(OUT, "summary.json.tmp"), "w") as f:
        json.dump(summary, f, indent=2)
    os.replace(os.path.join(OUT, "summary.json.tmp"), os.path.join(OUT, "summary.json"))
    for p in pops:
        print("%-20s %8d spikes  %8.3f Hz  CV %s" % (p["name"], p["spikes"], p["mean_rate_hz"], p["cv_isi"]))
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn spread(low: f64, high: f64, power: f64, stream: f64) -> Value {
        Value::Law(Law {
            law: "spread".into(),
            params: [
                ("low", low),
                ("high", high),
                ("power", power),
                ("stream", stream),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<BTreeMap<_, _>>(),
            inner: None,
        })
    }

    #[test]
    fn spread_laws_become_numpy_draws_sharing_their_stream() {
        // Izhikevich's c = -65 + 15 r² mV, in NEST's mV.
        let c = spread_expr(&spread(-0.065, -0.05, 2.0, 0.0), 1e3, 0, 800);
        assert_eq!(c.as_deref(), Some("spread(0, 800, 0, -65.0, -50.0, 2.0)"));
        let d = spread_expr(&spread(0.008, 0.002, 2.0, 0.0), 1e3, 0, 800);
        assert_eq!(d.as_deref(), Some("spread(0, 800, 0, 8.0, 2.0, 2.0)"));
        // Another stream draws another r.
        let e = spread_expr(&spread(1.0, 2.0, 1.0, 3.0), 1.0, 1, 5);
        assert_eq!(e.as_deref(), Some("spread(1, 5, 3, 1.0, 2.0, 1.0)"));
        assert_eq!(spread_expr(&Value::Real(1.0), 1.0, 0, 1), None);
    }
}
