//! Bookkeeping shared by the sub-stepped models (`lif_cond`, `izhikevich`,
//! `hh`, `adex`, `meta_neuron`, `rate`, `ssm`, sources): per-neuron
//! parameters drawn from laws, synaptic port traces and their propagators,
//! sub-step counts, and moving one neuron's state in and out of the
//! structure-of-arrays storage.

use super::Params;
use crate::model::{Port, PortKind, StepIo, trace_names};
use crate::rng::Key;
use bra_compile::ir::{Law, Value};

/// A model parameter as the step reads it: one number for the whole
/// population, or — when the spec gives a law (`c: uniform(...)`) — one value
/// per neuron, drawn at initialisation and kept as a state variable named
/// after the parameter (so it can be recorded, and changed by a learning rule).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Knob {
    /// The same value for every neuron (SI).
    Fixed(f64),
    /// Per neuron: the index of its state variable.
    PerNeuron(usize),
}

impl Knob {
    /// The value for the neuron whose state is `local`.
    #[inline]
    pub(crate) fn at(self, local: &[f64]) -> f64 {
        match self {
            Knob::Fixed(x) => x,
            Knob::PerNeuron(k) => local[k],
        }
    }

    /// The value when it is the same for every neuron.
    pub(crate) fn fixed(self) -> Option<f64> {
        match self {
            Knob::Fixed(x) => Some(x),
            Knob::PerNeuron(_) => None,
        }
    }
}

/// The law-valued parameters of a model, which become state variables
/// starting at a given index.
#[derive(Clone, Debug)]
pub(crate) struct Knobs {
    first: usize,
    drawn: Vec<(String, Law)>,
}

impl Knobs {
    /// Law-valued parameters will occupy the variables from `first` on.
    pub(crate) fn new(first: usize) -> Knobs {
        Knobs {
            first,
            drawn: Vec::new(),
        }
    }

    /// Read parameter `name`: a number (an integer converts), a law (one value
    /// per neuron), or `default` when absent; an error when absent without a
    /// default or of another type.
    pub(crate) fn take(
        &mut self,
        p: &Params,
        name: &str,
        default: Option<f64>,
    ) -> Result<Knob, String> {
        match p.value(name) {
            Some(Value::Law(l)) => {
                self.drawn.push((name.to_string(), l.clone()));
                Ok(Knob::PerNeuron(self.first + self.drawn.len() - 1))
            }
            Some(v) => v
                .as_real()
                .map(Knob::Fixed)
                .ok_or_else(|| format!("`{}`: parameter `{name}` must be a number", p.1)),
            None => default
                .map(Knob::Fixed)
                .ok_or_else(|| format!("`{}` needs the parameter `{name}`", p.1)),
        }
    }

    /// Read a parameter that must be the same for every neuron (it fixes
    /// something structural, such as a propagator or a capacitance used
    /// outside the per-neuron loop).
    pub(crate) fn fixed(p: &Params, name: &str, default: Option<f64>) -> Result<f64, String> {
        match p.value(name) {
            Some(Value::Law(_)) => Err(format!(
                "`{}`: parameter `{name}` must be one number for the population, not a law",
                p.1
            )),
            Some(v) => v
                .as_real()
                .ok_or_else(|| format!("`{}`: parameter `{name}` must be a number", p.1)),
            None => default.ok_or_else(|| format!("`{}` needs the parameter `{name}`", p.1)),
        }
    }

    /// Number of state variables the laws take.
    pub(crate) fn len(&self) -> usize {
        self.drawn.len()
    }

    /// Names of those variables (the parameters' names).
    pub(crate) fn names(&self) -> Vec<String> {
        self.drawn.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Draw neuron `i`'s values into its state `out` (counter-based: the
    /// same values for any chunking or thread count).
    pub(crate) fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        for (k, (_, law)) in self.drawn.iter().enumerate() {
            out[self.first + k] =
                crate::connect::draw(law, rng, i as u64, 0x6b6e_6f62_0000 + k as u64);
        }
    }
}

/// What the synaptic ports deliver at one instant.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Drive {
    /// Sum of the current-port traces, in the port unit (volts as `R·I` for
    /// membrane models).
    pub(crate) cur: f64,
    /// Total synaptic conductance, S.
    pub(crate) g: f64,
    /// `Σ g_p E_p`, A.
    pub(crate) ge: f64,
}

/// The ports of a population and where their traces live in the state.
///
/// Traces follow the conventions of [`crate::model::trace_slots`]: an event
/// of weight `w` adds `w` to an exponential trace (`w·e` to an alpha rise
/// variable), traces decay exactly, and events are applied after the step's
/// integration. On a conductance port the trace is a conductance and a
/// weight counts by its magnitude: the sign of a conductance weight selects
/// the reversal potential, which the port carries.
#[derive(Clone, Debug)]
pub(crate) struct Syn {
    /// The ports.
    pub(crate) ports: Vec<Port>,
    slot: Vec<usize>,
}

/// Trace decay factors at the half-sub-step instants of one step.
pub(crate) struct Table {
    /// Instants per port (`2m + 1` for `m` sub-steps).
    n: usize,
    /// Per port and instant `s_k = k·h/2`: `(e^{-s_k/τ}, s_k/τ)`.
    f: Vec<(f64, f64)>,
}

