//! STDP finds a repeated spike pattern hidden in Poisson noise (Masquelier,
//! Guyonneau & Thorpe 2008).
//!
//! **Input** (after their Methods and code). `afferents` spike trains in
//! continuous time. Each afferent fires as an inhomogeneous Poisson process
//! whose rate `r` wanders between 0 and `rate_max` on a grid of `rate_dt`:
//! per bin the afferent fires with probability `r · rate_dt`, at a uniform
//! time inside the bin, and at once if it has been silent for longer than
//! `max_silence`; then `r` moves by its rate of change `s` (clipped to
//! `[0, rate_max]`), and `s` by a uniform amount in `±speed_step` (clipped to
//! `±speed_max`; both start uniform in their ranges). A pattern of
//! `pattern_len` is cut from the same process for a random
//! `pattern_fraction` of the afferents. The input is divided into sections
//! of `pattern_len`; a share `pattern_prob` of them (never two in a row)
//! holds the pattern, in which the pattern afferents replay it, each spike
//! shifted by a Gaussian jitter of SD `jitter` (capped at 5 SD), instead of
//! their own activity. Every afferent also fires as a Poisson process of
//! `noise_rate` on top, pattern or not. So the pattern is invisible in
//! rates: it is only a repeated spatio-temporal coincidence.
//!
//! **Neuron.** Either [`Neuron::Srm`], their spike-response model, simulated
//! event by event with exact threshold crossings (see [`Srm`]), or
//! [`Neuron::Model`], a runtime model (the spec's component, built with
//! `bra_runtime::models::build`) stepped every `dt` as the engine steps it,
//! the input of each step summed onto its synaptic port.
//!
//! **Rule.** The incoming weights follow the STDP rule event by event: with
//! the SRM a pre-synaptic spike counts at its time, with a stepped model at
//! the end of its step (when it reaches the synapse), a post-synaptic spike
//! at its precise time.
//!
//! **Measures.** A pattern presentation is a *hit* when the neuron fires
//! inside its section; the *latency* of a spike there is its time after the
//! section's start; spikes in sections without the pattern are *false
//! alarms* (reported per second of pattern-free input). Each epoch runs
//! `epoch_duration` of input with learning on, then `test_duration` of fresh
//! input with the weights frozen, from a copy of the neuron's state;
//! accuracy is the fraction of sections classified right (a pattern section
//! with a spike, a distractor section without).

use super::stdp::{PairStdp, Plastic, TripletStdp};
use super::{sub_key, tags};
use crate::experiment::EpochMetrics;
use bra_compile::ir::Instance;
use bra_runtime::model::{NeuronModel, Port, StepIo};
use bra_runtime::rng::{Key, Stream};
use std::time::Instant;

/// The plasticity rule of the readout's synapses.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// Pair STDP.
    Pair(PairStdp),
    /// Triplet STDP.
    Triplet(TripletStdp),
}

impl Rule {
    fn synapses(&self, w: Vec<f64>) -> Box<dyn Plastic> {
        match self {
            Rule::Pair(r) => Box::new(r.synapses(w)),
            Rule::Triplet(r) => Box::new(r.synapses(w)),
        }
    }
}

/// The spike-response model of Masquelier et al. (2008), after Gerstner's
/// SRM: the potential above rest is
///
/// `u(t) = η(t − t̂) + Σ_{t_j > t̂} w_j ε(t − t_j)`,
///
/// `ε(s) = c (e^{−s/τm} − e^{−s/τs})`, `c = τs / (τm − τs)` (a weight `w` in
/// the unit of `theta` gives a PSP peaking at `0.1575 w` for their time
/// constants: the PSP of a current `w e^{−s/τs}` into a membrane of `τm`, as
/// an exponential synapse onto a LIF gives), and the after-potential
/// `η(s) = θ (K1 e^{−s/τm} − K2 (e^{−s/τm} − e^{−s/τs}))` of the last
/// spike `t̂`. Input spikes that arrived before `t̂` are ignored after it
/// (the synaptic current is cleared by a spike). The neuron fires when `u`
/// reaches `θ`, but not within `t_ref` of its last spike (η starts at
/// `K1 θ`). Between input spikes `u` and the synaptic current follow the
/// exact solution, and the first crossing of `θ` is found exactly (the
/// peak of `u` between two inputs is known in closed form; bisection to
/// 0.1 ns).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Srm {
    /// Membrane time constant τm, s.
    pub tau_m: f64,
    /// Synaptic time constant τs, s (≠ τm).
    pub tau_s: f64,
    /// Threshold θ above rest, in the weights' unit.
    pub theta: f64,
    /// Positive part of the after-potential (Masquelier et al.: 2).
    pub k1: f64,
    /// Negative part of the after-potential (Masquelier et al.: 4).
    pub k2: f64,
    /// Refractory time, s (> 0).
    pub t_ref: f64,
}

