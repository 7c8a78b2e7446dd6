//! Online plasticity: pair and triplet STDP on projections that declare it.
//!
//! Event-driven and exact in time: every trace keeps its value and the time
//! of its last update and is decayed analytically when read, so the rule has
//! no step-size error. A presynaptic spike acts on the synapse when it
//! arrives (emission time plus the projection's delay); a postsynaptic spike
//! at its own (sub-step) time. Within a step, arrivals and postsynaptic
//! spikes are processed in time order. The weight used to deliver a spike is
//! the weight at its emission.
//!
//! Pair STDP pairs spikes `all_to_all` (traces add up), `nearest` (traces
//! reset to 1: each spike pairs with the nearest spike of the other side,
//! symmetric nearest-neighbour) or `restricted` (reduced nearest-neighbour,
//! Morrison, Diesmann & Gerstner 2008; NEST's `stdp_nn_restr_synapse`): a
//! post spike pairs with the latest pre spike only if that arrived after the
//! previous post spike, a pre spike with the latest post spike only if no
//! pre spike arrived in between, so each spike enters at most one
//! potentiating and one depressing pair. Both conditions compare the times
//! of the latest spikes each trace keeps; on equal times an arrival counts
//! before a post spike, the order in which a step applies them.

use crate::connect::Csr;
use crate::model::Spike;
use bra_compile::ir::{Instance, Value};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Pair,
    Triplet,
}

/// Which spike pairs interact (pair STDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pairing {
    AllToAll,
    Nearest,
    Restricted,
}

/// A decaying trace with event-driven exact decay; `at` is the time of the
/// latest spike (−∞ before the first).
#[derive(Clone, Copy, Debug)]
struct Trace {
    value: f64,
    at: f64,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            value: 0.0,
            at: f64::NEG_INFINITY,
        }
    }
}

impl Trace {
    #[inline]
    fn read(&self, t: f64, tau: f64) -> f64 {
        if self.value == 0.0 {
            0.0
        } else {
            self.value * (-(t - self.at) / tau).exp()
        }
    }
    #[inline]
    fn bump(&mut self, t: f64, tau: f64, nearest: bool) {
        self.value = if nearest {
            1.0
        } else {
            self.read(t, tau) + 1.0
        };
        self.at = t;
    }
}

/// The plastic state of one projection.
#[derive(Clone, Debug)]
pub struct Plastic {
    kind: Kind,
    a_plus: f64,
    a_minus: f64,
    a3_plus: f64,
    a3_minus: f64,
    tau_plus: f64,
    tau_minus: f64,
    tau_x: f64,
    tau_y: f64,
    w_min: f64,
    w_max: f64,
    w_ref: f64,
    multiplicative: bool,
    pairing: Pairing,
    delay: f64,
    /// Presynaptic neuron of each synapse.
    syn_pre: Vec<u32>,
    /// Synapses into each postsynaptic neuron (CSR by post).
    post_off: Vec<u32>,
    post_syn: Vec<u32>,
    r1: Vec<Trace>,
    r2: Vec<Trace>,
    o1: Vec<Trace>,
    o2: Vec<Trace>,
    arrivals: VecDeque<(f64, u32)>,
    /// Factor from SI weights to the port unit (to save weights in SI).
    pub scale: f64,
}

fn real(i: &Instance, k: &str, d: f64) -> f64 {
    i.params.get(k).and_then(Value::as_real).unwrap_or(d)
}

