//! Every spec under `specs/` parses, resolves and checks clean; its AST is
//! snapshotted (spans stripped) so that a reviewer sees what a change does.

use bra_model::Model;
use bra_syntax::Severity;
use std::path::{Path, PathBuf};

fn specs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("specs/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "bra"))
        .collect();
    out.sort();
    out
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

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
