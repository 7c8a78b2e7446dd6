//! A single layer of readout neurons driven by encoded spike trains, as a
//! LIF neuron (deterministic threshold) or as the probabilistic meta-neuron
//! of Rudnicka, Szczepanski & Pregowska, with the sensitivities of the
//! potential to the weights and to the internal parameters.
//!
//! Both share the membrane and synapse of the runtime's `meta_neuron`
//! (its integrator contract): each afferent spike adds its weight to a
//! synaptic trace `x` that decays with `tau_s`, and per step of `dt`
//!
//! ```text
//! u <- I + (u - I) a,   a = e^{-dt/tau},   I = x at the start of the step;
//! ```
//!
//! events are added to `x` after the step's integration. The LIF neuron
//! fires when `u >= theta` and is reset to `u_reset` (held there for the
//! refractory steps); the meta-neuron fires with probability
//! `p = σ(gain (u - theta))`, drawn from the counter-based generator with
//! counters `(neuron, step)` exactly as the runtime model draws them, and is
//! reset to 0. So a meta readout reproduces `bra simulate` spike for spike
//! (tested).
//!
//! Along a trial the sensitivities `∂u/∂w_ji` and `∂u/∂tau_j` are carried
//! forward (real-time recurrent learning is exact and cheap for one layer);
//! a reset fixes `u` and zeroes them (resets are not differentiated). With
//! them, the firing probability's gradient is
//!
//! ```text
//! ∂p/∂w = p(1-p) gain ∂u/∂w,   ∂p/∂theta = -p(1-p) gain,
//! ∂p/∂gain = p(1-p) (u - theta),   ∂p/∂tau = p(1-p) gain ∂u/∂tau.
//! ```

use super::encode::Trial;
use bra_runtime::rng::Key;

/// How a readout neuron turns its potential into spikes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Firing {
    /// LIF: a spike when `u >= theta`, then `u = reset` for `refractory` steps.
    Threshold {
        /// Potential after a spike.
        reset: f64,
        /// Steps held at `reset` after a spike.
        refractory: usize,
    },
    /// Meta-neuron: a spike with probability `σ(gain (u - theta))` per step, then `u = 0`.
    Escape,
}

/// A layer of `n_out` readout neurons on `n_in` afferents, with per-neuron
/// internal parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    /// Spike generation.
    pub firing: Firing,
    /// Afferents.
    pub n_in: usize,
    /// Neurons.
    pub n_out: usize,
    /// Weights, row-major `[n_out, n_in]`.
    pub w: Vec<f64>,
    /// Thresholds.
    pub theta: Vec<f64>,
    /// Gains (meta-neuron; unused by the LIF).
    pub gain: Vec<f64>,
    /// Membrane time constants, s.
    pub tau: Vec<f64>,
    /// Synaptic time constant, s.
    pub tau_s: f64,
    /// What one unit of weight adds to the synaptic trace (1 in the
    /// runtime's convention; the trainers choose it so that a weight of 1
    /// gives a potential peaking at 1, the Tempotron's normalisation).
    pub in_scale: f64,
    /// Step, s.
    pub dt: f64,
}

/// What one neuron did in one trial.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NeuronRun {
    /// Spikes per step (0 or 1).
    pub spikes: Vec<u8>,
    /// Number of spikes.
    pub count: u32,
    /// Step of the largest potential (before any reset in that step).
    pub t_max: usize,
    /// The largest potential.
    pub u_max: f64,
    /// `∂u/∂w_j·` at `t_max` (empty without gradients).
    pub du_dw: Vec<f64>,
    /// `∂u/∂ln(tau_j)` at `t_max`.
    pub du_dlogtau: f64,
}

/// The potential and the firing probability of one neuron at one step,
/// with their gradients (for tests against finite differences).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probe {
    /// Potential at the step (after integration, before the spike decision).
    pub u: f64,
    /// Firing probability `σ(gain (u - theta))`.
    pub p: f64,
    /// `∂u/∂w_j·`.
    pub du_dw: Vec<f64>,
    /// `∂u/∂tau_j`.
    pub du_dtau: f64,
    /// `∂p/∂w_j·`.
    pub dp_dw: Vec<f64>,
    /// `∂p/∂theta_j`.
    pub dp_dtheta: f64,
    /// `∂p/∂gain_j`.
    pub dp_dgain: f64,
    /// `∂p/∂tau_j`.
    pub dp_dtau: f64,
}

/// The logistic function, without overflow.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

impl Readout {
    /// Weights of neuron `j`.
    pub fn row(&self, j: usize) -> &[f64] {
        &self.w[j * self.n_in..(j + 1) * self.n_in]
    }

    /// Run one trial; `key` draws the meta-neuron's spikes (counters
    /// `(neuron, step)`); with `grad`, carry the sensitivities and return
    /// them at each neuron's `t_max`.
    pub fn run(&self, trial: &Trial, key: Key, grad: bool) -> Vec<NeuronRun> {
        self.simulate(trial, key, grad, None).0
    }

