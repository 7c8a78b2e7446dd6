//! A selective state-space layer (diagonal, input-dependent step; Mamba,
//! Gu & Dao 2023) trained online by exact RTRL, by BPTT, or by an STDP-like
//! local rule — the comparison of Bio-Inspired Mamba (Qin 2024).
//!
//! Channel `c` receives `x_c,t = Σ_j W_in[c,j] u_j,t`, takes the step
//! `Δ = softplus(w_Δ x + b_Δ)`, and updates its `N` states and output as the
//! runtime's `ssm` model does:
//!
//! ```text
//! h_n ← exp(Δ A_n) h_n + Δ B_n x,    y_c = Σ_n C_n h_n + D x
//! ```
//!
//! (`A_n = -exp(log_a_n) < 0`). The readout is linear in `y` at the last step
//! of the sequence, trained with softmax cross-entropy.
//!
//! - **BPTT** stores every step and runs the adjoint backwards.
//! - **RTRL** carries `∂h_c,n/∂θ` forward for every parameter of the
//!   channel. `A` is diagonal and channels do not interact, so each state
//!   depends only on its own channel's parameters: `N (d + 4)` numbers per
//!   channel instead of RTRL's usual `O(n³)`. It is exact (equal to BPTT)
//!   and needs no history: what makes online learning of SSMs affordable.
//! - **Local (STDP-like)**: the input synapses `W_in` change by a
//!   three-factor rule — a presynaptic trace with the STDP potentiation
//!   window `exp(-Δt / tau_plus)` (pre before the decision) times an error
//!   broadcast to the channel through its readout synapses — and the readout
//!   by the delta rule. It replaces RTRL's exact, parameter-dependent
//!   sensitivities by one fixed exponential window per synapse, and leaves
//!   the state-space parameters (`A, B, C, D, Δ`) at their initial values.

use super::common::{self, Optimiser, Plan};
use crate::data::Dataset;
use crate::experiment::{Progress, TrainResult};
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2};

fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// How the layer learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Backpropagation through time.
    Bptt,
    /// Exact real-time recurrent learning.
    Rtrl,
    /// The STDP-like three-factor rule.
    Local,
}

/// Parameters of the layer and its readout.
#[derive(Clone, Debug)]
pub struct SsmNet {
    /// `W_in`: channels × inputs.
    pub w_in: Array2<f64>,
    /// `log(-A)`: channels × state.
    pub log_a: Array2<f64>,
    /// `B`: channels × state.
    pub b: Array2<f64>,
    /// `C`: channels × state.
    pub c: Array2<f64>,
    /// `D` per channel.
    pub d: Array1<f64>,
    /// `w_Δ` per channel.
    pub w_delta: Array1<f64>,
    /// `b_Δ` per channel.
    pub b_delta: Array1<f64>,
    /// Readout weights: classes × channels.
    pub w_out: Array2<f64>,
    /// Readout bias.
    pub b_out: Array1<f64>,
    /// Whether `D` is used.
    pub skip: bool,
    /// STDP window of the local rule, in steps.
    pub tau_plus: f64,
}

/// Gradients in the same layout (the local rule fills only `w_in`, `w_out`, `b_out`).
#[derive(Clone, Debug)]
pub struct SsmGrads {
    /// Of every array of [`SsmNet`], in the order of [`SsmNet::arrays`].
    pub parts: Vec<Vec<f64>>,
}

impl SsmGrads {
    /// Every entry in one vector.
    pub fn flat(&self) -> Vec<f64> {
        self.parts.concat()
    }
}

impl SsmNet {
    /// A layer initialised as the runtime's `ssm` (S4D-real `A`, `B = C = D
    /// = w_Δ = 1`, `softplus(b_Δ)` log-uniform in `[dt_min, dt_max]`), input
    /// and readout weights given.
    pub fn new(
        w_in: Array2<f64>,
        w_out: Array2<f64>,
        state: usize,
        dt: (f64, f64),
        s4d: bool,
        seed: u64,
    ) -> SsmNet {
        let ch = w_in.nrows();
        let key = Key::new(seed, Stream::Init, 0x55_3300);
        let b_delta = Array1::from_shape_fn(ch, |c| {
            let u = key.uniform(c as u64, 0);
            let d0 = (dt.0.ln() + u * (dt.1.ln() - dt.0.ln())).exp();
            // softplus^-1(d0) = ln(exp(d0) - 1)
            d0.exp_m1().ln()
        });
        SsmNet {
            log_a: Array2::from_shape_fn((ch, state), |(_, n)| {
                if s4d {
                    ((n + 1) as f64).ln()
                } else {
                    0.5f64.ln()
                }
            }),
            b: Array2::ones((ch, state)),
            c: Array2::ones((ch, state)),
            d: Array1::ones(ch),
            w_delta: Array1::ones(ch),
            b_delta,
            b_out: Array1::zeros(w_out.nrows()),
            w_in,
            w_out,
            skip: true,
            tau_plus: 4.0,
        }
    }

