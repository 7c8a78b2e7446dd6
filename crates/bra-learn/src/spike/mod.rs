//! Spike-based local learning rules and encoders, and the tasks `bra train`
//! runs with them.
//!
//! - [`stdp`]: pair STDP (additive and multiplicative bounds, all-to-all,
//!   nearest and restricted pairing), triplet STDP, reward-modulated STDP;
//! - [`tempotron`]: the Tempotron, integrated exactly;
//! - [`readout`]: single-layer LIF and probabilistic meta-neuron readouts
//!   with the gradients of their potential and firing probability in the
//!   weights and the internal parameters;
//! - [`encode`]: Poisson-rate and latency encoders; [`lzc`]: Lempel–Ziv
//!   complexity and the LZC features of spike trains;
//! - tasks: [`capacity`] (a Tempotron on spike patterns, e.g. the random
//!   patterns of Gütig & Sompolinsky 2006), [`pattern`] (STDP finds a
//!   repeated pattern, Masquelier et al. 2008), [`classify`] (a labelled
//!   dataset, LIF or meta-neuron readouts, rate or LZC features),
//!   [`reward`] (a labelled dataset learned by reward-modulated STDP from a
//!   reward after each sample).
//!
//! [`train`] maps a compiled network's `train { … }` block and its readout's
//! rule onto these tasks. Every random number comes from the counter-based
//! generator of `bra_runtime::rng`, keyed by the seed and what it is for, so
//! a run is a pure function of the spec and the seed.

pub mod capacity;
pub mod classify;
pub mod encode;
pub mod lzc;
pub mod pattern;
pub mod readout;
pub mod reward;
pub mod stdp;
pub mod tempotron;

use crate::data::{self, Dataset};
use crate::experiment::{Progress, Tensor, TrainResult};
use bra_compile::ir::{Instance, Network, Population, Projection, Training, Value};
use bra_runtime::model::{Port, PortKind};
use bra_runtime::rng::{Key, Stream};
use encode::Encoder;
use std::collections::BTreeMap;
use std::path::Path;

/// Rules this module trains (`learning = …` on the readout component).
pub const RULES: &[&str] = &["stdp", "triplet_stdp", "reward_stdp", "tempotron"];

/// Generated datasets, named as `dataset = "synthetic:<name>"`.
pub const SYNTHETIC: &[&str] = &["random_latency", "repeated_pattern"];

/// What a draw is for, inside a stream.
pub(crate) mod tags {
    /// Presentation during learning.
    pub const LEARN: u64 = 1;
    /// Evaluation of the training set.
    pub const EVAL_TRAIN: u64 = 2;
    /// Evaluation of the test set.
    pub const EVAL_TEST: u64 = 3;
    /// Order of presentation.
    pub const ORDER: u64 = 4;
    /// Generated patterns.
    pub const PATTERN: u64 = 5;
}

/// The key of the draws for `(tag, a, b)` in one stream of a seed.
pub(crate) fn sub_key(seed: u64, stream: Stream, tag: u64, a: u64, b: u64) -> Key {
    Key::new(seed, stream, Key::new(tag, stream, a).u64(b, 0x5EED))
}

/// Typed access to a compiled instance's parameters (SI).
pub(crate) struct Params<'a>(pub &'a Instance);

impl Params<'_> {
    /// A real parameter, if present.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.params.get(name).and_then(Value::as_real)
    }
    /// A real parameter, or `default`.
    pub fn real(&self, name: &str, default: f64) -> f64 {
        self.get(name).unwrap_or(default)
    }
    /// A text parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.params.get(name) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
    /// A flag, or `default`.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.0.params.get(name) {
            Some(Value::Bool(b)) => *b,
            _ => default,
        }
    }
}

/// Typed access to a train block's free settings.
struct Settings<'a>(&'a BTreeMap<String, Value>);

impl Settings<'_> {
    fn real(&self, key: &str, default: f64) -> Result<f64, String> {
        match self.0.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_real()
                .ok_or_else(|| format!("train setting `{key}` must be a number")),
        }
    }
    fn count(&self, key: &str, default: usize) -> Result<usize, String> {
        let v = self.real(key, default as f64)?;
        if v >= 0.0 && v.fract() == 0.0 && v < 1e12 {
            Ok(v as usize)
        } else {
            Err(format!("train setting `{key}` must be a whole number"))
        }
    }
    fn flag(&self, key: &str) -> Result<Option<bool>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Text(t)) if t == "true" || t == "false" => Ok(Some(t == "true")),
            Some(_) => Err(format!("train setting `{key}` must be true or false")),
        }
    }
    fn text(&self, key: &str) -> Option<&str> {
        match self.0.get(key) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// The population whose output is the prediction: the train block's
/// `readout`, or else the only population with a learning rule.
pub fn readout_population<'a>(
    net: &'a Network,
    training: &Training,
) -> Result<&'a Population, String> {
    if let Some(id) = training.readout {
        return net
            .populations
            .get(id as usize)
            .ok_or_else(|| format!("the readout population {id} does not exist"));
    }
    let learners: Vec<&Population> = net
        .populations
        .iter()
        .filter(|p| p.learning.is_some())
        .collect();
    match learners.as_slice() {
        [one] => Ok(one),
        [] => {
            Err("no component declares a learning rule; write `learning = …` on the readout".into())
        }
        many => Err(format!(
            "several components learn ({}); name one with `readout = …` in the train block",
            many.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The one flow into the readout.
fn input_projection<'a>(net: &'a Network, pop: &Population) -> Result<&'a Projection, String> {
    let ins: Vec<&Projection> = net
        .projections
        .iter()
        .filter(|p| p.post == pop.id && p.effect != bra_compile::ir::Effect::Modulatory)
        .collect();
    match ins.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "the readout `{}` has no incoming flow to learn on",
            pop.name
        )),
        _ => Err(format!(
            "the readout `{}` has {} incoming flows; the spike-based trainers take one (from the encoded input)",
            pop.name,
            ins.len()
        )),
    }
}

