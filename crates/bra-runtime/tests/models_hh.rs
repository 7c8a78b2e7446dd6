//! `hh` against a converged reference and the classical figures of the
//! Hodgkin–Huxley (1952) squid-axon model at 6.3 °C (modern convention,
//! rest at -65 mV):
//!
//! * the current threshold for sustained repetitive firing under a step from
//!   rest lies between 6.2 and 6.3 µA/cm² — the fold of limit cycles at
//!   I ≈ 6.26 µA/cm² (Rinzel & Miller 1980, Math Biosci 49:27–59), with the
//!   resting state stable up to the subcritical Hopf point at
//!   9.7754 µA/cm² (Hendrick, computer-assisted proof of the 1952
//!   parameters; Rinzel & Miller give 9.78);
//! * at 10 µA/cm² the model fires at ≈ 68 Hz. No published figure precise to
//!   2 % was at hand, so the test integrates the same equations with
//!   classical RK4 at 5 µs (68.32 Hz; 2.5 µs agrees to 1e-8), checks that
//!   against 68 ± 1 Hz, and asserts the runtime's rate within 2 % of it
//!   (it gives 67.99 Hz at dt = 0.1 ms: exponential Euler on 10-µs sub-steps).

mod models_common;
use models_common::*;

/// µA/cm² → A/m².
const UA_CM2: f64 = 1e-2;

fn ref_rates(v: f64) -> [f64; 6] {
    let f = |x: f64| {
        if x.abs() < 1e-7 {
            1.0 + x / 2.0
        } else {
            x / (1.0 - (-x).exp())
        }
    };
    [
        f((v + 40.0) / 10.0),
        4.0 * (-(v + 65.0) / 18.0).exp(),
        0.07 * (-(v + 65.0) / 20.0).exp(),
        1.0 / (1.0 + (-(v + 35.0) / 10.0).exp()),
        0.1 * f((v + 55.0) / 10.0),
        0.125 * (-(v + 65.0) / 80.0).exp(),
    ]
}

/// RK4 reference (mV, ms): spike times (ms) of upward crossings of 0 mV.
fn reference(i: f64, t_end: f64, h: f64) -> Vec<f64> {
    let deriv = |y: [f64; 4]| {
        let [v, m, hh, n] = y;
        let r = ref_rates(v);
        let i_ion = 120.0 * m.powi(3) * hh * (v - 50.0)
            + 36.0 * n.powi(4) * (v + 77.0)
            + 0.3 * (v + 54.387);
        [
            -i_ion + i,
            r[0] * (1.0 - m) - r[1] * m,
            r[2] * (1.0 - hh) - r[3] * hh,
            r[4] * (1.0 - n) - r[5] * n,
        ]
    };
    let r = ref_rates(-65.0);
    let mut y = [
        -65.0,
        r[0] / (r[0] + r[1]),
        r[2] / (r[2] + r[3]),
        r[4] / (r[4] + r[5]),
    ];
    let mut out = Vec::new();
    let steps = (t_end / h).round() as usize;
    for k in 0..steps {
        let add = |a: [f64; 4], b: [f64; 4], s: f64| {
            [
                a[0] + s * b[0],
                a[1] + s * b[1],
                a[2] + s * b[2],
                a[3] + s * b[3],
            ]
        };
        let k1 = deriv(y);
        let k2 = deriv(add(y, k1, h / 2.0));
        let k3 = deriv(add(y, k2, h / 2.0));
        let k4 = deriv(add(y, k3, h));
        let yn = [0, 1, 2, 3].map(|j| y[j] + h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]));
        if y[0] < 0.0 && yn[0] >= 0.0 {
            out.push(k as f64 * h + h * (0.0 - y[0]) / (yn[0] - y[0]));
        }
        y = yn;
    }
    out
}

fn model(i: f64, t_end: f64, dt: f64) -> Vec<f64> {
    let mut p = Pop::new("hh", &[("i_e", r(i * UA_CM2))], &[], 1, dt);
    p.run((t_end * 1e-3 / dt).round() as u64, 0.0)
        .iter()
        .map(|t| t * 1e3)
        .collect()
}

/// Mean firing rate (Hz) over the spikes after `skip` ms.
fn rate(times: &[f64], skip: f64) -> f64 {
    let t: Vec<f64> = times.iter().copied().filter(|t| *t > skip).collect();
    assert!(t.len() > 3, "too few spikes: {times:?}");
    1e3 * (t.len() - 1) as f64 / (t[t.len() - 1] - t[0])
}

