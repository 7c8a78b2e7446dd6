//! Classification by reward-modulated STDP: a layer of spiking output
//! neurons, one group per class, learns from a scalar reward after each
//! sample (Izhikevich 2007; Florian 2007; Frémaux & Gerstner 2016), as in
//! the readouts of Mozafari et al. (2018), with the reward-prediction error
//! that Frémaux, Sprekeler & Gerstner (2010) showed R-STDP needs.
//!
//! **A trial.** A sample (values in [0, 1]) is encoded as spike trains
//! ([`Encoder`]); each afferent spike reaches the synapses `delay_steps`
//! steps later and is summed onto the synaptic port of every output neuron
//! with its weight, as the engine delivers it. The output neurons are the
//! spec's component, built with `bra_runtime::models::build` and stepped
//! every `dt` from a fresh state (the inter-trial rest) for the trial's
//! steps plus the delay.
//!
//! **The decision.** The class of the group with the most output spikes;
//! among groups tied on spikes, the one whose first spike came first; no
//! decision (wrong) when every neuron is silent or the tie stays.
//!
//! **Eligibility.** During the presentation the rule of the catalog's
//! `reward_stdp` runs with the weights fixed: pre- and post-synaptic traces
//! (all-to-all, decaying with `tau_plus` and `tau_minus`, event-driven and
//! exact) turn each pre-before-post pair into `+a_plus e^{-Δt/tau_plus}`
//! and each post-before-pre pair into `-a_minus e^{-Δt/tau_minus}` of the
//! synapse's eligibility `c`, which decays with `tau_e`. A pre-synaptic
//! spike counts when it reaches the synapse; on equal times it comes before
//! a post-synaptic spike (the runtime's convention).
//!
//! **Reward.** At `reward_delay` after the presentation a reward `R = +1`
//! (right decision) or `-1` (wrong) arrives; the dopamine trace jumps by
//! `d_jump · reward_gain · (R - b)`, with `b` a running mean of the reward
//! (per class — the critic of Frémaux et al. 2010 —, over all samples, or 0),
//! updated after use by `b ← b + baseline_rate (R - b)`. Trials are taken to
//! be separated by a rest long against `tau_e` and `tau_d` in which nothing
//! spikes, so `dw/dt = lr w_ref c d` integrates in closed form: with `c0`,
//! `d0` the traces at the reward,
//!
//! ```text
//! Δw = lr w_ref c0 d0 tau_e tau_d / (tau_e + tau_d),
//! ```
//!
//! then `w` is clipped to `[w_min, w_max]` (the change has one sign over the
//! rest, so clipping at its end is clipping all along). This is what
//! [`super::stdp::RewardSynapses`] computes step by step (tested).
//!
//! **Measures.** After every epoch the decisions on the training and the
//! test set are scored with learning off (encodings keyed by the sample,
//! the same in every epoch); the loss is the fraction of wrong decisions
//! while learning.

use super::classify::shuffled;
use super::encode::{Encoder, Trial};
use super::stdp::RewardStdp;
use super::{sub_key, tags};
use crate::data::Dataset;
use crate::experiment::EpochMetrics;
use bra_compile::ir::Instance;
use bra_runtime::model::{NeuronModel, Port, StepIo};
use bra_runtime::rng::{Key, Stream};
use rayon::prelude::*;
use std::time::Instant;

/// What the dopamine signal subtracts from the reward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// Nothing: the raw reward `R` (plain R-STDP).
    None,
    /// A running mean of the reward over all samples.
    Global,
    /// A running mean per class (the stimulus-specific critic).
    Class,
}

impl Baseline {
    /// The baseline named `name` (`none`, `global`, `class`).
    pub fn parse(name: &str) -> Option<Baseline> {
        match name {
            "none" => Some(Baseline::None),
            "global" => Some(Baseline::Global),
            "class" => Some(Baseline::Class),
            _ => None,
        }
    }
}

