//! Connectivity: generating a projection's synapses from its connector, and
//! drawing weights and delays from their laws.
//!
//! Synapses are stored as compressed sparse rows by presynaptic neuron
//! (`offsets[pre]..offsets[pre+1]` index `targets` and `weights`), each row
//! sorted by target, so that spike delivery walks one contiguous row and a
//! thread owning a block of targets can find its part of a row by binary
//! search. Generation uses the counter-based streams of [`crate::rng`], keyed
//! by the projection, so the network is the same for any thread count.

use crate::rng::{Key, Seq, Stream};
use bra_compile::ir::{Law, Value};

/// The synapses of one projection.
#[derive(Clone, Debug, Default)]
pub struct Csr {
    /// Row starts, `n_pre + 1` entries.
    pub offsets: Vec<u32>,
    /// Target neuron of each synapse, ascending within each row.
    pub targets: Vec<u32>,
    /// Weight of each synapse, in the post model's port unit; one entry
    /// when `shared` (every synapse has the same weight: 4 bytes per
    /// synapse saved, and delivery reads no weights).
    pub weights: Vec<f32>,
    /// All synapses share `weights[0]`.
    pub shared: bool,
    /// Per-synapse delay in steps, when the delay is drawn from a law.
    pub delays: Option<Vec<u16>>,
}

impl Csr {
    /// Number of synapses.
    pub fn len(&self) -> usize {
        self.targets.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
    /// The synapse range of a presynaptic neuron.
    #[inline]
    pub fn row(&self, pre: usize) -> std::ops::Range<usize> {
        self.offsets[pre] as usize..self.offsets[pre + 1] as usize
    }
    /// The weight of synapse `s`.
    #[inline]
    pub fn weight(&self, s: usize) -> f32 {
        if self.shared {
            self.weights[0]
        } else {
            self.weights[s]
        }
    }
    /// Give every synapse its own weight (before changing some of them).
    pub fn unshare(&mut self) {
        if self.shared {
            let w = self.weights.first().copied().unwrap_or(0.0);
            self.weights = vec![w; self.targets.len()];
            self.shared = false;
        }
    }
    /// Bytes used.
    pub fn bytes(&self) -> usize {
        self.offsets.len() * 4
            + self.targets.len() * 4
            + self.weights.len() * 4
            + self.delays.as_ref().map_or(0, |d| d.len() * 2)
    }
}

/// Populations' layout, for grid connectors.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// Neurons.
    pub size: usize,
    /// Grid shape, when the population is a grid.
    pub shape: Option<[usize; 2]>,
}

/// Upper limit of synapses per projection (u32 indices).
pub const MAX_SYNAPSES: usize = u32::MAX as usize - 1;

fn real(params: &std::collections::BTreeMap<String, Value>, k: &str, default: f64) -> f64 {
    params.get(k).and_then(Value::as_real).unwrap_or(default)
}

fn flag(params: &std::collections::BTreeMap<String, Value>, k: &str, default: bool) -> bool {
    match params.get(k) {
        Some(Value::Bool(b)) => *b,
        _ => default,
    }
}

