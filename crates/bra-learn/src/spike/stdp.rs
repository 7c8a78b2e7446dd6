//! The STDP family as rules on the synapses from many afferents onto one
//! neuron: pair STDP (additive or multiplicative bounds, all-to-all or
//! nearest-spike or restricted pairing), triplet STDP (Pfister & Gerstner 2006) and
//! reward-modulated STDP (an eligibility trace gated by dopamine,
//! Izhikevich 2007).
//!
//! Pair and triplet rules are event-driven: each trace remembers its value
//! and the time it was last updated and is decayed analytically when a
//! spike reads it, so updates have no step-size error (the catalog's
//! integrator contract). The reward rule is clock-driven, as its catalog
//! entry says: traces decay exactly per step and the weight follows forward
//! Euler of `dw/dt = lr w_ref c d`.
//!
//! Amplitudes are relative to a reference weight `w_ref`: `w_max` when it is
//! finite, otherwise the mean initial |weight| (see [`w_ref`]).

use super::Params;
use bra_compile::ir::Instance;

/// How an update depends on the current weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bounds {
    /// Updates independent of w, then clipped to `[w_min, w_max]` (Song et al. 2000).
    Additive,
    /// Potentiation ∝ `w_max - w`, depression ∝ `w - w_min` (van Rossum et al. 2000).
    Multiplicative,
}

/// Which spike pairs interact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairing {
    /// Every earlier spike counts (traces add up).
    AllToAll,
    /// Only the latest spike counts (traces reset to 1): Morrison et al.'s
    /// symmetric nearest-neighbour scheme (NEST's `stdp_nn_symm_synapse`).
    Nearest,
    /// Restricted (reduced) nearest-neighbour pairing: a post spike pairs
    /// with the latest pre spike only if that came after the previous post
    /// spike, a pre spike with the latest post spike only if no pre spike
    /// came in between, so each spike enters at most one potentiation and
    /// one depression (Morrison, Diesmann & Gerstner 2008, Fig. 7C; NEST's
    /// `stdp_nn_restr_synapse`). The rule of Masquelier et al. (2008).
    Restricted,
}

impl Pairing {
    /// The pairing named `name` (`all_to_all`, `nearest`, `restricted`).
    pub fn parse(name: &str) -> Option<Pairing> {
        match name {
            "all_to_all" => Some(Pairing::AllToAll),
            "nearest" => Some(Pairing::Nearest),
            "restricted" => Some(Pairing::Restricted),
            _ => None,
        }
    }
}

/// The reference weight of STDP amplitudes: `w_max` when finite, otherwise
/// the mean |initial weight| (1 when that is 0).
pub fn w_ref(w_max: f64, initial: &[f64]) -> f64 {
    if w_max.is_finite() {
        return w_max;
    }
    let m = initial.iter().map(|w| w.abs()).sum::<f64>() / initial.len().max(1) as f64;
    if m > 0.0 { m } else { 1.0 }
}

/// A trace that jumps at spikes and decays exponentially between them,
/// evaluated lazily.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Trace {
    /// Value just after the last update.
    pub value: f64,
    /// Time of the last update, s.
    pub t: f64,
}

impl Trace {
    /// The value at time `t` (≥ the last update).
    #[inline]
    pub fn at(&self, t: f64, tau: f64) -> f64 {
        if self.value == 0.0 {
            0.0
        } else {
            self.value * (-(t - self.t) / tau).exp()
        }
    }
    /// A spike at `t`: add 1 (all-to-all) or reset to 1 (nearest, restricted).
    #[inline]
    pub fn spike(&mut self, t: f64, tau: f64, pairing: Pairing) {
        self.value = match pairing {
            Pairing::AllToAll => self.at(t, tau) + 1.0,
            Pairing::Nearest | Pairing::Restricted => 1.0,
        };
        self.t = t;
    }
}

/// Plasticity of the synapses from `n` afferents onto one neuron, driven by
/// spike events in time order.
pub trait Plastic: Send {
    /// Afferent `i` spikes (its spike reaches the synapse) at `t`.
    fn on_pre(&mut self, i: usize, t: f64);
    /// The neuron spikes at `t`.
    fn on_post(&mut self, t: f64);
    /// The current weights.
    fn weights(&self) -> &[f64];
}

