//! STDP finds a repeated spike pattern hidden in Poisson noise (Masquelier,
//! Guyonneau & Thorpe 2008).
//!
//! **Input** (after their Methods). `afferents` spike trains on a grid of
//! `dt`. Each afferent fires with an instantaneous rate `r` that wanders
//! between 0 and `rate_max`: its rate of change `s` moves every step by a
//! uniform amount in `±speed_step` and is clipped to `±speed_max`; an
//! afferent silent for `max_silence` fires at once. A pattern of
//! `pattern_len` is cut from the same process for a random `pattern_fraction`
//! of the afferents; the input is divided into sections of `pattern_len`,
//! each (never two in a row) holding the pattern with probability
//! `pattern_prob`, and in those sections the pattern afferents replay it
//! instead of their own activity. Every afferent also fires as a Poisson
//! process of `noise_rate` on top. So the pattern is invisible in rates: it
//! is only a repeated spatio-temporal coincidence. (Their 1 ms jitter of the
//! pattern spikes is not applied: spikes already sit on the `dt` grid.)
//!
//! **Neuron and rule.** The readout is the runtime's own model (built with
//! `bra_runtime::models::build` from the spec's component, stepped here as
//! the engine steps it, with the flow's synapse as its port), and its
//! incoming weights follow the component's STDP rule event by event: a
//! pre-synaptic spike counts at the time it reaches the synapse (the end of
//! its step), a post-synaptic spike at its precise time within the step.
//!
//! **Measures.** A pattern presentation is a *hit* when the neuron fires
//! inside it; the *latency* is the time of its first spike there after the
//! pattern's start; spikes outside presentations are *false alarms*
//! (reported per second of pattern-free input). Each epoch runs
//! `epoch_duration` of input with learning on, then `test_duration` of
//! fresh input with learning off; accuracy is the fraction of sections
//! classified right (a pattern section with a spike, a distractor section
//! without).

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

/// The experiment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Number of afferents.
    pub afferents: usize,
    /// Fraction of afferents in the pattern.
    pub pattern_fraction: f64,
    /// Pattern length (and section length), s.
    pub pattern_len: f64,
    /// Probability that a section (after a distractor) holds the pattern.
    pub pattern_prob: f64,
    /// Largest rate of the background process, Hz.
    pub rate_max: f64,
    /// Largest rate of change of the rate, Hz/s.
    pub speed_max: f64,
    /// Largest change of the rate of change per step, Hz/s.
    pub speed_step: f64,
    /// An afferent silent this long fires, s.
    pub max_silence: f64,
    /// Additive Poisson noise on every afferent, Hz.
    pub noise_rate: f64,
    /// Step, s.
    pub dt: f64,
    /// Input per epoch with learning on, s.
    pub epoch_duration: f64,
    /// Input per epoch with learning off, s.
    pub test_duration: f64,
    /// Epochs.
    pub epochs: u64,
    /// Seed.
    pub seed: u64,
    /// The readout neuron (a compiled model instance, SI).
    pub neuron: Instance,
    /// Its synaptic port.
    pub port: Port,
    /// Initial weights (port units, e.g. volts).
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
    /// Hit rate per epoch (learning on).
    pub hit_rate: Vec<f64>,
    /// False alarms per second of pattern-free input, per epoch (learning on).
    pub false_alarm_hz: Vec<f64>,
    /// Hit rate per epoch, test input (learning off).
    pub test_hit_rate: Vec<f64>,
    /// False alarms per second, test input.
    pub test_false_alarm_hz: Vec<f64>,
}

/// The background process of every afferent, stepped in time.
struct Background {
    rate: Vec<f64>,
    speed: Vec<f64>,
    silent: Vec<usize>,
    key_speed: Key,
    key_spike: Key,
    key_noise: Key,
}

impl Background {
    fn new(cfg: &Config, tag: u64, stream: u64) -> Background {
        let k0 = sub_key(cfg.seed, Stream::Input, tag, stream, 0);
        Background {
            rate: (0..cfg.afferents)
                .map(|i| k0.uniform(i as u64, 0) * cfg.rate_max)
                .collect(),
            speed: vec![0.0; cfg.afferents],
            silent: vec![0; cfg.afferents],
            key_speed: sub_key(cfg.seed, Stream::Input, tag, stream, 1),
            key_spike: sub_key(cfg.seed, Stream::Input, tag, stream, 2),
            key_noise: sub_key(cfg.seed, Stream::Input, tag, stream, 3),
        }
    }

