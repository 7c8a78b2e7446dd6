//! Source populations: Poisson rates and windows, the current source's `i`,
//! and spike-time replay from CSV and .npy files.

mod models_common;
use bra_compile::ir::Value;
use models_common::*;
use std::path::PathBuf;

/// A file in the temp directory, unique to this test process.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("bra-models-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

#[test]
fn poisson_rate_matches_within_3_percent() {
    // 2000 neurons × 0.5 s at 20 Hz: 20 000 expected spikes (±0.7 %).
    let (n, dt, rate) = (2000, 1e-4, 20.0);
    let mut p = Pop::new("poisson", &[("rate", r(rate))], &[], n, dt);
    let mut count = 0;
    for _ in 0..5000 {
        count += p.advance(&[], 0.0).len();
    }
    let got = count as f64 / (n as f64 * 0.5);
    assert!((got / rate - 1.0).abs() < 0.03, "{got} Hz");
    // At rate·dt = 2 a step carries several spikes (multiplicity): the
    // mean stays exact where a Bernoulli draw would give at most 1 per step.
    let mut q = Pop::new("poisson", &[("rate", r(2000.0))], &[], 1000, 1e-3);
    let mut count = 0;
    for _ in 0..100 {
        count += q.advance(&[], 0.0).len();
    }
    let got = count as f64 / (1000.0 * 0.1);
    assert!((got / 2000.0 - 1.0).abs() < 0.03, "{got} Hz");
}

#[test]
fn poisson_fires_only_within_its_window() {
    let dt = 1e-4;
    let mut p = Pop::new(
        "poisson",
        &[("rate", r(200.0)), ("start", r(0.10005)), ("stop", r(0.2))],
        &[],
        500,
        dt,
    );
    let mut inside = 0;
    for step in 0..3000u64 {
        let t = step as f64 * dt;
        for s in p.advance(&[], 0.0) {
            let time = t + s.offset;
            assert!((0.10005..0.2).contains(&time), "spike at {time}");
            inside += 1;
        }
    }
    // 500 × 0.09995 s × 200 Hz ≈ 9995.
    assert!((inside as f64 / 9995.0 - 1.0).abs() < 0.05, "{inside}");
}

#[test]
fn poisson_trains_are_reproducible_and_chunk_independent() {
    let run = |chunk: usize| {
        let mut p = Pop::new("poisson", &[("rate", r(50.0))], &[], 100, 1e-3);
        (0..200)
            .map(|_| p.advance_chunked(&[], 0.0, chunk))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(usize::MAX), run(13));
    let inst = instance("poisson", &[("rate", r(5.0))]);
    assert!(
        bra_runtime::models::build(&inst, &[delta()]).is_err(),
        "sources take no input"
    );
}

#[test]
fn current_source_exposes_its_current_as_i() {
    let dt = 1e-4;
    let mut p = Pop::new(
        "current_source",
        &[
            ("amplitude", r(300e-12)),
            ("start", r(0.001)),
            ("stop", r(0.002)),
        ],
        &[],
        3,
        dt,
    );
    assert!(p.model.spiking());
    assert_eq!(p.var("i"), &[0.0; 3]);
    for step in 0..40u64 {
        let t = step as f64 * dt;
        assert!(p.advance(&[], 0.0).is_empty());
        let want = if (0.001..0.002).contains(&t) {
            300e-12
        } else {
            0.0
        };
        assert!(p.var("i").iter().all(|x| *x == want), "t = {t}");
    }
}