/// A loop of feedback inhibition: readout → interneurons, interneurons → readout.
type FeedbackLoop<'a> = (&'a Projection, &'a Projection);

/// The flow that learns (into the readout from the encoded input) and,
/// if there is one, a loop of fixed feedback inhibition: a flow from the
/// readout onto interneurons and an inhibitory flow from them back.
fn feedforward_and_loop<'a>(
    net: &'a Network,
    pop: &Population,
) -> Result<(&'a Projection, Option<FeedbackLoop<'a>>), String> {
    use bra_compile::ir::Effect;
    let ins: Vec<&Projection> = net
        .projections
        .iter()
        .filter(|p| p.post == pop.id && p.effect != Effect::Modulatory)
        .collect();
    // An inhibitory flow back from a population the readout drives.
    let back: Vec<&Projection> = ins
        .iter()
        .copied()
        .filter(|p| p.effect == Effect::Inhibitory && p.pre != pop.id)
        .collect();
    let ff: Vec<&Projection> = ins
        .iter()
        .copied()
        .filter(|p| p.effect != Effect::Inhibitory)
        .collect();
    let proj = match ff.as_slice() {
        [one] if one.pre != pop.id => *one,
        [] => {
            return Err(format!(
                "the readout `{}` has no excitatory incoming flow to learn on",
                pop.name
            ));
        }
        _ => {
            return Err(format!(
                "the readout `{}` has {} excitatory incoming flows; the reward task learns one, from the encoded \
                 input (inhibition goes through interneurons: `{0} -> Inh`, `Inh -> {0}`)",
                pop.name,
                ff.len()
            ));
        }
    };
    let inh = match back.as_slice() {
        [] => return Ok((proj, None)),
        [one] => *one,
        many => {
            return Err(format!(
                "the readout `{}` has {} inhibitory incoming flows; the reward task takes one loop of feedback inhibition",
                pop.name,
                many.len()
            ));
        }
    };
    let up = net
        .projections
        .iter()
        .find(|p| p.pre == pop.id && p.post == inh.pre)
        .ok_or_else(|| {
            format!(
                "flow `{}` inhibits the readout, but `{}` is not driven by it: the reward task takes \
                 inhibition only as feedback (add `flow {} -> {}`)",
                inh.name, net.populations[inh.pre as usize].name, pop.name, net.populations[inh.pre as usize].name
            )
        })?;
    Ok((proj, Some((up, inh))))
}

/// Initial weights `[post, pre]` drawn from the flow's weight law (the
/// weight stream of the projection), as plain numbers.
fn initial_weights(proj: &Projection, n_in: usize, n_out: usize, seed: u64) -> Vec<f64> {
    let key = Key::new(seed, Stream::Weight, proj.id as u64);
    let mut w = Vec::with_capacity(n_in * n_out);
    for j in 0..n_out {
        for i in 0..n_in {
            w.push(bra_runtime::connect::value_of(
                &proj.weight,
                key,
                i as u64,
                j as u64,
            ));
        }
    }
    w
}

/// The time constant of an exponential synapse, or an error.
fn synapse_tau(proj: &Projection) -> Result<f64, String> {
    match proj.synapse.kind.as_str() {
        "exponential" => Params(&proj.synapse)
            .get("tau")
            .ok_or_else(|| "the exponential synapse has no tau".to_string()),
        other => Err(format!(
            "flow `{}`: the trainers need an exponential synapse, found `{other}`",
            proj.name
        )),
    }
}

fn tensor(name: impl Into<String>, shape: Vec<usize>, data: Vec<f64>) -> Tensor {
    Tensor {
        name: name.into(),
        shape,
        data,
    }
}

fn weight_name(net: &Network, proj: &Projection) -> String {
    format!(
        "{}_to_{}",
        net.populations[proj.pre as usize].name, net.populations[proj.post as usize].name
    )
}