/// The pattern detector.
#[derive(Clone, Debug)]
pub enum Neuron {
    /// The paper's spike-response model, simulated event by event.
    Srm(Srm),
    /// A runtime model (a compiled instance, SI) stepped every `dt`, driven
    /// through `port`.
    Model {
        /// The model.
        instance: Instance,
        /// Its synaptic port.
        port: Port,
        /// Step, s.
        dt: f64,
    },
}

/// The experiment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Number of afferents.
    pub afferents: usize,
    /// Fraction of afferents in the pattern.
    pub pattern_fraction: f64,
    /// Pattern length (and section length), s.
    pub pattern_len: f64,
    /// Share of the sections that hold the pattern (never two in a row; ≤ 0.5).
    pub pattern_prob: f64,
    /// Largest rate of the background process, Hz.
    pub rate_max: f64,
    /// Largest rate of change of the rate, Hz/s.
    pub speed_max: f64,
    /// Largest change of the rate of change per bin, Hz/s.
    pub speed_step: f64,
    /// An afferent silent this long fires, s.
    pub max_silence: f64,
    /// Additive Poisson noise on every afferent, Hz.
    pub noise_rate: f64,
    /// SD of the Gaussian jitter of the pattern's spikes at each presentation, s.
    pub jitter: f64,
    /// Bin of the background rate process, s (a divisor of `pattern_len`).
    pub rate_dt: f64,
    /// Input per epoch with learning on, s.
    pub epoch_duration: f64,
    /// Input per epoch with learning off, s.
    pub test_duration: f64,
    /// Epochs.
    pub epochs: u64,
    /// Seed.
    pub seed: u64,
    /// The detector.
    pub neuron: Neuron,
    /// Initial weights (the unit of the neuron's input, e.g. volts).
    pub w0: Vec<f64>,
    /// Plasticity.
    pub rule: Rule,
}

/// What a run measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Final weights.
    pub w: Vec<f64>,
    /// 1 for the afferents in the pattern.
    pub pattern_mask: Vec<f64>,
    /// Per epoch.
    pub epochs: Vec<EpochMetrics>,
    /// Latency of the first spike in each presentation during learning, s (NaN: missed).
    pub latency: Vec<f64>,
    /// Mean latency of the spikes in each presentation during learning, s (NaN: missed).
    pub mean_latency: Vec<f64>,
    /// Time of every post-synaptic spike during learning, s from the start.
    pub post_times: Vec<f64>,
    /// Its latency in a presentation, s (NaN: a false alarm).
    pub post_latency: Vec<f64>,
    /// Hit rate per epoch (learning on).
    pub hit_rate: Vec<f64>,
    /// False alarms per second of pattern-free input, per epoch (learning on).
    pub false_alarm_hz: Vec<f64>,
    /// Hit rate per epoch, test input (learning off).
    pub test_hit_rate: Vec<f64>,
    /// False alarms per second, test input.
    pub test_false_alarm_hz: Vec<f64>,
    /// Mean latency of the first spike of the test's hits, per epoch, s (NaN: no hit).
    pub test_latency: Vec<f64>,
    /// Input with learning on, in all, s.
    pub learn_time: f64,
    /// Pattern-free input with learning on, in all, s.
    pub learn_free_time: f64,
}

/// What a run's learning curve comes to (see [`Outcome::summary`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Mean over the first `k` presentations with a spike of the mean latency of their spikes, s.
    pub latency_first: f64,
    /// The same over the last `k` presentations with a spike, s.
    pub latency_last: f64,
    /// Presentations with a spike that entered each mean.
    pub k: usize,
    /// Time of the last false alarm during learning, s from the start.
    pub last_false_alarm: Option<f64>,
    /// Post-synaptic spikes during learning up to and including that one.
    pub spikes_to_last_false_alarm: usize,
    /// Over the last third of the learning (the paper's last 150 s of 450):
    /// hit rate,
    pub final_hit_rate: f64,
    /// false alarms per second of pattern-free input,
    pub final_false_alarm_hz: f64,
    /// and mean latency of the first spike of the hits, s.
    pub final_latency: f64,
}