/// Pair-based STDP (catalog entry `stdp`).
#[derive(Clone, Debug, PartialEq)]
pub struct PairStdp {
    /// Potentiation per pre-before-post pair, relative to `w_ref`.
    pub a_plus: f64,
    /// Depression per post-before-pre pair, relative to `w_ref`.
    pub a_minus: f64,
    /// Decay of the pre-synaptic trace, s.
    pub tau_plus: f64,
    /// Decay of the post-synaptic trace, s.
    pub tau_minus: f64,
    /// Lower bound.
    pub w_min: f64,
    /// Upper bound (may be infinite with additive bounds).
    pub w_max: f64,
    /// Weight dependence.
    pub bounds: Bounds,
    /// Spike pairing.
    pub pairing: Pairing,
}

impl PairStdp {
    /// The rule of a compiled `stdp(…)` instance (catalog defaults when absent).
    pub fn from_instance(inst: &Instance) -> Result<PairStdp, String> {
        let p = Params(inst);
        let rule = PairStdp {
            a_plus: p.real("a_plus", 0.005),
            a_minus: p.real("a_minus", 0.00525),
            tau_plus: p.real("tau_plus", 0.0168),
            tau_minus: p.real("tau_minus", 0.0337),
            w_min: p.real("w_min", 0.0),
            w_max: p.real("w_max", f64::INFINITY),
            bounds: match p.text("bounds") {
                Some("multiplicative") => Bounds::Multiplicative,
                _ => Bounds::Additive,
            },
            pairing: match p.text("pairing") {
                None => Pairing::AllToAll,
                Some(name) => Pairing::parse(name).ok_or_else(|| {
                    format!("stdp pairing `{name}`: use all_to_all, nearest or restricted")
                })?,
            },
        };
        if rule.bounds == Bounds::Multiplicative && !rule.w_max.is_finite() {
            return Err("stdp with multiplicative bounds needs a finite w_max".into());
        }
        if rule.w_max < rule.w_min {
            return Err("stdp: w_max is below w_min".into());
        }
        Ok(rule)
    }

    /// `w` after a post spike that finds the pre trace at `x`.
    #[inline]
    pub fn potentiate(&self, w: f64, x: f64, w_ref: f64) -> f64 {
        let dw = match self.bounds {
            Bounds::Additive => self.a_plus * w_ref * x,
            Bounds::Multiplicative => self.a_plus * (self.w_max - w) * x,
        };
        (w + dw).clamp(self.w_min, self.w_max)
    }

    /// `w` after a pre spike that finds the post trace at `y`.
    #[inline]
    pub fn depress(&self, w: f64, y: f64, w_ref: f64) -> f64 {
        let dw = match self.bounds {
            Bounds::Additive => self.a_minus * w_ref * y,
            Bounds::Multiplicative => self.a_minus * (w - self.w_min) * y,
        };
        (w - dw).clamp(self.w_min, self.w_max)
    }

    /// Synapses from `w.len()` afferents onto one neuron with this rule.
    pub fn synapses(&self, w: Vec<f64>) -> PairSynapses {
        let w_ref = w_ref(self.w_max, &w);
        PairSynapses {
            pre: vec![Trace::default(); w.len()],
            post: Trace::default(),
            rule: self.clone(),
            w,
            w_ref,
        }
    }
}

/// Synapses onto one neuron with pair STDP.
#[derive(Clone, Debug)]
pub struct PairSynapses {
    /// The rule.
    pub rule: PairStdp,
    /// Weights.
    pub w: Vec<f64>,
    /// Reference weight of the amplitudes.
    pub w_ref: f64,
    pre: Vec<Trace>,
    post: Trace,
}

impl Plastic for PairSynapses {
    fn on_pre(&mut self, i: usize, t: f64) {
        let r = &self.rule;
        // Restricted pairing: only the first pre spike after a post spike
        // depresses (the pre trace's time is that of the latest pre spike,
        // kept when a post spike consumes its value).
        let paired = r.pairing != Pairing::Restricted || self.pre[i].t <= self.post.t;
        let y = self.post.at(t, r.tau_minus);
        if y > 0.0 && paired {
            self.w[i] = r.depress(self.w[i], y, self.w_ref);
        }
        self.pre[i].spike(t, r.tau_plus, r.pairing);
    }

