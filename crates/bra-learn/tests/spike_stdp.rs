//! The STDP family against its defining results: the exponential window of
//! pair STDP with additive and multiplicative bounds, the frequency
//! dependence of triplet STDP on the pairing protocol (Pfister & Gerstner
//! 2006, visual cortex), and reward-modulated STDP (an eligibility trace
//! turned into a weight change only by a later reward).

use bra_learn::spike::stdp::{Bounds, PairStdp, Pairing, Plastic, RewardStdp, TripletStdp};

fn pair(bounds: Bounds, pairing: Pairing) -> PairStdp {
    PairStdp {
        a_plus: 0.005,
        a_minus: 0.00525,
        tau_plus: 0.0168,
        tau_minus: 0.0337,
        w_min: 0.0,
        w_max: 1.0,
        bounds,
        pairing,
    }
}

/// One pre and one post spike, `dt = t_post - t_pre`, on a synapse of weight `w0`.
fn one_pair(rule: &PairStdp, w0: f64, dt: f64) -> f64 {
    let mut s = rule.synapses(vec![w0]);
    let t0 = 1.0;
    if dt >= 0.0 {
        s.on_pre(0, t0);
        s.on_post(t0 + dt);
    } else {
        s.on_post(t0);
        s.on_pre(0, t0 - dt);
    }
    s.weights()[0] - w0
}

#[test]
fn pair_window_is_exponential_additive() {
    let r = pair(Bounds::Additive, Pairing::AllToAll);
    for k in 1..=20 {
        let dt = k as f64 * 5e-3;
        let ltp = one_pair(&r, 0.5, dt);
        let ltd = one_pair(&r, 0.5, -dt);
        // w_ref = w_max = 1: Δw = a+ e^{-Δt/τ+} and -a- e^{-Δt/τ-}.
        assert!((ltp - 0.005 * (-dt / 0.0168).exp()).abs() < 1e-15, "{dt}");
        assert!((ltd + 0.00525 * (-dt / 0.0337).exp()).abs() < 1e-15, "{dt}");
        // Independent of the weight (additive), away from the bounds.
        assert!((one_pair(&r, 0.2, dt) - ltp).abs() < 1e-15);
    }
    // The window's log is linear in Δt with slope -1/τ (a fit over the window).
    let pts: Vec<(f64, f64)> = (1..=20)
        .map(|k| {
            let dt = k as f64 * 5e-3;
            (dt, one_pair(&r, 0.5, dt).ln())
        })
        .collect();
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let slope = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>()
        / pts.iter().map(|p| (p.0 - mx).powi(2)).sum::<f64>();
    assert!((slope * 0.0168 + 1.0).abs() < 1e-9, "slope {slope}");
    // Additive updates are clipped at the bounds.
    assert_eq!(one_pair(&r, 0.999, 1e-3) + 0.999, 1.0);
    assert_eq!(one_pair(&r, 0.001, -1e-3) + 0.001, 0.0);
}

#[test]
fn multiplicative_bounds_scale_with_the_distance_to_the_bound() {
    let r = pair(Bounds::Multiplicative, Pairing::AllToAll);
    let dt = 10e-3;
    for w0 in [0.1, 0.4, 0.8] {
        let ltp = one_pair(&r, w0, dt);
        let ltd = one_pair(&r, w0, -dt);
        assert!((ltp - 0.005 * (1.0 - w0) * (-dt / 0.0168).exp()).abs() < 1e-15);
        assert!((ltd + 0.00525 * w0 * (-dt / 0.0337).exp()).abs() < 1e-15);
    }
    // Soft bounds: repeated potentiation approaches w_max and never passes it.
    let mut s = r.synapses(vec![0.5]);
    let mut last = 0.5;
    for k in 0..5000 {
        let t = k as f64;
        s.on_pre(0, t);
        s.on_post(t + 1e-3);
        let w = s.weights()[0];
        assert!(w > last && w < 1.0);
        last = w;
    }
    assert!(last > 0.999);
    assert!(
        PairStdp::from_instance(&bra_compile::ir::Instance {
            kind: "stdp".into(),
            params: [(
                "bounds".to_string(),
                bra_compile::ir::Value::Text("multiplicative".into())
            )]
            .into_iter()
            .collect(),
        })
        .is_err(),
        "multiplicative bounds need a finite w_max"
    );
}

#[test]
fn nearest_pairing_uses_only_the_latest_spike() {
    let dts = [0.01, 0.02];
    for (pairing, want) in [
        (
            Pairing::AllToAll,
            0.005 * ((-0.01f64 / 0.0168).exp() + (-0.02f64 / 0.0168).exp()),
        ),
        (Pairing::Nearest, 0.005 * (-0.01f64 / 0.0168).exp()),
    ] {
        let mut s = pair(Bounds::Additive, pairing).synapses(vec![0.5]);
        s.on_pre(0, 1.0 - dts[1]);
        s.on_pre(0, 1.0 - dts[0]);
        s.on_post(1.0);
        assert!((s.weights()[0] - 0.5 - want).abs() < 1e-15, "{pairing:?}");
    }
}

/// Pfister & Gerstner's pairing protocol: 60 pairs at `freq`, the post
/// spike `dt` after the pre spike (dt < 0: before). Relative weight change.
fn pairing_protocol(rule: &TripletStdp, dt: f64, freq: f64) -> f64 {
    let mut s = rule.synapses(vec![1.0]);
    for k in 0..60 {
        let t = 1.0 + k as f64 / freq;
        if dt > 0.0 {
            s.on_pre(0, t);
            s.on_post(t + dt);
        } else {
            s.on_post(t);
            s.on_pre(0, t - dt);
        }
    }
    s.weights()[0] - 1.0
}

