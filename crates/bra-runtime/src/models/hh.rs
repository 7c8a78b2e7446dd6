//! Hodgkin & Huxley (1952) squid-axon model in the modern convention (rest
//! near -65 mV; NEURON's `hh`, Brian 2's example), at 6.3 °C.
//!
//! `c_m dv/dt = -g_na m³h (v - e_na) - g_k n⁴ (v - e_k) - g_l (v - e_l) + i_e + I_syn/area`,
//! `dx/dt = α_x(v)(1 - x) - β_x(v) x` for the gates `x ∈ {m, h, n}` with the
//! catalog's rate functions (v in mV, rates in 1/ms). Parameters are
//! densities (SI: F/m², S/m², A/m²); `area` turns the synaptic and external
//! currents (A) and conductances (S) into densities.
//!
//! **Inputs.** External current `i_ext` (A) adds `i_ext/area`. A conductance
//! port adds `g/area` with its reversal potential. A current port's trace is
//! in volts as `R·I` with the resting input resistance of the leak,
//! `R = 1/(g_l·area)` (`current_scale`), so a current weight of `I` amperes
//! delivers the density `I/area`, as the catalog says; a delta current port
//! moves `v` by its weight.
//!
//! **Integrator.** Exponential Euler (Rush & Larsen 1978; NEURON's and
//! Brian 2's `exponential_euler`) on sub-steps of at most 0.01 ms: with `v`
//! held over a sub-step each gate relaxes exactly toward
//! `x_inf = α/(α+β)` with time constant `1/(α+β)`, and `v`, linear given the
//! gates, relaxes exactly toward the conductance-weighted reversal
//! potential (all updated from the sub-step's start). The scheme is stable
//! for any step and first-order accurate; the 0.01-ms sub-step keeps the
//! firing rate within a fraction of a percent of a converged solution at
//! any simulation `dt` (the catalog asks for `dt <= 0.025 ms` for spike
//! times to 0.1 ms; the sub-steps give that at `dt` = 0.1 ms too). A spike is
//! an upward crossing of `v_th`, its offset interpolated inside the
//! sub-step; refractoriness is intrinsic. `v` starts at the resting
//! potential of the unstimulated membrane (found numerically: -65.0 mV with
//! the defaults) and the gates at their steady state there.

use super::Params;
use super::common::{Knob, Knobs, Syn, delta_jump, i_ext, load, store, substeps};
use crate::model::{NeuronModel, Port, Spike, StepIo};
use crate::rng::Key;

/// Longest sub-step, s.
const H_MAX: f64 = 1e-5;

const V: usize = 0;
const M: usize = 1;
const H: usize = 2;
const N: usize = 3;

/// `x / (1 - e^{-x})`, with its removable singularity at 0.
#[inline]
fn x_over_1_minus_exp(x: f64) -> f64 {
    if x.abs() < 1e-7 {
        1.0 + 0.5 * x
    } else {
        -x / (-x).exp_m1()
    }
}

/// The gates' rates at `v` (mV), in 1/ms: `(α_m, β_m, α_h, β_h, α_n, β_n)`.
#[inline]
fn rates(v: f64) -> [f64; 6] {
    [
        x_over_1_minus_exp((v + 40.0) / 10.0),
        4.0 * (-(v + 65.0) / 18.0).exp(),
        0.07 * (-(v + 65.0) / 20.0).exp(),
        1.0 / (1.0 + (-(v + 35.0) / 10.0).exp()),
        0.1 * x_over_1_minus_exp((v + 55.0) / 10.0),
        0.125 * (-(v + 65.0) / 80.0).exp(),
    ]
}

/// Steady-state gates at `v` (mV).
fn gates_inf(v: f64) -> (f64, f64, f64) {
    let r = rates(v);
    (
        r[0] / (r[0] + r[1]),
        r[2] / (r[2] + r[3]),
        r[4] / (r[4] + r[5]),
    )
}

/// Parameters of one neuron in the integrator's units (mV, ms, µF/cm²,
/// mS/cm², µA/cm², cm²).
#[derive(Clone, Copy, Debug)]
struct Cell {
    c: f64,
    g_na: f64,
    g_k: f64,
    g_l: f64,
    e_na: f64,
    e_k: f64,
    e_l: f64,
    area: f64,
    i_e: f64,
    v_th: f64,
}

