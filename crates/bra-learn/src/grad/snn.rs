//! Spiking networks trained by surrogate-gradient BPTT (Neftci, Mostafa &
//! Zenke 2019) or by e-prop (Bellec et al. 2020).
//!
//! Discrete-time LIF layers in units of the threshold distance (`v_th -
//! v_reset` = 1, rest and reset at 0), delta current synapses, reset by
//! subtraction:
//!
//! ```text
//! v_t = alpha v_{t-1} + W z^{below}_t + R z_{t-1} - z_{t-1},   z_t = H(v_t - 1)
//! ```
//!
//! with `alpha = exp(-dt / tau_m)`. The readout is a layer of leaky
//! integrators `u_t = kappa u_{t-1} + W_o z_t + b` (the readout component's
//! membrane, its threshold not applied) and the class scores are the mean of
//! `u` over the trial, trained with softmax cross-entropy.
//!
//! The backward pass is the exact adjoint of this forward pass with `H'`
//! replaced by the surrogate `g(v - 1)`. With [`Spike::smooth`] the forward
//! pass uses the antiderivative of `g` instead of `H`: the *surrogate
//! network*, whose true gradient the same backward pass computes exactly —
//! which is how the tests check it against finite differences.
//!
//! e-prop (one hidden layer) keeps per synapse the eligibility trace
//! `psi_j,t xbar_i,t` (psi the surrogate derivative, xbar the presynaptic
//! trace filtered with alpha), filters it with the readout's kappa, and
//! multiplies it by the learning signal `B (pi - y*)` broadcast through the
//! readout weights (symmetric e-prop, `B = W_o^T`). It drops the paths
//! through the reset and through other neurons (the recurrent weights).

use super::common::{self, Optimiser, Plan};
use crate::data::Dataset;
use crate::experiment::{Progress, TrainResult};
use bra_compile::ir::Instance;
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2, Axis};

/// The surrogate derivative of the spike function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Surrogate {
    /// `1 / (1 + k |x|)²` (SuperSpike).
    FastSigmoid,
    /// `1 / (1 + (pi k x / 2)²)`.
    Atan,
    /// `max(0, 1 - k |x|)`.
    Triangle,
}

/// The spike nonlinearity: Heaviside forward (or its smooth surrogate
/// network), surrogate derivative backward.
#[derive(Clone, Copy, Debug)]
pub struct Spike {
    /// Which surrogate.
    pub kind: Surrogate,
    /// Its steepness `k`.
    pub slope: f64,
    /// Forward pass through the antiderivative of the surrogate.
    pub smooth: bool,
}

impl Spike {
    /// Output for a normalised distance to threshold `x = v - 1`.
    pub fn f(&self, x: f64) -> f64 {
        if !self.smooth {
            return if x >= 0.0 { 1.0 } else { 0.0 };
        }
        let k = self.slope;
        match self.kind {
            Surrogate::FastSigmoid => x / (1.0 + k * x.abs()) + 1.0 / k,
            Surrogate::Atan => {
                let c = std::f64::consts::PI * k / 2.0;
                (c * x).atan() / c + std::f64::consts::PI / (2.0 * c)
            }
            Surrogate::Triangle => {
                let h = 1.0 / k;
                if x <= -h {
                    0.0
                } else if x <= 0.0 {
                    (x + h) + k * (x * x - h * h) / 2.0
                } else if x <= h {
                    h / 2.0 + x - k * x * x / 2.0
                } else {
                    h
                }
            }
        }
    }
    /// The surrogate derivative.
    pub fn df(&self, x: f64) -> f64 {
        let k = self.slope;
        match self.kind {
            Surrogate::FastSigmoid => 1.0 / (1.0 + k * x.abs()).powi(2),
            Surrogate::Atan => {
                let c = std::f64::consts::PI * k * x / 2.0;
                1.0 / (1.0 + c * c)
            }
            Surrogate::Triangle => (1.0 - k * x.abs()).max(0.0),
        }
    }
    /// From a `bptt(…)` or `rtrl(…)` instance.
    pub fn from_rule(rule: Option<&Instance>) -> Spike {
        let kind = match common::text(rule, "surrogate", "fast_sigmoid") {
            "atan" => Surrogate::Atan,
            "triangle" => Surrogate::Triangle,
            _ => Surrogate::FastSigmoid,
        };
        Spike {
            kind,
            slope: common::real(rule, "slope", 25.0),
            smooth: false,
        }
    }
}

