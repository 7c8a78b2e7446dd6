//! The engine: a compiled network built into runtime structures and stepped
//! on a fixed clock.
//!
//! One step of `dt`:
//! 1. external inputs for this step are added to the ring-buffer slot of the
//!    step (Poisson events) or to the external current (current sources);
//! 2. every population advances, in chunks of [`CHUNK`] neurons; the chunk's
//!    synaptic input is the current slot of its population's ring buffers;
//!    spikes are collected per chunk in neuron order;
//! 3. each chunk clears the slot it consumed, right after its update;
//! 4. spikes are delivered: each range of a population's ring buffers is
//!    written by one thread only (no locks), walking its incoming projections
//!    in id order and the spikes in neuron order, so every sum is formed in
//!    the same order whatever the thread count;
//! 5. recorders copy what they watch.
//!
//! On several threads, steps 2 to 4 run on a [`Team`] kept for the whole
//! run: each member updates its share of the chunks and delivers into the
//! same share, with one barrier between (module `phase`).

use crate::connect::{self, Csr, Layout};
use crate::model::{NeuronModel, Port, PortKind, Spike};
use crate::models;
use crate::phase::{ChunkOut, Parts, Plan, PopView, StepView};
use crate::rng::{Key, Stream};
use crate::team::Team;
use bra_compile::ir::{self, Effect, Network, Value};
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Neurons per parallel task: fixed, so that results never depend on it.
pub const CHUNK: usize = 4096;

/// Fewest neurons in the network for a run to be split across threads:
/// below it the hand-offs between threads (two per step, each a round trip
/// between cores, about a microsecond) cost more than they save. Results
/// never depend on it (every sum is formed in the same order either way).
pub const PAR_MIN_NEURONS: usize = 2 * CHUNK;

/// Steps between two rebalancings of the team members' shares (by default).
pub const REBALANCE_STEPS: u64 = 256;

/// Largest total size of the spike ring buffers the engine allocates.
pub const MAX_RING_BYTES: u128 = 8 << 30;

/// Something that prevents a network from being built, with its origin.
#[derive(Clone, Debug)]
pub struct BuildError {
    /// What is wrong.
    pub message: String,
    /// Where in the spec it comes from.
    pub origin: Option<ir::Origin>,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{}:{}:{}: {}", o.file, o.line, o.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A numerical fault that stopped a run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Fault {
    /// The population (component).
    pub population: String,
    /// The state variable.
    pub variable: String,
    /// The neuron index.
    pub neuron: usize,
    /// Time at the end of the step where it was found, s.
    pub time: f64,
    /// The value (NaN or ±inf), as text.
    pub value: String,
    /// Where the component is declared.
    pub origin: ir::Origin,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} in {}.{} (neuron {}) at t = {:.4} ms — {} declared at {}:{}:{}",
            self.value,
            self.population,
            self.variable,
            self.neuron,
            self.time * 1e3,
            self.population,
            self.origin.file,
            self.origin.line,
            self.origin.column
        )
    }
}

/// One population at run time.
pub struct Population {
    /// The component's name.
    pub name: String,
    /// Neurons.
    pub size: usize,
    /// The model.
    pub model: Box<dyn NeuronModel>,
    /// State, one vector per variable.
    pub vars: Vec<Vec<f64>>,
    /// Variable names.
    pub var_names: Vec<String>,
    /// Synaptic ports.
    pub ports: Vec<Port>,
    ring: Vec<Vec<f64>>,
    i_ext: Vec<f64>,
    key: Key,
    /// Where it was declared.
    pub origin: ir::Origin,
}

/// One projection at run time.
pub struct Projection {
    /// Its name.
    pub name: String,
    /// Presynaptic population index.
    pub pre: usize,
    /// Postsynaptic population index.
    pub post: usize,
    pub(crate) port: usize,
    /// The synapses.
    pub csr: Csr,
    pub(crate) delay: u32,
    /// How it acts.
    pub effect: Effect,
    /// Factor from SI weights to the port unit.
    pub scale: f64,
    /// Online plasticity (STDP family), when the projection declares it.
    pub plastic: Option<crate::plasticity::Plastic>,
}

impl Projection {
    /// File stem for this projection's saved weights (`E -> E` → `E_to_E`).
    pub fn file_stem(&self) -> String {
        crate::io::safe(&self.name.replace(" -> ", "_to_"))
    }