impl Outcome {
    /// Latency early and late in learning over `k` presentations with a
    /// spike, and when the false alarms stopped.
    pub fn summary(&self, k: usize) -> Summary {
        let hits: Vec<f64> = self
            .mean_latency
            .iter()
            .copied()
            .filter(|l| l.is_finite())
            .collect();
        let k = k.min(hits.len());
        let mean = |v: &[f64]| {
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        let last_fa = self.post_latency.iter().rposition(|l| l.is_nan());
        // The last third: presentations, and false alarms after 2/3 of the time
        // (pattern-free time counted as its share of the whole).
        let third = &self.latency[self.latency.len() - self.latency.len() / 3..];
        let final_hits: Vec<f64> = third.iter().copied().filter(|l| l.is_finite()).collect();
        let t_cut = self.learn_time * 2.0 / 3.0;
        let final_fa = self
            .post_times
            .iter()
            .zip(&self.post_latency)
            .filter(|(t, l)| **t >= t_cut && l.is_nan())
            .count();
        Summary {
            latency_first: mean(&hits[..k]),
            latency_last: mean(&hits[hits.len() - k..]),
            k,
            last_false_alarm: last_fa.map(|i| self.post_times[i]),
            spikes_to_last_false_alarm: last_fa.map_or(0, |i| i + 1),
            final_hit_rate: final_hits.len() as f64 / third.len().max(1) as f64,
            final_false_alarm_hz: if self.learn_free_time > 0.0 {
                final_fa as f64 / (self.learn_free_time / 3.0)
            } else {
                0.0
            },
            final_latency: mean(&final_hits),
        }
    }
}

/// An input spike: time, afferent.
type Event = (f64, u32);

/// The background process of every afferent, bin by bin.
struct Background {
    rate: Vec<f64>,
    speed: Vec<f64>,
    last: Vec<f64>,
    key_speed: Key,
    key_spike: Key,
    key_time: Key,
    t0: f64,
    bin: u64,
}

impl Background {
    fn new(cfg: &Config, tag: u64, stream: u64, t0: f64) -> Background {
        let k0 = sub_key(cfg.seed, Stream::Input, tag, stream, 0);
        let n = cfg.afferents as u64;
        Background {
            rate: (0..n).map(|i| k0.uniform(i, 0) * cfg.rate_max).collect(),
            speed: (0..n)
                .map(|i| (2.0 * k0.uniform(i, 1) - 1.0) * cfg.speed_max)
                .collect(),
            // As if each had fired within the last `max_silence`.
            last: (0..n)
                .map(|i| t0 - k0.uniform(i, 2) * cfg.max_silence)
                .collect(),
            key_speed: sub_key(cfg.seed, Stream::Input, tag, stream, 1),
            key_spike: sub_key(cfg.seed, Stream::Input, tag, stream, 2),
            key_time: sub_key(cfg.seed, Stream::Input, tag, stream, 3),
            t0,
            bin: 0,
        }
    }

    /// The next bin: its spikes into `out`.
    fn step(&mut self, cfg: &Config, out: &mut Vec<Event>) {
        let h = cfg.rate_dt;
        let n = self.bin;
        let t_end = self.t0 + (n + 1) as f64 * h;
        for i in 0..self.rate.len() {
            let ii = i as u64;
            if self.key_spike.uniform(ii, n) < self.rate[i] * h
                || t_end - self.last[i] > cfg.max_silence
            {
                let t = t_end - h * self.key_time.uniform(ii, n);
                self.last[i] = t;
                out.push((t, i as u32));
            }
            self.rate[i] = (self.rate[i] + self.speed[i] * h).clamp(0.0, cfg.rate_max);
            self.speed[i] = (self.speed[i]
                + (2.0 * self.key_speed.uniform(ii, n) - 1.0) * cfg.speed_step)
                .clamp(-cfg.speed_max, cfg.speed_max);
        }
        self.bin += 1;
    }
}

/// The pattern: its afferents and its spikes (offset in the pattern, afferent).
struct Pattern {
    mask: Vec<bool>,
    spikes: Vec<Event>,
}

fn make_pattern(cfg: &Config) -> Pattern {
    let n = cfg.afferents;
    let key = sub_key(cfg.seed, Stream::Input, tags::PATTERN, 0, 0);
    let mut idx: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        let j = ((key.uniform(k as u64, 0) * (k + 1) as f64) as usize).min(k);
        idx.swap(k, j);
    }
    let m = ((n as f64) * cfg.pattern_fraction).round() as usize;
    let mut mask = vec![false; n];
    for &i in &idx[..m.min(n)] {
        mask[i] = true;
    }
    // Cut the pattern from the same process after a burn-in of one second.
    let bins = (cfg.pattern_len / cfg.rate_dt).round() as u64;
    let burn = (1.0 / cfg.rate_dt).round() as u64;
    let t_burn = burn as f64 * cfg.rate_dt;
    let mut bg = Background::new(cfg, tags::PATTERN, 1, 0.0);
    let mut out = Vec::new();
    let mut spikes = Vec::new();
    for b in 0..burn + bins {
        out.clear();
        bg.step(cfg, &mut out);
        if b >= burn {
            spikes.extend(
                out.iter()
                    .filter(|e| mask[e.1 as usize])
                    .map(|&(t, i)| (t - t_burn, i)),
            );
        }
    }
    spikes.sort_by(|a, b| a.0.total_cmp(&b.0));
    Pattern { mask, spikes }
}

/// The input of one stretch, section by section.
struct Input<'a> {
    cfg: &'a Config,
    pattern: &'a Pattern,
    bg: Background,
    next_noise: Vec<f64>,
    noise_draws: Vec<u64>,
    key_noise: Key,
    key_sections: Key,
    key_jitter: Key,
    bins_per_section: u64,
    t0: f64,
    section: u64,
    prev_pattern: bool,
}

