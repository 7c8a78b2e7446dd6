//! `adex` against the firing patterns of Naud, Marcille, Clopath & Gerstner
//! (2008), Biol Cybern 99:335–347, Table 1 / Fig. 4: the catalog presets
//! (tonic, adapting, initial burst, regular bursting) under the paper's step
//! currents (500, 500, 400 and 210 pA), with the catalog's cut at v_peak = 0 mV.
//! ISI ratios and burst structure are asserted, not exact times.

mod models_common;
use bra_compile::ir::Value;
use models_common::*;

/// A Naud et al. (2008) Table 1 parameter set (SI) and its step current (A).
fn naud(name: &str) -> (Vec<(&'static str, Value)>, f64) {
    let (c, gl, el, vt, a, tw, b, vr, i) = match name {
        "tonic" => (200.0, 10.0, -70.0, -50.0, 2.0, 30.0, 0.0, -58.0, 500.0),
        "adapting" => (200.0, 12.0, -70.0, -50.0, 2.0, 300.0, 60.0, -58.0, 500.0),
        "initial_burst" => (130.0, 18.0, -58.0, -50.0, 4.0, 150.0, 120.0, -50.0, 400.0),
        "bursting" => (200.0, 10.0, -58.0, -50.0, 2.0, 120.0, 100.0, -46.0, 210.0),
        _ => unreachable!(),
    };
    (
        vec![
            ("c_m", r(c * 1e-12)),
            ("g_l", r(gl * 1e-9)),
            ("e_l", r(el * 1e-3)),
            ("v_t", r(vt * 1e-3)),
            ("delta_t", r(2e-3)),
            ("a", r(a * 1e-9)),
            ("tau_w", r(tw * 1e-3)),
            ("b", r(b * 1e-12)),
            ("v_reset", r(vr * 1e-3)),
        ],
        i * 1e-12,
    )
}

/// Spike times (ms) of one neuron under the preset's step current from rest, for `ms`.
fn pattern(name: &str, ms: f64, dt: f64) -> Vec<f64> {
    let (p, i) = naud(name);
    let mut pop = Pop::new("adex", &p, &[], 1, dt);
    pop.run((ms * 1e-3 / dt).round() as u64, i)
        .iter()
        .map(|t| t * 1e3)
        .collect()
}

fn spread(x: &[f64]) -> f64 {
    let (lo, hi) = x
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    hi / lo
}

#[test]
fn tonic_fires_regularly() {
    let isi = isis(&pattern("tonic", 500.0, 1e-4));
    assert!(isi.len() > 40, "{isi:?}");
    // No adaptation to speak of (b = 0): last/first < 1.1, steady train within 0.5 %.
    assert!(isi[isi.len() - 1] / isi[0] < 1.1, "{isi:?}");
    assert!(spread(&isi[20..]) < 1.005, "{isi:?}");
}

#[test]
fn adapting_lengthens_its_isis() {
    let isi = isis(&pattern("adapting", 500.0, 1e-4));
    assert!(isi[isi.len() - 1] / isi[0] > 1.5, "{isi:?}");
    assert!(isi.windows(2).all(|w| w[1] >= w[0] - 0.05), "{isi:?}");
    // ... and settles to a steady rate.
    assert!(spread(&isi[isi.len() - 3..]) < 1.02, "{isi:?}");
}

#[test]
fn initial_burst_then_tonic_spikes() {
    let isi = isis(&pattern("initial_burst", 500.0, 1e-4));
    // A burst: the first ISIs short (< 10 ms); then ISIs > 5x longer, regular.
    let burst = isi.iter().take_while(|x| **x < 10.0).count();
    assert!((1..=3).contains(&burst), "{isi:?}");
    assert!(isi[burst..].iter().all(|x| *x > 5.0 * isi[0]), "{isi:?}");
    assert!(
        isi.len() >= burst + 5 && spread(&isi[isi.len() - 4..]) < 1.01,
        "{isi:?}"
    );
}

#[test]
fn bursting_repeats_bursts() {
    let isi = isis(&pattern("bursting", 800.0, 1e-4));
    // Bimodal ISIs: short within bursts (< 10 ms), long between (> 100 ms),
    // at least four bursts, each of >= 2 spikes.
    assert!(isi.iter().all(|x| *x < 10.0 || *x > 100.0), "{isi:?}");
    let long: Vec<usize> = (0..isi.len()).filter(|&k| isi[k] > 100.0).collect();
    assert!(long.len() >= 4, "{isi:?}");
    assert!(long.windows(2).all(|w| w[1] - w[0] >= 2), "{isi:?}");
    assert!(isi[0] < 10.0);
}

#[test]
fn spike_times_converge_with_the_sub_step() {
    // dt = 0.1 ms (RK4 sub-steps of 25 µs) against dt = 5 µs (sub-steps of 5 µs).
    let coarse = pattern("adapting", 200.0, 1e-4);
    let fine = pattern("adapting", 200.0, 5e-6);
    assert_eq!(coarse.len(), fine.len());
    for (a, b) in coarse.iter().zip(&fine) {
        assert!((a - b).abs() < 0.01, "{a} ms vs {b} ms");
    }
}

#[test]
fn huge_input_neither_overflows_nor_stalls() {
    let (p, _) = naud("tonic");
    let mut pop = Pop::new("adex", &p, &[], 1, 1e-3);
    let t = pop.run(100, 1e-6); // 1 µA at dt = 1 ms
    assert!(pop.vars.iter().all(|v| v[0].is_finite()));
    assert!(t.len() > 100, "{}", t.len());
}

#[test]
fn refractory_period_and_conductance_input() {
    let (mut p, i) = naud("tonic");
    p.push(("t_ref", r(5e-3)));
    let t = pattern_with(&p, i);
    assert!(isis(&t).iter().all(|x| *x >= 5.0), "{t:?}");
    // A held conductance toward 0 mV drives v toward the weighted reversal:
    // g_l (e_l - v) + g (0 - v) = 0 with a = 0 gives v = g_l e_l / (g_l + g)
    // (below v_t, where the exponential is negligible).
    let (mut q, _) = naud("tonic");
    q.retain(|(k, _)| *k != "a");
    q.push(("a", r(0.0)));
    let mut pop = Pop::new("adex", &q, &[cond_port(1e9, 0.0)], 1, 1e-4);
    pop.advance(&[vec![1e-9]], 0.0);
    pop.run(5000, 0.0);
    let want = 10e-9 * -0.070 / 11e-9;
    let v = pop.var("v")[0];
    assert!((v - want).abs() < 2e-4, "{v} vs {want}");
    assert_eq!(pop.model.current_scale(), Some(1.0 / 10e-9));
}

fn pattern_with(p: &[(&'static str, Value)], i: f64) -> Vec<f64> {
    let mut pop = Pop::new("adex", p, &[], 1, 1e-4);
    pop.run(3000, i).iter().map(|t| t * 1e3).collect()
}
