//! The probabilistic meta-neuron of Rudnicka, Szczepanski & Pregowska
//! (2025): a leaky unit that fires stochastically and whose internal
//! parameters are learned together with the weights.
//!
//! `tau du/dt = -u + I`; in every step the neuron spikes with probability
//! `p = σ(gain·(u - theta))` (σ the logistic function) and after a spike
//! `u <- 0`. The escape-noise form makes the expected spike count
//! differentiable in `theta`, `gain` and `tau`, which is why the paper can
//! train them. They are therefore **state variables** (`theta`, `gain`,
//! `tau`, one value per neuron, initialised from the parameters or drawn
//! from their laws) that the step reads every time, so a learning rule can
//! change them per neuron.
//!
//! **Inputs.** `u` and `I` are dimensionless, in the units of the trained
//! weights: a port's weight is taken as its number; an exponential or alpha
//! port's trace adds to `I`, a delta port's event moves `u` by its weight
//! after the step; an external current adds its number of pA (as for
//! `izhikevich`). Current weights in amperes and conductance synapses are
//! refused.
//!
//! **Integrator (the catalog's contract).** Exact exponential update of `u`
//! with the input held over the step (`u <- I + (u - I) e^{-dt/tau}`), then
//! one Bernoulli draw per neuron and step from the counter-based generator
//! keyed by (seed, population, neuron, step): spike trains are bit-identical
//! for any chunking or thread count. `p` is a per-step probability, so rates
//! depend on `dt`.

use super::Params;
use super::common::{Syn, i_ext, load, refuse_conductance, store};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;
use bra_compile::ir::Value;

const U: usize = 0;
const THETA: usize = 1;
const GAIN: usize = 2;
const TAU: usize = 3;

/// The model: initial values (or laws) of its learnable parameters.
#[derive(Clone, Debug)]
pub struct Meta {
    init: [Value; 3],
    syn: Syn,
    nvars: usize,
}

/// Build a `meta_neuron` population.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Meta::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Meta {
    /// Build from compiled parameters (`tau` in s); defaults are the catalog's.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Meta, String> {
        refuse_conductance(ports, "meta_neuron")?;
        let syn = Syn::new(ports, 4);
        let take = |name: &str, default: f64| -> Result<Value, String> {
            match p.value(name) {
                None => Ok(Value::Real(default)),
                Some(v @ Value::Law(_)) => Ok(v.clone()),
                Some(v) => v
                    .as_real()
                    .map(Value::Real)
                    .ok_or_else(|| format!("`{}`: parameter `{name}` must be a number", p.1)),
            }
        };
        let init = [take("theta", 1.0)?, take("gain", 5.0)?, take("tau", 0.020)?];
        if let Value::Real(tau) = init[2]
            && (tau <= 0.0 || !tau.is_finite())
        {
            return Err("`meta_neuron` needs tau > 0".into());
        }
        Ok(Meta {
            init,
            syn,
            nvars: 4 + crate::model::trace_slots(ports),
        })
    }
}

/// The logistic function, without overflow for large |x|.
#[inline]
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

impl NeuronModel for Meta {
    fn name(&self) -> &'static str {
        "meta_neuron"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n: Vec<String> = ["u", "theta", "gain", "tau"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        n.extend(self.syn.names());
        n
    }

    /// `u = 0`; `theta`, `gain`, `tau` from the parameters (drawn per neuron
    /// when they are laws).
    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        for (k, v) in self.init.iter().enumerate() {
            out[THETA + k] = crate::connect::value_of(v, rng, i as u64, 0x6d65_7461 + k as u64);
        }
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let tab = self.syn.table(io.dt, 1);
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let input = self.syn.drive(&tab, &local, 0).cur + i_ext(io, i) * 1e12;
            let tau = local[TAU];
            let mut u = if tau > 0.0 {
                input + (local[U] - input) * (-io.dt / tau).exp()
            } else {
                input
            };
            let p = sigmoid(local[GAIN] * (u - local[THETA]));
            if io.rng.uniform((io.first + i) as u64, io.step) < p {
                spikes.push(Spike {
                    neuron: i as u32,
                    offset: 0.0,
                });
                u = 0.0;
            }
            self.syn.finish(&tab, io, i, &mut local, |_, w| u += w);
            local[U] = u;
            store(vars, i, &local);
        }
    }
}
