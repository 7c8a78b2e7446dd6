//! Helpers shared by the end-to-end tests under `tests/` (each test file is
//! its own crate and includes this module; not every file uses every helper).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `bra` binary under test, without colour.
pub fn bra() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bra"));
    c.env("NO_COLOR", "1");
    c
}

/// Run with a generous limit so that a hang fails the test instead of CI.
pub fn run(mut cmd: Command) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bra starts");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("bra finished (no hang)")
        .expect("bra ran")
}

/// `bra export <format> SPEC -o OUT` (with the time limit of [`run`]).
pub fn export_to(format: &str, spec: &Path, out: &Path) -> Output {
    let mut c = bra();
    c.args(["export", format]).arg(spec).arg("-o").arg(out);
    run(c)
}

/// [`export_to`], asserting that it succeeds; returns what it printed on
/// stderr (notes and warnings).
pub fn export_ok(format: &str, spec: &Path, out: &Path) -> String {
    let o = export_to(format, spec, out);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "bra export {format} failed: {err}");
    err
}

/// A fresh, empty temporary folder for one test (`bra-<tag>-<pid>-<name>`).
pub fn tmp(tag: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bra-{tag}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temporary folder");
    d
}

/// Every `specs/*.bra`, sorted.
pub fn specs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "bra"))
        .collect();
    out.sort();
    out
}

/// A path's file stem as text.
pub fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `bra compare A B --tolerance T`: prints the comparison and asserts that
/// every population's rate and CV agree within `tolerance` (relative).
pub fn assert_close_runs(label: &str, a: &Path, b: &Path, tolerance: f64) {
    let cmp = bra()
        .arg("compare")
        .arg(a)
        .arg(b)
        .args(["--tolerance", &tolerance.to_string()])
        .output()
        .expect("bra runs");
    println!("{label}:\n{}", String::from_utf8_lossy(&cmp.stdout));
    assert!(
        cmp.status.success(),
        "{label}: the runs disagree beyond {} %:\n{}{}",
        tolerance * 100.0,
        String::from_utf8_lossy(&cmp.stdout),
        String::from_utf8_lossy(&cmp.stderr)
    );
}
