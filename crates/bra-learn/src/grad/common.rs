//! What every gradient trainer shares: reading the compiled network as a
//! chain of layers, the dataset split, weight initialisation from the flows'
//! laws, optimisers, softmax cross-entropy and the epoch loop.

use crate::data::{self, Dataset};
use crate::experiment::{EpochMetrics, Progress, TrainResult};
use bra_compile::ir::{Instance, Network, Population, Projection, Training, Value};
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2, Axis};
use std::path::Path;
use std::time::Instant;

/// A real parameter of an instance, or `default`.
pub fn real(inst: Option<&Instance>, name: &str, default: f64) -> f64 {
    inst.and_then(|i| i.params.get(name))
        .and_then(Value::as_real)
        .unwrap_or(default)
}

/// A text parameter (a choice) of an instance, or `default`.
pub fn text<'a>(inst: Option<&'a Instance>, name: &str, default: &'a str) -> &'a str {
    match inst.and_then(|i| i.params.get(name)) {
        Some(Value::Text(t)) => t,
        _ => default,
    }
}

/// A flag of an instance, or `default`.
pub fn flag(inst: Option<&Instance>, name: &str, default: bool) -> bool {
    match inst.and_then(|i| i.params.get(name)) {
        Some(Value::Bool(b)) => *b,
        Some(v) => v.as_real().map_or(default, |r| r != 0.0),
        None => default,
    }
}

/// A numeric setting of the train block, or `default`.
pub fn setting(training: &Training, name: &str, default: f64) -> f64 {
    training
        .settings
        .get(name)
        .and_then(Value::as_real)
        .unwrap_or(default)
}

/// A text or flag setting of the train block.
pub fn setting_text<'a>(training: &'a Training, name: &str) -> Option<&'a str> {
    match training.settings.get(name) {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

/// One layer of a chain: a population and how it is reached.
#[derive(Clone, Debug)]
pub struct Layer<'a> {
    /// The population.
    pub pop: &'a Population,
    /// The feed-forward projection from the previous layer (none for the input).
    pub forward: Option<&'a Projection>,
    /// A feedback projection from the next layer onto this one.
    pub feedback: Option<&'a Projection>,
    /// A projection of the population onto itself.
    pub recurrent: Option<&'a Projection>,
}

impl Layer<'_> {
    /// Number of units.
    pub fn size(&self) -> usize {
        self.pop.size as usize
    }
    /// The rule that trains this layer's incoming weights: the forward flow's
    /// own rule when it declares one, else the population's.
    pub fn rule(&self) -> Option<&Instance> {
        self.forward
            .and_then(|p| p.plasticity.as_ref())
            .or(self.pop.learning.as_ref())
    }
    /// The neuron model's name.
    pub fn model(&self) -> &str {
        &self.pop.model.kind
    }
}

/// The network read as a chain `input → hidden… → readout`, with the rule
/// that the readout declares.
#[derive(Clone, Debug)]
pub struct Plan<'a> {
    /// The compiled network.
    pub net: &'a Network,
    /// Its training block.
    pub training: &'a Training,
    /// Layers, input first, readout last.
    pub layers: Vec<Layer<'a>>,
    /// The readout's rule.
    pub rule: &'a Instance,
}

