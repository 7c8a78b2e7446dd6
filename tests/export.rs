//! Export to NEST, tested by running it: each spec runs in bra and in NEST
//! (installed from PyPI by tests/export/run_nest.sh), and per-population mean
//! rates and CVs of the inter-spike intervals are compared.
//!
//! The two simulators draw different random connectivity, initial
//! potentials, parameters and Poisson or noise inputs, so only statistics
//! can agree, and each tolerance is set from the run-to-run spread across
//! seeds measured in both simulators:
//!
//! * CUBA and stdp_pattern: one seed, 15 % relative (`bra compare
//!   --tolerance 0.15`). For 1 s of CUBA (4,000 neurons, ~5.6 Hz, some
//!   20,000 spikes) the seed-to-seed spread of the population rate is a few
//!   per cent; measured differences were 4.2 % (E rate), 1.4 % (I rate),
//!   1.2 % and 4.5 % (CVs); stdp_pattern's single detector neuron (~220
//!   spikes) gave 4.9 %, its 2,000 Poisson afferents 0.2 %.
//! * izhikevich2003 (Izhikevich 2003, 1,000 neurons, 2 s): the mean over
//!   seeds 1–5 in each simulator, 10 % relative. Over 12 seeds the
//!   seed-to-seed standard deviations were, bra / NEST: Exc rate 2.2 % /
//!   2.7 %, Inh rate 2.4 % / 2.8 %, Exc CV 1.4 % / 1.8 %, Inh CV 5.3 % /
//!   6.1 % — one seed alone differs by up to 16 % in the Inh CV (seed 1), so
//!   one seed cannot be held to a useful tolerance. The mean of five seeds
//!   has a standard deviation of the bra-NEST difference of about 3.6 % for
//!   the Inh CV and 1.6 % or less for the others, so 10 % is 2.8 standard
//!   deviations for the Inh CV and over 6 for the rest. The 12-seed means
//!   differed by 1.4 % (Exc rate), 0.5 % (Inh rate), 0.3 % (Exc CV) and
//!   1.0 % (Inh CV).
//!
//! The tests skip (pass with a printed reason) only when NEST cannot be
//! installed (exit 77 of the script: no pip or no network); the MPI test also
//! when `mpirun` is missing (`apt-get install -y openmpi-bin`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/mod.rs"]
mod support;
use support::{bra, root, tmp};

/// Export `specs/<spec>.bra` to `dir/model.py`.
fn export(spec: &str, dir: &Path) -> PathBuf {
    let script = dir.join("model.py");
    support::export_ok(
        "nest",
        &root().join("specs").join(format!("{spec}.bra")),
        &script,
    );
    script
}

/// Run the script through run_nest.sh (`prefix` is put before python, e.g.
/// mpirun); `None` when NEST cannot be installed (the test skips).
fn run_nest(script: &Path, out: &Path, env: &[(&str, &str)], prefix: &[&str]) -> Option<Output> {
    let mut c = Command::new("bash");
    c.arg(root().join("tests/export/run_nest.sh"))
        .arg(script)
        .arg(out)
        .envs(env.iter().copied());
    if !prefix.is_empty() {
        c.env("BRA_NEST_LAUNCH", prefix.join(" "));
    }
    let run = c.output().expect("bash runs");
    if run.status.code() == Some(77) {
        println!("SKIP: {}", String::from_utf8_lossy(&run.stdout).trim());
        return None;
    }
    assert!(
        run.status.success(),
        "NEST run failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        out.join("summary.json").exists(),
        "NEST output lacks summary.json"
    );
    Some(run)
}

fn simulate(spec: &str, out: &Path, seed: Option<u64>) {
    let mut c = bra();
    c.arg("simulate")
        .arg(root().join("specs").join(format!("{spec}.bra")))
        .arg("-o")
        .arg(out);
    if let Some(s) = seed {
        c.args(["--seed", &s.to_string()]);
    }
    let sim = c.output().expect("bra runs");
    assert!(
        sim.status.success(),
        "bra simulate failed: {}",
        String::from_utf8_lossy(&sim.stderr)
    );
}