impl Plastic {
    /// Build the plastic state of a projection with this rule; `None` for
    /// rules that are not applied online (trained by `bra train` instead).
    pub fn new(
        rule: &Instance,
        csr: &Csr,
        n_post: usize,
        delay_s: f64,
        scale: f64,
    ) -> Result<Option<Plastic>, String> {
        let kind = match rule.kind.as_str() {
            "stdp" => Kind::Pair,
            "triplet_stdp" => Kind::Triplet,
            _ => return Ok(None),
        };
        let text = |k: &str| match rule.params.get(k) {
            Some(Value::Text(t)) => t.as_str(),
            _ => "",
        };
        let w_min = real(rule, "w_min", 0.0) * scale;
        let w_max = real(rule, "w_max", f64::INFINITY) * scale;
        let (w_min, w_max) = if scale < 0.0 {
            (w_max, w_min)
        } else {
            (w_min, w_max)
        };
        let mean_abs = if csr.weights.is_empty() {
            0.0
        } else {
            csr.weights.iter().map(|w| (*w as f64).abs()).sum::<f64>() / csr.weights.len() as f64
        };
        let w_ref = if w_max.is_finite() {
            w_max.abs()
        } else {
            mean_abs
        };
        let multiplicative = text("bounds") == "multiplicative";
        let pairing = match (kind, text("pairing")) {
            (Kind::Triplet, _) | (_, "" | "all_to_all") => Pairing::AllToAll,
            (_, "nearest") => Pairing::Nearest,
            (_, "restricted") => Pairing::Restricted,
            (_, other) => {
                return Err(format!(
                    "stdp pairing `{other}`: use all_to_all, nearest or restricted"
                ));
            }
        };
        if multiplicative && !w_max.is_finite() {
            return Err("multiplicative STDP needs a finite w_max".into());
        }
        // Transpose: synapses by postsynaptic neuron.
        let n_pre = csr.offsets.len().saturating_sub(1);
        let mut syn_pre = vec![0u32; csr.targets.len()];
        for i in 0..n_pre {
            for s in csr.row(i) {
                syn_pre[s] = i as u32;
            }
        }
        let mut count = vec![0u32; n_post + 1];
        for &j in &csr.targets {
            count[j as usize + 1] += 1;
        }
        for j in 0..n_post {
            count[j + 1] += count[j];
        }
        let post_off = count.clone();
        let mut fill = count;
        let mut post_syn = vec![0u32; csr.targets.len()];
        for (s, &j) in csr.targets.iter().enumerate() {
            post_syn[fill[j as usize] as usize] = s as u32;
            fill[j as usize] += 1;
        }
        let (a_plus, a_minus, a3_plus, a3_minus) = match kind {
            Kind::Pair => (
                real(rule, "a_plus", 0.005),
                real(rule, "a_minus", 0.00525),
                0.0,
                0.0,
            ),
            Kind::Triplet => (
                real(rule, "a2_plus", 5e-10),
                real(rule, "a2_minus", 7e-3),
                real(rule, "a3_plus", 6.2e-3),
                real(rule, "a3_minus", 2.3e-4),
            ),
        };
        Ok(Some(Plastic {
            kind,
            a_plus,
            a_minus,
            a3_plus,
            a3_minus,
            tau_plus: real(rule, "tau_plus", 0.0168),
            tau_minus: real(rule, "tau_minus", 0.0337),
            tau_x: real(rule, "tau_x", 0.101),
            tau_y: real(rule, "tau_y", 0.125),
            w_min,
            w_max,
            w_ref,
            multiplicative,
            pairing,
            delay: delay_s,
            syn_pre,
            post_off,
            post_syn,
            r1: vec![Trace::default(); n_pre],
            r2: vec![Trace::default(); n_pre],
            o1: vec![Trace::default(); n_post],
            o2: vec![Trace::default(); n_post],
            arrivals: VecDeque::new(),
            scale,
        }))
    }

    #[inline]
    fn clip(&self, w: f64) -> f64 {
        w.clamp(self.w_min, self.w_max)
    }

    /// Process one step: queue this step's presynaptic spikes, then apply
    /// the arrivals due before `t_end` and this step's postsynaptic spikes
    /// in time order.
    pub fn step(&mut self, csr: &mut Csr, t: f64, dt: f64, pre: &[Spike], post: &[Spike]) {
        // Plastic synapses change one by one (the engine unshares them at
        // build time; this keeps a caller that did not correct).
        csr.unshare();
        for s in pre {
            self.arrivals
                .push_back((t + s.offset + self.delay, s.neuron));
        }
        let t_end = t + dt;
        let mut posts: Vec<(f64, u32)> = post.iter().map(|s| (t + s.offset, s.neuron)).collect();
        posts.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut k = 0;
        loop {
            let next_arrival = self.arrivals.front().copied().filter(|a| a.0 < t_end);
            let next_post = posts.get(k).copied();
            match (next_arrival, next_post) {
                (Some(a), Some(p)) if a.0 <= p.0 => {
                    self.arrivals.pop_front();
                    self.on_pre(csr, a.0, a.1 as usize);
                }
                (_, Some(p)) => {
                    k += 1;
                    self.on_post(csr, p.0, p.1 as usize);
                }
                (Some(a), None) => {
                    self.arrivals.pop_front();
                    self.on_pre(csr, a.0, a.1 as usize);
                }
                (None, None) => break,
            }
        }
    }

