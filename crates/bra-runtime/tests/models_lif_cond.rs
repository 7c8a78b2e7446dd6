//! `lif_cond` (NEST iaf_cond_exp) against a high-resolution reference
//! integration, the steady state under a constant conductance, and the
//! closed-form firing period for constant conductances (where exponential
//! Euler is exact).

mod models_common;
use models_common::*;

/// The COBA neuron of Vogels & Abbott (2005), Brette et al. (2007), in SI.
fn coba() -> Vec<(&'static str, bra_compile::ir::Value)> {
    vec![
        ("c_m", r(200e-12)),
        ("g_l", r(10e-9)),
        ("v_rest", r(-0.060)),
        ("v_th", r(-0.050)),
        ("v_reset", r(-0.060)),
        ("t_ref", r(0.005)),
    ]
}

/// v(t) for an exponential conductance g(t) = w e^{-t/τ} (reversal e) from
/// rest, by RK4 at 0.1 µs.
fn reference(w: f64, tau: f64, e: f64, t_end: f64) -> impl Fn(f64) -> f64 {
    let h = 1e-7;
    let n = (t_end / h).ceil() as usize;
    let f = move |t: f64, v: f64| (10e-9 * (-0.060 - v) + w * (-t / tau).exp() * (e - v)) / 200e-12;
    let mut vs = Vec::with_capacity(n + 1);
    let mut v = -0.060;
    vs.push(v);
    for k in 0..n {
        let t = k as f64 * h;
        let k1 = f(t, v);
        let k2 = f(t + h / 2.0, v + h / 2.0 * k1);
        let k3 = f(t + h / 2.0, v + h / 2.0 * k2);
        let k4 = f(t + h, v + h * k3);
        v += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
        vs.push(v);
    }
    move |t: f64| vs[((t / h).round() as usize).min(vs.len() - 1)]
}

/// Max |error| of the PSP at every step, relative to the PSP's peak.
fn psp_error(dt: f64, e: f64, w: f64) -> f64 {
    let tau = 5e-3;
    let mut p = Pop::new("lif_cond", &coba(), &[cond_port(tau, e)], 1, dt);
    let want = reference(w, tau, e, 0.05);
    p.advance(&[vec![w]], 0.0); // the event acts from the end of step 0
    let (mut worst, mut peak) = (0.0f64, 0.0f64);
    for k in 1..(0.05 / dt) as usize {
        p.advance(&[], 0.0);
        let t = k as f64 * dt; // time since the conductance started
        let v = p.var("v")[0];
        worst = worst.max((v - want(t)).abs());
        peak = peak.max((want(t) + 0.060).abs());
    }
    worst / peak
}

#[test]
fn psp_matches_a_high_resolution_reference_to_first_order() {
    // Excitatory (0 mV) and inhibitory (-80 mV) 5-ms conductances of 5 nS.
    for e in [0.0, -0.080] {
        let coarse = psp_error(1e-4, e, 5e-9);
        let fine = psp_error(1e-5, e, 5e-9);
        assert!(coarse < 0.03, "dt 0.1 ms: {coarse}");
        // First order: ten times smaller step, about ten times smaller error.
        assert!(
            fine < coarse / 7.0 && fine < 0.003,
            "dt 0.01 ms: {fine} vs {coarse}"
        );
    }
}

#[test]
fn steady_state_under_a_constant_conductance() {
    // A held conductance g toward E: v → (g_l E_L + g E) / (g_l + g).
    let g = 4e-9;
    let mut p = Pop::new("lif_cond", &coba(), &[cond_port(1e12, -0.080)], 1, 1e-4);
    p.advance(&[vec![g]], 0.0);
    p.run(5000, 0.0);
    let want = (10e-9 * -0.060 + g * -0.080) / (10e-9 + g);
    let v = p.var("v")[0];
    assert!((v - want).abs() < 1e-9, "{v} vs {want}");
    // A negative weight counts by its magnitude (the port fixes the reversal).
    let mut q = Pop::new("lif_cond", &coba(), &[cond_port(1e12, -0.080)], 1, 1e-4);
    q.advance(&[vec![-g]], 0.0);
    q.run(5000, 0.0);
    assert!((q.var("v")[0] - want).abs() < 1e-9);
}

#[test]
fn firing_period_under_constant_conductance_is_exact() {
    // With g constant, v relaxes exactly: the period is
    // t_ref + τ_eff ln((v_reset - v_inf)/(v_th - v_inf)), τ_eff = c_m/(g_l + g).
    let g = 15e-9;
    for dt in [1e-4, 1e-3, 2.5e-4] {
        let mut p = Pop::new("lif_cond", &coba(), &[cond_port(1e15, 0.0)], 1, dt);
        p.advance(&[vec![g]], 0.0);
        let t0 = p.step as f64 * dt;
        let times: Vec<f64> = p
            .run((0.5 / dt) as u64, 0.0)
            .iter()
            .map(|t| t - t0)
            .collect();
        let v_inf = (10e-9 * -0.060) / (10e-9 + g);
        let tau = 200e-12 / (10e-9 + g);
        let first = tau * ((-0.060 - v_inf) / (-0.050 - v_inf)).ln();
        let period = 0.005 + first;
        assert!(times.len() > 10);
        for (k, t) in times.iter().enumerate() {
            let want = first + k as f64 * period;
            assert!(
                (t - want).abs() < 1e-9,
                "dt {dt}: spike {k} at {t}, closed form {want}"
            );
        }
    }
}

#[test]
fn current_inputs_follow_the_lif_convention() {
    // i_e and a current trace of x volts (R·I, R = 1/g_l) act alike; a delta
    // port moves v by its weight, except while refractory.
    let dt = 1e-4;
    let x = 5e-3;
    let mut a = Pop::new("lif_cond", &coba(), &[exp_port(1e15), delta()], 1, dt);
    let mut params = coba();
    params.push(("i_e", r(x * 10e-9)));
    let mut b = Pop::new("lif_cond", &params, &[], 1, dt);
    a.advance(&[vec![x]], 0.0);
    b.advance(&[], 0.0);
    a.run(6000, 0.0);
    b.run(6000, 0.0);
    // Both settle at v_rest + x.
    for v in [a.var("v")[0], b.var("v")[0]] {
        assert!((v - (-0.055)).abs() < 1e-10, "{v}");
    }
    assert_eq!(a.model.current_scale(), Some(1.0 / 10e-9));
    let v0 = a.var("v")[0];
    a.advance(&[vec![], vec![2e-3]], 0.0);
    assert!((a.var("v")[0] - v0 - 2e-3).abs() < 1e-9);
    // A 6-mV jump crosses threshold at the next step; the next jump is ignored.
    let s = a.advance(&[vec![], vec![6e-3]], 0.0);
    assert!(s.is_empty());
    let s = a.advance(&[vec![], vec![6e-3]], 0.0);
    assert_eq!(s.len(), 1);
    assert_eq!(a.var("v")[0], -0.060);
}
