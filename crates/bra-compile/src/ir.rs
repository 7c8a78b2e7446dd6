//! The compiled network IR: what the runtime and the exporters consume.
//!
//! Everything is in SI units, every part carries the place in the spec it
//! came from, and serialisation is deterministic (ordered maps, stable ids in
//! declaration order) so that snapshots and `bra compile` output are
//! byte-identical across runs and machines. Connectivity is not stored: it
//! is generated from the connector and the seed by the runtime.

use serde::Serialize;
use std::collections::BTreeMap;

/// Where in the spec something came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Origin {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Byte range `[start, end)`.
    pub span: [u32; 2],
}

/// A parameter value after compilation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A real number in SI units.
    Real(f64),
    /// A whole number.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// A name from a fixed set, or a path.
    Text(String),
    /// A list of reals in SI (spike times).
    List(Vec<f64>),
    /// A law drawing one value per neuron or synapse.
    Law(Law),
}

impl Value {
    /// The value as a real, when it is one (an integer converts).
    pub fn as_real(&self) -> Option<f64> {
        match self {
            Value::Real(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

/// A law drawing values: `normal(mean, sd)`, `uniform(low, high)`, …
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Law {
    /// The catalog law (`constant`, `uniform`, `normal`, `lognormal`, `clipped`).
    pub law: String,
    /// Its parameters in SI.
    pub params: BTreeMap<String, f64>,
    /// The law a `clipped` law clips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inner: Option<Box<Law>>,
}

/// A catalog entry with its parameters filled in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    /// The catalog name (`exponential`, `fixed_probability`, `stdp`).
    pub kind: String,
    /// Every parameter, defaults included, in SI.
    pub params: BTreeMap<String, Value>,
}

/// A population of identical model neurons: what one component compiles to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Population {
    /// Stable id (declaration order).
    pub id: u32,
    /// The component's name.
    pub name: String,
    /// The circuit it sits on.
    pub circuit: String,
    /// The neuron model, with every parameter.
    pub model: Instance,
    /// The preset used, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Number of neurons.
    pub size: u64,
    /// Grid shape `[rows, cols]` for grid models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<[u64; 2]>,
    /// Learning rule of the component (applies to its incoming plastic projections).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learning: Option<Instance>,
    /// The modulation type of its circuit (Excitatory, Inhibitory, Modulatory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modulation: Option<String>,
    /// Initial values of state variables (`v_init = uniform(low: -60 mV, high: -50 mV)`
    /// on the component), in SI; the model's own initial state elsewhere.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub init: BTreeMap<String, Value>,
    /// Where the component is declared.
    pub origin: Origin,
}

/// How a projection acts on its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Positive weights.
    Excitatory,
    /// Negative weights.
    Inhibitory,
    /// Modulatory (neuromodulator-like; scales plasticity or gain).
    Modulatory,
}

/// A projection between two populations: what one flow compiles to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Projection {
    /// Stable id (declaration order).
    pub id: u32,
    /// `pre -> post`, or the flow's own name.
    pub name: String,
    /// Presynaptic population id.
    pub pre: u32,
    /// Postsynaptic population id.
    pub post: u32,
    /// The connector.
    pub connector: Instance,
    /// Weight: a real (SI: volts for voltage jumps, amperes for current, siemens
    /// for conductance, or dimensionless) or a law.
    pub weight: Value,
    /// What the weight measures: `voltage`, `current`, `conductance` or `dimensionless`.
    pub weight_dim: String,
    /// Delay in seconds, or a law.
    pub delay: Value,
    /// The synapse model.
    pub synapse: Instance,
    /// Online plasticity, when the flow or its target declares a rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plasticity: Option<Instance>,
    /// How it acts.
    pub effect: Effect,
    /// Where the flow is declared.
    pub origin: Origin,
}

/// An external input: what one stimulus compiles to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    /// Stable id.
    pub id: u32,
    /// The stimulus name.
    pub name: String,
    /// Target population id.
    pub target: u32,
    /// The source model (`poisson`, `current_source`, `spike_times`).
    pub source: Instance,
    /// Weight of each input spike (SI), for spiking sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<Value>,
    /// What the weight measures (as for projections).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_dim: Option<String>,
    /// Synapse of the input, for spiking sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synapse: Option<Instance>,
    /// Where it is declared.
    pub origin: Origin,
}

/// What to record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recorder {
    /// `spikes`, or a state variable (`v`, `u`, `w`, …).
    pub variable: String,
    /// Population id.
    pub population: u32,
    /// Neuron indices `[start, end)`; all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indices: Option<[u64; 2]>,
    /// Where it is declared.
    pub origin: Origin,
}

/// Run settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Run {
    /// Simulated time, seconds.
    pub duration: f64,
    /// Time step, seconds.
    pub dt: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Where the `simulate` block is, if the spec has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// The training experiment of a spec (`train { … }`), for `bra train`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    /// Dataset file (CSV or .npy), as written (relative to the spec).
    pub dataset: String,
    /// Label column (CSV).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Fraction of the rows used for training (stratified split).
    pub split: f64,
    /// Passes over the training set.
    pub epochs: u64,
    /// Seed of the split, the encoding and the initial weights.
    pub seed: u64,
    /// How inputs become spikes or rates (`poisson_rate`, `latency`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Instance>,
    /// Features computed from spike trains (`lzc`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Instance>,
    /// The population whose output is the prediction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readout: Option<u32>,
    /// Every other property of the block, as written (SI where it has a unit):
    /// task-specific settings such as `batch`, `patterns`, `afferents`.
    pub settings: BTreeMap<String, Value>,
    /// Where the block is.
    pub origin: Origin,
}

/// The whole compiled network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    /// IR format version.
    pub ir_version: u32,
    /// The project ID.
    pub project: String,
    /// Populations, by id.
    pub populations: Vec<Population>,
    /// Projections, by id.
    pub projections: Vec<Projection>,
    /// Inputs, by id.
    pub inputs: Vec<Input>,
    /// Recorders.
    pub recorders: Vec<Recorder>,
    /// Run settings.
    pub run: Run,
    /// The training experiment, when the spec declares one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
}

impl Network {
    /// The population with this name.
    pub fn population(&self, name: &str) -> Option<&Population> {
        self.populations.iter().find(|p| p.name == name)
    }
}