    /// The afferents (among `which`) that fire at step `n` of this stream.
    fn step(&mut self, cfg: &Config, n: u64, which: &[usize], out: &mut Vec<usize>) {
        let max_silent = (cfg.max_silence / cfg.dt).round() as usize;
        let ds = cfg.speed_step;
        for &i in which {
            let ii = i as u64;
            let s = (self.speed[i] + (2.0 * self.key_speed.uniform(ii, n) - 1.0) * ds)
                .clamp(-cfg.speed_max, cfg.speed_max);
            self.speed[i] = s;
            self.rate[i] = (self.rate[i] + s * cfg.dt).clamp(0.0, cfg.rate_max);
            self.silent[i] += 1;
            if self.key_spike.uniform(ii, n) < self.rate[i] * cfg.dt || self.silent[i] >= max_silent
            {
                self.silent[i] = 0;
                out.push(i);
            }
        }
    }
}

/// The pattern afferents (a random subset) and the pattern's spikes per step.
fn make_pattern(cfg: &Config) -> (Vec<bool>, Vec<Vec<usize>>) {
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
    let len = (cfg.pattern_len / cfg.dt).round().max(1.0) as usize;
    let burn = (1.0 / cfg.dt).round() as usize;
    let mut bg = Background::new(cfg, tags::PATTERN, 1);
    let all: Vec<usize> = (0..n).collect();
    let mut pattern = vec![Vec::new(); len];
    let mut fired = Vec::new();
    for s in 0..burn + len {
        fired.clear();
        bg.step(cfg, s as u64, &all, &mut fired);
        if s >= burn {
            pattern[s - burn] = fired.iter().copied().filter(|&i| mask[i]).collect();
        }
    }
    (mask, pattern)
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
}

/// The neuron with its state, stepped as the engine steps a population of one.
struct Cell {
    model: Box<dyn NeuronModel>,
    vars: Vec<f64>,
    port: [Port; 1],
}

impl Cell {
    fn new(cfg: &Config) -> Result<Cell, String> {
        let port = [cfg.port];
        let model = bra_runtime::models::build(&cfg.neuron, &port)?;
        if !model.spiking() {
            return Err(format!(
                "`{}` does not spike; STDP needs a spiking readout",
                model.name()
            ));
        }
        let mut vars = vec![0.0; model.state_names().len()];
        model.init(
            0,
            Key::new(cfg.seed, Stream::Init, tags::PATTERN),
            &mut vars,
        );
        Ok(Cell { model, vars, port })
    }

    /// One step with `input` arriving on the port; the spike's offset in the step.
    fn step(&mut self, n: u64, dt: f64, input: f64, key: Key) -> Option<f64> {
        let inp = [input];
        let cols: [&[f64]; 1] = [&inp];
        let io = StepIo {
            t: n as f64 * dt,
            dt,
            step: n,
            first: 0,
            ports: &self.port,
            port_input: &cols,
            i_ext: &[0.0],
            rng: key,
        };
        let mut refs: Vec<&mut [f64]> = self.vars.iter_mut().map(std::slice::from_mut).collect();
        let mut spikes = Vec::new();
        self.model.step(&io, &mut refs, &mut spikes);
        spikes.first().map(|s| s.offset)
    }
}