    fn on_pre(&mut self, csr: &mut Csr, t: f64, i: usize) {
        let r2_before = self.r2[i].read(t, self.tau_x);
        let restricted = self.pairing == Pairing::Restricted;
        let previous_pre = self.r1[i].at;
        for s in csr.row(i) {
            let j = csr.targets[s] as usize;
            // Restricted: only the first pre spike since the latest post spike.
            if restricted && previous_pre > self.o1[j].at {
                continue;
            }
            let y = self.o1[j].read(t, self.tau_minus);
            let w = csr.weights[s] as f64;
            let amp = match self.kind {
                Kind::Pair => self.a_minus,
                Kind::Triplet => self.a_minus + self.a3_minus * r2_before,
            };
            let dw = if self.multiplicative {
                -amp * (w - self.w_min) * y
            } else {
                -amp * self.w_ref * y
            };
            csr.weights[s] = self.clip(w + dw) as f32;
        }
        let nearest = self.pairing != Pairing::AllToAll;
        self.r1[i].bump(t, self.tau_plus, nearest);
        self.r2[i].bump(t, self.tau_x, nearest);
    }

    fn on_post(&mut self, csr: &mut Csr, t: f64, j: usize) {
        let o2_before = self.o2[j].read(t, self.tau_y);
        let (lo, hi) = (self.post_off[j] as usize, self.post_off[j + 1] as usize);
        let restricted = self.pairing == Pairing::Restricted;
        let previous_post = self.o1[j].at;
        for &s in &self.post_syn[lo..hi] {
            let s = s as usize;
            let i = self.syn_pre[s] as usize;
            // Restricted: only a pre spike that came after the previous post spike.
            if restricted && self.r1[i].at <= previous_post {
                continue;
            }
            let x = self.r1[i].read(t, self.tau_plus);
            let w = csr.weights[s] as f64;
            let amp = match self.kind {
                Kind::Pair => self.a_plus,
                Kind::Triplet => self.a_plus + self.a3_plus * o2_before,
            };
            let dw = if self.multiplicative {
                amp * (self.w_max - w) * x
            } else {
                amp * self.w_ref * x
            };
            csr.weights[s] = self.clip(w + dw) as f32;
        }
        let nearest = self.pairing != Pairing::AllToAll;
        self.o1[j].bump(t, self.tau_minus, nearest);
        self.o2[j].bump(t, self.tau_y, nearest);
    }