    fn on_post(&mut self, t: f64) {
        let r = &self.rule;
        let restricted = r.pairing == Pairing::Restricted;
        for (w, x) in self.w.iter_mut().zip(self.pre.iter_mut()) {
            let v = x.at(t, r.tau_plus);
            if v > 0.0 {
                *w = r.potentiate(*w, v, self.w_ref);
            }
            if restricted {
                // Used: the next post spike finds no unpaired pre spike.
                x.value = 0.0;
            }
        }
        self.post.spike(t, r.tau_minus, r.pairing);
    }

    fn weights(&self) -> &[f64] {
        &self.w
    }
}

/// Triplet STDP (catalog entry `triplet_stdp`, Pfister & Gerstner 2006,
/// all-to-all interactions).
#[derive(Clone, Debug, PartialEq)]
pub struct TripletStdp {
    /// Pair potentiation.
    pub a2_plus: f64,
    /// Triplet potentiation.
    pub a3_plus: f64,
    /// Pair depression.
    pub a2_minus: f64,
    /// Triplet depression.
    pub a3_minus: f64,
    /// Fast pre trace r1, s.
    pub tau_plus: f64,
    /// Fast post trace o1, s.
    pub tau_minus: f64,
    /// Slow pre trace r2, s.
    pub tau_x: f64,
    /// Slow post trace o2, s.
    pub tau_y: f64,
    /// Lower bound.
    pub w_min: f64,
    /// Upper bound.
    pub w_max: f64,
}

impl TripletStdp {
    /// The rule of a compiled `triplet_stdp(…)` instance (defaults: the
    /// visual-cortex all-to-all fit, Pfister & Gerstner 2006 Table 4).
    pub fn from_instance(inst: &Instance) -> Result<TripletStdp, String> {
        let p = Params(inst);
        let rule = TripletStdp {
            a2_plus: p.real("a2_plus", 5e-10),
            a3_plus: p.real("a3_plus", 6.2e-3),
            a2_minus: p.real("a2_minus", 7e-3),
            a3_minus: p.real("a3_minus", 2.3e-4),
            tau_plus: p.real("tau_plus", 0.0168),
            tau_minus: p.real("tau_minus", 0.0337),
            tau_x: p.real("tau_x", 0.101),
            tau_y: p.real("tau_y", 0.125),
            w_min: p.real("w_min", 0.0),
            w_max: p.real("w_max", f64::INFINITY),
        };
        if rule.w_max < rule.w_min {
            return Err("triplet_stdp: w_max is below w_min".into());
        }
        Ok(rule)
    }

    /// The visual-cortex, all-to-all, full model of Pfister & Gerstner (2006).
    pub fn visual_all_to_all() -> TripletStdp {
        TripletStdp {
            a2_plus: 5e-10,
            a3_plus: 6.2e-3,
            a2_minus: 7e-3,
            a3_minus: 2.3e-4,
            tau_plus: 0.0168,
            tau_minus: 0.0337,
            tau_x: 0.101,
            tau_y: 0.125,
            w_min: f64::NEG_INFINITY,
            w_max: f64::INFINITY,
        }
    }

    /// Synapses from `w.len()` afferents onto one neuron with this rule.
    pub fn synapses(&self, w: Vec<f64>) -> TripletSynapses {
        let w_ref = w_ref(self.w_max, &w);
        TripletSynapses {
            r1: vec![Trace::default(); w.len()],
            r2: vec![Trace::default(); w.len()],
            o1: Trace::default(),
            o2: Trace::default(),
            rule: self.clone(),
            w,
            w_ref,
        }
    }
}

/// Synapses onto one neuron with triplet STDP.
#[derive(Clone, Debug)]
pub struct TripletSynapses {
    /// The rule.
    pub rule: TripletStdp,
    /// Weights.
    pub w: Vec<f64>,
    /// Reference weight of the amplitudes.
    pub w_ref: f64,
    r1: Vec<Trace>,
    r2: Vec<Trace>,
    o1: Trace,
    o2: Trace,
}

