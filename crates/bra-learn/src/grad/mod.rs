//! Gradient- and energy-based learning rules.
//!
//! [`train`] reads the compiled network as a chain `input → layers… →
//! readout` and trains it with the rule the readout declares:
//!
//! | rule | layers | module |
//! |---|---|---|
//! | `ep` (EP, C-EP, vector-field) | `rate` (hard sigmoid) | [`ep`] |
//! | `bptt` (surrogate gradients) | `lif` | [`snn`] |
//! | `rtrl(approximation: eprop)` | `lif`, one hidden layer | [`snn`] |
//! | `bptt`, `rtrl` (exact), local rule | `ssm` | [`ssm`] |
//! | `backprop_diffusion` | `rate` | [`diffusion`] |
//! | `orthogonal_init`, `bptt` | `rate` | [`ortho`] (backprop with orthogonal layers) |
//!
//! [`rtrl`] holds the small recurrent network on which RTRL, e-prop and BPTT
//! are compared exactly. Every random draw comes from the counter-based
//! generator of `bra_runtime::rng`, keyed by the train block's seed.

pub mod common;
pub mod diffusion;
pub mod ep;
pub mod mlp;
pub mod ortho;
pub mod rtrl;
pub mod snn;
pub mod ssm;

use crate::experiment::{Progress, TrainResult};
use bra_compile::ir::{Network, Training};
use std::path::Path;

/// Rules this module trains (`learning = …` on the readout component).
pub const RULES: &[&str] = &[
    "bptt",
    "ep",
    "rtrl",
    "backprop_diffusion",
    "orthogonal_init",
];

/// Train a network whose readout declares one of [`RULES`].
pub fn train(
    net: &Network,
    training: &Training,
    base: &Path,
    progress: Progress,
) -> Result<TrainResult, String> {
    let plan = common::Plan::new(net, training)?;
    let kind = plan.rule.kind.as_str();
    if !RULES.contains(&kind) {
        return Err(format!(
            "the readout's rule `{kind}` is not a gradient rule (these are: {})",
            RULES.join(", ")
        ));
    }
    let (train, test) = common::load_split(training, base)?;
    let has = |m: &str| plan.layers[1..].iter().any(|l| l.model() == m);
    match kind {
        "ep" => ep::train(&plan, &train, &test, progress),
        "bptt" | "rtrl" if has("ssm") => ssm::train(&plan, &train, &test, progress),
        "bptt" | "rtrl" if has("lif") => snn::train(&plan, &train, &test, progress),
        "bptt" | "orthogonal_init" => ortho::train(&plan, &train, &test, progress),
        "backprop_diffusion" => diffusion::train(&plan, &train, &test, progress),
        _ => Err(
            "rtrl trains `ssm` layers (exact) or a spiking `lif` layer (approximation: eprop); \
             this chain has neither"
                .into(),
        ),
    }
}

/// The row indices of the train and test sets that [`train`] uses for a
/// dataset of `labels` (the stratified split of `crate::data::Dataset::split`):
/// what `bench/sklearn_digits.py` reads to train scikit-learn on the same rows.
pub fn split_indices(
    labels: &[usize],
    classes: usize,
    fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let key = bra_runtime::rng::Key::new(seed, bra_runtime::rng::Stream::Input, 0xDA7A);
    let mut train = Vec::new();
    let mut test = Vec::new();
    for c in 0..classes {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == c).collect();
        for k in (1..idx.len()).rev() {
            let j = (key.uniform(c as u64, k as u64) * (k + 1) as f64) as usize;
            idx.swap(k, j.min(k));
        }
        let n_train = ((idx.len() as f64) * fraction).round() as usize;
        train.extend_from_slice(&idx[..n_train.min(idx.len())]);
        test.extend_from_slice(&idx[n_train.min(idx.len())..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test)
}