impl Cell {
    /// The resting potential with no input (mV): the lowest stable zero of
    /// the steady-state membrane current, or `e_l` if there is none.
    fn rest(&self) -> f64 {
        let f = |v: f64| {
            let (m, h, n) = gates_inf(v);
            self.g_na * m * m * m * h * (self.e_na - v)
                + self.g_k * n.powi(4) * (self.e_k - v)
                + self.g_l * (self.e_l - v)
        };
        let mut v = -150.0;
        while v < 100.0 {
            let w = v + 0.5;
            if f(v) > 0.0 && f(w) <= 0.0 {
                let (mut lo, mut hi) = (v, w);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if f(mid) > 0.0 {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                return 0.5 * (lo + hi);
            }
            v = w;
        }
        self.e_l
    }
}

/// The model with its parameters (SI).
#[derive(Clone, Debug)]
pub struct Hh {
    c_m: Knob,
    g_na: Knob,
    g_k: Knob,
    g_l: Knob,
    e_na: Knob,
    e_k: Knob,
    e_l: Knob,
    area: Knob,
    i_e: Knob,
    v_th: Knob,
    knobs: Knobs,
    syn: Syn,
    nvars: usize,
    /// The resting potential (mV) when no parameter it depends on varies.
    rest: Option<f64>,
}

/// Build an `hh` population; current and conductance ports are both accepted.
pub fn build(p: &Params, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Hh::build(p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>)
}

impl Hh {
    /// Build from compiled parameters (SI densities); defaults are the catalog's.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Hh, String> {
        let mut knobs = Knobs::new(4);
        let c_m = knobs.take(p, "c_m", Some(1e-2))?;
        let g_na = knobs.take(p, "g_na", Some(1200.0))?;
        let g_k = knobs.take(p, "g_k", Some(360.0))?;
        let g_l = knobs.take(p, "g_l", Some(3.0))?;
        let e_na = knobs.take(p, "e_na", Some(0.050))?;
        let e_k = knobs.take(p, "e_k", Some(-0.077))?;
        let e_l = knobs.take(p, "e_l", Some(-0.054387))?;
        let area = knobs.take(p, "area", Some(1e-8))?;
        let i_e = knobs.take(p, "i_e", Some(0.0))?;
        let v_th = knobs.take(p, "v_th", Some(0.0))?;
        for (name, k) in [("c_m", c_m), ("area", area)] {
            if k.fixed().is_some_and(|x| x <= 0.0 || !x.is_finite()) {
                return Err(format!("`hh` needs {name} > 0"));
            }
        }
        let syn = Syn::new(ports, 4 + knobs.len());
        let nvars = 4 + knobs.len() + crate::model::trace_slots(ports);
        let mut m = Hh {
            c_m,
            g_na,
            g_k,
            g_l,
            e_na,
            e_k,
            e_l,
            area,
            i_e,
            v_th,
            knobs,
            syn,
            nvars,
            rest: None,
        };
        if m.knobs.len() == 0 {
            let probe = vec![0.0; m.nvars];
            m.rest = Some(m.cell(&probe).rest());
        }
        Ok(m)
    }

    /// One neuron's parameters in the integrator's units.
    #[inline]
    fn cell(&self, local: &[f64]) -> Cell {
        Cell {
            c: self.c_m.at(local) * 100.0,
            g_na: self.g_na.at(local) * 0.1,
            g_k: self.g_k.at(local) * 0.1,
            g_l: self.g_l.at(local) * 0.1,
            e_na: self.e_na.at(local) * 1e3,
            e_k: self.e_k.at(local) * 1e3,
            e_l: self.e_l.at(local) * 1e3,
            area: self.area.at(local) * 1e4,
            i_e: self.i_e.at(local) * 100.0,
            v_th: self.v_th.at(local) * 1e3,
        }
    }
}

impl NeuronModel for Hh {
    fn name(&self) -> &'static str {
        "hh"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n: Vec<String> = ["v", "m", "h", "n"].iter().map(|s| s.to_string()).collect();
        n.extend(self.knobs.names());
        n.extend(self.syn.names());
        n
    }

    /// `R = 1/(g_l·area)`, the leak's input resistance.
    fn current_scale(&self) -> Option<f64> {
        match (self.g_l.fixed(), self.area.fixed()) {
            (Some(g), Some(a)) if g > 0.0 => Some(1.0 / (g * a)),
            _ => None,
        }
    }

    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        self.knobs.init(i, rng, out);
        let v = self.rest.unwrap_or_else(|| self.cell(out).rest());
        let (m, h, n) = gates_inf(v);
        out[V] = v * 1e-3;
        out[M] = m;
        out[H] = h;
        out[N] = n;
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let sub = substeps(io.dt, H_MAX);
        let hs = io.dt / sub as f64; // s
        let h_ms = hs * 1e3;
        let tab = self.syn.table(io.dt, sub);
        let n = vars.first().map_or(0, |v| v.len());
        let mut local = vec![0.0f64; self.nvars.min(vars.len())];
        for i in 0..n {
            load(vars, i, &mut local);
            let cell = self.cell(&local);
            let i_const = cell.i_e + i_ext(io, i) * 1e6 / cell.area;
            let (mut v, mut gm, mut gh, mut gn) = (local[V] * 1e3, local[M], local[H], local[N]);
            for j in 0..sub {
                let d = self.syn.drive(&tab, &local, 2 * j);
                // Synaptic input as densities: mS/cm², and µA/cm².
                let g_syn = d.g * 1e3 / cell.area;
                let i_in = i_const + d.ge * 1e6 / cell.area + d.cur * 1e3 * cell.g_l;
                let g_na = cell.g_na * gm * gm * gm * gh;
                let g_k = cell.g_k * (gn * gn) * (gn * gn);
                let g_tot = g_na + g_k + cell.g_l + g_syn;
                let v_inf =
                    (g_na * cell.e_na + g_k * cell.e_k + cell.g_l * cell.e_l + i_in) / g_tot;
                let r = rates(v);
                let relax = |x: f64, a: f64, b: f64| {
                    let s = a + b;
                    let x_inf = a / s;
                    x_inf + (x - x_inf) * (-h_ms * s).exp()
                };
                gm = relax(gm, r[0], r[1]);
                gh = relax(gh, r[2], r[3]);
                gn = relax(gn, r[4], r[5]);
                let vn = v_inf + (v - v_inf) * (-h_ms * g_tot / cell.c).exp();
                if v < cell.v_th && vn >= cell.v_th {
                    let frac = (cell.v_th - v) / (vn - v);
                    spikes.push(Spike {
                        neuron: i as u32,
                        offset: (j as f64 + frac) * hs,
                    });
                }
                v = vn;
            }
            let mut v_si = v * 1e-3;
            // Capacitance in F for the delta conductance jump.
            let c_total = self.c_m.at(&local) * self.area.at(&local);
            self.syn.finish(&tab, io, i, &mut local, |e, w| {
                v_si = delta_jump(v_si, e, w, io.dt, c_total);
            });
            local[V] = v_si;
            local[M] = gm;
            local[H] = gh;
            local[N] = gn;
            store(vars, i, &local);
        }
    }
}
