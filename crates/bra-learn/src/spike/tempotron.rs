//! The Tempotron (Gütig & Sompolinsky 2006), integrated exactly.
//!
//! `V(t) = Σ_i w_i Σ_{t_i} K(t - t_i)` with `K(s) = V0 (e^{-s/τ} - e^{-s/τs})`
//! (`V0` makes the peak of `K` equal to 1) and `V_rest = 0`; the neuron
//! fires for a pattern when `V` reaches `v_th`. After an error the weights
//! move by `Δw_i = ± lr Σ_{t_i < t_max} K(t_max - t_i)`, `t_max` the time of
//! the maximal potential: `+` for a missed target, `-` for a false alarm.
//!
//! Between two input spikes `V` is a difference of two exponentials, with
//! at most one stationary point, found in closed form; so `t_max` and
//! `V(t_max)` are exact, not the best point of a time grid.

/// A Tempotron neuron's constants.
#[derive(Clone, Debug, PartialEq)]
pub struct Tempotron {
    /// Membrane time constant of the kernel, s.
    pub tau: f64,
    /// Synaptic time constant of the kernel, s.
    pub tau_s: f64,
    /// Threshold of the normalised potential.
    pub v_th: f64,
    /// Learning rate λ.
    pub lr: f64,
    v0: f64,
}

impl Tempotron {
    /// A Tempotron with these constants (`tau > tau_s > 0`).
    pub fn new(tau: f64, tau_s: f64, v_th: f64, lr: f64) -> Result<Tempotron, String> {
        if !(tau > 0.0 && tau_s > 0.0 && tau != tau_s) {
            return Err(format!(
                "tempotron needs tau > 0, tau_s > 0 and tau ≠ tau_s (got {tau} s, {tau_s} s)"
            ));
        }
        let (a, b) = (tau.max(tau_s), tau.min(tau_s));
        let s_peak = a * b / (a - b) * (a / b).ln();
        let peak = (-s_peak / a).exp() - (-s_peak / b).exp();
        Ok(Tempotron {
            tau: a,
            tau_s: b,
            v_th,
            lr,
            v0: 1.0 / peak,
        })
    }

    /// The normalisation `V0` (1 / peak of the unnormalised kernel).
    pub fn v0(&self) -> f64 {
        self.v0
    }

    /// The kernel `K(s)` (0 for `s ≤ 0`).
    #[inline]
    pub fn kernel(&self, s: f64) -> f64 {
        if s <= 0.0 {
            0.0
        } else {
            self.v0 * ((-s / self.tau).exp() - (-s / self.tau_s).exp())
        }
    }

    /// `V(t)` by direct summation over the events `(time, afferent)`.
    pub fn potential(&self, events: &[(f64, u32)], w: &[f64], t: f64) -> f64 {
        events
            .iter()
            .map(|&(ti, i)| w[i as usize] * self.kernel(t - ti))
            .sum()
    }

    /// The time and value of the maximum of `V` over `[0, t_end]`, for
    /// events sorted by time. `V(0) = 0`, so the maximum is at least 0.
    pub fn max_potential(&self, events: &[(f64, u32)], w: &[f64], t_end: f64) -> (f64, f64) {
        // V(t) = V0 (A(t) - B(t)); A, B are the traces with τ and τs.
        let (mut a, mut b, mut t) = (0.0f64, 0.0f64, 0.0f64);
        let mut best = (0.0, 0.0);
        let mut k = 0;
        let k_rate = 1.0 / self.tau_s - 1.0 / self.tau;
        while k < events.len() && events[k].0 <= t_end {
            let tk = events[k].0;
            // Advance the traces to tk, then add every event at tk.
            let (da, db) = ((-(tk - t) / self.tau).exp(), (-(tk - t) / self.tau_s).exp());
            a *= da;
            b *= db;
            t = tk;
            while k < events.len() && events[k].0 == tk {
                let wi = w[events[k].1 as usize];
                a += wi;
                b += wi;
                k += 1;
            }
            let t_next = if k < events.len() && events[k].0 <= t_end {
                events[k].0
            } else {
                t_end
            };
            let len = t_next - t;
            // Candidates: the interval's end and its stationary point, where
            // (a/τ) e^{-s/τ} = (b/τs) e^{-s/τs}.
            let v_end = self.v0 * (a * (-len / self.tau).exp() - b * (-len / self.tau_s).exp());
            if v_end > best.1 {
                best = (t_next, v_end);
            }
            let ratio = (b * self.tau) / (a * self.tau_s);
            if a != 0.0 && ratio > 0.0 {
                let s = ratio.ln() / k_rate;
                if s > 0.0 && s < len {
                    let v = self.v0 * (a * (-s / self.tau).exp() - b * (-s / self.tau_s).exp());
                    if v > best.1 {
                        best = (t + s, v);
                    }
                }
            }
        }
        best
    }

    /// `Σ_{t_i < t} K(t - t_i)` for every afferent: the gradient of `V(t)`
    /// with respect to the weights.
    pub fn kernel_sums(&self, events: &[(f64, u32)], n: usize, t: f64) -> Vec<f64> {
        let mut g = vec![0.0; n];
        for &(ti, i) in events {
            if ti >= t {
                break;
            }
            g[i as usize] += self.kernel(t - ti);
        }
        g
    }

    /// Present one pattern: returns whether the neuron fired and, when that
    /// was an error, applies the Tempotron update (with momentum `mu` on the
    /// previous update `velocity`, as Gütig & Sompolinsky's simulations;
    /// `mu = 0` is the plain rule).
    pub fn learn(
        &self,
        events: &[(f64, u32)],
        w: &mut [f64],
        velocity: &mut [f64],
        mu: f64,
        t_end: f64,
        target: bool,
    ) -> (bool, bool) {
        let (t_max, v_max) = self.max_potential(events, w, t_end);
        let fired = v_max >= self.v_th;
        let error = fired != target;
        if error {
            let sign = if target { 1.0 } else { -1.0 };
            let g = self.kernel_sums(events, w.len(), t_max);
            for ((w, v), g) in w.iter_mut().zip(velocity.iter_mut()).zip(&g) {
                *v = sign * self.lr * g + mu * *v;
                *w += *v;
            }
        }
        (fired, error)
    }
}