impl<'a> Input<'a> {
    fn new(cfg: &'a Config, pattern: &'a Pattern, tag: u64, stream: u64, t0: f64) -> Input<'a> {
        let key_noise = sub_key(cfg.seed, Stream::Input, tag, stream, 4);
        let mut input = Input {
            cfg,
            pattern,
            bg: Background::new(cfg, tag, stream, t0),
            next_noise: vec![t0; cfg.afferents],
            noise_draws: vec![0; cfg.afferents],
            key_noise,
            key_sections: sub_key(cfg.seed, Stream::Input, tag, stream, 5),
            key_jitter: sub_key(cfg.seed, Stream::Input, tag, stream, 6),
            bins_per_section: (cfg.pattern_len / cfg.rate_dt).round().max(1.0) as u64,
            t0,
            section: 0,
            prev_pattern: true, // no pattern in the first section
        };
        for i in 0..cfg.afferents {
            input.next_noise[i] += input.interval(i);
        }
        input
    }

    /// The next interval of afferent `i`'s noise.
    fn interval(&mut self, i: usize) -> f64 {
        if self.cfg.noise_rate <= 0.0 {
            return f64::INFINITY;
        }
        let k = self.noise_draws[i];
        self.noise_draws[i] += 1;
        -self.key_noise.uniform_open0(i as u64, k).ln() / self.cfg.noise_rate
    }

    /// The next section's spikes into `out` (unsorted); whether it holds the pattern.
    fn section(&mut self, out: &mut Vec<Event>) -> bool {
        let cfg = self.cfg;
        let q = self.section;
        self.section += 1;
        // A share p of the sections with none two in a row: after a
        // distractor, the pattern with probability p / (1 - p).
        let p = cfg.pattern_prob;
        let after_distractor = if p < 0.5 { p / (1.0 - p) } else { 1.0 };
        let pattern =
            !self.prev_pattern && self.key_sections.uniform(q, 0) < after_distractor && p > 0.0;
        self.prev_pattern = pattern;
        let start = self.t0 + (q * self.bins_per_section) as f64 * cfg.rate_dt;
        let end = self.t0 + ((q + 1) * self.bins_per_section) as f64 * cfg.rate_dt;
        let first = out.len();
        for _ in 0..self.bins_per_section {
            self.bg.step(cfg, out);
        }
        if pattern {
            let mask = &self.pattern.mask;
            let mut k = first;
            for j in first..out.len() {
                if !mask[out[j].1 as usize] {
                    out[k] = out[j];
                    k += 1;
                }
            }
            out.truncate(k);
            let sd = cfg.jitter;
            for (j, &(off, i)) in self.pattern.spikes.iter().enumerate() {
                let shift = if sd > 0.0 {
                    sd * self.key_jitter.normal(q, j as u64).clamp(-5.0, 5.0)
                } else {
                    0.0
                };
                out.push(((start + off + shift).max(self.t0), i));
            }
        }
        for i in 0..cfg.afferents {
            while self.next_noise[i] < end {
                out.push((self.next_noise[i], i as u32));
                let dt = self.interval(i);
                self.next_noise[i] += dt;
            }
        }
        pattern
    }
}

/// The weights during a stretch: learning, or frozen.
enum Syn<'a> {
    Plastic(&'a mut dyn Plastic),
    Frozen(&'a [f64]),
}

impl Syn<'_> {
    #[inline]
    fn w(&self, i: usize) -> f64 {
        match self {
            Syn::Plastic(p) => p.weights()[i],
            Syn::Frozen(w) => w[i],
        }
    }
    #[inline]
    fn pre(&mut self, i: usize, t: f64) {
        if let Syn::Plastic(p) = self {
            p.on_pre(i, t);
        }
    }
    #[inline]
    fn post(&mut self, t: f64) {
        if let Syn::Plastic(p) = self {
            p.on_post(t);
        }
    }
}

/// A detector driven by input spikes in time order.
trait Detector {
    /// Afferent `i` spikes at `t` (not before the previous input); post
    /// spikes before it go into `posts`.
    fn input(&mut self, t: f64, i: usize, syn: &mut Syn, posts: &mut Vec<f64>);
    /// Run on to `t` without input.
    fn finish(&mut self, t: f64, syn: &mut Syn, posts: &mut Vec<f64>);
    /// A copy of the state (for a test stretch).
    fn fork(&self) -> Result<Box<dyn Detector>, String>;
}

/// The SRM's state: potential above rest `u` and synaptic current `j` at `t`.
#[derive(Clone, Debug)]
struct SrmCell {
    p: Srm,
    /// `τs / (τm − τs)`.
    c: f64,
    u: f64,
    j: f64,
    t: f64,
    last_spike: f64,
}

