//! Selective state-space unit: one diagonal channel of Mamba (Gu & Dao
//! 2023), the building block of Bio-Inspired Mamba (Qin 2024).
//!
//! Each neuron is one channel with a hidden state `h ∈ R^N` (`N` =
//! `state_size`). In step `t`, with scalar input `x_t`:
//! `Δ_t = softplus(w_Δ x_t + b_Δ)` is the input-dependent step (a larger
//! drive gives a larger step for `w_Δ > 0`: the unit forgets its state and
//! takes in the new input — the "selection" of Mamba);
//! `h_n <- exp(Δ_t A_n) h_n + Δ_t B_n x_t` and `y_t = Σ_n C_n h_n + D x_t`
//! (`D` only with `skip`). `A_n < 0`, so the state is stable for any `Δ`.
//!
//! With one scalar channel, Mamba's input-dependent `B_t = W_B x_t` would
//! make the input enter squared; here `B` and `C` are per-neuron vectors and
//! the selectivity is carried by `Δ`, as the catalog's summary says
//! ("diagonal, input-dependent step"). Every learnable quantity is a state
//! variable, so an online rule (RTRL) can change it per neuron:
//! `y`, `delta` (the last `Δ`), `h0…`, then `A0…`, `B0…`, `C0…`, `D`,
//! `w_delta`, `b_delta`, then port traces. The unit is non-spiking and
//! transmits `y` (`output_var`).
//!
//! **Initialisation (deterministic for a seed).** `a_init = s4d_real`:
//! `A_n = -(n + 1)` (S4D-Real, Mamba's default); `constant`: `A_n = -1/2`.
//! `B_n = C_n = 1`, `D = 1`, `w_Δ = 1`, and `b_Δ = softplus⁻¹(Δ₀)` with `Δ₀`
//! log-uniform in `[dt_min, dt_max]` per neuron (Mamba's `dt` init), drawn
//! from the counter-based generator. `Δ` is a step in units of the
//! simulation step, not a time: it is not clipped to the initial range.
//!
//! **Inputs.** As for [`rate`](super::rate): dimensionless; a delta port's
//! input of this step is `x_t`; filtered ports add their traces; external
//! current adds its number of pA; conductance synapses are refused.
//!
//! **Integrator (the catalog's contract).** Zero-order-hold discretisation,
//! one update per simulation step: `exp(Δ A)` is exact for the diagonal `A`
//! with the input held over the step, and the input enters through Mamba's
//! simplified `Δ B`.

use super::Params;
use super::common::{Knobs, Syn, i_ext, load, refuse_conductance, store};
use crate::model::{NeuronModel, Port, PortKind, Spike, StepIo};
use crate::rng::Key;

const Y: usize = 0;
const DELTA: usize = 1;
const H0: usize = 2;

/// `ln(1 + e^z)`, without overflow.
#[inline]
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The model with its shape and initialisation.
#[derive(Clone, Debug)]
pub struct Ssm {
    n: usize,
    dt_min: f64,
    dt_max: f64,
    s4d: bool,
    skip: bool,
    syn: Syn,
}

/// Build an `ssm` population.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Ssm::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Ssm {
    /// Build from compiled parameters; defaults are the catalog's.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Ssm, String> {
        refuse_conductance(ports, "ssm")?;
        let n = Knobs::fixed(p, "state_size", Some(16.0))?;
        if !(1.0..=4096.0).contains(&n) || n.fract() != 0.0 {
            return Err(format!(
                "`ssm` needs a whole state_size in 1..=4096, found {n}"
            ));
        }
        let n = n as usize;
        let dt_min = Knobs::fixed(p, "dt_min", Some(0.001))?;
        let dt_max = Knobs::fixed(p, "dt_max", Some(0.1))?;
        if !(dt_min > 0.0 && dt_max >= dt_min && dt_max.is_finite()) {
            return Err(format!(
                "`ssm` needs 0 < dt_min <= dt_max, found {dt_min} and {dt_max}"
            ));
        }
        let s4d = match p.text("a_init") {
            None | Some("s4d_real") => true,
            Some("constant") => false,
            Some(other) => {
                return Err(format!(
                    "`ssm` has no a_init `{other}` (s4d_real, constant)"
                ));
            }
        };
        let skip = p.flag("skip").unwrap_or(true);
        Ok(Ssm {
            n,
            dt_min,
            dt_max,
            s4d,
            skip,
            syn: Syn::new(ports, H0 + 4 * n + 3),
        })
    }

    /// Index of `A0`.
    fn a0(&self) -> usize {
        H0 + self.n
    }
    /// Index of `B0`.
    fn b0(&self) -> usize {
        H0 + 2 * self.n
    }
    /// Index of `C0`.
    fn c0(&self) -> usize {
        H0 + 3 * self.n
    }
    /// Index of `D`; `w_delta` and `b_delta` follow.
    fn d(&self) -> usize {
        H0 + 4 * self.n
    }
}

impl NeuronModel for Ssm {
    fn name(&self) -> &'static str {
        "ssm"
    }

    fn state_names(&self) -> Vec<String> {
        let mut names = vec!["y".to_string(), "delta".to_string()];
        for prefix in ["h", "A", "B", "C"] {
            names.extend((0..self.n).map(|k| format!("{prefix}{k}")));
        }
        names.extend(["D", "w_delta", "b_delta"].map(String::from));
        names.extend(self.syn.names());
        names
    }

    fn spiking(&self) -> bool {
        false
    }

    fn output_var(&self) -> Option<usize> {
        Some(Y)
    }

    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        for k in 0..self.n {
            out[self.a0() + k] = if self.s4d { -((k + 1) as f64) } else { -0.5 };
            out[self.b0() + k] = 1.0;
            out[self.c0() + k] = 1.0;
        }
        let u = rng.uniform(i as u64, 0x0073_736d);
        let (lo, hi) = (self.dt_min.ln(), self.dt_max.ln());
        let delta0 = (lo + u * (hi - lo)).exp();
        let d = self.d();
        out[d] = if self.skip { 1.0 } else { 0.0 };
        out[d + 1] = 1.0;
        out[d + 2] = delta0.exp_m1().ln(); // softplus⁻¹(Δ₀)
        out[DELTA] = delta0;
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], _spikes: &mut Vec<Spike>) {
        let tab = self.syn.table(io.dt, 1);
        let count = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; vars.len()];
        let (a0, b0, c0, d) = (self.a0(), self.b0(), self.c0(), self.d());
        for i in 0..count {
            load(vars, i, &mut local);
            let mut x = self.syn.drive(&tab, &local, 0).cur + i_ext(io, i) * 1e12;
            for (p, q) in self.syn.ports.iter().enumerate() {
                if q.kind == PortKind::Delta {
                    x += io
                        .port_input
                        .get(p)
                        .and_then(|c| c.get(i))
                        .copied()
                        .unwrap_or(0.0);
                }
            }
            let delta = softplus(local[d + 1] * x + local[d + 2]);
            let mut y = if self.skip { local[d] * x } else { 0.0 };
            for k in 0..self.n {
                let h = (delta * local[a0 + k]).exp() * local[H0 + k] + delta * local[b0 + k] * x;
                local[H0 + k] = h;
                y += local[c0 + k] * h;
            }
            local[Y] = y;
            local[DELTA] = delta;
            self.syn.finish(&tab, io, i, &mut local, |_, _| {});
            store(vars, i, &local);
        }
    }
}
