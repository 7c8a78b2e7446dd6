//! Export to a PyNN script (PyNN 0.13, standard cell types only).
//!
//! The script builds the network through PyNN's simulator-independent API,
//! runs it on the backend named by `BRA_PYNN_SIMULATOR` (default `nest`), and
//! writes `spikes/<pop>.times.npy` (s), `spikes/<pop>.ids.npy` (index in the
//! population) and `summary.json` (per-population `mean_rate_hz` and
//! `cv_isi`, computed as bra's `stats.rs` does) into the folder given as its
//! first argument, as the NEST export does.
//!
//! Units are PyNN's: mV, ms, nA, nF, µS. Mappings (exact up to integration
//! scheme and random draws):
//! * `lif` → `IF_curr_delta` / `IF_curr_exp` / `IF_curr_alpha` by synapse
//!   shape. A voltage weight `w` on an exponential or alpha port is a current
//!   jump of `w·C_m/τ_m` (bra's trace adds `w` to `τ_m dv/dt`); on a delta
//!   port it is the jump of `v` in mV. PyNN fixes the receptor per
//!   projection and wants current-based inhibitory weights *negative*
//!   (`receptor_type="inhibitory"`), so a projection whose weights may take
//!   both signs is refused.
//! * `lif_cond` → `IF_cond_exp` / `IF_cond_alpha`; `adex` →
//!   `EIF_cond_exp_isfa_ista` / `EIF_cond_alpha_isfa_ista` (`tau_m = c_m/g_l`).
//!   The receptor of a conductance synapse is the one whose reversal potential
//!   it has (`e_ex` → excitatory, `e_in` → inhibitory); the weight is the
//!   conductance's magnitude in µS, as bra's runtime uses it.
//! * `izhikevich` → `Izhikevich` (delta inputs, `v_peak` = 30 mV, `u` starts
//!   at `-65·b`). bra integrates it by forward Euler in sub-steps of at most
//!   0.1 ms; NEST's `izhikevich` does the same at the resolution with
//!   `consistent_integration = True` (its default, which the script sets
//!   explicitly; `dt` ≤ 0.1 ms), and on any other backend the script stops
//!   with the reason instead of running another scheme.
//! * `poisson` populations → `SpikeSourcePoisson`; stimuli: `poisson` → one
//!   `SpikeSourcePoisson` per target neuron, `OneToOneConnector` (independent
//!   trains); `current_source` → `DCSource`; `noise_current` →
//!   `NoisyCurrentSource`.
//! * connectors: `all_to_all` → `AllToAllConnector`, `one_to_one` →
//!   `OneToOneConnector`, `fixed_probability` → `FixedProbabilityConnector`,
//!   `fixed_indegree` → `FixedNumberPreConnector` (`with_replacement` =
//!   multapses), `fixed_total_number` → `FixedTotalNumberConnector`.
//! * laws → `pyNN.random.RandomDistribution`: `uniform`, `normal`,
//!   `lognormal` (`mu = ln median`), and `clipped(normal)` → `normal_clipped`
//!   (redraw until inside). bra redraws a clipped value up to 16 times and then
//!   clips, so the two laws differ by at most the mass `(1-q)^16` where `q` is
//!   the probability of the interval; the export is refused when `q < 0.5`
//!   (a difference above 1.5e-5).
//! * `stdp` (pair, all-to-all pairing) → `STDPMechanism(SpikePairRule,
//!   AdditiveWeightDependence | MultiplicativeWeightDependence)` with
//!   `A_plus = a_plus`, `A_minus = a_minus`, `w_min = 0`, and
//!   `dendritic_delay_fraction = 0`: bra's delays are axonal (a presynaptic
//!   spike meets the postsynaptic trace when it arrives). PyNN's NEST backend
//!   supports only dendritic delays and refuses such a projection when the
//!   script runs; the Brian 2 and NEURON backends run it. Nearest-spike
//!   and restricted pairing have no PyNN standard rule and are refused.

use crate::{Diagnostic, Incoming, incoming, py, pystr, real, scale_law, signs};
use bra_compile::ir::{Instance, Law, Network, Origin, Population, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The receptor a projection or input targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Receptor {
    Excitatory,
    Inhibitory,
}

impl Receptor {
    fn py(self) -> &'static str {
        match self {
            Receptor::Excitatory => "'excitatory'",
            Receptor::Inhibitory => "'inhibitory'",
        }
    }
}

/// How a population maps onto a PyNN standard cell type.
struct Mapped {
    /// The PyNN class (`IF_curr_exp`).
    cell: String,
    /// `(PyNN parameter, Python expression)`.
    params: Vec<(String, String)>,
    /// Initial values `(variable, expression)`.
    init: Vec<(String, String)>,
    /// Factor turning a weight of each dimension (SI) into PyNN's weight unit.
    scale_voltage: Option<f64>,
    scale_current: Option<f64>,
    scale_conductance: Option<f64>,
    /// Reversal potentials (SI) of a conductance-based cell: (e_ex, e_in).
    reversal: Option<(f64, f64)>,
    /// PyNN's NEST backend scales this cell's weights by 1e-3 but not
    /// STDP's `w_max` (`receptor_scale`): plastic inputs are refused.
    receptor_scale: bool,
    /// Izhikevich: needs NEST's forward-Euler switch.
    izhikevich: bool,
}

struct Ctx<'a> {
    diags: Vec<Diagnostic>,
    net: &'a Network,
}

