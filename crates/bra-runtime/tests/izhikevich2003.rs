//! `specs/izhikevich2003.bra` reproduces the population rhythms of
//! Izhikevich (2003), Fig. 3: spectral peaks of the population rate in the
//! alpha (8–13 Hz) and gamma (30–80 Hz) bands, well above the broadband level.

use bra_runtime::{Engine, Outcome};
use std::path::Path;

/// Welch periodogram of a series sampled every `dt` seconds: mean of the
/// periodograms of `segments` non-overlapping, mean-removed, Hann-windowed
/// segments. Returns (frequencies, power).
fn welch(x: &[f64], dt: f64, segments: usize) -> (Vec<f64>, Vec<f64>) {
    let n = x.len() / segments;
    let mut power = vec![0.0; n / 2 + 1];
    for s in 0..segments {
        let seg = &x[s * n..(s + 1) * n];
        let mean = seg.iter().sum::<f64>() / n as f64;
        let w = |k: usize| 0.5 - 0.5 * (std::f64::consts::TAU * k as f64 / n as f64).cos();
        for (f, p) in power.iter_mut().enumerate() {
            let (mut re, mut im) = (0.0, 0.0);
            for (k, v) in seg.iter().enumerate() {
                let a = std::f64::consts::TAU * (f * k) as f64 / n as f64;
                let y = (v - mean) * w(k);
                re += y * a.cos();
                im -= y * a.sin();
            }
            *p += (re * re + im * im) / segments as f64;
        }
    }
    let freqs = (0..power.len())
        .map(|f| f as f64 / (n as f64 * dt))
        .collect();
    (freqs, power)
}

#[test]
fn the_network_shows_alpha_and_gamma_rhythms() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/izhikevich2003.bra");
    let (model, loaded) = bra_model::Model::load(&path);
    assert!(loaded.diagnostics.is_empty());
    let (net, diags) = bra_compile::compile(&model);
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    assert_eq!(net.populations.iter().map(|p| p.size).sum::<u64>(), 1000);
    let mut e = Engine::build(&net, path.parent().expect("dir")).expect("builds");
    assert_eq!(e.run(None, 0, &mut |_| {}), Outcome::Completed);
    // Population rate in 1 ms bins, the first 200 ms (the onset transient) dropped.
    let bin = 1e-3;
    let bins = (net.run.duration / bin) as usize;
    let mut rate = vec![0.0; bins];
    for rec in e.spikes.iter().flatten() {
        for (t, _) in rec {
            rate[((t / bin) as usize).min(bins - 1)] += 1.0;
        }
    }
    let total: f64 = rate.iter().sum();
    let mean_rate = total / (1000.0 * net.run.duration);
    assert!((2.0..30.0).contains(&mean_rate), "mean rate {mean_rate} Hz");
    let (f, p) = welch(&rate[200..], bin, 3);
    let band = |lo: f64, hi: f64| {
        f.iter()
            .zip(&p)
            .filter(|(x, _)| **x >= lo && **x < hi)
            .map(|(_, y)| *y)
            .fold(0.0, f64::max)
    };
    let mut broad: Vec<f64> = f
        .iter()
        .zip(&p)
        .filter(|(x, _)| **x >= 2.0 && **x < 200.0)
        .map(|(_, y)| *y)
        .collect();
    broad.sort_by(f64::total_cmp);
    let median = broad[broad.len() / 2];
    let (alpha, gamma, high) = (band(8.0, 13.0), band(30.0, 80.0), band(120.0, 200.0));
    assert!(
        alpha > 8.0 * median,
        "alpha peak {alpha:.1} vs median {median:.1}"
    );
    assert!(
        gamma > 4.0 * median,
        "gamma peak {gamma:.1} vs median {median:.1}"
    );
    assert!(
        alpha > 3.0 * high && gamma > 2.0 * high,
        "peaks stand above the high band ({high:.1})"
    );
}