    /// (pre, post, weight in SI) of every synapse, in storage order.
    pub fn weights_si(&self) -> Vec<(u32, u32, f64)> {
        let mut out = Vec::with_capacity(self.csr.len());
        for i in 0..self.csr.offsets.len().saturating_sub(1) {
            for s in self.csr.row(i) {
                out.push((
                    i as u32,
                    self.csr.targets[s],
                    self.csr.weight(s) as f64 / self.scale,
                ));
            }
        }
        out
    }
}

enum InputKind {
    Poisson {
        rate: f64,
        start: f64,
        stop: f64,
        weight: Value,
        scale: f64,
        port: usize,
    },
    Current {
        amplitude: f64,
        start: f64,
        stop: f64,
    },
    Noise {
        mean: f64,
        sd: f64,
        every: u64,
        start: f64,
        stop: f64,
    },
    Times {
        events: Vec<(u64, Option<u32>)>,
        weight: Value,
        scale: f64,
        port: usize,
    },
}

struct Input {
    target: usize,
    kind: InputKind,
    key: Key,
}

/// What to record of a population's state.
#[derive(Clone, Debug)]
pub struct StateRecorder {
    /// Population index.
    pub pop: usize,
    /// Variable index.
    pub var: usize,
    /// Variable name.
    pub var_name: String,
    /// Neurons `[lo, hi)`.
    pub lo: usize,
    /// End of the range.
    pub hi: usize,
    /// Values, row-major `[step][neuron]`.
    pub data: Vec<f64>,
}