/// Train a network whose readout declares one of [`RULES`]: the task is
/// chosen by the dataset (a file, or a `synthetic:` generator) and the rule.
/// `base` is the folder the dataset path is relative to (the spec's).
pub fn train(
    net: &Network,
    training: &Training,
    base: &Path,
    progress: Progress,
) -> Result<TrainResult, String> {
    let pop = readout_population(net, training)?;
    let rule = pop
        .learning
        .as_ref()
        .ok_or_else(|| format!("the readout `{}` declares no learning rule", pop.name))?;
    let (proj, inhibition) = if rule.kind == "reward_stdp" {
        feedforward_and_loop(net, pop)?
    } else {
        (input_projection(net, pop)?, None)
    };
    let input = &net.populations[proj.pre as usize];
    let settings = Settings(&training.settings);
    let dt = settings.real("dt", net.run.dt)?;
    if !(dt > 0.0 && dt.is_finite()) {
        return Err("the time step must be positive".into());
    }
    let synthetic = training.dataset.strip_prefix("synthetic:");
    match (rule.kind.as_str(), synthetic) {
        ("stdp" | "triplet_stdp", Some("repeated_pattern")) => {
            repeated_pattern(net, training, pop, proj, input, rule, dt, progress)
        }
        ("stdp" | "triplet_stdp", _) => Err(format!(
            "{} learns without labels: use it with `dataset = \"synthetic:repeated_pattern\"` \
             (Masquelier et al. 2008), or online in `bra simulate`",
            rule.kind
        )),
        ("reward_stdp", Some("repeated_pattern")) => Err(
            "synthetic:repeated_pattern is an unsupervised STDP task; reward_stdp learns from a \
             reward for labelled samples (a dataset file or synthetic:random_latency)"
                .into(),
        ),
        ("reward_stdp", _) => {
            let (tr, te, notes) = load_data(training, base, input.size as usize, synthetic)?;
            reward_task(
                net, training, base, pop, proj, inhibition, rule, dt, &tr, &te, notes, progress,
            )
        }
        ("tempotron", Some("repeated_pattern")) => Err(
            "synthetic:repeated_pattern is an unsupervised STDP task; the tempotron needs labels"
                .into(),
        ),
        ("tempotron", _) => {
            let (tr, te, notes) = load_data(training, base, input.size as usize, synthetic)?;
            tempotron_task(
                net, training, pop, proj, rule, dt, &tr, &te, notes, progress,
            )
        }
        (other, _) => Err(format!("`{other}` is not a spike-based rule")),
    }
}

/// The train and test sets (scaled into [0, 1] by the training set's
/// ranges), and notes on how they were made.
fn load_data(
    training: &Training,
    base: &Path,
    inputs: usize,
    synthetic: Option<&str>,
) -> Result<(Dataset, Dataset, Vec<String>), String> {
    let settings = Settings(&training.settings);
    let mut notes = Vec::new();
    if let Some(name) = synthetic {
        if name != "random_latency" {
            return Err(format!(
                "no generated dataset `synthetic:{name}` (known: {})",
                SYNTHETIC.join(", ")
            ));
        }
        let patterns = settings.count("patterns", inputs)?;
        let data = capacity::random_latency(inputs, patterns, training.seed);
        let memorise = settings.flag("memorise")?.unwrap_or(true);
        notes.push(format!(
            "dataset: {patterns} random patterns on {inputs} afferents (load α = {:.3} patterns per synapse), half targets",
            patterns as f64 / inputs.max(1) as f64
        ));
        if memorise {
            notes.push(
                "memorisation task: trained and evaluated on the same patterns (split not used)"
                    .into(),
            );
            return Ok((data.clone(), data, notes));
        }
        let (tr, te) = data.split(training.split, training.seed);
        return Ok((tr, te, notes));
    }
    let path = base.join(&training.dataset);
    let data = data::load(&path, training.label.as_deref())?;
    if data.dim() != inputs {
        return Err(format!(
            "{}: {} features, but the input component has {} neurons",
            path.display(),
            data.dim(),
            inputs
        ));
    }
    let (tr, te) = data.split(training.split, training.seed);
    let ranges = tr.ranges();
    notes.push(format!(
        "dataset: {} ({} rows, {} features, {} classes); stratified split {} train / {} test; features scaled to [0, 1] by the training set's ranges",
        training.dataset,
        data.len(),
        data.dim(),
        data.classes,
        tr.len(),
        te.len()
    ));
    Ok((tr.scaled(&ranges), te.scaled(&ranges), notes))
}

/// A per-neuron value of a model parameter (drawn when it is a law).
fn per_neuron(pop: &Population, name: &str, default: f64, seed: u64, salt: u64) -> Vec<f64> {
    let key = Key::new(seed, Stream::Init, pop.id as u64);
    let v = pop.model.params.get(name).cloned();
    (0..pop.size as usize)
        .map(|i| match &v {
            Some(v) => bra_runtime::connect::value_of(v, key, i as u64, salt),
            None => default,
        })
        .collect()
}

