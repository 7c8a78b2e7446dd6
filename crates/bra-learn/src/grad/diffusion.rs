//! Backprop diffusion (Betti & Gori 2020): a feed-forward network whose
//! neurons respond after one delay, so that activity travels forward one
//! layer per delay and errors travel backward the same way.
//!
//! In step `t` every layer updates from the previous step's activity below,
//! `x_l(t) = f(W_l x_{l-1}(t-1) + b_l)`, and every layer's error from the
//! previous step's error above, `δ_l(t) = f'(a_l(t)) ⊙ W_{l+1}^T δ_{l+1}(t-1)`,
//! with `δ_L(t)` the output error of the current step. The update of `W_l` in
//! step `t` is `-δ_l(t) x_{l-1}(t-1)^T`: the backward wave and the forward
//! activity that meet at the synapse, local in space and time. The two
//! waves started from inputs of different times (the forward activity at
//! layer `l` is `l` steps old, the error `2L - l` steps), so the update is
//! backprop's exactly only for a constant input, and approximately for inputs
//! that change slowly relative to the depth — which
//! [`gradient_vs_backprop`] measures.

use super::common::{self, Optimiser, Plan};
use super::mlp::{Act, Mlp};
use crate::data::Dataset;
use crate::experiment::{Progress, TrainResult};
use ndarray::{Array1, Array2, Axis};

/// The travelling state of the network.
#[derive(Clone, Debug)]
pub struct Waves {
    /// Activities `x_0..x_L` at the last step.
    pub x: Vec<Array2<f64>>,
    /// Pre-activations `a_1..a_L`.
    pub a: Vec<Array2<f64>>,
    /// Errors `δ_1..δ_L`.
    pub delta: Vec<Array2<f64>>,
}

impl Waves {
    /// Everything at rest for a batch of `b`.
    pub fn new(net: &Mlp, sizes: &[usize], b: usize) -> Waves {
        let _ = net;
        Waves {
            x: sizes.iter().map(|&n| Array2::zeros((b, n))).collect(),
            a: sizes[1..].iter().map(|&n| Array2::zeros((b, n))).collect(),
            delta: sizes[1..].iter().map(|&n| Array2::zeros((b, n))).collect(),
        }
    }

    /// One step: new input `u`, and `err(x_L) = ∂loss/∂x_L` for the output
    /// of this step. Returns the local weight and bias updates of the step
    /// (gradient estimates).
    pub fn step(
        &mut self,
        net: &Mlp,
        u: &Array2<f64>,
        err: impl FnOnce(&Array2<f64>) -> Array2<f64>,
    ) -> (Vec<Array2<f64>>, Vec<Array1<f64>>) {
        let depth = net.depth();
        let prev_x = std::mem::take(&mut self.x);
        let prev_delta = std::mem::take(&mut self.delta);
        let mut x = vec![u.clone()];
        let mut a = Vec::with_capacity(depth);
        for (l, below) in prev_x.iter().enumerate().take(depth) {
            let al = below.dot(&net.w[l].t()) + &net.b[l];
            x.push(al.mapv(|v| net.act[l].f(v)));
            a.push(al);
        }
        let mut delta = vec![Array2::zeros((0, 0)); depth];
        delta[depth - 1] = err(&x[depth]) * &a[depth - 1].mapv(|v| net.act[depth - 1].df(v));
        for l in (0..depth - 1).rev() {
            delta[l] = prev_delta[l + 1].dot(&net.w[l + 1]) * &a[l].mapv(|v| net.act[l].df(v));
        }
        let gw = (0..depth).map(|l| delta[l].t().dot(&prev_x[l])).collect();
        let gb = delta.iter().map(|d| d.sum_axis(Axis(0))).collect();
        self.x = x;
        self.a = a;
        self.delta = delta;
        (gw, gb)
    }
}

/// Cosine similarity between the diffusion updates summed over a window and
/// the sum of backprop's gradients for the same inputs (each taken as
/// static), for a teacher-student regression whose input `u(t)` is a sum of
/// sinusoids of period `period` steps. `depth` weight layers of width
/// `width`; the window starts after the waves have filled the network.
pub fn gradient_vs_backprop(
    net: &Mlp,
    teacher: &Mlp,
    period: f64,
    window: usize,
    seed: u64,
) -> f64 {
    let sizes: Vec<usize> = std::iter::once(net.w[0].ncols())
        .chain(net.w.iter().map(|w| w.nrows()))
        .collect();
    let key = bra_runtime::rng::Key::new(seed, bra_runtime::rng::Stream::Input, 0xD1FF);
    let din = sizes[0];
    let phase: Vec<f64> = (0..din)
        .map(|i| key.uniform(i as u64, 1) * std::f64::consts::TAU)
        .collect();
    let input = |t: usize| {
        Array2::from_shape_fn((1, din), |(_, i)| {
            (std::f64::consts::TAU * t as f64 / period + phase[i]).sin()
        })
    };
    let mut waves = Waves::new(net, &sizes, 1);
    let warm = 2 * net.depth() + 2;
    let mut diff: Option<Vec<f64>> = None;
    let mut bp: Option<Vec<f64>> = None;
    let add = |acc: &mut Option<Vec<f64>>, v: Vec<f64>| match acc {
        Some(a) => a.iter_mut().zip(v).for_each(|(x, y)| *x += y),
        None => *acc = Some(v),
    };
    for t in 0..warm + window {
        let u = input(t);
        let target = teacher.predict(&u);
        let (gw, gb) = waves.step(net, &u, |out| out - &target);
        if t >= warm {
            let mut v = common::concat(gw.iter().map(common::flat));
            v.extend(common::concat(gb.iter().map(common::flat1)));
            add(&mut diff, v);
            let pass = net.forward(&u);
            let out = &pass.x[net.depth()] - &target;
            add(&mut bp, net.backward(&pass, &out).flat());
        }
    }
    common::cosine(&diff.unwrap_or_default(), &bp.unwrap_or_default())
}

