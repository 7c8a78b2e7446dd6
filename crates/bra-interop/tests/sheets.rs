//! The BRA template sheets: lossless both ways (on hand-written sheets of a
//! cerebellar BRA and on every spec in `specs/`), readable by an independent
//! CSV reader, and every kind of bad input answered by a located diagnostic
//! with nothing written.

use bra_interop::sheets::{self, Sheet};
use bra_syntax::ast::{File, shape};
use bra_syntax::{Diagnostic, FileId, Severity, Sources};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/bra-csv/cerebellum")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bra-sheets-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

fn parse(text: &str) -> File {
    let (f, errors) = bra_syntax::parse(text, FileId(0));
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    f
}

fn import(dir: &Path) -> (sheets::SheetsImport, Sources) {
    let mut sources = Sources::new();
    match sheets::import_dir(dir, &mut sources) {
        Ok(i) => (i, sources),
        Err(d) => panic!("{}", render(&d, &sources)),
    }
}

fn render(d: &[Diagnostic], sources: &Sources) -> String {
    d.iter()
        .map(|d| bra_syntax::diag::render(d, sources, false))
        .collect()
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn hand_written_sheets_round_trip_byte_for_byte() {
    let (imported, _) = import(&fixture());
    assert!(
        imported.diagnostics.is_empty(),
        "{:?}",
        imported.diagnostics
    );
    assert_eq!(
        imported.summary,
        sheets::ImportSummary {
            projects: 1,
            references: 4,
            circuits: 11,
            connections: 13,
            components: 6,
            functions: 4,
        }
    );
    let spec = parse(&imported.text);
    assert_eq!(
        bra_syntax::format_source(&imported.text, FileId(0)).expect("parses"),
        imported.text,
        "the import is canonical"
    );
    let exported = sheets::export(&[spec]);
    let want = read_dir(&fixture());
    let got: Vec<(String, Vec<u8>)> = {
        let mut v: Vec<(String, Vec<u8>)> = exported
            .files
            .iter()
            .map(|(n, t)| (n.clone(), t.as_bytes().to_vec()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(want.len(), 5);
    for ((wn, wb), (gn, gb)) in want.iter().zip(&got) {
        assert_eq!(wn, gn);
        assert_eq!(
            String::from_utf8_lossy(gb),
            String::from_utf8_lossy(wb),
            "{wn}: sheets -> spec -> sheets changed the bytes"
        );
    }
    assert!(
        exported.summary.not_carried.is_empty(),
        "{:?}",
        exported.summary.not_carried
    );
    // What the sheets carry shows in the spec.
    for needle in [
        "project `CB-microcircuit`",
        "circuit `MLI.BC+SC` \"molecular-layer interneurons (basket and stellate cells)\"",
        "parts = [`DCN~IP`, `DCN/GABA`]",
        "taxon = [Cat, Rat]",
        "sender_relation = \">\"",
        "size = 1.75e5",
        "function adapt \"Learn to predict and correct movement errors\"",
        "parts = [PC_CBC, `MLI.BC+SC`, `DCN~IP`]",
        "bibtex = \"@book{ito1984,",
        "authors = \"Apps R, Garwicz M\"",
    ] {
        assert!(
            imported.text.contains(needle),
            "missing `{needle}` in\n{}",
            imported.text
        );
    }
    insta::assert_snapshot!("cerebellum_spec", imported.text);
}

fn specs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("specs"))
        .expect("specs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "bra"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_spec_round_trips_through_the_sheets() {
    let specs = specs();
    assert!(specs.len() >= 5);
    for path in specs {
        let loaded = bra_model::load(&path);
        assert!(loaded.diagnostics.is_empty(), "{}", path.display());
        let files: Vec<File> = loaded.files.iter().map(|(_, f)| f.clone()).collect();
        let exported = sheets::export(&files);
        let dir = tmp(&path.file_stem().expect("stem").to_string_lossy());
        bra_interop::write::write_files_atomic(&dir, &exported.files).expect("write");
        let (imported, _) = import(&dir);
        let back = parse(&imported.text);

        // spec -> sheets -> spec: the same tree for what the sheets carry.
        let all = File {
            items: files.iter().flat_map(|f| f.items.clone()).collect(),
            comments: Vec::new(),
        };
        let before = sheets::carried(&all);
        let after = sheets::carried(&back);
        assert_eq!(
            shape(&before),
            shape(&after),
            "{}: spec -> sheets -> spec lost something",
            path.display()
        );
        // ... and that is not nothing: every circuit, connection,
        // reference, component and function is there.
        let model = bra_model::Model::build(loaded.sources.clone(), &loaded.files);
        let count = |k| before.items.iter().filter(|i| i.kind == k).count();
        use bra_syntax::ast::ItemKind as K;
        assert_eq!(count(K::Circuit), model.circuits.len());
        assert_eq!(count(K::Connection), model.connections.len());
        assert_eq!(count(K::Reference), model.references.len());
        assert_eq!(count(K::Component), model.components.len());
        assert_eq!(count(K::Function), model.functions.len());

        // sheets -> spec -> sheets: the same bytes.
        let again = sheets::export(&[back]);
        assert_eq!(again.files, exported.files, "{}", path.display());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn an_independent_csv_reader_reads_the_sheets_as_written() {
    for path in specs() {
        let loaded = bra_model::load(&path);
        let files: Vec<File> = loaded.files.iter().map(|(_, f)| f.clone()).collect();
        let exported = sheets::export(&files);
        for ((name, text), sheet) in exported.files.iter().zip(Sheet::ALL) {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(false)
                .from_reader(text.as_bytes());
            let records: Vec<csv::StringRecord> = reader
                .records()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let header: Vec<&str> = records[0].iter().collect();
            assert_eq!(header, sheet.columns(), "{name}");
            // Written back by the csv crate with minimal quoting, the bytes are ours.
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            for r in &records {
                w.write_record(r).expect("write");
            }
            let theirs = String::from_utf8(w.into_inner().expect("flush")).expect("utf8");
            assert_eq!(&theirs, text, "{}: {name}", path.display());
        }
    }
}

// ---------------------------------------------------------------- bad input

/// A copy of the fixture with one sheet replaced (or removed when `None`).
fn mutated(name: &str, sheet: &str, content: Option<Vec<u8>>) -> PathBuf {
    let dir = tmp(name);
    for (n, bytes) in read_dir(&fixture()) {
        std::fs::write(dir.join(&n), bytes).expect("copy");
    }
    match content {
        Some(c) => std::fs::write(dir.join(sheet), c).expect("write"),
        None => std::fs::remove_file(dir.join(sheet)).expect("remove"),
    }
    dir
}

fn sheet_text(sheet: &str) -> String {
    std::fs::read_to_string(fixture().join(sheet)).expect("fixture")
}

/// Import a broken folder: it must fail with `code` at (line, column) in
/// `sheet`; returns the diagnostic.
fn fails(dir: &Path, code: &str, sheet: &str, line: usize, column: usize) -> Diagnostic {
    let mut sources = Sources::new();
    let diags = match sheets::import_dir(dir, &mut sources) {
        Ok(i) => panic!("imported a broken folder:\n{}", i.text),
        Err(d) => d,
    };
    let d = diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in\n{}", render(&diags, &sources)))
        .clone();
    assert_eq!(d.severity, Severity::Error);
    let l = d.primary().expect("located");
    let f = sources.get(l.file);
    assert!(f.path.ends_with(sheet), "{} is not {sheet}", f.path);
    assert_eq!(
        f.line_col(l.span.start),
        (line, column),
        "{}",
        render(std::slice::from_ref(&d), &sources)
    );
    d
}

/// Import a folder with a problem that is only a warning.
fn warns(dir: &Path, code: &str, sheet: &str, line: usize) -> sheets::SheetsImport {
    let mut sources = Sources::new();
    let imported = sheets::import_dir(dir, &mut sources)
        .unwrap_or_else(|d| panic!("{}", render(&d, &sources)));
    let d = imported
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code}: {:?}", imported.diagnostics));
    assert_eq!(d.severity, Severity::Warning);
    let l = d.primary().expect("located");
    let f = sources.get(l.file);
    assert!(f.path.ends_with(sheet));
    assert_eq!(f.line_col(l.span.start).0, line);
    imported
}

#[test]
fn malformed_csv_is_located() {
    // An unterminated quote in the last row.
    let text = sheet_text("Circuits.csv").replacen("\nRN,DHBA,", "\nRN,DHBA,\"", 1);
    let d = fails(
        &mutated("quote", "Circuits.csv", Some(text.into_bytes())),
        "I010",
        "Circuits.csv",
        12,
        9,
    );
    assert!(d.message.contains("never closed"), "{}", d.message);
    // Text after a closing quote.
    let text = sheet_text("Circuits.csv").replacen("\nCBC,DHBA,", "\nCBC,\"DHBA\"x,", 1);
    let d = fails(
        &mutated("after", "Circuits.csv", Some(text.into_bytes())),
        "I010",
        "Circuits.csv",
        3,
        11,
    );
    assert!(
        d.message.contains("after the closing quote"),
        "{}",
        d.message
    );
    // A stray quote inside a cell.
    let text = sheet_text("Circuits.csv").replacen("granule cells", "granule \"cells", 1);
    fails(
        &mutated("stray", "Circuits.csv", Some(text.into_bytes())),
        "I010",
        "Circuits.csv",
        4,
        23,
    );
    // A row with a cell too few.
    let text = sheet_text("Connections.csv").replacen(",Fig. 1\n", "\n", 1);
    let d = fails(
        &mutated("cells", "Connections.csv", Some(text.into_bytes())),
        "I010",
        "Connections.csv",
        2,
        1,
    );
    assert!(
        d.message.contains("row 2: 12 cells, but the header has 13"),
        "{}",
        d.message
    );
}

#[test]
fn a_missing_column_is_named() {
    let text = sheet_text("Circuits.csv").replacen("Modulation Type", "Modulation", 1);
    let d = fails(
        &mutated("column", "Circuits.csv", Some(text.into_bytes())),
        "I011",
        "Circuits.csv",
        1,
        1,
    );
    assert!(d.message.contains("`Modulation Type`"), "{}", d.message);
}

#[test]
fn unknown_enum_values_are_refused_with_a_suggestion() {
    let text =
        sheet_text("Circuits.csv").replacen("TRUE,GABA,Inhibitory", "TRUE,GABA,Inhibitroy", 1);
    let d = fails(
        &mutated("enum", "Circuits.csv", Some(text.into_bytes())),
        "I013",
        "Circuits.csv",
        5,
        38,
    );
    assert!(
        d.message.contains("row 5, column G (`Modulation Type`)"),
        "{}",
        d.message
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `Inhibitory`?"));

    let text = sheet_text("Circuits.csv").replacen(",TRUE,Glutamate", ",yes,Glutamate", 1);
    fails(
        &mutated("uniform", "Circuits.csv", Some(text.into_bytes())),
        "I013",
        "Circuits.csv",
        2,
        47,
    );

    let text = sheet_text("Connections.csv").replacen("PN,>,", "PN,≥,", 1);
    fails(
        &mutated("relation", "Connections.csv", Some(text.into_bytes())),
        "I013",
        "Connections.csv",
        2,
        4,
    );

    let text = sheet_text("FRG.csv").replacen("\nR.teach,", "\nT.teach,", 1);
    fails(
        &mutated("prefix", "FRG.csv", Some(text.into_bytes())),
        "I013",
        "FRG.csv",
        4,
        1,
    );
}

#[test]
fn a_duplicate_id_labels_both_rows() {
    let text = sheet_text("Circuits.csv").replacen("\nGoC,", "\nGrC,", 1);
    let d = fails(
        &mutated("dup", "Circuits.csv", Some(text.into_bytes())),
        "I014",
        "Circuits.csv",
        5,
        1,
    );
    assert!(d.message.contains("first in row 4"), "{}", d.message);
    assert_eq!(d.labels.len(), 2);
}

#[test]
fn a_bom_and_mixed_line_endings_are_warnings() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(sheet_text("Circuits.csv").into_bytes());
    let imported = warns(
        &mutated("bom", "Circuits.csv", Some(bom)),
        "I015",
        "Circuits.csv",
        1,
    );
    let (clean, _) = import(&fixture());
    // The first line names the folder.
    let body = |t: &str| {
        t.split_once('\n')
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        body(&imported.text),
        body(&clean.text),
        "the BOM changes nothing"
    );

    let text = sheet_text("Circuits.csv").replacen("\nGoC,", "\r\nGoC,", 1);
    let imported = warns(
        &mutated("crlf", "Circuits.csv", Some(text.into_bytes())),
        "I016",
        "Circuits.csv",
        4,
    );
    assert_eq!(
        body(&imported.text),
        body(&clean.text),
        "both line endings are read"
    );
}

#[test]
fn other_bad_folders() {
    // Not UTF-8.
    let mut bytes = sheet_text("Circuits.csv").into_bytes();
    bytes[60] = 0xff;
    let mut sources = Sources::new();
    let d = sheets::import_dir(&mutated("utf8", "Circuits.csv", Some(bytes)), &mut sources)
        .expect_err("not UTF-8");
    assert_eq!(d[0].code, "I002");

    // No Circuits sheet: an error; no FRG sheet: a warning, the rest imports.
    let mut sources = Sources::new();
    let d = sheets::import_dir(&mutated("nocircuits", "Circuits.csv", None), &mut sources)
        .expect_err("required");
    assert!(d.iter().any(|d| d.code == "I019" && d.is_error()));
    let mut sources = Sources::new();
    let i = sheets::import_dir(&mutated("nofrg", "FRG.csv", None), &mut sources).expect("optional");
    assert!(
        i.diagnostics
            .iter()
            .any(|d| d.code == "I019" && !d.is_error())
    );
    assert_eq!(i.summary.circuits, 11);

    // An empty sheet has no header.
    fails(
        &mutated("empty", "References.csv", Some(Vec::new())),
        "I011",
        "References.csv",
        1,
        1,
    );

    // An ID with a backtick, and a row without its ID.
    let text = sheet_text("Circuits.csv").replacen("\nGoC,", "\nGo`C,", 1);
    fails(
        &mutated("backtick", "Circuits.csv", Some(text.into_bytes())),
        "I017",
        "Circuits.csv",
        5,
        1,
    );
    let text = sheet_text("Connections.csv").replacen("\nGoC,=,,GrC", "\nGoC,=,,", 1);
    fails(
        &mutated("noreceiver", "Connections.csv", Some(text.into_bytes())),
        "I017",
        "Connections.csv",
        8,
        1,
    );

    // A column the template does not have: a warning.
    let text = sheet_text("Project.csv")
        .replacen("BRA version\n", "BRA version,Colour\n", 1)
        .replacen(",2.2\n", ",2.2,red\n", 1);
    warns(
        &mutated("extra", "Project.csv", Some(text.into_bytes())),
        "I012",
        "Project.csv",
        1,
    );

    // Not a folder.
    let mut sources = Sources::new();
    let d = sheets::import_dir(&fixture().join("Circuits.csv"), &mut sources).expect_err("a file");
    assert_eq!(d[0].code, "I019");
}