/// The Tempotron rule on a file or generated dataset: one exact Tempotron
/// for a single non-meta readout and two classes, otherwise one readout
/// neuron per class (LIF or meta-neuron).
#[allow(clippy::too_many_arguments)]
fn tempotron_task(
    net: &Network,
    training: &Training,
    pop: &Population,
    proj: &Projection,
    rule: &Instance,
    dt: f64,
    tr: &Dataset,
    te: &Dataset,
    mut notes: Vec<String>,
    progress: Progress,
) -> Result<TrainResult, String> {
    let settings = Settings(&training.settings);
    let p = Params(rule);
    let (tau, tau_s, v_th, lr) = (
        p.real("tau", 0.015),
        p.real("tau_s", 0.00375),
        p.real("v_th", 1.0),
        p.real("lr", 1e-3),
    );
    if proj.weight_dim != "dimensionless" {
        return Err(format!(
            "flow `{}`: Tempotron weights are in units of the normalised potential (threshold v_th = {v_th}); \
             write the weight without a unit, e.g. `weight = normal(mean: 0, sd: 0.01)`",
            proj.name
        ));
    }
    let encoder = Encoder::from_instance(training.encoding.as_ref())?;
    let n_in = tr.dim();
    let meta = pop.model.kind == "meta_neuron";
    let classes = tr.classes.max(te.classes);
    let weights_name = weight_name(net, proj);
    if pop.size == 1 && !meta && classes <= 2 {
        let tempo = tempotron::Tempotron::new(tau, tau_s, v_th, lr)?;
        let samples = |d: &Dataset, tag: u64| -> Vec<capacity::Sample> {
            (0..d.len())
                .map(|k| capacity::Sample {
                    events: encoder
                        .encode(
                            d.row(k),
                            dt,
                            sub_key(training.seed, Stream::Input, tag, k as u64, 0),
                        )
                        .times(),
                    target: d.y[k] == 1,
                })
                .collect()
        };
        let cfg = capacity::Config {
            tempotron: tempo,
            momentum: settings.real("momentum", 0.0)?,
            epochs: training.epochs,
            seed: training.seed,
            t_end: encoder.duration(),
            w0: initial_weights(proj, n_in, 1, training.seed),
        };
        let train_set = samples(tr, tags::EVAL_TRAIN);
        let test_set = samples(te, tags::EVAL_TEST);
        let out = capacity::train(&cfg, &train_set, &test_set, progress);
        notes.push(format!(
            "exact Tempotron (Gütig & Sompolinsky 2006): tau = {} ms, tau_s = {} ms, v_th = {v_th}, lr = {lr}, momentum = {}; label 1 = fire, 0 = stay silent; spike times on a {} ms grid",
            tau * 1e3,
            tau_s * 1e3,
            cfg.momentum,
            dt * 1e3
        ));
        notes.push(match out.converged {
            Some(e) => format!("converged: every training pattern right after epoch {e}"),
            None => format!(
                "not converged after {} epochs: final training accuracy {:.4}",
                out.epochs.len(),
                out.epochs.last().map_or(0.0, |m| m.train_accuracy)
            ),
        });
        return Ok(TrainResult {
            rule: rule.kind.clone(),
            epochs: out.epochs,
            tensors: vec![tensor(weights_name, vec![1, n_in], out.w)],
            notes,
        });
    }
    let n_out = pop.size as usize;
    if n_out != classes {
        return Err(format!(
            "the readout `{}` has {n_out} neurons for {classes} classes; the Tempotron readout uses one neuron per class",
            pop.name
        ));
    }
    let seed = training.seed;
    let mp = Params(&pop.model);
    let (firing, theta, gain, taus, learn_default) = if meta {
        (
            readout::Firing::Escape,
            per_neuron(pop, "theta", 1.0, seed, 0x6d65_7461),
            per_neuron(pop, "gain", 5.0, seed, 0x6d65_7462),
            per_neuron(pop, "tau", 0.02, seed, 0x6d65_7463),
            mp.flag("learn_internal", true),
        )
    } else {
        if pop.model.kind != "lif" {
            return Err(format!(
                "the Tempotron readout is a `lif` or a `meta_neuron`, not `{}`",
                pop.model.kind
            ));
        }
        let (v_rest, v_thr, v_reset) = (
            mp.real("v_rest", -0.07),
            mp.real("v_th", -0.05),
            mp.real("v_reset", -0.07),
        );
        let reset = if v_thr > v_rest {
            (v_reset - v_rest) / (v_thr - v_rest) * v_th
        } else {
            0.0
        };
        (
            readout::Firing::Threshold {
                reset,
                refractory: (mp.real("t_ref", 0.0) / dt).round() as usize,
            },
            vec![v_th; n_out],
            vec![1.0; n_out],
            vec![tau; n_out],
            false,
        )
    };
    let tau0 = taus.iter().sum::<f64>() / taus.len().max(1) as f64;
    let syn_tau = if meta {
        synapse_tau(proj).unwrap_or(tau_s)
    } else {
        tau_s
    };
    // Weights in units of the normalised PSP: one input of weight 1 peaks at 1.
    let unit = tempotron::Tempotron::new(tau0, syn_tau, v_th, lr)?;
    let in_scale = unit.v0() * (tau0 - syn_tau).abs() / syn_tau;
    let learn_internal = settings.flag("learn_internal")?.unwrap_or(learn_default);
    let features = match (settings.text("features"), training.features.as_ref()) {
        (Some("none" | "rate"), _) | (_, None) => classify::Features::Rate,
        (Some(other), _) if other != "lzc" => {
            return Err(format!(
                "train setting `features` is `rate` or `lzc`, not `{other}`"
            ));
        }
        (_, Some(f)) if f.kind == "lzc" => {
            let fp = Params(f);
            let bin = fp.real("bin", 0.001);
            let bin_steps = ((bin / dt).round() as usize).max(1);
            let window = fp.real("window", 0.0);
            classify::Features::Lzc {
                bin_steps,
                window_bins: (window / (bin_steps as f64 * dt)).round() as usize,
                normalise: fp.flag("normalise", true),
            }
        }
        (_, Some(f)) => {
            return Err(format!(
                "`{}` is an encoding, not a feature of spike trains (use lzc)",
                f.kind
            ));
        }
    };
    let cfg = classify::Config {
        readout: readout::Readout {
            firing,
            n_in,
            n_out,
            w: initial_weights(proj, n_in, n_out, seed),
            theta,
            gain,
            tau: taus,
            tau_s: syn_tau,
            in_scale,
            dt,
        },
        learn_internal,
        lr,
        lr_internal: settings.real("lr_internal", lr)?,
        encoder,
        features,
        epochs: training.epochs,
        seed,
    };
    let (r, epochs) = classify::train(&cfg, tr, te, progress);
    notes.push(format!(
        "readout `{}`: {} {} neurons, one per class, trained by the Tempotron rule; membrane tau = {:.3} ms, synapse tau_s = {:.3} ms, dt = {:.3} ms; internal parameters {}; decoded by nearest class centroid from {}",
        pop.name,
        n_out,
        if meta { "meta_neuron" } else { "lif" },
        tau0 * 1e3,
        syn_tau * 1e3,
        dt * 1e3,
        if learn_internal { "learned" } else { "fixed" },
        match features {
            classify::Features::Rate => "spike counts (rate features)".to_string(),
            classify::Features::Lzc { bin_steps, .. } => format!(
                "the Lempel–Ziv complexity of each output spike train (LZC features, {} ms bins)",
                bin_steps as f64 * dt * 1e3
            ),
        }
    ));
    let mut tensors = vec![tensor(weights_name, vec![n_out, n_in], r.w.clone())];
    if learn_internal {
        tensors.push(tensor(
            format!("{}.theta", pop.name),
            vec![n_out],
            r.theta.clone(),
        ));
        tensors.push(tensor(
            format!("{}.tau", pop.name),
            vec![n_out],
            r.tau.clone(),
        ));
        if meta {
            tensors.push(tensor(
                format!("{}.gain", pop.name),
                vec![n_out],
                r.gain.clone(),
            ));
        }
    }
    Ok(TrainResult {
        rule: rule.kind.clone(),
        epochs,
        tensors,
        notes,
    })
}

