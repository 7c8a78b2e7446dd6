//! A small harness shared by the `models_*` tests: it builds a population
//! through the public `bra_runtime::models::build` from a hand-made
//! compiled instance (parameters in SI) and steps it as the engine does.

#![allow(dead_code)]

use bra_compile::ir::{Instance, Value};
use bra_runtime::model::{NeuronModel, Port, PortKind, Spike, StepIo};
use bra_runtime::rng::{Key, Stream};
use std::collections::BTreeMap;

/// A compiled instance of `kind` with the given parameters.
pub fn instance(kind: &str, params: &[(&str, Value)]) -> Instance {
    Instance {
        kind: kind.to_string(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// A real parameter (SI).
pub fn r(x: f64) -> Value {
    Value::Real(x)
}

/// A text parameter.
pub fn t(x: &str) -> Value {
    Value::Text(x.to_string())
}

/// A current-based delta port.
pub fn delta() -> Port {
    Port {
        kind: PortKind::Delta,
        e_rev: None,
    }
}

/// A current-based exponential port.
pub fn exp_port(tau: f64) -> Port {
    Port {
        kind: PortKind::Exponential { tau },
        e_rev: None,
    }
}

/// A conductance-based exponential port.
pub fn cond_port(tau: f64, e_rev: f64) -> Port {
    Port {
        kind: PortKind::Exponential { tau },
        e_rev: Some(e_rev),
    }
}

/// A population of `n` neurons of one model, with its state.
pub struct Pop {
    pub model: Box<dyn NeuronModel>,
    pub ports: Vec<Port>,
    pub names: Vec<String>,
    pub vars: Vec<Vec<f64>>,
    pub dt: f64,
    pub step: u64,
    pub seed: u64,
}

impl Pop {
    /// Build and initialise (seed 1).
    pub fn new(kind: &str, params: &[(&str, Value)], ports: &[Port], n: usize, dt: f64) -> Pop {
        let inst = instance(kind, params);
        let model = match bra_runtime::models::build(&inst, ports) {
            Ok(m) => m,
            Err(e) => panic!("building `{kind}`: {e}"),
        };
        let names = model.state_names();
        let mut vars = vec![vec![0.0; n]; names.len()];
        let mut buf = vec![0.0; names.len()];
        let key = Key::new(1, Stream::Init, 0);
        for i in 0..n {
            model.init(i, key, &mut buf);
            for (v, x) in vars.iter_mut().zip(&buf) {
                v[i] = *x;
            }
        }
        Pop {
            model,
            ports: ports.to_vec(),
            names,
            vars,
            dt,
            step: 0,
            seed: 1,
        }
    }

    /// Index of a state variable.
    pub fn idx(&self, name: &str) -> usize {
        match self.names.iter().position(|n| n == name) {
            Some(k) => k,
            None => panic!("no variable `{name}` in {:?}", self.names),
        }
    }

    /// A state variable, all neurons.
    pub fn var(&self, name: &str) -> &[f64] {
        &self.vars[self.idx(name)]
    }

    /// Set a state variable of every neuron.
    pub fn set(&mut self, name: &str, x: f64) {
        let k = self.idx(name);
        self.vars[k].iter_mut().for_each(|v| *v = x);
    }

    /// One step with per-port inputs (`inputs[p][i]`, missing = 0) and a
    /// uniform external current, in chunks of `chunk` neurons. Returns the
    /// spikes with population indices.
    pub fn advance_chunked(&mut self, inputs: &[Vec<f64>], i_ext: f64, chunk: usize) -> Vec<Spike> {
        let n = self.vars.first().map_or(0, Vec::len);
        let np = self.ports.len();
        let zeros = vec![0.0; n];
        let iext = vec![i_ext; n];
        let key = Key::new(self.seed, Stream::Dynamics, 0);
        let mut out = Vec::new();
        let mut first = 0;
        while first < n {
            let last = (first + chunk).min(n);
            let port_cols: Vec<&[f64]> = (0..np)
                .map(|p| match inputs.get(p) {
                    Some(col) if !col.is_empty() => &col[first..last],
                    _ => &zeros[first..last],
                })
                .collect();
            let io = StepIo {
                t: self.step as f64 * self.dt,
                dt: self.dt,
                step: self.step,
                first,
                ports: &self.ports,
                port_input: &port_cols,
                i_ext: &iext[first..last],
                rng: key,
            };
            let mut refs: Vec<&mut [f64]> =
                self.vars.iter_mut().map(|v| &mut v[first..last]).collect();
            let mut spikes = Vec::new();
            self.model.step(&io, &mut refs, &mut spikes);
            out.extend(spikes.into_iter().map(|s| Spike {
                neuron: s.neuron + first as u32,
                offset: s.offset,
            }));
            first = last;
        }
        self.step += 1;
        out
    }

    /// One step, the whole population as one chunk.
    pub fn advance(&mut self, inputs: &[Vec<f64>], i_ext: f64) -> Vec<Spike> {
        self.advance_chunked(inputs, i_ext, usize::MAX)
    }

    /// Run `steps` steps under a constant external current; spike times (s)
    /// of neuron 0.
    pub fn run(&mut self, steps: u64, i_ext: f64) -> Vec<f64> {
        let mut times = Vec::new();
        for _ in 0..steps {
            let t = self.step as f64 * self.dt;
            for s in self.advance(&[], i_ext) {
                if s.neuron == 0 {
                    times.push(t + s.offset);
                }
            }
        }
        times
    }
}

/// Inter-spike intervals.
pub fn isis(times: &[f64]) -> Vec<f64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}
