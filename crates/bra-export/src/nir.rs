//! Export to, and import from, NIR (the Neuromorphic Intermediate
//! Representation, <https://neuroir.org>): a graph of neuron and linear
//! nodes stored in HDF5, the layout that Python's `nir.write` produces and
//! `nir.read` reads (NIR 1.0.x).
//!
//! # File layout
//!
//! A dataset `version` (variable-length UTF-8 string) and a group `node`
//! holding the top-level `NIRGraph`: `type` = `"NIRGraph"`, a group `nodes`
//! with one group per node (`type` plus one float64 dataset per parameter;
//! `Input`/`Output` have an int64 `shape`), a `(n, 2)` dataset `edges` of
//! variable-length UTF-8 strings (source, target), and a `metadata` group.
//! The HDF5 side is in [`h5`]; the graph here is plain data.
//!
//! # Mapping (export)
//!
//! NIR's equations are unit-free. bra writes every value in SI — seconds,
//! volts, ohms, amperes — and **voltages relative to the neuron's resting
//! potential** (`v − v_rest`), so that a consumer starting its state at 0
//! starts where bra does (bra starts `v` at `v_rest`). The graph's metadata
//! says so (`units`, `voltage`), and each neuron node keeps `v_rest` in its
//! metadata so that [`import`] restores absolute potentials.
//!
//! * `lif` (current-based; `τ_m dv/dt = −(v − v_rest) + R·i_e + Σ x_p`,
//!   `R = τ_m/c_m`) → `LIF` when every input has a `delta` synapse (or there
//!   is none), `CubaLIF` when every input has an `exponential` synapse with
//!   one time constant: `tau`/`tau_mem = τ_m`, `r = R`, `v_leak = R·i_e`
//!   (plus `R·I` of a `current_source` stimulus that is on for the whole run),
//!   `v_threshold = v_th − v_rest`, `v_reset = v_reset − v_rest`,
//!   `tau_syn = τ` of the synapse, `w_in = 1`.
//! * A projection → `Linear` (weight matrix `n_post × n_pre`: the synapses
//!   that bra's runtime draws for the spec's seed, with its own connector
//!   code and random streams, in float64, multapses summed) → `Delay`
//!   (`n_post`; bra's effective delay: the spec's delay rounded to whole
//!   steps, at least one step). A `Linear`
//!   weight is the **charge one spike delivers, in coulombs**: with `w_V` the
//!   weight as a voltage jump (a current weight times `R`, as bra's runtime
//!   converts it), `W = w_V·c_m` onto a `LIF` (so `v` jumps by `w_V`) and
//!   `W = w_V·τ_syn/R` onto a `CubaLIF` (so `R·I` jumps by `w_V`).
//! * `poisson` and `spike_times` populations → `Input` nodes (shape = size):
//!   NIR has no random or file-driven sources, so the spike trains are the
//!   graph's input, to be fed by whoever runs it; the source (model and
//!   parameters) is kept in the node's metadata (`bra_source`, JSON).
//! * `poisson` and `spike_times` stimuli → an `Input` node (one channel per
//!   target neuron, each target's own afferent as in bra) and a diagonal
//!   `Linear`, with the source in the metadata as above.
//! * Each neuron population → an `Output` node `<name>_out` (its spikes).
//! * A network without any `Input` gets one, `input`, wired into its first
//!   population (NIR's type inference starts from an `Input`); it carries
//!   nothing when left unfed, and [`import`] drops it.
//!
//! # Refused (a [`Diagnostic`] naming the part, nothing written)
//!
//! Every other neuron model (NIR's neurons are LIF, CubaLIF, IF, LI, CubaLI
//! and I); `t_ref > 0` (NIR neurons have no refractory period: write
//! `t_ref: 0 ms`); per-neuron initial values (`v_init`, NIR has no initial
//! state); parameters drawn from laws; inputs of one population with
//! different synapse kinds or time constants (a CubaLIF has one `tau_syn`),
//! `alpha` or conductance synapses; plasticity; modulatory flows; delays
//! drawn per synapse; stimulus weights drawn from laws (bra draws them per
//! spike); `noise_current` and time-windowed `current_source` stimuli; and
//! weight matrices above [`MAX_WEIGHTS`] elements (NIR stores them dense).

