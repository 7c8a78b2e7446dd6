//! Equilibrium propagation in discrete time (Scellier & Bengio 2017; Ernoult
//! et al. 2019, 2020), with continual weight updates (C-EP) and separate
//! feedback weights (vector-field EP).
//!
//! The network is a chain of layers `s_0 = x` (clamped), `s_1 … s_L`
//! (output). One step of the dynamics updates every layer at once from the
//! previous states:
//!
//! ```text
//! s_l ← rho( W_{l-1} s_{l-1} + V_l^T s_{l+1} + b_l  [+ beta (y - s_L) at l = L] )
//! ```
//!
//! with rho the hard sigmoid `clip(·, 0, 1)`. With symmetric weights `V_l =
//! W_l` and the map is `rho(∂Phi/∂s)` for `Phi = Σ_n s_{n+1}^T W_n s_n + b^T s`
//! (Ernoult et al. 2020); with `symmetric: false`, `V_l` is a separate
//! matrix and there is no Phi (the vector-field variant). The EP update of a
//! weight is the difference of the local products at the nudged and free
//! fixed points divided by beta; C-EP applies the difference of consecutive
//! steps in every nudged step. Ernoult et al.'s Theorem 1 (gradient-descending
//! updates, GDU): as beta and the rate go to 0, these updates equal the
//! gradient of the loss computed by backpropagation through time through the
//! same dynamics — [`EpNet::bptt_gradient`] computes that gradient so the
//! property can be checked.

use super::common::{self, Layer, Plan};
use crate::data::Dataset;
use crate::experiment::{Progress, TrainResult};
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2, Axis};

/// A layered network with its weights.
#[derive(Clone, Debug)]
pub struct EpNet {
    /// Layer sizes, input first.
    pub sizes: Vec<usize>,
    /// Forward weights `W_l`: `n_{l+1} × n_l`.
    pub w: Vec<Array2<f64>>,
    /// Feedback weights (same shape as `W_l`, used transposed); `None`
    /// when tied to `w` (symmetric).
    pub v: Option<Vec<Array2<f64>>>,
    /// Biases of layers `1..=L`.
    pub b: Vec<Array1<f64>>,
}

/// The states of every layer (`s[0]` is the input), batch-major.
pub type States = Vec<Array2<f64>>;

fn rho(a: f64) -> f64 {
    a.clamp(0.0, 1.0)
}

fn rho_prime(a: f64) -> f64 {
    if a > 0.0 && a < 1.0 { 1.0 } else { 0.0 }
}

/// Weight increments (the estimate of minus the gradient).
#[derive(Clone, Debug)]
pub struct Update {
    /// Of the forward weights.
    pub w: Vec<Array2<f64>>,
    /// Of the feedback weights (asymmetric only).
    pub v: Option<Vec<Array2<f64>>>,
    /// Of the biases.
    pub b: Vec<Array1<f64>>,
}

impl Update {
    /// Every entry in one vector (forward weights, feedback weights, biases).
    pub fn flat(&self) -> Vec<f64> {
        let mut out = common::concat(self.w.iter().map(common::flat));
        if let Some(v) = &self.v {
            out.extend(common::concat(v.iter().map(common::flat)));
        }
        out.extend(common::concat(self.b.iter().map(common::flat1)));
        out
    }
    /// The change of the loss along a move that adds the same increment to
    /// forward and feedback weights (what vector-field EP does) is given by
    /// the sum of their gradients: `w + v`, weights only.
    pub fn tied(&self) -> Vec<f64> {
        let w = self.flat_w();
        match &self.v {
            Some(v) => w
                .iter()
                .zip(common::concat(v.iter().map(common::flat)))
                .map(|(a, b)| a + b)
                .collect(),
            None => w,
        }
    }
    /// Only the weights of the forward path.
    pub fn flat_w(&self) -> Vec<f64> {
        common::concat(self.w.iter().map(common::flat))
    }
}