/// A feed-forward chain of (optionally recurrent) LIF layers and a leaky readout.
#[derive(Clone, Debug)]
pub struct Snn {
    /// Sizes: input, hidden layers, readout.
    pub sizes: Vec<usize>,
    /// `w[l]`: `n_{l+1} × n_l`; the last is the readout's.
    pub w: Vec<Array2<f64>>,
    /// Recurrent weights of each hidden layer (`n × n`), when it has them.
    pub rec: Vec<Option<Array2<f64>>>,
    /// Readout bias.
    pub b_out: Array1<f64>,
    /// Membrane decay per step of each hidden layer.
    pub alpha: Vec<f64>,
    /// Decay per step of the readout.
    pub kappa: f64,
    /// Spike function.
    pub spike: Spike,
}

/// Everything the forward pass computed.
#[derive(Clone, Debug)]
pub struct Trace {
    /// `v[l][t]`, hidden layer `l` (0-based), step `t`.
    pub v: Vec<Vec<Array2<f64>>>,
    /// `z[l][t]`.
    pub z: Vec<Vec<Array2<f64>>>,
    /// Class scores (mean readout).
    pub logits: Array2<f64>,
}

/// Gradients of the loss with respect to every parameter.
#[derive(Clone, Debug)]
pub struct Grads {
    /// Of `w`.
    pub w: Vec<Array2<f64>>,
    /// Of `rec`.
    pub rec: Vec<Option<Array2<f64>>>,
    /// Of the readout bias.
    pub b_out: Array1<f64>,
}

impl Grads {
    /// Every entry in one vector.
    pub fn flat(&self) -> Vec<f64> {
        let mut v = common::concat(self.w.iter().map(common::flat));
        for r in self.rec.iter().flatten() {
            v.extend_from_slice(common::flat(r));
        }
        v.extend_from_slice(common::flat1(&self.b_out));
        v
    }
}

impl Snn {
    /// Random weights `N(0, gain² / n_in)`; recurrent layers as flagged.
    pub fn random(sizes: &[usize], recurrent: &[bool], gain: f64, spike: Spike, seed: u64) -> Snn {
        let key = |l: u64| Key::new(seed, Stream::Weight, 0x5AA_0000 + l);
        let w = (0..sizes.len() - 1)
            .map(|l| {
                common::gaussian(
                    sizes[l + 1],
                    sizes[l],
                    gain / (sizes[l] as f64).sqrt(),
                    key(l as u64),
                )
            })
            .collect();
        let rec = (1..sizes.len() - 1)
            .map(|l| {
                recurrent.get(l - 1).copied().unwrap_or(false).then(|| {
                    common::gaussian(
                        sizes[l],
                        sizes[l],
                        0.5 * gain / (sizes[l] as f64).sqrt(),
                        key(0x100 + l as u64),
                    )
                })
            })
            .collect();
        Snn {
            sizes: sizes.to_vec(),
            w,
            rec,
            b_out: Array1::zeros(sizes[sizes.len() - 1]),
            alpha: vec![0.9; sizes.len() - 2],
            kappa: 0.9,
            spike,
        }
    }

    fn hidden(&self) -> usize {
        self.sizes.len() - 2
    }

