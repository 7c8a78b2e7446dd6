//! Gradient- and energy-based learning rules.

use crate::experiment::{Progress, TrainResult};
use bra_compile::ir::{Network, Training};
use std::path::Path;

/// Rules this module trains (`learning = …` on the readout component).
pub const RULES: &[&str] = &["bptt", "ep", "rtrl", "backprop_diffusion", "orthogonal_init"];

/// Train a network whose readout declares one of [`RULES`].
pub fn train(net: &Network, training: &Training, base: &Path, progress: Progress) -> Result<TrainResult, String> {
    let _ = (net, training, base, progress);
    Err("gradient-based training is not available yet".into())
}