impl EpNet {
    /// Random weights `N(0, gain² / n_in)`, zero biases; `symmetric: false`
    /// draws separate feedback weights.
    pub fn random(sizes: &[usize], gain: f64, symmetric: bool, seed: u64) -> EpNet {
        let key = |l: u64| Key::new(seed, Stream::Weight, 0xE9_0000 + l);
        let w: Vec<Array2<f64>> = (0..sizes.len() - 1)
            .map(|l| {
                common::gaussian(
                    sizes[l + 1],
                    sizes[l],
                    gain / (sizes[l] as f64).sqrt(),
                    key(l as u64),
                )
            })
            .collect();
        let v = (!symmetric).then(|| {
            (0..sizes.len() - 1)
                .map(|l| {
                    common::gaussian(
                        sizes[l + 1],
                        sizes[l],
                        gain / (sizes[l] as f64).sqrt(),
                        key(0x100 + l as u64),
                    )
                })
                .collect()
        });
        let b = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        EpNet {
            sizes: sizes.to_vec(),
            w,
            v,
            b,
        }
    }

    /// Number of layers after the input.
    pub fn depth(&self) -> usize {
        self.w.len()
    }

    fn feedback(&self, l: usize) -> &Array2<f64> {
        match &self.v {
            Some(v) => &v[l],
            None => &self.w[l],
        }
    }

    /// All-zero states for a batch of inputs.
    pub fn zero_states(&self, x: &Array2<f64>) -> States {
        let mut s = vec![x.clone()];
        s.extend(
            self.sizes[1..]
                .iter()
                .map(|&n| Array2::zeros((x.nrows(), n))),
        );
        s
    }

    /// Pre-activations of one synchronous step from `s`.
    fn drive(&self, s: &States, nudge: Option<(&Array2<f64>, f64)>) -> Vec<Array2<f64>> {
        let depth = self.depth();
        (1..=depth)
            .map(|l| {
                let mut a = s[l - 1].dot(&self.w[l - 1].t()) + &self.b[l - 1];
                if l < depth {
                    a += &s[l + 1].dot(self.feedback(l));
                }
                if l == depth
                    && let Some((y, beta)) = nudge
                {
                    a.scaled_add(beta, &(y - &s[l]));
                }
                a
            })
            .collect()
    }

    /// One step of the dynamics (nudged toward `y` with strength beta when given).
    pub fn step(&self, s: &States, nudge: Option<(&Array2<f64>, f64)>) -> States {
        let a = self.drive(s, nudge);
        let mut out = vec![s[0].clone()];
        out.extend(a.into_iter().map(|a| a.mapv(rho)));
        out
    }

    /// The free phase: `t` steps from zero states.
    pub fn free(&self, x: &Array2<f64>, t: usize) -> States {
        let mut s = self.zero_states(x);
        for _ in 0..t {
            s = self.step(&s, None);
        }
        s
    }

    /// The local products `s_{l+1}^T s_l / batch` and `mean s_{l+1}`: ∂Phi/∂W
    /// and ∂Phi/∂b.
    fn products(s: &States) -> (Vec<Array2<f64>>, Vec<Array1<f64>>) {
        let n = s[0].nrows().max(1) as f64;
        let w = (0..s.len() - 1)
            .map(|l| s[l + 1].t().dot(&s[l]) / n)
            .collect();
        let b = (1..s.len()).map(|l| s[l].sum_axis(Axis(0)) / n).collect();
        (w, b)
    }

    /// The EP update `(∂Phi/∂θ(s_beta) - ∂Phi/∂θ(s_0)) / beta` from the free
    /// fixed point `s0` after `k` nudged steps (weights fixed).
    pub fn ep_update(&self, s0: &States, y: &Array2<f64>, beta: f64, k: usize) -> (Update, States) {
        let mut s = s0.clone();
        for _ in 0..k {
            s = self.step(&s, Some((y, beta)));
        }
        let (w1, b1) = Self::products(&s);
        let (w0, b0) = Self::products(s0);
        let w: Vec<Array2<f64>> = w1.iter().zip(&w0).map(|(a, b)| (a - b) / beta).collect();
        let b = b1.iter().zip(&b0).map(|(a, c)| (a - c) / beta).collect();
        let v = self.v.as_ref().map(|_| w.clone());
        (Update { w, v, b }, s)
    }

