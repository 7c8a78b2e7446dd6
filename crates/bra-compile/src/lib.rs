//! `bra-compile`: the catalog and the compiler.
//!
//! The [`catalog`] declares every model, synapse, connector, law, learning
//! rule and encoder with typed parameters (unit, default, range, doc) and
//! presets. The compiler turns a checked [`bra_model::Model`] into the
//! compiled network IR: populations, projections, inputs, recorders and run
//! settings, parameters in SI, each with the span it came from.

pub mod catalog;
pub mod compile;
pub mod estimate;
pub mod ir;

pub use compile::compile;
pub use ir::Network;