/// (name, mean rate Hz, CV) per population of `dir/summary.json`.
fn summary(dir: &Path) -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("summary.json is JSON");
    v["populations"]
        .as_array()
        .expect("populations")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").to_string(),
                p["mean_rate_hz"].as_f64().expect("rate"),
                p["cv_isi"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn rel(a: f64, b: f64) -> f64 {
    let m = a.abs().max(b.abs());
    if m == 0.0 { 0.0 } else { (a - b).abs() / m }
}

/// One seed in each simulator, compared by `bra compare --tolerance 0.15`.
fn equivalence(spec: &str) {
    let tmp = tmp("export", spec);
    let script = export(spec, &tmp);
    let nest_out = tmp.join("nest");
    if run_nest(&script, &nest_out, &[], &[]).is_none() {
        return;
    }
    let bra_out = tmp.join("bra");
    simulate(spec, &bra_out, None);
    support::assert_close_runs(&format!("{spec} (bra vs NEST)"), &bra_out, &nest_out, 0.15);
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn cuba_in_nest_matches_bra() {
    equivalence("cuba");
}

#[test]
fn stdp_pattern_in_nest_matches_bra() {
    equivalence("stdp_pattern");
}

/// Izhikevich (2003): the per-population rates and CVs averaged over seeds
/// 1-5 in each simulator agree within 10 % (see the module doc).
#[test]
fn izhikevich2003_in_nest_matches_bra_over_seeds() {
    let spec = "izhikevich2003";
    let tmp = tmp("export", spec);
    let script = export(spec, &tmp);
    let text = std::fs::read_to_string(&script).expect("script");
    assert!(
        text.contains("consistent_integration=True"),
        "forward Euler as bra"
    );
    let seeds = 1..=5u64;
    let n = seeds.clone().count() as f64;
    let mut sums: Vec<(String, [f64; 4])> = Vec::new();
    for seed in seeds {
        let (nest_out, bra_out) = (
            tmp.join(format!("nest{seed}")),
            tmp.join(format!("bra{seed}")),
        );
        let s = seed.to_string();
        if run_nest(&script, &nest_out, &[("BRA_SEED", &s)], &[]).is_none() {
            return;
        }
        simulate(spec, &bra_out, Some(seed));
        let (b, ne) = (summary(&bra_out), summary(&nest_out));
        assert_eq!(b.len(), 2, "Exc and Inh recorded by bra");
        for (name, rate, cv) in &b {
            let Some((_, nrate, ncv)) = ne.iter().find(|p| &p.0 == name) else {
                panic!("NEST did not record {name}");
            };
            assert!(*rate > 1.0 && *nrate > 1.0, "{name} fires: {rate} {nrate}");
            println!("seed {seed} {name}: rate {rate:.3} / {nrate:.3} Hz, CV {cv:.3} / {ncv:.3}");
            let slot = match sums.iter_mut().find(|x| &x.0 == name) {
                Some(x) => x,
                None => {
                    sums.push((name.clone(), [0.0; 4]));
                    sums.last_mut().expect("just pushed")
                }
            };
            for (acc, x) in slot.1.iter_mut().zip([*rate, *nrate, *cv, *ncv]) {
                *acc += x / n;
            }
        }
    }
    let mut bad = Vec::new();
    for (name, [r_bra, r_nest, cv_bra, cv_nest]) in &sums {
        let (dr, dc) = (rel(*r_bra, *r_nest), rel(*cv_bra, *cv_nest));
        println!(
            "{name}: mean rate bra {r_bra:.3} Hz, NEST {r_nest:.3} Hz ({:.1} %); mean CV bra {cv_bra:.3}, NEST {cv_nest:.3} ({:.1} %)",
            dr * 100.0,
            dc * 100.0
        );
        if !(dr <= 0.10 && dc <= 0.10) {
            bad.push(name.clone());
        }
    }
    assert!(bad.is_empty(), "bra and NEST disagree beyond 10 %: {bad:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// The files under `dir/spikes`, with their bytes.
fn spike_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("spikes"))
        .expect("spikes/")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("spike file"),
            )
        })
        .collect();
    v.sort();
    v
}