    /// Run a trial; `input[t]` is `batch × n_0`.
    pub fn forward(&self, input: &[Array2<f64>]) -> Trace {
        let steps = input.len();
        let b = input.first().map_or(0, |x| x.nrows());
        let mut v_all = Vec::new();
        let mut z_all: Vec<Vec<Array2<f64>>> = Vec::new();
        for l in 0..self.hidden() {
            let n = self.sizes[l + 1];
            let (mut v, mut z) = (Array2::zeros((b, n)), Array2::<f64>::zeros((b, n)));
            let (mut vs, mut zs) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
            for t in 0..steps {
                let below = if l == 0 { &input[t] } else { &z_all[l - 1][t] };
                let mut nv = v * self.alpha[l] + below.dot(&self.w[l].t()) - &z;
                if let Some(r) = &self.rec[l] {
                    nv += &z.dot(&r.t());
                }
                v = nv;
                z = v.mapv(|x| self.spike.f(x - 1.0));
                vs.push(v.clone());
                zs.push(z.clone());
            }
            v_all.push(vs);
            z_all.push(zs);
        }
        let last = self.w.len() - 1;
        let classes = self.sizes[last + 1];
        let mut u = Array2::zeros((b, classes));
        let mut sum = Array2::zeros((b, classes));
        let top = &z_all[self.hidden() - 1];
        for zt in top.iter() {
            u = u * self.kappa + zt.dot(&self.w[last].t()) + &self.b_out;
            sum += &u;
        }
        Trace {
            v: v_all,
            z: z_all,
            logits: sum / steps.max(1) as f64,
        }
    }

    /// `c_t = Σ_{t' ≥ t} kappa^{t'-t} / T`: how much `z_t` reaches the mean readout.
    fn reach(&self, steps: usize) -> Vec<f64> {
        let mut c = vec![0.0; steps];
        let mut acc = 0.0;
        for t in (0..steps).rev() {
            acc = acc * self.kappa + 1.0;
            c[t] = acc / steps as f64;
        }
        c
    }

    fn readout_grads(&self, tr: &Trace, dlogits: &Array2<f64>, g: &mut Grads) {
        let last = self.w.len() - 1;
        let c = self.reach(tr.z[0].len());
        for (t, zt) in tr.z[self.hidden() - 1].iter().enumerate() {
            g.w[last] += &(dlogits.t().dot(zt) * c[t]);
        }
        g.b_out = dlogits.sum_axis(Axis(0)) * c.iter().sum::<f64>();
    }

    fn zero_grads(&self) -> Grads {
        Grads {
            w: self.w.iter().map(|w| Array2::zeros(w.raw_dim())).collect(),
            rec: self
                .rec
                .iter()
                .map(|r| r.as_ref().map(|r| Array2::zeros(r.raw_dim())))
                .collect(),
            b_out: Array1::zeros(self.b_out.len()),
        }
    }

    /// BPTT: the exact adjoint of [`forward`](Self::forward) with the
    /// surrogate derivative. `dlogits` is ∂loss/∂logits.
    pub fn bptt(&self, input: &[Array2<f64>], tr: &Trace, dlogits: &Array2<f64>) -> Grads {
        let steps = input.len();
        let mut g = self.zero_grads();
        self.readout_grads(tr, dlogits, &mut g);
        let last = self.w.len() - 1;
        let c = self.reach(steps);
        // ∂L/∂z of the top hidden layer, from the readout.
        let gz_top = dlogits.dot(&self.w[last]);
        let mut gz: Vec<Array2<f64>> = (0..steps).map(|t| &gz_top * c[t]).collect();
        for l in (0..self.hidden()).rev() {
            let b = gz[0].nrows();
            let n = self.sizes[l + 1];
            let mut gv_next = Array2::<f64>::zeros((b, n));
            let mut g_below = Vec::with_capacity(steps);
            for t in (0..steps).rev() {
                let mut gzt = &gz[t] - &gv_next;
                if let Some(r) = &self.rec[l] {
                    gzt += &gv_next.dot(r);
                }
                let sd = tr.v[l][t].mapv(|x| self.spike.df(x - 1.0));
                let gv = gzt * sd + &gv_next * self.alpha[l];
                let below = if l == 0 { &input[t] } else { &tr.z[l - 1][t] };
                g.w[l] += &gv.t().dot(below);
                if let (Some(gr), true) = (&mut g.rec[l], t > 0) {
                    *gr += &gv.t().dot(&tr.z[l][t - 1]);
                }
                if l > 0 {
                    g_below.push(gv.dot(&self.w[l]));
                }
                gv_next = gv;
            }
            g_below.reverse();
            gz = g_below;
        }
        g
    }