    /// C-EP: `k` nudged steps, and after each the weights move by `lr / beta`
    /// times the change of the local products (`lr[l]` per layer). Returns
    /// the states reached; the weights are updated in place.
    pub fn cep_phase(
        &mut self,
        s0: &States,
        y: &Array2<f64>,
        beta: f64,
        k: usize,
        lr: &[f64],
    ) -> States {
        let mut s = s0.clone();
        let (mut pw, mut pb) = Self::products(&s);
        for _ in 0..k {
            s = self.step(&s, Some((y, beta)));
            let (nw, nb) = Self::products(&s);
            for l in 0..self.depth() {
                let dw = (&nw[l] - &pw[l]) * (lr[l] / beta);
                self.w[l] += &dw;
                if let Some(v) = &mut self.v {
                    v[l] += &dw;
                }
                self.b[l].scaled_add(lr[l] / beta, &(&nb[l] - &pb[l]));
            }
            (pw, pb) = (nw, nb);
        }
        s
    }

    /// Apply an update with per-layer rates.
    pub fn apply(&mut self, u: &Update, lr: &[f64]) {
        for l in 0..self.depth() {
            self.w[l].scaled_add(lr[l], &u.w[l]);
            self.b[l].scaled_add(lr[l], &u.b[l]);
            if let (Some(v), Some(uv)) = (&mut self.v, &u.v) {
                v[l].scaled_add(lr[l], &uv[l]);
            }
        }
    }

    /// Minus the gradient of `L = ½ ‖y - s_L(T)‖²` (summed over the batch,
    /// divided by its size) with respect to every parameter, by
    /// backpropagation through the last `k` of `t_free` free steps (earlier
    /// states held fixed): the quantity C-EP and EP approximate.
    pub fn bptt_gradient(
        &self,
        x: &Array2<f64>,
        y: &Array2<f64>,
        t_free: usize,
        k: usize,
    ) -> Update {
        let depth = self.depth();
        let k = k.min(t_free);
        let mut s = self.zero_states(x);
        for _ in 0..t_free - k {
            s = self.step(&s, None);
        }
        let mut states = vec![s.clone()];
        let mut drives = Vec::new();
        for _ in 0..k {
            let a = self.drive(&s, None);
            let mut next = vec![s[0].clone()];
            next.extend(a.iter().map(|a| a.mapv(rho)));
            drives.push(a);
            s = next;
            states.push(s.clone());
        }
        let n = x.nrows().max(1) as f64;
        let mut gw: Vec<Array2<f64>> = self.w.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        let mut gv = gw.clone();
        let mut gb: Vec<Array1<f64>> = self.b.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
        // g[l]: ∂L/∂s_l at the current step (l = 1..=L; index 0 unused).
        let mut g: Vec<Array2<f64>> = states[k]
            .iter()
            .map(|a| Array2::zeros(a.raw_dim()))
            .collect();
        g[depth] = (&states[k][depth] - y) / n;
        for t in (1..=k).rev() {
            let prev = &states[t - 1];
            let da: Vec<Array2<f64>> = (1..=depth)
                .map(|l| &g[l] * &drives[t - 1][l - 1].mapv(rho_prime))
                .collect();
            for l in 1..=depth {
                gw[l - 1] += &da[l - 1].t().dot(&prev[l - 1]);
                gb[l - 1] += &da[l - 1].sum_axis(Axis(0));
                if l < depth {
                    gv[l] += &prev[l + 1].t().dot(&da[l - 1]);
                }
            }
            let mut ng: Vec<Array2<f64>> =
                prev.iter().map(|a| Array2::zeros(a.raw_dim())).collect();
            for l in 1..=depth {
                if l < depth {
                    ng[l] += &da[l].dot(&self.w[l]);
                }
                if l >= 2 {
                    ng[l] += &da[l - 2].dot(&self.feedback(l - 1).t());
                }
            }
            g = ng;
        }
        let neg = |a: Array2<f64>| -a;
        match &self.v {
            None => Update {
                w: gw.into_iter().zip(gv).map(|(a, b)| neg(a + b)).collect(),
                v: None,
                b: gb.into_iter().map(|b| -b).collect(),
            },
            Some(_) => Update {
                w: gw.into_iter().map(neg).collect(),
                v: Some(gv.into_iter().map(neg).collect()),
                b: gb.into_iter().map(|b| -b).collect(),
            },
        }
    }

