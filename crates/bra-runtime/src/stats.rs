//! Run summaries: per-population firing statistics.

use serde::Serialize;

/// Firing statistics of one population over a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopStats {
    /// Population (component) name.
    pub name: String,
    /// Neurons.
    pub size: usize,
    /// Spikes recorded.
    pub spikes: usize,
    /// Mean firing rate per neuron, Hz.
    pub mean_rate_hz: f64,
    /// Mean coefficient of variation of the inter-spike intervals, over
    /// neurons with at least three spikes (`null` when none has).
    pub cv_isi: Option<f64>,
    /// Mean Fano factor of spike counts in 100 ms windows, over neurons that
    /// fired (`null` for runs shorter than two windows).
    pub fano: Option<f64>,
    /// Synchrony χ (Golomb 2007): √(Var of the population-mean count /
    /// mean of the individual variances), counts in 5 ms bins; 0 for
    /// independent neurons, 1 for full synchrony.
    pub synchrony: Option<f64>,
}

/// Statistics of `spikes` (time s, neuron), sorted by time, of a population
/// of `size` neurons over `duration` seconds.
pub fn population(name: &str, size: usize, spikes: &[(f64, u32)], duration: f64) -> PopStats {
    let n = spikes.len();
    let mean_rate_hz = if size > 0 && duration > 0.0 {
        n as f64 / (size as f64 * duration)
    } else {
        0.0
    };
    // Per-neuron spike trains.
    let mut last: Vec<f64> = vec![f64::NAN; size];
    let mut isi_sum = vec![0.0f64; size];
    let mut isi_sq = vec![0.0f64; size];
    let mut isi_n = vec![0u32; size];
    for &(t, i) in spikes {
        let i = i as usize;
        if i >= size {
            continue;
        }
        if last[i].is_finite() {
            let d = t - last[i];
            isi_sum[i] += d;
            isi_sq[i] += d * d;
            isi_n[i] += 1;
        }
        last[i] = t;
    }
    let cvs: Vec<f64> = (0..size)
        .filter(|&i| isi_n[i] >= 2)
        .filter_map(|i| {
            let m = isi_sum[i] / isi_n[i] as f64;
            let var = (isi_sq[i] / isi_n[i] as f64 - m * m).max(0.0);
            (m > 0.0).then(|| var.sqrt() / m)
        })
        .collect();
    let cv_isi = (!cvs.is_empty()).then(|| cvs.iter().sum::<f64>() / cvs.len() as f64);
    PopStats {
        name: name.to_string(),
        size,
        spikes: n,
        mean_rate_hz,
        cv_isi,
        fano: binned_fano(size, spikes, duration, 0.1),
        synchrony: synchrony(size, spikes, duration, 0.005),
    }
}

/// Per-neuron (sum, sum of squares) of counts in bins, and the population
/// series of total counts per bin. Spikes must be sorted by time.
fn binned(
    size: usize,
    spikes: &[(f64, u32)],
    bins: usize,
    width: f64,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut sum = vec![0.0; size];
    let mut sq = vec![0.0; size];
    let mut cur_bin = vec![usize::MAX; size];
    let mut cur = vec![0.0f64; size];
    let mut pop = vec![0.0; bins];
    for &(t, i) in spikes {
        let i = i as usize;
        let b = ((t / width) as usize).min(bins.saturating_sub(1));
        if i >= size || bins == 0 {
            continue;
        }
        pop[b] += 1.0;
        if cur_bin[i] != b {
            if cur_bin[i] != usize::MAX {
                sum[i] += cur[i];
                sq[i] += cur[i] * cur[i];
            }
            cur_bin[i] = b;
            cur[i] = 0.0;
        }
        cur[i] += 1.0;
    }
    for i in 0..size {
        if cur_bin[i] != usize::MAX {
            sum[i] += cur[i];
            sq[i] += cur[i] * cur[i];
        }
    }
    (sum, sq, pop)
}

fn binned_fano(size: usize, spikes: &[(f64, u32)], duration: f64, width: f64) -> Option<f64> {
    let bins = (duration / width).floor() as usize;
    if bins < 2 || size == 0 {
        return None;
    }
    let (sum, sq, _) = binned(size, spikes, bins, width);
    let ffs: Vec<f64> = (0..size)
        .filter(|&i| sum[i] > 0.0)
        .map(|i| {
            let m = sum[i] / bins as f64;
            let var = (sq[i] / bins as f64 - m * m).max(0.0);
            var / m
        })
        .collect();
    (!ffs.is_empty()).then(|| ffs.iter().sum::<f64>() / ffs.len() as f64)
}

fn synchrony(size: usize, spikes: &[(f64, u32)], duration: f64, width: f64) -> Option<f64> {
    let bins = (duration / width).floor() as usize;
    if bins < 2 || size < 2 || spikes.is_empty() {
        return None;
    }
    let (sum, sq, pop) = binned(size, spikes, bins, width);
    let b = bins as f64;
    let mean_ind_var: f64 = (0..size)
        .map(|i| {
            let m = sum[i] / b;
            (sq[i] / b - m * m).max(0.0)
        })
        .sum::<f64>()
        / size as f64;
    let pm: Vec<f64> = pop.iter().map(|c| c / size as f64).collect();
    let mean = pm.iter().sum::<f64>() / b;
    let var_pop = pm.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / b;
    (mean_ind_var > 0.0).then(|| (var_pop / mean_ind_var).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_trains_have_zero_cv_and_the_right_rate() {
        // 10 neurons firing every 10 ms for 1 s.
        let mut spikes: Vec<(f64, u32)> = (0..100)
            .flat_map(|k| {
                (0..10u32).map(move |i| (k as f64 * 0.01 + 0.0005 + 0.0008 * i as f64, i))
            })
            .collect();
        spikes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let s = population("A", 10, &spikes, 1.0);
        assert!((s.mean_rate_hz - 100.0).abs() < 1e-9);
        assert!(s.cv_isi.expect("cv") < 1e-9);
        assert!(s.fano.expect("fano") < 1e-9, "regular counts: no variance");
    }

    #[test]
    fn synchronous_neurons_have_chi_one() {
        let mut spikes = Vec::new();
        for k in 0..200 {
            if k % 3 == 0 {
                for i in 0..20u32 {
                    spikes.push((k as f64 * 0.005 + 0.001, i));
                }
            }
        }
        let s = population("A", 20, &spikes, 1.0);
        assert!((s.synchrony.expect("chi") - 1.0).abs() < 1e-9);
    }
}