/// Reward-modulated STDP on a labelled dataset (see [`reward`]): the
/// readout's neurons, one equal group per class, learn from a reward of ±1
/// after each sample.
///
/// Train settings: `baseline` (`class`, the default; `global`; `none`),
/// `baseline_rate` (default 0.05), `reward_delay` (default 0 s),
/// `reward_gain` (default 1; −1 rewards errors, 0 switches reward off: the
/// controls).
#[allow(clippy::too_many_arguments)]
fn reward_task(
    net: &Network,
    training: &Training,
    base: &Path,
    pop: &Population,
    proj: &Projection,
    inhibition: Option<(&Projection, &Projection)>,
    rule: &Instance,
    dt: f64,
    tr: &Dataset,
    te: &Dataset,
    mut notes: Vec<String>,
    progress: Progress,
) -> Result<TrainResult, String> {
    let s = Settings(&training.settings);
    if proj.weight_dim != "voltage" {
        return Err(format!(
            "flow `{}`: reward_stdp drives the readout's model through its synapse; give the weight in mV \
             (e.g. `weight = uniform(low: 0 mV, high: 2 mV)`), not as {}",
            proj.name, proj.weight_dim
        ));
    }
    let tau_s = synapse_tau(proj)?;
    let delay = proj.delay.as_real().ok_or_else(|| {
        format!(
            "flow `{}`: the reward task needs one fixed delay (e.g. `delay = 1 ms`), not a law",
            proj.name
        )
    })?;
    let delay_steps = ((delay / dt).round() as usize).max(1);
    let classes = tr.classes.max(te.classes);
    let n_out = pop.size as usize;
    if classes == 0 || !n_out.is_multiple_of(classes) {
        return Err(format!(
            "the readout `{}` has {n_out} neurons for {classes} classes; give it one equal group per class \
             (a multiple of {classes} neurons)",
            pop.name
        ));
    }
    let baseline = match s.text("baseline") {
        None if training.settings.contains_key("baseline") => {
            return Err(
                "train setting `baseline` must be text: \"class\", \"global\" or \"none\"".into(),
            );
        }
        None => reward::Baseline::Class,
        Some(name) => reward::Baseline::parse(name).ok_or_else(|| {
            format!("train setting `baseline` = \"{name}\": use \"class\", \"global\" or \"none\"")
        })?,
    };
    let n_in = tr.dim();
    let inhibition = match inhibition {
        None => None,
        Some((up, down)) => {
            let inh = &net.populations[up.post as usize];
            let n = inh.size as usize;
            let (w_up, port_up, delay_up) = dense_weights(up, n_out, n, dt, training.seed, base)?;
            let (w_down, port_down, delay_down) =
                dense_weights(down, n, n_out, dt, training.seed, base)?;
            notes.push(format!(
                "feedback inhibition (fixed): `{}` → {n} `{}` interneurons `{}` → `{}`, delays {} and {} ms",
                pop.name,
                inh.model.kind,
                inh.name,
                pop.name,
                delay_up as f64 * dt * 1e3,
                delay_down as f64 * dt * 1e3
            ));
            Some(reward::Inhibition {
                model: inh.model.clone(),
                n,
                w_up,
                port_up,
                delay_up,
                w_down,
                port_down,
                delay_down,
            })
        }
    };
    let cfg = reward::Config {
        model: pop.model.clone(),
        port: Port {
            kind: PortKind::Exponential { tau: tau_s },
            e_rev: None,
        },
        dt,
        delay_steps,
        n_in,
        n_out,
        classes,
        w0: initial_weights(proj, n_in, n_out, training.seed),
        inhibition,
        rule: stdp::RewardStdp::from_instance(rule)?,
        encoder: Encoder::from_instance(training.encoding.as_ref())?,
        baseline,
        baseline_rate: s.real("baseline_rate", 0.05)?,
        reward_gain: s.real("reward_gain", 1.0)?,
        reward_delay: s.real("reward_delay", 0.0)?,
        epochs: training.epochs,
        seed: training.seed,
    };
    let out = reward::train(&cfg, tr, te, progress)?;
    let r = &cfg.rule;
    notes.push(format!(
        "readout `{}`: {n_out} `{}` neurons, {} per class, decision = the group with the most spikes (ties: the earliest first spike); \
         synapse tau_s = {} ms, delay {} ms, dt = {} ms",
        pop.name,
        pop.model.kind,
        cfg.group(),
        tau_s * 1e3,
        delay_steps as f64 * dt * 1e3,
        dt * 1e3
    ));
    notes.push(format!(
        "reward-modulated STDP (eligibility × dopamine): a_plus {}, a_minus {}, tau_plus {} ms, tau_minus {} ms, tau_e {} ms, tau_d {} ms, d_jump {}, lr {} /s, w in [{}, {}] mV; \
         reward ±1 {} ms after each presentation, times {}, minus {}; trials separated by a rest (dw integrated in closed form)",
        r.a_plus,
        r.a_minus,
        r.tau_plus * 1e3,
        r.tau_minus * 1e3,
        r.tau_e * 1e3,
        r.tau_d * 1e3,
        r.d_jump,
        r.lr,
        r.w_min * 1e3,
        r.w_max * 1e3,
        cfg.reward_delay * 1e3,
        cfg.reward_gain,
        match baseline {
            reward::Baseline::Class => format!("a running mean of the reward per class (rate {})", cfg.baseline_rate),
            reward::Baseline::Global => format!("a running mean of the reward (rate {})", cfg.baseline_rate),
            reward::Baseline::None => "nothing (no baseline)".into(),
        }
    ));
    notes.push(format!(
        "last epoch: {:.1} output spikes per test trial; accuracy is that of the decision itself (no decoder); chance is {:.1} %",
        out.test_spikes,
        100.0 / classes as f64
    ));
    let nc = classes;
    Ok(TrainResult {
        rule: rule.kind.clone(),
        epochs: out.epochs,
        tensors: vec![
            tensor(weight_name(net, proj), vec![n_out, n_in], out.w),
            tensor("reward_baseline", vec![nc], out.baseline),
            tensor("test_confusion", vec![nc, nc + 1], out.confusion),
        ],
        notes,
    })
}