    fn channels(&self) -> usize {
        self.w_in.nrows()
    }

    fn state(&self) -> usize {
        self.b.ncols()
    }

    /// Flat mutable views of every parameter array.
    pub fn arrays(&mut self) -> Vec<&mut [f64]> {
        vec![
            common::flat_mut(&mut self.w_in),
            common::flat_mut(&mut self.log_a),
            common::flat_mut(&mut self.b),
            common::flat_mut(&mut self.c),
            self.d.as_slice_mut().unwrap_or(&mut []),
            self.w_delta.as_slice_mut().unwrap_or(&mut []),
            self.b_delta.as_slice_mut().unwrap_or(&mut []),
            common::flat_mut(&mut self.w_out),
            self.b_out.as_slice_mut().unwrap_or(&mut []),
        ]
    }

    fn zero_grads(&self) -> Vec<Vec<f64>> {
        vec![
            vec![0.0; self.w_in.len()],
            vec![0.0; self.log_a.len()],
            vec![0.0; self.b.len()],
            vec![0.0; self.c.len()],
            vec![0.0; self.d.len()],
            vec![0.0; self.w_delta.len()],
            vec![0.0; self.b_delta.len()],
            vec![0.0; self.w_out.len()],
            vec![0.0; self.b_out.len()],
        ]
    }

    /// Channel outputs at the last step of a sequence `u` (steps × inputs).
    pub fn run(&self, u: &Array2<f64>) -> Array1<f64> {
        let (ch, ns) = (self.channels(), self.state());
        let mut h = Array2::<f64>::zeros((ch, ns));
        let mut y = Array1::zeros(ch);
        for ut in u.rows() {
            let x = self.w_in.dot(&ut);
            for c in 0..ch {
                let delta = softplus(self.w_delta[c] * x[c] + self.b_delta[c]);
                let mut yc = if self.skip { self.d[c] * x[c] } else { 0.0 };
                for n in 0..ns {
                    let a = -self.log_a[[c, n]].exp();
                    h[[c, n]] = (delta * a).exp() * h[[c, n]] + delta * self.b[[c, n]] * x[c];
                    yc += self.c[[c, n]] * h[[c, n]];
                }
                y[c] = yc;
            }
        }
        y
    }

    /// Class scores of one sequence.
    pub fn logits(&self, u: &Array2<f64>) -> Array1<f64> {
        self.w_out.dot(&self.run(u)) + &self.b_out
    }

    /// Loss and gradients of one sequence with label `label`, accumulated into `g`.
    pub fn grads(&self, u: &Array2<f64>, label: usize, method: Method, g: &mut [Vec<f64>]) -> f64 {
        let logits = self.logits(u).insert_axis(ndarray::Axis(0));
        let (loss, dl) = common::softmax_ce(&logits, &[label]);
        let dl = dl.row(0).to_owned();
        match method {
            Method::Bptt => self.bptt(u, &dl, g),
            Method::Rtrl => self.rtrl(u, &dl, g),
            Method::Local => self.local(u, &dl, g),
        }
        loss
    }

    fn readout(&self, y: &Array1<f64>, dl: &Array1<f64>, g: &mut [Vec<f64>]) -> Array1<f64> {
        let ch = self.channels();
        for k in 0..dl.len() {
            for c in 0..ch {
                g[7][k * ch + c] += dl[k] * y[c];
            }
            g[8][k] += dl[k];
        }
        self.w_out.t().dot(dl)
    }

