//! The catalog: every neuron model, synapse, connector, weight/delay law,
//! learning rule and encoder `bra` knows, with typed parameters.
//!
//! It is the single source for the checker (names, units, ranges), the
//! compiler (defaults, presets, SI conversion), the docs (`bra explain`, the
//! generated catalog page) and the exporters. One file per kind of entry.

pub mod connectors;
pub mod docs;
pub mod encoders;
pub mod laws;
pub mod learning;
pub mod neurons;
pub mod synapses;

use bra_units::Dimension;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A neuron model or a source population (`neurons = …`).
    Neuron,
    /// A synapse model (`synapse = …` on a flow).
    Synapse,
    /// A connection rule (`connect = …` on a flow).
    Connector,
    /// A law drawing a value: weight, delay or an initial value (`normal(…)`).
    Law,
    /// A learning rule (`learning = …` on a component or flow).
    Learning,
    /// An encoder or feature extractor (`encoding = …` in training).
    Encoder,
}

impl Kind {
    /// Plural noun for headings.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Neuron => "Neuron models and sources",
            Kind::Synapse => "Synapses",
            Kind::Connector => "Connectors",
            Kind::Law => "Weight, delay and initial-value laws",
            Kind::Learning => "Learning rules",
            Kind::Encoder => "Encoders and features",
        }
    }
}

/// The type of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    /// A real number of the parameter's dimension.
    Real,
    /// A whole number (dimensionless).
    Int,
    /// `true` / `false`.
    Bool,
    /// One of a fixed set of names.
    Choice(&'static [&'static str]),
    /// A path to a file (string).
    Path,
    /// A real number, or a law drawing one per neuron/synapse (`uniform(…)`).
    RealOrLaw,
}

/// One parameter of an entry.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Param {
    /// Name as written in specs (`tau_m`).
    pub name: &'static str,
    /// The unit values are documented and defaulted in (`ms`, `mV`, `""` when
    /// dimensionless). Values are converted to SI by the compiler.
    pub unit: &'static str,
    /// Its physical dimension (must match `unit`).
    #[serde(skip)]
    pub dim: Dimension,
    /// The value type.
    pub ty: ParamType,
    /// Default, in `unit`; `None` means required.
    pub default: Option<f64>,
    /// Inclusive valid range, in `unit` (`f64::NEG_INFINITY`/`INFINITY` for open).
    pub min: f64,
    /// Inclusive valid range upper bound, in `unit`.
    pub max: f64,
    /// One line of documentation.
    pub doc: &'static str,
}

/// A named set of parameter values (`izhikevich(preset: RS)`).
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Preset {
    /// Name as written (`RS`).
    pub name: &'static str,
    /// One line: what it models.
    pub doc: &'static str,
    /// Values, each in the parameter's documented unit.
    pub values: &'static [(&'static str, f64)],
}

/// Capabilities the compiler checks combinations against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Traits {
    /// Emits spikes (LIF, Izhikevich, sources…).
    pub spiking: bool,
    /// A rate or state-space unit (continuous output, no spikes).
    pub rate: bool,
    /// Has no input: a source (Poisson, spike times, current source).
    pub source: bool,
    /// Accepts conductance-based synapses (has a membrane potential and reversal potentials).
    pub conductance: bool,
    /// Laid out on a 2-D grid (`rows × cols`).
    pub grid: bool,
    /// Has a membrane potential that can be recorded as `v`.
    pub membrane: bool,
}

/// One catalog entry.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Entry {
    /// Name as written in specs (`lif`, `izhikevich`, `fixed_probability`).
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// What it is.
    pub kind: Kind,
    /// One line.
    pub summary: &'static str,
    /// A paragraph: the equations or the rule, in words and symbols.
    pub doc: &'static str,
    /// Parameters, in the order positional arguments bind to them.
    pub params: &'static [Param],
    /// Named presets.
    pub presets: &'static [Preset],
    /// The integration method (neurons) and why, or `""`.
    pub integrator: &'static str,
    /// The literature it rests on.
    pub references: &'static [&'static str],
    /// Capabilities.
    pub traits: Traits,
}

impl Entry {
    /// The parameter with this name.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
    /// The preset with this name (case-insensitive).
    pub fn preset(&self, name: &str) -> Option<&'static Preset> {
        self.presets
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }
}

/// Every entry, grouped by kind in catalog order.
pub fn all() -> Vec<&'static Entry> {
    neurons::ENTRIES
        .iter()
        .chain(synapses::ENTRIES)
        .chain(connectors::ENTRIES)
        .chain(laws::ENTRIES)
        .chain(learning::ENTRIES)
        .chain(encoders::ENTRIES)
        .collect()
}

/// The entry of this kind with this name or alias.
pub fn lookup(kind: Kind, name: &str) -> Option<&'static Entry> {
    all()
        .into_iter()
        .find(|e| e.kind == kind && (e.name == name || e.aliases.contains(&name)))
}

/// Any entry with this name or alias (for `bra explain`).
pub fn find(name: &str) -> Option<&'static Entry> {
    all()
        .into_iter()
        .find(|e| e.name == name || e.aliases.contains(&name))
}

/// The closest entry name of a kind, for "did you mean" help.
pub fn suggest(kind: Kind, name: &str) -> Option<&'static str> {
    all()
        .into_iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| std::iter::once(e.name).chain(e.aliases.iter().copied()))
        .map(|n| (strsim::jaro_winkler(n, name), n))
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}
