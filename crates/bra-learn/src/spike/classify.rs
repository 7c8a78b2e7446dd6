//! Classifying a labelled dataset with one layer of readout neurons trained
//! by the Tempotron rule: one neuron per class, trained to fire for its
//! class and stay silent otherwise; decoded from spike counts (rate
//! features) or from the Lempel–Ziv complexity of its spike trains (LZC
//! features, Rudnicka, Szczepanski & Pregowska).
//!
//! **The rule.** After each sample, every neuron whose decision (fired at
//! least once or not) is wrong is updated at `t_max`, the step of its
//! largest potential, along the gradient of the distance to threshold
//! `u(t_max) - theta` — for the LIF neuron this is exactly the Tempotron
//! rule of Gütig & Sompolinsky (2006), `Δw_i = ± lr ∂u(t_max)/∂w_i` with
//! `∂u/∂w_i` the filtered input of afferent `i`. For the meta-neuron the
//! same step follows the gradient of its log-odds of firing,
//! `gain (u - theta)`, divided by the gain: the direction of the gradient
//! of the firing probability at `t_max`. With `learn_internal` the internal
//! parameters move too: `theta` by `∓ lr_internal`, `ln tau` by
//! `± lr_internal ∂u/∂ln tau` and (meta-neuron) `ln gain` by
//! `± lr_internal (u - theta)`.
//!
//! **Decoding.** After every epoch, the features of every sample are
//! computed with learning off (the spike count of each readout neuron, or
//! the LZC of each of its spike trains), class centroids are fitted on the
//! training set (features standardised by their training-set spread) and a
//! sample is assigned to the nearest centroid. The same decoder serves both
//! feature kinds, so they differ only in what they measure.

use super::encode::Encoder;
use super::lzc;
use super::readout::{Firing, Readout};
use super::{sub_key, tags};
use crate::data::Dataset;
use crate::experiment::EpochMetrics;
use bra_runtime::rng::Stream;
use rayon::prelude::*;
use std::time::Instant;

/// Which features the decoder reads from the readout's spike trains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Features {
    /// Spike counts.
    Rate,
    /// Lempel–Ziv complexity.
    Lzc {
        /// Steps per bin.
        bin_steps: usize,
        /// Bins per window (0: the whole trial).
        window_bins: usize,
        /// `c log2(n) / n` rather than `c`.
        normalise: bool,
    },
}

/// A classification experiment.
#[derive(Clone, Debug)]
pub struct Config {
    /// The initial readout.
    pub readout: Readout,
    /// Train theta, tau (and gain) with the weights.
    pub learn_internal: bool,
    /// Learning rate of the weights.
    pub lr: f64,
    /// Learning rate of the internal parameters.
    pub lr_internal: f64,
    /// Encoder of the samples.
    pub encoder: Encoder,
    /// What the decoder reads.
    pub features: Features,
    /// Epochs.
    pub epochs: u64,
    /// Seed of every draw.
    pub seed: u64,
}

/// Spike-train features of one sample.
fn features_of(runs: &[super::readout::NeuronRun], f: Features) -> Vec<f64> {
    match f {
        Features::Rate => runs.iter().map(|r| r.count as f64).collect(),
        Features::Lzc {
            bin_steps,
            window_bins,
            normalise,
        } => runs
            .iter()
            .flat_map(|r| lzc::features(&r.spikes, bin_steps, window_bins, normalise))
            .collect(),
    }
}

/// The features of every sample of `data` (learning off; draws keyed by
/// `tag` and the sample index, the same in every epoch).
pub fn dataset_features(cfg: &Config, r: &Readout, data: &Dataset, tag: u64) -> Vec<Vec<f64>> {
    (0..data.len())
        .into_par_iter()
        .map(|k| {
            let trial = cfg.encoder.encode(
                data.row(k),
                r.dt,
                sub_key(cfg.seed, Stream::Input, tag, k as u64, 0),
            );
            let runs = r.run(
                &trial,
                sub_key(cfg.seed, Stream::Dynamics, tag, k as u64, 0),
                false,
            );
            features_of(&runs, cfg.features)
        })
        .collect()
}

/// A nearest-centroid decoder on standardised features.
#[derive(Clone, Debug, PartialEq)]
pub struct Centroids {
    scale: Vec<f64>,
    mean: Vec<f64>,
    centres: Vec<Option<Vec<f64>>>,
}

