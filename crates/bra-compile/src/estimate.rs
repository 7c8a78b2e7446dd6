//! Resource estimates before anything is allocated.

use crate::ir::{Network, Value};
use serde::Serialize;

/// Bytes per static synapse in the runtime's CSR layout: a `u32` target index
/// and an `f32` weight (delays are per projection).
pub const BYTES_PER_STATIC_SYNAPSE: u64 = 8;
/// Bytes per plastic synapse: target, weight and a pre/post trace pair.
pub const BYTES_PER_PLASTIC_SYNAPSE: u64 = 16;

/// State variables each neuron model keeps per neuron (f64 each), for the estimate.
pub fn state_vars(model: &str) -> u64 {
    match model {
        "lif" => 4,                       // v, refractory countdown, i_ex, i_in
        "lif_cond" => 4,                  // v, refractory, g_ex, g_in
        "izhikevich" | "gain_sheet" => 4, // v, u, i_ex, i_in
        "hh" => 6,                        // v, m, h, n, i_ex, i_in
        "adex" => 5,                      // v, w, refractory, i_ex, i_in
        "meta_neuron" => 5,               // v, threshold, gain, tau, trace
        "rate" => 2,                      // x, r
        "ssm" => 16,                      // a diagonal state per unit
        "poisson" | "spike_times" | "current_source" => 1,
        _ => 4,
    }
}

/// What a network will cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Estimate {
    /// Neurons in all populations.
    pub neurons: u64,
    /// Expected synapses.
    pub synapses_expected: f64,
    /// Upper bound on synapses.
    pub synapses_bound: u64,
    /// Bytes of neuron state.
    pub state_bytes: u64,
    /// Bytes of synapses (expected).
    pub synapse_bytes: u64,
    /// Expected spikes per second where rates are known (sources), else absent.
    pub spikes_per_second: Option<f64>,
    /// Per projection: name, expected synapses, bound.
    pub projections: Vec<(String, f64, u64)>,
}

impl Estimate {
    /// Total bytes (state + synapses).
    pub fn total_bytes(&self) -> u64 {
        self.state_bytes + self.synapse_bytes
    }
}

/// Estimate a network's size from its IR alone.
pub fn estimate(net: &Network) -> Estimate {
    let mut e = Estimate::default();
    for p in &net.populations {
        e.neurons += p.size;
        e.state_bytes += p.size * state_vars(&p.model.kind) * 8;
    }
    let mut rate_known = 0.0;
    let mut any_rate = false;
    for p in &net.populations {
        if p.model.kind == "poisson"
            && let Some(r) = p.model.params.get("rate").and_then(Value::as_real)
        {
            rate_known += r * p.size as f64;
            any_rate = true;
        }
    }
    for i in &net.inputs {
        if i.source.kind == "poisson"
            && let Some(r) = i.source.params.get("rate").and_then(Value::as_real)
        {
            rate_known += r;
            any_rate = true;
        }
    }
    if any_rate {
        e.spikes_per_second = Some(rate_known);
    }
    for pr in &net.projections {
        let (Some(pre), Some(post)) = (
            net.populations.get(pr.pre as usize),
            net.populations.get(pr.post as usize),
        ) else {
            continue;
        };
        let (n_pre, n_post) = (pre.size as f64, post.size as f64);
        let all = pre.size.saturating_mul(post.size);
        let get = |k: &str| pr.connector.params.get(k).and_then(Value::as_real);
        let (expected, bound) = match pr.connector.kind.as_str() {
            "all_to_all" => (n_pre * n_post, all),
            "one_to_one" => (n_pre.min(n_post), pre.size.min(post.size)),
            "fixed_probability" => (get("p").unwrap_or(0.0) * n_pre * n_post, all),
            "fixed_indegree" => {
                let k = get("k").unwrap_or(0.0);
                (k * n_post, (k as u64).saturating_mul(post.size))
            }
            "fixed_total_number" => {
                let n = get("n").unwrap_or(0.0);
                (n, n as u64)
            }
            "grid_neighbourhood" => {
                let r = get("radius").unwrap_or(1.0);
                let per = (std::f64::consts::PI * r * r).max(1.0).min(n_pre);
                let side = 2 * (r.ceil() as u64) + 1;
                (
                    per * n_post,
                    (side * side).min(pre.size).saturating_mul(post.size),
                )
            }
            _ => (n_pre * n_post, all),
        };
        e.synapses_expected += expected;
        e.synapses_bound = e.synapses_bound.saturating_add(bound);
        let per = if pr.plasticity.is_some() {
            BYTES_PER_PLASTIC_SYNAPSE
        } else {
            BYTES_PER_STATIC_SYNAPSE
        };
        e.synapse_bytes += (expected * per as f64) as u64;
        e.projections.push((pr.name.clone(), expected, bound));
    }
    e
}

/// Human-readable byte count.
pub fn human_bytes(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

/// Parse a budget such as `8GiB`, `512 MiB`, `2GB`, `1000000`.
pub fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        _ => return None,
    };
    Some((v * mult) as u64)
}