use crate::{Diagnostic, real};
use bra_compile::ir::{Instance, Network, Origin, Population, Value};
use bra_runtime::connect::{self, Layout};
use bra_runtime::rng::{Key, Stream};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub mod h5;
pub mod import;

/// The NIR version whose layout is written (`version` in the file).
pub const NIR_VERSION: &str = "1.0.8";

/// Largest weight matrix written (elements, `n_post × n_pre`): 2^24, 128 MiB
/// of float64. NIR stores weights dense; a larger projection is refused.
pub const MAX_WEIGHTS: usize = 1 << 24;

/// A numeric parameter of a node: shape and values in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    /// The dimensions (`[]` for a scalar).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<f64>,
}

impl Array {
    /// A vector.
    pub fn vector(data: Vec<f64>) -> Array {
        Array {
            shape: vec![data.len()],
            data,
        }
    }
    /// A vector of `n` copies of `x`.
    pub fn fill(n: usize, x: f64) -> Array {
        Array::vector(vec![x; n])
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// A metadata value.
#[derive(Clone, Debug, PartialEq)]
pub enum Meta {
    /// A number.
    Real(f64),
    /// A string.
    Text(String),
}

/// One NIR node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// NIR type (`LIF`, `CubaLIF`, `Linear`, `Delay`, `Input`, `Output`, …).
    pub kind: String,
    /// Its parameters (`shape` of `Input`/`Output` is written as int64).
    pub params: BTreeMap<String, Array>,
    /// Its metadata.
    pub metadata: BTreeMap<String, Meta>,
    /// A nested graph, for `NIRGraph` nodes (read only; bra writes none).
    pub graph: Option<Box<Graph>>,
}

impl Node {
    fn new(kind: &str) -> Node {
        Node {
            kind: kind.to_string(),
            params: BTreeMap::new(),
            metadata: BTreeMap::new(),
            graph: None,
        }
    }
    fn param(mut self, k: &str, a: Array) -> Node {
        self.params.insert(k.to_string(), a);
        self
    }
    fn meta(mut self, k: &str, m: Meta) -> Node {
        self.metadata.insert(k.to_string(), m);
        self
    }
    /// A text metadata value.
    pub fn meta_text(&self, k: &str) -> Option<&str> {
        match self.metadata.get(k) {
            Some(Meta::Text(s)) => Some(s),
            _ => None,
        }
    }
    /// A numeric metadata value.
    pub fn meta_real(&self, k: &str) -> Option<f64> {
        match self.metadata.get(k) {
            Some(Meta::Real(x)) => Some(*x),
            _ => None,
        }
    }
}

/// A NIR graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// Nodes by name.
    pub nodes: BTreeMap<String, Node>,
    /// Edges `(source, target)`, in order.
    pub edges: Vec<(String, String)>,
    /// Graph metadata.
    pub metadata: BTreeMap<String, Meta>,
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Nodes in the graph.
    pub nodes: usize,
    /// Edges in the graph.
    pub edges: usize,
    /// Synapses drawn into weight matrices.
    pub synapses: usize,
    /// Things the user should know (sources that became `Input` nodes, …).
    pub notes: Vec<String>,
}

/// Why an export wrote nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// Parts of the network NIR cannot express.
    Refused(Vec<Diagnostic>),
    /// The file could not be written.
    Io(String),
}

/// Map `net` to NIR and write it to `path` (atomically: a temporary file
/// beside it, then a rename). `base_dir` resolves the spec's files
/// (`from_file` connectors).
pub fn write(net: &Network, base_dir: &Path, path: &Path) -> Result<Summary, Error> {
    let (g, summary) = graph(net, base_dir).map_err(Error::Refused)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let res = h5::write(&g, &tmp).and_then(|()| {
        std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
    });
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Io(e));
    }
    Ok(summary)
}

/// The population's neuron node, as far as the export has decided it.
struct Neuron {
    /// NIR node name.
    node: String,
    /// Whether it is an `Input` (source population).
    input: bool,
    /// `R = τ_m / c_m` (Ω), for lif.
    r: f64,
    /// `c_m` (F), for lif.
    c_m: f64,
    /// `τ_syn` (s) when a CubaLIF.
    tau_syn: Option<f64>,
}

struct Cx<'a> {
    net: &'a Network,
    diags: Vec<Diagnostic>,
    taken: BTreeSet<String>,
    g: Graph,
    notes: Vec<String>,
}