/// The fixed weights `[pre, post]` of a flow (drawn by the runtime's
/// connector and weight law for the seed), its exponential port and its
/// delay in steps.
fn dense_weights(
    l: &Projection,
    n_pre: usize,
    n_post: usize,
    dt: f64,
    seed: u64,
    base: &Path,
) -> Result<(Vec<f64>, Port, usize), String> {
    if l.plasticity.is_some() {
        return Err(format!(
            "flow `{}`: the inhibitory loop of the reward task is fixed; remove its learning rule",
            l.name
        ));
    }
    if l.weight_dim != "voltage" {
        return Err(format!(
            "flow `{}`: give the weight in mV (e.g. `weight = 10 mV`), not as {}",
            l.name, l.weight_dim
        ));
    }
    let delay = l.delay.as_real().ok_or_else(|| {
        format!(
            "flow `{}`: the reward task needs one fixed delay (e.g. `delay = 1 ms`), not a law",
            l.name
        )
    })?;
    let layout = |size| bra_runtime::connect::Layout { size, shape: None };
    let rows = bra_runtime::connect::pairs(
        &l.connector.kind,
        &l.connector.params,
        layout(n_pre),
        layout(n_post),
        l.pre == l.post,
        Key::new(seed, Stream::Connect, l.id as u64),
        base,
    )
    .map_err(|e| format!("flow `{}`: {e}", l.name))?;
    let csr = bra_runtime::connect::build(rows, &l.weight, 1.0, &l.delay, dt, seed, l.id as u64);
    let mut w = vec![0.0; n_pre * n_post];
    for i in 0..n_pre {
        for s in csr.row(i) {
            w[i * n_post + csr.targets[s] as usize] += csr.weight(s) as f64;
        }
    }
    let port = Port {
        kind: PortKind::Exponential {
            tau: synapse_tau(l)?,
        },
        e_rev: None,
    };
    Ok((w, port, ((delay / dt).round() as usize).max(1)))
}