/// A reward-STDP classification experiment.
#[derive(Clone, Debug)]
pub struct Config {
    /// The output neurons' model (compiled, SI).
    pub model: Instance,
    /// Their synaptic port.
    pub port: Port,
    /// Step, s.
    pub dt: f64,
    /// Steps from an afferent spike to its arrival at the synapses.
    pub delay_steps: usize,
    /// Afferents.
    pub n_in: usize,
    /// Output neurons: `classes · group` of them, class `k` being neurons
    /// `k·group .. (k+1)·group`.
    pub n_out: usize,
    /// Classes.
    pub classes: usize,
    /// Initial weights `[n_out, n_in]`, in the port's unit.
    pub w0: Vec<f64>,
    /// Fixed inhibition of the outputs through a population of
    /// interneurons (a soft winner-take-all), if any.
    pub inhibition: Option<Inhibition>,
    /// The rule.
    pub rule: RewardStdp,
    /// Encoder of the samples.
    pub encoder: Encoder,
    /// Reward baseline.
    pub baseline: Baseline,
    /// Step of the running mean of the reward.
    pub baseline_rate: f64,
    /// Factor on the reward (1; −1 rewards errors, 0 switches reward off).
    pub reward_gain: f64,
    /// Time from the end of the presentation to the reward, s.
    pub reward_delay: f64,
    /// Epochs.
    pub epochs: u64,
    /// Seed of every draw.
    pub seed: u64,
}

/// Fixed feedback inhibition: the outputs excite a population of
/// interneurons, which inhibit the outputs (Dale's law kept: two flows of
/// one sign each).
#[derive(Clone, Debug, PartialEq)]
pub struct Inhibition {
    /// The interneurons' model (compiled, SI).
    pub model: Instance,
    /// Interneurons.
    pub n: usize,
    /// Weights outputs → interneurons `[n_out, n]`, in their port's unit.
    pub w_up: Vec<f64>,
    /// The interneurons' port.
    pub port_up: Port,
    /// Delay outputs → interneurons, steps (≥ 1).
    pub delay_up: usize,
    /// Weights interneurons → outputs `[n, n_out]` (negative), in the unit
    /// of the outputs' second port.
    pub w_down: Vec<f64>,
    /// The outputs' port for them.
    pub port_down: Port,
    /// Delay interneurons → outputs, steps (≥ 1).
    pub delay_down: usize,
}

/// The built models of a configuration.
pub struct Models {
    /// The outputs.
    pub out: Box<dyn NeuronModel>,
    /// The interneurons.
    pub inh: Option<Box<dyn NeuronModel>>,
}

/// Spikes on their way: per step of the delay, the summed weights that
/// arrive at each target.
struct Line {
    slots: usize,
    n: usize,
    ring: Vec<f64>,
}

impl Line {
    fn new(delay: usize, n: usize) -> Line {
        Line {
            slots: delay + 1,
            n,
            ring: vec![0.0; (delay + 1) * n],
        }
    }
    /// What arrives in step `step`.
    fn at(&self, step: usize) -> &[f64] {
        let k = (step % self.slots) * self.n;
        &self.ring[k..k + self.n]
    }
    /// Forget step `step` (after it ran).
    fn clear(&mut self, step: usize) {
        let k = (step % self.slots) * self.n;
        self.ring[k..k + self.n].fill(0.0);
    }
    /// A row of weights sent in `step`, arriving `delay` steps later.
    fn send(&mut self, step: usize, delay: usize, row: &[f64]) {
        let k = ((step + delay) % self.slots) * self.n;
        for (r, w) in self.ring[k..k + self.n].iter_mut().zip(row) {
            *r += w;
        }
    }
}

/// A population's state, one column per variable.
fn initial_state(model: &dyn NeuronModel, n: usize, init: Key) -> Vec<Vec<f64>> {
    let nv = model.state_names().len();
    let mut vars = vec![vec![0.0; n]; nv];
    let mut buf = vec![0.0; nv];
    for j in 0..n {
        model.init(j, init, &mut buf);
        for (v, x) in vars.iter_mut().zip(&buf) {
            v[j] = *x;
        }
    }
    vars
}