impl<'a> Plan<'a> {
    /// Read the chain: the input is the population without incoming
    /// projections from which the readout is reached; layers are the
    /// populations at each distance from it, one per distance.
    pub fn new(net: &'a Network, training: &'a Training) -> Result<Plan<'a>, String> {
        let readout = training
            .readout
            .ok_or("the train block needs `readout = COMPONENT`")?;
        let ro = net
            .populations
            .iter()
            .find(|p| p.id == readout)
            .ok_or("the readout is not a population of the network")?;
        let rule = ro.learning.as_ref().ok_or_else(|| {
            format!(
                "the readout `{}` declares no `learning = …` rule (one of {})",
                ro.name,
                super::RULES.join(", ")
            )
        })?;
        let incoming = |id: u32| {
            net.projections
                .iter()
                .filter(move |p| p.post == id && p.pre != id)
        };
        // Distance from the readout, walking projections backwards.
        let n = net.populations.len();
        let index = |id: u32| net.populations.iter().position(|p| p.id == id);
        let mut dist = vec![usize::MAX; n];
        let ri = index(readout).ok_or("readout index")?;
        dist[ri] = 0;
        let mut frontier = vec![readout];
        while let Some(id) = frontier.pop() {
            let d = dist[index(id).ok_or("population index")?];
            for p in incoming(id) {
                if let Some(k) = index(p.pre)
                    && dist[k] == usize::MAX
                {
                    dist[k] = d + 1;
                    frontier.insert(0, p.pre);
                }
            }
        }
        let depth = dist.iter().filter(|&&d| d != usize::MAX).max().copied();
        let depth = depth.unwrap_or(0);
        if depth == 0 {
            return Err(format!(
                "nothing projects onto the readout `{}`: there is no layer to train",
                ro.name
            ));
        }
        let mut layers = Vec::new();
        for d in (0..=depth).rev() {
            let at: Vec<&Population> = net
                .populations
                .iter()
                .zip(&dist)
                .filter(|(_, k)| **k == d)
                .map(|(p, _)| p)
                .collect();
            if at.len() != 1 {
                let names: Vec<&str> = at.iter().map(|p| p.name.as_str()).collect();
                return Err(format!(
                    "gradient training needs a chain of layers; {} populations ({}) lie {d} flows before the readout",
                    at.len(),
                    names.join(", ")
                ));
            }
            let pop = at[0];
            let prev: Option<&Layer> = layers.last();
            let forward = prev.and_then(|l: &Layer| {
                net.projections
                    .iter()
                    .find(|p| p.pre == l.pop.id && p.post == pop.id)
            });
            if prev.is_some() && forward.is_none() {
                return Err(format!("no flow into `{}` from the layer before", pop.name));
            }
            let recurrent = net
                .projections
                .iter()
                .find(|p| p.pre == pop.id && p.post == pop.id);
            layers.push(Layer {
                pop,
                forward,
                feedback: None,
                recurrent,
            });
        }
        for l in 0..layers.len() - 1 {
            let (lo, hi) = (layers[l].pop.id, layers[l + 1].pop.id);
            layers[l].feedback = net.projections.iter().find(|p| p.pre == hi && p.post == lo);
        }
        if let Some(p) = layers[0].recurrent {
            return Err(format!(
                "the input layer `{}` has a recurrent flow `{}`; inputs are clamped to the data",
                layers[0].pop.name, p.name
            ));
        }
        Ok(Plan {
            net,
            training,
            layers,
            rule,
        })
    }

    /// Sizes of the layers, input first.
    pub fn sizes(&self) -> Vec<usize> {
        self.layers.iter().map(Layer::size).collect()
    }

    /// The seed of the initial weights and encodings.
    pub fn seed(&self) -> u64 {
        self.training.seed
    }

    /// Check that the input and output sizes fit the data.
    pub fn fit_data(&self, dim: usize, classes: usize) -> Result<(), String> {
        let (inp, out) = (&self.layers[0], &self.layers[self.layers.len() - 1]);
        if inp.size() != dim {
            return Err(format!(
                "the input layer `{}` has {} units; the dataset has {dim} features",
                inp.pop.name,
                inp.size()
            ));
        }
        if out.size() != classes {
            return Err(format!(
                "the readout `{}` has {} units; the dataset has {classes} classes",
                out.pop.name,
                out.size()
            ));
        }
        Ok(())
    }
}

/// Load the dataset named by the train block (relative to `base`), split it
/// (stratified, by the block's seed) and scale every feature into [0, 1] by
/// the training set's ranges.
pub fn load_split(training: &Training, base: &Path) -> Result<(Dataset, Dataset), String> {
    let path = base.join(&training.dataset);
    let all = data::load(&path, training.label.as_deref())?;
    if all.is_empty() {
        return Err(format!("{}: no rows", path.display()));
    }
    let (train, test) = all.split(training.split, training.seed);
    let ranges = train.ranges();
    Ok((train.scaled(&ranges), test.scaled(&ranges)))
}

