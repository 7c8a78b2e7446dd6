//! Current-based leaky integrate-and-fire neuron, integrated exactly.
//!
//! `τ_m dv/dt = -(v - v_rest) + R·(i_e + i_ext) + Σ_p x_p`, with `R = τ_m/C_m`
//! and the port traces `x_p` (volts: a weight is the synaptic current times
//! R, the convention of Brian's CUBA example, `ge += w`). Between events the
//! system is linear, so it is advanced by its exact propagator (Rotter &
//! Diesmann 1999): no integration error at any `dt`. Spike times are found
//! inside the step by bisection on the exact solution (to ~1e-15 s), and a
//! neuron leaves its refractory period at the exact time, so inter-spike
//! intervals under constant drive match the closed form to rounding error.

use super::Params;
use crate::model::{NeuronModel, Port, PortKind, Spike, StepIo, trace_names};
use crate::rng::Key;

/// The model with its parameters (SI).
#[derive(Clone, Debug)]
pub struct Lif {
    tau_m: f64,
    v_rest: f64,
    v_th: f64,
    v_reset: f64,
    t_ref: f64,
    r_m: f64,
    i_e: f64,
    ports: Vec<Port>,
    /// For each port: index of its first trace variable (v=0, refr=1, traces from 2).
    slot: Vec<usize>,
    v_init: Option<(f64, f64)>,
    /// Propagators over one step, computed on the first step (dt is fixed
    /// for a run; another dt recomputes them).
    props: std::sync::OnceLock<Props>,
}

/// Propagators over a step of `dt`.
#[derive(Clone, Debug)]
struct Props {
    dt: f64,
    /// Membrane decay `e^{-dt/τ_m}`.
    pm: f64,
    /// Per port: trace decay, membrane response to the trace (and to the
    /// alpha rise).
    full: Vec<(f64, f64, f64)>,
    /// Per port, the membrane response alone (the fast path's factors).
    k: Vec<f64>,
    /// Per port, the trace decay alone.
    d: Vec<f64>,
}

const V: usize = 0;
const REFR: usize = 1;
/// Neurons per block of the fast path's flag summary.
const BLOCK: usize = 64;

impl Lif {
    /// Build from compiled parameters.
    pub fn build(p: &Params, ports: &[Port]) -> Result<Lif, String> {
        if ports.iter().any(|q| q.e_rev.is_some()) {
            return Err("`lif` is current-based; use `lif_cond` for conductance synapses".into());
        }
        let tau_m = p.real("tau_m")?;
        let c_m = p.real("c_m")?;
        if tau_m <= 0.0 || c_m <= 0.0 {
            return Err("`lif` needs tau_m > 0 and c_m > 0".into());
        }
        let mut slot = Vec::new();
        let mut k = 2;
        for q in ports {
            slot.push(k);
            k += match q.kind {
                PortKind::Delta => 0,
                PortKind::Exponential { .. } => 1,
                PortKind::Alpha { .. } => 2,
            };
        }
        Ok(Lif {
            tau_m,
            v_rest: p.real("v_rest")?,
            v_th: p.real("v_th")?,
            v_reset: p.real("v_reset")?,
            t_ref: p.real("t_ref")?,
            r_m: tau_m / c_m,
            i_e: p.real_or("i_e", 0.0),
            ports: ports.to_vec(),
            slot,
            v_init: None,
            props: std::sync::OnceLock::new(),
        })
    }

    fn propagators(&self, h: f64) -> Props {
        let full: Vec<(f64, f64, f64)> = self
            .ports
            .iter()
            .map(|q| match q.kind {
                PortKind::Delta => (0.0, 0.0, 0.0),
                PortKind::Exponential { tau } => ((-h / tau).exp(), self.k_exp(tau, h), 0.0),
                PortKind::Alpha { tau } => (
                    (-h / tau).exp(),
                    self.k_alpha(tau, 1.0, 0.0, h),
                    self.k_alpha(tau, 0.0, 1.0, h),
                ),
            })
            .collect();
        Props {
            dt: h,
            pm: (-h / self.tau_m).exp(),
            k: full.iter().map(|f| f.1).collect(),
            d: full.iter().map(|f| f.0).collect(),
            full,
        }
    }