/// A built network, ready to run.
pub struct Engine {
    /// Populations, by IR id.
    pub pops: Vec<Population>,
    /// Projections, by IR id.
    pub projs: Vec<Projection>,
    inputs: Vec<Input>,
    incoming: Vec<Vec<usize>>,
    /// Populations that a current source drives (their external current is
    /// reset every step).
    current_targets: Vec<usize>,
    slots: usize,
    /// The step, s.
    pub dt: f64,
    /// Steps to run.
    pub steps: u64,
    /// The seed.
    pub seed: u64,
    /// Recorded spikes per population (`None` when not recorded): (time s, neuron).
    pub spikes: Vec<Option<Vec<(f64, u32)>>>,
    /// State recorders.
    pub state: Vec<StateRecorder>,
    step: u64,
    spikes_now: Vec<Vec<Spike>>,
    /// Who updates and delivers what (rebuilt when the team changes).
    plan: Plan,
    /// Per chunk of neurons (`plan.chunks`), its spikes and fault of the step.
    chunk_out: Vec<ChunkOut>,
    /// Neurons from which a run goes parallel.
    par_min: usize,
    /// Per team member, its busy time (ns) since the shares were last balanced.
    busy: Vec<AtomicU64>,
    /// Steps between two rebalancings of the members' shares.
    rebalance_every: u64,
    /// How many times the shares moved.
    shares_moved: u64,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Outcome {
    /// Every step ran.
    Completed,
    /// Stopped by the user (Ctrl-C) after this many steps.
    Interrupted {
        /// Steps run.
        steps: u64,
    },
    /// Stopped by a numerical fault.
    Fault(Fault),
}

fn port_of(syn: &ir::Instance) -> Result<Port, String> {
    let tau = syn.params.get("tau").and_then(Value::as_real);
    let kind = match syn.kind.as_str() {
        "delta" => PortKind::Delta,
        "exponential" => PortKind::Exponential {
            tau: tau.ok_or("exponential synapse without tau")?,
        },
        "alpha" => PortKind::Alpha {
            tau: tau.ok_or("alpha synapse without tau")?,
        },
        other => return Err(format!("the runtime has no synapse `{other}`")),
    };
    let conductance = matches!(syn.params.get("mode"), Some(Value::Text(m)) if m == "conductance");
    let e_rev = if conductance {
        Some(
            syn.params
                .get("e_rev")
                .and_then(Value::as_real)
                .unwrap_or(0.0),
        )
    } else {
        None
    };
    Ok(Port { kind, e_rev })
}

fn port_index(ports: &mut Vec<Port>, p: Port) -> usize {
    match ports.iter().position(|q| *q == p) {
        Some(i) => i,
        None => {
            ports.push(p);
            ports.len() - 1
        }
    }
}

fn err(message: impl Into<String>, origin: &ir::Origin) -> BuildError {
    BuildError {
        message: message.into(),
        origin: Some(origin.clone()),
    }
}

impl Engine {
    /// Build a compiled network. `base_dir` resolves file paths (spike
    /// times, connectivity files) of the spec.
    pub fn build(net: &Network, base_dir: &std::path::Path) -> Result<Engine, BuildError> {
        let dt = net.run.dt;
        let seed = net.run.seed;
        // Ports: one per distinct synapse among each population's inputs.
        let mut ports: Vec<Vec<Port>> = vec![Vec::new(); net.populations.len()];
        let mut proj_ports = Vec::new();
        for pr in &net.projections {
            let p = port_of(&pr.synapse).map_err(|m| err(m, &pr.origin))?;
            proj_ports.push(port_index(&mut ports[pr.post as usize], p));
        }
        let mut input_ports = Vec::new();
        for inp in &net.inputs {
            let port = match &inp.synapse {
                Some(s) => Some(port_index(
                    &mut ports[inp.target as usize],
                    port_of(s).map_err(|m| err(m, &inp.origin))?,
                )),
                None => None,
            };
            input_ports.push(port);
        }
        // Delays → ring size.
        let mut max_delay = 1u32;
        let mut proj_delay = Vec::new();
        for pr in &net.projections {
            let d = match &pr.delay {
                Value::Law(l) => {
                    let hi = l.params.get("high").or(l.params.get("max")).copied();
                    let mean = l
                        .params
                        .get("mean")
                        .or(l.params.get("median"))
                        .copied()
                        .unwrap_or(dt);
                    let sd = l.params.get("sd").copied().unwrap_or(0.0);
                    let bound = hi.unwrap_or(mean + 10.0 * sd);
                    ((bound / dt).round() as u32).clamp(1, u16::MAX as u32)
                }
                v => {
                    let d = v.as_real().unwrap_or(dt);
                    ((d / dt).round() as u32).max(1)
                }
            };
            if d as usize > 1_000_000 {
                return Err(err(format!("delay of {d} steps is too long"), &pr.origin));
            }
            max_delay = max_delay.max(d);
            proj_delay.push(d);
        }
        // A step's update consumes and clears its slot before that step's
        // spikes are delivered, so a delay of `max_delay` can reuse it: one
        // slot per step of the longest delay.
        let slots = max_delay as usize;
        // Ring buffers hold one slot per step of the longest delay for every
        // port of every population: refuse sizes that cannot be allocated.
        let ring_bytes: u128 = net
            .populations
            .iter()
            .enumerate()
            .map(|(k, p)| p.size as u128 * ports[k].len() as u128 * slots as u128 * 8)
            .sum();
        if ring_bytes > MAX_RING_BYTES {
            return Err(BuildError {
                message: format!(
                    "the spike ring buffers would need {} GiB (longest delay {} steps); shorten the delays or raise dt",
                    ring_bytes / (1 << 30),
                    max_delay
                ),
                origin: None,
            });
        }
        // Populations.
        let mut pops = Vec::new();
        for (k, p) in net.populations.iter().enumerate() {
            let size =
                usize::try_from(p.size).map_err(|_| err("population too large", &p.origin))?;
            let model = models::build(&p.model, &ports[k])
                .map_err(|m| err(format!("{}: {m}", p.name), &p.origin))?;
            let var_names = model.state_names();
            let nv = var_names.len();
            let init_key = Key::new(seed, Stream::Init, k as u64);
            let mut vars = vec![vec![0.0; size]; nv];
            let mut buf = vec![0.0; nv];
            for i in 0..size {
                model.init(i, init_key, &mut buf);
                for (v, x) in vars.iter_mut().zip(&buf) {
                    v[i] = *x;
                }
            }
            for (var, value) in &p.init {
                let Some(vi) = var_names.iter().position(|n| n == var) else {
                    return Err(err(
                        format!(
                            "`{}` has no state variable `{var}` to initialise (it has {})",
                            p.model.kind,
                            var_names.join(", ")
                        ),
                        &p.origin,
                    ));
                };
                let key = Key::new(seed, Stream::Init, 1_000_000 + k as u64 * 64 + vi as u64);
                for (i, x) in vars[vi].iter_mut().enumerate() {
                    *x = connect::value_of(value, key, i as u64, 0);
                }
            }
            let np = ports[k].len();
            pops.push(Population {
                name: p.name.clone(),
                size,
                model,
                vars,
                var_names,
                ports: ports[k].clone(),
                ring: vec![vec![0.0; slots * size]; np],
                i_ext: vec![0.0; size],
                key: Key::new(seed, Stream::Dynamics, k as u64),
                origin: p.origin.clone(),
            });
        }
        // Projections: connectivity generated in parallel, one stream each.
        let layouts: Vec<Layout> = net
            .populations
            .iter()
            .map(|p| Layout {
                size: p.size as usize,
                shape: p.shape.map(|[r, c]| [r as usize, c as usize]),
            })
            .collect();
        let built: Vec<Result<Projection, BuildError>> = net
            .projections
            .par_iter()
            .enumerate()
            .map(|(k, pr)| {
                let (pre, post) = (pr.pre as usize, pr.post as usize);
                let scale = weight_scale(
                    &pr.weight_dim,
                    pops[post].model.as_ref(),
                    &pops[post].ports[proj_ports[k]],
                )
                .map_err(|m| err(format!("{}: {m}", pr.name), &pr.origin))?;
                let rows = connect::pairs(
                    &pr.connector.kind,
                    &pr.connector.params,
                    layouts[pre],
                    layouts[post],
                    pre == post,
                    Key::new(seed, Stream::Connect, k as u64),
                    base_dir,
                )
                .map_err(|m| err(format!("{}: {m}", pr.name), &pr.origin))?;
                let mut csr =
                    connect::build(rows, &pr.weight, scale, &pr.delay, dt, seed, k as u64);
                // The ring buffers hold the longest delay the law allows; a draw
                // in its far tail waits that long (it would otherwise wrap round).
                if let Some(d) = csr.delays.as_mut() {
                    let most = proj_delay[k].min(u16::MAX as u32) as u16;
                    d.iter_mut().for_each(|x| *x = (*x).min(most));
                }
                if pr.plasticity.is_some() {
                    // Plastic synapses change one by one.
                    csr.unshare();
                }
                let plastic = match &pr.plasticity {
                    Some(rule) => crate::plasticity::Plastic::new(
                        rule,
                        &csr,
                        layouts[post].size,
                        proj_delay[k] as f64 * dt,
                        scale,
                    )
                    .map_err(|m| err(format!("{}: {m}", pr.name), &pr.origin))?,
                    None => None,
                };
                Ok(Projection {
                    name: pr.name.clone(),
                    pre,
                    post,
                    port: proj_ports[k],
                    csr,
                    delay: proj_delay[k],
                    effect: pr.effect,
                    scale,
                    plastic,
                })
            })
            .collect();
        let projs = built.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut incoming = vec![Vec::new(); pops.len()];
        for (k, p) in projs.iter().enumerate() {
            if p.effect != Effect::Modulatory {
                incoming[p.post].push(k);
            }
        }
        // Inputs.
        let mut inputs = Vec::new();
        for (k, inp) in net.inputs.iter().enumerate() {
            let target = inp.target as usize;
            let g = |n: &str, d: f64| {
                inp.source
                    .params
                    .get(n)
                    .and_then(Value::as_real)
                    .unwrap_or(d)
            };
            let key = Key::new(seed, Stream::Input, k as u64);
            let kind = match inp.source.kind.as_str() {
                "poisson" => {
                    let port = input_ports[k]
                        .ok_or_else(|| err("a Poisson input needs a synapse", &inp.origin))?;
                    let scale = weight_scale(
                        inp.weight_dim.as_deref().unwrap_or("voltage"),
                        pops[target].model.as_ref(),
                        &pops[target].ports[port],
                    )
                    .map_err(|m| err(format!("{}: {m}", inp.name), &inp.origin))?;
                    InputKind::Poisson {
                        rate: g("rate", 0.0),
                        start: g("start", 0.0),
                        stop: inp
                            .source
                            .params
                            .get("stop")
                            .and_then(Value::as_real)
                            .unwrap_or(f64::INFINITY),
                        weight: inp.weight.clone().unwrap_or(Value::Real(0.0)),
                        scale,
                        port,
                    }
                }
                "current_source" => InputKind::Current {
                    amplitude: g("amplitude", 0.0),
                    start: g("start", 0.0),
                    stop: inp
                        .source
                        .params
                        .get("stop")
                        .and_then(Value::as_real)
                        .unwrap_or(f64::INFINITY),
                },
                "noise_current" => InputKind::Noise {
                    mean: g("mean", 0.0),
                    sd: g("sd", 0.0),
                    every: ((g("interval", dt) / dt).round() as u64).max(1),
                    start: g("start", 0.0),
                    stop: inp
                        .source
                        .params
                        .get("stop")
                        .and_then(Value::as_real)
                        .unwrap_or(f64::INFINITY),
                },
                "spike_times" => {
                    let port = input_ports[k]
                        .ok_or_else(|| err("a spike-time input needs a synapse", &inp.origin))?;
                    let scale = weight_scale(
                        inp.weight_dim.as_deref().unwrap_or("voltage"),
                        pops[target].model.as_ref(),
                        &pops[target].ports[port],
                    )
                    .map_err(|m| err(format!("{}: {m}", inp.name), &inp.origin))?;
                    let events = read_spike_times(&inp.source, base_dir, dt, pops[target].size)
                        .map_err(|m| err(m, &inp.origin))?;
                    InputKind::Times {
                        events,
                        weight: inp.weight.clone().unwrap_or(Value::Real(0.0)),
                        scale,
                        port,
                    }
                }
                other => return Err(err(format!("`{other}` cannot drive an input"), &inp.origin)),
            };
            inputs.push(Input { target, kind, key });
        }
        let steps = (net.run.duration / dt).round() as u64;
        // Recorders: spikes of every population unless the spec names some.
        let mut spikes: Vec<Option<Vec<(f64, u32)>>> = vec![None; pops.len()];
        let mut state = Vec::new();
        let any_spike_rec = net.recorders.iter().any(|r| r.variable == "spikes");
        for r in &net.recorders {
            let p = r.population as usize;
            if r.variable == "spikes" {
                spikes[p] = Some(Vec::new());
                continue;
            }
            let Some(var) = pops[p].var_names.iter().position(|n| *n == r.variable) else {
                return Err(err(
                    format!(
                        "`{}` ({}) has no variable `{}`; it has {}",
                        pops[p].name,
                        pops[p].model.name(),
                        r.variable,
                        pops[p].var_names.join(", ")
                    ),
                    &r.origin,
                ));
            };
            let [lo, hi] = r.indices.unwrap_or([0, pops[p].size as u64]);
            state.push(StateRecorder {
                pop: p,
                var,
                var_name: r.variable.clone(),
                lo: lo as usize,
                hi: (hi as usize).min(pops[p].size),
                data: Vec::new(),
            });
        }
        if !any_spike_rec {
            for (p, s) in spikes.iter_mut().enumerate() {
                if pops[p].model.spiking() {
                    *s = Some(Vec::new());
                }
            }
        }
        let n = pops.len();
        let mut current_targets: Vec<usize> = inputs
            .iter()
            .filter(|i| matches!(i.kind, InputKind::Current { .. } | InputKind::Noise { .. }))
            .map(|i| i.target)
            .collect();
        current_targets.sort_unstable();
        current_targets.dedup();
        Ok(Engine {
            current_targets,
            pops,
            projs,
            inputs,
            incoming,
            slots,
            dt,
            steps,
            seed,
            spikes,
            state,
            step: 0,
            spikes_now: vec![Vec::new(); n],
            plan: Plan::default(),
            chunk_out: Vec::new(),
            par_min: PAR_MIN_NEURONS,
            busy: Vec::new(),
            rebalance_every: REBALANCE_STEPS,
            shares_moved: 0,
        })
    }

