//! Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005).
//!
//! `c_m dv/dt = -g_l (v - e_l) + g_l Δ_T exp((v - v_t)/Δ_T) - w + I` and
//! `τ_w dw/dt = a (v - e_l) - w`; when `v >= v_peak`: `v <- v_reset`,
//! `w <- w + b`, and `v` is held at `v_reset` for `t_ref` while `w` goes on
//! relaxing. `I = i_e + i_ext + g_l Σ x_q + Σ g_p (E_p - v)`: current-port
//! traces are volts as `R·I` with `R = 1/g_l` (`current_scale`, the
//! catalog's convention), conductance ports carry their reversal potential.
//!
//! **Integrator (the catalog's contract).** Classical RK4 on `(v, w)` with
//! sub-steps of at most 0.025 ms, `v` capped at `v_peak` inside the stages so
//! that the exponential cannot overflow. The exponential term makes `v`
//! diverge in finite time once it passes `v_t`: forward Euler at 0.1 ms
//! overshoots and can overflow, while RK4 at 0.025 ms follows the upswing to
//! within a fraction of a sub-step. Synaptic traces are evaluated exactly at
//! the RK4 stage times. A spike is emitted when `v >= v_peak` at the end of
//! a sub-step, its offset interpolated inside the sub-step; refractoriness
//! is counted in sub-steps. (NEST's `aeif` models use adaptive RKF45 with
//! internal steps <= 0.01 ms and the same cut at `V_peak`.)

use super::Params;
use super::common::{Drive, Knob, Knobs, Syn, delta_jump, i_ext, load, store, substeps};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;

/// Longest RK4 sub-step, s.
const H_MAX: f64 = 2.5e-5;

/// Micro-steps per sub-step used to place a spike (only where one occurs).
const FINE: usize = 16;

const V: usize = 0;
const W: usize = 1;
const REFR: usize = 2;

/// The model with its parameters (SI).
#[derive(Clone, Debug)]
pub struct Adex {
    c_m: Knob,
    g_l: Knob,
    e_l: Knob,
    v_t: Knob,
    delta_t: Knob,
    tau_w: Knob,
    a: Knob,
    b: Knob,
    v_reset: Knob,
    v_peak: Knob,
    t_ref: Knob,
    i_e: Knob,
    knobs: Knobs,
    syn: Syn,
    nvars: usize,
}

/// Build an `adex` population; current and conductance ports are both accepted.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Adex::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Adex {
    /// Build from compiled parameters (SI); defaults are the catalog's.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Adex, String> {
        let mut knobs = Knobs::new(3);
        let c_m = knobs.take(p, "c_m", Some(281e-12))?;
        let g_l = knobs.take(p, "g_l", Some(30e-9))?;
        let e_l = knobs.take(p, "e_l", Some(-0.0706))?;
        let v_t = knobs.take(p, "v_t", Some(-0.0504))?;
        let delta_t = knobs.take(p, "delta_t", Some(0.002))?;
        let tau_w = knobs.take(p, "tau_w", Some(0.144))?;
        let a = knobs.take(p, "a", Some(4e-9))?;
        let b = knobs.take(p, "b", Some(80.5e-12))?;
        let v_reset = knobs.take(p, "v_reset", Some(-0.060))?;
        let v_peak = knobs.take(p, "v_peak", Some(0.0))?;
        let t_ref = knobs.take(p, "t_ref", Some(0.0))?;
        let i_e = knobs.take(p, "i_e", Some(0.0))?;
        for (name, k) in [
            ("c_m", c_m),
            ("g_l", g_l),
            ("delta_t", delta_t),
            ("tau_w", tau_w),
        ] {
            if k.fixed().is_some_and(|x| x <= 0.0 || !x.is_finite()) {
                return Err(format!("`adex` needs {name} > 0"));
            }
        }
        let syn = Syn::new(ports, 3 + knobs.len());
        let nvars = 3 + knobs.len() + crate::model::trace_slots(ports);
        Ok(Adex {
            c_m,
            g_l,
            e_l,
            v_t,
            delta_t,
            tau_w,
            a,
            b,
            v_reset,
            v_peak,
            t_ref,
            i_e,
            knobs,
            syn,
            nvars,
        })
    }
}

