//! `bra-learn`: training.
//!
//! - [`data`]: datasets (CSV, `.npy`) and deterministic train/test splits;
//! - [`spike`]: spike-based local rules (STDP family, Tempotron, the
//!   probabilistic meta-neuron) and encoders (Poisson rate, latency,
//!   Lempel–Ziv complexity features);
//! - [`grad`]: gradient- and energy-based rules (surrogate-gradient BPTT,
//!   equilibrium propagation and C-EP, RTRL and e-prop, selective SSM,
//!   backprop diffusion, orthogonal initialisation).
//!
//! It reads the compiled IR, never the spec language.

pub mod data;
pub mod experiment;
pub mod grad;
pub mod spike;
pub mod train;