    /// Replace a projection's weights by saved ones (SI), as written by a
    /// previous run (`weights/<projection>.npy`, rows of pre, post, weight).
    /// The connectivity must be the same (same spec and seed).
    pub fn load_weights(&mut self, name: &str, rows: &[[f64; 3]]) -> Result<(), String> {
        let pr = self
            .projs
            .iter_mut()
            .find(|p| p.file_stem() == name || p.name == name)
            .ok_or_else(|| format!("no projection `{name}` in this network"))?;
        let mine = pr.weights_si();
        if mine.len() != rows.len() {
            return Err(format!(
                "`{}` has {} synapses, the saved weights {}; load weights into the network they came from (same spec and seed)",
                pr.name,
                mine.len(),
                rows.len()
            ));
        }
        pr.csr.unshare();
        for (k, (a, r)) in mine.iter().zip(rows).enumerate() {
            if a.0 as f64 != r[0] || a.1 as f64 != r[1] {
                return Err(format!(
                    "`{}`: synapse {k} connects {} -> {} here but {} -> {} in the saved weights; the connectivity differs (same spec and seed?)",
                    pr.name, a.0, a.1, r[0], r[1]
                ));
            }
            if !r[2].is_finite() {
                return Err(format!(
                    "`{}`: synapse {k} has a non-finite saved weight",
                    pr.name
                ));
            }
            pr.csr.weights[k] = (r[2] * pr.scale) as f32;
        }
        Ok(())
    }