/// One step of a population; its spikes in time order.
#[allow(clippy::too_many_arguments)]
fn step_population(
    model: &dyn NeuronModel,
    vars: &mut [Vec<f64>],
    ports: &[Port],
    input: &[&[f64]],
    zero: &[f64],
    n: usize,
    dt: f64,
    key: Key,
    spikes: &mut Vec<bra_runtime::model::Spike>,
) {
    let io = StepIo {
        t: n as f64 * dt,
        dt,
        step: n as u64,
        first: 0,
        ports,
        port_input: input,
        i_ext: zero,
        rng: key,
    };
    let mut refs: Vec<&mut [f64]> = vars.iter_mut().map(|v| v.as_mut_slice()).collect();
    spikes.clear();
    model.step(&io, &mut refs, spikes);
    spikes.sort_by(|a, b| a.offset.total_cmp(&b.offset).then(a.neuron.cmp(&b.neuron)));
}

/// What a training run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Per-epoch metrics.
    pub epochs: Vec<EpochMetrics>,
    /// Final weights `[n_out, n_in]`.
    pub w: Vec<f64>,
    /// Final reward baseline (one per class; all equal unless per class).
    pub baseline: Vec<f64>,
    /// Confusion of the last test evaluation, `[label, decision]`; a
    /// missing decision counts in column `classes`.
    pub confusion: Vec<f64>,
    /// Mean number of output spikes per test trial in the last epoch.
    pub test_spikes: f64,
}

/// What the outputs did in one trial.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// Spikes per output neuron.
    pub counts: Vec<u32>,
    /// Time of each output spike, `(t, neuron)`, in time order.
    pub spikes: Vec<(f64, u32)>,
}

impl Config {
    /// Neurons per class.
    pub fn group(&self) -> usize {
        self.n_out / self.classes.max(1)
    }

    /// Checks that the sizes fit and the model spikes.
    pub fn check(&self) -> Result<Models, String> {
        if self.classes == 0 || self.n_out == 0 || !self.n_out.is_multiple_of(self.classes) {
            return Err(format!(
                "{} output neurons cannot form one equal group per class ({} classes)",
                self.n_out, self.classes
            ));
        }
        if self.w0.len() != self.n_out * self.n_in {
            return Err("the initial weights do not match the layer".into());
        }
        if !(self.dt > 0.0 && self.dt.is_finite()) {
            return Err("the time step must be positive".into());
        }
        if !(0.0..=1.0).contains(&self.baseline_rate) {
            return Err(format!(
                "baseline_rate = {}: a running mean's step lies in [0, 1]",
                self.baseline_rate
            ));
        }
        if !(self.reward_delay >= 0.0 && self.reward_delay.is_finite()) {
            return Err("reward_delay must be a time ≥ 0".into());
        }
        if !self.reward_gain.is_finite() {
            return Err("reward_gain must be a finite number".into());
        }
        let out = bra_runtime::models::build(&self.model, &self.ports())?;
        if !out.spiking() {
            return Err(format!(
                "`{}` does not spike; reward-modulated STDP needs spiking outputs",
                out.name()
            ));
        }
        let inh = match &self.inhibition {
            None => None,
            Some(h) => {
                if h.w_up.len() != self.n_out * h.n
                    || h.w_down.len() != h.n * self.n_out
                    || h.delay_up == 0
                    || h.delay_down == 0
                {
                    return Err("the inhibitory loop does not match the layer".into());
                }
                let m = bra_runtime::models::build(&h.model, &[h.port_up])?;
                if !m.spiking() {
                    return Err(format!("the interneurons' `{}` does not spike", m.name()));
                }
                Some(m)
            }
        };
        Ok(Models { out, inh })
    }

    /// The outputs' ports: the afferents', then the interneurons'.
    pub fn ports(&self) -> Vec<Port> {
        let mut p = vec![self.port];
        if let Some(h) = &self.inhibition {
            p.push(h.port_down);
        }
        p
    }

    /// Steps of one trial (the presentation plus the delay to the synapses).
    pub fn trial_steps(&self) -> usize {
        self.encoder.steps(self.dt) + self.delay_steps
    }