impl SrmCell {
    fn new(p: Srm) -> Result<SrmCell, String> {
        if !(p.tau_m > 0.0 && p.tau_s > 0.0 && (p.tau_m - p.tau_s).abs() > 1e-9 * p.tau_m) {
            return Err(format!(
                "the SRM needs positive, distinct membrane and synaptic time constants (τm = {} s, τs = {} s)",
                p.tau_m, p.tau_s
            ));
        }
        if !(p.theta > 0.0 && p.t_ref > 0.0 && p.k1.is_finite() && p.k2.is_finite()) {
            return Err(format!(
                "the SRM needs a threshold above rest and a refractory time > 0 (θ = {}, t_ref = {} s)",
                p.theta, p.t_ref
            ));
        }
        Ok(SrmCell {
            p,
            c: p.tau_s / (p.tau_m - p.tau_s),
            u: 0.0,
            j: 0.0,
            t: 0.0,
            last_spike: f64::NEG_INFINITY,
        })
    }

    /// `(u, j)` a time `s ≥ 0` after `self.t`.
    #[inline]
    fn after(&self, s: f64) -> (f64, f64) {
        let em = (-s / self.p.tau_m).exp();
        let es = (-s / self.p.tau_s).exp();
        (self.u * em + self.c * self.j * (em - es), self.j * es)
    }

    fn go(&mut self, t: f64) {
        if t > self.t {
            (self.u, self.j) = self.after(t - self.t);
            self.t = t;
        }
    }

    /// The first time in `(self.t, t_end]` (or at the end of refractoriness)
    /// at which `u` reaches `θ`, if any.
    fn crossing(&self, t_end: f64) -> Option<f64> {
        let theta = self.p.theta;
        let a = self.t.max(self.last_spike + self.p.t_ref);
        if a > t_end {
            return None;
        }
        let (ua, ja) = self.after(a - self.t);
        if ua >= theta {
            return Some(a);
        }
        // The current decays towards 0, so u never exceeds max(u, j, 0).
        if ja < theta {
            return None;
        }
        // u(s) = α e^{−s/τm} + β e^{−s/τs} rises now (j > u); u' has at most
        // one zero, the peak.
        let (tm, ts) = (self.p.tau_m, self.p.tau_s);
        let alpha = ua + self.c * ja;
        let beta = -self.c * ja;
        let d = t_end - a;
        let r = -beta * tm / (alpha * ts);
        let k = 1.0 / ts - 1.0 / tm;
        let s_star = if r > 0.0 && r.is_finite() {
            r.ln() / k
        } else {
            f64::INFINITY
        };
        let s_peak = if s_star > 0.0 { s_star.min(d) } else { d };
        let u_at = |s: f64| alpha * (-s / tm).exp() + beta * (-s / ts).exp();
        if u_at(s_peak) < theta {
            return None;
        }
        let (mut lo, mut hi) = (0.0, s_peak);
        while hi - lo > 1e-10 {
            let mid = 0.5 * (lo + hi);
            if u_at(mid) >= theta {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(a + hi)
    }

    /// Run to `t`, firing on the way.
    fn advance(&mut self, t: f64, syn: &mut Syn, posts: &mut Vec<f64>) {
        while let Some(tc) = self.crossing(t) {
            self.go(tc);
            self.u = self.p.k1 * self.p.theta;
            // The current whose PSP is −K2 θ (e^{−s/τm} − e^{−s/τs}); the
            // EPSPs so far are dropped with it.
            self.j = -self.p.k2 * self.p.theta / self.c;
            self.last_spike = tc;
            syn.post(tc);
            posts.push(tc);
        }
        self.go(t);
    }
}

impl Detector for SrmCell {
    fn input(&mut self, t: f64, i: usize, syn: &mut Syn, posts: &mut Vec<f64>) {
        self.advance(t, syn, posts);
        self.j += syn.w(i);
        syn.pre(i, t);
    }

    fn finish(&mut self, t: f64, syn: &mut Syn, posts: &mut Vec<f64>) {
        self.advance(t, syn, posts);
    }

    fn fork(&self) -> Result<Box<dyn Detector>, String> {
        Ok(Box::new(self.clone()))
    }
}

/// A runtime model stepped every `dt`, as the engine steps a population of one.
struct ModelCell {
    instance: Instance,
    model: Box<dyn NeuronModel>,
    vars: Vec<f64>,
    port: [Port; 1],
    dt: f64,
    key: Key,
    /// The next step to run.
    step: u64,
    /// Input summed for it.
    acc: f64,
    /// Its pre-synaptic spikes.
    pre: Vec<usize>,
}

impl ModelCell {
    fn new(instance: &Instance, port: Port, dt: f64, seed: u64) -> Result<ModelCell, String> {
        if dt <= 0.0 {
            return Err("the detector's step must be > 0".into());
        }
        let ports = [port];
        let model = bra_runtime::models::build(instance, &ports)?;
        if !model.spiking() {
            return Err(format!(
                "`{}` does not spike; STDP needs a spiking readout",
                model.name()
            ));
        }
        let mut vars = vec![0.0; model.state_names().len()];
        model.init(0, Key::new(seed, Stream::Init, tags::PATTERN), &mut vars);
        Ok(ModelCell {
            instance: instance.clone(),
            model,
            vars,
            port: ports,
            dt,
            key: Key::new(seed, Stream::Dynamics, tags::PATTERN),
            step: 0,
            acc: 0.0,
            pre: Vec::new(),
        })
    }

    fn run_step(&mut self, syn: &mut Syn, posts: &mut Vec<f64>) {
        let n = self.step;
        let inp = [self.acc];
        let cols: [&[f64]; 1] = [&inp];
        let io = StepIo {
            t: n as f64 * self.dt,
            dt: self.dt,
            step: n,
            first: 0,
            ports: &self.port,
            port_input: &cols,
            i_ext: &[0.0],
            rng: self.key,
        };
        let mut refs: Vec<&mut [f64]> = self.vars.iter_mut().map(std::slice::from_mut).collect();
        let mut spikes = Vec::new();
        self.model.step(&io, &mut refs, &mut spikes);
        if let Some(s) = spikes.first() {
            let t = n as f64 * self.dt + s.offset;
            syn.post(t);
            posts.push(t);
        }
        // A spike emitted in step n reaches the synapse at its end.
        let t = (n + 1) as f64 * self.dt;
        for &i in &self.pre {
            syn.pre(i, t);
        }
        self.pre.clear();
        self.acc = 0.0;
        self.step += 1;
    }
}

impl Detector for ModelCell {
    fn input(&mut self, t: f64, i: usize, syn: &mut Syn, posts: &mut Vec<f64>) {
        let n = (t / self.dt).floor() as u64;
        while self.step < n {
            self.run_step(syn, posts);
        }
        self.acc += syn.w(i);
        self.pre.push(i);
    }

    fn finish(&mut self, t: f64, syn: &mut Syn, posts: &mut Vec<f64>) {
        let n = (t / self.dt).round() as u64;
        while self.step < n {
            self.run_step(syn, posts);
        }
    }

    fn fork(&self) -> Result<Box<dyn Detector>, String> {
        Ok(Box::new(ModelCell {
            instance: self.instance.clone(),
            model: bra_runtime::models::build(&self.instance, &self.port)?,
            vars: self.vars.clone(),
            port: self.port,
            dt: self.dt,
            key: self.key,
            step: self.step,
            acc: self.acc,
            pre: self.pre.clone(),
        }))
    }
}

/// Counts of one stretch of input.
#[derive(Default)]
struct Tally {
    presentations: usize,
    hits: usize,
    false_alarms: usize,
    free_time: f64,
    sections: usize,
    correct: usize,
    first_latency_sum: f64,
}

impl Tally {
    fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.presentations.max(1) as f64
    }
    fn fa_hz(&self) -> f64 {
        if self.free_time > 0.0 {
            self.false_alarms as f64 / self.free_time
        } else {
            0.0
        }
    }
    fn accuracy(&self) -> f64 {
        self.correct as f64 / self.sections.max(1) as f64
    }
    fn latency(&self) -> f64 {
        if self.hits > 0 {
            self.first_latency_sum / self.hits as f64
        } else {
            f64::NAN
        }
    }
}

/// Where a stretch's measures go (learning stretches only).
struct Record<'a> {
    latency: &'a mut Vec<f64>,
    mean_latency: &'a mut Vec<f64>,
    post_times: &'a mut Vec<f64>,
    post_latency: &'a mut Vec<f64>,
}

