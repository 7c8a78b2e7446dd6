//! The interface every neuron model implements.
//!
//! A population keeps its state as structure-of-arrays: one `Vec<f64>` per
//! state variable. The engine hands a model a *chunk* (the same index range
//! of every variable) plus that chunk's synaptic input for this step, and the
//! model advances it by one step of `dt`, reporting spikes. Chunks of one
//! population may run on different threads; a model's `step` must only touch
//! its chunk and draw randomness from the counter-based [`Key`], so results
//! do not depend on the chunking.

use crate::rng::Key;

/// The time course of a synaptic port.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PortKind {
    /// Each event acts at once (a jump).
    Delta,
    /// Each event adds to a trace that decays with `tau` (seconds).
    Exponential {
        /// Decay time constant, s.
        tau: f64,
    },
    /// Alpha-shaped: each event kicks a rise variable that feeds a decaying trace (tau in s).
    Alpha {
        /// Time constant, s.
        tau: f64,
    },
}

/// One synaptic input port of a population: every incoming projection with
/// the same synapse shares a port, so the state holds one trace per port.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Port {
    /// Time course.
    pub kind: PortKind,
    /// Reversal potential (V) for a conductance-based port; `None` for current-based.
    pub e_rev: Option<f64>,
}

/// What a model sees of one step, for one chunk of neurons.
pub struct StepIo<'a> {
    /// Time at the start of the step, s.
    pub t: f64,
    /// The step, s.
    pub dt: f64,
    /// Index of the step.
    pub step: u64,
    /// Index (in the population) of the chunk's first neuron.
    pub first: usize,
    /// The population's ports.
    pub ports: &'a [Port],
    /// Per port, the summed weights of the events arriving at this step,
    /// chunk-local (`port_input[p][i]`): volts (or the model's input unit) for
    /// current-based ports, siemens for conductance-based ones.
    pub port_input: &'a [&'a [f64]],
    /// External current per neuron (A), chunk-local (zero when no current source targets it).
    pub i_ext: &'a [f64],
    /// The population's random key (draw with `(first + i, step)` counters).
    pub rng: Key,
}

/// A spike emitted during a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spike {
    /// Chunk-local neuron index (the engine adds the chunk's offset).
    pub neuron: u32,
    /// Offset of the spike within the step, in [0, dt], s (0 when the
    /// model has no sub-step timing).
    pub offset: f64,
}

/// A neuron model with its parameters fixed, ready to run.
pub trait NeuronModel: Send + Sync {
    /// The catalog name.
    fn name(&self) -> &'static str;
    /// Names of the state variables in storage order (these are what
    /// `record = [v(...)]` can name). Port traces come last, named
    /// `syn0`, `syn1`, … (two per alpha port: `syn{p}` and `syn{p}_rise`).
    fn state_names(&self) -> Vec<String>;
    /// True when the model emits spikes (false for rate and state-space units,
    /// which transmit their output variable every step).
    fn spiking(&self) -> bool {
        true
    }
    /// For non-spiking units: the index of the variable transmitted to targets.
    fn output_var(&self) -> Option<usize> {
        None
    }
    /// The factor turning a current weight (A) into this model's port unit,
    /// or `None` when the model takes no current weights (the engine then
    /// refuses such projections with a clear error). For a LIF it is the
    /// membrane resistance: a weight of `I` amperes acts as `R·I` volts.
    fn current_scale(&self) -> Option<f64> {
        None
    }
    /// Write neuron `i`'s initial state into `out` (one value per state variable).
    fn init(&self, i: usize, rng: Key, out: &mut [f64]);
    /// Advance a chunk by one step. `vars[k]` is variable `k` of the chunk.
    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>);
    /// Advance a chunk by one step like [`step`](Self::step), its synaptic
    /// input given as `input` (writable; `io.port_input` is not read), and
    /// leave every entry of `input` at 0.0: the engine's ring-buffer slot is
    /// then ready for the next events. The default runs `step` and clears;
    /// a model may clear each entry as it reads it, which saves a pass over
    /// the slot.
    fn step_and_clear(
        &self,
        io: &StepIo,
        input: &mut [&mut [f64]],
        vars: &mut [&mut [f64]],
        spikes: &mut Vec<Spike>,
    ) {
        {
            let port_input: Vec<&[f64]> = input.iter().map(|x| &**x).collect();
            let io = StepIo {
                port_input: &port_input,
                ..*io
            };
            self.step(&io, vars, spikes);
        }
        for x in input.iter_mut() {
            x.fill(0.0);
        }
    }
}

/// Number of trace variables a set of ports needs: none for a delta port,
/// one for an exponential port (`syn{p}`), two for an alpha port (`syn{p}`,
/// the trace, and `syn{p}_rise`).
///
/// Conventions every model follows, so that a weight means the same thing
/// everywhere: an event of weight `w` on an exponential port adds `w` to the
/// trace, which then decays as `e^{-t/τ}`; on an alpha port it adds `w·e` to
/// the rise variable `y`, giving a trace `w·(t/τ)·e^{1-t/τ}` that peaks at
/// `w` after `τ` (exact propagators: `x ← (x + y·h/τ)·e^{-h/τ}`,
/// `y ← y·e^{-h/τ}`); on a delta port it acts at once. Events are applied
/// after the step's integration (as NEST and Brian do), so a spike sent at
/// step `n` with a delay of `d` steps acts from step `n + d + 1`.
pub fn trace_slots(ports: &[Port]) -> usize {
    ports
        .iter()
        .map(|p| match p.kind {
            PortKind::Delta => 0,
            PortKind::Exponential { .. } => 1,
            PortKind::Alpha { .. } => 2,
        })
        .sum()
}

/// Names of the trace variables of a set of ports.
pub fn trace_names(ports: &[Port]) -> Vec<String> {
    let mut out = Vec::new();
    for (p, port) in ports.iter().enumerate() {
        match port.kind {
            PortKind::Delta => {}
            PortKind::Exponential { .. } => out.push(format!("syn{p}")),
            PortKind::Alpha { .. } => {
                out.push(format!("syn{p}"));
                out.push(format!("syn{p}_rise"));
            }
        }
    }
    out
}