impl Centroids {
    /// Fit on features and labels.
    pub fn fit(x: &[Vec<f64>], y: &[usize], classes: usize) -> Centroids {
        let d = x.first().map_or(0, Vec::len);
        let n = x.len().max(1) as f64;
        let mut mean = vec![0.0; d];
        for r in x {
            for (m, v) in mean.iter_mut().zip(r) {
                *m += v / n;
            }
        }
        let mut var = vec![0.0; d];
        for r in x {
            for ((s, v), m) in var.iter_mut().zip(r).zip(&mean) {
                *s += (v - m) * (v - m) / n;
            }
        }
        // A feature that never varies carries no information: weight 0.
        let scale: Vec<f64> = var
            .iter()
            .map(|v| if *v > 1e-18 { 1.0 / v.sqrt() } else { 0.0 })
            .collect();
        let mut sums = vec![vec![0.0; d]; classes];
        let mut counts = vec![0usize; classes];
        for (r, &c) in x.iter().zip(y) {
            if c < classes {
                counts[c] += 1;
                for (s, v) in sums[c].iter_mut().zip(r) {
                    *s += v;
                }
            }
        }
        let centres = sums
            .into_iter()
            .zip(&counts)
            .map(|(s, &k)| {
                (k > 0).then(|| {
                    s.iter()
                        .zip(&mean)
                        .zip(&scale)
                        .map(|((v, m), sc)| (v / k as f64 - m) * sc)
                        .collect()
                })
            })
            .collect();
        Centroids {
            scale,
            mean,
            centres,
        }
    }

    /// The class of the nearest centroid (the lowest class on ties).
    pub fn predict(&self, f: &[f64]) -> usize {
        let z: Vec<f64> = f
            .iter()
            .zip(&self.mean)
            .zip(&self.scale)
            .map(|((v, m), s)| (v - m) * s)
            .collect();
        let mut best = (0usize, f64::INFINITY);
        for (c, centre) in self.centres.iter().enumerate() {
            if let Some(centre) = centre {
                let d: f64 = centre.iter().zip(&z).map(|(a, b)| (a - b) * (a - b)).sum();
                if d < best.1 {
                    best = (c, d);
                }
            }
        }
        best.0
    }

    /// Fraction of samples assigned to their label.
    pub fn accuracy(&self, x: &[Vec<f64>], y: &[usize]) -> f64 {
        if x.is_empty() {
            return 0.0;
        }
        let ok = x
            .iter()
            .zip(y)
            .filter(|(f, c)| self.predict(f) == **c)
            .count();
        ok as f64 / x.len() as f64
    }
}

/// One epoch of Tempotron learning over the training set, in an order
/// shuffled by the seed and the epoch. Returns the fraction of wrong
/// neuron decisions.
pub fn learn_epoch(cfg: &Config, r: &mut Readout, train: &Dataset, epoch: u64) -> f64 {
    let order = shuffled(train.len(), cfg.seed, epoch);
    let mut wrong = 0usize;
    for &k in &order {
        let trial = cfg.encoder.encode(
            train.row(k),
            r.dt,
            sub_key(cfg.seed, Stream::Input, tags::LEARN, epoch, k as u64),
        );
        let runs = r.run(
            &trial,
            sub_key(cfg.seed, Stream::Dynamics, tags::LEARN, epoch, k as u64),
            true,
        );
        for (j, run) in runs.iter().enumerate() {
            let target = train.y[k] == j;
            let fired = run.count > 0;
            if fired == target {
                continue;
            }
            wrong += 1;
            let sign = if target { 1.0 } else { -1.0 };
            let n_in = r.n_in;
            for (w, g) in r.w[j * n_in..(j + 1) * n_in].iter_mut().zip(&run.du_dw) {
                *w += sign * cfg.lr * g;
            }
            if cfg.learn_internal {
                let li = cfg.lr_internal;
                let theta = r.theta[j];
                r.theta[j] -= sign * li;
                r.tau[j] = (r.tau[j] * (sign * li * run.du_dlogtau).exp()).clamp(r.dt, 10.0);
                if r.firing == Firing::Escape {
                    r.gain[j] =
                        (r.gain[j] * (sign * li * (run.u_max - theta)).exp()).clamp(1e-3, 1e3);
                }
            }
        }
    }
    wrong as f64 / (train.len() * r.n_out).max(1) as f64
}

/// A permutation of `0..n` drawn from the seed and the epoch (Fisher–Yates).
pub fn shuffled(n: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let key = sub_key(seed, Stream::Input, tags::ORDER, epoch, 0);
    let mut idx: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        let j = ((key.uniform(k as u64, 0) * (k + 1) as f64) as usize).min(k);
        idx.swap(k, j);
    }
    idx
}

/// Train and evaluate for `cfg.epochs` epochs, reporting each.
pub fn train(
    cfg: &Config,
    train: &Dataset,
    test: &Dataset,
    progress: &mut dyn FnMut(&EpochMetrics),
) -> (Readout, Vec<EpochMetrics>) {
    let mut r = cfg.readout.clone();
    let mut out = Vec::new();
    for epoch in 1..=cfg.epochs {
        let t0 = Instant::now();
        let loss = learn_epoch(cfg, &mut r, train, epoch);
        let ftr = dataset_features(cfg, &r, train, tags::EVAL_TRAIN);
        let fte = dataset_features(cfg, &r, test, tags::EVAL_TEST);
        let dec = Centroids::fit(&ftr, &train.y, train.classes.max(r.n_out));
        let m = EpochMetrics {
            epoch,
            train_accuracy: dec.accuracy(&ftr, &train.y),
            test_accuracy: dec.accuracy(&fte, &test.y),
            loss: Some(loss),
            wall_s: t0.elapsed().as_secs_f64(),
        };
        progress(&m);
        out.push(m);
    }
    (r, out)
}
