//! Export to and import from NIR (runs only with `--features bra-cli/nir`).
//!
//! No spec in specs/ is expressible in NIR (every lif there has a refractory
//! period, cuba also per-neuron initial potentials and two synaptic time
//! constants onto one population, the others non-LIF models), so the
//! exported network is tests/fixtures/nir_small.bra: Poisson inputs, a
//! CubaLIF and a LIF population, four flows and a Poisson stimulus (and, for
//! the weight check, a variant whose `In -> E` weights come from a normal
//! law).
//!
//! * The file is loaded with the reference reader, Python's `nir.read` with
//!   type checking (tests/export/read_nir.py, in a venv made by
//!   tests/export/run_nir.sh; skipped, with a printed reason, only when
//!   `pip install nir` is impossible), and what it holds is compared with
//!   the network: node types, shapes, edges, parameters, and every weight
//!   against the synapses bra's own engine builds for the seed.
//! * A file written by `nir.write` itself is imported (the reverse layout).
//! * Round trip: export → import → `bra check` → export gives the same
//!   graph (nodes, types, parameters to 1e-12, edges).
//! * Specs NIR cannot express are refused, naming the component and why.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/mod.rs"]
mod support;
use support::{bra, root, run, tmp};

fn fixture() -> PathBuf {
    root().join("tests/fixtures/nir_small.bra")
}

/// The fixture with the `In -> E` weights drawn from a normal law, in `dir`.
fn fixture_with_law(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(fixture()).expect("fixture");
    let old = "fixed_probability(p: 0.3)\n  weight = 2 mV";
    assert!(
        src.contains(old),
        "the In -> E flow is where the test expects it"
    );
    let spec = dir.join("small_law.bra");
    std::fs::write(
        &spec,
        src.replace(
            old,
            "fixed_probability(p: 0.3)\n  weight = normal(mean: 2 mV, sd: 0.5 mV)",
        ),
    )
    .expect("write spec");
    spec
}