    fn bptt(&self, u: &Array2<f64>, dl: &Array1<f64>, g: &mut [Vec<f64>]) {
        let (ch, ns, steps, din) = (self.channels(), self.state(), u.nrows(), u.ncols());
        // Forward, keeping every step.
        let mut hs = vec![Array2::<f64>::zeros((ch, ns))];
        let mut xs = Vec::new();
        let mut zs = Vec::new();
        for ut in u.rows() {
            let x = self.w_in.dot(&ut);
            let z = &self.w_delta * &x + &self.b_delta;
            let prev = &hs[hs.len() - 1];
            let mut h = prev.clone();
            for c in 0..ch {
                let delta = softplus(z[c]);
                for n in 0..ns {
                    let a = -self.log_a[[c, n]].exp();
                    h[[c, n]] = (delta * a).exp() * prev[[c, n]] + delta * self.b[[c, n]] * x[c];
                }
            }
            xs.push(x);
            zs.push(z);
            hs.push(h);
        }
        let h_last = &hs[steps];
        let x_last = &xs[steps - 1];
        let y = Array1::from_shape_fn(ch, |c| {
            (0..ns)
                .map(|n| self.c[[c, n]] * h_last[[c, n]])
                .sum::<f64>()
                + if self.skip {
                    self.d[c] * x_last[c]
                } else {
                    0.0
                }
        });
        let gy = self.readout(&y, dl, g);
        let mut gh = Array2::<f64>::zeros((ch, ns));
        for c in 0..ch {
            for n in 0..ns {
                g[3][c * ns + n] += gy[c] * h_last[[c, n]];
                gh[[c, n]] = gy[c] * self.c[[c, n]];
            }
        }
        for t in (0..steps).rev() {
            let (x, z, prev) = (&xs[t], &zs[t], &hs[t]);
            let mut gx = Array1::<f64>::zeros(ch);
            if t == steps - 1 && self.skip {
                for c in 0..ch {
                    g[4][c] += gy[c] * x[c];
                    gx[c] += gy[c] * self.d[c];
                }
            }
            for c in 0..ch {
                let delta = softplus(z[c]);
                let mut gdelta = 0.0;
                for n in 0..ns {
                    let a = -self.log_a[[c, n]].exp();
                    let abar = (delta * a).exp();
                    let ghn = gh[[c, n]];
                    gdelta += ghn * (a * abar * prev[[c, n]] + self.b[[c, n]] * x[c]);
                    g[1][c * ns + n] += ghn * delta * abar * prev[[c, n]] * a;
                    g[2][c * ns + n] += ghn * delta * x[c];
                    gx[c] += ghn * delta * self.b[[c, n]];
                    gh[[c, n]] = ghn * abar;
                }
                let gz = gdelta * sigmoid(z[c]);
                g[5][c] += gz * x[c];
                g[6][c] += gz;
                gx[c] += gz * self.w_delta[c];
                for j in 0..din {
                    g[0][c * din + j] += gx[c] * u[[t, j]];
                }
            }
        }
    }

    fn rtrl(&self, u: &Array2<f64>, dl: &Array1<f64>, g: &mut [Vec<f64>]) {
        let (ch, ns, din) = (self.channels(), self.state(), u.ncols());
        let mut h = Array2::<f64>::zeros((ch, ns));
        // Sensitivities of h[c,n] to A[c,n], B[c,n], w_Δ[c], b_Δ[c], W_in[c,j].
        let mut sa = Array2::<f64>::zeros((ch, ns));
        let mut sb = Array2::<f64>::zeros((ch, ns));
        let mut sw = Array2::<f64>::zeros((ch, ns));
        let mut sbd = Array2::<f64>::zeros((ch, ns));
        let mut sin = vec![0.0; ch * ns * din];
        let mut x = Array1::zeros(ch);
        let mut u_last = Array1::zeros(din);
        for ut in u.rows() {
            x = self.w_in.dot(&ut);
            u_last = ut.to_owned();
            for c in 0..ch {
                let z = self.w_delta[c] * x[c] + self.b_delta[c];
                let (delta, sig) = (softplus(z), sigmoid(z));
                for n in 0..ns {
                    let a = -self.log_a[[c, n]].exp();
                    let abar = (delta * a).exp();
                    let prev = h[[c, n]];
                    let bn = self.b[[c, n]];
                    let h_delta = a * abar * prev + bn * x[c];
                    sa[[c, n]] = abar * sa[[c, n]] + delta * abar * prev;
                    sb[[c, n]] = abar * sb[[c, n]] + delta * x[c];
                    sw[[c, n]] = abar * sw[[c, n]] + h_delta * sig * x[c];
                    sbd[[c, n]] = abar * sbd[[c, n]] + h_delta * sig;
                    let base = (c * ns + n) * din;
                    for j in 0..din {
                        sin[base + j] = abar * sin[base + j]
                            + (h_delta * sig * self.w_delta[c] + delta * bn) * ut[j];
                    }
                    h[[c, n]] = abar * prev + delta * bn * x[c];
                }
            }
        }
        let y = Array1::from_shape_fn(ch, |c| {
            (0..ns).map(|n| self.c[[c, n]] * h[[c, n]]).sum::<f64>()
                + if self.skip { self.d[c] * x[c] } else { 0.0 }
        });
        let gy = self.readout(&y, dl, g);
        for c in 0..ch {
            if self.skip {
                g[4][c] += gy[c] * x[c];
                for j in 0..din {
                    g[0][c * din + j] += gy[c] * self.d[c] * u_last[j];
                }
            }
            for n in 0..ns {
                let ghn = gy[c] * self.c[[c, n]];
                let a = -self.log_a[[c, n]].exp();
                g[3][c * ns + n] += gy[c] * h[[c, n]];
                g[1][c * ns + n] += ghn * sa[[c, n]] * a;
                g[2][c * ns + n] += ghn * sb[[c, n]];
                g[5][c] += ghn * sw[[c, n]];
                g[6][c] += ghn * sbd[[c, n]];
                let base = (c * ns + n) * din;
                for j in 0..din {
                    g[0][c * din + j] += ghn * sin[base + j];
                }
            }
        }
    }

