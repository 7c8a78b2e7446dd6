//! The Tempotron (Gütig & Sompolinsky 2006): an exact maximum of the
//! potential, the update at the time of that maximum, and learning random
//! latency patterns at a small size.

use bra_learn::spike::capacity::{self, Sample};
use bra_learn::spike::encode::Encoder;
use bra_learn::spike::tempotron::Tempotron;
use bra_runtime::rng::{Key, Stream};

fn random_events(n: usize, t_end: f64, seed: u64) -> (Vec<(f64, u32)>, Vec<f64>) {
    let key = Key::new(seed, Stream::Input, 0);
    let mut ev: Vec<(f64, u32)> = (0..n)
        .flat_map(|i| (0..2).map(move |k| (key.uniform(i as u64, k) * t_end, i as u32)))
        .collect();
    ev.sort_by(|a, b| a.0.total_cmp(&b.0));
    let w = (0..n).map(|i| key.normal(i as u64, 9) * 0.3).collect();
    (ev, w)
}

#[test]
fn kernel_peaks_at_one() {
    let t = Tempotron::new(0.015, 0.00375, 1.0, 1e-3).expect("valid");
    let s_peak = 0.015 * 0.00375 / (0.015 - 0.00375) * 4f64.ln();
    assert!((t.kernel(s_peak) - 1.0).abs() < 1e-12);
    assert!(t.kernel(s_peak * 0.9) < 1.0 && t.kernel(s_peak * 1.1) < 1.0);
    assert_eq!(t.kernel(0.0), 0.0);
    assert_eq!(t.kernel(-1.0), 0.0);
    assert!(Tempotron::new(0.01, 0.01, 1.0, 1e-3).is_err());
}

#[test]
fn maximum_of_the_potential_is_exact() {
    let t = Tempotron::new(0.015, 0.00375, 1.0, 1e-3).expect("valid");
    for seed in 0..5 {
        let (ev, w) = random_events(40, 0.2, seed);
        let (t_max, v_max) = t.max_potential(&ev, &w, 0.2);
        // V at t_max by direct summation agrees with the propagated value.
        assert!((t.potential(&ev, &w, t_max) - v_max).abs() < 1e-9);
        // No point of a fine grid beats it, and the grid comes close.
        let grid = (0..=200_000)
            .map(|k| t.potential(&ev, &w, k as f64 * 1e-6))
            .fold(0.0f64, f64::max);
        assert!(v_max >= grid - 1e-12, "{v_max} < {grid}");
        // (The grid misses kinks at input spikes by at most slope × 1 µs.)
        assert!(v_max - grid < 5e-4, "{v_max} vs grid {grid}");
    }
}

#[test]
fn update_at_the_time_of_maximal_potential() {
    let mut t = Tempotron::new(0.015, 0.00375, 100.0, 0.01).expect("valid");
    let (ev, w0) = random_events(30, 0.1, 7);
    let (t_max, v_max) = t.max_potential(&ev, &w0, 0.1);
    assert!(v_max < t.v_th);
    // A missed target: Δw_i = +lr Σ_{t_i < t_max} K(t_max - t_i).
    let mut w = w0.clone();
    let mut vel = vec![0.0; w.len()];
    let (fired, err) = t.learn(&ev, &mut w, &mut vel, 0.0, 0.1, true);
    assert!(!fired && err);
    let mut want = vec![0.0; w.len()];
    for &(ti, i) in &ev {
        if ti < t_max {
            want[i as usize] += 0.01 * t.kernel(t_max - ti);
        }
    }
    for i in 0..w.len() {
        assert!((w[i] - w0[i] - want[i]).abs() < 1e-15, "afferent {i}");
    }
    // Afferents that fire only after t_max do not change.
    let late: Vec<usize> = (0..w.len())
        .filter(|&i| ev.iter().all(|&(ti, j)| j as usize != i || ti >= t_max))
        .collect();
    for &i in &late {
        assert_eq!(w[i], w0[i]);
    }
    // A correct silence changes nothing; a false alarm moves the other way.
    let mut w2 = w0.clone();
    let (_, err) = t.learn(&ev, &mut w2, &mut vec![0.0; w.len()], 0.0, 0.1, false);
    assert!(!err);
    assert_eq!(w2, w0);
    t.v_th = 1e-6;
    let mut w3 = w0.clone();
    let (fired, err) = t.learn(&ev, &mut w3, &mut vec![0.0; w.len()], 0.0, 0.1, false);
    assert!(fired && err);
    for i in 0..w.len() {
        assert!((w3[i] - w0[i] + want[i]).abs() < 1e-15);
    }
}

#[test]
fn learns_random_latency_patterns_at_a_small_size() {
    // 100 afferents, 60 patterns (load 0.6), T = 200 ms: well under capacity.
    let (n, p, t_end, dt) = (100, 60, 0.2, 1e-4);
    let data = capacity::random_latency(n, p, 5);
    let enc = Encoder::Latency {
        t_max: t_end,
        threshold: 0.0,
    };
    let samples: Vec<Sample> = (0..p)
        .map(|k| Sample {
            events: enc
                .encode(data.row(k), dt, Key::new(5, Stream::Input, 1))
                .times(),
            target: data.y[k] == 1,
        })
        .collect();
    assert!(samples.iter().all(|s| s.events.len() == n));
    let key = Key::new(5, Stream::Weight, 0);
    let cfg = capacity::Config {
        tempotron: Tempotron::new(0.015, 0.00375, 1.0, 3e-4).expect("valid"),
        momentum: 0.99,
        epochs: 300,
        seed: 5,
        t_end,
        w0: (0..n).map(|i| key.normal(i as u64, 0) * 1e-3).collect(),
    };
    let before = capacity::accuracy(&cfg.tempotron, &cfg.w0, &samples, t_end);
    let out = capacity::train(&cfg, &samples, &samples, &mut |_| {});
    let after = out.epochs.last().map_or(0.0, |m| m.train_accuracy);
    assert!(before <= 0.6, "an untrained neuron is at chance: {before}");
    assert!(after >= 0.95, "learned {after} of the patterns");
    // The same seed gives the same run.
    let again = capacity::train(&cfg, &samples, &samples, &mut |_| {});
    assert_eq!(out.w, again.w);
    assert_eq!(out.converged, again.converged);
}
