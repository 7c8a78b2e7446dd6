//! Export to PyNN, tested by running it with PyNN's NEST backend: each spec
//! runs in bra and through PyNN (PyNN 0.13.0 and NEST 3.10.0 from PyPI,
//! installed by tests/export/run_pynn.sh), and `bra compare` checks
//! per-population mean rates and CVs of the inter-spike intervals.
//!
//! Tolerance: 15 % relative, for rates and for CVs, as for the direct NEST
//! export (tests/export.rs). The two runs draw different random
//! connectivity, initial potentials and Poisson trains (PyNN's NumpyRNG and
//! NEST's generators against bra's counter-based streams), so only
//! statistics can agree. The CUBA and Brunel-type populations have 250 to
//! 3,200 neurons and 4,000 to 45,000 spikes in 1 s, so the seed-to-seed
//! spread of their rates and CVs is a few per cent (pynn_brunel.bra in bra over seeds 1-5: rates
//! 42.6-46.0 Hz, CVs 0.98-1.02), and 15 % still catches a wrong unit or receptor
//! (a weight off by `C_m/τ_m` or by 1000, or an inhibitory input made
//! excitatory, changes rates by far more). Measured differences, bra
//! against PyNN/NEST: CUBA E rate 5.0 %, I rate 0.5 %, CVs 0.1 % and 2.1 %;
//! the Brunel-type fixture (tests/fixtures/pynn_brunel.bra, 1,250 neurons,
//! ~45 Hz) E rate 3.4 %, I rate 2.7 %, CVs 4.5 % and 4.9 %; the cell-type
//! fixture (tests/fixtures/pynn_cells.bra, 50 neurons each, 0.5 s):
//! Izhikevich 0.0 % and 0.0 % (no randomness reaches it: both integrate the
//! same forward Euler), conductance LIF 1.6 % and 4.1 %, AdEx 2.3 % and
//! 2.0 %. Every run is seeded, so the numbers repeat for fixed versions.
//!
//! The equivalence tests skip (pass with a printed reason) only when PyNN
//! cannot be installed (exit 77 of the script: no pip or no network).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/mod.rs"]
mod support;
use support::{bra, root, tmp};

/// `bra export pynn SPEC -o dir/model.py`, which must succeed.
fn export(spec: &Path, dir: &Path) -> PathBuf {
    let script = dir.join("model.py");
    support::export_ok("pynn", spec, &script);
    script
}