    /// Presynaptic neuron of each synapse (for saving weights).
    pub fn pre_of(&self) -> &[u32] {
        &self.syn_pre
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn one_synapse(w: f32) -> Csr {
        Csr {
            offsets: vec![0, 1],
            targets: vec![0],
            weights: vec![w],
            shared: false,
            delays: None,
        }
    }

    fn stdp(bounds: &str) -> Instance {
        stdp_paired(bounds, "all_to_all")
    }

    fn stdp_paired(bounds: &str, pairing: &str) -> Instance {
        let mut p = BTreeMap::new();
        p.insert("a_plus".into(), Value::Real(0.01));
        p.insert("a_minus".into(), Value::Real(0.012));
        p.insert("tau_plus".into(), Value::Real(0.0168));
        p.insert("tau_minus".into(), Value::Real(0.0337));
        p.insert("w_min".into(), Value::Real(0.0));
        p.insert("w_max".into(), Value::Real(1.0));
        p.insert("bounds".into(), Value::Text(bounds.into()));
        p.insert("pairing".into(), Value::Text(pairing.into()));
        Instance {
            kind: "stdp".into(),
            params: p,
        }
    }

    /// One pre and one post spike with post − pre = `lag`; the weight change.
    fn pair(lag: f64, bounds: &str, w0: f32) -> f64 {
        let mut csr = one_synapse(w0);
        let mut p = Plastic::new(&stdp(bounds), &csr, 1, 0.0, 1.0)
            .expect("ok")
            .expect("plastic");
        let dt = 1e-4;
        let (t_pre, t_post) = (0.1, 0.1 + lag);
        // Each spike falls in exactly one step (integer step index, then offset).
        let step_of = |ts: f64| ((ts / dt) + 1e-9).floor() as u64;
        for n in 0..3000u64 {
            let t = n as f64 * dt;
            let sp = |ts: f64| -> Vec<Spike> {
                if step_of(ts) == n {
                    vec![Spike {
                        neuron: 0,
                        offset: ts - t,
                    }]
                } else {
                    vec![]
                }
            };
            p.step(&mut csr, t, dt, &sp(t_pre), &sp(t_post));
        }
        csr.weights[0] as f64 - w0 as f64
    }

    #[test]
    fn the_pair_window_is_exponential() {
        for &lag in &[0.002, 0.005, 0.01, 0.02, 0.04] {
            let ltp = pair(lag, "additive", 0.5);
            let ltd = pair(-lag, "additive", 0.5);
            let want_ltp = 0.01 * (-lag / 0.0168f64).exp();
            let want_ltd = -0.012 * (-lag / 0.0337f64).exp();
            assert!(
                (ltp - want_ltp).abs() < 1e-6,
                "lag {lag}: LTP {ltp} vs {want_ltp}"
            );
            assert!(
                (ltd - want_ltd).abs() < 1e-6,
                "lag {lag}: LTD {ltd} vs {want_ltd}"
            );
        }
    }

    #[test]
    fn multiplicative_updates_shrink_near_the_bounds() {
        let near_max = pair(0.005, "multiplicative", 0.95);
        let mid = pair(0.005, "multiplicative", 0.5);
        assert!(
            near_max > 0.0 && near_max < mid / 5.0,
            "{near_max} vs {mid}"
        );
        let near_min = pair(-0.005, "multiplicative", 0.05);
        let mid_d = pair(-0.005, "multiplicative", 0.5);
        assert!(near_min < 0.0 && near_min.abs() < mid_d.abs() / 5.0);
        // Additive updates are clipped at the bounds.
        assert!(0.999f64 + pair(0.001, "additive", 0.999) <= 1.0 + 1e-6);
    }

    /// Drive one synapse (delay 0) with hand-made spike trains, each spike
    /// inside a step of 0.1 ms at its exact offset; the final weight.
    fn drive(pairing: &str, pre: &[f64], post: &[f64]) -> f64 {
        let mut csr = one_synapse(0.5);
        let mut p = Plastic::new(&stdp_paired("additive", pairing), &csr, 1, 0.0, 1.0)
            .expect("ok")
            .expect("plastic");
        let dt = 1e-4;
        let in_step = |ts: &[f64], n: u64| -> Vec<Spike> {
            ts.iter()
                .filter(|&&x| ((x / dt) + 1e-9).floor() as u64 == n)
                .map(|&x| Spike {
                    neuron: 0,
                    offset: x - n as f64 * dt,
                })
                .collect()
        };
        for n in 0..1000u64 {
            let t = n as f64 * dt;
            p.step(&mut csr, t, dt, &in_step(pre, n), &in_step(post, n));
        }
        csr.weights[0] as f64
    }

    #[test]
    fn restricted_pairing_uses_each_spike_in_one_pair_each_way() {
        let (tp, tm, ap, am) = (0.0168f64, 0.0337f64, 0.01f64, 0.012f64);
        let ltp = |d: f64| ap * (-d / tp).exp();
        let ltd = |d: f64| am * (-d / tm).exp();
        // pre 10 ms; post 20, 30 ms; pre 35, 40 ms; post 50 ms.
        let pre = [0.0101, 0.0351, 0.0401];
        let post = [0.0201, 0.0301, 0.0501];
        // Restricted: post 20 pairs with pre 10 (+); post 30 finds that pre
        // used (nothing); pre 35 pairs with post 30 (−); pre 40 is not the
        // first pre since post 30 (nothing); post 50 pairs with pre 40 (+).
        let want = 0.5 + ltp(0.010) - ltd(0.005) + ltp(0.010);
        let got = drive("restricted", &pre, &post);
        assert!((got - want).abs() < 1e-6, "restricted: {got} vs {want}");
        // Symmetric nearest: every spike pairs with its nearest predecessor.
        let want = 0.5 + ltp(0.010) + ltp(0.020) - ltd(0.005) - ltd(0.010) + ltp(0.010);
        let got = drive("nearest", &pre, &post);
        assert!((got - want).abs() < 1e-6, "nearest: {got} vs {want}");
        // All-to-all: every earlier spike of the other side.
        let want =
            0.5 + ltp(0.010) + ltp(0.020) - ltd(0.005) - ltd(0.015) - ltd(0.010) - ltd(0.020)
                + ltp(0.040)
                + ltp(0.015)
                + ltp(0.010);
        let got = drive("all_to_all", &pre, &post);
        assert!((got - want).abs() < 1e-6, "all_to_all: {got} vs {want}");
        // A burst of posts after one pre: restricted potentiates once.
        let got = drive("restricted", &[0.0101], &[0.0151, 0.0201, 0.0251]);
        assert!((got - (0.5 + ltp(0.005))).abs() < 1e-6, "{got}");
        // A burst of pres after one post: restricted depresses once.
        let got = drive("restricted", &[0.0151, 0.0201, 0.0251], &[0.0101]);
        assert!((got - (0.5 - ltd(0.005))).abs() < 1e-6, "{got}");
    }

    #[test]
    fn an_unknown_pairing_is_refused() {
        let csr = one_synapse(0.5);
        let e = Plastic::new(&stdp_paired("additive", "closest"), &csr, 1, 0.0, 1.0)
            .expect_err("refused");
        assert!(e.contains("closest") && e.contains("restricted"), "{e}");
    }
}
