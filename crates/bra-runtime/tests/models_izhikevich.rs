//! `izhikevich` (and `gain_sheet`) against the firing patterns of Izhikevich
//! (2003), Fig. 2, with the paper's protocol: rest, then a step of I = 10
//! (given as 10 pA of external current, which the model adds as its number).
//! Spike counts, ISI ratios and burst structure are asserted, not times.

mod models_common;
use bra_compile::ir::{Law, Value};
use models_common::*;
use std::collections::BTreeMap;

/// The (a, b, c, d) of a Fig. 2 preset, in SI (a in 1/s, c and d in V).
fn preset(name: &str) -> Vec<(&'static str, Value)> {
    let (a, b, c, d) = match name {
        "RS" => (0.02, 0.2, -65.0, 8.0),
        "IB" => (0.02, 0.2, -55.0, 4.0),
        "CH" => (0.02, 0.2, -50.0, 2.0),
        "FS" => (0.1, 0.2, -65.0, 2.0),
        "LTS" => (0.02, 0.25, -65.0, 2.0),
        "TC" => (0.02, 0.25, -65.0, 0.05),
        "RZ" => (0.1, 0.26, -65.0, 2.0),
        _ => unreachable!(),
    };
    vec![
        ("a", r(a * 1e3)),
        ("b", r(b)),
        ("c", r(c * 1e-3)),
        ("d", r(d * 1e-3)),
        ("v_peak", r(0.030)),
    ]
}

const PA: f64 = 1e-12;

/// Rest for 200 ms, then I = 10 for 300 ms: spike times (ms) after the step's onset.
fn step_response(name: &str, dt: f64) -> Vec<f64> {
    let mut p = Pop::new("izhikevich", &preset(name), &[], 1, dt);
    p.run((0.2 / dt).round() as u64, 0.0);
    let t0 = p.step as f64 * dt;
    p.run((0.3 / dt).round() as u64, 10.0 * PA)
        .iter()
        .map(|t| (t - t0) * 1e3)
        .collect()
}

fn last_isi(t: &[f64]) -> f64 {
    *isis(t).last().expect("at least two spikes")
}

#[test]
fn rs_fires_tonically_with_adaptation() {
    let t = step_response("RS", 1e-4);
    let isi = isis(&t);
    assert!((6..=12).contains(&t.len()), "RS spikes {t:?}");
    // ISIs lengthen and settle: no bursts, first ISI well below the steady one.
    assert!(isi.iter().all(|x| *x > 10.0), "RS bursts: {isi:?}");
    assert!(isi[0] < 0.6 * last_isi(&t), "RS does not adapt: {isi:?}");
    assert!(isi.windows(2).all(|w| w[1] >= w[0] - 0.5), "{isi:?}");
}

#[test]
fn ib_fires_an_initial_burst_then_single_spikes() {
    let t = step_response("IB", 1e-4);
    let isi = isis(&t);
    // A burst of >= 3 spikes (ISIs < 5 ms), then only long ISIs (tonic).
    let burst = isi.iter().take_while(|x| **x < 5.0).count() + 1;
    assert!((3..=5).contains(&burst), "IB burst of {burst}: {isi:?}");
    assert!(isi[burst - 1..].iter().all(|x| *x > 20.0), "{isi:?}");
    assert!(
        t.len() >= burst + 5,
        "IB should keep firing tonically: {t:?}"
    );
}

#[test]
fn ch_fires_repeated_high_frequency_bursts() {
    let t = step_response("CH", 1e-4);
    let isi = isis(&t);
    // Bursts separated by long pauses: >= 4 pauses (ISI > 30 ms), each
    // burst of >= 3 spikes at > 200 Hz.
    let pauses: Vec<usize> = (0..isi.len()).filter(|&k| isi[k] > 30.0).collect();
    assert!(pauses.len() >= 4, "CH pauses {pauses:?}: {isi:?}");
    for w in pauses.windows(2) {
        let inner = &isi[w[0] + 1..w[1]];
        assert!(inner.len() >= 3, "short burst: {isi:?}");
        assert!(inner.iter().all(|x| *x < 7.0), "{isi:?}");
        assert!(inner[0] < 5.0, "{isi:?}");
    }
}

