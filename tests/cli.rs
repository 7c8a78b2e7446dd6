//! End-to-end tests of the `bra` binary: broken inputs, hostile inputs, exit
//! codes and output formats.

use std::process::Output;

#[path = "support/mod.rs"]
mod support;
use support::{bra, root, run};

fn json_codes(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("each line is a JSON object");
            v["code"].as_str().expect("code").to_string()
        })
        .collect()
}

fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("// expect:"))
        .map(|c| c.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn every_broken_input_reports_its_code() {
    let dir = root().join("tests/broken");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/broken exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bra"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "at least 15 broken inputs, found {}",
        names.len()
    );
    for name in names {
        let text = String::from_utf8_lossy(&std::fs::read(dir.join(&name)).expect("readable"))
            .into_owned();
        let want = expected_codes(&text);
        assert!(
            !want.is_empty(),
            "{name} names its expected codes on line 1"
        );

        let mut cmd = bra();
        cmd.current_dir(&dir)
            .args(["check", "--format", "json", &name]);
        let out = run(cmd);
        let got = json_codes(&out);
        for code in &want {
            assert!(got.contains(code), "{name}: expected {code}, got {got:?}");
        }
        assert_eq!(out.status.code(), Some(1), "{name}: errors exit with 1");

        let mut cmd = bra();
        cmd.current_dir(&dir).args([
            "check",
            "--color",
            "never",
            "--select",
            &want.join(","),
            &name,
        ]);
        let human = run(cmd);
        let rendered = String::from_utf8_lossy(&human.stderr).into_owned();
        for code in &want {
            assert!(
                rendered.contains(code.as_str()),
                "{name}: human output names {code}"
            );
        }
        insta::assert_snapshot!(
            format!("broken__{}", name.trim_end_matches(".bra")),
            rendered
        );
    }
}

#[test]
fn json_diagnostics_carry_position_and_span() {
    let dir = root().join("tests/broken");
    let mut cmd = bra();
    cmd.current_dir(&dir)
        .args(["check", "--format", "json", "wrong_dimension.bra"]);
    let out = run(cmd);
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.contains("\"E111\""))
        .map(str::to_string)
        .expect("one diagnostic");
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    for key in [
        "code", "severity", "message", "file", "line", "column", "span", "help", "labels",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["file"], "wrong_dimension.bra");
    assert_eq!(v["line"], 3);
    let start = v["span"]["start"].as_u64().expect("start") as usize;
    let end = v["span"]["end"].as_u64().expect("end") as usize;
    let text = std::fs::read_to_string(dir.join("wrong_dimension.bra")).expect("readable");
    assert_eq!(&text[start..end], "mV", "the span covers the unit");
}