    /// Class scores: the output layer at the free fixed point.
    pub fn predict(&self, x: &Array2<f64>, t_free: usize) -> Array2<f64> {
        let s = self.free(x, t_free);
        s[self.depth()].clone()
    }

    /// Mean angle in degrees between forward and feedback weights (0 when tied).
    pub fn weight_asymmetry_deg(&self) -> f64 {
        match &self.v {
            None => 0.0,
            Some(v) => {
                let a = common::concat(self.w.iter().map(common::flat));
                let b = common::concat(v.iter().map(common::flat));
                common::angle_deg(&a, &b)
            }
        }
    }
}

/// Settings of an EP run, from the readout's `ep(…)` and the train block.
#[derive(Clone, Debug)]
pub struct EpSettings {
    /// Nudging strength.
    pub beta: f64,
    /// Draw the sign of beta at random for each batch (reduces the bias of
    /// one-sided nudging; Scellier et al. 2018, Laborieux et al. 2021).
    pub random_sign: bool,
    /// Free and nudged steps.
    pub t_free: usize,
    /// Nudged steps.
    pub t_nudge: usize,
    /// C-EP.
    pub continual: bool,
    /// Tied weights.
    pub symmetric: bool,
    /// Per-layer rates (layer 1 first).
    pub lr: Vec<f64>,
    /// Mini-batch size.
    pub batch: usize,
}

impl EpSettings {
    /// Read the settings of a plan.
    pub fn from_plan(plan: &Plan) -> EpSettings {
        let r = Some(plan.rule);
        let lr = plan.layers[1..]
            .iter()
            .map(|l: &Layer| common::real(l.rule().filter(|i| i.kind == "ep").or(r), "lr", 0.003))
            .collect();
        EpSettings {
            beta: common::real(r, "beta", 0.2),
            random_sign: common::setting_text(plan.training, "beta_sign") == Some("random"),
            t_free: common::real(r, "t_free", 40.0) as usize,
            t_nudge: common::real(r, "t_nudge", 15.0) as usize,
            continual: common::flag(r, "continual", false),
            symmetric: common::flag(r, "symmetric", true),
            lr,
            batch: common::setting(plan.training, "batch", 20.0).max(1.0) as usize,
        }
    }
}

/// Build the network of a plan with the flows' initial weights.
pub fn build(plan: &Plan, symmetric: bool) -> Result<EpNet, String> {
    for l in &plan.layers[1..] {
        if l.model() != "rate" {
            return Err(format!(
                "ep trains rate units (`rate(tau: 0 ms, nonlinearity: hard_sigmoid)`); `{}` is `{}`",
                l.pop.name,
                l.model()
            ));
        }
        let f = common::text(Some(&l.pop.model), "nonlinearity", "tanh");
        if f != "hard_sigmoid" {
            return Err(format!(
                "ep uses the hard sigmoid of Ernoult et al. (2020); `{}` has nonlinearity `{f}`: write `rate(tau: 0 ms, nonlinearity: hard_sigmoid)`",
                l.pop.name
            ));
        }
        if let Some(r) = l.recurrent {
            return Err(format!(
                "ep here takes layered networks; `{}` has a recurrent flow `{}`",
                l.pop.name, r.name
            ));
        }
    }
    let sizes = plan.sizes();
    let seed = plan.seed();
    let mut w = Vec::new();
    let mut v = Vec::new();
    for l in 1..plan.layers.len() {
        let f = plan.layers[l].forward.ok_or("missing forward flow")?;
        w.push(common::init_weights(f, sizes[l], sizes[l - 1], seed, 1.0));
        // Feedback weights: the flow back from layer l onto l-1 (used
        // transposed), or a fresh draw of the forward law.
        let back = match plan.layers[l - 1].feedback {
            Some(fb) if l > 1 => common::init_weights(fb, sizes[l - 1], sizes[l], seed, 1.0)
                .t()
                .to_owned(),
            _ => {
                let mut alt = f.clone();
                alt.id += 0x4000;
                common::init_weights(&alt, sizes[l], sizes[l - 1], seed, 1.0)
            }
        };
        v.push(back);
    }
    let b = sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
    Ok(EpNet {
        sizes,
        w,
        v: (!symmetric).then_some(v),
        b,
    })
}