    /// e-prop (one hidden layer): eligibility traces times the learning
    /// signal broadcast through the readout weights.
    pub fn eprop(
        &self,
        input: &[Array2<f64>],
        tr: &Trace,
        dlogits: &Array2<f64>,
    ) -> Result<Grads, String> {
        if self.hidden() != 1 {
            return Err(format!(
                "e-prop here takes one hidden layer; the chain has {}",
                self.hidden()
            ));
        }
        let steps = input.len();
        let mut g = self.zero_grads();
        self.readout_grads(tr, dlogits, &mut g);
        let c = self.reach(steps);
        let learning = dlogits.dot(&self.w[1]);
        let (b, n_in) = (input[0].nrows(), input[0].ncols());
        let n = self.sizes[1];
        let mut xbar = Array2::<f64>::zeros((b, n_in));
        let mut zbar = Array2::<f64>::zeros((b, n));
        for t in 0..steps {
            xbar = xbar * self.alpha[0] + &input[t];
            if t > 0 {
                zbar = zbar * self.alpha[0] + &tr.z[0][t - 1];
            }
            let psi = tr.v[0][t].mapv(|x| self.spike.df(x - 1.0));
            let factor = psi * &learning * c[t];
            g.w[0] += &factor.t().dot(&xbar);
            if let Some(gr) = &mut g.rec[0] {
                *gr += &factor.t().dot(&zbar);
            }
        }
        Ok(g)
    }

    /// Loss (mean cross-entropy) of a batch.
    pub fn loss(&self, input: &[Array2<f64>], y: &[usize]) -> f64 {
        common::softmax_ce(&self.forward(input).logits, y).0
    }

    fn params_mut(&mut self) -> Vec<&mut [f64]> {
        let mut out: Vec<&mut [f64]> = self.w.iter_mut().map(common::flat_mut).collect();
        for r in self.rec.iter_mut().flatten() {
            out.push(common::flat_mut(r));
        }
        out.push(self.b_out.as_slice_mut().unwrap_or(&mut []));
        out
    }
}

/// How data become input spikes.
#[derive(Clone, Debug)]
pub enum Encoding {
    /// Poisson: spike probability per step `x · max_rate · dt`.
    Poisson {
        /// Probability per step of an input of 1.
        p_max: f64,
    },
    /// One spike at step `round((1 - x) · t_max / dt)`, none below threshold.
    Latency {
        /// Latest step.
        last: f64,
        /// Smallest value that fires.
        threshold: f64,
    },
}

/// An encoder with its trial length.
#[derive(Clone, Debug)]
pub struct Encoder {
    /// The code.
    pub code: Encoding,
    /// Steps per trial.
    pub steps: usize,
    /// Key of the spike draws.
    pub key: Key,
}

impl Encoder {
    /// From the train block's `encoding` (default: Poisson at 100 Hz for
    /// 25 ms) and the step `dt` (seconds).
    pub fn from_training(training: &bra_compile::ir::Training, dt: f64) -> Encoder {
        let enc = training.encoding.as_ref();
        let key = Key::new(training.seed, Stream::Input, 0x5B1C);
        match enc.map(|e| e.kind.as_str()) {
            Some("latency") => {
                let t_max = common::real(enc, "t_max", 0.05);
                Encoder {
                    code: Encoding::Latency {
                        last: t_max / dt,
                        threshold: common::real(enc, "threshold", 0.01),
                    },
                    steps: (t_max / dt).round() as usize + 1,
                    key,
                }
            }
            _ => {
                let rate = common::real(enc, "max_rate", 100.0);
                let dur = common::real(enc, "duration", 0.025);
                Encoder {
                    code: Encoding::Poisson {
                        p_max: (rate * dt).min(1.0),
                    },
                    steps: ((dur / dt).round() as usize).max(1),
                    key,
                }
            }
        }
    }