    /// Run the outputs (and interneurons) on an encoded trial with the
    /// weights `w`, from the models' initial state (drawn with `init`);
    /// `key` draws the models' own randomness.
    pub fn respond(
        &self,
        models: &Models,
        w: &[f64],
        trial: &Trial,
        init: Key,
        key: Key,
    ) -> Response {
        let (n_in, n_out, dt) = (self.n_in, self.n_out, self.dt);
        let model = models.out.as_ref();
        let mut vars = initial_state(model, n_out, init);
        let off = trial.offsets();
        let mut input = vec![0.0; n_out];
        let zero_out = vec![0.0; n_out];
        let ports = self.ports();
        let mut out = Response {
            counts: vec![0; n_out],
            spikes: Vec::new(),
        };
        let mut spikes = Vec::new();
        // The inhibitory loop: state, and the spikes on their way.
        let mut loop_ = match (&self.inhibition, &models.inh) {
            (Some(h), Some(m)) => Some((
                h,
                m.as_ref(),
                initial_state(
                    m.as_ref(),
                    h.n,
                    Key::new(init.u64(0x1ab, 0), Stream::Init, 1),
                ),
                Line::new(h.delay_up, h.n),
                Line::new(h.delay_down, n_out),
                vec![0.0; h.n],
                Vec::new(),
            )),
            _ => None,
        };
        for n in 0..self.trial_steps() {
            // Afferent spikes of step `n - delay` reach the synapses now
            // and act after this step's integration.
            input.fill(0.0);
            if let Some(s) = n.checked_sub(self.delay_steps).filter(|s| *s < trial.steps) {
                for &(_, i) in &trial.events[off[s]..off[s + 1]] {
                    let i = i as usize;
                    if i < n_in {
                        for (j, x) in input.iter_mut().enumerate() {
                            *x += w[j * n_in + i];
                        }
                    }
                }
            }
            // The readout: its input, and the feedback inhibition when there is a loop.
            let feedback = loop_.as_ref().map(|l| l.4.at(n));
            let cols: [&[f64]; 2] = [&input, feedback.unwrap_or(&[])];
            let ports_used = if feedback.is_some() { 2 } else { 1 };
            step_population(
                model,
                &mut vars,
                &ports,
                &cols[..ports_used],
                &zero_out,
                n,
                dt,
                key,
                &mut spikes,
            );
            if let Some((h, m, hv, up, down, zero_inh, inh_spikes)) = loop_.as_mut() {
                down.clear(n);
                let inh_cols: [&[f64]; 1] = [up.at(n)];
                let inh_key = Key::new(key.u64(0x1ab, 0), Stream::Dynamics, 1);
                step_population(
                    *m,
                    hv,
                    std::slice::from_ref(&h.port_up),
                    &inh_cols,
                    zero_inh,
                    n,
                    dt,
                    inh_key,
                    inh_spikes,
                );
                up.clear(n);
                for s in &spikes {
                    let j = s.neuron as usize;
                    if j < n_out {
                        up.send(n, h.delay_up, &h.w_up[j * h.n..(j + 1) * h.n]);
                    }
                }
                for s in inh_spikes.iter() {
                    let k = s.neuron as usize;
                    if k < h.n {
                        down.send(n, h.delay_down, &h.w_down[k * n_out..(k + 1) * n_out]);
                    }
                }
            }
            for s in &spikes {
                let j = s.neuron as usize;
                if j < n_out {
                    out.counts[j] += 1;
                    out.spikes.push((n as f64 * dt + s.offset, s.neuron));
                }
            }
        }
        out
    }

    /// The decided class: the group with the most spikes, ties broken by
    /// the earliest first spike; `None` when silent or still tied.
    pub fn decide(&self, r: &Response) -> Option<usize> {
        let g = self.group();
        let mut first = vec![f64::INFINITY; self.classes];
        for &(t, j) in &r.spikes {
            let k = j as usize / g;
            if k < self.classes && t < first[k] {
                first[k] = t;
            }
        }
        let count = |k: usize| -> u32 { r.counts[k * g..(k + 1) * g].iter().sum() };
        let mut best: Option<(u32, f64, usize)> = None;
        let mut tied = false;
        for (k, &f) in first.iter().enumerate() {
            let c = count(k);
            if c == 0 {
                continue;
            }
            match best {
                None => best = Some((c, f, k)),
                Some((bc, bf, _)) => {
                    if c > bc || (c == bc && f < bf) {
                        best = Some((c, f, k));
                        tied = false;
                    } else if c == bc && f == bf {
                        tied = true;
                    }
                }
            }
        }
        match best {
            Some((_, _, k)) if !tied => Some(k),
            _ => None,
        }
    }