impl Cx<'_> {
    fn refuse(&mut self, component: &str, origin: &Origin, reason: impl Into<String>) {
        self.diags.push(Diagnostic {
            component: component.to_string(),
            reason: reason.into(),
            origin: origin.clone(),
        });
    }
    /// A node name not used yet, from `base` (an HDF5 group name: no `/`).
    fn name(&mut self, base: &str) -> String {
        let base = match base.replace('/', "_") {
            b if b.is_empty() || b == "." => format!("node{b}"),
            b => b,
        };
        let base = base.as_str();
        let mut n = base.to_string();
        let mut k = 2;
        while self.taken.contains(&n) {
            n = format!("{base}_{k}");
            k += 1;
        }
        self.taken.insert(n.clone());
        n
    }
    fn add(&mut self, name: &str, node: Node) {
        self.g.nodes.insert(name.to_string(), node);
    }
    fn edge(&mut self, a: &str, b: &str) {
        self.g.edges.push((a.to_string(), b.to_string()));
    }
}

fn origin_text(o: &Origin) -> String {
    format!("{}:{}:{}", o.file, o.line, o.column)
}

/// The source instance as JSON (kept in an `Input` node's metadata).
fn source_json(inst: &Instance) -> String {
    serde_json::to_string(inst).unwrap_or_else(|_| format!("{{\"kind\":\"{}\"}}", inst.kind))
}

/// The synapse every input of `pop` shares: `None` for delta (or none),
/// `Some(tau)` for exponential; `Err` after refusing.
fn synapse_of(cx: &mut Cx, pop: &Population) -> Result<Option<f64>, ()> {
    let net = cx.net;
    let mut ins: Vec<(&str, &Origin, &Instance)> = Vec::new();
    for pr in net.projections.iter().filter(|p| p.post == pop.id) {
        ins.push((&pr.name, &pr.origin, &pr.synapse));
    }
    for i in net.inputs.iter().filter(|i| i.target == pop.id) {
        if let Some(s) = &i.synapse {
            ins.push((&i.name, &i.origin, s));
        }
    }
    let mut first: Option<(&str, String, Option<f64>)> = None;
    let mut ok = true;
    for (name, origin, syn) in ins {
        if let Some(Value::Text(m)) = syn.params.get("mode")
            && m == "conductance"
        {
            cx.refuse(
                name,
                origin,
                "a conductance synapse onto `lif`; NIR's neurons (LIF, CubaLIF) are current-based",
            );
            ok = false;
            continue;
        }
        let tau = match syn.kind.as_str() {
            "delta" => None,
            "exponential" => real(&syn.params, "tau"),
            other => {
                cx.refuse(
                    name,
                    origin,
                    format!(
                        "the `{other}` synapse has no NIR counterpart (NIR has delta inputs, LIF, and exponential current synapses, CubaLIF)"
                    ),
                );
                ok = false;
                continue;
            }
        };
        let kind = syn.kind.clone();
        match &first {
            None => first = Some((name, kind, tau)),
            Some((n0, k0, t0)) => {
                if *k0 != kind {
                    cx.refuse(
                        name,
                        origin,
                        format!(
                            "`{}` receives `{k0}` (from `{n0}`) and `{kind}` synapses; a NIR neuron node has one input kind (LIF: delta, CubaLIF: one exponential synapse)",
                            pop.name
                        ),
                    );
                    ok = false;
                } else if let (Some(a), Some(b)) = (t0, tau)
                    && (a - b).abs() > 1e-12 * a.abs()
                {
                    cx.refuse(
                        name,
                        origin,
                        format!(
                            "`{}` receives exponential synapses with tau {} ms (from `{n0}`) and {} ms; NIR's CubaLIF has one synaptic time constant",
                            pop.name,
                            a * 1e3,
                            b * 1e3
                        ),
                    );
                    ok = false;
                }
            }
        }
    }
    if !ok {
        return Err(());
    }
    Ok(first.and_then(|(_, _, t)| t))
}

/// A real, population-wide parameter, or a refusal.
fn lif_param(cx: &mut Cx, pop: &Population, k: &str) -> Option<f64> {
    match pop.model.params.get(k) {
        Some(v) => match v.as_real() {
            Some(x) => Some(x),
            None => {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    format!(
                        "the lif parameter `{k}` is drawn from a law; bra's lif takes one value per population (write a number)"
                    ),
                );
                None
            }
        },
        None => {
            cx.refuse(
                &pop.name,
                &pop.origin,
                format!("the lif has no parameter `{k}`"),
            );
            None
        }
    }
}