    /// Spikes of rows `x` (sample ids `ids`, presentation `round`): `steps`
    /// matrices `batch × dim`. The same (sample, round) always gives the same
    /// spikes.
    pub fn encode(&self, x: &Array2<f64>, ids: &[usize], round: u64) -> Vec<Array2<f64>> {
        let (b, d) = x.dim();
        let mut out = vec![Array2::zeros((b, d)); self.steps];
        for r in 0..b {
            let a = (round << 32) ^ ids[r] as u64;
            for i in 0..d {
                let xi = x[[r, i]];
                match self.code {
                    Encoding::Poisson { p_max } => {
                        let p = (xi * p_max).clamp(0.0, 1.0);
                        for (t, m) in out.iter_mut().enumerate() {
                            if self.key.uniform(a, (t * d + i) as u64) < p {
                                m[[r, i]] = 1.0;
                            }
                        }
                    }
                    Encoding::Latency { last, threshold } => {
                        if xi >= threshold {
                            let t = ((1.0 - xi) * last).round() as usize;
                            out[t.min(self.steps - 1)][[r, i]] = 1.0;
                        }
                    }
                }
            }
        }
        out
    }
}

/// Build the network of a plan: LIF hidden layers, the readout as leaky integrators.
pub fn build(plan: &Plan, dt: f64, spike: Spike) -> Result<Snn, String> {
    let sizes = plan.sizes();
    let seed = plan.seed();
    let nl = plan.layers.len();
    let mut w = Vec::new();
    let mut rec = Vec::new();
    let mut alpha = Vec::new();
    let mut kappa = 0.9;
    for (l, layer) in plan.layers.iter().enumerate().skip(1) {
        if !matches!(layer.model(), "lif") {
            return Err(format!(
                "surrogate-gradient training takes `lif` layers; `{}` is `{}`",
                layer.pop.name,
                layer.model()
            ));
        }
        let p = Some(&layer.pop.model);
        let tau = common::real(p, "tau_m", 0.02);
        let unit = (common::real(p, "v_th", -0.05) - common::real(p, "v_reset", -0.065)).abs();
        let unit = if unit > 0.0 { unit } else { 1.0 };
        let f = layer.forward.ok_or("missing flow")?;
        let scale = if f.weight_dim == "voltage" { unit } else { 1.0 };
        w.push(common::init_weights(f, sizes[l], sizes[l - 1], seed, scale));
        if l < nl - 1 {
            alpha.push((-dt / tau).exp());
            rec.push(
                layer
                    .recurrent
                    .map(|r| common::init_weights(r, sizes[l], sizes[l], seed, scale)),
            );
        } else {
            kappa = (-dt / tau).exp();
            if layer.recurrent.is_some() {
                return Err(format!(
                    "the readout `{}` cannot be recurrent",
                    layer.pop.name
                ));
            }
        }
    }
    if nl < 3 {
        return Err(
            "surrogate-gradient training needs at least one hidden layer between input and readout"
                .into(),
        );
    }
    Ok(Snn {
        b_out: Array1::zeros(sizes[nl - 1]),
        sizes,
        w,
        rec,
        alpha,
        kappa,
        spike,
    })
}