    /// Start every neuron at a uniform random potential in `[lo, hi]` (V).
    pub fn with_uniform_init(mut self, lo: f64, hi: f64) -> Lif {
        self.v_init = Some((lo, hi));
        self
    }

    /// The membrane response at time `s` to a unit trace of time constant
    /// `tau` (exponential port): `τ/(τ-τ_m)·(e^{-s/τ} - e^{-s/τ_m})`.
    #[inline]
    fn k_exp(&self, tau: f64, s: f64) -> f64 {
        let tm = self.tau_m;
        if ((tau - tm) / tm).abs() < 1e-9 {
            (s / tm) * (-s / tm).exp()
        } else {
            tau / (tau - tm) * ((-s / tau).exp() - (-s / tm).exp())
        }
    }

    /// Membrane response at `s` to an alpha port with trace `x` and rise `y`.
    #[inline]
    fn k_alpha(&self, tau: f64, x: f64, y: f64, s: f64) -> f64 {
        // x(t) = (x0 + y0 t/τ) e^{-t/τ}; v gets (1/τ_m)∫ e^{-(s-t)/τ_m} x(t) dt.
        let tm = self.tau_m;
        let a = 1.0 / tm - 1.0 / tau; // e^{-(s-t)/τm} e^{-t/τ} = e^{-s/τm} e^{a t}
        let em = (-s / tm).exp();
        if (a * tm).abs() < 1e-9 {
            em * (x * s / tm + y * s * s / (2.0 * tau * tm))
        } else {
            let eas = (a * s).exp();
            let i0 = (eas - 1.0) / a; // ∫0^s e^{a t} dt
            let i1 = (s * eas) / a - (eas - 1.0) / (a * a); // ∫0^s t e^{a t} dt
            em / tm * (x * i0 + y / tau * i1)
        }
    }

    /// v at time `s` into a stretch that starts at `v0` with traces `vars`
    /// (read at the stretch's start, shifted by `pre` seconds of decay).
    fn v_at(&self, v0: f64, v_inf: f64, vars: &[f64], pre: f64, s: f64) -> f64 {
        let mut v = v_inf + (v0 - v_inf) * (-s / self.tau_m).exp();
        for (p, q) in self.ports.iter().enumerate() {
            let k = self.slot[p];
            match q.kind {
                PortKind::Delta => {}
                PortKind::Exponential { tau } => {
                    v += vars[k] * (-pre / tau).exp() * self.k_exp(tau, s);
                }
                PortKind::Alpha { tau } => {
                    let d = (-pre / tau).exp();
                    let (x, y) = ((vars[k] + vars[k + 1] * pre / tau) * d, vars[k + 1] * d);
                    v += self.k_alpha(tau, x, y, s);
                }
            }
        }
        v
    }
}

