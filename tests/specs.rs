//! Every spec under `specs/` parses, resolves and checks clean; its AST is
//! snapshotted (spans stripped) so that a reviewer sees what a change does.

use bra_model::Model;
use bra_syntax::Severity;
use std::path::Path;

#[path = "support/mod.rs"]
mod support;
use support::{specs, stem};

#[test]
fn every_spec_checks_clean() {
    let specs = specs();
    assert!(specs.len() >= 5, "the five reference specs are present");
    for path in specs {
        let (model, loaded) = Model::load(&path);
        assert!(
            loaded.diagnostics.is_empty(),
            "{}: {:#?}",
            path.display(),
            loaded.diagnostics
        );
        let diags = bra_check::check(&model);
        let bad: Vec<String> = diags
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| bra_syntax::diag::render(d, &model.sources, false))
            .collect();
        assert!(
            bad.is_empty(),
            "{} is not clean:\n{}",
            path.display(),
            bad.join("\n")
        );
        assert_eq!(model.projects.len(), 1, "{}: one project", path.display());
        assert!(
            !model.components.is_empty(),
            "{}: has components",
            path.display()
        );
        assert!(
            model
                .flows
                .iter()
                .all(|f| f.from.is_some() && f.to.is_some())
        );
    }
}

#[test]
fn every_spec_ast_snapshot() {
    for path in specs() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (file, errors) = bra_syntax::parse(&text, bra_syntax::FileId(0));
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        // The property that matters beside the snapshot: every item's span
        // slices back to text that starts with its keyword.
        for item in &file.items {
            assert!(text[item.span.range()].starts_with(item.kind.keyword()));
        }
        insta::assert_yaml_snapshot!(
            format!("ast__{}", stem(&path)),
            bra_syntax::ast::shape(&file)
        );
    }
}

#[test]
fn every_spec_compiles_and_its_ir_is_snapshotted() {
    for path in specs() {
        let (model, loaded) = Model::load(&path);
        assert!(loaded.diagnostics.is_empty());
        let (net, diags) = bra_compile::compile(&model);
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        // One population per component, one projection per flow, one input
        // per stimulus; every population has neurons; ids are dense.
        assert_eq!(
            net.populations.len(),
            model.components.len(),
            "{}",
            path.display()
        );
        assert_eq!(
            net.projections.len(),
            model.flows.len(),
            "{}",
            path.display()
        );
        assert_eq!(net.inputs.len(), model.stimuli.len(), "{}", path.display());
        for (i, p) in net.populations.iter().enumerate() {
            assert_eq!(p.id as usize, i);
            assert!(p.size >= 1, "{}: {} is empty", path.display(), p.name);
            if let Some([r, c]) = p.shape {
                assert_eq!(r * c, p.size);
            }
        }
        for pr in &net.projections {
            assert!(
                (pr.pre as usize) < net.populations.len()
                    && (pr.post as usize) < net.populations.len()
            );
        }
        assert!(net.run.dt > 0.0 && net.run.duration > 0.0);
        // Deterministic: compiling twice gives the same bytes.
        let a = serde_json::to_string(&net).expect("json");
        let b = serde_json::to_string(&bra_compile::compile(&model).0).expect("json");
        assert_eq!(a, b);
        // Origins name the file as it was opened (an absolute path here):
        // show it relative to the repository so the snapshot is the same on
        // every machine and checkout.
        let mut value = serde_json::to_value(&net).expect("json");
        relative_files(&mut value, &format!("specs/{}.bra", stem(&path)));
        insta::assert_json_snapshot!(format!("ir__{}", stem(&path)), value);
    }
}

/// Replace every `"file": …` in a JSON tree by `name`.
fn relative_files(v: &mut serde_json::Value, name: &str) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "file" && x.is_string() {
                    *x = serde_json::Value::String(name.to_string());
                } else {
                    relative_files(x, name);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|x| relative_files(x, name)),
        _ => {}
    }
}

#[test]
fn cuba_compiles_to_the_benchmark_network() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/cuba.bra");
    let (model, _) = Model::load(&path);
    let (net, _) = bra_compile::compile(&model);
    let sizes: Vec<(String, u64)> = net
        .populations
        .iter()
        .map(|p| (p.name.clone(), p.size))
        .collect();
    assert_eq!(sizes, vec![("E".to_string(), 3200), ("I".to_string(), 800)]);
    assert_eq!(net.projections.len(), 4);
    for pr in &net.projections {
        assert_eq!(pr.connector.kind, "fixed_probability");
        assert_eq!(
            pr.connector.params.get("p").and_then(|v| v.as_real()),
            Some(0.02)
        );
    }
    let est = bra_compile::estimate::estimate(&net);
    assert_eq!(est.neurons, 4000);
    assert!((est.synapses_expected - 320_000.0).abs() < 1.0);
}