/// Train on a dataset split.
pub fn train(
    plan: &Plan,
    train: &Dataset,
    test: &Dataset,
    progress: Progress,
) -> Result<TrainResult, String> {
    plan.fit_data(train.dim(), train.classes)?;
    let st = EpSettings::from_plan(plan);
    if st.beta == 0.0 {
        return Err("ep needs a non-zero beta".into());
    }
    let mut net = build(plan, st.symmetric)?;
    let classes = train.classes;
    let seed = plan.seed();
    let sign_key = Key::new(seed, Stream::Dynamics, 0xBE7A);
    let st2 = st.clone();
    let mut batches = 0u64;
    let netc = std::cell::RefCell::new(&mut net);
    let epochs = common::run_epochs(
        plan.training.epochs,
        progress,
        |e| {
            let mut net = netc.borrow_mut();
            let order = common::shuffled(train.len(), seed, e);
            let mut loss = 0.0;
            for chunk in order.chunks(st2.batch) {
                let x = common::rows(train, chunk);
                let y = common::one_hot(&common::labels(train, chunk), classes);
                let s0 = net.free(&x, st2.t_free);
                loss += (&s0[net.depth()] - &y).mapv(|d| d * d).sum() * 0.5;
                let mut beta = st2.beta;
                if st2.random_sign && sign_key.uniform(batches, 0) < 0.5 {
                    beta = -beta;
                }
                batches += 1;
                if st2.continual {
                    net.cep_phase(&s0, &y, beta, st2.t_nudge, &st2.lr);
                } else {
                    let (u, _) = net.ep_update(&s0, &y, beta, st2.t_nudge);
                    net.apply(&u, &st2.lr);
                }
            }
            Ok(Some(loss / train.len() as f64))
        },
        |on_train| {
            let net = netc.borrow();
            let d = if on_train { train } else { test };
            common::accuracy(d, 256, |idx| net.predict(&common::rows(d, idx), st2.t_free))
        },
    )?;
    let mut res = common::result("ep");
    res.epochs = epochs;
    let variant = match (st.continual, st.symmetric) {
        (false, true) => "EP",
        (true, true) => "C-EP",
        (false, false) => "vector-field EP",
        (true, false) => "C-VF",
    };
    res.notes.push(format!(
        "{variant}: beta {}{}, {} free and {} nudged steps, batch {}, rates {:?}",
        st.beta,
        if st.random_sign { " (random sign)" } else { "" },
        st.t_free,
        st.t_nudge,
        st.batch,
        st.lr
    ));
    if !st.symmetric {
        res.notes.push(format!(
            "angle between forward and feedback weights after training: {:.1}°",
            net.weight_asymmetry_deg()
        ));
    }
    let states: usize = net.sizes.iter().sum::<usize>() * 2 * st.batch;
    res.notes.push(common::memory_note(
        "two states per unit (free and nudged), no history",
        states,
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
    if let Some(v) = &net.v {
        for (l, w) in v.iter().enumerate() {
            res.tensors.push(common::tensor(
                format!(
                    "V_{}_{}",
                    plan.layers[l + 1].pop.name,
                    plan.layers[l].pop.name
                ),
                &w.t().to_owned(),
            ));
        }
    }
    Ok(res)
}