/// Run `duration` of input from time `t0` through the detector.
#[allow(clippy::too_many_arguments)]
fn run_stretch(
    cfg: &Config,
    pattern: &Pattern,
    det: &mut dyn Detector,
    mut syn: Syn,
    tag: u64,
    stream: u64,
    t0: f64,
    sections: u64,
    record: Option<Record>,
) -> Tally {
    let len = cfg.pattern_len;
    let mut input = Input::new(cfg, pattern, tag, stream, t0);
    // Jittered pattern spikes reach at most this far before their section.
    let margin = 5.0 * cfg.jitter.max(0.0) + 1e-9;
    let mut pending: Vec<Event> = Vec::new();
    let mut kinds = Vec::with_capacity(sections as usize);
    let mut posts = Vec::new();
    for q in 0..sections {
        kinds.push(input.section(&mut pending));
        pending.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let horizon = if q + 1 < sections {
            t0 + (q + 1) as f64 * len - margin
        } else {
            f64::INFINITY
        };
        let cut = pending.partition_point(|e| e.0 < horizon);
        for &(t, i) in &pending[..cut] {
            det.input(t, i as usize, &mut syn, &mut posts);
        }
        pending.drain(..cut);
    }
    let t_end = t0 + sections as f64 * len;
    det.finish(t_end, &mut syn, &mut posts);
    // Spikes per section, first and mean latency.
    let mut count = vec![0usize; kinds.len()];
    let mut first = vec![f64::NAN; kinds.len()];
    let mut sum = vec![0.0; kinds.len()];
    let mut rec = record;
    let last = kinds.len().saturating_sub(1);
    for &t in posts.iter().filter(|_| !kinds.is_empty()) {
        let q = (((t - t0) / len).floor().max(0.0) as usize).min(last);
        let lat = t - t0 - q as f64 * len;
        count[q] += 1;
        sum[q] += lat;
        if first[q].is_nan() {
            first[q] = lat;
        }
        if let Some(r) = rec.as_mut() {
            r.post_times.push(t);
            r.post_latency.push(if kinds[q] { lat } else { f64::NAN });
        }
    }
    let mut tally = Tally::default();
    for (q, &is_pattern) in kinds.iter().enumerate() {
        tally.sections += 1;
        if is_pattern {
            tally.presentations += 1;
            if count[q] > 0 {
                tally.hits += 1;
                tally.correct += 1;
                tally.first_latency_sum += first[q];
            }
            if let Some(r) = rec.as_mut() {
                r.latency.push(first[q]);
                r.mean_latency.push(if count[q] > 0 {
                    sum[q] / count[q] as f64
                } else {
                    f64::NAN
                });
            }
        } else {
            tally.free_time += len;
            tally.false_alarms += count[q];
            if count[q] == 0 {
                tally.correct += 1;
            }
        }
    }
    tally
}