impl Ctx<'_> {
    fn refuse(&mut self, component: &str, origin: &Origin, reason: impl Into<String>) {
        self.diags.push(Diagnostic {
            component: component.to_string(),
            reason: reason.into(),
            origin: origin.clone(),
        });
    }
}

/// The standard normal distribution function (Abramowitz & Stegun 7.1.26,
/// absolute error below 1.5e-7: enough to compare with 0.5).
fn phi(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// A `RandomDistribution` (or a number) for a law already in PyNN's units.
fn law_expr(l: &Law) -> Result<String, String> {
    let p = |k: &str| l.params.get(k).copied().unwrap_or(0.0);
    let rd = |name: &str, args: String| format!("RandomDistribution({name:?}, {args}, rng=RNG)");
    Ok(match l.law.as_str() {
        "constant" => py(p("value")),
        "uniform" => rd(
            "uniform",
            format!("low={}, high={}", py(p("low")), py(p("high"))),
        ),
        "normal" => rd(
            "normal",
            format!("mu={}, sigma={}", py(p("mean")), py(p("sd"))),
        ),
        "lognormal" => rd(
            "lognormal",
            format!("mu={}, sigma={}", py(p("median").ln()), py(p("sigma"))),
        ),
        "clipped" => {
            let inner = l.inner.as_deref().ok_or("a clipped law without its law")?;
            if inner.law != "normal" {
                return Err(format!(
                    "clipped({}) has no PyNN counterpart (PyNN clips only normal laws)",
                    inner.law
                ));
            }
            let lo = l.params.get("min").copied().unwrap_or(f64::NEG_INFINITY);
            let hi = l.params.get("max").copied().unwrap_or(f64::INFINITY);
            let (m, sd) = (
                inner.params.get("mean").copied().unwrap_or(0.0),
                inner.params.get("sd").copied().unwrap_or(0.0),
            );
            if sd > 0.0 {
                let q = phi((hi - m) / sd) - phi((lo - m) / sd);
                if q < 0.5 {
                    return Err(format!(
                        "clipped(normal) keeps only {:.1} % of its law: bra redraws 16 times and then clips, PyNN's normal_clipped redraws until inside, and the two laws differ noticeably below 50 %",
                        q * 100.0
                    ));
                }
            }
            rd(
                "normal_clipped",
                format!(
                    "mu={}, sigma={}, low={}, high={}",
                    py(m),
                    py(sd),
                    py(lo),
                    py(hi)
                ),
            )
        }
        other => {
            return Err(format!(
                "the law `{other}` has no pyNN.random counterpart (uniform, normal, lognormal and clipped normal laws map)"
            ));
        }
    })
}

/// A value in PyNN's units as a Python expression (`scale` from SI).
fn value_expr(v: &Value, scale: f64) -> Result<String, String> {
    match v {
        Value::Real(x) => Ok(py(x * scale)),
        Value::Int(x) => Ok(py(*x as f64 * scale)),
        Value::Law(l) => {
            if scale <= 0.0 {
                return Err("a law that would need a negative scale".into());
            }
            law_expr(&scale_law(l, scale)?)
        }
        other => Err(format!("the value {other:?} is not a number")),
    }
}

fn is_conductance(syn: &Instance) -> bool {
    syn.params.get("mode") == Some(&Value::Text("conductance".into()))
}

/// The receptor an input targets on a cell with these reversal potentials
/// (conductance-based) or by the sign of its weights (current-based).
fn receptor(
    reversal: Option<(f64, f64)>,
    syn: &Instance,
    weight: &Value,
    post: &str,
) -> Result<Receptor, String> {
    match reversal {
        Some((e_ex, e_in)) => {
            let e = real(&syn.params, "e_rev").unwrap_or(0.0);
            if (e - e_ex).abs() <= 1e-12 {
                Ok(Receptor::Excitatory)
            } else if (e - e_in).abs() <= 1e-12 {
                Ok(Receptor::Inhibitory)
            } else {
                Err(format!(
                    "reversal potential {} mV is neither e_ex ({} mV) nor e_in ({} mV) of `{post}`; PyNN's cells have these two only",
                    e * 1e3,
                    e_ex * 1e3,
                    e_in * 1e3
                ))
            }
        }
        None => match signs(weight) {
            (true, true) => Err(format!(
                "weights onto `{post}` may be positive or negative; PyNN fixes one receptor per projection (excitatory weights >= 0, current-based inhibitory weights <= 0): bound the law with clipped(…, min: 0) or clipped(…, max: 0)"
            )),
            (_, true) => Ok(Receptor::Inhibitory),
            _ => Ok(Receptor::Excitatory),
        },
    }
}

/// The synapse shape every input shares and the time constant of each
/// receptor, or `None` after refusing.
fn receptors(
    cx: &mut Ctx,
    pop: &Population,
    ins: &[Incoming],
    family: &str,
    reversal: Option<(f64, f64)>,
) -> Option<(String, Option<f64>, Option<f64>)> {
    let mut kind: Option<&str> = None;
    let mut taus: BTreeMap<&'static str, f64> = BTreeMap::new();
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
                        "`{}` receives `{k0}` and `{k}` synapses; PyNN's `{family}` cells have one synapse shape",
                        pop.name
                    ),
                );
                ok = false;
            }
            _ => {}
        }
        if is_conductance(i.synapse) != reversal.is_some() {
            cx.refuse(
                i.name,
                i.origin,
                if reversal.is_some() {
                    format!(
                        "a current synapse onto conductance-based `{}`: PyNN's `{family}` takes conductances only",
                        pop.name
                    )
                } else {
                    format!(
                        "a conductance synapse onto current-based `{}` (`{family}`)",
                        pop.name
                    )
                },
            );
            ok = false;
            continue;
        }
        let r = match receptor(reversal, i.synapse, i.weight, &pop.name) {
            Ok(r) => r,
            Err(e) => {
                cx.refuse(i.name, i.origin, e);
                ok = false;
                continue;
            }
        };
        let Some(tau) = real(&i.synapse.params, "tau") else {
            continue;
        };
        let slot = match r {
            Receptor::Excitatory => "excitatory",
            Receptor::Inhibitory => "inhibitory",
        };
        match taus.get(slot) {
            None => {
                taus.insert(slot, tau);
            }
            Some(a) if (a - tau).abs() > 1e-12 * a.abs() => {
                cx.refuse(
                    i.name,
                    i.origin,
                    format!(
                        "`{}` has {slot} inputs with time constants {} ms and {} ms; PyNN's `{family}` has one time constant per receptor",
                        pop.name,
                        a * 1e3,
                        tau * 1e3
                    ),
                );
                ok = false;
            }
            _ => {}
        }
    }
    ok.then(|| {
        (
            kind.unwrap_or("exponential").to_string(),
            taus.get("excitatory").copied(),
            taus.get("inhibitory").copied(),
        )
    })
}