/// STDP finding a repeated pattern (Masquelier et al. 2008).
///
/// Train settings beyond the input's (see [`pattern`]): `detector = "srm"`
/// runs the paper's spike-response neuron with τm, the threshold and the
/// refractory time of the readout's `lif` component and τs of its flow's
/// exponential synapse (`srm_k1`, `srm_k2`: its after-potential, default 2
/// and 4); `detector = "component"` (the default) steps the component's own
/// model every `dt`. `rate_dt` (default 1 ms) is the bin of the input's
/// rate process. The pair rule's spike pairing is the rule's `pairing`
/// (`all_to_all`, `nearest`, `restricted`); the train setting
/// `stdp_pairing` overrides it.
#[allow(clippy::too_many_arguments)]
fn repeated_pattern(
    net: &Network,
    training: &Training,
    pop: &Population,
    proj: &Projection,
    input: &Population,
    rule: &Instance,
    dt: f64,
    progress: Progress,
) -> Result<TrainResult, String> {
    if pop.size != 1 {
        return Err(format!(
            "the pattern detector `{}` is one neuron (has {})",
            pop.name, pop.size
        ));
    }
    if proj.weight_dim != "voltage" {
        return Err(format!(
            "flow `{}`: the detector is a model neuron driven through its synapse; give the weight in mV",
            proj.name
        ));
    }
    let s = Settings(&training.settings);
    let n = input.size as usize;
    let w0 = initial_weights(proj, n, 1, training.seed);
    let mut stdp_rule = match rule.kind.as_str() {
        "triplet_stdp" => pattern::Rule::Triplet(stdp::TripletStdp::from_instance(rule)?),
        _ => pattern::Rule::Pair(stdp::PairStdp::from_instance(rule)?),
    };
    if let Some(name) = s.text("stdp_pairing") {
        let pairing = stdp::Pairing::parse(name).ok_or_else(|| {
            format!(
                "train setting `stdp_pairing` = \"{name}\": use all_to_all, nearest or restricted"
            )
        })?;
        match &mut stdp_rule {
            pattern::Rule::Pair(r) => r.pairing = pairing,
            pattern::Rule::Triplet(_) => {
                return Err(
                    "train setting `stdp_pairing` applies to `stdp`, not `triplet_stdp`".into(),
                );
            }
        }
    } else if training.settings.contains_key("stdp_pairing") {
        return Err("train setting `stdp_pairing` must be text (\"restricted\", …)".into());
    }
    let tau_s = synapse_tau(proj)?;
    let detector = match s.text("detector") {
        None if training.settings.contains_key("detector") => {
            return Err("train setting `detector` must be text: \"srm\" or \"component\"".into());
        }
        None | Some("component") => "component",
        Some("srm") => "srm",
        Some(other) => {
            return Err(format!(
                "train setting `detector` = \"{other}\": use \"srm\" (the paper's neuron) or \"component\""
            ));
        }
    };
    let neuron = if detector == "srm" {
        if pop.model.kind != "lif" {
            return Err(format!(
                "detector = \"srm\" takes τm, the threshold and the refractory time from a `lif` component; `{}` is `{}`",
                pop.name, pop.model.kind
            ));
        }
        let p = Params(&pop.model);
        let need = |k: &str| {
            p.get(k)
                .ok_or_else(|| format!("`{}` has no `{k}`", pop.name))
        };
        pattern::Neuron::Srm(pattern::Srm {
            tau_m: need("tau_m")?,
            tau_s,
            theta: need("v_th")? - need("v_rest")?,
            k1: s.real("srm_k1", 2.0)?,
            k2: s.real("srm_k2", 4.0)?,
            t_ref: need("t_ref")?,
        })
    } else {
        pattern::Neuron::Model {
            instance: pop.model.clone(),
            port: Port {
                kind: PortKind::Exponential { tau: tau_s },
                e_rev: None,
            },
            dt,
        }
    };
    let cfg = pattern::Config {
        afferents: n,
        pattern_fraction: s.real("pattern_fraction", 0.5)?,
        pattern_len: s.real("pattern_len", 0.05)?,
        pattern_prob: s.real("pattern_prob", 0.25)?,
        rate_max: s.real("rate_max", 90.0)?,
        speed_max: s.real("speed_max", 1800.0)?,
        speed_step: s.real("speed_step", 360.0)?,
        max_silence: s.real("max_silence", 0.05)?,
        noise_rate: s.real("noise_rate", 10.0)?,
        jitter: s.real("jitter", 0.001)?,
        rate_dt: s.real("rate_dt", 0.001)?,
        epoch_duration: s.real("epoch_duration", 10.0)?,
        test_duration: s.real("test_duration", 5.0)?,
        epochs: training.epochs,
        seed: training.seed,
        neuron,
        w0,
        rule: stdp_rule.clone(),
    };
    let out = pattern::run(&cfg, progress)?;
    let last = |v: &[f64]| v.last().copied().unwrap_or(f64::NAN);
    let sum = out.summary(20);
    let pairing = match &stdp_rule {
        pattern::Rule::Pair(r) => format!("{:?} pairing", r.pairing).to_lowercase(),
        pattern::Rule::Triplet(_) => "all-to-all triplets".into(),
    };
    let mut notes = vec![
        format!(
            "{} afferents, {:.0} % in a {} ms pattern shown in {:.0} % of the sections (never twice in a row, jitter {} ms), {} Hz noise; detector `{}` ({}), rule {} ({pairing})",
            n,
            cfg.pattern_fraction * 100.0,
            cfg.pattern_len * 1e3,
            cfg.pattern_prob * 100.0,
            cfg.jitter * 1e3,
            cfg.noise_rate,
            pop.name,
            match &cfg.neuron {
                pattern::Neuron::Srm(p) => format!(
                    "the paper's SRM, event-driven: τm {} ms, τs {} ms, threshold {:.0} maximal PSPs of w_max, K1 {}, K2 {}",
                    p.tau_m * 1e3,
                    p.tau_s * 1e3,
                    srm_threshold_in_psps(p, &stdp_rule),
                    p.k1,
                    p.k2
                ),
                pattern::Neuron::Model { dt, .. } => format!(
                    "the component's `{}`, stepped every {} ms",
                    pop.model.kind,
                    dt * 1e3
                ),
            },
            rule.kind
        ),
        format!(
            "last epoch: hit rate {:.3}, false alarms {:.3} Hz (learning); test with learning off: hit rate {:.3}, false alarms {:.3} Hz, first-spike latency {:.1} ms",
            last(&out.hit_rate),
            last(&out.false_alarm_hz),
            last(&out.test_hit_rate),
            last(&out.test_false_alarm_hz),
            last(&out.test_latency) * 1e3
        ),
        format!(
            "{} presentations, {} post-synaptic spikes while learning; mean latency of the spikes in a presentation: {:.1} ms over the first {} presentations with a spike, {:.1} ms over the last {}",
            out.latency.len(),
            out.post_times.len(),
            sum.latency_first * 1e3,
            sum.k,
            sum.latency_last * 1e3,
            sum.k
        ),
        format!(
            "last third of the learning ({:.0} s): hit rate {:.3}, false alarms {:.3} Hz, first-spike latency {:.1} ms",
            out.learn_time / 3.0,
            sum.final_hit_rate,
            sum.final_false_alarm_hz,
            sum.final_latency * 1e3
        ),
        match sum.last_false_alarm {
            Some(t) => format!(
                "last false alarm while learning at {t:.2} s (post-synaptic spike {})",
                sum.spikes_to_last_false_alarm
            ),
            None => "no false alarm while learning".into(),
        },
    ];
    if out.latency.is_empty() {
        notes.push("no pattern presentation happened".into());
    }
    let e = out.hit_rate.len();
    let k = out.post_times.len();
    Ok(TrainResult {
        rule: rule.kind.clone(),
        epochs: out.epochs,
        tensors: vec![
            tensor(weight_name(net, proj), vec![1, n], out.w),
            tensor("pattern_afferents", vec![n], out.pattern_mask),
            tensor("latency_s", vec![out.latency.len()], out.latency),
            tensor(
                "mean_latency_s",
                vec![out.mean_latency.len()],
                out.mean_latency,
            ),
            tensor("post_times_s", vec![k], out.post_times),
            tensor("post_latency_s", vec![k], out.post_latency),
            tensor("hit_rate", vec![e], out.hit_rate),
            tensor("false_alarm_hz", vec![e], out.false_alarm_hz),
            tensor("test_hit_rate", vec![e], out.test_hit_rate),
            tensor("test_false_alarm_hz", vec![e], out.test_false_alarm_hz),
            tensor("test_latency_s", vec![e], out.test_latency),
        ],
        notes,
    })
}

/// The SRM's threshold in maximal PSPs of a weight `w_max` (the paper's 500).
fn srm_threshold_in_psps(p: &pattern::Srm, rule: &pattern::Rule) -> f64 {
    let w_max = match rule {
        pattern::Rule::Pair(r) => r.w_max,
        pattern::Rule::Triplet(r) => r.w_max,
    };
    let (tm, ts) = (p.tau_m, p.tau_s);
    let s_peak = (tm / ts).ln() * tm * ts / (tm - ts);
    let peak = ts / (tm - ts) * ((-s_peak / tm).exp() - (-s_peak / ts).exp());
    p.theta / (peak * w_max)
}