    /// The potential, firing probability and their gradients of neuron `j`
    /// at `step`, along the trial's own spikes and resets.
    pub fn probe(&self, trial: &Trial, key: Key, j: usize, step: usize) -> Probe {
        self.simulate(trial, key, true, Some((j, step)))
            .1
            .unwrap_or_default()
    }

    fn simulate(
        &self,
        trial: &Trial,
        key: Key,
        grad: bool,
        probe: Option<(usize, usize)>,
    ) -> (Vec<NeuronRun>, Option<Probe>) {
        let (n_in, n_out, dt) = (self.n_in, self.n_out, self.dt);
        let steps = trial.steps;
        let off = trial.offsets();
        let d = (-dt / self.tau_s).exp();
        let a: Vec<f64> = self.tau.iter().map(|t| (-dt / t).exp()).collect();
        let mut u = vec![0.0f64; n_out];
        let mut x = vec![0.0f64; n_out];
        let mut xpre = vec![0.0f64; if grad { n_in } else { 0 }];
        let mut e = vec![0.0f64; if grad { n_out * n_in } else { 0 }];
        let mut s_tau = vec![0.0f64; n_out];
        let mut refr = vec![0usize; n_out];
        let mut acc = vec![0.0f64; n_out];
        let mut runs: Vec<NeuronRun> = (0..n_out)
            .map(|_| NeuronRun {
                spikes: vec![0; steps],
                u_max: f64::NEG_INFINITY,
                du_dw: if grad { vec![0.0; n_in] } else { Vec::new() },
                ..NeuronRun::default()
            })
            .collect();
        let mut probed = None;
        for n in 0..steps {
            for j in 0..n_out {
                let run = &mut runs[j];
                if refr[j] > 0 {
                    refr[j] -= 1;
                    continue;
                }
                let input = x[j];
                let aj = a[j];
                let u_new = input + (u[j] - input) * aj;
                if grad {
                    // ∂u'/∂ln tau = a (dt/tau) (u - I) + a ∂u/∂ln tau.
                    s_tau[j] = aj * (dt / self.tau[j]) * (u[j] - input) + aj * s_tau[j];
                    let ej = &mut e[j * n_in..(j + 1) * n_in];
                    for (e, xp) in ej.iter_mut().zip(&xpre) {
                        *e = aj * *e + (1.0 - aj) * xp;
                    }
                }
                u[j] = u_new;
                if u_new > run.u_max {
                    run.u_max = u_new;
                    run.t_max = n;
                    if grad {
                        run.du_dw.copy_from_slice(&e[j * n_in..(j + 1) * n_in]);
                        run.du_dlogtau = s_tau[j];
                    }
                }
                if probe == Some((j, n)) {
                    probed =
                        Some(self.probe_here(j, u_new, &e[j * n_in..(j + 1) * n_in], s_tau[j]));
                }
                let spike = match self.firing {
                    Firing::Threshold { .. } => u_new >= self.theta[j],
                    Firing::Escape => {
                        let p = sigmoid(self.gain[j] * (u_new - self.theta[j]));
                        key.uniform(j as u64, n as u64) < p
                    }
                };
                if spike {
                    run.spikes[n] = 1;
                    run.count += 1;
                    match self.firing {
                        Firing::Threshold { reset, refractory } => {
                            u[j] = reset;
                            refr[j] = refractory;
                        }
                        Firing::Escape => u[j] = 0.0,
                    }
                    if grad {
                        s_tau[j] = 0.0;
                        e[j * n_in..(j + 1) * n_in].fill(0.0);
                    }
                }
            }
            // Events of this step reach the traces after the integration,
            // summed per neuron first (as the engine sums a step's arrivals).
            acc.fill(0.0);
            if grad && d != 1.0 {
                xpre.iter_mut().for_each(|v| *v *= d);
            }
            for &(_, i) in &trial.events[off[n]..off[n + 1]] {
                let i = i as usize;
                if i >= n_in {
                    continue;
                }
                for (j, a) in acc.iter_mut().enumerate() {
                    *a += self.in_scale * self.w[j * n_in + i];
                }
                if grad {
                    xpre[i] += self.in_scale;
                }
            }
            for (xj, a) in x.iter_mut().zip(&acc) {
                *xj = *xj * d + a;
            }
        }
        for r in &mut runs {
            if r.u_max == f64::NEG_INFINITY {
                r.u_max = 0.0;
            }
        }
        (runs, probed)
    }

    fn probe_here(&self, j: usize, u: f64, e: &[f64], s_logtau: f64) -> Probe {
        let (g, th) = (self.gain[j], self.theta[j]);
        let p = sigmoid(g * (u - th));
        let q = p * (1.0 - p);
        let du_dtau = s_logtau / self.tau[j];
        Probe {
            u,
            p,
            du_dw: e.to_vec(),
            du_dtau,
            dp_dw: e.iter().map(|e| q * g * e).collect(),
            dp_dtheta: -q * g,
            dp_dgain: q * (u - th),
            dp_dtau: q * g * du_dtau,
        }
    }
}
