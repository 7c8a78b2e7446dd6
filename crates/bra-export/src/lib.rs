//! Exporters of the compiled network IR to other simulators.
//!
//! * [`nest`]: a self-contained Python script that builds the network with
//!   NEST's own models, runs it (also under `mpirun`), and writes spikes and
//!   `summary.json` in bra's output layout.
//! * [`pynn`]: the same through PyNN's standard cell types, synapses and
//!   connectors (run with any PyNN backend; tested with NEST).
//! * [`nir`] (cargo feature `nir`): the network as a NIR graph in HDF5 (what
//!   Python's `nir.read` loads), written by [`nir::write`] rather than as
//!   text; [`nir::import`] reads NIR graphs back into spec text.
//!
//! Nothing is approximated silently: every part of the network that the
//! target cannot express exactly is refused with a [`Diagnostic`] naming the
//! component and the reason, and the export fails.

use bra_compile::ir::{Instance, Law, Network, Origin, Population, Recorder, Value};
use std::fmt;

pub mod nest;
pub mod neuroml;
#[cfg(feature = "nir")]
pub mod nir;
pub mod pynn;

/// A part of the network the target cannot express exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The component, flow or stimulus.
    pub component: String,
    /// Why it cannot be mapped.
    pub reason: String,
    /// Where it is declared.
    pub origin: Origin,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: `{}`: {}",
            self.origin.file, self.origin.line, self.origin.column, self.component, self.reason
        )
    }
}

/// Export `net` to `target` (`nest`, `neuroml`, `pynn`); the text of the file, or
/// every part that cannot be mapped.
pub fn export(target: &str, net: &Network) -> Result<String, Vec<Diagnostic>> {
    export_with_notes(target, net).map(|(text, _)| text)
}

/// [`export`], with the parts that map with a stated difference (a
/// convention the target fixes otherwise); callers show them as warnings.
pub fn export_with_notes(
    target: &str,
    net: &Network,
) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    match target {
        "nest" => nest::export_with_notes(net),
        "neuroml" => neuroml::export(net).map(|t| (t, Vec::new())),
        "pynn" => pynn::export(net).map(|t| (t, Vec::new())),
        other => Err(vec![Diagnostic {
            component: other.to_string(),
            reason: format!(
                "unknown or not yet implemented export target `{other}` (available: nest, neuroml, pynn; nir through `bra export nir`)"
            ),
            origin: net.run.origin.clone().unwrap_or(Origin {
                file: String::new(),
                line: 0,
                column: 0,
                span: [0, 0],
            }),
        }]),
    }
}

/// The exported scripts' per-population statistics (rate, mean CV of the
/// inter-spike intervals), computed as bra's `stats.rs` computes them.
pub(crate) const STATS_PY: &str = r#"

def stats(name, size, times, ids, duration):
    """Per-population statistics, as bra's stats.rs computes them."""
    n = len(times)
    rate = n / (size * duration) if size > 0 and duration > 0 else 0.0
    cvs = []
    if n:
        order = np.lexsort((times, ids))
        t, i = times[order], ids[order]
        for j in np.unique(i):
            tj = t[i == j]
            if len(tj) >= 3:
                d = np.diff(tj)
                m = d.mean()
                if m > 0:
                    cvs.append(np.sqrt(max((d * d).mean() - m * m, 0.0)) / m)
    return {"name": name, "size": int(size), "spikes": int(n), "mean_rate_hz": float(rate),
            "cv_isi": float(np.mean(cvs)) if cvs else None}
"#;

/// One synaptic input into a population: a projection, or an input with a synapse.
pub(crate) struct Incoming<'a> {
    pub name: &'a str,
    pub origin: &'a Origin,
    pub synapse: &'a Instance,
    pub weight: &'a Value,
}

/// Every synaptic input into `pop`: its projections, then its inputs that
/// have a synapse.
pub(crate) fn incoming<'a>(net: &'a Network, pop: &Population) -> Vec<Incoming<'a>> {
    let mut v = Vec::new();
    for pr in net.projections.iter().filter(|p| p.post == pop.id) {
        v.push(Incoming {
            name: &pr.name,
            origin: &pr.origin,
            synapse: &pr.synapse,
            weight: &pr.weight,
        });
    }
    for inp in net.inputs.iter().filter(|i| i.target == pop.id) {
        if let (Some(s), Some(w)) = (&inp.synapse, &inp.weight) {
            v.push(Incoming {
                name: &inp.name,
                origin: &inp.origin,
                synapse: s,
                weight: w,
            });
        }
    }
    v
}