    fn local(&self, u: &Array2<f64>, dl: &Array1<f64>, g: &mut [Vec<f64>]) {
        let (ch, din, steps) = (self.channels(), u.ncols(), u.nrows());
        let y = self.run(u);
        let m = self.readout(&y, dl, g);
        // Presynaptic STDP trace at the decision: Σ_t exp(-(T-1-t)/tau+) u_t.
        let decay = (-1.0 / self.tau_plus).exp();
        let mut trace = Array1::<f64>::zeros(din);
        for t in 0..steps {
            trace = trace * decay + u.row(t);
        }
        for c in 0..ch {
            for j in 0..din {
                g[0][c * din + j] += m[c] * trace[j];
            }
        }
    }

    /// Number of learning-state floats per sequence: BPTT stores every step,
    /// RTRL the sensitivities, the local rule one trace per input.
    pub fn memory(&self, method: Method, steps: usize) -> usize {
        let (ch, ns, din) = (self.channels(), self.state(), self.w_in.ncols());
        match method {
            Method::Bptt => steps * (ch * ns + 2 * ch),
            Method::Rtrl => ch * ns * (din + 4),
            Method::Local => din,
        }
    }
}

/// Which method trains the SSM layer, from its component's `learning`
/// (falling back on the readout's rule): `bptt`, `rtrl` (exact), or
/// `stdp` / `rtrl(approximation: eprop)` for the local rule.
pub fn method_of(plan: &Plan) -> Method {
    let ssm = plan.layers.iter().find(|l| l.model() == "ssm");
    let rule = ssm
        .and_then(|l| l.pop.learning.as_ref())
        .unwrap_or(plan.rule);
    match rule.kind.as_str() {
        "bptt" => Method::Bptt,
        "stdp" | "pair_stdp" | "triplet_stdp" | "reward_stdp" => Method::Local,
        _ if common::text(Some(rule), "approximation", "exact") == "eprop" => Method::Local,
        _ => Method::Rtrl,
    }
}

/// Cut each row of `d` into `steps` consecutive chunks: a sequence.
pub fn sequence(d: &Dataset, i: usize, steps: usize) -> Array2<f64> {
    let dim = d.dim() / steps;
    Array2::from_shape_fn((steps, dim), |(t, j)| d.row(i)[t * dim + j])
}