#[test]
fn triplet_rule_reproduces_the_frequency_dependence() {
    let r = TripletStdp::visual_all_to_all();
    let freqs = [0.1, 1.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0];
    let post_pre: Vec<f64> = freqs
        .iter()
        .map(|&f| pairing_protocol(&r, -0.01, f))
        .collect();
    let pre_post: Vec<f64> = freqs
        .iter()
        .map(|&f| pairing_protocol(&r, 0.01, f))
        .collect();
    // Post-before-pre (Δt = -10 ms): depression at low frequency (60 pairs
    // of the pair term, -60 a2- e^{-10/33.7}), potentiation at 50 Hz.
    let ltd = -60.0 * 7e-3 * (-10.0f64 / 33.7).exp();
    assert!((post_pre[0] / ltd - 1.0).abs() < 1e-3, "{}", post_pre[0]);
    assert!(post_pre[7] > 0.0, "{post_pre:?}");
    // Pre-before-post (Δt = +10 ms): with the visual-cortex fit the pair
    // potentiation is negligible (a2+ = 5e-10), so there is no LTP at low
    // frequency — the data of Sjöström et al. (2001) — and the triplet
    // term gives LTP at high frequency.
    assert!(pre_post[0].abs() < 1e-6, "{}", pre_post[0]);
    assert!(pre_post[7] > 0.3, "{pre_post:?}");
    assert!(pre_post[7] > 1000.0 * pre_post[0].abs());
    // Δt = +10 ms potentiates more at every frequency and rises with it;
    // Δt = -10 ms rises from 20 Hz on (below, the depression deepens a
    // little as depression triplets add up, as in the paper's fit).
    for k in 1..freqs.len() {
        assert!(pre_post[k] > pre_post[k - 1], "{pre_post:?}");
        assert!(pre_post[k] > post_pre[k]);
        if freqs[k] > 20.0 {
            assert!(post_pre[k] > post_pre[k - 1], "{post_pre:?}");
        }
    }
    // Where Δt = -10 ms turns from LTD to LTP: between 30 and 40 Hz here.
    let cross = freqs
        .iter()
        .zip(&post_pre)
        .find(|(_, w)| **w > 0.0)
        .map(|(f, _)| *f);
    assert_eq!(cross, Some(40.0), "{post_pre:?}");
}

fn reward_rule() -> RewardStdp {
    RewardStdp {
        a_plus: 1.0,
        a_minus: 1.5,
        tau_plus: 0.02,
        tau_minus: 0.02,
        tau_e: 1.0,
        tau_d: 0.2,
        d_jump: 0.5,
        lr: 0.1,
        w_min: -10.0,
        w_max: 10.0,
    }
}

/// A pre-post pair (`order` +1: pre 10 ms before post; -1: after), then a
/// reward of `amount` after `delay`; the weight change after 6 s.
fn rewarded(order: f64, amount: f64, delay: f64) -> f64 {
    let dt = 1e-3;
    let mut s = reward_rule().synapses(vec![1.0], dt);
    let (t_first, t_second) = (100usize, 110usize);
    let t_reward = t_second + (delay / dt).round() as usize;
    for n in 0..6000usize {
        let pre: &[usize] = if (order > 0.0 && n == t_first) || (order < 0.0 && n == t_second) {
            &[0]
        } else {
            &[]
        };
        let post = (order > 0.0 && n == t_second) || (order < 0.0 && n == t_first);
        let reward = if n == t_reward { amount } else { 0.0 };
        s.step(pre, post, reward);
    }
    s.w[0] - 1.0
}

#[test]
fn reward_modulated_stdp_needs_a_reward_and_follows_its_sign() {
    // No reward: the pairing leaves an eligibility trace but no weight change.
    assert_eq!(rewarded(1.0, 0.0, 0.5), 0.0);
    assert_eq!(rewarded(-1.0, 0.0, 0.5), 0.0);
    // The sign of the change is the sign of (eligibility × reward).
    assert!(rewarded(1.0, 1.0, 0.5) > 0.0);
    assert!(rewarded(1.0, -1.0, 0.5) < 0.0);
    assert!(rewarded(-1.0, 1.0, 0.5) < 0.0);
    assert!(rewarded(-1.0, -1.0, 0.5) > 0.0);
    // A delayed reward finds the trace decayed: Δw(D) / Δw(0) = e^{-D/tau_e}
    // (c and d are both exponentials, so the integral of c·d scales exactly).
    let w0 = rewarded(1.0, 1.0, 0.0);
    for d in [0.25, 0.5, 1.0, 2.0] {
        let ratio = rewarded(1.0, 1.0, d) / w0;
        assert!(
            (ratio / (-d / 1.0f64).exp() - 1.0).abs() < 1e-9,
            "{d}: {ratio}"
        );
    }
    // And the size follows the closed form lr w_ref c0 d0 τeτd/(τe+τd) to
    // the Euler step's accuracy (w_ref = w_max = 10).
    let c0 = (-0.01f64 / 0.02).exp();
    let want = 0.1 * 10.0 * c0 * 0.5 * (1.0 * 0.2) / 1.2;
    assert!((w0 / want - 1.0).abs() < 0.01, "{w0} vs {want}");
}