impl Plastic for TripletSynapses {
    fn on_pre(&mut self, i: usize, t: f64) {
        let r = &self.rule;
        let o1 = self.o1.at(t, r.tau_minus);
        // r2 just before its own jump.
        let r2 = self.r2[i].at(t, r.tau_x);
        let dw = self.w_ref * o1 * (r.a2_minus + r.a3_minus * r2);
        self.w[i] = (self.w[i] - dw).clamp(r.w_min, r.w_max);
        self.r1[i].spike(t, r.tau_plus, Pairing::AllToAll);
        self.r2[i].spike(t, r.tau_x, Pairing::AllToAll);
    }

    fn on_post(&mut self, t: f64) {
        let r = &self.rule;
        // o2 just before its own jump.
        let o2 = self.o2.at(t, r.tau_y);
        let gain = r.a2_plus + r.a3_plus * o2;
        for (w, r1) in self.w.iter_mut().zip(&self.r1) {
            let x = r1.at(t, r.tau_plus);
            if x > 0.0 {
                *w = (*w + self.w_ref * x * gain).clamp(r.w_min, r.w_max);
            }
        }
        self.o1.spike(t, r.tau_minus, Pairing::AllToAll);
        self.o2.spike(t, r.tau_y, Pairing::AllToAll);
    }

    fn weights(&self) -> &[f64] {
        &self.w
    }
}

/// Reward-modulated STDP (catalog entry `reward_stdp`): pairings change an
/// eligibility trace `c` per synapse; a dopamine trace `d` turns it into a
/// weight change, `dw/dt = lr w_ref c d`.
#[derive(Clone, Debug, PartialEq)]
pub struct RewardStdp {
    /// Eligibility increment per pre-before-post pair.
    pub a_plus: f64,
    /// Eligibility decrement per post-before-pre pair.
    pub a_minus: f64,
    /// Potentiation window, s.
    pub tau_plus: f64,
    /// Depression window, s.
    pub tau_minus: f64,
    /// Decay of the eligibility trace, s.
    pub tau_e: f64,
    /// Decay of the dopamine trace, s.
    pub tau_d: f64,
    /// Dopamine per unit of reward.
    pub d_jump: f64,
    /// Learning rate, 1/s.
    pub lr: f64,
    /// Lower bound.
    pub w_min: f64,
    /// Upper bound.
    pub w_max: f64,
}

impl RewardStdp {
    /// The rule of a compiled `reward_stdp(…)` instance (`lr` is required by
    /// the catalog; defaults otherwise those of Izhikevich 2007).
    pub fn from_instance(inst: &Instance) -> Result<RewardStdp, String> {
        let p = Params(inst);
        let lr = p
            .get("lr")
            .ok_or("reward_stdp needs a learning rate `lr`")?;
        Ok(RewardStdp {
            a_plus: p.real("a_plus", 1.0),
            a_minus: p.real("a_minus", 1.5),
            tau_plus: p.real("tau_plus", 0.02),
            tau_minus: p.real("tau_minus", 0.02),
            tau_e: p.real("tau_e", 1.0),
            tau_d: p.real("tau_d", 0.2),
            d_jump: p.real("d_jump", 0.5),
            lr,
            w_min: p.real("w_min", 0.0),
            w_max: p.real("w_max", f64::INFINITY),
        })
    }

    /// Synapses from `w.len()` afferents onto one neuron, stepped with `dt`.
    pub fn synapses(&self, w: Vec<f64>, dt: f64) -> RewardSynapses {
        let n = w.len();
        RewardSynapses {
            w_ref: w_ref(self.w_max, &w),
            decay: [
                (-dt / self.tau_plus).exp(),
                (-dt / self.tau_minus).exp(),
                (-dt / self.tau_e).exp(),
                (-dt / self.tau_d).exp(),
            ],
            rule: self.clone(),
            dt,
            w,
            x: vec![0.0; n],
            c: vec![0.0; n],
            y: 0.0,
            d: 0.0,
        }
    }
}