/// Build a rate chain from a plan: flows' initial weights, each layer's
/// nonlinearity (`rate(nonlinearity: …)`), zero biases.
pub fn mlp_of(plan: &Plan) -> Result<Mlp, String> {
    let sizes = plan.sizes();
    let mut w = Vec::new();
    let mut act = Vec::new();
    for (l, layer) in plan.layers.iter().enumerate().skip(1) {
        if layer.model() != "rate" {
            return Err(format!(
                "`{}` is `{}`; this rule trains chains of `rate` units",
                layer.pop.name,
                layer.model()
            ));
        }
        if let Some(r) = layer.recurrent {
            return Err(format!(
                "`{}` has a recurrent flow `{}`; this rule trains feed-forward chains",
                layer.pop.name, r.name
            ));
        }
        let f = layer.forward.ok_or("flow")?;
        w.push(common::init_weights(
            f,
            sizes[l],
            sizes[l - 1],
            plan.seed(),
            1.0,
        ));
        act.push(Act::from_name(common::text(
            Some(&layer.pop.model),
            "nonlinearity",
            "tanh",
        )));
    }
    let b = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
    Ok(Mlp { w, b, act })
}

/// Train on digits: each mini-batch of images is held for `hold` delays
/// (train setting, default `2 L + 1`) while the waves run and the weights
/// change in every step; the network is not reset between images.
pub fn train(
    plan: &Plan,
    train: &Dataset,
    test: &Dataset,
    progress: Progress,
) -> Result<TrainResult, String> {
    plan.fit_data(train.dim(), train.classes)?;
    let mut net = mlp_of(plan)?;
    let sizes = plan.sizes();
    let depth = net.depth();
    let hold = common::setting(plan.training, "hold", (2 * depth + 1) as f64).max(1.0) as usize;
    let batch = common::setting(plan.training, "batch", 16.0).max(1.0) as usize;
    let rule = Some(plan.rule);
    let lr = common::real(rule, "lr", 1e-3);
    let mut opt = Optimiser::new("adam");
    let lrs = vec![lr; 2 * depth];
    let seed = plan.seed();
    let classes = train.classes;
    let netc = std::cell::RefCell::new(&mut net);
    let epochs = common::run_epochs(
        plan.training.epochs,
        progress,
        |e| {
            let mut net = netc.borrow_mut();
            let order = common::shuffled(train.len(), seed, e);
            let mut waves = Waves::new(&net, &sizes, batch);
            let mut loss = 0.0;
            for chunk in order.chunks(batch) {
                if chunk.len() != batch {
                    continue;
                }
                let x = common::rows(train, chunk);
                let y = common::labels(train, chunk);
                let mut last = 0.0;
                for _ in 0..hold {
                    let mut l = 0.0;
                    let (gw, gb) = waves.step(&net, &x, |out| {
                        let (lv, d) = common::softmax_ce(out, &y);
                        l = lv;
                        d
                    });
                    last = l;
                    let mut gs: Vec<&[f64]> = gw.iter().map(common::flat).collect();
                    gs.extend(gb.iter().map(common::flat1));
                    let mut ps = net.params_mut();
                    opt.step(&mut ps, &gs, &lrs);
                }
                loss += last * chunk.len() as f64;
            }
            let _ = classes;
            Ok(Some(loss / train.len() as f64))
        },
        |on_train| {
            let net = netc.borrow();
            let d = if on_train { train } else { test };
            common::accuracy(d, 256, |idx| net.predict(&common::rows(d, idx)))
        },
    )?;
    let mut res = common::result("backprop_diffusion");
    res.epochs = epochs;
    res.notes.push(format!(
        "backprop diffusion: {depth} layers, each batch held {hold} delays, weights updated every delay"
    ));
    let units: usize = sizes.iter().sum();
    res.notes.push(common::memory_note(
        "activity and error of every unit (one step)",
        2 * units * batch,
    ));
    for (l, w) in net.w.iter().enumerate() {
        res.tensors.push(common::tensor(
            format!(
                "W_{}_{}",
                plan.layers[l].pop.name,
                plan.layers[l + 1].pop.name
            ),
            w,
        ));
        res.tensors.push(common::tensor1(
            format!("b_{}", plan.layers[l + 1].pop.name),
            &net.b[l],
        ));
    }
    Ok(res)
}