/// Map a population onto a PyNN standard cell type.
fn map_pop(cx: &mut Ctx, pop: &Population) -> Option<Mapped> {
    let p = &pop.model.params;
    let model = pop.model.kind.as_str();
    let dt = cx.net.run.dt;
    let ins = incoming(cx.net, pop);
    let mut m = Mapped {
        cell: String::new(),
        params: Vec::new(),
        init: Vec::new(),
        scale_voltage: None,
        scale_current: None,
        scale_conductance: None,
        reversal: None,
        receptor_scale: false,
        izhikevich: false,
    };
    let mut bad = false;
    // `(PyNN parameter, bra parameter, scale)`, applied after the match.
    let mut maps: Vec<(&'static str, &'static str, f64)> = Vec::new();
    // Parameters handled otherwise (derived or checked): every parameter
    // in neither list is refused.
    let mut used: Vec<&str> = vec!["preset"];
    match model {
        "lif" => {
            let (kind, ex, inh) = receptors(cx, pop, &ins, "IF_curr_*", None)?;
            m.cell = match kind.as_str() {
                "delta" => "IF_curr_delta",
                "exponential" => "IF_curr_exp",
                "alpha" => "IF_curr_alpha",
                other => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        format!("synapse `{other}` has no PyNN IF_curr_* cell"),
                    );
                    return None;
                }
            }
            .into();
            for (n, k, s) in [
                ("tau_m", "tau_m", 1e3),
                ("v_rest", "v_rest", 1e3),
                ("v_thresh", "v_th", 1e3),
                ("v_reset", "v_reset", 1e3),
                ("tau_refrac", "t_ref", 1e3),
                ("cm", "c_m", 1e9),
                ("i_offset", "i_e", 1e9),
            ] {
                maps.push((n, k, s));
            }
            if kind == "delta" {
                m.scale_voltage = Some(1e3);
                m.receptor_scale = true;
            } else {
                m.params
                    .push(("tau_syn_E".into(), py(ex.unwrap_or(0.005) * 1e3)));
                m.params
                    .push(("tau_syn_I".into(), py(inh.unwrap_or(0.005) * 1e3)));
                m.scale_voltage = real(p, "tau_m")
                    .zip(real(p, "c_m"))
                    .map(|(t, c)| c / t * 1e9);
                m.scale_current = Some(1e9);
                if m.scale_voltage.is_none() {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        "voltage weights need tau_m and c_m to be plain numbers to convert to PyNN's nA",
                    );
                    bad = true;
                }
            }
            init_v(cx, pop, &mut m, real(p, "v_rest"));
        }
        "lif_cond" | "adex" => {
            let (base, rest) = if model == "adex" {
                ("EIF_cond_*_isfa_ista", "e_l")
            } else {
                ("IF_cond_*", "v_rest")
            };
            let (Some(e_ex), Some(e_in)) = (real(p, "e_ex"), real(p, "e_in")) else {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    "per-neuron laws for e_ex or e_in: the receptor of each synapse could not be chosen",
                );
                return None;
            };
            m.reversal = Some((e_ex, e_in));
            let (kind, ex, inh) = receptors(cx, pop, &ins, base, m.reversal)?;
            let shape = match kind.as_str() {
                "exponential" => "exp",
                "alpha" => "alpha",
                other => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        format!("PyNN's {base} cells have no `{other}` synapse"),
                    );
                    return None;
                }
            };
            m.cell = if model == "adex" {
                format!("EIF_cond_{shape}_isfa_ista")
            } else {
                format!("IF_cond_{shape}")
            };
            // PyNN takes tau_m where bra takes g_l.
            used.push("g_l");
            match (real(p, "c_m"), real(p, "g_l")) {
                (Some(c), Some(g)) if g > 0.0 => m.params.push(("tau_m".into(), py(c / g * 1e3))),
                _ => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        "c_m and g_l must be plain numbers: PyNN takes tau_m = c_m/g_l, which a per-neuron law cannot follow",
                    );
                    bad = true;
                }
            }
            let common: &[(&str, &'static str, f64)] = &[
                ("cm", "c_m", 1e9),
                ("v_reset", "v_reset", 1e3),
                ("tau_refrac", "t_ref", 1e3),
                ("i_offset", "i_e", 1e9),
                ("e_rev_E", "e_ex", 1e3),
                ("e_rev_I", "e_in", 1e3),
            ];
            let own: &[(&str, &'static str, f64)] = if model == "adex" {
                &[
                    ("v_rest", "e_l", 1e3),
                    ("v_thresh", "v_t", 1e3),
                    ("delta_T", "delta_t", 1e3),
                    ("tau_w", "tau_w", 1e3),
                    ("a", "a", 1e9),
                    ("b", "b", 1e9),
                    ("v_spike", "v_peak", 1e3),
                ]
            } else {
                &[("v_rest", "v_rest", 1e3), ("v_thresh", "v_th", 1e3)]
            };
            maps.extend(common.iter().chain(own));
            m.params
                .push(("tau_syn_E".into(), py(ex.unwrap_or(0.005) * 1e3)));
            m.params
                .push(("tau_syn_I".into(), py(inh.unwrap_or(0.005) * 1e3)));
            m.scale_conductance = Some(1e6);
            init_v(cx, pop, &mut m, real(p, rest));
        }
        "izhikevich" => {
            m.cell = "Izhikevich".into();
            m.izhikevich = true;
            m.receptor_scale = true;
            if dt > 1e-4 * (1.0 + 1e-9) {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    "bra integrates izhikevich in sub-steps of at most 0.1 ms, NEST (through PyNN) at the resolution: use dt <= 0.1 ms",
                );
                bad = true;
            }
            for (n, k, s) in [
                ("a", "a", 1e-3),
                ("b", "b", 1.0),
                ("c", "c", 1e3),
                ("d", "d", 1e3),
                // i_e is I in mV; NEST reads I_e (pA) as that number, PyNN's
                // i_offset is in nA (x1000): 1e3 / 1e3.
                ("i_offset", "i_e", 1.0),
            ] {
                maps.push((n, k, s));
            }
            used.push("v_peak");
            if real(p, "v_peak").is_none_or(|v| (v - 0.030).abs() > 1e-12) {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    "PyNN's Izhikevich cuts spikes at 30 mV; v_peak must be 30 mV",
                );
                bad = true;
            }
            for i in &ins {
                if i.synapse.kind != "delta" || is_conductance(i.synapse) {
                    cx.refuse(
                        i.name,
                        i.origin,
                        format!(
                            "PyNN's Izhikevich takes only delta (voltage-jump) inputs; this input onto `{}` has a `{}` synapse",
                            pop.name, i.synapse.kind
                        ),
                    );
                    bad = true;
                } else if let Err(e) = receptor(None, i.synapse, i.weight, &pop.name) {
                    cx.refuse(i.name, i.origin, e);
                    bad = true;
                }
            }
            m.scale_voltage = Some(1e3);
            init_v(cx, pop, &mut m, Some(-0.065));
            // bra starts u at b·(-65 mV), whatever v starts at.
            match real(p, "b") {
                Some(b) => m.init.push(("u".into(), py(-65.0 * b))),
                None => {
                    cx.refuse(
                        &pop.name,
                        &pop.origin,
                        "a per-neuron law for b: the initial u = -65·b cannot follow it",
                    );
                    bad = true;
                }
            }
        }
        "poisson" => {
            m.cell = "SpikeSourcePoisson".into();
            maps.push(("rate", "rate", 1.0));
            used.extend(["start", "stop"]);
            let start = real(p, "start").unwrap_or(0.0) * 1e3;
            let stop = real(p, "stop").unwrap_or(f64::INFINITY) * 1e3;
            m.params.push(("start".into(), py(start)));
            m.params.push((
                "duration".into(),
                if stop.is_finite() {
                    py(stop - start)
                } else {
                    "1e10".into()
                },
            ));
            if !ins.is_empty() {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    "a Poisson source receives inputs; PyNN's SpikeSourcePoisson has none",
                );
                bad = true;
            }
        }
        other => {
            cx.refuse(
                &pop.name,
                &pop.origin,
                format!("the model `{other}` has no PyNN standard cell type"),
            );
            return None;
        }
    }
    for (pynn, k, scale) in &maps {
        if let Some(v) = p.get(*k) {
            match value_expr(v, *scale) {
                Ok(e) => m.params.push((pynn.to_string(), e)),
                Err(e) => {
                    cx.refuse(&pop.name, &pop.origin, format!("parameter `{k}`: {e}"));
                    bad = true;
                }
            }
        }
        used.push(k);
    }
    for k in p.keys().filter(|k| !used.contains(&k.as_str())) {
        cx.refuse(
            &pop.name,
            &pop.origin,
            format!(
                "parameter `{k}` of `{model}` has no counterpart in PyNN's `{}`",
                m.cell
            ),
        );
        bad = true;
    }
    if pop.init.keys().any(|k| k != "v") || (model == "poisson" && !pop.init.is_empty()) {
        cx.refuse(
            &pop.name,
            &pop.origin,
            "initial values other than v are not exported",
        );
        bad = true;
    }
    (!bad).then_some(m)
}