    /// From how many neurons a run goes parallel, when the current rayon
    /// pool has several threads (default [`PAR_MIN_NEURONS`]). Only speed
    /// depends on it. Tests set 0 to run small networks in parallel; 0 also
    /// lifts the limit of one thread per core, so that results can be
    /// checked with more threads than the machine has.
    pub fn set_parallel_threshold(&mut self, neurons: usize) {
        self.par_min = neurons;
    }

    /// Every how many steps a team's shares are rebalanced (default
    /// [`REBALANCE_STEPS`]). Only speed depends on it; tests set 1 so that
    /// the shares move during a short run.
    pub fn set_rebalance_interval(&mut self, steps: u64) {
        self.rebalance_every = steps.max(1);
    }

    /// How many times the team's shares have moved so far.
    pub fn shares_moved(&self) -> u64 {
        self.shares_moved
    }

    /// Synapses in the network.
    pub fn synapse_count(&self) -> usize {
        self.projs.iter().map(|p| p.csr.len()).sum()
    }

    /// Bytes held by synapses.
    pub fn synapse_bytes(&self) -> usize {
        self.projs.iter().map(|p| p.csr.bytes()).sum()
    }

    /// Steps run so far.
    pub fn steps_done(&self) -> u64 {
        self.step
    }

    /// Run to the end (or until `stop` is raised), calling `progress(step)`
    /// every `every` steps. With several threads in the current rayon pool
    /// (at most one per core) and a network of [`PAR_MIN_NEURONS`] neurons
    /// or more, the steps run on a [`Team`] of that many threads kept for
    /// the run.
    pub fn run(
        &mut self,
        stop: Option<Arc<AtomicBool>>,
        every: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Outcome {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut members = rayon::current_num_threads();
        if self.par_min > 0 {
            // Members wait for each other actively: more than one per core
            // would only slow the run.
            members = members.min(cores);
        }
        let neurons: usize = self.pops.iter().map(|p| p.size).sum();
        let team = if members > 1 && neurons >= self.par_min {
            // Without threads of its own the run goes on the calling thread.
            Team::new(members).ok()
        } else {
            None
        };
        while self.step < self.steps {
            if stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
                return Outcome::Interrupted { steps: self.step };
            }
            if let Err(f) = self.advance_on(team.as_ref()) {
                return Outcome::Fault(*f);
            }
            if every > 0 && self.step.is_multiple_of(every) {
                progress(self.step);
            }
        }
        progress(self.step);
        Outcome::Completed
    }