/// Run `duration` of input through the neuron; with `plastic`, the weights learn.
#[allow(clippy::too_many_arguments)]
fn run_stretch(
    cfg: &Config,
    cell: &mut Cell,
    syn: &mut dyn Plastic,
    w_frozen: &[f64],
    pattern: &(Vec<bool>, Vec<Vec<usize>>),
    tag: u64,
    epoch: u64,
    plastic: bool,
    clock: &mut u64,
    latency: &mut Vec<f64>,
) -> Tally {
    let dt = cfg.dt;
    let steps = (if plastic {
        cfg.epoch_duration
    } else {
        cfg.test_duration
    } / dt)
        .round() as u64;
    let len = pattern.1.len() as u64;
    let (mask, pat) = pattern;
    let mut bg = Background::new(cfg, tag, epoch);
    let key_sections = sub_key(cfg.seed, Stream::Input, tag, epoch, 4);
    let key_dyn = sub_key(cfg.seed, Stream::Dynamics, tag, epoch, 0);
    let all: Vec<usize> = (0..cfg.afferents).collect();
    let mut tally = Tally::default();
    let mut fired = Vec::new();
    let mut in_pattern = false;
    let mut prev_pattern = true; // no pattern in the first section
    let mut section_spikes = 0usize;
    let mut first_spike: Option<f64> = None;
    for n in 0..steps {
        let r = n % len;
        if r == 0 {
            // Close the previous section, open the next.
            if n > 0 {
                close_section(
                    in_pattern,
                    section_spikes,
                    first_spike,
                    &mut tally,
                    latency,
                    plastic,
                );
            }
            let q = n / len;
            in_pattern = !prev_pattern && key_sections.uniform(q, 0) < cfg.pattern_prob;
            prev_pattern = in_pattern;
            section_spikes = 0;
            first_spike = None;
        }
        fired.clear();
        bg.step(cfg, n, &all, &mut fired);
        if in_pattern {
            fired.retain(|&i| !mask[i]);
            fired.extend_from_slice(&pat[r as usize]);
        }
        let pn = cfg.noise_rate * dt;
        for i in 0..cfg.afferents {
            if bg.key_noise.uniform(i as u64, n) < pn {
                fired.push(i);
            }
        }
        let w = if plastic { syn.weights() } else { w_frozen };
        let input: f64 = fired.iter().map(|&i| w[i]).sum();
        // The neuron's and the synapses' clock runs on across stretches.
        let ng = *clock + n;
        if let Some(off) = cell.step(ng, dt, input, key_dyn) {
            let t = ng as f64 * dt + off;
            section_spikes += 1;
            if first_spike.is_none() {
                first_spike = Some(r as f64 * dt + off);
            }
            if plastic {
                syn.on_post(t);
            }
        }
        if plastic {
            // A spike emitted in step n reaches the synapse at its end.
            let t = (ng + 1) as f64 * dt;
            for &i in &fired {
                syn.on_pre(i, t);
            }
        }
        if !in_pattern {
            tally.free_time += dt;
        }
    }
    *clock += steps;
    if steps > 0 {
        close_section(
            in_pattern,
            section_spikes,
            first_spike,
            &mut tally,
            latency,
            plastic,
        );
    }
    tally
}

fn close_section(
    in_pattern: bool,
    spikes: usize,
    first: Option<f64>,
    tally: &mut Tally,
    latency: &mut Vec<f64>,
    record: bool,
) {
    tally.sections += 1;
    if in_pattern {
        tally.presentations += 1;
        if spikes > 0 {
            tally.hits += 1;
            tally.correct += 1;
        }
        if record {
            latency.push(first.unwrap_or(f64::NAN));
        }
    } else {
        tally.false_alarms += spikes;
        if spikes == 0 {
            tally.correct += 1;
        }
    }
}

/// Run the experiment, reporting each epoch.
pub fn run(cfg: &Config, progress: &mut dyn FnMut(&EpochMetrics)) -> Result<Outcome, String> {
    if cfg.afferents == 0 || cfg.w0.len() != cfg.afferents {
        return Err(format!(
            "{} initial weights for {} afferents",
            cfg.w0.len(),
            cfg.afferents
        ));
    }
    if !(cfg.dt > 0.0 && cfg.pattern_len >= cfg.dt) {
        return Err("the pattern must last at least one step".into());
    }
    let pattern = make_pattern(cfg);
    let mut cell = Cell::new(cfg)?;
    let mut syn = cfg.rule.synapses(cfg.w0.clone());
    let mut out = Outcome {
        pattern_mask: pattern.0.iter().map(|&m| f64::from(u8::from(m))).collect(),
        ..Outcome::default()
    };
    let mut clock = 0u64;
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        let learn = run_stretch(
            cfg,
            &mut cell,
            syn.as_mut(),
            &[],
            &pattern,
            tags::LEARN,
            epoch,
            true,
            &mut clock,
            &mut out.latency,
        );
        let w = syn.weights().to_vec();
        // Test on fresh input with the weights frozen, from the current state.
        let mut test_cell = Cell {
            model: bra_runtime::models::build(&cfg.neuron, &cell.port)?,
            vars: cell.vars.clone(),
            port: cell.port,
        };
        let test = run_stretch(
            cfg,
            &mut test_cell,
            syn.as_mut(),
            &w,
            &pattern,
            tags::EVAL_TEST,
            epoch,
            false,
            &mut clock.clone(),
            &mut Vec::new(),
        );
        out.hit_rate.push(learn.hit_rate());
        out.false_alarm_hz.push(learn.fa_hz());
        out.test_hit_rate.push(test.hit_rate());
        out.test_false_alarm_hz.push(test.fa_hz());
        let m = EpochMetrics {
            epoch,
            train_accuracy: learn.accuracy(),
            test_accuracy: test.accuracy(),
            loss: None,
            wall_s: t0.elapsed().as_secs_f64(),
        };
        progress(&m);
        out.epochs.push(m);
    }
    out.w = syn.weights().to_vec();
    Ok(out)
}
