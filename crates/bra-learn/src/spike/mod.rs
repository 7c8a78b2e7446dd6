//! Spike-based local learning rules and encoders.