/// Initial weights `post × pre` of a projection, drawn from its weight law
/// (counter-based: `Key(seed, Weight, projection id)`, counters `(post,
/// pre)`), divided by `unit` (to make voltages dimensionless).
pub fn init_weights(
    proj: &Projection,
    post: usize,
    pre: usize,
    seed: u64,
    unit: f64,
) -> Array2<f64> {
    let key = Key::new(seed, Stream::Weight, proj.id as u64);
    Array2::from_shape_fn((post, pre), |(i, j)| {
        bra_runtime::connect::value_of(&proj.weight, key, i as u64, j as u64) / unit
    })
}

/// A `rows × cols` matrix of N(0, sd²) draws from `key`.
pub fn gaussian(rows: usize, cols: usize, sd: f64, key: Key) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| sd * key.normal(i as u64, j as u64))
}

/// A permutation of `0..n` for one epoch (Fisher–Yates on a counter-based stream).
pub fn shuffled(n: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let key = Key::new(seed, Stream::Input, 0x5EED_0000 ^ epoch);
    let mut idx: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        let j = (key.uniform(epoch, k as u64) * (k + 1) as f64) as usize;
        idx.swap(k, j.min(k));
    }
    idx
}

/// Rows of a dataset as a `rows × dim` matrix.
pub fn rows(d: &Dataset, idx: &[usize]) -> Array2<f64> {
    let dim = d.dim();
    Array2::from_shape_fn((idx.len(), dim), |(r, c)| d.x[idx[r] * dim + c])
}

/// Labels of the rows.
pub fn labels(d: &Dataset, idx: &[usize]) -> Vec<usize> {
    idx.iter().map(|&i| d.y[i]).collect()
}

/// One-hot targets, `rows × classes`.
pub fn one_hot(y: &[usize], classes: usize) -> Array2<f64> {
    let mut t = Array2::zeros((y.len(), classes));
    for (r, &c) in y.iter().enumerate() {
        t[[r, c]] = 1.0;
    }
    t
}

/// Mean softmax cross-entropy of `logits` (rows × classes) and its gradient
/// with respect to the logits (already divided by the number of rows).
pub fn softmax_ce(logits: &Array2<f64>, y: &[usize]) -> (f64, Array2<f64>) {
    let n = logits.nrows().max(1) as f64;
    let mut g = logits.clone();
    let mut loss = 0.0;
    for (mut row, &c) in g.axis_iter_mut(Axis(0)).zip(y) {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|v| (v - m).exp());
        let s: f64 = row.sum();
        row.mapv_inplace(|v| v / s);
        loss -= row[c].max(1e-300).ln();
        row[c] -= 1.0;
    }
    g.mapv_inplace(|v| v / n);
    (loss / n, g)
}

/// Number of rows whose largest entry is at the label.
pub fn correct(scores: &Array2<f64>, y: &[usize]) -> usize {
    scores
        .axis_iter(Axis(0))
        .zip(y)
        .filter(|(row, c)| argmax(row.as_slice().unwrap_or(&[])) == **c)
        .count()
}

/// Index of the largest value (the first on ties).
pub fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Accuracy of a batched predictor on a dataset.
pub fn accuracy(d: &Dataset, batch: usize, mut scores: impl FnMut(&[usize]) -> Array2<f64>) -> f64 {
    let idx: Vec<usize> = (0..d.len()).collect();
    let mut ok = 0;
    for chunk in idx.chunks(batch.max(1)) {
        ok += correct(&scores(chunk), &labels(d, chunk));
    }
    ok as f64 / d.len().max(1) as f64
}

/// Adam (Kingma & Ba 2015; β1 0.9, β2 0.999, ε 1e-8) or plain SGD over a
/// list of parameter arrays. Gradients are of the loss (the step descends).
#[derive(Clone, Debug)]
pub struct Optimiser {
    adam: bool,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
    t: i32,
}

impl Optimiser {
    /// `kind` is `adam` or `sgd`.
    pub fn new(kind: &str) -> Optimiser {
        Optimiser {
            adam: kind != "sgd",
            m: Vec::new(),
            v: Vec::new(),
            t: 0,
        }
    }

