//! Real-time recurrent learning (Williams & Zipser 1989) and e-prop (Bellec
//! et al. 2020) on a leaky recurrent network of rate units, beside BPTT:
//! the reference that shows RTRL is exact and what e-prop gives up.
//!
//! ```text
//! a_t = W h_{t-1} + U x_t + b,   h_t = alpha h_{t-1} + (1 - alpha) tanh(a_t),   y_t = V h_t
//! loss = Σ_t ½ ‖y_t - y*_t‖²
//! ```
//!
//! RTRL carries `P_t = ∂h_t/∂θ` (every unit × every parameter of `W, U, b`)
//! forward: `P_t = alpha P_{t-1} + (1 - alpha) D_t (W P_{t-1} + ∂a_t/∂θ|direct)`,
//! `D_t = diag(tanh'(a_t))`, and adds `(∂loss_t/∂h_t) P_t` to the gradient in
//! every step — O(n⁴) time per step for `W`. e-prop keeps only the diagonal
//! part: the eligibility of synapse `i←j` is `e_t = alpha e_{t-1} + (1 -
//! alpha) D_i,t z_j`, multiplied by the learning signal `∂loss_t/∂h_i,t`
//! through the readout only.

use ndarray::{Array1, Array2};

/// A leaky rate RNN with a linear readout.
#[derive(Clone, Debug)]
pub struct Rnn {
    /// Recurrent weights `n × n`.
    pub w: Array2<f64>,
    /// Input weights `n × m`.
    pub u: Array2<f64>,
    /// Biases.
    pub b: Array1<f64>,
    /// Readout `k × n`.
    pub v: Array2<f64>,
    /// Leak per step.
    pub alpha: f64,
}

/// Gradients of `W`, `U`, `b` (the readout's gradient is the same for all
/// three methods and not compared).
#[derive(Clone, Debug, PartialEq)]
pub struct RnnGrads {
    /// ∂loss/∂W.
    pub w: Array2<f64>,
    /// ∂loss/∂U.
    pub u: Array2<f64>,
    /// ∂loss/∂b.
    pub b: Array1<f64>,
}

impl RnnGrads {
    /// Every entry in one vector.
    pub fn flat(&self) -> Vec<f64> {
        self.w
            .iter()
            .chain(self.u.iter())
            .chain(self.b.iter())
            .copied()
            .collect()
    }
}

impl Rnn {
    fn zeros(&self) -> RnnGrads {
        RnnGrads {
            w: Array2::zeros(self.w.raw_dim()),
            u: Array2::zeros(self.u.raw_dim()),
            b: Array1::zeros(self.b.len()),
        }
    }

    /// States `h_0..h_T` (with `h_0 = 0`) and pre-activations `a_1..a_T`.
    pub fn forward(&self, xs: &[Array1<f64>]) -> (Vec<Array1<f64>>, Vec<Array1<f64>>) {
        let n = self.b.len();
        let mut h = vec![Array1::zeros(n)];
        let mut a = Vec::new();
        for x in xs {
            let prev = &h[h.len() - 1];
            let at = self.w.dot(prev) + self.u.dot(x) + &self.b;
            let ht = prev * self.alpha + at.mapv(f64::tanh) * (1.0 - self.alpha);
            a.push(at);
            h.push(ht);
        }
        (h, a)
    }

    /// The loss of a sequence.
    pub fn loss(&self, xs: &[Array1<f64>], ys: &[Array1<f64>]) -> f64 {
        let (h, _) = self.forward(xs);
        ys.iter()
            .enumerate()
            .map(|(t, y)| 0.5 * (self.v.dot(&h[t + 1]) - y).mapv(|d| d * d).sum())
            .sum()
    }

    fn dloss_dh(&self, h: &Array1<f64>, y: &Array1<f64>) -> Array1<f64> {
        self.v.t().dot(&(self.v.dot(h) - y))
    }