/// Generate the (pre, post) pairs of a connector, as rows by pre.
pub fn pairs(
    kind: &str,
    params: &std::collections::BTreeMap<String, Value>,
    pre: Layout,
    post: Layout,
    same: bool,
    key: Key,
    base_dir: &std::path::Path,
) -> Result<Vec<Vec<u32>>, String> {
    let (np, nq) = (pre.size, post.size);
    let autapses = flag(params, "allow_autapses", !same) || !same;
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); np];
    let check = |n: usize| -> Result<(), String> {
        if n > MAX_SYNAPSES {
            Err(format!(
                "{n} synapses exceed the limit of {MAX_SYNAPSES} per projection"
            ))
        } else {
            Ok(())
        }
    };
    match kind {
        "all_to_all" => {
            check(np.saturating_mul(nq))?;
            for (i, row) in rows.iter_mut().enumerate() {
                row.extend((0..nq as u32).filter(|&j| autapses || j as usize != i));
            }
        }
        "one_to_one" => {
            if np != nq {
                return Err(format!("one_to_one needs equal sizes, got {np} and {nq}"));
            }
            for (i, row) in rows.iter_mut().enumerate() {
                row.push(i as u32);
            }
        }
        "fixed_probability" => {
            let p = real(params, "p", 0.0).clamp(0.0, 1.0);
            check((p * np as f64 * nq as f64) as usize)?;
            if p > 0.0 {
                // Geometric skipping: the gap to the next target is geometric(p),
                // so generation costs O(synapses), not O(pre × post).
                let ln1p = (1.0 - p).ln();
                for (i, row) in rows.iter_mut().enumerate() {
                    let mut rng = Seq::new(key, i as u64);
                    let mut j: i64 = -1;
                    loop {
                        let skip = if p >= 1.0 {
                            0.0
                        } else {
                            (rng.uniform_open0().ln() / ln1p).floor()
                        };
                        j += 1 + skip as i64;
                        if j >= nq as i64 {
                            break;
                        }
                        if autapses || j as usize != i {
                            row.push(j as u32);
                        }
                    }
                }
            }
        }
        "fixed_indegree" => {
            let k = real(params, "k", 0.0) as usize;
            let multapses = flag(params, "allow_multapses", true);
            let candidates = if autapses { np } else { np.saturating_sub(1) };
            if !multapses && k > candidates {
                return Err(format!(
                    "fixed_indegree k = {k} exceeds the {candidates} possible senders without multapses"
                ));
            }
            if k > 0 && candidates == 0 {
                return Err("fixed_indegree: no possible senders".into());
            }
            check(k.saturating_mul(nq))?;
            // Draw every target's senders, then give each row its exact
            // length before filling it (no regrowing of 10^5 rows).
            let mut senders: Vec<u32> = Vec::with_capacity(k * nq);
            for j in 0..nq {
                let mut rng = Seq::new(key, j as u64);
                let start = senders.len();
                while senders.len() - start < k {
                    let i = rng.below(np as u64) as usize;
                    if (!autapses && i == j)
                        || (!multapses && senders[start..].contains(&(i as u32)))
                    {
                        continue;
                    }
                    senders.push(i as u32);
                }
            }
            let mut count = vec![0usize; np];
            for &i in &senders {
                count[i as usize] += 1;
            }
            for (row, &c) in rows.iter_mut().zip(&count) {
                row.reserve_exact(c);
            }
            for (j, chosen) in senders.chunks(k.max(1)).enumerate() {
                for &i in chosen {
                    rows[i as usize].push(j as u32);
                }
            }
        }
        "fixed_total_number" => {
            let n = real(params, "n", 0.0) as usize;
            check(n)?;
            let multapses = flag(params, "allow_multapses", true);
            if !multapses && n > np * nq {
                return Err(format!(
                    "fixed_total_number n = {n} exceeds the {} possible pairs",
                    np * nq
                ));
            }
            let mut rng = Seq::new(key, 0);
            let mut seen = std::collections::HashSet::new();
            let mut made = 0;
            let mut tries = 0usize;
            while made < n {
                tries += 1;
                if tries > 100 * n + 1000 {
                    return Err("fixed_total_number: could not place the synapses (too dense without multapses?)".into());
                }
                let i = rng.below(np as u64) as usize;
                let j = rng.below(nq as u64) as usize;
                if (!autapses && i == j) || (!multapses && !seen.insert((i, j))) {
                    continue;
                }
                rows[i].push(j as u32);
                made += 1;
            }
        }
        "grid_neighbourhood" => {
            let (Some([pr, pc]), Some([qr, qc])) = (pre.shape, post.shape) else {
                return Err("grid_neighbourhood needs two grids".into());
            };
            if [pr, pc] != [qr, qc] {
                return Err(format!(
                    "grid_neighbourhood needs grids of the same shape, got {pr}×{pc} and {qr}×{qc}"
                ));
            }
            let radius = real(params, "radius", 1.0);
            let sigma = real(params, "sigma", radius.max(1e-9));
            let wrap = flag(params, "wrap", false);
            let kernel = match params.get("kernel") {
                Some(Value::Text(k)) => k.as_str(),
                _ => "box",
            };
            let r = radius.floor() as i64;
            let (rows_n, cols_n) = (pr as i64, pc as i64);
            for (i, out_row) in rows.iter_mut().enumerate() {
                let mut rng = Seq::new(key, i as u64);
                let (y0, x0) = ((i / pc) as i64, (i % pc) as i64);
                let mut row = Vec::new();
                for dy in -r..=r {
                    for dx in -r..=r {
                        let d = ((dy * dy + dx * dx) as f64).sqrt();
                        if d > radius {
                            continue;
                        }
                        let (mut y, mut x) = (y0 + dy, x0 + dx);
                        if wrap {
                            y = y.rem_euclid(rows_n);
                            x = x.rem_euclid(cols_n);
                        } else if y < 0 || x < 0 || y >= rows_n || x >= cols_n {
                            continue;
                        }
                        let j = (y * cols_n + x) as usize;
                        if j == i && !autapses {
                            continue;
                        }
                        let p = match kernel {
                            "gaussian" => (-(d * d) / (2.0 * sigma * sigma)).exp(),
                            "exponential" => (-d / sigma).exp(),
                            _ => 1.0,
                        };
                        if p >= 1.0 || rng.uniform() < p {
                            row.push(j as u32);
                        }
                    }
                }
                row.sort_unstable();
                *out_row = row;
            }
        }
        "from_file" => {
            let path = match params.get("path") {
                Some(Value::Text(p)) => base_dir.join(p),
                _ => return Err("from_file needs a path".into()),
            };
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
            {
                return Err(format!(
                    "{}: from_file reads CSV (pre,post per line); convert the .npy array, e.g. \
                     numpy.savetxt(\"conn.csv\", a[:, :2], fmt=\"%d\", delimiter=\",\")",
                    path.display()
                ));
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty()
                    || line.starts_with('#')
                    || (n == 0 && line.chars().any(|c| c.is_alphabetic()))
                {
                    continue;
                }
                let mut it = line.split([',', ' ', '\t']).filter(|s| !s.is_empty());
                let parse = |s: Option<&str>| s.and_then(|s| s.parse::<usize>().ok());
                let (a, b) = (parse(it.next()), parse(it.next()));
                if it.next().is_some() {
                    return Err(format!(
                        "{}:{}: `{line}` has more than two columns; from_file takes pre,post \
                         only (every synapse gets the flow's weight and delay): drop the extra \
                         columns, or split the connections into flows by weight",
                        path.display(),
                        n + 1
                    ));
                }
                match (a, b) {
                    (Some(i), Some(j)) if i < np && j < nq => rows[i].push(j as u32),
                    _ => {
                        return Err(format!(
                            "{}:{}: expected `pre,post` with pre < {np} and post < {nq}, found `{line}`",
                            path.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
        other => return Err(format!("the runtime has no connector `{other}`")),
    }
    // Targets in ascending order within each row: the order in which
    // `build` draws weights and delays, and in which delivery walks memory.
    for row in &mut rows {
        row.sort_unstable();
    }
    Ok(rows)
}

/// Draw one value from a law (SI), with counters `(a, b)` of `key`.
pub fn draw(law: &Law, key: Key, a: u64, b: u64) -> f64 {
    let g = |k: &str| law.params.get(k).copied().unwrap_or(0.0);
    match law.law.as_str() {
        "constant" => g("value"),
        "uniform" => g("low") + (g("high") - g("low")) * key.uniform(a, b),
        "normal" => g("mean") + g("sd") * key.normal(a, b),
        "lognormal" => g("median") * (g("sigma") * key.normal(a, b)).exp(),
        // One r per (key, a, stream), whatever parameter asks: correlated spreads.
        "spread" => {
            let r = key.uniform(a, 0x5350_5245_4144_0000 ^ g("stream") as u64);
            g("low") + (g("high") - g("low")) * r.powf(g("power"))
        }
        "clipped" => {
            let (lo, hi) = (
                law.params.get("min").copied().unwrap_or(f64::NEG_INFINITY),
                law.params.get("max").copied().unwrap_or(f64::INFINITY),
            );
            match &law.inner {
                Some(inner) => {
                    // Redraw a few times inside the bounds, then clip.
                    for k in 0..16u64 {
                        let v = draw(inner, key, a, b.wrapping_mul(17).wrapping_add(k));
                        if v >= lo && v <= hi {
                            return v;
                        }
                    }
                    draw(inner, key, a, b).clamp(lo, hi)
                }
                None => 0.0,
            }
        }
        _ => 0.0,
    }
}

/// A value or a law, drawn for one synapse or neuron.
pub fn value_of(v: &Value, key: Key, a: u64, b: u64) -> f64 {
    match v {
        Value::Law(l) => draw(l, key, a, b),
        other => other.as_real().unwrap_or(0.0),
    }
}

/// Build a CSR from rows, drawing weights (scaled into the port unit) and
/// delays (in steps).
#[allow(clippy::too_many_arguments)]
pub fn build(
    rows: Vec<Vec<u32>>,
    weight: &Value,
    weight_scale: f64,
    delay: &Value,
    dt: f64,
    seed: u64,
    proj: u64,
) -> Csr {
    let wkey = Key::new(seed, Stream::Weight, proj);
    let dkey = Key::new(seed, Stream::Delay, proj);
    let mut offsets = Vec::with_capacity(rows.len() + 1);
    let total: usize = rows.iter().map(Vec::len).sum();
    let mut targets = Vec::with_capacity(total);
    // A weight that is not drawn from a law is stored once.
    let shared = !matches!(weight, Value::Law(_));
    let mut weights = if shared {
        vec![(value_of(weight, wkey, 0, 0) * weight_scale) as f32]
    } else {
        Vec::with_capacity(total)
    };
    let per_synapse_delay = matches!(delay, Value::Law(_));
    let mut delays = per_synapse_delay.then(|| Vec::with_capacity(total));
    offsets.push(0u32);
    for (i, mut row) in rows.into_iter().enumerate() {
        // `pairs` sorts rows already; rows from elsewhere are sorted too, so
        // delivery can find the part of a row in a range of targets by bisection.
        row.sort_unstable();
        for (k, j) in row.into_iter().enumerate() {
            targets.push(j);
            if !shared {
                weights.push((value_of(weight, wkey, i as u64, k as u64) * weight_scale) as f32);
            }
            if let Some(d) = delays.as_mut() {
                let steps = (value_of(delay, dkey, i as u64, k as u64) / dt)
                    .round()
                    .clamp(1.0, u16::MAX as f64);
                d.push(steps as u16);
            }
        }
        offsets.push(targets.len() as u32);
    }
    Csr {
        offsets,
        targets,
        weights,
        shared,
        delays,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn params(kv: &[(&str, Value)]) -> BTreeMap<String, Value> {
        kv.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    fn lay(n: usize) -> Layout {
        Layout {
            size: n,
            shape: None,
        }
    }

    #[test]
    fn fixed_probability_has_the_expected_count_and_no_autapses() {
        let p = params(&[("p", Value::Real(0.02))]);
        let rows = pairs(
            "fixed_probability",
            &p,
            lay(2000),
            lay(2000),
            true,
            Key::new(1, Stream::Connect, 0),
            std::path::Path::new("."),
        )
        .expect("ok");
        let n: usize = rows.iter().map(Vec::len).sum();
        let expect = 0.02 * 2000.0 * 1999.0;
        assert!(
            (n as f64 - expect).abs() < 4.0 * expect.sqrt(),
            "{n} vs {expect}"
        );
        for (i, r) in rows.iter().enumerate() {
            assert!(!r.contains(&(i as u32)));
            assert!(r.windows(2).all(|w| w[0] < w[1]), "sorted, unique");
        }
    }

    #[test]
    fn fixed_indegree_gives_every_target_k_senders() {
        let p = params(&[
            ("k", Value::Real(80.0)),
            ("allow_multapses", Value::Bool(false)),
        ]);
        let rows = pairs(
            "fixed_indegree",
            &p,
            lay(1000),
            lay(500),
            false,
            Key::new(2, Stream::Connect, 0),
            std::path::Path::new("."),
        )
        .expect("ok");
        let mut indeg = vec![0usize; 500];
        for r in &rows {
            for &j in r {
                indeg[j as usize] += 1;
            }
        }
        assert!(indeg.iter().all(|&d| d == 80));
    }

    #[test]
    fn grid_neighbourhood_counts_neighbours_within_the_radius() {
        let p = params(&[("radius", Value::Real(2.0)), ("wrap", Value::Bool(true))]);
        let g = Layout {
            size: 100,
            shape: Some([10, 10]),
        };
        let rows = pairs(
            "grid_neighbourhood",
            &p,
            g,
            g,
            true,
            Key::new(3, Stream::Connect, 0),
            std::path::Path::new("."),
        )
        .expect("ok");
        // 13 cells within Euclidean distance 2, minus the cell itself.
        assert!(rows.iter().all(|r| r.len() == 12));
        let bad = Layout {
            size: 400,
            shape: Some([20, 20]),
        };
        assert!(
            pairs(
                "grid_neighbourhood",
                &p,
                g,
                bad,
                false,
                Key::new(3, Stream::Connect, 0),
                std::path::Path::new(".")
            )
            .is_err()
        );
    }

    #[test]
    fn laws_draw_their_moments() {
        let key = Key::new(9, Stream::Weight, 0);
        let normal = Law {
            law: "normal".into(),
            params: [("mean".to_string(), 2.0), ("sd".to_string(), 0.5)].into(),
            inner: None,
        };
        let xs: Vec<f64> = (0..50_000).map(|i| draw(&normal, key, i, 0)).collect();
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!(
            (m - 2.0).abs() < 0.01 && (sd - 0.5).abs() < 0.01,
            "{m} {sd}"
        );
        let clipped = Law {
            law: "clipped".into(),
            params: [("min".to_string(), 1.9), ("max".to_string(), 2.1)].into(),
            inner: Some(Box::new(normal)),
        };
        assert!((0..1000).all(|i| {
            let v = draw(&clipped, key, i, 1);
            (1.9..=2.1).contains(&v)
        }));
    }

    #[test]
    fn from_file_reads_pairs_and_refuses_what_it_would_drop() {
        let dir = std::env::temp_dir().join(format!("bra-from-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let run = |name: &str, text: &str| {
            std::fs::write(dir.join(name), text).expect("written");
            let p = params(&[("path", Value::Text(name.into()))]);
            pairs(
                "from_file",
                &p,
                lay(3),
                lay(3),
                false,
                Key::new(1, Stream::Connect, 0),
                &dir,
            )
        };
        let rows = run("ok.csv", "pre,post\n0,2\n0,1\n# a comment\n2 0\n0,1\n").expect("reads");
        assert_eq!(rows, vec![vec![1, 1, 2], vec![], vec![0]]);
        let err = run("w.csv", "0,1,0.5\n").expect_err("a weight column is refused");
        assert!(
            err.contains("w.csv:1") && err.contains("more than two columns"),
            "{err}"
        );
        let err = run("c.npy", "").expect_err(".npy is refused");
        assert!(err.contains("CSV"), "{err}");
        let err = run("bad.csv", "0,7\n").expect_err("out of range");
        assert!(
            err.contains("bad.csv:1") && err.contains("post < 3"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_constant_weight_is_stored_once_and_unshared_on_demand() {
        let rows = vec![vec![2, 0], vec![1], vec![]];
        let mut csr = build(
            rows.clone(),
            &Value::Real(0.5),
            2.0,
            &Value::Real(1e-3),
            1e-4,
            1,
            0,
        );
        assert!(csr.shared);
        assert_eq!(csr.weights.len(), 1);
        assert_eq!(csr.targets, vec![0, 2, 1], "rows sorted");
        assert!((0..csr.len()).all(|s| csr.weight(s) == 1.0));
        assert_eq!(csr.bytes(), 4 * (4 + 3) + 4);
        csr.unshare();
        assert!(!csr.shared);
        assert_eq!(csr.weights, vec![1.0; 3]);
        let law = Value::Law(Law {
            law: "uniform".into(),
            params: [("low".to_string(), 0.0), ("high".to_string(), 1.0)].into(),
            inner: None,
        });
        let drawn = build(rows, &law, 1.0, &Value::Real(1e-3), 1e-4, 1, 0);
        assert!(!drawn.shared);
        assert_eq!(drawn.weights.len(), 3);
    }
}
