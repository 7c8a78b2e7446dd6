//! Datasets: a feature matrix and integer labels, loaded from CSV (a header
//! row, one column named as the label) or `.npy` (a 2-D float array whose
//! last column is the label), with deterministic shuffled splits.

use std::path::Path;

/// A labelled dataset, features row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Feature names (CSV header, or `x0..` for `.npy`).
    pub features: Vec<String>,
    /// Row-major features, `rows × features.len()`.
    pub x: Vec<f64>,
    /// Labels, `0..classes`.
    pub y: Vec<usize>,
    /// Number of classes (max label + 1).
    pub classes: usize,
}

impl Dataset {
    /// Rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    /// Feature count.
    pub fn dim(&self) -> usize {
        self.features.len()
    }
    /// One row's features.
    pub fn row(&self, i: usize) -> &[f64] {
        let d = self.dim();
        &self.x[i * d..(i + 1) * d]
    }
    /// The rows with these indices.
    pub fn subset(&self, idx: &[usize]) -> Dataset {
        let mut x = Vec::with_capacity(idx.len() * self.dim());
        let mut y = Vec::with_capacity(idx.len());
        for &i in idx {
            x.extend_from_slice(self.row(i));
            y.push(self.y[i]);
        }
        Dataset {
            features: self.features.clone(),
            x,
            y,
            classes: self.classes,
        }
    }
    /// Split into (train, test) with `train_fraction` of the rows in train,
    /// shuffled by `seed` (Fisher–Yates on a counter-based stream), stratified
    /// by class so both parts keep the class balance.
    pub fn split(&self, train_fraction: f64, seed: u64) -> (Dataset, Dataset) {
        let key = bra_runtime::rng::Key::new(seed, bra_runtime::rng::Stream::Input, 0xDA7A);
        let mut train = Vec::new();
        let mut test = Vec::new();
        for c in 0..self.classes {
            let mut idx: Vec<usize> = (0..self.len()).filter(|&i| self.y[i] == c).collect();
            for k in (1..idx.len()).rev() {
                let j = (key.uniform(c as u64, k as u64) * (k + 1) as f64) as usize;
                idx.swap(k, j.min(k));
            }
            let n_train = ((idx.len() as f64) * train_fraction).round() as usize;
            train.extend_from_slice(&idx[..n_train.min(idx.len())]);
            test.extend_from_slice(&idx[n_train.min(idx.len())..]);
        }
        train.sort_unstable();
        test.sort_unstable();
        (self.subset(&train), self.subset(&test))
    }
    /// Scale every feature into [0, 1] by the given per-feature (min, max).
    pub fn scaled(&self, ranges: &[(f64, f64)]) -> Dataset {
        let d = self.dim();
        let mut out = self.clone();
        for (k, v) in out.x.iter_mut().enumerate() {
            let (lo, hi) = ranges[k % d];
            *v = if hi > lo {
                ((*v - lo) / (hi - lo)).clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        out
    }
    /// Per-feature (min, max).
    pub fn ranges(&self) -> Vec<(f64, f64)> {
        let d = self.dim();
        let mut r = vec![(f64::INFINITY, f64::NEG_INFINITY); d];
        for (k, v) in self.x.iter().enumerate() {
            let e = &mut r[k % d];
            e.0 = e.0.min(*v);
            e.1 = e.1.max(*v);
        }
        r
    }
}

/// Load a dataset. For CSV, `label` names the label column (default: the
/// last column). Errors name the file, the line and the column.
pub fn load(path: &Path, label: Option<&str>) -> Result<Dataset, String> {
    let name = path.display().to_string();
    if path.extension().is_some_and(|e| e == "npy") {
        let a: ndarray::Array2<f64> = ndarray_npy::read_npy(path)
            .map_err(|e| format!("{name}: cannot read as a 2-D float .npy: {e}"))?;
        let (rows, cols) = a.dim();
        if cols < 2 {
            return Err(format!(
                "{name}: needs at least one feature column and a label column"
            ));
        }
        let mut x = Vec::with_capacity(rows * (cols - 1));
        let mut y = Vec::with_capacity(rows);
        for (r, row) in a.outer_iter().enumerate() {
            x.extend(row.iter().take(cols - 1));
            let l = row[cols - 1];
            if !(l >= 0.0 && l.fract() == 0.0 && l < 1e6) {
                return Err(format!(
                    "{name}: row {r}: the label {l} is not a class index"
                ));
            }
            y.push(l as usize);
        }
        let classes = y.iter().max().map_or(0, |m| m + 1);
        return Ok(Dataset {
            features: (0..cols - 1).map(|k| format!("x{k}")).collect(),
            x,
            y,
            classes,
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(format!("{name}: empty file"));
    };
    let cols: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
    let li = match label {
        Some(l) => cols.iter().position(|c| c == l).ok_or_else(|| {
            format!(
                "{name}:1: no column named `{l}` (columns: {})",
                cols.join(", ")
            )
        })?,
        None => cols.len() - 1,
    };
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != cols.len() {
            return Err(format!(
                "{name}:{}: {} fields, the header has {}",
                n + 1,
                fields.len(),
                cols.len()
            ));
        }
        for (k, f) in fields.iter().enumerate() {
            let v: f64 = f.parse().map_err(|_| {
                format!(
                    "{name}:{}:{}: `{f}` is not a number (column `{}`)",
                    n + 1,
                    k + 1,
                    cols[k]
                )
            })?;
            if k == li {
                if !(v >= 0.0 && v.fract() == 0.0 && v < 1e6) {
                    return Err(format!(
                        "{name}:{}:{}: the label `{f}` is not a class index",
                        n + 1,
                        k + 1
                    ));
                }
                y.push(v as usize);
            } else {
                x.push(v);
            }
        }
    }
    let features: Vec<String> = cols
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != li)
        .map(|(_, c)| c.clone())
        .collect();
    let classes = y.iter().max().map_or(0, |m| m + 1);
    Ok(Dataset {
        features,
        x,
        y,
        classes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real digits set shipped beside the repository (`../shared/data`).
    fn digits() -> Dataset {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/digits.csv");
        load(&p, Some("label")).expect("../shared/data/digits.csv loads")
    }

    #[test]
    fn digits_load_and_split_stratified_and_deterministic() {
        let d = digits();
        assert_eq!(d.len(), 1797);
        assert_eq!(d.dim(), 64);
        assert_eq!(d.classes, 10);
        let (tr, te) = d.split(0.8, 7);
        assert_eq!(tr.len() + te.len(), 1797);
        let (tr2, _) = d.split(0.8, 7);
        assert_eq!(tr, tr2, "same seed, same split");
        let (tr3, _) = d.split(0.8, 8);
        assert_ne!(tr.y, tr3.y);
        for c in 0..10 {
            let all = d.y.iter().filter(|&&y| y == c).count() as f64;
            let t = tr.y.iter().filter(|&&y| y == c).count() as f64;
            assert!((t / all - 0.8).abs() < 0.02, "class {c} keeps its share");
        }
    }

    #[test]
    fn bad_csv_names_line_and_column() {
        let dir = std::env::temp_dir().join(format!("bra-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp");
        let p = dir.join("bad.csv");
        std::fs::write(&p, "a,b,label\n1,2,0\n3,x,1\n").expect("write");
        let e = load(&p, Some("label")).expect_err("bad");
        assert!(e.contains(":3:2:") && e.contains("`x`"), "{e}");
        std::fs::write(&p, "a,b,label\n1,2\n").expect("write");
        assert!(load(&p, None).expect_err("short").contains(":2:"));
        assert!(
            load(&p, Some("nope"))
                .expect_err("col")
                .contains("no column")
        );
    }
}