/// Synapses onto one neuron with reward-modulated STDP, advanced step by step.
#[derive(Clone, Debug)]
pub struct RewardSynapses {
    /// The rule.
    pub rule: RewardStdp,
    /// Step, s.
    pub dt: f64,
    /// Weights.
    pub w: Vec<f64>,
    /// Reference weight.
    pub w_ref: f64,
    /// Eligibility traces.
    pub c: Vec<f64>,
    /// Dopamine trace.
    pub d: f64,
    x: Vec<f64>,
    y: f64,
    decay: [f64; 4],
}

impl RewardSynapses {
    /// One step: the afferents in `pre` and the neuron (when `post`) spike in
    /// it, and `reward` units of reward arrive (negative: a dopamine dip).
    /// Traces decay, spikes update eligibility (post-before-pre first, then
    /// pre-before-post), dopamine jumps, then the weights move by
    /// `dt · lr · w_ref · c · d`.
    pub fn step(&mut self, pre: &[usize], post: bool, reward: f64) {
        let r = &self.rule;
        let [dp, dm, de, dd] = self.decay;
        self.x.iter_mut().for_each(|x| *x *= dp);
        self.c.iter_mut().for_each(|c| *c *= de);
        self.y *= dm;
        self.d *= dd;
        for &i in pre {
            self.c[i] -= r.a_minus * self.y;
            self.x[i] += 1.0;
        }
        if post {
            for (c, x) in self.c.iter_mut().zip(&self.x) {
                *c += r.a_plus * x;
            }
            self.y += 1.0;
        }
        self.d += r.d_jump * reward;
        if self.d != 0.0 {
            let k = self.dt * r.lr * self.w_ref * self.d;
            for (w, c) in self.w.iter_mut().zip(&self.c) {
                *w = (*w + k * c).clamp(r.w_min, r.w_max);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pairing: Pairing) -> PairStdp {
        PairStdp {
            a_plus: 0.01,
            a_minus: 0.02,
            tau_plus: 0.0168,
            tau_minus: 0.0337,
            w_min: 0.0,
            w_max: 1.0,
            bounds: Bounds::Additive,
            pairing,
        }
    }

    #[test]
    fn restricted_pairing_uses_each_spike_once_each_way() {
        let (tp, tm) = (0.0168f64, 0.0337f64);
        // pre 0, post 10 ms, post 20 ms, pre 25 ms, pre 30 ms, post 40 ms.
        let mut s = rule(Pairing::Restricted).synapses(vec![0.5]);
        s.on_pre(0, 0.0);
        s.on_post(0.010); // + a+ e^{−10/τ+}
        s.on_post(0.020); // the pre spike is used: nothing
        s.on_pre(0, 0.025); // − a− e^{−5/τ−} (nearest post)
        s.on_pre(0, 0.030); // not the first pre since the post: nothing
        s.on_post(0.040); // + a+ e^{−10/τ+} (the latest pre)
        let want = 0.5 + 0.01 * (-0.010 / tp).exp() - 0.02 * (-0.005 / tm).exp()
            + 0.01 * (-0.010 / tp).exp();
        assert!((s.w[0] - want).abs() < 1e-15, "{} vs {want}", s.w[0]);
        // The symmetric nearest rule pairs every spike with its nearest.
        let mut s = rule(Pairing::Nearest).synapses(vec![0.5]);
        for (pre, t) in [
            (true, 0.0),
            (false, 0.010),
            (false, 0.020),
            (true, 0.025),
            (true, 0.030),
            (false, 0.040),
        ] {
            if pre { s.on_pre(0, t) } else { s.on_post(t) }
        }
        let want = 0.5 + 0.01 * (-0.010 / tp).exp() + 0.01 * (-0.020 / tp).exp()
            - 0.02 * (-0.005 / tm).exp()
            - 0.02 * (-0.010 / tm).exp()
            + 0.01 * (-0.010 / tp).exp();
        assert!((s.w[0] - want).abs() < 1e-15, "{} vs {want}", s.w[0]);
        assert_eq!(Pairing::parse("restricted"), Some(Pairing::Restricted));
        assert_eq!(Pairing::parse("nearest"), Some(Pairing::Nearest));
        assert_eq!(Pairing::parse("all_to_all"), Some(Pairing::AllToAll));
        assert_eq!(Pairing::parse("closest"), None);
    }
}
