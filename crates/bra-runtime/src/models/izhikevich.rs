//! The Izhikevich (2003) simple model, for `izhikevich` and `gain_sheet`.
//!
//! `dv/dt = 0.04 v² + 5 v + 140 - u + I`, `du/dt = a (b v - u)` in the paper's
//! numbers (v, u, I in mV, t in ms); when `v >= v_peak`: `v <- c`,
//! `u <- u + d`. The state is stored in SI like every other model (`v` and
//! `u` in volts, so recordings and fault reports read the same everywhere);
//! the step converts to the paper's units and back.
//!
//! **Inputs (one convention for every port).** `I = i_e + i_ext/1 pA + 1000·Σ x_p`:
//! a current source adds its number of pA (NEST's convention); an
//! exponential or alpha port's trace `x_p` (volts) adds its number of mV; a
//! delta port's event of `w` volts moves `v` by `w` (`w·1000` mV) after the
//! step's integration — as the paper's network, which adds the weights `S`
//! to `I` for one 1-ms step and so moves `v` by `S` mV. A current weight
//! (pA) converts with `current_scale` = 1e9 V/A, so that 1 pA ↦ 1 mV of `I`,
//! the same number as a current source. Conductance synapses are refused:
//! the model has no reversal potentials.
//!
//! **Integrator (the catalog's contract).** Forward Euler on `(v, u)` with
//! sub-steps of at most 0.1 ms (one at `dt` = 0.1 ms, ten at 1 ms). The
//! quadratic term makes `v` stiff near the spike; the paper's code runs 1-ms
//! steps (with two 0.5-ms half-steps for `v`), and at 0.1 ms forward Euler
//! stays closer to the exact trajectory for a few multiply-adds. A spike is
//! detected at the end of a sub-step, its offset interpolated linearly
//! inside it; then `v <- c` and `u <- u + d`, so recorded peaks are cut at
//! `v_peak` as in the paper.
//!
//! `gain_sheet` runs the same dynamics: its neighbour coupling comes from
//! flows (the grid connector), which the engine builds; the model ignores
//! `rows`, `cols`, `radius`, `wrap` and `coupling` (a built-in `coupling`
//! must be expanded by the engine into a delta self-projection).

use super::Params;
use super::common::{Knob, Knobs, Syn, i_ext, load, refuse_conductance, store, substeps};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;

/// Longest forward-Euler sub-step, s.
const H_MAX: f64 = 1e-4;

const V: usize = 0;
const U: usize = 1;

/// The model with its parameters (SI).
#[derive(Clone, Debug)]
pub struct Izhikevich {
    name: &'static str,
    a: Knob,
    b: Knob,
    c: Knob,
    d: Knob,
    v_peak: Knob,
    i_e: Knob,
    knobs: Knobs,
    syn: Syn,
    nvars: usize,
}

/// Build an `izhikevich` or `gain_sheet` population.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Izhikevich::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Izhikevich {
    /// Build from compiled parameters (SI: `a` in 1/s, `c`, `d`, `v_peak`,
    /// `i_e` in volts); defaults are the catalog's (the RS preset).
    pub fn build(p: &Params, ports: &[Port]) -> Result<Izhikevich, String> {
        let name = if p.1 == "gain_sheet" {
            "gain_sheet"
        } else {
            "izhikevich"
        };
        refuse_conductance(ports, name)?;
        let mut knobs = Knobs::new(2);
        let a = knobs.take(p, "a", Some(20.0))?;
        let b = knobs.take(p, "b", Some(0.2))?;
        let c = knobs.take(p, "c", Some(-0.065))?;
        let d = knobs.take(p, "d", Some(0.008))?;
        let v_peak = knobs.take(p, "v_peak", Some(0.030))?;
        let i_e = knobs.take(p, "i_e", Some(0.0))?;
        let syn = Syn::new(ports, 2 + knobs.len());
        let nvars = 2 + knobs.len() + crate::model::trace_slots(ports);
        Ok(Izhikevich {
            name,
            a,
            b,
            c,
            d,
            v_peak,
            i_e,
            knobs,
            syn,
            nvars,
        })
    }
}

impl NeuronModel for Izhikevich {
    fn name(&self) -> &'static str {
        self.name
    }

    fn state_names(&self) -> Vec<String> {
        let mut n = vec!["v".to_string(), "u".to_string()];
        n.extend(self.knobs.names());
        n.extend(self.syn.names());
        n
    }

    /// 1 pA of synaptic current adds 1 to `I`, i.e. acts as 1 mV = 1e-3 V.
    fn current_scale(&self) -> Option<f64> {
        Some(1e9)
    }

    /// As in the paper: `v = -65 mV`, `u = b v`.
    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        self.knobs.init(i, rng, out);
        out[V] = -0.065;
        out[U] = self.b.at(out) * -0.065;
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let m = substeps(io.dt, H_MAX);
        let hs = io.dt / m as f64; // s
        let h = hs * 1e3; // ms
        let tab = self.syn.table(io.dt, m);
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let a = self.a.at(&local) * 1e-3; // 1/ms
            let b = self.b.at(&local);
            let c = self.c.at(&local) * 1e3;
            let d = self.d.at(&local) * 1e3;
            let vp = self.v_peak.at(&local) * 1e3;
            let i0 = self.i_e.at(&local) * 1e3 + i_ext(io, i) * 1e12;
            let mut v = local[V] * 1e3;
            let mut u = local[U] * 1e3;
            let mut fire = |v: &mut f64, u: &mut f64, offset: f64| {
                spikes.push(Spike {
                    neuron: i as u32,
                    offset,
                });
                *v = c;
                *u += d;
            };
            if v >= vp {
                // Pushed over the peak by last step's events.
                fire(&mut v, &mut u, 0.0);
            }
            for j in 0..m {
                let input = i0 + self.syn.drive(&tab, &local, 2 * j).cur * 1e3;
                let dv = 0.04 * v * v + 5.0 * v + 140.0 - u + input;
                let du = a * (b * v - u);
                let vn = v + h * dv;
                u += h * du;
                if vn >= vp {
                    let frac = if vn > v {
                        ((vp - v) / (vn - v)).clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                    v = vn;
                    fire(&mut v, &mut u, (j as f64 + frac) * hs);
                } else {
                    v = vn;
                }
            }
            let mut v_si = v * 1e-3;
            self.syn.finish(&tab, io, i, &mut local, |_, w| v_si += w);
            local[V] = v_si;
            local[U] = u * 1e-3;
            store(vars, i, &local);
        }
    }
}