/// Train with `bptt` or `rtrl(approximation: eprop)`.
pub fn train(
    plan: &Plan,
    train: &Dataset,
    test: &Dataset,
    progress: Progress,
) -> Result<TrainResult, String> {
    plan.fit_data(train.dim(), train.classes)?;
    let rule = plan.rule;
    let eprop = rule.kind == "rtrl";
    if eprop && common::text(Some(rule), "approximation", "exact") != "eprop" {
        return Err("exact RTRL of a spiking layer costs O(n^4) per step; write `rtrl(approximation: eprop)` or `bptt(…)`".into());
    }
    let dt = common::setting(plan.training, "dt", plan.net.run.dt);
    let spike = Spike::from_rule(Some(rule));
    let mut net = build(plan, dt, spike)?;
    let enc = Encoder::from_training(plan.training, dt);
    let batch = common::setting(plan.training, "batch", 32.0).max(1.0) as usize;
    let lr_all = common::real(Some(rule), "lr", 1e-3);
    let mut opt = Optimiser::new(common::text(Some(rule), "optimiser", "adam"));
    let lrs: Vec<f64> = {
        let mut v: Vec<f64> = plan.layers[1..]
            .iter()
            .map(|l| common::real(l.forward.and_then(|f| f.plasticity.as_ref()), "lr", lr_all))
            .collect();
        for (k, r) in net.rec.iter().enumerate() {
            if r.is_some() {
                v.push(v[k]);
            }
        }
        v.push(lr_all);
        v
    };
    let seed = plan.seed();
    let netc = std::cell::RefCell::new(&mut net);
    let epochs = common::run_epochs(
        plan.training.epochs,
        progress,
        |e| {
            let mut net = netc.borrow_mut();
            let order = common::shuffled(train.len(), seed, e);
            let mut loss = 0.0;
            for chunk in order.chunks(batch) {
                let x = common::rows(train, chunk);
                let y = common::labels(train, chunk);
                let input = enc.encode(&x, chunk, e);
                let tr = net.forward(&input);
                let (l, d) = common::softmax_ce(&tr.logits, &y);
                loss += l * chunk.len() as f64;
                let g = if eprop {
                    net.eprop(&input, &tr, &d)?
                } else {
                    net.bptt(&input, &tr, &d)
                };
                let mut gs: Vec<&[f64]> = g.w.iter().map(common::flat).collect();
                for r in g.rec.iter().flatten() {
                    gs.push(common::flat(r));
                }
                gs.push(common::flat1(&g.b_out));
                let mut ps = net.params_mut();
                opt.step(&mut ps, &gs, &lrs);
            }
            Ok(Some(loss / train.len() as f64))
        },
        |on_train| {
            let net = netc.borrow();
            let d = if on_train { train } else { test };
            // Test trials use presentation 0, training epochs 1…
            common::accuracy(d, 256, |idx| {
                net.forward(&enc.encode(&common::rows(d, idx), idx, 0))
                    .logits
            })
        },
    )?;
    let mut res = common::result(&rule.kind);
    res.epochs = epochs;
    res.notes.push(format!(
        "{}: {} steps of {} ms per trial, surrogate {:?} (slope {}), batch {batch}",
        if eprop {
            "e-prop (symmetric feedback)"
        } else {
            "surrogate-gradient BPTT"
        },
        enc.steps,
        dt * 1e3,
        spike.kind,
        spike.slope
    ));
    let hidden: usize = net.sizes[1..net.sizes.len() - 1].iter().sum();
    let syn: usize = net.w[..net.w.len() - 1]
        .iter()
        .map(|w| w.len())
        .sum::<usize>()
        + net.rec.iter().flatten().map(|r| r.len()).sum::<usize>();
    res.notes.push(if eprop {
        common::memory_note(
            "one eligibility trace per synapse and sample, no history",
            syn * batch,
        )
    } else {
        common::memory_note(
            "v and z of every hidden unit at every step",
            2 * hidden * enc.steps * batch,
        )
    });
    for (l, w) in net.w.iter().enumerate() {
        res.tensors.push(common::tensor(
            format!(
                "W_{}_{}",
                plan.layers[l].pop.name,
                plan.layers[l + 1].pop.name
            ),
            w,
        ));
    }
    for (l, r) in net.rec.iter().enumerate() {
        if let Some(r) = r {
            let n = &plan.layers[l + 1].pop.name;
            res.tensors.push(common::tensor(format!("W_{n}_{n}"), r));
        }
    }
    res.tensors.push(common::tensor1("b_readout", &net.b_out));
    Ok(res)
}