/// Train an `input → ssm → readout` chain on sequences cut from the rows.
pub fn train(
    plan: &Plan,
    train: &Dataset,
    test: &Dataset,
    progress: Progress,
) -> Result<TrainResult, String> {
    if plan.layers.len() != 3 || plan.layers[1].model() != "ssm" {
        return Err("the ssm trainer takes a chain input → ssm → readout".into());
    }
    let (inp, mid, out) = (&plan.layers[0], &plan.layers[1], &plan.layers[2]);
    let steps = common::setting(plan.training, "sequence", 1.0).max(1.0) as usize;
    if inp.size() * steps != train.dim() {
        return Err(format!(
            "the input `{}` has {} units and `sequence = {steps}`: {} features per row, the dataset has {}",
            inp.pop.name,
            inp.size(),
            inp.size() * steps,
            train.dim()
        ));
    }
    if out.size() != train.classes {
        return Err(format!(
            "the readout `{}` has {} units; the dataset has {} classes",
            out.pop.name,
            out.size(),
            train.classes
        ));
    }
    let seed = plan.seed();
    let model = Some(&mid.pop.model);
    let w_in = common::init_weights(
        mid.forward.ok_or("flow")?,
        mid.size(),
        inp.size(),
        seed,
        1.0,
    );
    let w_out = common::init_weights(
        out.forward.ok_or("flow")?,
        out.size(),
        mid.size(),
        seed,
        1.0,
    );
    let mut net = SsmNet::new(
        w_in,
        w_out,
        common::real(model, "state_size", 16.0) as usize,
        (
            common::real(model, "dt_min", 0.001),
            common::real(model, "dt_max", 0.1),
        ),
        common::text(model, "a_init", "s4d_real") == "s4d_real",
        seed,
    );
    net.skip = common::flag(model, "skip", true);
    let method = method_of(plan);
    let dt = common::setting(plan.training, "dt", 1e-3);
    net.tau_plus = common::real(mid.pop.learning.as_ref(), "tau_plus", 0.004) / dt;
    let rule = Some(plan.rule);
    let lr = common::real(rule, "lr", 1e-3);
    let mut opt = Optimiser::new(common::text(rule, "optimiser", "adam"));
    let batch = common::setting(plan.training, "batch", 16.0).max(1.0) as usize;
    let frozen = method == Method::Local;
    let lrs: Vec<f64> = (0..9)
        .map(|k| {
            if frozen && (1..=6).contains(&k) {
                0.0
            } else {
                lr
            }
        })
        .collect();
    let netc = std::cell::RefCell::new(&mut net);
    let epochs = common::run_epochs(
        plan.training.epochs,
        progress,
        |e| {
            let mut net = netc.borrow_mut();
            let order = common::shuffled(train.len(), seed, e);
            let mut loss = 0.0;
            for chunk in order.chunks(batch) {
                let mut g = net.zero_grads();
                for &i in chunk {
                    loss += net.grads(&sequence(train, i, steps), train.y[i], method, &mut g);
                }
                let gs: Vec<&[f64]> = g.iter().map(|v| v.as_slice()).collect();
                let mut ps = net.arrays();
                opt.step(&mut ps, &gs, &lrs);
            }
            Ok(Some(loss / train.len() as f64))
        },
        |on_train| {
            let net = netc.borrow();
            let d = if on_train { train } else { test };
            let ok = (0..d.len())
                .filter(|&i| {
                    common::argmax(common::flat1(&net.logits(&sequence(d, i, steps)))) == d.y[i]
                })
                .count();
            ok as f64 / d.len().max(1) as f64
        },
    )?;
    let mut res = common::result(&plan.rule.kind);
    res.epochs = epochs;
    res.notes.push(format!(
        "ssm trained by {method:?}: {steps} steps of {} inputs, {} channels × {} states",
        inp.size(),
        mid.size(),
        net.state()
    ));
    res.notes.push(common::memory_note(
        match method {
            Method::Bptt => "every state of every step (BPTT)",
            Method::Rtrl => "sensitivities of each channel's states to its own parameters (RTRL)",
            Method::Local => "one presynaptic STDP trace per input",
        },
        net.memory(method, steps) * batch,
    ));
    res.tensors.push(common::tensor(
        format!("W_{}_{}", inp.pop.name, mid.pop.name),
        &net.w_in,
    ));
    res.tensors
        .push(common::tensor("A", &net.log_a.mapv(|v| -v.exp())));
    res.tensors.push(common::tensor("B", &net.b));
    res.tensors.push(common::tensor("C", &net.c));
    res.tensors.push(common::tensor1("D", &net.d));
    res.tensors.push(common::tensor1("w_delta", &net.w_delta));
    res.tensors.push(common::tensor1("b_delta", &net.b_delta));
    res.tensors.push(common::tensor(
        format!("W_{}_{}", mid.pop.name, out.pop.name),
        &net.w_out,
    ));
    res.tensors
        .push(common::tensor1(format!("b_{}", out.pop.name), &net.b_out));
    Ok(res)
}