/// DC current from `current_source` stimuli that are on for the whole run.
fn dc_current(cx: &mut Cx, pop: &Population) -> f64 {
    let net = cx.net;
    let mut total = 0.0;
    for inp in net.inputs.iter().filter(|i| i.target == pop.id) {
        if inp.source.kind != "current_source" {
            continue;
        }
        let amp = real(&inp.source.params, "amplitude");
        let start = real(&inp.source.params, "start").unwrap_or(0.0);
        let stop = real(&inp.source.params, "stop").unwrap_or(f64::INFINITY);
        match amp {
            Some(a) if start <= 0.0 && stop >= net.run.duration => total += a,
            Some(_) => cx.refuse(
                &inp.name,
                &inp.origin,
                format!(
                    "a current switched on at {} ms and off at {} ms; NIR has no time-dependent input (only a current on for the whole run becomes part of v_leak)",
                    start * 1e3,
                    stop * 1e3
                ),
            ),
            None => cx.refuse(
                &inp.name,
                &inp.origin,
                "the current's amplitude is not a number",
            ),
        }
    }
    total
}

fn neuron(cx: &mut Cx, pop: &Population) -> Option<Neuron> {
    let n = pop.size as usize;
    match pop.model.kind.as_str() {
        "lif" => {
            let mut bad = false;
            if !pop.init.is_empty() {
                let keys: Vec<String> = pop.init.keys().map(|k| format!("{k}_init")).collect();
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    format!(
                        "initial values ({}) are set per neuron; NIR has no initial state (its neurons start at 0, which this export makes v_rest): remove them",
                        keys.join(", ")
                    ),
                );
                bad = true;
            }
            let mut get = |k: &str| lif_param(cx, pop, k);
            let (tau_m, v_rest, v_th, v_reset, t_ref, c_m) = (
                get("tau_m"),
                get("v_rest"),
                get("v_th"),
                get("v_reset"),
                get("t_ref"),
                get("c_m"),
            );
            let i_e = match pop.model.params.get("i_e") {
                None => Some(0.0),
                Some(_) => lif_param(cx, pop, "i_e"),
            };
            let (
                Some(tau_m),
                Some(v_rest),
                Some(v_th),
                Some(v_reset),
                Some(t_ref),
                Some(c_m),
                Some(i_e),
            ) = (tau_m, v_rest, v_th, v_reset, t_ref, c_m, i_e)
            else {
                return None;
            };
            if t_ref > 0.0 {
                cx.refuse(
                    &pop.name,
                    &pop.origin,
                    format!(
                        "t_ref = {} ms: NIR's LIF and CubaLIF have no refractory period (write `t_ref: 0 ms` to export this population)",
                        t_ref * 1e3
                    ),
                );
                bad = true;
            }
            let syn = synapse_of(cx, pop);
            let dc = dc_current(cx, pop);
            let Ok(tau_syn) = syn else { return None };
            if bad {
                return None;
            }
            let r = tau_m / c_m;
            let node = cx.name(&pop.name);
            let v_leak = r * (i_e + dc);
            let mut nd = match tau_syn {
                None => Node::new("LIF").param("tau", Array::fill(n, tau_m)),
                Some(ts) => Node::new("CubaLIF")
                    .param("tau_mem", Array::fill(n, tau_m))
                    .param("tau_syn", Array::fill(n, ts))
                    .param("w_in", Array::fill(n, 1.0)),
            };
            nd = nd
                .param("r", Array::fill(n, r))
                .param("v_leak", Array::fill(n, v_leak))
                .param("v_threshold", Array::fill(n, v_th - v_rest))
                .param("v_reset", Array::fill(n, v_reset - v_rest))
                .meta("bra_model", Meta::Text("lif".into()))
                .meta("bra_component", Meta::Text(pop.name.clone()))
                .meta("v_rest", Meta::Real(v_rest))
                .meta("origin", Meta::Text(origin_text(&pop.origin)));
            if let Some(m) = &pop.modulation {
                nd = nd.meta("modulation", Meta::Text(m.clone()));
            }
            if dc != 0.0 {
                nd = nd.meta("dc_current", Meta::Real(dc));
            }
            cx.add(&node, nd);
            Some(Neuron {
                node,
                input: false,
                r,
                c_m,
                tau_syn,
            })
        }
        "poisson" | "spike_times" => {
            let node = cx.name(&pop.name);
            let mut nd = Node::new("Input")
                .param("shape", Array::vector(vec![n as f64]))
                .meta("bra_role", Meta::Text("population".into()))
                .meta("bra_component", Meta::Text(pop.name.clone()))
                .meta("bra_source", Meta::Text(source_json(&pop.model)))
                .meta("origin", Meta::Text(origin_text(&pop.origin)));
            if let Some(m) = &pop.modulation {
                nd = nd.meta("modulation", Meta::Text(m.clone()));
            }
            cx.add(&node, nd);
            cx.notes.push(format!(
                "`{}` ({} source, {n} neurons) became the NIR Input node `{node}`: NIR has no spike sources, so its trains are the graph's input (its parameters are in the node's metadata)",
                pop.name, pop.model.kind
            ));
            Some(Neuron {
                node,
                input: true,
                r: 1.0,
                c_m: 1.0,
                tau_syn: None,
            })
        }
        other => {
            cx.refuse(
                &pop.name,
                &pop.origin,
                format!(
                    "NIR has no node for `{other}` neurons (NIR's neurons are LIF, CubaLIF, IF, LI, CubaLI and I; bra exports `lif` as LIF or CubaLIF, and `poisson`/`spike_times` sources as Input)"
                ),
            );
            None
        }
    }
}

