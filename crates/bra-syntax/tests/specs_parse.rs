//! Every example architecture under `specs/` parses without a syntax error.
//!
//! The specs are what researchers read first, so a grammar change that breaks
//! one of them must fail here, in the syntax crate, before any later stage
//! sees it.

use bra_syntax::ast::ItemKind;
use bra_syntax::{FileId, parse};
use std::path::PathBuf;

/// The specs every checkout must carry.
const REQUIRED: [&str; 5] = [
    "hippocampus.bra",
    "basal_ganglia.bra",
    "cerebellum_vor.bra",
    "gain_sheet.bra",
    "cuba.bra",
];

fn specs_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs"))
}

/// Every `*.bra` file of `specs/`, sorted by name.
fn spec_files() -> Vec<PathBuf> {
    let dir = specs_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bra"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_required_specs_are_present() {
    let names: Vec<String> = spec_files()
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for required in REQUIRED {
        assert!(
            names.iter().any(|n| n == required),
            "specs/{required} is missing (found {names:?})"
        );
    }
}

#[test]
fn every_spec_parses_without_errors() {
    let files = spec_files();
    assert!(
        files.len() >= REQUIRED.len(),
        "specs/ holds the example specs"
    );
    for path in files {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let (file, errors) = parse(&text, FileId(0));
        assert!(
            errors.is_empty(),
            "{} has syntax errors: {errors:#?}",
            path.display()
        );
        assert!(!file.items.is_empty(), "{} has no items", path.display());
        let projects = file
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Project)
            .count();
        assert_eq!(
            projects,
            1,
            "{} declares exactly one project",
            path.display()
        );
    }
}