fn equivalence(name: &str, spec: &Path, pops: &[&str]) {
    let dir = tmp("export-pynn", name);
    let script = export(spec, &dir);
    let pynn_out = dir.join("pynn");
    let run = Command::new("bash")
        .arg(root().join("tests/export/run_pynn.sh"))
        .arg(&script)
        .arg(&pynn_out)
        .output()
        .expect("bash runs");
    if run.status.code() == Some(77) {
        println!(
            "SKIP {name}: {}",
            String::from_utf8_lossy(&run.stdout).trim()
        );
        return;
    }
    assert!(
        run.status.success(),
        "PyNN run failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = std::fs::read_to_string(pynn_out.join("summary.json"))
        .expect("the PyNN run wrote summary.json");
    assert!(summary.contains("\"pynn "), "{summary}");
    for f in ["times", "ids"] {
        for pop in pops {
            let p = pynn_out.join(format!("spikes/{pop}.{f}.npy"));
            assert!(p.exists(), "{} missing", p.display());
        }
    }
    let bra_out = dir.join("bra");
    let sim = bra()
        .arg("simulate")
        .arg(spec)
        .arg("-o")
        .arg(&bra_out)
        .output()
        .expect("bra runs");
    assert!(
        sim.status.success(),
        "bra simulate failed: {}",
        String::from_utf8_lossy(&sim.stderr)
    );
    support::assert_close_runs(&format!("{name} (bra vs PyNN)"), &bra_out, &pynn_out, 0.15);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cuba_through_pynn_matches_bra() {
    equivalence("cuba", &root().join("specs/cuba.bra"), &["E", "I"]);
}

#[test]
fn brunel_delta_network_through_pynn_matches_bra() {
    equivalence(
        "brunel",
        &root().join("tests/fixtures/pynn_brunel.bra"),
        &["E", "I"],
    );
}

#[test]
fn izhikevich_conductance_and_adex_cells_through_pynn_match_bra() {
    equivalence(
        "cells",
        &root().join("tests/fixtures/pynn_cells.bra"),
        &["Iz", "C", "A"],
    );
}

/// The mapping itself, without Python: cell types, units and PyNN's sign
/// convention for inhibitory current-based weights.
#[test]
fn script_uses_standard_types_units_and_signs() {
    let dir = tmp("export-pynn", "text");
    let cuba = std::fs::read_to_string(export(&root().join("specs/cuba.bra"), &dir))
        .expect("script written");
    // 1.62 mV on a 5 ms exponential port of a 250 pF, 20 ms membrane is a
    // current jump of 1.62 mV · 250 pF / 20 ms = 0.02025 nA; -9 mV is -0.1125 nA.
    assert!(
        cuba.contains("sim.IF_curr_exp(tau_syn_E=5.0, tau_syn_I=10.0"),
        "{cuba}"
    );
    assert!(cuba.contains("cm=0.25"), "{cuba}");
    let weight = |label: &str| -> f64 {
        let line = cuba
            .lines()
            .find(|l| l.contains(&format!("label=\"{label}\"")))
            .unwrap_or_else(|| panic!("no projection {label}"));
        let w = line
            .split("weight=")
            .nth(1)
            .and_then(|r| r.split(',').next());
        w.and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no weight in {line}"))
    };
    assert!((weight("E -> I") - 0.02025).abs() < 1e-12);
    assert!((weight("I -> E") + 0.1125).abs() < 1e-12);
    let inh = cuba
        .lines()
        .find(|l| l.contains("label=\"I -> I\""))
        .expect("I -> I");
    assert!(inh.contains("receptor_type='inhibitory'"), "{inh}");
    assert!(cuba.contains("FixedProbabilityConnector(0.02"), "{cuba}");
    assert!(cuba.contains("RandomDistribution(\"uniform\", low=-60.0, high=-50.0"));

    let brunel =
        std::fs::read_to_string(export(&root().join("tests/fixtures/pynn_brunel.bra"), &dir))
            .expect("script written");
    // Delta synapses: weights are the jump of v in mV.
    assert!(brunel.contains("sim.IF_curr_delta("), "{brunel}");
    assert!(brunel.contains(
        "sim.FixedNumberPreConnector(25, allow_self_connections=True, with_replacement=True"
    ));
    assert!(brunel.contains("weight=-3.0, delay=1.5), receptor_type='inhibitory'"));
    assert!(brunel.contains("sim.SpikeSourcePoisson(rate=2000.0"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Export a spec that must be refused; the diagnostics (stderr).
fn refused(spec: &str) -> String {
    let dir = tmp("export-pynn", &format!("refused-{spec}"));
    let script = dir.join("model.py");
    let out = bra()
        .args(["export", "pynn"])
        .arg(root().join("specs").join(format!("{spec}.bra")))
        .arg("-o")
        .arg(&script)
        .output()
        .expect("bra runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        !script.exists(),
        "nothing is written when parts cannot be mapped"
    );
    let _ = std::fs::remove_dir_all(&dir);
    err
}

#[test]
fn unmappable_parts_are_refused_with_component_and_reason() {
    // Normal weight laws around 0 would need both receptors in one projection.
    let err = refused("bptt_digits");
    assert!(
        err.contains("`Input -> Hidden`") && err.contains("may be positive or negative"),
        "{err}"
    );
    // Izhikevich cells take only delta inputs; a model PyNN has no type for.
    let err = refused("hippocampus");
    assert!(
        err.contains("onto `CA3` has a `exponential` synapse"),
        "{err}"
    );
    let err = refused("digits_lzc");
    assert!(
        err.contains("`Meta`") && err.contains("no PyNN standard cell type"),
        "{err}"
    );
}
