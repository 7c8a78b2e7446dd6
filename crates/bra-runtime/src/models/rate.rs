//! Rate unit: a leaky continuous activation (Wilson–Cowan, Hopfield 1984,
//! and the discrete-time units of equilibrium propagation).
//!
//! `tau dr/dt = -r + f(gain·I + bias)` (the catalog's form: the rate relaxes
//! toward the activation of its input). With `tau = 0` the unit is
//! instantaneous, `r = f(gain·I + bias)` in every step — the discrete-time
//! map of Ernoult et al. (2020). `f` is one of tanh, sigmoid `1/(1+e^{-x})`,
//! relu `max(0, x)`, linear `x`, hard_sigmoid `clip(x, 0, 1)`.
//!
//! The unit is non-spiking: it transmits `r` (variable 0, `output_var`)
//! every step, and the engine delivers `w·r_pre` to its targets. State:
//! `r`, then `x` — the last pre-activation `gain·I + bias`, kept because
//! gradient-based rules (EP, BPTT) need `f'(x)` — then per-neuron `gain` and
//! `bias` when they are laws, then the port traces.
//!
//! **Inputs.** `I` is dimensionless. Rate input arrives every step rather
//! than as events, so a delta port's input *of this step* is part of `I` for
//! this step (a projection with a one-step delay then gives exactly
//! `r(n+1) = f(W r(n))`). An exponential or alpha port low-pass filters its
//! input with the usual trace (added after the step, read from the next).
//! External current adds its number of pA. Current weights in amperes and
//! conductance synapses are refused.
//!
//! **Integrator (the catalog's contract).** Exponential Euler: the input is
//! held over the step and `r` relaxes exactly toward `f(gain·I + bias)` by
//! the factor `e^{-dt/tau}`, which is stable for any `dt`; `tau = 0` applies
//! the map directly.

use super::Params;
use super::common::{Knob, Knobs, Syn, i_ext, load, refuse_conductance, store};
use crate::model::{NeuronModel, Port, PortKind, Spike, StepIo};
use crate::rng::Key;

const R: usize = 0;
const X: usize = 1;

/// The activation function `f`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nonlinearity {
    /// `tanh x`.
    Tanh,
    /// `1 / (1 + e^{-x})`.
    Sigmoid,
    /// `max(0, x)`.
    Relu,
    /// `x`.
    Linear,
    /// `clip(x, 0, 1)`, the ρ of Ernoult et al. (2020).
    HardSigmoid,
}

impl Nonlinearity {
    /// Parse the catalog's choice.
    pub fn parse(s: &str) -> Option<Nonlinearity> {
        Some(match s {
            "tanh" => Nonlinearity::Tanh,
            "sigmoid" => Nonlinearity::Sigmoid,
            "relu" => Nonlinearity::Relu,
            "linear" => Nonlinearity::Linear,
            "hard_sigmoid" => Nonlinearity::HardSigmoid,
            _ => return None,
        })
    }

    /// `f(x)`.
    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Nonlinearity::Tanh => x.tanh(),
            Nonlinearity::Sigmoid => {
                if x >= 0.0 {
                    1.0 / (1.0 + (-x).exp())
                } else {
                    let e = x.exp();
                    e / (1.0 + e)
                }
            }
            Nonlinearity::Relu => x.max(0.0),
            Nonlinearity::Linear => x,
            Nonlinearity::HardSigmoid => x.clamp(0.0, 1.0),
        }
    }
}

/// The model with its parameters.
#[derive(Clone, Debug)]
pub struct Rate {
    tau: f64,
    f: Nonlinearity,
    gain: Knob,
    bias: Knob,
    knobs: Knobs,
    syn: Syn,
    nvars: usize,
}

/// Build a `rate` population.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Rate::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Rate {
    /// Build from compiled parameters (`tau` in s); defaults are the catalog's.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Rate, String> {
        refuse_conductance(ports, "rate")?;
        let tau = Knobs::fixed(p, "tau", Some(0.010))?;
        if tau < 0.0 || !tau.is_finite() {
            return Err("`rate` needs tau >= 0".into());
        }
        let f = match p.text("nonlinearity") {
            None => Nonlinearity::Tanh,
            Some(s) => Nonlinearity::parse(s).ok_or_else(|| {
                format!(
                    "`rate` has no nonlinearity `{s}` (tanh, sigmoid, relu, linear, hard_sigmoid)"
                )
            })?,
        };
        let mut knobs = Knobs::new(2);
        let gain = knobs.take(p, "gain", Some(1.0))?;
        let bias = knobs.take(p, "bias", Some(0.0))?;
        let syn = Syn::new(ports, 2 + knobs.len());
        Ok(Rate {
            tau,
            f,
            gain,
            bias,
            nvars: 2 + knobs.len() + crate::model::trace_slots(ports),
            knobs,
            syn,
        })
    }
}

impl NeuronModel for Rate {
    fn name(&self) -> &'static str {
        "rate"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n = vec!["r".to_string(), "x".to_string()];
        n.extend(self.knobs.names());
        n.extend(self.syn.names());
        n
    }

    fn spiking(&self) -> bool {
        false
    }

    fn output_var(&self) -> Option<usize> {
        Some(R)
    }

    /// `r = 0`, `x = 0`.
    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        self.knobs.init(i, rng, out);
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], _spikes: &mut Vec<Spike>) {
        let tab = self.syn.table(io.dt, 1);
        let decay = if self.tau > 0.0 {
            (-io.dt / self.tau).exp()
        } else {
            0.0
        };
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let mut input = self.syn.drive(&tab, &local, 0).cur + i_ext(io, i) * 1e12;
            for (p, q) in self.syn.ports.iter().enumerate() {
                if q.kind == PortKind::Delta {
                    input += io
                        .port_input
                        .get(p)
                        .and_then(|x| x.get(i))
                        .copied()
                        .unwrap_or(0.0);
                }
            }
            let x = self.gain.at(&local) * input + self.bias.at(&local);
            let target = self.f.apply(x);
            local[R] = target + (local[R] - target) * decay;
            local[X] = x;
            // Traces of filtered ports; delta input was used above.
            self.syn.finish(&tab, io, i, &mut local, |_, _| {});
            store(vars, i, &local);
        }
    }
}