#[test]
fn fs_fires_fast_with_little_adaptation() {
    let fs = step_response("FS", 1e-4);
    let rs = step_response("RS", 1e-4);
    // Steady rate from the last ISI: FS > 100 Hz and > 4x RS.
    let (f_fs, f_rs) = (1e3 / last_isi(&fs), 1e3 / last_isi(&rs));
    assert!(
        f_fs > 100.0 && f_fs > 4.0 * f_rs,
        "FS {f_fs} Hz, RS {f_rs} Hz"
    );
    // Adaptation (last/first ISI) smaller than RS's, and the steady train regular.
    let (a_fs, a_rs) = (last_isi(&fs) / isis(&fs)[0], last_isi(&rs) / isis(&rs)[0]);
    assert!(a_fs < a_rs && a_fs < 2.0, "FS {a_fs}, RS {a_rs}");
    let tail = &isis(&fs)[10..];
    let (lo, hi) = tail
        .iter()
        .fold((f64::MAX, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
    assert!(hi / lo < 1.1, "FS irregular: {tail:?}");
}

#[test]
fn lts_starts_at_high_frequency_and_adapts() {
    let t = step_response("LTS", 1e-4);
    let isi = isis(&t);
    assert!(isi[0] < 5.0, "LTS initial frequency too low: {isi:?}");
    assert!(last_isi(&t) / isi[0] > 3.0, "LTS does not adapt: {isi:?}");
    assert!(isi.iter().all(|x| *x < 20.0), "LTS stops: {isi:?}");
}

/// Hold at I = 0 for 200 ms, at `i_hold` for 200 ms, release to 0: spike
/// times (ms) after the release, and v during the hold (mV).
fn release(name: &str, i_hold: f64) -> (Vec<f64>, f64) {
    let dt = 1e-4;
    let mut p = Pop::new("izhikevich", &preset(name), &[], 1, dt);
    p.run(2000, 0.0);
    p.run(2000, i_hold);
    let v_hold = p.var("v")[0] * 1e3;
    let t0 = p.step as f64 * dt;
    let t = p.run(3000, 0.0).iter().map(|t| (t - t0) * 1e3).collect();
    (t, v_hold)
}

#[test]
fn tc_fires_tonically_when_depolarised_and_bursts_on_release() {
    // Tonic firing from rest under I = 10 (regular once settled).
    let t = step_response("TC", 1e-4);
    assert!(t.len() > 30, "TC tonic: {t:?}");
    let tail = &isis(&t)[t.len() / 2..];
    assert!(
        tail.iter().fold(0.0f64, |m, x| m.max(*x)) / tail.iter().fold(f64::MAX, |m, x| m.min(*x))
            < 1.1
    );
    // A rebound burst after release from hyperpolarisation (v near -82 mV):
    // >= 4 spikes within 40 ms, the first ISI < 8 ms; RS does not rebound.
    let (tc, v_hold) = release("TC", -20.0 * PA);
    assert!(v_hold < -80.0, "hold at {v_hold} mV");
    let burst = tc.iter().filter(|x| **x < 40.0).count();
    assert!(burst >= 4 && tc[1] - tc[0] < 8.0, "TC rebound {tc:?}");
    assert!(tc.iter().all(|x| *x < 100.0), "TC keeps firing: {tc:?}");
    let (rs, _) = release("RS", -20.0 * PA);
    assert!(rs.is_empty(), "RS rebounds: {rs:?}");
}

#[test]
fn rz_shows_damped_subthreshold_oscillations_at_its_resonant_frequency() {
    // At rest (v* = -62.5 mV, where 0.08 v* + 5 = 0) the linearisation is
    // λ² + a λ + a b = 0: damped oscillation with angular frequency
    // sqrt(ab - a²/4) = 0.1533 /ms (period 41.0 ms) and decay a/2 = 0.05 /ms.
    let dt = 1e-4;
    let mut p = Pop::new("izhikevich", &preset("RZ"), &[], 1, dt);
    p.run(10_000, 0.0);
    let v0 = p.var("v")[0];
    assert!((v0 * 1e3 + 62.5).abs() < 1e-3, "rest {v0}");
    p.run(10, PA); // a 1-ms pulse: a ~1-mV kick, in the linear range
    let mut dv = Vec::new();
    for _ in 0..3000 {
        p.run(1, 0.0);
        dv.push(p.var("v")[0] - v0);
    }
    // Downward zero crossings → period; successive same-sign extrema → decay.
    let ups: Vec<f64> = (1..dv.len())
        .filter(|&k| dv[k - 1] > 0.0 && dv[k] <= 0.0)
        .map(|k| k as f64 * dt * 1e3)
        .collect();
    assert!(ups.len() >= 3, "no oscillation: {ups:?}");
    let period = (ups[2] - ups[0]) / 2.0;
    let want = std::f64::consts::TAU / (0.1f64 * 0.26 - 0.0025).sqrt();
    assert!(
        (period / want - 1.0).abs() < 0.03,
        "period {period} ms vs {want}"
    );
    let peak = |lo: f64, hi: f64| {
        dv[(lo / 0.1) as usize..(hi / 0.1) as usize]
            .iter()
            .fold(0.0f64, |m, x| m.max(*x))
    };
    let ratio = peak(ups[2] - period, ups[2]) / peak(ups[1] - period, ups[1]);
    let decay = (-0.05 * want).exp();
    assert!(
        (ratio / decay - 1.0).abs() < 0.1,
        "decay {ratio} vs {decay}"
    );
    assert!(p.run(1, 0.0).is_empty() && dv.iter().all(|x| x.abs() < 2e-3));
}

#[test]
fn sub_steps_make_the_result_independent_of_dt() {
    // dt = 1 ms runs ten 0.1-ms Euler sub-steps: the same arithmetic as dt = 0.1 ms.
    let fine = step_response("IB", 1e-4);
    let coarse = step_response("IB", 1e-3);
    assert_eq!(fine.len(), coarse.len());
    for (a, b) in fine.iter().zip(&coarse) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
}

#[test]
fn inputs_follow_one_convention() {
    let dt = 1e-4;
    // Delta port: an event of w = 2 mV moves v by exactly 2 mV after the step.
    let mut p = Pop::new("izhikevich", &preset("RS"), &[delta()], 2, dt);
    p.run(5000, 0.0);
    let v0 = p.var("v")[0];
    p.advance(&[vec![2e-3, 0.0]], 0.0);
    let (va, vb) = (p.var("v")[0], p.var("v")[1]);
    assert!(((va - vb) - 2e-3).abs() < 1e-12, "{va} {vb} {v0}");
    // An exponential trace of x volts adds x·1000 to I, as does i_ext/1 pA:
    // holding the trace at 5 mV equals 5 pA of external current.
    let mut a = Pop::new("izhikevich", &preset("RS"), &[exp_port(1e9)], 1, dt);
    let mut b = Pop::new("izhikevich", &preset("RS"), &[], 1, dt);
    a.advance(&[vec![5e-3]], 0.0);
    b.advance(&[], 0.0);
    for _ in 0..2000 {
        a.advance(&[], 0.0);
        b.advance(&[], 5.0 * PA);
    }
    let (x, y) = (a.var("v")[0], b.var("v")[0]);
    assert!((x - y).abs() < 1e-7, "{x} vs {y}");
    assert_eq!(a.model.current_scale(), Some(1e9));
    // gain_sheet runs the same dynamics; conductance synapses are refused.
    let mut g = Pop::new("gain_sheet", &preset("CH"), &[], 1, dt);
    assert_eq!(g.model.name(), "gain_sheet");
    let mut c = Pop::new("izhikevich", &preset("CH"), &[], 1, dt);
    assert_eq!(g.run(3000, 10.0 * PA), c.run(3000, 10.0 * PA));
    let inst = instance("izhikevich", &preset("RS"));
    assert!(bra_runtime::models::build(&inst, &[cond_port(5e-3, 0.0)]).is_err());
}

#[test]
fn a_law_gives_each_neuron_its_own_parameter() {
    // The paper's network draws c per neuron: a law becomes a state variable.
    let mut params = preset("RS");
    params.retain(|(k, _)| *k != "c");
    params.push((
        "c",
        Value::Law(Law {
            law: "uniform".into(),
            params: BTreeMap::from([("low".into(), -0.065), ("high".into(), -0.050)]),
            inner: None,
        }),
    ));
    let p = Pop::new("izhikevich", &params, &[], 100, 1e-4);
    let c = p.var("c");
    assert!(c.iter().all(|x| (-0.065..-0.050).contains(x)));
    assert!(c.iter().any(|x| *x < -0.06) && c.iter().any(|x| *x > -0.055));
}