    /// The eligibility `c` `[n_out, n_in]` of every synapse at the reward,
    /// `reward_delay` after the end of the trial, from the trial's
    /// afferent spikes and the outputs' response.
    pub fn eligibility(&self, trial: &Trial, r: &Response) -> Vec<f64> {
        let (n_in, n_out, dt) = (self.n_in, self.n_out, self.dt);
        let rule = &self.rule;
        let t_reward = self.trial_steps() as f64 * dt + self.reward_delay;
        let at = |t: f64| (-(t_reward - t) / rule.tau_e).exp();
        let mut c = vec![0.0; n_out * n_in];
        // All-to-all traces with their last update time (exact decay).
        let mut x = vec![(0.0f64, 0.0f64); n_in];
        let mut y = vec![(0.0f64, 0.0f64); n_out];
        let read = |v: (f64, f64), t: f64, tau: f64| {
            if v.0 == 0.0 {
                0.0
            } else {
                v.0 * (-(t - v.1) / tau).exp()
            }
        };
        let off = trial.offsets();
        let mut k = 0;
        for n in 0..self.trial_steps() {
            let t = n as f64 * dt;
            // Arrivals at the start of step n come first…
            if let Some(s) = n.checked_sub(self.delay_steps).filter(|s| *s < trial.steps) {
                let e = at(t);
                for &(_, i) in &trial.events[off[s]..off[s + 1]] {
                    let i = i as usize;
                    if i >= n_in {
                        continue;
                    }
                    for j in 0..n_out {
                        let yj = read(y[j], t, rule.tau_minus);
                        if yj > 0.0 {
                            c[j * n_in + i] -= rule.a_minus * yj * e;
                        }
                    }
                    x[i] = (read(x[i], t, rule.tau_plus) + 1.0, t);
                }
            }
            // …then the outputs' spikes inside the step.
            let t_end = t + dt;
            while k < r.spikes.len() && r.spikes[k].0 < t_end {
                let (ts, j) = r.spikes[k];
                let j = j as usize;
                let e = at(ts);
                for (ci, xi) in c[j * n_in..(j + 1) * n_in].iter_mut().zip(&x) {
                    let v = read(*xi, ts, rule.tau_plus);
                    if v > 0.0 {
                        *ci += rule.a_plus * v * e;
                    }
                }
                y[j] = (read(y[j], ts, rule.tau_minus) + 1.0, ts);
                k += 1;
            }
        }
        c
    }

    /// The weight change per unit of eligibility and of dopamine at the
    /// reward, integrated over the rest that follows: `lr w_ref tau_e
    /// tau_d / (tau_e + tau_d)`.
    pub fn gain_per_dopamine(&self, w_ref: f64) -> f64 {
        let r = &self.rule;
        r.lr * w_ref * r.tau_e * r.tau_d / (r.tau_e + r.tau_d)
    }
}

/// The keys of one trial: encoding, initial state, dynamics.
fn keys(seed: u64, tag: u64, a: u64, b: u64) -> (Key, Key, Key) {
    (
        sub_key(seed, Stream::Input, tag, a, b),
        sub_key(seed, Stream::Init, tag, a, b),
        sub_key(seed, Stream::Dynamics, tag, a, b),
    )
}

/// Decisions on every sample of `data` with learning off (draws keyed by
/// `tag` and the sample, the same in every epoch), and the output spikes.
fn evaluate(
    cfg: &Config,
    models: &Models,
    w: &[f64],
    data: &Dataset,
    tag: u64,
) -> (Vec<Option<usize>>, u64) {
    let out: Vec<(Option<usize>, u64)> = (0..data.len())
        .into_par_iter()
        .map(|k| {
            let (ki, kn, kd) = keys(cfg.seed, tag, k as u64, 0);
            let trial = cfg.encoder.encode(data.row(k), cfg.dt, ki);
            let r = cfg.respond(models, w, &trial, kn, kd);
            (
                cfg.decide(&r),
                r.counts.iter().map(|&c| c as u64).sum::<u64>(),
            )
        })
        .collect();
    let spikes = out.iter().map(|o| o.1).sum();
    (out.into_iter().map(|o| o.0).collect(), spikes)
}