fn check_bytes(name: &str, bytes: &[u8]) -> Output {
    let dir = std::env::temp_dir().join(format!("bra-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let mut cmd = bra();
    cmd.args(["check", "--format", "json"]).arg(&path);
    let out = run(cmd);
    let _ = std::fs::remove_file(&path);
    out
}

fn assert_answered(what: &str, out: &Output) {
    let code = out.status.code();
    assert!(
        matches!(code, Some(1) | Some(2)),
        "{what}: exit {code:?}, stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !json_codes(out).is_empty() || code == Some(2),
        "{what}: at least one diagnostic"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what}: panicked: {stderr}");
}

#[test]
fn hostile_inputs_get_a_diagnostic_not_a_panic() {
    assert_answered("empty file", &check_bytes("empty.bra", b""));
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_answered("binary", &check_bytes("binary.bra", &binary));
    assert_answered(
        "invalid utf-8",
        &check_bytes("bad.bra", b"circuit A { x = \"\xc3\x28\" }"),
    );
    assert_answered(
        "10 MB of {",
        &check_bytes("braces.bra", &vec![b'{'; 10 * 1024 * 1024]),
    );
    let deep = format!(
        "circuit A {{ x = {}{} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_answered(
        "10,000 levels of lists",
        &check_bytes("deep.bra", deep.as_bytes()),
    );
    let mut nested = String::new();
    for i in 0..10_000 {
        nested.push_str(&format!("circuit C{i} {{\n"));
    }
    nested.push_str(&"}\n".repeat(10_000));
    assert_answered(
        "10,000 nested circuits",
        &check_bytes("nested.bra", nested.as_bytes()),
    );
    assert_answered(
        "NUL bytes",
        &check_bytes("nul.bra", b"circuit A { uniform }\0\0\0"),
    );
}

#[test]
fn a_missing_file_exits_2() {
    let mut cmd = bra();
    cmd.args(["check", "no/such/file.bra"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn a_directory_exits_2() {
    let mut cmd = bra();
    cmd.args(["check"]).arg(root().join("tests"));
    assert_eq!(run(cmd).status.code(), Some(2));
}

#[test]
fn explain_prints_a_rule_doc_and_rules_lists_every_code() {
    let mut cmd = bra();
    cmd.args(["check", "--explain", "E111"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("## What it checks") && text.contains("## Example"),
        "{text}"
    );

    let mut cmd = bra();
    cmd.args(["rules", "--format", "json"]);
    let out = run(cmd);
    let codes = json_codes(&out);
    for r in bra_check::all_rules() {
        assert!(
            codes.contains(&r.code.to_string()),
            "bra rules lists {}",
            r.code
        );
    }

    let mut cmd = bra();
    cmd.args(["check", "--explain", "NOPE1"]);
    assert_eq!(run(cmd).status.code(), Some(2));
}

#[test]
fn fmt_check_passes_on_every_spec_and_converts_both_ways() {
    let specs = root().join("specs");
    let mut names: Vec<String> = std::fs::read_dir(&specs)
        .expect("specs")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bra"))
        .collect();
    names.sort();
    let mut cmd = bra();
    cmd.current_dir(&specs)
        .arg("fmt")
        .arg("--check")
        .args(&names);
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = std::env::temp_dir().join(format!("bra-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    for name in names {
        let original = std::fs::read_to_string(specs.join(&name)).expect("spec");
        let yaml = dir.join(name.replace(".bra", ".yaml"));
        let mut cmd = bra();
        cmd.arg("fmt")
            .arg("--to")
            .arg("yaml")
            .arg(specs.join(&name))
            .arg("-o")
            .arg(&yaml);
        assert_eq!(run(cmd).status.code(), Some(0));
        let mut cmd = bra();
        cmd.arg("fmt").arg("--to").arg("bra").arg(&yaml);
        let back = run(cmd);
        assert_eq!(back.status.code(), Some(0));
        assert_eq!(
            String::from_utf8_lossy(&back.stdout),
            original,
            "{name}: bra -> yaml -> bra is the identity"
        );
        // The YAML spec checks clean, like the text.
        let mut cmd = bra();
        cmd.arg("check").arg(&yaml);
        assert_eq!(run(cmd).status.code(), Some(0), "{name}.yaml checks clean");
    }
}

#[test]
fn fmt_check_flags_an_unformatted_file_and_fmt_fixes_it() {
    let dir = std::env::temp_dir().join(format!("bra-fmt2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("messy.bra");
    std::fs::write(&path, "circuit A{uniform,transmitter=GABA} // keep me\n").expect("write");
    let mut cmd = bra();
    cmd.arg("fmt").arg("--check").arg(&path);
    assert_eq!(run(cmd).status.code(), Some(1));
    let mut cmd = bra();
    cmd.arg("fmt").arg(&path);
    assert_eq!(run(cmd).status.code(), Some(0));
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text,
        "circuit A { uniform, transmitter = GABA } // keep me\n"
    );
    let mut cmd = bra();
    cmd.arg("fmt").arg("--check").arg(&path);
    assert_eq!(run(cmd).status.code(), Some(0), "idempotent");
}

#[test]
fn compile_emits_deterministic_ir_and_estimates_before_allocating() {
    let spec = root().join("specs/cuba.bra");
    let emit = |fmt: &str| {
        let mut cmd = bra();
        cmd.arg("compile").arg(&spec).args(["--emit", fmt]);
        let out = run(cmd);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let json = emit("json");
    assert_eq!(json, emit("json"), "byte-identical across runs");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("valid JSON");
    assert_eq!(v["populations"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["run"]["dt"].as_f64(), Some(1e-4));
    let yaml = emit("yaml");
    assert!(String::from_utf8_lossy(&yaml).contains("fixed_probability"));

    let mut cmd = bra();
    cmd.arg("compile").arg(&spec).arg("--estimate");
    let out = run(cmd);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("neurons") && text.contains("4000"), "{text}");

    let mut cmd = bra();
    cmd.arg("compile").arg(&spec).args(["--budget", "1KiB"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("R001"));
}

#[test]
fn explain_documents_catalog_entries() {
    let mut cmd = bra();
    cmd.args(["explain", "izhikevich"]);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for preset in ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"] {
        assert!(text.contains(preset), "lists preset {preset}");
    }
    let mut cmd = bra();
    cmd.arg("explain");
    let list = run(cmd);
    assert!(String::from_utf8_lossy(&list.stdout).contains("fixed_probability"));
    let mut cmd = bra();
    cmd.args(["explain", "lifx"]);
    assert_eq!(run(cmd).status.code(), Some(2));
}