/// `mpirun -np 2` runs the script unchanged and gives the same spikes as one
/// process with the same number of virtual processes (BRA_NEST_VPS=2). With
/// a NEST built without MPI (the PyPI wheel) the script says so, rank 0
/// simulates the whole network and rank 1 stops: then the spikes are
/// trivially identical, and the test checks that the two copies did not
/// clobber each other's output and that the notice was printed. With a NEST
/// built with MPI it checks a real 2-rank run (2 ranks x 1 thread against 1
/// process x 2 threads: NEST's results depend only on the number of
/// virtual processes).
#[test]
fn mpirun_two_processes_give_the_same_spikes() {
    let tmp = tmp("export", "mpi");
    let script = export("izhikevich2003", &tmp);
    let env = [("BRA_DURATION", "0.5"), ("BRA_NEST_VPS", "2")];
    let one = tmp.join("one");
    if run_nest(&script, &one, &env, &[]).is_none() {
        return;
    }
    let two = tmp.join("two");
    let launch = [
        "mpirun",
        "--allow-run-as-root",
        "--oversubscribe",
        "-np",
        "2",
    ];
    let Some(run) = run_nest(&script, &two, &env, &launch) else {
        return;
    };
    let a = spike_files(&one);
    assert_eq!(a.len(), 4, "times and ids of Exc and Inh");
    assert!(a.iter().all(|(_, b)| b.len() > 1000), "spikes were written");
    assert!(
        a == spike_files(&two),
        "mpirun -np 2 and one process give different spikes"
    );
    let text = std::fs::read_to_string(two.join("summary.json")).expect("summary.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["launched_processes"], 2, "{text}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    if v["nest_has_mpi"] == true {
        assert_eq!(v["processes"], 2, "a real 2-rank run: {text}");
    } else {
        assert_eq!(v["processes"], 1, "{text}");
        assert!(stderr.contains("built without MPI"), "{stderr}");
        println!(
            "NOTE: this NEST has no MPI; rank 0 ran the whole network (tested: the notice, no clobbering, identical spikes)"
        );
    }
    let left: Vec<_> = std::fs::read_dir(&two)
        .expect("output")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "parts or lock left behind: {left:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Two runs cannot write into one folder at once: a live run's lock stops a
/// second one with a message; a lock left by a dead process is taken over,
/// and parts left by a crashed run are not merged.
#[test]
fn an_output_folder_is_written_by_one_run_at_a_time() {
    let tmp = tmp("export", "lock");
    let script = export("izhikevich2003", &tmp);
    let out = tmp.join("out");
    std::fs::create_dir_all(&out).expect("folder");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let lock = out.join(".bra-nest.lock");
    // A live process (this test) holds the folder.
    std::fs::write(&lock, format!("{host} {}", std::process::id())).expect("lock");
    let mut c = Command::new("bash");
    c.arg(root().join("tests/export/run_nest.sh"))
        .arg(&script)
        .arg(&out)
        .env("BRA_DURATION", "0.1");
    let busy = c.output().expect("bash runs");
    if busy.status.code() == Some(77) {
        println!("SKIP: {}", String::from_utf8_lossy(&busy.stdout).trim());
        return;
    }
    let err = String::from_utf8_lossy(&busy.stderr);
    assert!(!busy.status.success(), "a second run must not write: {err}");
    assert!(err.contains("being written by another run"), "{err}");
    assert!(!out.join("summary.json").exists());
    // The holder died (no such process); a crashed run left a stale part.
    std::fs::write(&lock, format!("{host} 999999999")).expect("lock");
    std::fs::create_dir_all(out.join(".rank7")).expect("part");
    std::fs::write(out.join(".rank7/done"), "").expect("part");
    if run_nest(&script, &out, &[("BRA_DURATION", "0.1")], &[]).is_none() {
        return;
    }
    assert!(!lock.exists(), "the lock is released");
    assert!(!out.join(".rank7").exists(), "stale parts are removed");
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    assert!(text.contains("\"processes\": 1"), "{text}");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn unmappable_parts_are_refused_with_reasons() {
    let tmp = std::env::temp_dir().join(format!("bra-export-bg-{}.py", std::process::id()));
    let out = support::export_to("nest", &root().join("specs/basal_ganglia.bra"), &tmp);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("izhikevich") && err.contains("Thal"), "{err}");
    assert!(
        !tmp.exists(),
        "nothing is written when parts cannot be mapped"
    );
}

#[test]
fn izhikevich_bias_current_keeps_its_number_in_nest() {
    // bra stores the Izhikevich `i_e` in volts (the paper's I in mV); NEST's
    // `izhikevich` reads `I_e` in pA as the same number: 10 mV -> 10 pA.
    let dir = support::tmp("export-izh-ie", "");
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let spec = dir.join("izh.bra");
    std::fs::write(
        &spec,
        r#"
project T { tlf = "x", roi = [A], allow = [SCID702, SCID901] }
circuit A { uniform, transmitter = Glutamate, modulation = Excitatory }
component A { neurons = izhikevich(i_e: 10 mV) * 3 }
function f "x" { parts = [A] }
simulate { duration = 10 ms, dt = 0.1 ms }
"#,
    )
    .expect("spec written");
    let script = dir.join("model.py");
    support::export_ok("nest", &spec, &script);
    let text = std::fs::read_to_string(&script).expect("script written");
    assert!(
        text.contains("I_e=10.0") || text.contains("'I_e': 10.0"),
        "I_e should be 10 pA:\n{}",
        text.lines()
            .filter(|l| l.contains("I_e"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn stdp_delay_convention_is_reported_not_hidden() {
    // NEST's STDP synapses count the delay as dendritic, bra's is axonal: the
    // export goes ahead but says so, on the terminal and in the script.
    let dir = support::tmp("export-stdp-note", "");
    let script = dir.join("model.py");
    let err = support::export_ok("nest", &root().join("specs/stdp_pattern.bra"), &script);
    assert!(
        err.contains("warning") && err.contains("Afferents -> Detector") && err.contains("2.0 ms"),
        "{err}"
    );
    let text = std::fs::read_to_string(&script).expect("script written");
    assert!(
        text.lines().take(5).any(|l| l.contains("dendritic")),
        "header lists the difference"
    );
}