impl NeuronModel for Adex {
    fn name(&self) -> &'static str {
        "adex"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n = vec!["v".to_string(), "w".to_string(), "refractory".to_string()];
        n.extend(self.knobs.names());
        n.extend(self.syn.names());
        n
    }

    /// `R = 1/g_l`.
    fn current_scale(&self) -> Option<f64> {
        self.g_l.fixed().map(|g| 1.0 / g)
    }

    /// `v = e_l`, `w = 0`.
    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        self.knobs.init(i, rng, out);
        out[V] = self.e_l.at(out);
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let sub = substeps(io.dt, H_MAX);
        let h = io.dt / sub as f64;
        let tab = self.syn.table(io.dt, sub);
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let c_m = self.c_m.at(&local);
            let g_l = self.g_l.at(&local);
            let e_l = self.e_l.at(&local);
            let v_t = self.v_t.at(&local);
            let d_t = self.delta_t.at(&local);
            let tau_w = self.tau_w.at(&local);
            let a = self.a.at(&local);
            let b = self.b.at(&local);
            let v_reset = self.v_reset.at(&local);
            let v_peak = self.v_peak.at(&local);
            let t_ref = self.t_ref.at(&local);
            let i0 = self.i_e.at(&local) + i_ext(io, i);
            let (mut v, mut w, mut refr) = (local[V], local[W], local[REFR]);
            // Right-hand side with the synaptic drive `d`.
            let f = |v: f64, w: f64, d: Drive| {
                let vc = v.min(v_peak);
                let dv = (-g_l * (vc - e_l) + g_l * d_t * ((vc - v_t) / d_t).exp() - w
                    + i0
                    + g_l * d.cur
                    + d.ge
                    - d.g * vc)
                    / c_m;
                let dw = (a * (vc - e_l) - w) / tau_w;
                (dv, dw)
            };
            // One RK4 step of `h` with the drive at its start, middle and end.
            let rk4 = |v: f64, w: f64, h: f64, d: [Drive; 3]| {
                let (k1v, k1w) = f(v, w, d[0]);
                let (k2v, k2w) = f(v + 0.5 * h * k1v, w + 0.5 * h * k1w, d[1]);
                let (k3v, k3w) = f(v + 0.5 * h * k2v, w + 0.5 * h * k2w, d[1]);
                let (k4v, k4w) = f(v + h * k3v, w + h * k3w, d[2]);
                (
                    v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v),
                    w + h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w),
                )
            };
            // Clamped at v_reset: w relaxes exactly toward a (v_reset - e_l).
            let relax_w = |w: f64, s: f64| {
                let w_inf = a * (v_reset - e_l);
                w_inf + (w - w_inf) * (-s / tau_w).exp()
            };
            if refr <= 0.0 && v >= v_peak {
                // Pushed over the peak by last step's events.
                spikes.push(Spike {
                    neuron: i as u32,
                    offset: 0.0,
                });
                v = v_reset;
                w += b;
                refr = t_ref;
            }
            for j in 0..sub {
                if refr > 0.0 {
                    w = relax_w(w, h);
                    v = v_reset;
                    refr -= h;
                    continue;
                }
                let d = [
                    self.syn.drive(&tab, &local, 2 * j),
                    self.syn.drive(&tab, &local, 2 * j + 1),
                    self.syn.drive(&tab, &local, 2 * j + 2),
                ];
                let (vn, wn) = rk4(v, w, h, d);
                if vn < v_peak {
                    (v, w) = (vn, wn);
                    continue;
                }
                // Locate the crossing on FINE micro-steps (drive held at the
                // sub-step's start), reset there, and integrate the rest.
                let hf = h / FINE as f64;
                let held = [d[0]; 3];
                let (mut vf, mut wf, mut s) = (v, w, h);
                for k in 0..FINE {
                    let (v2, w2) = rk4(vf, wf, hf, held);
                    if v2 >= v_peak || k + 1 == FINE {
                        let frac = if v2 > vf {
                            ((v_peak - vf) / (v2 - vf)).clamp(0.0, 1.0)
                        } else {
                            1.0
                        };
                        s = (k as f64 + frac) * hf;
                        wf = w2;
                        break;
                    }
                    (vf, wf) = (v2, w2);
                }
                spikes.push(Spike {
                    neuron: i as u32,
                    offset: j as f64 * h + s,
                });
                let rest = h - s;
                w = wf + b;
                v = v_reset;
                if t_ref > 0.0 {
                    let clamp = rest.min(t_ref);
                    w = relax_w(w, clamp);
                    refr = t_ref - clamp;
                    if refr <= 0.0 && rest > clamp {
                        (v, w) = rk4(v, w, rest - clamp, held);
                    }
                } else if rest > 0.0 {
                    (v, w) = rk4(v, w, rest, held);
                }
            }
            let active = refr <= 0.0;
            self.syn.finish(&tab, io, i, &mut local, |e, wt| {
                if active {
                    v = delta_jump(v, e, wt, io.dt, c_m);
                }
            });
            local[V] = v;
            local[W] = w;
            local[REFR] = refr.max(0.0);
            store(vars, i, &local);
        }
    }
}