/// Replay a spike_times population for `steps` at `dt`: (time, neuron).
fn replay(path: &Value, n: usize, dt: f64, steps: u64) -> Vec<(f64, u32)> {
    let mut p = Pop::new("spike_times", &[("path", path.clone())], &[], n, dt);
    let mut out = Vec::new();
    for step in 0..steps {
        let t = step as f64 * dt;
        for s in p.advance_chunked(&[], 0.0, 2) {
            assert!((0.0..=dt).contains(&s.offset));
            out.push((t + s.offset, s.neuron));
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    out
}

#[test]
fn spike_times_replay_a_csv_exactly() {
    let csv = "neuron,time\n# a comment\n0, 0.0003\n2,0.00125\n\n1;0.0005\n2 0.00125\n3,0.5\n";
    let path = temp_file("pairs.csv", csv.as_bytes());
    let got = replay(&Value::Text(path.display().to_string()), 3, 1e-4, 20);
    let want = [(0.0003, 0), (0.0005, 1), (0.00125, 2), (0.00125, 2)];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!((g.0 - w.0).abs() < 1e-15 && g.1 == w.1, "{got:?}");
    }
    // A time on the grid is emitted in its own step with offset 0.
    let mut p = Pop::new(
        "spike_times",
        &[("path", Value::Text(path.display().to_string()))],
        &[],
        3,
        1e-4,
    );
    p.advance(&[], 0.0);
    p.advance(&[], 0.0);
    p.advance(&[], 0.0);
    let s = p.advance(&[], 0.0);
    assert_eq!(s.len(), 1);
    assert!(s[0].offset.abs() < 1e-12 && s[0].neuron == 0);
    // One time per line: every neuron fires.
    let single = temp_file("single.csv", b"time\n0.001\n0.0015\n");
    let got = replay(&Value::Text(single.display().to_string()), 2, 1e-3, 5);
    assert_eq!(got.iter().map(|x| x.1).collect::<Vec<_>>(), [0, 1, 0, 1]);
    // A list parameter (seconds) does the same.
    let got = replay(&Value::List(vec![0.0021]), 2, 1e-3, 5);
    assert_eq!(got.len(), 2);
    assert!((got[0].0 - 0.0021).abs() < 1e-15);
    let count = {
        let mut p = Pop::new(
            "spike_times",
            &[("path", Value::List(vec![0.0, 0.0005]))],
            &[],
            1,
            1e-3,
        );
        p.advance(&[], 0.0);
        p.var("count")[0]
    };
    assert_eq!(count, 2.0);
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(single);
}

#[test]
fn spike_time_files_fail_with_clear_errors() {
    let build = |path: &PathBuf| {
        let inst = instance(
            "spike_times",
            &[("path", Value::Text(path.display().to_string()))],
        );
        bra_runtime::models::build(&inst, &[])
            .err()
            .unwrap_or_default()
    };
    let cases: [(&str, &[u8], &str); 5] = [
        ("bad-line.csv", b"0,0.1\n1,abc\n", ":2:"),
        ("negative.csv", b"0,-0.1\n", "not a finite time"),
        ("neuron.csv", b"0.5,0.1\n1,0.2\n", ":1:"),
        ("three.csv", b"0,0.1\n0,0.1,7\n", ":2:"),
        ("short.npy", b"\x93NUMPY\x01\x00\x10", "truncated"),
    ];
    for (name, bytes, needle) in cases {
        let path = temp_file(name, bytes);
        let err = build(&path);
        assert!(err.contains(needle), "{name}: {err}");
        let _ = std::fs::remove_file(path);
    }
    let missing = std::env::temp_dir().join("bra-models-no-such-file.csv");
    assert!(build(&missing).contains("cannot read"));
}

/// A version-1 .npy file of little-endian f8 with the given shape.
fn npy(shape: &str, fortran: bool, data: &[f64]) -> Vec<u8> {
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': {}, 'shape': {shape}, }}",
        if fortran { "True" } else { "False" }
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for x in data {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

#[test]
fn spike_times_read_npy_rows_and_vectors() {
    let rows = temp_file(
        "rows.npy",
        &npy("(3, 2)", false, &[1.0, 0.0015, 0.0, 0.0025, 1.0, 0.0035]),
    );
    let got = replay(&Value::Text(rows.display().to_string()), 2, 1e-3, 5);
    assert_eq!(got.iter().map(|x| x.1).collect::<Vec<_>>(), [1, 0, 1]);
    assert!((got[1].0 - 0.0025).abs() < 1e-15);
    // The same rows in Fortran order.
    let f = temp_file(
        "fortran.npy",
        &npy("(3, 2)", true, &[1.0, 0.0, 1.0, 0.0015, 0.0025, 0.0035]),
    );
    assert_eq!(
        got,
        replay(&Value::Text(f.display().to_string()), 2, 1e-3, 5)
    );
    let v = temp_file("vector.npy", &npy("(2,)", false, &[0.0005, 0.0012]));
    assert_eq!(
        replay(&Value::Text(v.display().to_string()), 3, 1e-3, 5).len(),
        6
    );
    let bad = temp_file("bad-shape.npy", &npy("(2, 3)", false, &[0.0; 6]));
    let inst = instance(
        "spike_times",
        &[("path", Value::Text(bad.display().to_string()))],
    );
    let err = bra_runtime::models::build(&inst, &[])
        .err()
        .unwrap_or_default();
    assert!(err.contains("shape"), "{err}");
    for p in [rows, f, v, bad] {
        let _ = std::fs::remove_file(p);
    }
}