impl Syn {
    /// Ports whose traces start at state variable `first`.
    pub(crate) fn new(ports: &[Port], first: usize) -> Syn {
        let mut slot = Vec::new();
        let mut k = first;
        for q in ports {
            slot.push(k);
            k += match q.kind {
                PortKind::Delta => 0,
                PortKind::Exponential { .. } => 1,
                PortKind::Alpha { .. } => 2,
            };
        }
        Syn {
            ports: ports.to_vec(),
            slot,
        }
    }

    /// Names of the trace variables.
    pub(crate) fn names(&self) -> Vec<String> {
        trace_names(&self.ports)
    }

    /// Decay factors for a step of `dt` cut into `m` sub-steps.
    pub(crate) fn table(&self, dt: f64, m: usize) -> Table {
        let n = 2 * m + 1;
        let h = dt / m as f64;
        let mut f = Vec::with_capacity(n * self.ports.len());
        for q in &self.ports {
            let tau = match q.kind {
                PortKind::Delta => f64::INFINITY,
                PortKind::Exponential { tau } | PortKind::Alpha { tau } => tau,
            };
            for k in 0..n {
                let s = k as f64 * h / 2.0 / tau;
                f.push(((-s).exp(), s));
            }
        }
        Table { n, f }
    }

    /// What the ports deliver at instant `k` (time `k·h/2` into the step) for
    /// a neuron whose start-of-step state is `local`.
    #[inline]
    pub(crate) fn drive(&self, tab: &Table, local: &[f64], k: usize) -> Drive {
        let mut d = Drive::default();
        for (p, q) in self.ports.iter().enumerate() {
            let j = self.slot[p];
            let (e, s) = tab.f[p * tab.n + k];
            let x = match q.kind {
                PortKind::Delta => continue,
                PortKind::Exponential { .. } => local[j] * e,
                PortKind::Alpha { .. } => (local[j] + local[j + 1] * s) * e,
            };
            match q.e_rev {
                None => d.cur += x,
                Some(er) => {
                    d.g += x;
                    d.ge += x * er;
                }
            }
        }
        d
    }

    /// Close a step: decay the traces over it and add the events arriving
    /// now; each non-zero event on a delta port goes to `on_delta(e_rev, w)`
    /// instead (see [`delta_jump`]), so the model decides what it moves and
    /// whether it is refractory.
    pub(crate) fn finish(
        &self,
        tab: &Table,
        io: &StepIo,
        i: usize,
        local: &mut [f64],
        mut on_delta: impl FnMut(Option<f64>, f64),
    ) {
        let last = tab.n - 1;
        for (p, q) in self.ports.iter().enumerate() {
            let j = self.slot[p];
            let w = io
                .port_input
                .get(p)
                .and_then(|x| x.get(i))
                .copied()
                .unwrap_or(0.0);
            let w = if q.e_rev.is_some() { w.abs() } else { w };
            let (e, s) = tab.f[p * tab.n + last];
            match q.kind {
                PortKind::Delta => {
                    if w != 0.0 {
                        on_delta(q.e_rev, w);
                    }
                }
                PortKind::Exponential { .. } => local[j] = local[j] * e + w,
                PortKind::Alpha { .. } => {
                    local[j] = (local[j] + local[j + 1] * s) * e;
                    local[j + 1] = local[j + 1] * e + w * std::f64::consts::E;
                }
            }
        }
    }
}

/// `v` after a delta event of weight `w`: a current port moves `v` by `w`
/// (volts); a conductance port (reversal `e_rev`, `w` in siemens) opens the
/// conductance `w` for one step of `dt`, which moves `v` toward `e_rev` by
/// the fraction `1 - exp(-w dt / c)` (`c` the capacitance, F) — the synapse
/// catalog's shunting jump `v + f (e_rev - v)`, with a fraction that a
/// weight in siemens can express.
#[inline]
pub(crate) fn delta_jump(v: f64, e_rev: Option<f64>, w: f64, dt: f64, c: f64) -> f64 {
    match e_rev {
        None => v + w,
        Some(er) => er + (v - er) * (-w * dt / c).exp(),
    }
}

/// Refuse conductance ports, for models without a reversal-potential sense.
pub(crate) fn refuse_conductance(ports: &[Port], model: &str) -> Result<(), String> {
    if ports.iter().any(|q| q.e_rev.is_some()) {
        return Err(format!(
            "`{model}` has no membrane reversal potentials and takes no conductance \
             synapses; use mode: current"
        ));
    }
    Ok(())
}

/// Sub-steps of at most `h_max` that cut a step of `dt`.
#[inline]
pub(crate) fn substeps(dt: f64, h_max: f64) -> usize {
    ((dt / h_max) * (1.0 - 1e-9)).ceil().max(1.0) as usize
}

/// The external current of chunk-local neuron `i` (A); zero when absent.
#[inline]
pub(crate) fn i_ext(io: &StepIo, i: usize) -> f64 {
    io.i_ext.get(i).copied().unwrap_or(0.0)
}

/// Copy neuron `i` of a chunk into `local`.
#[inline]
pub(crate) fn load(vars: &[&mut [f64]], i: usize, local: &mut [f64]) {
    for (k, slot) in local.iter_mut().enumerate() {
        *slot = vars[k][i];
    }
}

/// Write `local` back as neuron `i` of a chunk.
#[inline]
pub(crate) fn store(vars: &mut [&mut [f64]], i: usize, local: &[f64]) {
    for (k, slot) in local.iter().enumerate() {
        vars[k][i] = *slot;
    }
}