    /// Advance one step (on the calling thread).
    pub fn advance(&mut self) -> Result<(), Box<Fault>> {
        self.advance_on(None)
    }

    /// Advance one step, in parallel on `team` when given.
    fn advance_on(&mut self, team: Option<&Team>) -> Result<(), Box<Fault>> {
        let n = self.step;
        let steps = self.steps;
        let dt = self.dt;
        let t = n as f64 * dt;
        let slot = (n % self.slots as u64) as usize;
        // 1. External inputs.
        for &k in &self.current_targets {
            self.pops[k].i_ext.iter_mut().for_each(|x| *x = 0.0);
        }
        for inp in &self.inputs {
            let pop = &mut self.pops[inp.target];
            let size = pop.size;
            match &inp.kind {
                InputKind::Poisson {
                    rate,
                    start,
                    stop,
                    weight,
                    scale,
                    port,
                } => {
                    if t < *start || t >= *stop {
                        continue;
                    }
                    // An exact Poisson count of events per neuron and step
                    // (several can fall in one step), each with its weight.
                    let lambda = rate * dt;
                    let p0 = (-lambda).exp();
                    let ring = &mut pop.ring[*port][slot * size..(slot + 1) * size];
                    for (i, r) in ring.iter_mut().enumerate() {
                        let u = inp.key.uniform(i as u64, n);
                        let k = models::sources::poisson_count_from(p0, lambda, u) as u64;
                        for j in 0..k {
                            *r += connect::value_of(
                                weight,
                                inp.key,
                                i as u64,
                                (n ^ 0x5555_5555).wrapping_add(j << 40),
                            ) * scale;
                        }
                    }
                }
                InputKind::Current {
                    amplitude,
                    start,
                    stop,
                } => {
                    if t >= *start && t < *stop {
                        pop.i_ext.iter_mut().for_each(|x| *x += amplitude);
                    }
                }
                InputKind::Noise {
                    mean,
                    sd,
                    every,
                    start,
                    stop,
                } => {
                    if t >= *start && t < *stop {
                        let draw = n / every;
                        for (i, x) in pop.i_ext.iter_mut().enumerate() {
                            *x += mean + sd * inp.key.normal(i as u64, draw);
                        }
                    }
                }
                InputKind::Times {
                    events,
                    weight,
                    scale,
                    port,
                } => {
                    let lo = events.partition_point(|e| e.0 < n);
                    let ring = &mut pop.ring[*port][slot * size..(slot + 1) * size];
                    for (k, e) in events[lo..].iter().take_while(|e| e.0 == n).enumerate() {
                        let w = connect::value_of(weight, inp.key, k as u64, n) * scale;
                        match e.1 {
                            Some(i) => ring[i as usize] += w,
                            None => ring.iter_mut().for_each(|r| *r += w),
                        }
                    }
                }
            }
        }
        // 2-4. Update every neuron (each chunk clears the ring-buffer slot it
        // consumed), then deliver the step's spikes; on a team, each member
        // does both for its share of the neurons (see `phase`).
        let members = team.map_or(1, Team::size);
        if self.plan.members != members {
            let sizes: Vec<usize> = self.pops.iter().map(|p| p.size).collect();
            self.plan = Plan::new(&sizes, members);
            self.busy = (0..members).map(|_| AtomicU64::new(0)).collect();
        } else if members > 1 && n.is_multiple_of(self.rebalance_every.max(1)) && n > 0 {
            // Equal shares of neurons need not take equal time (models
            // differ in cost, a share may span more populations and so walk
            // more rows): move the bounds towards equal busy times. Only
            // speed depends on the shares.
            let busy: Vec<f64> = self
                .busy
                .iter()
                .map(|b| b.swap(0, Ordering::Relaxed) as f64)
                .collect();
            let sizes: Vec<usize> = self.pops.iter().map(|p| p.size).collect();
            if let Some(bounds) = self.plan.rebalanced(&sizes, &busy) {
                self.plan = Plan::with_bounds(&sizes, &bounds);
                self.shares_moved += 1;
            }
        }
        let chunks = self.plan.chunks.len();
        self.chunk_out.resize_with(chunks, ChunkOut::default);
        {
            let pops = self
                .pops
                .iter_mut()
                .map(|p| {
                    let Population {
                        model,
                        ports,
                        vars,
                        ring,
                        i_ext,
                        key,
                        size,
                        ..
                    } = p;
                    let model: &dyn NeuronModel = &**model;
                    PopView {
                        output: model.output_var(),
                        model,
                        ports,
                        key: *key,
                        size: *size,
                        vars: vars.iter_mut().map(|v| Parts::new(v)).collect(),
                        ring: ring.iter_mut().map(|r| Parts::new(r)).collect(),
                        i_ext,
                    }
                })
                .collect();
            let view = StepView {
                plan: &self.plan,
                pops,
                projs: &self.projs,
                incoming: &self.incoming,
                outs: Parts::new(&mut self.chunk_out),
                step: n,
                steps,
                dt,
                slots: self.slots,
            };
            let busy = &self.busy;
            // The step's spikes per population, gathered and recorded by
            // member 0 after its delivery (the busy times count it, so the
            // shares make room for it).
            let collect = std::sync::Mutex::new((&mut self.spikes_now, &mut self.spikes));
            let gather = || {
                let mut guard = collect.lock().unwrap_or_else(|e| e.into_inner());
                let (now, rec) = &mut *guard;
                view.collect(t, now, rec);
            };
            match team {
                Some(team) => team.run_members(|m, barrier| {
                    let start = Instant::now();
                    view.update(m);
                    let mut took = start.elapsed();
                    if barrier.wait() {
                        let start = Instant::now();
                        view.deliver(m);
                        if m == 0 {
                            gather();
                        }
                        took += start.elapsed();
                    }
                    if let Some(b) = busy.get(m) {
                        b.fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
                    }
                }),
                None => {
                    view.update(0);
                    view.deliver(0);
                    gather();
                }
            }
        }
        // The first fault of the step.
        let fault = self
            .plan
            .chunks
            .iter()
            .zip(&self.chunk_out)
            .find_map(|(ch, out)| {
                out.fault
                    .map(|(vi, neuron, value)| (ch.pop, vi, neuron, value))
            });
        // Plasticity, after delivery (a spike is sent with the weight it had
        // when emitted).
        for pr in &mut self.projs {
            if let Some(pl) = pr.plastic.as_mut() {
                pl.step(
                    &mut pr.csr,
                    t,
                    dt,
                    &self.spikes_now[pr.pre],
                    &self.spikes_now[pr.post],
                );
            }
        }
        // 5. Record the state (the spikes are recorded already).
        for r in &mut self.state {
            r.data
                .extend_from_slice(&self.pops[r.pop].vars[r.var][r.lo..r.hi]);
        }
        self.step += 1;
        if let Some((pi, vi, neuron, value)) = fault {
            let p = &self.pops[pi];
            return Err(Box::new(Fault {
                population: p.name.clone(),
                variable: p.var_names[vi].clone(),
                neuron,
                time: self.step as f64 * dt,
                value: format!("{value}"),
                origin: p.origin.clone(),
            }));
        }
        Ok(())
    }
}

/// The factor that turns a weight of the given dimension into the port's unit.
fn weight_scale(dim: &str, model: &dyn NeuronModel, port: &Port) -> Result<f64, String> {
    match (dim, port.e_rev.is_some()) {
        ("conductance", true) => Ok(1.0),
        ("conductance", false) => {
            Err("a conductance weight needs a conductance synapse (mode: conductance)".into())
        }
        (_, true) => Err("a conductance synapse needs a weight in siemens (e.g. 2 nS)".into()),
        ("voltage", false) | ("dimensionless", false) => Ok(1.0),
        ("current", false) => model.current_scale().ok_or_else(|| {
            format!(
                "`{}` takes no current weights; give the weight in mV",
                model.name()
            )
        }),
        (other, _) => Err(format!("unknown weight dimension `{other}`")),
    }
}

/// Read a spike-time file: one time (s) per line, or `neuron,time` pairs;
/// `.npy` files hold times (1-D) or `[neuron, time]` rows.
fn read_spike_times(
    src: &ir::Instance,
    base: &std::path::Path,
    dt: f64,
    size: usize,
) -> Result<Vec<(u64, Option<u32>)>, String> {
    let mut out = Vec::new();
    match src.params.get("path") {
        Some(Value::List(times)) => {
            out.extend(
                times
                    .iter()
                    .map(|t| ((t / dt).round().max(0.0) as u64, None)),
            );
        }
        Some(Value::Text(p)) => {
            let path = base.join(p);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let fields: Vec<&str> = line
                    .split([',', ' ', '\t'])
                    .filter(|s| !s.is_empty())
                    .collect();
                let bad = || {
                    format!(
                        "{}:{}: expected `time` or `neuron,time`, found `{line}`",
                        path.display(),
                        n + 1
                    )
                };
                match fields.as_slice() {
                    [t] => match t.parse::<f64>() {
                        Ok(t) if t.is_finite() && t >= 0.0 => {
                            out.push(((t / dt).round() as u64, None))
                        }
                        _ if n == 0 => continue, // a header
                        _ => return Err(bad()),
                    },
                    [i, t] => match (i.parse::<usize>(), t.parse::<f64>()) {
                        (Ok(i), Ok(t)) if i < size && t.is_finite() && t >= 0.0 => {
                            out.push(((t / dt).round() as u64, Some(i as u32)))
                        }
                        _ if n == 0 => continue,
                        _ => return Err(bad()),
                    },
                    _ => return Err(bad()),
                }
            }
        }
        _ => return Err("spike_times needs a path".into()),
    }
    out.sort_by_key(|e| (e.0, e.1));
    Ok(out)
}