fn check(cfg: &Config) -> Result<(), String> {
    if cfg.afferents == 0 || cfg.afferents > u32::MAX as usize || cfg.w0.len() != cfg.afferents {
        return Err(format!(
            "{} initial weights for {} afferents",
            cfg.w0.len(),
            cfg.afferents
        ));
    }
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !(cfg.rate_dt > 0.0 && cfg.pattern_len >= cfg.rate_dt) {
        return Err("the pattern must last at least one bin of the rate process (`dt`)".into());
    }
    let bins = cfg.pattern_len / cfg.rate_dt;
    if (bins - bins.round()).abs() > 1e-6 * bins {
        return Err(format!(
            "the pattern ({} s) must last a whole number of bins of the rate process ({} s)",
            cfg.pattern_len, cfg.rate_dt
        ));
    }
    if !(0.0..=0.5).contains(&cfg.pattern_prob) {
        return Err(format!(
            "`pattern_prob` = {}: the share of sections with the pattern must lie in [0, 0.5] (never two in a row)",
            cfg.pattern_prob
        ));
    }
    if !(0.0..=1.0).contains(&cfg.pattern_fraction) {
        return Err("`pattern_fraction` must lie in [0, 1]".into());
    }
    for (name, v) in [
        ("rate_max", cfg.rate_max),
        ("speed_max", cfg.speed_max),
        ("speed_step", cfg.speed_step),
        ("max_silence", cfg.max_silence),
        ("noise_rate", cfg.noise_rate),
        ("jitter", cfg.jitter),
        ("epoch_duration", cfg.epoch_duration),
        ("test_duration", cfg.test_duration),
    ] {
        if !ok(v) {
            return Err(format!("`{name}` must be a finite number ≥ 0 (is {v})"));
        }
    }
    Ok(())
}