/// The populations whose spikes bra records (every population when the
/// spec names none), in id order, each once; and the recorders that watch
/// only part of a population (the exporters record it whole and say so).
pub(crate) fn recorded_spikes(net: &Network) -> (Vec<&Population>, Vec<&Recorder>) {
    let spikes = net.recorders.iter().filter(|r| r.variable == "spikes");
    let mut rec: Vec<&Population> = if spikes.clone().next().is_none() {
        net.populations.iter().collect()
    } else {
        spikes
            .clone()
            .filter_map(|r| net.populations.get(r.population as usize))
            .collect()
    };
    rec.sort_by_key(|p| p.id);
    rec.dedup_by_key(|p| p.id);
    (rec, spikes.filter(|r| r.indices.is_some()).collect())
}

/// A real number as a Python literal.
pub(crate) fn py(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else if x > 0.0 {
        "float('inf')".into()
    } else if x < 0.0 {
        "float('-inf')".into()
    } else {
        "float('nan')".into()
    }
}

/// A string as a Python literal.
pub(crate) fn pystr(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `law` with every value multiplied by `s` (`s > 0`), or why not.
pub(crate) fn scale_law(law: &Law, s: f64) -> Result<Law, String> {
    let mut l = law.clone();
    match law.law.as_str() {
        "constant" | "uniform" | "normal" | "clipped" => {
            for (k, v) in l.params.iter_mut() {
                if k != "mode" {
                    *v *= s;
                }
            }
        }
        "lognormal" => {
            if let Some(m) = l.params.get_mut("median") {
                *m *= s;
            }
        }
        other => {
            return Err(format!(
                "the law `{other}` has no counterpart in the target"
            ));
        }
    }
    if let Some(inner) = &law.inner {
        l.inner = Some(Box::new(scale_law(inner, s)?));
    }
    Ok(l)
}

/// Which signs values drawn from `v` can take: (non-negative, negative).
pub(crate) fn signs(v: &Value) -> (bool, bool) {
    match v {
        Value::Real(x) => (*x >= 0.0, *x < 0.0),
        Value::Int(x) => (*x >= 0, *x < 0),
        Value::Law(l) => law_range(l),
        _ => (true, false),
    }
}

fn law_range(l: &Law) -> (bool, bool) {
    let p = |k: &str| l.params.get(k).copied().unwrap_or(0.0);
    match l.law.as_str() {
        "constant" => (p("value") >= 0.0, p("value") < 0.0),
        "uniform" => (p("high") > 0.0, p("low") < 0.0),
        "normal" if p("sd") == 0.0 => (p("mean") >= 0.0, p("mean") < 0.0),
        "normal" => (true, true),
        "lognormal" => (p("median") >= 0.0, p("median") < 0.0),
        "clipped" => {
            let (mut pos, mut neg) = l.inner.as_deref().map(law_range).unwrap_or((true, true));
            let lo = l.params.get("min").copied().unwrap_or(f64::NEG_INFINITY);
            let hi = l.params.get("max").copied().unwrap_or(f64::INFINITY);
            if lo >= 0.0 {
                neg = false;
            }
            if hi < 0.0 {
                pos = false;
            }
            (pos, neg)
        }
        _ => (true, true),
    }
}

/// A real parameter of an instance (an integer converts).
pub(crate) fn real(params: &std::collections::BTreeMap<String, Value>, k: &str) -> Option<f64> {
    params.get(k).and_then(Value::as_real)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn law(name: &str, p: &[(&str, f64)]) -> Law {
        Law {
            law: name.into(),
            params: p
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
            inner: None,
        }
    }

    #[test]
    fn signs_of_laws() {
        assert_eq!(signs(&Value::Real(-1.0)), (false, true));
        assert_eq!(
            signs(&Value::Law(law("normal", &[("mean", 1.0), ("sd", 0.1)]))),
            (true, true)
        );
        assert_eq!(
            signs(&Value::Law(law("uniform", &[("low", 0.1), ("high", 0.2)]))),
            (true, false)
        );
        let mut c = law("clipped", &[("min", 0.0)]);
        c.inner = Some(Box::new(law("normal", &[("mean", 1.0), ("sd", 0.1)])));
        assert_eq!(signs(&Value::Law(c)), (true, false));
    }

    #[test]
    fn scaling_and_refusing_laws() {
        let l = scale_law(&law("uniform", &[("low", 1.0), ("high", 2.0)]), 10.0).unwrap();
        assert_eq!(l.params["high"], 20.0);
        assert!(scale_law(&law("spread", &[("low", 1.0)]), 2.0).is_err());
        assert_eq!(py(f64::INFINITY), "float('inf')");
        assert_eq!(py(0.5), "0.5");
    }
}
