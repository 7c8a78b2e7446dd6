//! A single Tempotron learning to classify spike patterns (fire for the
//! targets, stay silent for the nulls), and the random-pattern task of
//! Gütig & Sompolinsky (2006) that measures its capacity: `patterns` random
//! patterns on `afferents` afferents, each afferent firing once at a
//! uniformly random time of the trial, half of them targets.

use super::classify::shuffled;
use super::tempotron::Tempotron;
use super::{sub_key, tags};
use crate::data::Dataset;
use crate::experiment::EpochMetrics;
use bra_runtime::rng::Stream;
use std::time::Instant;

/// One pattern: its spikes `(time, afferent)` sorted by time, and whether
/// the neuron should fire.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The spikes.
    pub events: Vec<(f64, u32)>,
    /// Fire (true) or stay silent.
    pub target: bool,
}

/// The experiment.
#[derive(Clone, Debug)]
pub struct Config {
    /// The neuron and its learning rate.
    pub tempotron: Tempotron,
    /// Momentum of the updates (Gütig & Sompolinsky used one; 0: the plain rule).
    pub momentum: f64,
    /// Largest number of epochs (passes over the patterns).
    pub epochs: u64,
    /// Seed (presentation order).
    pub seed: u64,
    /// Trial length, s.
    pub t_end: f64,
    /// Initial weights.
    pub w0: Vec<f64>,
}

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Final weights.
    pub w: Vec<f64>,
    /// Per epoch.
    pub epochs: Vec<EpochMetrics>,
    /// The first epoch whose pass made no error, if any (training stops there:
    /// without errors the rule makes no more changes).
    pub converged: Option<u64>,
}

/// `patterns` rows of `afferents` values uniform in [0, 1), labels
/// alternating 0 and 1: with latency coding (threshold 0) each row is a
/// pattern of one spike per afferent at a uniformly random time.
pub fn random_latency(afferents: usize, patterns: usize, seed: u64) -> Dataset {
    let key = sub_key(seed, Stream::Input, tags::PATTERN, 7, 0);
    let mut x = Vec::with_capacity(afferents * patterns);
    for p in 0..patterns {
        for i in 0..afferents {
            x.push(key.uniform(p as u64, i as u64));
        }
    }
    Dataset {
        features: (0..afferents).map(|i| format!("x{i}")).collect(),
        x,
        y: (0..patterns).map(|p| p % 2).collect(),
        classes: 2,
    }
}

/// Fraction of samples classified right with weights `w`.
pub fn accuracy(t: &Tempotron, w: &[f64], samples: &[Sample], t_end: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let ok = samples
        .iter()
        .filter(|s| (t.max_potential(&s.events, w, t_end).1 >= t.v_th) == s.target)
        .count();
    ok as f64 / samples.len() as f64
}

/// Train for up to `cfg.epochs` epochs, in an order shuffled per epoch.
pub fn train(
    cfg: &Config,
    train: &[Sample],
    test: &[Sample],
    progress: &mut dyn FnMut(&EpochMetrics),
) -> Outcome {
    let mut w = cfg.w0.clone();
    let mut velocity = vec![0.0; w.len()];
    let mut epochs = Vec::new();
    let mut converged = None;
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        let mut errors = 0usize;
        for k in shuffled(train.len(), cfg.seed, epoch) {
            let s = &train[k];
            let (_, err) = cfg.tempotron.learn(
                &s.events,
                &mut w,
                &mut velocity,
                cfg.momentum,
                cfg.t_end,
                s.target,
            );
            errors += usize::from(err);
        }
        let m = EpochMetrics {
            epoch,
            train_accuracy: accuracy(&cfg.tempotron, &w, train, cfg.t_end),
            test_accuracy: accuracy(&cfg.tempotron, &w, test, cfg.t_end),
            loss: Some(errors as f64 / train.len().max(1) as f64),
            wall_s: t0.elapsed().as_secs_f64(),
        };
        progress(&m);
        epochs.push(m);
        if errors == 0 {
            converged = Some(epoch);
            break;
        }
    }
    Outcome {
        w,
        epochs,
        converged,
    }
}