impl NeuronModel for Lif {
    fn name(&self) -> &'static str {
        "lif"
    }

    fn state_names(&self) -> Vec<String> {
        let mut n = vec!["v".to_string(), "refractory".to_string()];
        n.extend(trace_names(&self.ports));
        n
    }

    fn current_scale(&self) -> Option<f64> {
        Some(self.r_m)
    }

    fn init(&self, i: usize, rng: Key, out: &mut [f64]) {
        out.fill(0.0);
        out[V] = match self.v_init {
            Some((lo, hi)) => lo + (hi - lo) * rng.uniform(i as u64, 0),
            None => self.v_rest,
        };
    }

    fn step(&self, io: &StepIo, vars: &mut [&mut [f64]], spikes: &mut Vec<Spike>) {
        let mut copy: Vec<Vec<f64>> = io.port_input.iter().map(|x| x.to_vec()).collect();
        let mut input: Vec<&mut [f64]> = copy.iter_mut().map(|x| &mut x[..]).collect();
        self.step_and_clear(io, &mut input, vars, spikes);
    }

    // Each neuron reads and writes the same index of every variable.
    #[allow(clippy::needless_range_loop)]
    fn step_and_clear(
        &self,
        io: &StepIo,
        input: &mut [&mut [f64]],
        vars: &mut [&mut [f64]],
        spikes: &mut Vec<Spike>,
    ) {
        let h = io.dt;
        let fresh;
        let prop = match self.props.get() {
            Some(p) if p.dt == h => p,
            _ => {
                fresh = self.propagators(h);
                if self.props.get().is_none() {
                    let _ = self.props.set(fresh.clone());
                }
                &fresh
            }
        };
        let (pm, full) = (prop.pm, &prop.full[..]);
        let n = vars[V].len();
        let nvars = vars.len();
        // One neuron's state on the general path (on the stack when small).
        let mut stack_local = [0.0f64; 16];
        let mut heap_local = Vec::new();
        let local: &mut [f64] = if nvars <= stack_local.len() {
            &mut stack_local[..nvars]
        } else {
            heap_local.resize(nvars, 0.0);
            &mut heap_local
        };
        // Fast path: current-based exponential ports only (the common case).
        // One branch-free pass the compiler vectorises advances every neuron
        // that is free and stays below threshold, and every neuron that stays
        // refractory for the whole step, traces included; it flags the few
        // others (crossing threshold, or leaving the refractory period inside
        // the step), which take the general path below.
        let mut stack_flags = [0u8; crate::engine::CHUNK];
        let mut heap_flags = Vec::new();
        let flags: &mut [u8] = if n <= stack_flags.len() {
            &mut stack_flags[..n]
        } else {
            heap_flags.resize(n, 0u8);
            &mut heap_flags
        };
        let mut flagged = n;
        let all_exp = self
            .ports
            .iter()
            .all(|q| matches!(q.kind, PortKind::Exponential { .. }));
        let inputs_ok = input.len() == self.ports.len()
            && input.iter().all(|w| w.len() == n)
            && (io.i_ext.is_empty() || io.i_ext.len() == n)
            && vars.len() == 2 + self.ports.len()
            && vars.iter().all(|x| x.len() == n);
        if all_exp && inputs_ok {
            let (k, d, w) = (&prop.k[..], &prop.d[..], &mut *input);
            flagged = {
                let (head, traces) = vars.split_at_mut(2);
                let (vv, rr) = head.split_at_mut(1);
                let (v, r) = (&mut *vv[0], &mut *rr[0]);
                let x = traces;
                let ext = !io.i_ext.is_empty();
                match (x.len(), ext) {
                    (0, false) => {
                        self.free_pass::<0, false>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (0, true) => {
                        self.free_pass::<0, true>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (1, false) => {
                        self.free_pass::<1, false>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (1, true) => {
                        self.free_pass::<1, true>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (2, false) => {
                        self.free_pass::<2, false>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (2, true) => {
                        self.free_pass::<2, true>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (3, false) => {
                        self.free_pass::<3, false>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (3, true) => {
                        self.free_pass::<3, true>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (4, false) => {
                        self.free_pass::<4, false>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    (4, true) => {
                        self.free_pass::<4, true>(h, pm, k, d, v, r, x, w, io.i_ext, flags)
                    }
                    _ => {
                        flags.fill(1);
                        n
                    }
                }
            };
        } else {
            flags.fill(1);
        }
        // The flagged neurons: only blocks that hold one are scanned (the OR
        // of a block's flags is one vector reduction).
        let slow = flags
            .chunks(BLOCK)
            .enumerate()
            .take(if flagged > 0 { usize::MAX } else { 0 })
            .filter(|(_, block)| block.iter().fold(0u8, |acc, &f| acc | f) != 0)
            .flat_map(|(b, block)| {
                (0..block.len())
                    .filter(move |&j| block[j] != 0)
                    .map(move |j| b * BLOCK + j)
            });
        for i in slow {
            for (k, slot) in local.iter_mut().enumerate() {
                *slot = vars[k][i];
            }
            let v_inf =
                self.v_rest + self.r_m * (self.i_e + io.i_ext.get(i).copied().unwrap_or(0.0));
            let mut v = local[V];
            let mut refr = local[REFR];
            let mut spiked = None;
            if refr <= 0.0 {
                // Free evolution over the whole step.
                let mut vn = v_inf + (v - v_inf) * pm;
                for (p, q) in self.ports.iter().enumerate() {
                    let k = self.slot[p];
                    match q.kind {
                        PortKind::Delta => {}
                        PortKind::Exponential { .. } => vn += local[k] * full[p].1,
                        PortKind::Alpha { .. } => {
                            vn += local[k] * full[p].1 + local[k + 1] * full[p].2
                        }
                    }
                }
                if vn >= self.v_th {
                    let s = if v >= self.v_th {
                        0.0
                    } else {
                        // Root of v(s) = v_th on the exact solution: Illinois
                        // (regula falsi with halving), bracketed, so it always
                        // converges, typically in under ten evaluations.
                        let f = |s: f64| self.v_at(v, v_inf, local, 0.0, s) - self.v_th;
                        let (mut lo, mut hi) = (0.0, h);
                        let (mut flo, mut fhi) = (v - self.v_th, vn - self.v_th);
                        let mut side = 0i8;
                        for _ in 0..100 {
                            if hi - lo <= 1e-15 * h.max(1e-300) {
                                break;
                            }
                            let mut mid = (lo * fhi - hi * flo) / (fhi - flo);
                            if !(mid > lo && mid < hi) {
                                mid = 0.5 * (lo + hi);
                            }
                            let fm = f(mid);
                            if fm >= 0.0 {
                                hi = mid;
                                fhi = fm;
                                if side == 1 {
                                    flo *= 0.5;
                                }
                                side = 1;
                            } else {
                                lo = mid;
                                flo = fm;
                                if side == -1 {
                                    fhi *= 0.5;
                                }
                                side = -1;
                            }
                            if fm == 0.0 {
                                break;
                            }
                        }
                        hi
                    };
                    spiked = Some(s);
                } else {
                    v = vn;
                }
            } else if refr < h {
                // Leaves the refractory period inside this step, at `refr`.
                let free = h - refr;
                let vn = self.v_at(self.v_reset, v_inf, local, refr, free);
                refr = 0.0;
                if vn >= self.v_th {
                    spiked = Some(h); // crosses at the very end: report at the step's end
                } else {
                    v = vn;
                }
            } else {
                refr -= h;
                v = self.v_reset;
            }
            if let Some(s) = spiked {
                spikes.push(Spike {
                    neuron: i as u32,
                    offset: s,
                });
                let rest = h - s;
                if self.t_ref < rest {
                    // Refractory period ends inside this step: integrate the remainder.
                    v = self.v_at(
                        self.v_reset,
                        v_inf,
                        local,
                        s + self.t_ref,
                        rest - self.t_ref,
                    );
                    refr = 0.0;
                } else {
                    v = self.v_reset;
                    refr = self.t_ref - rest;
                }
            }
            // Port traces: decay over the step, then add the events arriving now.
            for (p, q) in self.ports.iter().enumerate() {
                let k = self.slot[p];
                // Read and cleared.
                let w = input
                    .get_mut(p)
                    .and_then(|x| x.get_mut(i))
                    .map_or(0.0, std::mem::take);
                match q.kind {
                    PortKind::Delta => {
                        if refr <= 0.0 {
                            v += w;
                        }
                    }
                    PortKind::Exponential { .. } => local[k] = local[k] * full[p].0 + w,
                    PortKind::Alpha { tau } => {
                        let d = full[p].0;
                        local[k] = (local[k] + local[k + 1] * h / tau) * d;
                        local[k + 1] = local[k + 1] * d + w * std::f64::consts::E;
                    }
                }
            }
            local[V] = v;
            local[REFR] = refr.max(0.0);
            for (k, slot) in local.iter().enumerate() {
                vars[k][i] = *slot;
            }
        }
        if !inputs_ok {
            // Entries no neuron read (input of an unexpected shape).
            for x in input.iter_mut() {
                x.fill(0.0);
            }
        }
    }
}

impl Lif {
    /// The vectorised pass of the fast path over `P` exponential ports
    /// (`EXT`: with an external current). Advances free neurons that stay
    /// below threshold and neurons refractory for the whole step, with their
    /// traces (decay by `d`, then the step's events `w`, which it clears);
    /// sets `flags[i]` (and leaves the neuron and its events untouched) for
    /// the others. Returns how many were flagged. The arithmetic is the general path's, term by term, so
    /// both give the same bits.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn free_pass<const P: usize, const EXT: bool>(
        &self,
        h: f64,
        pm: f64,
        k: &[f64],
        d: &[f64],
        v: &mut [f64],
        r: &mut [f64],
        x: &mut [&mut [f64]],
        w: &mut [&mut [f64]],
        i_ext: &[f64],
        flags: &mut [u8],
    ) -> usize {
        let n = v.len();
        let (Ok(x), Ok(w)) = (
            <&mut [&mut [f64]; P]>::try_from(x),
            <&mut [&mut [f64]; P]>::try_from(w),
        ) else {
            flags.fill(1);
            return n;
        };
        let (v_rest, r_m, i_e, v_th, v_reset) =
            (self.v_rest, self.r_m, self.i_e, self.v_th, self.v_reset);
        let r = &mut r[..n];
        let flags = &mut flags[..n];
        let i_ext = if EXT { &i_ext[..n] } else { &i_ext[..0] };
        let kk: [f64; P] = std::array::from_fn(|p| k[p]);
        let dd: [f64; P] = std::array::from_fn(|p| d[p]);
        let ws: [&mut [f64]; P] = w.each_mut().map(|s| &mut s[..n]);
        let xs: [&mut [f64]; P] = x.each_mut().map(|s| &mut s[..n]);
        let mut count = 0usize;
        for i in 0..n {
            let v_inf = if EXT {
                v_rest + r_m * (i_e + i_ext[i])
            } else {
                v_rest + r_m * i_e
            };
            let v0 = v[i];
            let mut a = v_inf + (v0 - v_inf) * pm;
            let x0: [f64; P] = std::array::from_fn(|p| xs[p][i]);
            for p in 0..P {
                a += x0[p] * kk[p];
            }
            let ri = r[i];
            let free = ri <= 0.0;
            let stay = ri >= h;
            let general = (free & (a >= v_th)) | (!free & !stay);
            let keep_free = free & !general;
            v[i] = if stay {
                v_reset
            } else if keep_free {
                a
            } else {
                v0
            };
            r[i] = if stay { ri - h } else { ri };
            for p in 0..P {
                let wi = ws[p][i];
                xs[p][i] = if general { x0[p] } else { x0[p] * dd[p] + wi };
                ws[p][i] = if general { wi } else { 0.0 };
            }
            flags[i] = u8::from(general);
            count += usize::from(general);
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Key, Stream};

    fn lif(i_e: f64, t_ref: f64, ports: &[Port]) -> Lif {
        Lif {
            tau_m: 0.02,
            v_rest: -0.065,
            v_th: -0.050,
            v_reset: -0.065,
            t_ref,
            r_m: 0.02 / 250e-12,
            i_e,
            ports: ports.to_vec(),
            slot: {
                let mut s = Vec::new();
                let mut k = 2;
                for q in ports {
                    s.push(k);
                    k += match q.kind {
                        PortKind::Delta => 0,
                        PortKind::Exponential { .. } => 1,
                        PortKind::Alpha { .. } => 2,
                    };
                }
                s
            },
            v_init: None,
            props: std::sync::OnceLock::new(),
        }
    }

    /// Run one neuron for `steps` and return its spike times.
    fn run(m: &Lif, dt: f64, steps: u64, input: &dyn Fn(u64) -> Vec<f64>) -> (Vec<f64>, Vec<f64>) {
        let names = m.state_names();
        let mut state = vec![0.0; names.len()];
        m.init(0, Key::new(0, Stream::Init, 0), &mut state);
        let mut vs = Vec::new();
        let mut times = Vec::new();
        let mut spikes = Vec::new();
        for step in 0..steps {
            let mut cols: Vec<Vec<f64>> = state.iter().map(|x| vec![*x]).collect();
            let ins = input(step);
            let ins_cols: Vec<Vec<f64>> = ins.iter().map(|x| vec![*x]).collect();
            let ins_refs: Vec<&[f64]> = ins_cols.iter().map(|c| c.as_slice()).collect();
            let io = StepIo {
                t: step as f64 * dt,
                dt,
                step,
                first: 0,
                ports: &m.ports,
                port_input: &ins_refs,
                i_ext: &[0.0],
                rng: Key::new(0, Stream::Dynamics, 0),
            };
            let mut refs: Vec<&mut [f64]> = cols.iter_mut().map(|c| c.as_mut_slice()).collect();
            spikes.clear();
            m.step(&io, &mut refs, &mut spikes);
            for s in &spikes {
                times.push(step as f64 * dt + s.offset);
            }
            for (k, c) in cols.iter().enumerate() {
                state[k] = c[0];
            }
            vs.push(state[0]);
        }
        (times, vs)
    }

    #[test]
    fn spike_times_under_constant_drive_match_the_closed_form() {
        // v_inf = -65 mV + R·I = -65 + 80e6·0.5e-9 V = -25 mV, above threshold.
        for (dt, t_ref) in [(1e-4, 0.002), (1e-3, 0.002), (1e-4, 0.0), (2.5e-4, 0.00013)] {
            let m = lif(0.5e-9, t_ref, &[]);
            let v_inf = -0.065 + m.r_m * 0.5e-9;
            let period = t_ref + 0.02 * ((v_inf - (-0.065)) / (v_inf - (-0.050))).ln();
            let first = 0.02 * ((v_inf - (-0.065)) / (v_inf - (-0.050))).ln();
            let (times, _) = run(&m, dt, (1.0 / dt) as u64, &|_| vec![]);
            assert!(times.len() > 10);
            for (k, t) in times.iter().enumerate() {
                let expect = first + k as f64 * period;
                assert!(
                    ((t - expect) / expect).abs() <= 1e-9,
                    "dt {dt}: spike {k} at {t}, closed form {expect}"
                );
            }
        }
    }

    #[test]
    fn exponential_psp_matches_the_analytic_kernel() {
        // One event of w = 1 mV on a 5 ms port at step 0: v - v_rest follows
        // w·τs/(τs-τm)(e^{-t/τs} - e^{-t/τm}) from the next step on.
        let tau = 0.005;
        let m = lif(
            0.0,
            0.002,
            &[Port {
                kind: PortKind::Exponential { tau },
                e_rev: None,
            }],
        );
        let dt = 1e-4;
        let (_, vs) = run(&m, dt, 400, &|s| vec![if s == 0 { 1e-3 } else { 0.0 }]);
        for (k, v) in vs.iter().enumerate().skip(1) {
            let t = k as f64 * dt;
            let want = -0.065 + 1e-3 * tau / (tau - 0.02) * ((-t / tau).exp() - (-t / 0.02).exp());
            assert!((v - want).abs() < 1e-12, "step {k}: {v} vs {want}");
        }
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn alpha_psp_peaks_where_theory_says() {
        let tau = 0.002;
        let m = lif(
            0.0,
            0.002,
            &[Port {
                kind: PortKind::Alpha { tau },
                e_rev: None,
            }],
        );
        let dt = 1e-5;
        let (_, vs) = run(&m, dt, 5000, &|s| vec![if s == 0 { 1e-3 } else { 0.0 }]);
        // Compare with direct numerical integration of τm v' = -(v-E) + x(t), x = w (t/τ) e^{1-t/τ}.
        let mut v = 0.0f64;
        let mut worst: f64 = 0.0;
        let sub = 100;
        let h = dt / sub as f64;
        for k in 1..vs.len() {
            for j in 0..sub {
                let t = (k - 1) as f64 * dt + j as f64 * h;
                let x = |t: f64| 1e-3 * (t / tau) * (1.0 - t / tau).exp();
                // RK2 (midpoint) on the linear ODE.
                let f = |t: f64, v: f64| (-v + x(t)) / 0.02;
                let k1 = f(t, v);
                v += h * f(t + h / 2.0, v + h / 2.0 * k1);
            }
            worst = worst.max((vs[k] - (-0.065 + v)).abs());
        }
        assert!(worst < 1e-9, "max deviation {worst}");
    }
}
