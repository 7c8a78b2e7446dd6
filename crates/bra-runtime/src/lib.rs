//! `bra-runtime`: one engine for every compiled network.
//!
//! Clock-driven with a fixed `dt`; each population's state is stored as
//! structure-of-arrays; projections are compressed sparse rows with integer
//! delays delivering into per-population ring buffers, each written by one
//! thread only (no locks); a run's neurons are shared out among a
//! [`team::Team`] of threads that stays awake for the run, each member
//! updating its share and delivering into it (connectivity is built with
//! rayon); every random number is counter-based, so a seed gives
//! bit-identical spikes for any thread count.

pub mod connect;
pub mod engine;
pub mod model;
pub mod models;
mod phase;
pub mod plasticity;
pub mod rng;
pub mod team;

pub use engine::{Engine, Fault, Outcome};
pub mod io;
pub mod stats;
