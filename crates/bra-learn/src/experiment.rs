//! What a training run reports, whatever the rule: per-epoch metrics and the
//! trained parameters. `bra train` writes these as JSON, a learning-curve
//! plot and `.npy` weights.

use serde::Serialize;

/// Metrics of one epoch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpochMetrics {
    /// 1-based epoch.
    pub epoch: u64,
    /// Accuracy on the training set (0..1).
    pub train_accuracy: f64,
    /// Accuracy on the held-out test set (0..1).
    pub test_accuracy: f64,
    /// Mean training loss, when the rule has one.
    pub loss: Option<f64>,
    /// Wall-clock time of the epoch, s.
    pub wall_s: f64,
}

/// A trained parameter array (weights, thresholds, …).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tensor {
    /// Name, used as the file name (`W_in_hidden`, `theta`).
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// Row-major values.
    pub data: Vec<f64>,
}

/// The outcome of a training run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrainResult {
    /// The rule that trained.
    pub rule: String,
    /// One entry per epoch.
    pub epochs: Vec<EpochMetrics>,
    /// Trained parameters.
    pub tensors: Vec<Tensor>,
    /// Anything the user should know (approximations, early stops).
    pub notes: Vec<String>,
}

/// Called after every epoch (progress bars, logs).
pub type Progress<'a> = &'a mut dyn FnMut(&EpochMetrics);