/// Run the experiment, reporting each epoch.
pub fn run(cfg: &Config, progress: &mut dyn FnMut(&EpochMetrics)) -> Result<Outcome, String> {
    check(cfg)?;
    let pattern = make_pattern(cfg);
    let mut det: Box<dyn Detector> = match &cfg.neuron {
        Neuron::Srm(p) => Box::new(SrmCell::new(*p)?),
        Neuron::Model { instance, port, dt } => {
            Box::new(ModelCell::new(instance, *port, *dt, cfg.seed)?)
        }
    };
    let mut syn = cfg.rule.synapses(cfg.w0.clone());
    let mut out = Outcome {
        pattern_mask: pattern
            .mask
            .iter()
            .map(|&m| f64::from(u8::from(m)))
            .collect(),
        ..Outcome::default()
    };
    let per_learn = (cfg.epoch_duration / cfg.pattern_len).round() as u64;
    let per_test = (cfg.test_duration / cfg.pattern_len).round() as u64;
    let mut t0 = 0.0;
    for epoch in 1..=cfg.epochs {
        let t_start = Instant::now();
        let learn = run_stretch(
            cfg,
            &pattern,
            det.as_mut(),
            Syn::Plastic(syn.as_mut()),
            tags::LEARN,
            epoch,
            t0,
            per_learn,
            Some(Record {
                latency: &mut out.latency,
                mean_latency: &mut out.mean_latency,
                post_times: &mut out.post_times,
                post_latency: &mut out.post_latency,
            }),
        );
        t0 += per_learn as f64 * cfg.pattern_len;
        // Test on fresh input with the weights frozen, from a copy of the state.
        let w = syn.weights().to_vec();
        let mut probe = det.fork()?;
        let test = run_stretch(
            cfg,
            &pattern,
            probe.as_mut(),
            Syn::Frozen(&w),
            tags::EVAL_TEST,
            epoch,
            t0,
            per_test,
            None,
        );
        out.learn_time = t0;
        out.learn_free_time += learn.free_time;
        out.hit_rate.push(learn.hit_rate());
        out.false_alarm_hz.push(learn.fa_hz());
        out.test_hit_rate.push(test.hit_rate());
        out.test_false_alarm_hz.push(test.fa_hz());
        out.test_latency.push(test.latency());
        let m = EpochMetrics {
            epoch,
            train_accuracy: learn.accuracy(),
            test_accuracy: test.accuracy(),
            loss: None,
            wall_s: t_start.elapsed().as_secs_f64(),
        };
        progress(&m);
        out.epochs.push(m);
    }
    out.w = syn.weights().to_vec();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srm() -> Srm {
        Srm {
            tau_m: 0.01,
            tau_s: 0.0025,
            theta: 1.0,
            k1: 2.0,
            k2: 4.0,
            t_ref: 0.001,
        }
    }

    /// Drive a cell with inputs `(t, w)` (weights frozen) up to `t_end`.
    fn drive(cell: &mut SrmCell, inputs: &[(f64, f64)], t_end: f64) -> Vec<f64> {
        let w: Vec<f64> = inputs.iter().map(|x| x.1).collect();
        let mut syn = Syn::Frozen(&w);
        let mut posts = Vec::new();
        for (i, &(t, _)) in inputs.iter().enumerate() {
            cell.input(t, i, &mut syn, &mut posts);
        }
        cell.finish(t_end, &mut syn, &mut posts);
        posts
    }

    #[test]
    fn the_psp_peaks_at_its_weight_times_0_1575() {
        // Peak of τs/(τm−τs) (e^{−s/τm} − e^{−s/τs}) at s = ln(τm/τs) τm τs/(τm−τs).
        let s = 4f64.ln() * 0.01 * 0.0025 / 0.0075;
        let mut cell = SrmCell::new(srm()).expect("valid");
        drive(&mut cell, &[(0.0, 1.0)], s);
        assert!((cell.u - 0.157_490_131).abs() < 1e-6, "{}", cell.u);
        // One weight just above and just below θ / 0.1575: a spike or none.
        let w = 1.0 / cell.u;
        let mut c = SrmCell::new(srm()).expect("valid");
        assert_eq!(drive(&mut c, &[(0.1, 0.999 * w)], 0.2), Vec::<f64>::new());
        let mut c = SrmCell::new(srm()).expect("valid");
        let posts = drive(&mut c, &[(0.1, 1.001 * w)], 0.2);
        assert_eq!(posts.len(), 1);
        // It crosses shortly before the peak, where the PSP equals θ.
        let t = posts[0] - 0.1;
        let psp = 1.001 * w / 3.0 * ((-t / 0.01).exp() - (-t / 0.0025).exp());
        assert!(
            t < s && t > 0.5 * s && (psp - 1.0).abs() < 1e-6,
            "{t} {psp}"
        );
    }

    #[test]
    fn a_spike_drops_earlier_epsps_and_starts_the_after_potential() {
        let p = srm();
        let mut cell = SrmCell::new(p).expect("valid");
        // A strong input fires the cell; a second, weaker one arrives before.
        let posts = drive(&mut cell, &[(0.0, 0.5), (0.001, 20.0)], 0.001);
        assert_eq!(posts, Vec::<f64>::new());
        let posts = drive(&mut cell, &[], 0.02);
        assert_eq!(posts.len(), 1, "{posts:?}");
        // Once more, stopping at the spike.
        let mut cell = SrmCell::new(p).expect("valid");
        drive(&mut cell, &[(0.0, 0.5), (0.001, 20.0)], posts[0]);
        let t0 = cell.last_spike;
        assert!((t0 - posts[0]).abs() < 1e-9);
        // After it the potential is η alone: no trace of the two inputs.
        for s in [0.0005, 0.002, 0.01, 0.03] {
            let mut c = cell.clone();
            c.go(t0 + s);
            let eta = p.theta
                * (p.k1 * (-s / p.tau_m).exp()
                    - p.k2 * ((-s / p.tau_m).exp() - (-s / p.tau_s).exp()));
            assert!((c.u - eta).abs() < 1e-9, "s = {s}: {} vs {eta}", c.u);
        }
        // η starts at 2θ, but the cell is refractory for t_ref: an input in
        // that time cannot fire it before t_ref has passed.
        let mut c = cell.clone();
        let posts = drive(&mut c, &[(t0 + 0.0002, 100.0)], t0 + 0.005);
        assert!(
            posts.first().is_some_and(|&t| t >= t0 + p.t_ref),
            "{posts:?}"
        );
    }

    #[test]
    fn the_srm_refuses_degenerate_parameters() {
        let p = srm();
        assert!(SrmCell::new(Srm { tau_s: 0.01, ..p }).is_err());
        assert!(SrmCell::new(Srm { t_ref: 0.0, ..p }).is_err());
        assert!(SrmCell::new(Srm { theta: -1.0, ..p }).is_err());
    }
}