fn cli(args: &[&str], paths: &[&Path]) -> Output {
    let mut c = bra();
    c.args(args);
    for p in paths {
        c.arg(p);
    }
    run(c)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn export(spec: &Path, out: &Path) -> Output {
    support::export_to("nir", spec, out)
}

fn import(file: &Path, out: &Path) -> Output {
    let mut c = bra();
    c.args(["import", "nir"]).arg(file).arg("-o").arg(out);
    run(c)
}

/// Run a Python script with the nir package; `None` when it cannot be installed.
fn python(script: &Path, args: &[&Path]) -> Option<String> {
    let mut c = Command::new("bash");
    c.arg(root().join("tests/export/run_nir.sh")).arg(script);
    for a in args {
        c.arg(a);
    }
    let out = c.output().expect("bash runs");
    if out.status.code() == Some(77) {
        println!("SKIP: {}", String::from_utf8_lossy(&out.stdout).trim());
        return None;
    }
    assert!(out.status.success(), "python failed:\n{}", text(&out));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `nir.read` sees in `file`; `None` when nir cannot be installed.
fn read_py(file: &Path) -> Option<Json> {
    let out = python(&root().join("tests/export/read_nir.py"), &[file])?;
    Some(serde_json::from_str(&out).expect("read_nir.py prints JSON"))
}

fn values(j: &Json) -> Vec<f64> {
    j["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

fn shape(j: &Json) -> Vec<u64> {
    j["shape"]
        .as_array()
        .expect("shape")
        .iter()
        .map(|v| v.as_u64().expect("a dimension"))
        .collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-300
}

/// Every value of node `n`'s parameter `k` equals `x`.
fn all_eq(nodes: &Json, n: &str, k: &str, x: f64) {
    let v = values(&nodes[n]["params"][k]);
    assert!(!v.is_empty(), "{n}.{k} is empty");
    assert!(
        v.iter().all(|y| close(*y, x, 1e-12)),
        "{n}.{k}: expected {x}, found {:?}",
        &v[..v.len().min(4)]
    );
}

/// The fixture compiled by the library, and the engine bra would run.
fn compiled(spec: &Path) -> (bra_compile::ir::Network, bra_runtime::Engine) {
    let (model, _) = bra_model::Model::load(spec);
    let diags = bra_check::check(&model);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "the fixture checks clean"
    );
    let (net, errs) = bra_compile::compile(&model);
    assert!(errs.is_empty(), "the fixture compiles");
    let base = spec.parent().unwrap_or(Path::new("."));
    let engine = bra_runtime::Engine::build(&net, base)
        .unwrap_or_else(|e| panic!("bra builds the fixture: {e:?}"));
    (net, engine)
}

#[test]
fn exported_file_loads_with_nir_read_and_holds_bras_network() {
    let dir = tmp("nir", "read");
    let spec = fixture_with_law(&dir);
    let file = dir.join("small.nir");
    let out = export(&spec, &file);
    assert!(out.status.success(), "export failed:\n{}", text(&out));
    let log = text(&out);
    assert!(
        log.contains("`In` (poisson source") && log.contains("stimulus `Drive`"),
        "sources that became Input nodes are named:\n{log}"
    );
    let Some(j) = read_py(&file) else { return };
    assert_eq!(j["version"], "1.0.8");
    let nodes = &j["nodes"];
    let kinds: BTreeMap<&str, &str> = nodes
        .as_object()
        .expect("nodes")
        .iter()
        .map(|(k, v)| (k.as_str(), v["type"].as_str().expect("type")))
        .collect();
    let expect: BTreeMap<&str, &str> = [
        ("In", "Input"),
        ("Drive", "Input"),
        ("E", "CubaLIF"),
        ("I", "LIF"),
        ("E_out", "Output"),
        ("I_out", "Output"),
        ("In_to_E", "Linear"),
        ("E_to_E", "Linear"),
        ("E_to_I", "Linear"),
        ("I_to_E", "Linear"),
        ("Drive_w", "Linear"),
        ("In_to_E_delay", "Delay"),
        ("E_to_E_delay", "Delay"),
        ("E_to_I_delay", "Delay"),
        ("I_to_E_delay", "Delay"),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expect);
    let edges: BTreeSet<(String, String)> = j["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap_or_default().to_string(),
                e[1].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut want = BTreeSet::new();
    for (pre, post) in [("In", "E"), ("E", "E"), ("E", "I"), ("I", "E")] {
        let lin = format!("{pre}_to_{post}");
        let del = format!("{lin}_delay");
        want.insert((pre.to_string(), lin.clone()));
        want.insert((lin, del.clone()));
        want.insert((del, post.to_string()));
    }
    for (a, b) in [
        ("Drive", "Drive_w"),
        ("Drive_w", "I"),
        ("E", "E_out"),
        ("I", "I_out"),
    ] {
        want.insert((a.to_string(), b.to_string()));
    }
    assert_eq!(edges, want);
    // Shapes as NIR infers them.
    assert_eq!(nodes["E"]["input_type"]["input"], serde_json::json!([40]));
    assert_eq!(nodes["I"]["output_type"]["output"], serde_json::json!([10]));
    assert_eq!(
        nodes["In"]["output_type"]["output"],
        serde_json::json!([20])
    );
    assert_eq!(shape(&nodes["In_to_E"]["params"]["weight"]), [40, 20]);
    assert_eq!(shape(&nodes["E_to_I"]["params"]["weight"]), [10, 40]);
    // E: lif(tau_m 20 ms, v_rest -65 mV, v_th -50 mV, v_reset -65 mV, c_m 200 pF,
    // i_e 300 pA) with 5 ms exponential synapses; voltages relative to v_rest.
    let r_e = 0.02 / 200e-12;
    all_eq(nodes, "E", "tau_mem", 0.02);
    all_eq(nodes, "E", "tau_syn", 0.005);
    all_eq(nodes, "E", "r", r_e);
    all_eq(nodes, "E", "v_leak", r_e * 300e-12);
    all_eq(nodes, "E", "v_threshold", 0.015);
    all_eq(nodes, "E", "v_reset", 0.0);
    all_eq(nodes, "E", "w_in", 1.0);
    assert!(close(
        nodes["E"]["metadata"]["v_rest"].as_f64().unwrap_or(0.0),
        -0.065,
        1e-12
    ));
    // I: lif(tau_m 10 ms, v_rest -70 mV, v_th -52 mV, v_reset -68 mV, c_m 250 pF), delta.
    let (r_i, c_i) = (0.01 / 250e-12, 250e-12);
    all_eq(nodes, "I", "tau", 0.01);
    all_eq(nodes, "I", "r", r_i);
    all_eq(nodes, "I", "v_leak", 0.0);
    all_eq(nodes, "I", "v_threshold", 0.018);
    all_eq(nodes, "I", "v_reset", 0.002);
    // Delays: the spec's, in whole steps of 0.1 ms.
    for (n, d) in [
        ("In_to_E_delay", 0.001),
        ("E_to_E_delay", 0.0015),
        ("E_to_I_delay", 0.0001),
        ("I_to_E_delay", 0.002),
    ] {
        all_eq(nodes, n, "delay", d);
    }
    // The stimulus: one 3 mV delta afferent per I neuron, as charge 3 mV · c_m.
    let dw = values(&nodes["Drive_w"]["params"]["weight"]);
    for (k, w) in dw.iter().enumerate() {
        let want = if k / 10 == k % 10 { 3e-3 * c_i } else { 0.0 };
        assert!(close(*w, want, 1e-12), "Drive_w[{k}] = {w}, want {want}");
    }
    // Every weight against the synapses bra's engine builds for the seed
    // (float32 in the engine, float64 in the file).
    let (net, engine) = compiled(&spec);
    let mut synapses = 0;
    for (k, pr) in net.projections.iter().enumerate() {
        let pre = &net.populations[pr.pre as usize];
        let post = &net.populations[pr.post as usize];
        let (np, nq) = (pre.size as usize, post.size as usize);
        // Charge per spike of a voltage weight w: w·tau_syn/R onto E, w·c_m onto I.
        let factor = if post.name == "E" { 0.005 / r_e } else { c_i };
        let mut m = vec![0.0; np * nq];
        for (i, j, w) in engine.projs[k].weights_si() {
            m[j as usize * np + i as usize] += w * factor;
            synapses += 1;
        }
        let got =
            values(&nodes[format!("{}_to_{}", pre.name, post.name).as_str()]["params"]["weight"]);
        assert_eq!(got.len(), m.len());
        let scale = m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        for (a, b) in got.iter().zip(&m) {
            assert!(
                (a - b).abs() <= 1e-6 * scale,
                "{}: NIR weight {a} but bra simulates {b}",
                pr.name
            );
        }
        let nonzero = got.iter().filter(|x| **x != 0.0).count();
        assert!(nonzero > 0, "{}: no synapses", pr.name);
    }
    assert_eq!(synapses, engine.synapse_count());
    // The normal law really varies the In -> E weights (2 mV ± 0.5 mV).
    let w: Vec<f64> = values(&nodes["In_to_E"]["params"]["weight"])
        .into_iter()
        .filter(|x| *x != 0.0)
        .map(|x| x / (0.005 / r_e) * 1e3)
        .collect();
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    assert!(
        (mean - 2.0).abs() < 0.25 && w.iter().any(|x| (x - 2.0).abs() > 0.1),
        "In -> E weights in mV: mean {mean}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Graphs equal in nodes, types, parameters (to `rel`) and edges.
fn same_graph(a: &bra_export::nir::Graph, b: &bra_export::nir::Graph, rel: f64) {
    let ka: Vec<&String> = a.nodes.keys().collect();
    let kb: Vec<&String> = b.nodes.keys().collect();
    assert_eq!(ka, kb, "the same nodes");
    for (name, na) in &a.nodes {
        let nb = &b.nodes[name];
        assert_eq!(na.kind, nb.kind, "type of {name}");
        let pa: Vec<&String> = na.params.keys().collect();
        let pb: Vec<&String> = nb.params.keys().collect();
        assert_eq!(pa, pb, "parameters of {name}");
        for (k, x) in &na.params {
            let y = &nb.params[k];
            assert_eq!(x.shape, y.shape, "{name}.{k} shape");
            for (u, v) in x.data.iter().zip(&y.data) {
                assert!(close(*u, *v, rel), "{name}.{k}: {u} vs {v}");
            }
        }
    }
    let ea: BTreeSet<&(String, String)> = a.edges.iter().collect();
    let eb: BTreeSet<&(String, String)> = b.edges.iter().collect();
    assert_eq!(ea, eb, "the same edges");
}

#[test]
fn round_trip_export_import_export_gives_the_same_graph() {
    let dir = tmp("nir", "roundtrip");
    // The fixture has one weight per flow (bra's flows hold one weight or a
    // law; drawn per-synapse weights cannot come back, see the next test).
    let spec = dir.join("small.bra");
    std::fs::copy(fixture(), &spec).expect("copy the fixture");
    let a = dir.join("a.nir");
    let out = export(&spec, &a);
    assert!(out.status.success(), "export failed:\n{}", text(&out));
    let back = dir.join("back.bra");
    let out = import(&a, &back);
    assert!(out.status.success(), "import failed:\n{}", text(&out));
    let imported = std::fs::read_to_string(&back).expect("imported spec");
    assert!(imported.contains("exponential(tau: 5 ms)"), "{imported}");
    assert!(imported.contains("t_ref: 0 ms"), "{imported}");
    assert!(
        imported.contains("stimulus Drive -> I"),
        "the stimulus comes back:\n{imported}"
    );
    assert!(
        imported.contains("connect = all_to_all()"),
        "a full matrix is all_to_all:\n{imported}"
    );
    assert!(
        dir.join("back_nir/E_to_E.csv").exists(),
        "random connectivity goes to a from_file CSV"
    );
    let chk = cli(&["check"], &[&back]);
    assert!(
        chk.status.success(),
        "bra check rejects the import:\n{}\n{imported}",
        text(&chk)
    );
    let fmt = cli(&["fmt", "--check"], &[&back]);
    assert!(
        fmt.status.success(),
        "the import is bra fmt-clean:\n{}",
        text(&fmt)
    );
    let b = dir.join("b.nir");
    let out = export(&back, &b);
    assert!(out.status.success(), "re-export failed:\n{}", text(&out));
    let ga = bra_export::nir::h5::read(&a).expect("read a").graph;
    let gb = bra_export::nir::h5::read(&b).expect("read b").graph;
    same_graph(&ga, &gb, 1e-12);
    for k in ["dt", "duration", "seed"] {
        assert_eq!(ga.metadata.get(k), gb.metadata.get(k), "metadata {k}");
    }
    // The imported spec runs with as many synapses as the original.
    let count = |spec: &Path, o: &str| -> u64 {
        let run_dir = dir.join(o);
        let sim = cli(&["simulate"], &[spec, Path::new("-o"), &run_dir]);
        assert!(sim.status.success(), "simulate failed:\n{}", text(&sim));
        let s: Json = serde_json::from_str(
            &std::fs::read_to_string(run_dir.join("summary.json")).expect("summary"),
        )
        .expect("json");
        s["synapses"].as_u64().expect("synapses")
    };
    assert_eq!(count(&spec, "run_a"), count(&back, "run_b"));
    // And the reference reader loads the re-export.
    if let Some(j) = read_py(&b) {
        assert_eq!(j["nodes"]["E"]["type"], "CubaLIF");
        assert_eq!(j["nodes"]["I"]["type"], "LIF");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_refuses_per_synapse_weights_naming_the_node() {
    let dir = tmp("nir", "hetero");
    let a = dir.join("a.nir");
    let out = export(&fixture_with_law(&dir), &a);
    assert!(out.status.success(), "export failed:\n{}", text(&out));
    let spec = dir.join("back.bra");
    let out = import(&a, &spec);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("`In_to_E`") && log.contains("differ between synapses"),
        "{log}"
    );
    assert!(!spec.exists(), "nothing is written");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A graph written by `nir.write` itself (unit-free values read as SI).
const FOREIGN: &str = r#"
import sys
import numpy as np
import nir

n_in, n = 3, 2
g = nir.NIRGraph(
    nodes={
        "x": nir.Input(input_type=np.array([n_in])),
        "fc": nir.Linear(weight=np.full((n, n_in), 2e-13)),
        "lif.0": nir.LIF(
            tau=np.full(n, 0.02),
            r=np.full(n, 1e8),
            v_leak=np.zeros(n),
            v_threshold=np.full(n, 0.015),
            v_reset=np.zeros(n),
        ),
        "y": nir.Output(output_type=np.array([n])),
    },
    edges=[("x", "fc"), ("fc", "lif.0"), ("lif.0", "y")],
)
nir.write(sys.argv[1], g)
bad = nir.NIRGraph(
    nodes={
        "x": nir.Input(input_type=np.array([n])),
        "integrator": nir.IF(r=np.ones(n), v_threshold=np.ones(n)),
        "y": nir.Output(output_type=np.array([n])),
    },
    edges=[("x", "integrator"), ("integrator", "y")],
)
nir.write(sys.argv[2], bad)
"#;

#[test]
fn graphs_written_by_nir_write_are_imported_or_refused_with_reasons() {
    let dir = tmp("nir", "foreign");
    let script = dir.join("write.py");
    std::fs::write(&script, FOREIGN).expect("script");
    let (good, bad) = (dir.join("good.nir"), dir.join("bad.nir"));
    if python(&script, &[&good, &bad]).is_none() {
        return;
    }
    let spec = dir.join("foreign.bra");
    let out = import(&good, &spec);
    assert!(out.status.success(), "import failed:\n{}", text(&out));
    let t = std::fs::read_to_string(&spec).expect("spec");
    // r = 1e8 Ω and tau = 20 ms give c_m = 200 pF; a charge of 2e-13 C onto
    // it is a 1 mV jump; no Delay node: one step, said in a comment.
    assert!(t.contains("c_m: 200 pF"), "{t}");
    assert!(t.contains("weight = 1 mV"), "{t}");
    assert!(t.contains("all_to_all()"), "{t}");
    assert!(t.contains("bra's shortest delay is one step"), "{t}");
    assert!(
        t.contains("silent Poisson source"),
        "the open Input is explained:\n{t}"
    );
    assert!(t.contains("lif_0"), "NIR names become identifiers:\n{t}");
    let chk = cli(&["check"], &[&spec]);
    assert!(chk.status.success(), "bra check:\n{}\n{t}", text(&chk));
    let out = import(&bad, &dir.join("bad.bra"));
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("`integrator`") && log.contains("IF"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn specs_nir_cannot_express_are_refused_naming_the_component() {
    let dir = tmp("nir", "refuse");
    let out_file = dir.join("cuba.nir");
    let out = export(&root().join("specs/cuba.bra"), &out_file);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("`E`") && log.contains("t_ref = 5 ms") && log.contains("no refractory"),
        "{log}"
    );
    assert!(log.contains("v_init"), "initial values are refused:\n{log}");
    assert!(
        log.contains("one synaptic time constant"),
        "two synaptic taus onto E are refused:\n{log}"
    );
    assert!(!out_file.exists(), "nothing is written");
    let out = export(&root().join("specs/basal_ganglia.bra"), &out_file);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("`Thal`") && log.contains("NIR has no node for `izhikevich`"),
        "{log}"
    );
    let out = export(&root().join("specs/stdp_pattern.bra"), &out_file);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("no plasticity"), "{log}");
    assert!(!out_file.exists(), "nothing is written");
    let _ = std::fs::remove_dir_all(&dir);
}
