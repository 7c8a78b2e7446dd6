//! Conductance-based leaky integrate-and-fire neuron (NEST `iaf_cond_exp`,
//! `iaf_cond_alpha`), integrated by exponential Euler.
//!
//! `c_m dv/dt = g_l (v_rest - v) + Σ_p g_p (E_p - v) + i_e + i_ext + g_l Σ_q x_q`,
//! with conductance ports `g_p` (siemens, reversal `E_p` from the port) and
//! current ports `x_q` in volts: a current weight is `R·I` with `R = 1/g_l`
//! (`current_scale`), the convention of [`lif`](super::lif). Threshold, reset
//! and absolute refractoriness as in `lif`.
//!
//! **Integrator (the catalog's contract).** Within a step every conductance
//! and current is held at its start-of-step value, which makes the equation
//! for `v` linear: `v` relaxes exactly toward the conductance-weighted
//! reversal `v_inf` with time constant `c_m / (g_l + Σ g)`. It is stable for
//! any `dt` (no step can overshoot `v_inf`), exact for constant conductances,
//! and first-order in the conductance changes within a step; NEST integrates
//! the same model with adaptive RKF45, so exports agree to O(dt). The
//! threshold crossing is found inside the step from the closed form of the
//! same linear solution, so spike offsets are not tied to the grid.

use super::Params;
use super::common::{Knob, Knobs, Syn, delta_jump, i_ext, load, store};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;

// ------------------------------------------------------------------ lif_cond

const V: usize = 0;
const REFR: usize = 1;

/// The conductance-based LIF with its parameters (SI).
#[derive(Clone, Debug)]
pub struct LifCond {
    c_m: Knob,
    g_l: Knob,
    v_rest: Knob,
    v_th: Knob,
    v_reset: Knob,
    t_ref: Knob,
    i_e: Knob,
    knobs: Knobs,
    syn: Syn,
    nvars: usize,
}

/// Build a `lif_cond` population: current and conductance ports are both
/// accepted (the catalog's current-mode synapses add `R·I` as in `lif`).
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    LifCond::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl LifCond {
    /// Build from compiled parameters.
    pub fn build(p: &Params, ports: &[Port]) -> Result<LifCond, String> {
        let mut knobs = Knobs::new(2);
        let c_m = knobs.take(p, "c_m", Some(250e-12))?;
        let g_l = knobs.take(p, "g_l", Some(16.6667e-9))?;
        let v_rest = knobs.take(p, "v_rest", Some(-0.070))?;
        let v_th = knobs.take(p, "v_th", Some(-0.055))?;
        let v_reset = knobs.take(p, "v_reset", Some(-0.060))?;
        let t_ref = knobs.take(p, "t_ref", Some(0.002))?;
        let i_e = knobs.take(p, "i_e", Some(0.0))?;
        for (name, k) in [("c_m", c_m), ("g_l", g_l)] {
            if k.fixed().is_some_and(|x| x <= 0.0 || !x.is_finite()) {
                return Err(format!("`lif_cond` needs {name} > 0"));
            }
        }
        let syn = Syn::new(ports, 2 + knobs.len());
        let nvars = 2 + knobs.len() + crate::model::trace_slots(ports);
        Ok(LifCond {
            c_m,
            g_l,
            v_rest,
            v_th,
            v_reset,
            t_ref,
            i_e,
            knobs,
            syn,
            nvars,
        })
    }
}

impl NeuronModel for LifCond {
    fn name(&self) -> &'static str {
        "lif_cond"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n = vec!["v".to_string(), "refractory".to_string()];
        n.extend(self.knobs.names());
        n.extend(self.syn.names());
        n
    }

    /// `R = 1/g_l`: a current weight of `I` amperes acts as `I/g_l` volts.
    fn current_scale(&self) -> Option<f64> {
        self.g_l.fixed().map(|g| 1.0 / g)
    }

    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        self.knobs.init(i, rng, out);
        out[V] = self.v_rest.at(out);
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let h = io.dt;
        let tab = self.syn.table(h, 1);
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let (c_m, g_l) = (self.c_m.at(&local), self.g_l.at(&local));
            let (v_th, v_reset, t_ref) = (
                self.v_th.at(&local),
                self.v_reset.at(&local),
                self.t_ref.at(&local),
            );
            let d = self.syn.drive(&tab, &local, 0);
            let g_tot = g_l + d.g;
            let v_inf = (g_l * self.v_rest.at(&local)
                + d.ge
                + self.i_e.at(&local)
                + i_ext(io, i)
                + g_l * d.cur)
                / g_tot;
            let tau = c_m / g_tot;
            let at = |v0: f64, s: f64| v_inf + (v0 - v_inf) * (-s / tau).exp();
            let mut v = local[V];
            let mut refr = local[REFR];
            let mut spiked = None;
            if refr <= 0.0 {
                let vn = at(v, h);
                if vn >= v_th {
                    // Exact crossing of the linear solution (v_inf > v_th here).
                    let s = if v >= v_th {
                        0.0
                    } else {
                        (tau * ((v - v_inf) / (v_th - v_inf)).ln()).clamp(0.0, h)
                    };
                    spiked = Some(s);
                } else {
                    v = vn;
                }
            } else if refr < h {
                let vn = at(v_reset, h - refr);
                refr = 0.0;
                if vn >= v_th {
                    spiked = Some(h);
                } else {
                    v = vn;
                }
            } else {
                refr -= h;
                v = v_reset;
            }
            if let Some(s) = spiked {
                spikes.push(Spike {
                    neuron: i as u32,
                    offset: s,
                });
                let rest = h - s;
                if t_ref < rest {
                    v = at(v_reset, rest - t_ref);
                    refr = 0.0;
                } else {
                    v = v_reset;
                    refr = t_ref - rest;
                }
            }
            let active = refr <= 0.0;
            self.syn.finish(&tab, io, i, &mut local, |e, w| {
                if active {
                    v = delta_jump(v, e, w, h, c_m);
                }
            });
            local[V] = v;
            local[REFR] = refr.max(0.0);
            store(vars, i, &local);
        }
    }
}
