//! `bra train SPEC`: run the training experiment a spec declares.

use std::path::PathBuf;
use std::process::ExitCode;

/// `bra train` options.
#[derive(clap::Args)]
pub struct TrainArgs {
    /// The spec (with a `train { … }` block).
    pub spec: PathBuf,
    /// Output folder (metrics.json, learning_curve.png, weights/*.npy).
    #[arg(short, long, default_value = "train-out")]
    pub output: PathBuf,
    /// Seed, overriding the spec.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Epochs, overriding the spec.
    #[arg(long)]
    pub epochs: Option<u64>,
}

/// Run it.
pub fn run(args: TrainArgs) -> ExitCode {
    eprintln!("error: training {} is not available yet", args.spec.display());
    ExitCode::from(2)
}