/// The initial membrane potential: the spec's `v_init`, else `rest` (SI).
fn init_v(cx: &mut Ctx, pop: &Population, m: &mut Mapped, rest: Option<f64>) {
    match pop.init.get("v") {
        Some(v) => match value_expr(v, 1e3) {
            Ok(e) => m.init.push(("v".into(), e)),
            Err(e) => cx.refuse(&pop.name, &pop.origin, format!("initial v: {e}")),
        },
        None => match rest {
            Some(r) => m.init.push(("v".into(), py(r * 1e3))),
            None => cx.refuse(
                &pop.name,
                &pop.origin,
                "a per-neuron resting potential without v_init: PyNN's initial v cannot follow it",
            ),
        },
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

/// The weight as PyNN's (a conductance counts by its magnitude).
fn weight_expr(m: &Mapped, w: &Value, scale: f64) -> Result<String, String> {
    if m.reversal.is_some() {
        match w {
            Value::Real(x) => return Ok(py(x.abs() * scale)),
            Value::Law(_) if signs(w).1 => {
                return Err(
                    "a law of negative conductances: PyNN takes their magnitudes, which a law cannot express"
                        .into(),
                );
            }
            _ => {}
        }
    }
    value_expr(w, scale)
}

/// The PyNN connector. `plain`: weight and delay are numbers, so PyNN's
/// NEST backend can connect a `FixedProbabilityConnector` inside NEST (with
/// NEST's own generator, `CONN_RNG`) instead of in Python.
fn connector(
    cx: &mut Ctx,
    c: &Instance,
    plain: bool,
    name: &str,
    origin: &Origin,
) -> Option<String> {
    let p = &c.params;
    let b = |k: &str| {
        if p.get(k) == Some(&Value::Bool(false)) {
            "False"
        } else {
            "True"
        }
    };
    let int = |k: &str| real(p, k).unwrap_or(0.0) as i64;
    Some(match c.kind.as_str() {
        "all_to_all" => format!(
            "sim.AllToAllConnector(allow_self_connections={})",
            b("allow_autapses")
        ),
        "one_to_one" => "sim.OneToOneConnector()".into(),
        "fixed_probability" => format!(
            "sim.FixedProbabilityConnector({}, allow_self_connections={}, rng={})",
            py(real(p, "p").unwrap_or(0.0)),
            b("allow_autapses"),
            if plain { "CONN_RNG" } else { "RNG" }
        ),
        "fixed_indegree" => format!(
            "sim.FixedNumberPreConnector({}, allow_self_connections={}, with_replacement={}, rng=RNG)",
            int("k"),
            b("allow_autapses"),
            b("allow_multapses")
        ),
        "fixed_total_number" => format!(
            "sim.FixedTotalNumberConnector({}, allow_self_connections={}, with_replacement={}, rng=RNG)",
            int("n"),
            b("allow_autapses"),
            b("allow_multapses")
        ),
        other => {
            cx.refuse(
                name,
                origin,
                format!("the connector `{other}` has no PyNN standard connector that bra exports"),
            );
            return None;
        }
    })
}

/// A delay in ms, refused when it can fall below one step.
fn delay_expr(d: &Value, dt: f64) -> Result<String, String> {
    let lowest = match d {
        Value::Law(l) => match l.law.as_str() {
            "constant" => l.params.get("value").copied(),
            "uniform" => l.params.get("low").copied(),
            "clipped" => l.params.get("min").copied(),
            _ => None,
        },
        other => other.as_real(),
    };
    match lowest {
        Some(x) if x >= dt * (1.0 - 1e-9) => value_expr(d, 1e3),
        Some(_) => Err("a delay shorter than one time step (PyNN's minimum delay)".into()),
        None => Err(
            "a delay law that can fall below one time step: bound it with uniform or clipped(…, min: …)"
                .into(),
        ),
    }
}

/// The PyNN synapse type of a plastic projection (without weight and delay).
fn stdp(
    cx: &mut Ctx,
    pl: &Instance,
    scale: f64,
    w: &Value,
    name: &str,
    origin: &Origin,
) -> Option<String> {
    if pl.kind != "stdp" {
        cx.refuse(
            name,
            origin,
            format!(
                "the plasticity rule `{}` has no PyNN standard counterpart",
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
    let mut ok = true;
    let pairing = text("pairing");
    if !(pairing.is_empty() || pairing == "all_to_all") {
        cx.refuse(
            name,
            origin,
            format!("`{pairing}` STDP pairing: PyNN's SpikePairRule pairs all spikes"),
        );
        ok = false;
    }
    if real(p, "w_min").unwrap_or(0.0) != 0.0 {
        cx.refuse(name, origin, "STDP with w_min != 0: bra's additive rule and PyNN's differ there (and PyNN's NEST backend bounds weights at 0)");
        ok = false;
    }
    let w_max = real(p, "w_max").unwrap_or(f64::INFINITY);
    if !w_max.is_finite() {
        cx.refuse(name, origin, "STDP without w_max: PyNN scales additive updates by w_max, bra by the mean initial weight");
        ok = false;
    }
    if signs(w).1 {
        cx.refuse(
            name,
            origin,
            "STDP on negative weights: PyNN's weight dependences keep weights in [0, w_max]",
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let dependence = match text("bounds").as_str() {
        "multiplicative" => "MultiplicativeWeightDependence",
        _ => "AdditiveWeightDependence",
    };
    Some(format!(
        "sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus={}, tau_minus={}, A_plus={}, A_minus={}), weight_dependence=sim.{dependence}(w_min=0.0, w_max={}), dendritic_delay_fraction=0.0",
        py(real(p, "tau_plus").unwrap_or(0.0168) * 1e3),
        py(real(p, "tau_minus").unwrap_or(0.0337) * 1e3),
        py(real(p, "a_plus").unwrap_or(0.005)),
        py(real(p, "a_minus").unwrap_or(0.00525)),
        py(w_max * scale)
    ))
}

/// The PyNN script for `net`, or every part that cannot be mapped exactly.
pub fn export(net: &Network) -> Result<String, Vec<Diagnostic>> {
    let mut cx = Ctx {
        diags: Vec::new(),
        net,
    };
    let dt_ms = net.run.dt * 1e3;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"#!/usr/bin/env python3
"""PyNN script exported by `bra export pynn` from project {project}.

Usage: python3 THIS.py [OUTPUT_DIR]          (default: pynn_out)
Environment: BRA_PYNN_SIMULATOR (the PyNN backend: nest, neuron, brian2;
             default nest), BRA_DURATION (simulated seconds, default {dur}).
Writes spikes/<pop>.times.npy (s), spikes/<pop>.ids.npy and summary.json in
bra's output layout. Units are PyNN's: mV, ms, nA, nF, uS.
"""
import importlib, json, os, sys, time
import numpy as np
import pyNN
from pyNN.random import NumpyRNG, RandomDistribution

OUT = sys.argv[1] if len(sys.argv) > 1 else "pynn_out"
DURATION = float(os.environ.get("BRA_DURATION", "{dur}"))
BACKEND = os.environ.get("BRA_PYNN_SIMULATOR", "nest")
sim = importlib.import_module("pyNN." + BACKEND)
EXTRA = {{"rng_seed": {nest_seed}, "verbosity": "error"}} if BACKEND == "nest" else {{}}
sim.setup(timestep={dt}, **EXTRA)
RNG = NumpyRNG(seed={nest_seed})
if BACKEND == "nest":
    # Random connections with plain weights and delays are drawn by NEST
    # (seeded by rng_seed) in C++, instead of pair by pair in Python.
    from pyNN.nest.random import NativeRNG
    CONN_RNG = NativeRNG()
else:
    CONN_RNG = RNG
P = {{}}"#,
        project = net.project,
        dur = py(net.run.duration),
        dt = py(dt_ms),
        nest_seed = (net.run.seed % 2_147_483_647).max(1),
    );
    // Populations.
    let mut mapped: Vec<Option<Mapped>> = Vec::new();
    for pop in &net.populations {
        let m = map_pop(&mut cx, pop);
        if let Some(m) = &m {
            let name = pystr(&pop.name);
            let params: Vec<String> = m.params.iter().map(|(k, e)| format!("{k}={e}")).collect();
            let _ = writeln!(
                s,
                "\n# {} ({}, {} neurons)\nP[{name}] = sim.Population({}, sim.{}({}), label={name})",
                pop.name,
                pop.model.kind,
                pop.size,
                pop.size,
                m.cell,
                params.join(", ")
            );
            if !m.init.is_empty() {
                let init: Vec<String> = m.init.iter().map(|(k, e)| format!("{k}={e}")).collect();
                let _ = writeln!(s, "P[{name}].initialize({})", init.join(", "));
            }
            if m.izhikevich {
                let _ = writeln!(
                    s,
                    "if BACKEND != \"nest\":\n    sys.exit(\"bra-pynn: {} (izhikevich) needs forward-Euler integration, which only the nest backend can be told to use\")\nP[{name}].node_collection.set(consistent_integration=True)",
                    pop.name.replace(['"', '\\'], "")
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
        let post = &net.populations[pr.post as usize];
        let Some(scale) = weight_scale(mpost, &pr.weight_dim) else {
            cx.refuse(
                &pr.name,
                &pr.origin,
                format!(
                    "a {} weight onto `{}` has no PyNN unit for `{}`",
                    pr.weight_dim, post.name, mpost.cell
                ),
            );
            continue;
        };
        let Ok(rec) = receptor(mpost.reversal, &pr.synapse, &pr.weight, &post.name) else {
            continue; // refused with the population
        };
        let plain = !matches!(pr.weight, Value::Law(_)) && !matches!(pr.delay, Value::Law(_));
        let Some(conn) = connector(&mut cx, &pr.connector, plain, &pr.name, &pr.origin) else {
            continue;
        };
        let w = match weight_expr(mpost, &pr.weight, scale) {
            Ok(w) => w,
            Err(e) => {
                cx.refuse(&pr.name, &pr.origin, format!("weight: {e}"));
                continue;
            }
        };
        let d = match delay_expr(&pr.delay, net.run.dt) {
            Ok(d) => d,
            Err(e) => {
                cx.refuse(&pr.name, &pr.origin, format!("delay: {e}"));
                continue;
            }
        };
        let syn = match &pr.plasticity {
            None => format!("sim.StaticSynapse(weight={w}, delay={d})"),
            Some(pl) => {
                if mpost.receptor_scale {
                    cx.refuse(&pr.name, &pr.origin, format!("STDP onto `{}`: PyNN's NEST backend scales this cell's weights by 1e-3 but not w_max", mpost.cell));
                    continue;
                }
                match stdp(&mut cx, pl, scale, &pr.weight, &pr.name, &pr.origin) {
                    Some(mech) => format!("{mech}, weight={w}, delay={d})"),
                    None => continue,
                }
            }
        };
        let _ = writeln!(
            s,
            "\n# {}\nsim.Projection(P[{}], P[{}], {conn}, {syn}, receptor_type={}, label={})",
            pr.name,
            pystr(&net.populations[pr.pre as usize].name),
            pystr(&post.name),
            rec.py(),
            pystr(&pr.name)
        );
    }
    // Inputs.
    for inp in &net.inputs {
        let Some(Some(mt)) = mapped.get(inp.target as usize) else {
            continue;
        };
        let tpop = &net.populations[inp.target as usize];
        let target = pystr(&tpop.name);
        let sp = &inp.source.params;
        let ms = |k: &str, d: f64| real(sp, k).map(|x| x * 1e3).unwrap_or(d);
        let (start, stop) = (ms("start", 0.0), ms("stop", f64::INFINITY));
        let stop_py = if stop.is_finite() {
            py(stop)
        } else {
            "1e12".into()
        };
        match inp.source.kind.as_str() {
            "poisson" => {
                let (Some(w), Some(syn)) = (&inp.weight, &inp.synapse) else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        "a Poisson stimulus without a weight",
                    );
                    continue;
                };
                let rate = match sp.get("rate").map(|r| value_expr(r, 1.0)) {
                    Some(Ok(r)) => r,
                    Some(Err(e)) => {
                        cx.refuse(&inp.name, &inp.origin, format!("rate: {e}"));
                        continue;
                    }
                    None => "0.0".into(),
                };
                let dim = inp.weight_dim.as_deref().unwrap_or("voltage");
                let Some(scale) = weight_scale(mt, dim) else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        format!("a {dim} weight has no PyNN unit for `{}`", mt.cell),
                    );
                    continue;
                };
                let Ok(rec) = receptor(mt.reversal, syn, w, &tpop.name) else {
                    continue; // refused with the population
                };
                let w = match weight_expr(mt, w, scale) {
                    Ok(w) => w,
                    Err(e) => {
                        cx.refuse(&inp.name, &inp.origin, format!("weight: {e}"));
                        continue;
                    }
                };
                let duration = if stop.is_finite() {
                    py(stop - start)
                } else {
                    "1e10".into()
                };
                let _ = writeln!(
                    s,
                    "\n# stimulus {name}: an independent Poisson train into each neuron\n_src = sim.Population({n}, sim.SpikeSourcePoisson(rate={rate}, start={}, duration={duration}), label={label})\nsim.Projection(_src, P[{target}], sim.OneToOneConnector(), sim.StaticSynapse(weight={w}, delay={}), receptor_type={})",
                    py(start),
                    py(dt_ms),
                    rec.py(),
                    name = inp.name,
                    n = tpop.size,
                    label = pystr(&format!("stimulus {}", inp.name)),
                );
            }
            "current_source" => {
                let Some(a) = real(sp, "amplitude") else {
                    cx.refuse(
                        &inp.name,
                        &inp.origin,
                        "a current source without a numeric amplitude",
                    );
                    continue;
                };
                let _ = writeln!(
                    s,
                    "\n# stimulus {}\nsim.DCSource(amplitude={}, start={}, stop={stop_py}).inject_into(P[{target}])",
                    inp.name,
                    py(a * 1e9),
                    py(start)
                );
            }
            "noise_current" => {
                let interval = ms("interval", 1.0).max(dt_ms);
                let k = interval / dt_ms;
                if (k - k.round()).abs() > 1e-6 {
                    cx.refuse(&inp.name, &inp.origin, "a noise interval that is not a whole number of steps (PyNN's NoisyCurrentSource dt must be)");
                    continue;
                }
                let _ = writeln!(
                    s,
                    "\n# stimulus {}\nsim.NoisyCurrentSource(mean={}, stdev={}, dt={}, start={}, stop={stop_py}).inject_into(P[{target}])",
                    inp.name,
                    py(real(sp, "mean").unwrap_or(0.0) * 1e9),
                    py(real(sp, "sd").unwrap_or(0.0) * 1e9),
                    py(interval),
                    py(start)
                );
            }
            other => cx.refuse(
                &inp.name,
                &inp.origin,
                format!("the stimulus `{other}` has no PyNN standard source that bra exports"),
            ),
        }
    }
    let (rec, partial) = crate::recorded_spikes(net);
    for r in partial {
        cx.refuse(
            &net.populations[r.population as usize].name,
            &r.origin,
            "recording the spikes of part of a population is not exported (the whole population is recorded)",
        );
    }
    let mut files = String::new();
    let _ = writeln!(s, "\nREC = []");
    for p in rec.iter().filter(|p| mapped[p.id as usize].is_some()) {
        let n = pystr(&p.name);
        let _ = writeln!(s, "P[{n}].record(\"spikes\")\nREC.append({n})");
        let _ = write!(files, "{n}: {}, ", pystr(&bra_runtime::io::safe(&p.name)));
    }
    let _ = writeln!(s, "SAFE = {{{files}}}");
    let _ = writeln!(s, "PROJECT = {}", pystr(&net.project));
    let _ = writeln!(s, "SEED = {}\nDT = {}", net.run.seed, py(net.run.dt));
    s.push_str(RUN);
    s.push_str(crate::STATS_PY);
    s.push_str(SAVE);
    if cx.diags.is_empty() {
        Ok(s)
    } else {
        Err(cx.diags)
    }
}

const RUN: &str = r#"
t0 = time.perf_counter()
sim.run(DURATION * 1000.0)
run_wall = time.perf_counter() - t0
"#;

/// After the shared `stats` function: gather and save.
const SAVE: &str = r#"

# get_data gathers every process's spikes; process 0 writes.
spikes = {}
for name in REC:
    seg = P[name].get_data("spikes", gather=True).segments[0]
    ts, js = [], []
    for k, st in enumerate(seg.spiketrains):
        j = int(st.annotations.get("source_index", k))
        t = np.asarray(st.rescale("s").magnitude, dtype=float)
        ts.append(t)
        js.append(np.full(len(t), j, dtype=np.uint32))
    t = np.concatenate(ts) if ts else np.zeros(0)
    i = np.concatenate(js) if js else np.zeros(0, dtype=np.uint32)
    order = np.lexsort((i, t))
    spikes[name] = (t[order], i[order])
if sim.rank() == 0:
    os.makedirs(os.path.join(OUT, "spikes"), exist_ok=True)
    pops, files = [], []
    for name in REC:
        t, i = spikes[name]
        for ext, a in (("times", t), ("ids", i)):
            rel = os.path.join("spikes", "%s.%s.npy" % (SAFE[name], ext))
            tmp = os.path.join(OUT, rel + ".tmp.npy")
            np.save(tmp, a)
            os.replace(tmp, os.path.join(OUT, rel))
            files.append(rel)
        pops.append(stats(name, P[name].size, t, i, DURATION))
    files.append("summary.json")
    summary = {"project": PROJECT, "simulator": "pynn %s (%s)" % (pyNN.__version__, BACKEND),
               "processes": sim.num_processes(), "simulated_s": DURATION, "dt": DT, "seed": SEED,
               "run_wall_s": run_wall, "populations": pops, "files": files}
    with open(os.path.join(OUT, "summary.json.tmp"), "w") as f:
        json.dump(summary, f, indent=2)
    os.replace(os.path.join(OUT, "summary.json.tmp"), os.path.join(OUT, "summary.json"))
    for p in pops:
        print("%-20s %8d spikes  %8.3f Hz  CV %s" % (p["name"], p["spikes"], p["mean_rate_hz"], p["cv_isi"]))
sim.end()
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn law(name: &str, p: &[(&str, f64)]) -> Law {
        Law {
            law: name.into(),
            params: p.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            inner: None,
        }
    }

    #[test]
    fn normal_distribution_function() {
        assert!((phi(0.0) - 0.5).abs() < 1e-7);
        assert!((phi(1.0) - 0.841_344_746).abs() < 2e-7);
        assert!((phi(-1.96) - 0.024_997_895).abs() < 2e-7);
    }

    #[test]
    fn laws_become_random_distributions() {
        let u = law_expr(&law("uniform", &[("low", -60.0), ("high", -50.0)])).unwrap();
        assert_eq!(
            u,
            "RandomDistribution(\"uniform\", low=-60.0, high=-50.0, rng=RNG)"
        );
        let ln = law_expr(&law("lognormal", &[("median", 1.0), ("sigma", 0.5)])).unwrap();
        assert!(ln.contains("mu=0.0, sigma=0.5"), "{ln}");
        // A clipped normal keeping most of its mass maps; one keeping little is refused.
        let mut c = law("clipped", &[("min", 0.0)]);
        c.inner = Some(Box::new(law("normal", &[("mean", 1.0), ("sd", 0.5)])));
        assert!(law_expr(&c).unwrap().contains("normal_clipped"));
        c.params.insert("min".into(), 2.0);
        assert!(law_expr(&c).unwrap_err().contains("keeps only"));
        let mut cu = law("clipped", &[("min", 0.0)]);
        cu.inner = Some(Box::new(law("uniform", &[("low", -1.0), ("high", 1.0)])));
        assert!(law_expr(&cu).is_err());
        assert!(law_expr(&law("spread", &[("low", 1.0)])).is_err());
    }

    #[test]
    fn receptors_by_sign_and_by_reversal() {
        let syn = Instance {
            kind: "exponential".into(),
            params: BTreeMap::new(),
        };
        assert_eq!(
            receptor(None, &syn, &Value::Real(-1e-3), "X"),
            Ok(Receptor::Inhibitory)
        );
        assert_eq!(
            receptor(None, &syn, &Value::Real(1e-3), "X"),
            Ok(Receptor::Excitatory)
        );
        let both = Value::Law(law("normal", &[("mean", 0.0), ("sd", 1e-3)]));
        assert!(receptor(None, &syn, &both, "X").is_err());
        let mut cond = syn.clone();
        cond.params.insert("e_rev".into(), Value::Real(-0.08));
        assert_eq!(
            receptor(Some((0.0, -0.08)), &cond, &Value::Real(1e-9), "X"),
            Ok(Receptor::Inhibitory)
        );
        cond.params.insert("e_rev".into(), Value::Real(-0.07));
        assert!(receptor(Some((0.0, -0.08)), &cond, &Value::Real(1e-9), "X").is_err());
    }

    #[test]
    fn delays_below_one_step_are_refused() {
        assert_eq!(delay_expr(&Value::Real(1e-3), 1e-4).unwrap(), "1.0");
        assert!(delay_expr(&Value::Real(5e-5), 1e-4).is_err());
        let n = Value::Law(law("normal", &[("mean", 1e-3), ("sd", 1e-4)]));
        assert!(delay_expr(&n, 1e-4).is_err());
        let u = Value::Law(law("uniform", &[("low", 1e-3), ("high", 2e-3)]));
        assert!(delay_expr(&u, 1e-4).unwrap().contains("uniform"));
    }
}