    /// One step: `params[k] -= lr[k] * update(grads[k])`.
    pub fn step(&mut self, params: &mut [&mut [f64]], grads: &[&[f64]], lr: &[f64]) {
        if self.m.len() != params.len() {
            self.m = grads.iter().map(|g| vec![0.0; g.len()]).collect();
            self.v = self.m.clone();
        }
        self.t += 1;
        let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = 1.0 - b2.powi(self.t);
        for k in 0..params.len() {
            let p = &mut *params[k];
            let g = grads[k];
            if !self.adam {
                for (w, d) in p.iter_mut().zip(g) {
                    *w -= lr[k] * d;
                }
                continue;
            }
            let (m, v) = (&mut self.m[k], &mut self.v[k]);
            for i in 0..p.len() {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                p[i] -= lr[k] * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
            }
        }
    }
}

/// Flat view of a contiguous array.
pub fn flat(a: &Array2<f64>) -> &[f64] {
    a.as_slice().unwrap_or(&[])
}

/// Mutable flat view of a contiguous array.
pub fn flat_mut(a: &mut Array2<f64>) -> &mut [f64] {
    a.as_slice_mut().unwrap_or(&mut [])
}

/// Flat view of a vector.
pub fn flat1(a: &Array1<f64>) -> &[f64] {
    a.as_slice().unwrap_or(&[])
}

/// Cosine similarity of two flattened lists of arrays.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// Angle in degrees between two vectors.
pub fn angle_deg(a: &[f64], b: &[f64]) -> f64 {
    cosine(a, b).clamp(-1.0, 1.0).acos().to_degrees()
}

/// Concatenate arrays into one vector (for angles and norms).
pub fn concat<'x>(parts: impl IntoIterator<Item = &'x [f64]>) -> Vec<f64> {
    parts.into_iter().flat_map(|p| p.iter().copied()).collect()
}

/// Run `epochs` epochs: `epoch(e)` trains one pass and returns the mean
/// loss; `eval(train_or_test)` scores a set. Reports each epoch.
pub fn run_epochs(
    epochs: u64,
    progress: Progress,
    mut epoch: impl FnMut(u64) -> Result<Option<f64>, String>,
    mut eval: impl FnMut(bool) -> f64,
) -> Result<Vec<EpochMetrics>, String> {
    let mut out = Vec::new();
    for e in 1..=epochs {
        let t0 = Instant::now();
        let loss = epoch(e)?;
        let wall_s = t0.elapsed().as_secs_f64();
        if let Some(l) = loss
            && !l.is_finite()
        {
            return Err(format!(
                "the loss became {l} in epoch {e}: lower the learning rate"
            ));
        }
        let m = EpochMetrics {
            epoch: e,
            train_accuracy: eval(true),
            test_accuracy: eval(false),
            loss,
            wall_s,
        };
        progress(&m);
        out.push(m);
    }
    Ok(out)
}

/// A trained array as a result tensor.
pub fn tensor(name: impl Into<String>, a: &Array2<f64>) -> crate::experiment::Tensor {
    crate::experiment::Tensor {
        name: name.into(),
        shape: a.shape().to_vec(),
        data: a.iter().copied().collect(),
    }
}

/// A trained vector as a result tensor.
pub fn tensor1(name: impl Into<String>, a: &Array1<f64>) -> crate::experiment::Tensor {
    crate::experiment::Tensor {
        name: name.into(),
        shape: vec![a.len()],
        data: a.to_vec(),
    }
}

/// An empty result for a rule.
pub fn result(rule: &str) -> TrainResult {
    TrainResult {
        rule: rule.to_string(),
        ..TrainResult::default()
    }
}

/// Training-state memory note, in a human unit.
pub fn memory_note(what: &str, floats: usize) -> String {
    let bytes = floats * 8;
    let (v, u) = if bytes >= 1 << 20 {
        (bytes as f64 / (1u64 << 20) as f64, "MiB")
    } else {
        (bytes as f64 / 1024.0, "KiB")
    };
    format!("memory: {what}: {v:.1} {u} of learning state")
}