fn accuracy(decisions: &[Option<usize>], y: &[usize]) -> f64 {
    if y.is_empty() {
        return 0.0;
    }
    let ok = decisions
        .iter()
        .zip(y)
        .filter(|(d, c)| **d == Some(**c))
        .count();
    ok as f64 / y.len() as f64
}

/// Train by reward-modulated STDP for `cfg.epochs` epochs, samples in an
/// order shuffled by the seed and the epoch, reporting each epoch.
pub fn train(
    cfg: &Config,
    train: &Dataset,
    test: &Dataset,
    progress: &mut dyn FnMut(&EpochMetrics),
) -> Result<Outcome, String> {
    let models = cfg.check()?;
    if train.dim() != cfg.n_in || test.dim() != cfg.n_in {
        return Err(format!(
            "the data have {} features for {} afferents",
            train.dim(),
            cfg.n_in
        ));
    }
    if let Some(&y) = train.y.iter().chain(&test.y).find(|&&y| y >= cfg.classes) {
        return Err(format!(
            "label {y} has no output group ({} classes of {} neurons)",
            cfg.classes,
            cfg.group()
        ));
    }
    let rule = &cfg.rule;
    let mut w = cfg.w0.clone();
    let w_ref = super::stdp::w_ref(rule.w_max, &w);
    let k_dw = cfg.gain_per_dopamine(w_ref);
    let mut baseline = vec![0.0f64; cfg.classes];
    let mut epochs = Vec::new();
    let mut last = (Vec::new(), 0u64);
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        let mut wrong = 0usize;
        for &k in &shuffled(train.len(), cfg.seed, epoch) {
            let label = train.y[k];
            let (ki, kn, kd) = keys(cfg.seed, tags::LEARN, epoch, k as u64);
            let trial = cfg.encoder.encode(train.row(k), cfg.dt, ki);
            let r = cfg.respond(&models, &w, &trial, kn, kd);
            let reward = if cfg.decide(&r) == Some(label) {
                1.0
            } else {
                wrong += 1;
                -1.0
            };
            let slot = match cfg.baseline {
                Baseline::Class => label,
                _ => 0,
            };
            let b = match cfg.baseline {
                Baseline::None => 0.0,
                _ => baseline[slot],
            };
            let d0 = rule.d_jump * cfg.reward_gain * (reward - b);
            match cfg.baseline {
                Baseline::None => {}
                Baseline::Global => {
                    let nb = b + cfg.baseline_rate * (reward - b);
                    baseline.fill(nb);
                }
                Baseline::Class => baseline[slot] = b + cfg.baseline_rate * (reward - b),
            }
            if d0 == 0.0 || r.spikes.is_empty() {
                continue;
            }
            let c = cfg.eligibility(&trial, &r);
            let f = k_dw * d0;
            for (wi, ci) in w.iter_mut().zip(&c) {
                if *ci != 0.0 {
                    *wi = (*wi + f * ci).clamp(rule.w_min, rule.w_max);
                }
            }
        }
        let (dtr, _) = evaluate(cfg, &models, &w, train, tags::EVAL_TRAIN);
        let (dte, spikes) = evaluate(cfg, &models, &w, test, tags::EVAL_TEST);
        let m = EpochMetrics {
            epoch,
            train_accuracy: accuracy(&dtr, &train.y),
            test_accuracy: accuracy(&dte, &test.y),
            loss: Some(wrong as f64 / train.len().max(1) as f64),
            wall_s: t0.elapsed().as_secs_f64(),
        };
        progress(&m);
        epochs.push(m);
        last = (dte, spikes);
    }
    let nc = cfg.classes;
    let mut confusion = vec![0.0; nc * (nc + 1)];
    for (d, &y) in last.0.iter().zip(&test.y) {
        confusion[y * (nc + 1) + d.unwrap_or(nc)] += 1.0;
    }
    Ok(Outcome {
        epochs,
        w,
        baseline,
        confusion,
        test_spikes: last.1 as f64 / test.len().max(1) as f64,
    })
}