    /// Backpropagation through time.
    pub fn bptt(&self, xs: &[Array1<f64>], ys: &[Array1<f64>]) -> RnnGrads {
        let (h, a) = self.forward(xs);
        let mut g = self.zeros();
        let n = self.b.len();
        let mut gh_next = Array1::<f64>::zeros(n);
        for t in (0..xs.len()).rev() {
            let gh = self.dloss_dh(&h[t + 1], &ys[t]) + &gh_next;
            let ga = &gh * &a[t].mapv(|v| (1.0 - v.tanh().powi(2)) * (1.0 - self.alpha));
            let col = ga.view().insert_axis(ndarray::Axis(1));
            g.w += &col.dot(&h[t].view().insert_axis(ndarray::Axis(0)));
            g.u += &col.dot(&xs[t].view().insert_axis(ndarray::Axis(0)));
            g.b += &ga;
            gh_next = &gh * self.alpha + self.w.t().dot(&ga);
        }
        g
    }

    /// Exact RTRL: sensitivities carried forward, no history stored.
    pub fn rtrl(&self, xs: &[Array1<f64>], ys: &[Array1<f64>]) -> RnnGrads {
        let n = self.b.len();
        let m = self.u.ncols();
        let p = n * n + n * m + n;
        // sens[k][q] = ∂h_k/∂θ_q, θ = (W row-major, U row-major, b).
        let mut sens = Array2::<f64>::zeros((n, p));
        let mut h = Array1::<f64>::zeros(n);
        let mut grad = vec![0.0; p];
        for (x, y) in xs.iter().zip(ys) {
            let a = self.w.dot(&h) + self.u.dot(x) + &self.b;
            let d = a.mapv(|v| (1.0 - v.tanh().powi(2)) * (1.0 - self.alpha));
            // ∂a/∂θ through h_{t-1}: W · sens, then the direct terms.
            let mut da = self.w.dot(&sens);
            for k in 0..n {
                for j in 0..n {
                    da[[k, k * n + j]] += h[j];
                }
                for j in 0..m {
                    da[[k, n * n + k * m + j]] += x[j];
                }
                da[[k, n * n + n * m + k]] += 1.0;
            }
            for k in 0..n {
                for q in 0..p {
                    sens[[k, q]] = self.alpha * sens[[k, q]] + d[k] * da[[k, q]];
                }
            }
            h = &h * self.alpha + a.mapv(f64::tanh) * (1.0 - self.alpha);
            let gh = self.dloss_dh(&h, y);
            let contrib = gh.dot(&sens);
            for (g, c) in grad.iter_mut().zip(contrib.iter()) {
                *g += c;
            }
        }
        self.unflatten(&grad)
    }

    /// e-prop: diagonal eligibility traces and the readout's learning signal.
    pub fn eprop(&self, xs: &[Array1<f64>], ys: &[Array1<f64>]) -> RnnGrads {
        let n = self.b.len();
        let m = self.u.ncols();
        let mut ew = Array2::<f64>::zeros((n, n));
        let mut eu = Array2::<f64>::zeros((n, m));
        let mut eb = Array1::<f64>::zeros(n);
        let mut h = Array1::<f64>::zeros(n);
        let mut g = self.zeros();
        for (x, y) in xs.iter().zip(ys) {
            let a = self.w.dot(&h) + self.u.dot(x) + &self.b;
            let d = a.mapv(|v| (1.0 - v.tanh().powi(2)) * (1.0 - self.alpha));
            for i in 0..n {
                for j in 0..n {
                    ew[[i, j]] = self.alpha * ew[[i, j]] + d[i] * h[j];
                }
                for j in 0..m {
                    eu[[i, j]] = self.alpha * eu[[i, j]] + d[i] * x[j];
                }
                eb[i] = self.alpha * eb[i] + d[i];
            }
            h = &h * self.alpha + a.mapv(f64::tanh) * (1.0 - self.alpha);
            let l = self.dloss_dh(&h, y);
            for i in 0..n {
                for j in 0..n {
                    g.w[[i, j]] += l[i] * ew[[i, j]];
                }
                for j in 0..m {
                    g.u[[i, j]] += l[i] * eu[[i, j]];
                }
                g.b[i] += l[i] * eb[i];
            }
        }
        g
    }

    fn unflatten(&self, v: &[f64]) -> RnnGrads {
        let n = self.b.len();
        let m = self.u.ncols();
        RnnGrads {
            w: Array2::from_shape_fn((n, n), |(i, j)| v[i * n + j]),
            u: Array2::from_shape_fn((n, m), |(i, j)| v[n * n + i * m + j]),
            b: Array1::from_shape_fn(n, |i| v[n * n + n * m + i]),
        }
    }
}