#[test]
fn rate_at_10_ua_per_cm2_matches_the_reference() {
    let want = rate(&reference(10.0, 400.0, 0.005), 100.0);
    assert!((want - 68.0).abs() < 1.0, "reference {want} Hz");
    for dt in [1e-4, 2.5e-5] {
        let got = rate(&model(10.0, 400.0, dt), 100.0);
        assert!(
            (got / want - 1.0).abs() < 0.02,
            "dt {dt}: {got} Hz vs {want} Hz"
        );
    }
}

#[test]
fn repetitive_firing_starts_between_6_2_and_6_3_ua_per_cm2() {
    // Sustained firing = spikes in the last 100 ms of a 400-ms step from rest.
    let sustained = |i: f64| model(i, 400.0, 1e-4).iter().any(|t| *t > 300.0);
    assert!(!sustained(6.2), "fires repetitively at 6.2");
    assert!(sustained(6.3), "silent at 6.3");
    // Below the Hopf point (9.78) the rest state stays stable: only a
    // transient of a few spikes at 6.2, and none below the single-spike threshold.
    assert!(model(6.2, 400.0, 1e-4).len() <= 3);
    assert!(model(2.0, 400.0, 1e-4).is_empty());
    // Class-2 onset: firing starts at a finite rate (> 50 Hz), not near zero.
    let f = rate(&model(6.3, 400.0, 1e-4), 100.0);
    assert!(f > 50.0 && f < 60.0, "onset rate {f} Hz");
}

#[test]
fn starts_at_rest_and_stays_there() {
    let mut p = Pop::new("hh", &[], &[], 1, 1e-4);
    let v0 = p.var("v")[0];
    assert!((v0 + 0.065).abs() < 1e-4, "rest {v0}");
    assert!(p.run(1000, 0.0).is_empty());
    assert!((p.var("v")[0] - v0).abs() < 1e-9);
    let (m, h, n) = (p.var("m")[0], p.var("h")[0], p.var("n")[0]);
    assert!((m - 0.0529).abs() < 1e-3 && (h - 0.5961).abs() < 1e-3 && (n - 0.3177).abs() < 1e-3);
}

#[test]
fn inputs_are_converted_with_the_area() {
    let dt = 1e-4;
    let area = 1e-8; // the default 10^4 µm²
    // A current trace of x volts (R·I with R = 1/(g_l·area)) acts as the
    // external current x·g_l·area: 2 mV ↦ 60 pA ↦ 0.6 µA/cm².
    let x = 2e-3;
    let mut a = Pop::new("hh", &[], &[exp_port(1e9)], 1, dt);
    let mut b = Pop::new("hh", &[], &[], 1, dt);
    assert_eq!(a.model.current_scale(), Some(1.0 / (3.0 * area)));
    a.advance(&[vec![x]], 0.0);
    b.advance(&[], 0.0);
    let i = x * 3.0 * area;
    for _ in 0..500 {
        a.advance(&[], 0.0);
        b.advance(&[], i);
    }
    let (va, vb) = (a.var("v")[0], b.var("v")[0]);
    assert!((va - vb).abs() < 1e-9, "{va} vs {vb}");
    assert!(va > -0.065 + 3e-4, "{va}");
    // A conductance port: a held 30 nS (3 mS/cm²) toward 0 mV makes it fire.
    let mut c = Pop::new("hh", &[], &[cond_port(1e9, 0.0)], 1, dt);
    c.advance(&[vec![30e-9]], 0.0);
    let spikes = c.run(2000, 0.0);
    assert!(spikes.len() >= 5, "{spikes:?}");
    // External current is divided by the area: 10 µA/cm² worth of current
    // fires repetitively on the default area, and is 5 µA/cm² (below the
    // repetitive threshold) on twice the area.
    let i10 = 10.0 * UA_CM2 * area;
    let mut d1 = Pop::new("hh", &[], &[], 1, dt);
    let mut d2 = Pop::new("hh", &[("area", r(2.0 * area))], &[], 1, dt);
    assert!(d1.run(3000, i10).len() >= 15);
    assert!(d2.run(3000, i10).len() <= 2);
}