/// The factor from a weight of dimension `dim` to the charge a spike
/// delivers onto `post` (coulombs), or why not.
fn charge_factor(dim: &str, post: &Neuron) -> Result<f64, String> {
    // The weight as a voltage jump, as bra's runtime converts it.
    let to_volts = match dim {
        "voltage" | "dimensionless" => 1.0,
        "current" => post.r,
        "conductance" => {
            return Err(
                "a conductance weight; NIR's neurons (LIF, CubaLIF) are current-based".into(),
            );
        }
        other => return Err(format!("unknown weight dimension `{other}`")),
    };
    Ok(match post.tau_syn {
        None => to_volts * post.c_m,
        Some(ts) => to_volts * ts / post.r,
    })
}

/// Build the NIR graph of `net`, or every part it cannot express.
pub fn graph(net: &Network, base_dir: &Path) -> Result<(Graph, Summary), Vec<Diagnostic>> {
    let mut cx = Cx {
        net,
        diags: Vec::new(),
        taken: BTreeSet::new(),
        g: Graph::default(),
        notes: Vec::new(),
    };
    // Population names first, so that they keep their own names.
    for p in &net.populations {
        cx.taken.insert(p.name.replace('/', "_"));
    }
    let mut neurons: Vec<Option<Neuron>> = Vec::new();
    for p in &net.populations {
        cx.taken.remove(&p.name.replace('/', "_"));
        let nr = neuron(&mut cx, p);
        cx.taken.insert(p.name.replace('/', "_"));
        neurons.push(nr);
    }
    let dt = net.run.dt;
    let seed = net.run.seed;
    let layouts: Vec<Layout> = net
        .populations
        .iter()
        .map(|p| Layout {
            size: p.size as usize,
            shape: p.shape.map(|[r, c]| [r as usize, c as usize]),
        })
        .collect();
    let mut synapses = 0usize;
    for (k, pr) in net.projections.iter().enumerate() {
        let (pre, post) = (pr.pre as usize, pr.post as usize);
        if pr.plasticity.is_some() {
            cx.refuse(
                &pr.name,
                &pr.origin,
                "the flow is plastic; NIR has no plasticity (its weights would be frozen at their initial values)",
            );
        }
        if pr.effect == bra_compile::ir::Effect::Modulatory {
            cx.refuse(
                &pr.name,
                &pr.origin,
                "a modulatory flow; NIR has no modulatory connections",
            );
        }
        let delay = match &pr.delay {
            Value::Law(l) if l.law == "constant" => l.params.get("value").copied(),
            Value::Law(l) => {
                cx.refuse(
                    &pr.name,
                    &pr.origin,
                    format!(
                        "the delay is drawn per synapse (`{}`); NIR's Delay node gives one delay per target channel",
                        l.law
                    ),
                );
                None
            }
            v => v.as_real(),
        };
        let (Some(Some(pre_n)), Some(Some(post_n))) = (neurons.get(pre), neurons.get(post)) else {
            continue;
        };
        let Some(delay) = delay else { continue };
        if post_n.input {
            cx.refuse(
                &pr.name,
                &pr.origin,
                "the flow ends on a source population, which becomes a NIR Input node (it cannot receive)",
            );
            continue;
        }
        let factor = match charge_factor(&pr.weight_dim, post_n) {
            Ok(f) => f,
            Err(m) => {
                cx.refuse(&pr.name, &pr.origin, m);
                continue;
            }
        };
        let (np, nq) = (layouts[pre].size, layouts[post].size);
        if np.saturating_mul(nq) > MAX_WEIGHTS {
            cx.refuse(
                &pr.name,
                &pr.origin,
                format!(
                    "its weight matrix would have {nq} × {np} = {} elements; NIR stores weights dense and this export writes at most {MAX_WEIGHTS} per projection",
                    nq as u128 * np as u128
                ),
            );
            continue;
        }
        let rows = match connect::pairs(
            &pr.connector.kind,
            &pr.connector.params,
            layouts[pre],
            layouts[post],
            pre == post,
            Key::new(seed, Stream::Connect, k as u64),
            base_dir,
        ) {
            Ok(r) => r,
            Err(m) => {
                cx.refuse(
                    &pr.name,
                    &pr.origin,
                    format!("bra cannot draw its synapses: {m}"),
                );
                continue;
            }
        };
        // The weights bra draws (connect::build's streams: one key per
        // projection, counters (pre, index in the row)), in float64 rather
        // than the float32 the engine stores them in.
        let wkey = Key::new(seed, Stream::Weight, k as u64);
        let mut w = vec![0.0f64; nq * np];
        for (i, row) in rows.iter().enumerate() {
            synapses += row.len();
            for (s, &j) in row.iter().enumerate() {
                w[j as usize * np + i] +=
                    connect::value_of(&pr.weight, wkey, i as u64, s as u64) * factor;
            }
        }
        let steps = (delay / dt).round().max(1.0);
        let base = format!(
            "{}_to_{}",
            net.populations[pre].name, net.populations[post].name
        );
        let lin = cx.name(&base);
        let del = cx.name(&format!("{lin}_delay"));
        cx.add(
            &lin,
            Node::new("Linear")
                .param(
                    "weight",
                    Array {
                        shape: vec![nq, np],
                        data: w,
                    },
                )
                .meta("bra_flow", Meta::Text(pr.name.clone()))
                .meta("weight_dim", Meta::Text(pr.weight_dim.clone()))
                .meta("connector", Meta::Text(source_json(&pr.connector)))
                .meta("origin", Meta::Text(origin_text(&pr.origin))),
        );
        cx.add(
            &del,
            Node::new("Delay")
                .param("delay", Array::fill(nq, steps * dt))
                .meta("bra_flow", Meta::Text(pr.name.clone())),
        );
        let (a, b) = (pre_n.node.clone(), post_n.node.clone());
        cx.edge(&a, &lin);
        cx.edge(&lin, &del);
        cx.edge(&del, &b);
    }
    for inp in &net.inputs {
        let target = inp.target as usize;
        match inp.source.kind.as_str() {
            "current_source" => continue, // folded into v_leak (or refused) above
            "poisson" | "spike_times" => {}
            other => {
                cx.refuse(
                    &inp.name,
                    &inp.origin,
                    format!(
                        "NIR has no counterpart of a `{other}` stimulus (only spike sources, as Input nodes, and a constant current_source, in v_leak, are exported)"
                    ),
                );
                continue;
            }
        }
        let Some(Some(post_n)) = neurons.get(target) else {
            continue;
        };
        if post_n.input {
            cx.refuse(
                &inp.name,
                &inp.origin,
                "the stimulus targets a source population, which becomes a NIR Input node",
            );
            continue;
        }
        let w = match inp.weight.as_ref() {
            Some(Value::Law(l)) => {
                cx.refuse(
                    &inp.name,
                    &inp.origin,
                    format!(
                        "the weight is drawn from `{}` for every input spike; a NIR Linear node has fixed weights",
                        l.law
                    ),
                );
                continue;
            }
            Some(v) => v.as_real(),
            None => None,
        };
        let Some(w) = w else {
            cx.refuse(&inp.name, &inp.origin, "a spike stimulus without a weight");
            continue;
        };
        let dim = inp.weight_dim.as_deref().unwrap_or("voltage");
        let factor = match charge_factor(dim, post_n) {
            Ok(f) => f,
            Err(m) => {
                cx.refuse(&inp.name, &inp.origin, m);
                continue;
            }
        };
        let n = net.populations[target].size as usize;
        if n.saturating_mul(n) > MAX_WEIGHTS {
            cx.refuse(
                &inp.name,
                &inp.origin,
                format!(
                    "its diagonal weight matrix would have {n} × {n} elements; this export writes at most {MAX_WEIGHTS}"
                ),
            );
            continue;
        }
        let mut m = vec![0.0; n * n];
        let wq = w * factor;
        for i in 0..n {
            m[i * n + i] = wq;
        }
        let node = cx.name(&inp.name);
        let lin = cx.name(&format!("{node}_w"));
        cx.add(
            &node,
            Node::new("Input")
                .param("shape", Array::vector(vec![n as f64]))
                .meta("bra_role", Meta::Text("stimulus".into()))
                .meta("bra_stimulus", Meta::Text(inp.name.clone()))
                .meta("bra_source", Meta::Text(source_json(&inp.source)))
                .meta("origin", Meta::Text(origin_text(&inp.origin))),
        );
        cx.add(
            &lin,
            Node::new("Linear")
                .param(
                    "weight",
                    Array {
                        shape: vec![n, n],
                        data: m,
                    },
                )
                .meta("bra_stimulus", Meta::Text(inp.name.clone()))
                .meta("weight_dim", Meta::Text(dim.to_string())),
        );
        let b = post_n.node.clone();
        cx.edge(&node, &lin);
        cx.edge(&lin, &b);
        cx.notes.push(format!(
            "stimulus `{}` ({}) became the NIR Input node `{node}` (one channel per neuron of `{}`): feed it the spike trains",
            inp.name, inp.source.kind, net.populations[target].name
        ));
    }
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    // Outputs: every neuron population's spikes.
    let mut first_neuron: Option<(String, usize)> = None;
    for (p, nr) in net.populations.iter().zip(&neurons) {
        let Some(nr) = nr else { continue };
        if nr.input {
            continue;
        }
        let out = cx.name(&format!("{}_out", p.name));
        cx.add(
            &out,
            Node::new("Output").param("shape", Array::vector(vec![p.size as f64])),
        );
        let a = nr.node.clone();
        cx.edge(&a, &out);
        if first_neuron.is_none() {
            first_neuron = Some((a, p.size as usize));
        }
    }
    let has_input = cx.g.nodes.values().any(|n| n.kind == "Input");
    if !has_input && let Some((first, n)) = first_neuron {
        let name = cx.name("input");
        cx.add(
            &name,
            Node::new("Input")
                .param("shape", Array::vector(vec![n as f64]))
                .meta("bra_role", Meta::Text("entry".into())),
        );
        cx.edge(&name, &first);
        cx.notes.push(format!(
            "the network has no input; NIR needs one to start type inference, so the Input `{name}` feeds `{first}` directly (left unfed, it carries nothing)"
        ));
    }
    if cx.g.nodes.is_empty() {
        let origin = net.run.origin.clone().unwrap_or(Origin {
            file: String::new(),
            line: 0,
            column: 0,
            span: [0, 0],
        });
        return Err(vec![Diagnostic {
            component: net.project.clone(),
            reason: "the network has no populations to export".into(),
            origin,
        }]);
    }
    let md = &mut cx.g.metadata;
    md.insert("source".into(), Meta::Text("bra".into()));
    md.insert("project".into(), Meta::Text(net.project.clone()));
    md.insert("seed".into(), Meta::Real(seed as f64));
    md.insert("dt".into(), Meta::Real(dt));
    md.insert("duration".into(), Meta::Real(net.run.duration));
    md.insert(
        "units".into(),
        Meta::Text(
            "SI: time s, voltage V, resistance ohm, current A; Linear weights are the charge one spike delivers (C)".into(),
        ),
    );
    md.insert(
        "voltage".into(),
        Meta::Text("relative to each neuron's v_rest (metadata v_rest of the node)".into()),
    );
    let summary = Summary {
        nodes: cx.g.nodes.len(),
        edges: cx.g.edges.len(),
        synapses,
        notes: cx.notes,
    };
    Ok((cx.g, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Graph {
        let mut g = Graph::default();
        let n = 3;
        g.nodes.insert(
            "src".into(),
            Node::new("Input")
                .param("shape", Array::vector(vec![2.0]))
                .meta("bra_role", Meta::Text("population".into()))
                .meta(
                    "bra_source",
                    Meta::Text(r#"{"kind":"poisson","params":{"rate":5.0}}"#.into()),
                ),
        );
        g.nodes.insert(
            "w".into(),
            Node::new("Linear").param(
                "weight",
                Array {
                    shape: vec![n, 2],
                    data: vec![2e-13; n * 2],
                },
            ),
        );
        g.nodes.insert(
            "d".into(),
            Node::new("Delay").param("delay", Array::fill(n, 0.002)),
        );
        g.nodes.insert(
            "pop".into(),
            Node::new("CubaLIF")
                .param("tau_mem", Array::fill(n, 0.02))
                .param("tau_syn", Array::fill(n, 0.004))
                .param("r", Array::fill(n, 1e8))
                .param("v_leak", Array::fill(n, 0.0))
                .param("v_threshold", Array::fill(n, 0.01))
                .param("v_reset", Array::fill(n, 0.0))
                .param("w_in", Array::fill(n, 1.0))
                .meta("v_rest", Meta::Real(-0.07)),
        );
        g.nodes.insert(
            "out".into(),
            Node::new("Output").param("shape", Array::vector(vec![n as f64])),
        );
        for (a, b) in [("src", "w"), ("w", "d"), ("d", "pop"), ("pop", "out")] {
            g.edges.push((a.into(), b.into()));
        }
        g.metadata.insert("dt".into(), Meta::Real(1e-4));
        g.metadata.insert("project".into(), Meta::Text("T".into()));
        g
    }

    #[test]
    fn hdf5_round_trip_keeps_every_node_parameter_and_edge() {
        let g = small();
        let path = std::env::temp_dir().join(format!("bra-nir-unit-{}.nir", std::process::id()));
        h5::write(&g, &path).expect("written");
        let back = h5::read(&path).expect("read");
        let _ = std::fs::remove_file(&path);
        assert_eq!(back.version.as_deref(), Some(NIR_VERSION));
        assert_eq!(back.graph, g);
    }

    #[test]
    fn import_turns_charges_back_into_bra_units() {
        let imp = import::import(&small(), "t", "t.nir", &|w| w == "flow").expect("imports");
        let t = &imp.text;
        // c_m = tau/r = 200 pF; a CubaLIF weight W is w·tau_syn/r, so
        // 2e-13 C · 1e8 Ω / 4 ms = 5 mV.
        assert!(t.contains("c_m: 200 pF"), "{t}");
        assert!(
            t.contains("v_rest: -70 mV") && t.contains("v_th: -60 mV"),
            "{t}"
        );
        assert!(t.contains("weight = 5 mV"), "{t}");
        assert!(t.contains("exponential(tau: 4 ms)"), "{t}");
        assert!(t.contains("delay = 2 ms"), "{t}");
        assert!(t.contains("poisson(rate: 5 Hz) * 2"), "{t}");
        assert!(t.contains("all_to_all()"), "{t}");
        assert_eq!((imp.populations, imp.flows, imp.stimuli), (2, 1, 0));
    }

    #[test]
    fn import_refuses_what_bra_cannot_hold() {
        let mut g = small();
        if let Some(n) = g.nodes.get_mut("pop") {
            n.params
                .insert("tau_mem".into(), Array::vector(vec![0.02, 0.03, 0.02]));
        }
        g.nodes.insert("c".into(), Node::new("Conv2d"));
        let errs = import::import(&g, "t", "t.nir", &|_| false).expect_err("refused");
        let all = errs.join("\n");
        assert!(all.contains("`c` is a `Conv2d`"), "{all}");
        g.nodes.remove("c");
        let errs = import::import(&g, "t", "t.nir", &|_| false).expect_err("refused");
        let all = errs.join("\n");
        assert!(all.contains("`tau_mem` differs between neurons"), "{all}");
    }
}
