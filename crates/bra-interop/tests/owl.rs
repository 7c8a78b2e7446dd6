//! The OWL importer: the mapping on a small file written for it (snapshot),
//! the real WBRA data (every class appears, the output is canonical), and
//! bad input (a located diagnostic, never a panic).

use bra_interop::owl;
use bra_syntax::ast::ItemKind;
use bra_syntax::{Diagnostic, FileId, Sources};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/owl")
        .join(name)
}

fn import(name: &str) -> owl::OwlImport {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let mut sources = Sources::new();
    owl::import(&mut sources, name, &bytes).expect("imports")
}

/// Import bytes that must fail; returns the diagnostics and where the first
/// one points (line, column) in the named file.
fn refuse(bytes: &[u8]) -> (Vec<Diagnostic>, Sources) {
    let mut sources = Sources::new();
    match owl::import(&mut sources, "bad.owl", bytes) {
        Ok(x) => panic!("imported bad input: {}", x.text),
        Err(d) => (d, sources),
    }
}

fn place(d: &Diagnostic, sources: &Sources) -> (String, usize, usize) {
    let l = d.primary().expect("a labelled place");
    let f = sources.get(l.file);
    let (line, col) = f.line_col(l.span.start);
    (f.path.clone(), line, col)
}

#[test]
fn small_file_maps_every_statement_or_keeps_it_as_a_comment() {
    let out = import("small.owl");
    assert_eq!(
        out.summary,
        owl::Summary {
            circuits: 5,
            uniform: 4,
            connections: 3,
            references: 3,
            unmapped: 8,
            foreign_iris: 1,
        }
    );
    // Canonical: the formatter leaves it as it is.
    assert_eq!(
        bra_syntax::format_source(&out.text, FileId(0)).expect("parses"),
        out.text
    );
    // Every unmapped statement is one comment.
    assert_eq!(out.text.matches("// not mapped (line").count(), 8);
    // Parts from hasPart, partOf and subclassing.
    assert!(out.text.contains("parts = [DG, CA3, EC2]"), "{}", out.text);
    assert!(out.text.contains("parts = [`CA3-3ARat`]"), "{}", out.text);
    // The http:// IRI is not taken for an https:// one.
    assert!(out.text.contains("-> `http://wba-initiative.org/wbra/STR`"));
    insta::assert_snapshot!("small", out.text);
}

#[test]
fn real_wbra_data_every_class_appears() {
    let out = import("wbra_bif_converted.owl");
    assert_eq!(
        (
            out.summary.circuits,
            out.summary.uniform,
            out.summary.connections
        ),
        (95, 34, 85)
    );
    assert_eq!(
        out.summary.unmapped, 0,
        "every statement of the WBRA file maps"
    );
    let (file, errors) = bra_syntax::parse(&out.text, FileId(0));
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        bra_syntax::format_source(&out.text, FileId(0)).expect("parses"),
        out.text,
        "the import is `bra fmt`-clean"
    );
    // Every class IRI of the file is the name of a circuit or a connection.
    let text = std::fs::read_to_string(fixture("wbra_bif_converted.owl")).expect("fixture");
    let names: std::collections::HashSet<String> = file
        .items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Circuit | ItemKind::Connection))
        .filter_map(|i| i.name.as_ref().map(|n| n.name.clone()))
        .collect();
    let mut classes = 0;
    for piece in text.split("<owl:Class rdf:about=\"").skip(1) {
        let iri = &piece[..piece.find('"').expect("closing quote")];
        let local = iri.rsplit('/').next().expect("local name");
        assert!(names.contains(local), "{local} is missing from the import");
        classes += 1;
    }
    assert_eq!(classes, 180);
    // Labels, sizes, functionality, references and taxa come along.
    for needle in [
        "circuit Str \"striatum\" { parts = [Matrix, Striosome], tag = \"BG\" }",
        "reference physrev.00014.2007 { doi = \"10.1152/physrev.00014.2007\" }",
        "connection `CA3-CA1`: CA3 -> CA1 { transmitter = Glutamate, size = 200000.0 }",
        "taxon = [Rat, \"http://purl.obolibrary.org/obo/NCBITaxon_10116\"]",
        "connection `SNC-STR`: SNC -> `http://wba-initiative.org/wbra/STR`",
    ] {
        assert!(out.text.contains(needle), "missing: {needle}");
    }
    // Every bifd:functionality, bifd:size and bifd:reference value is there.
    let count = |key: &str| -> usize {
        fn walk(items: &[bra_syntax::ast::Item], key: &str) -> usize {
            items
                .iter()
                .map(|i| {
                    let own = i.property(key).map_or(0, |p| match &p.value.kind {
                        bra_syntax::ast::ExprKind::List(xs) => xs.len(),
                        _ => 1,
                    });
                    own + walk(&i.children().cloned().collect::<Vec<_>>(), key)
                })
                .sum()
        }
        walk(&file.items, key)
    };
    assert_eq!(
        count("functionality"),
        text.matches("<bifd:functionality").count()
    );
    assert_eq!(count("size"), text.matches("<bifd:size").count());
    assert_eq!(count("reference"), text.matches("<bifd:reference").count());
}

#[test]
fn malformed_xml_is_located() {
    let (d, s) = refuse(b"<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  <a></b>\n</rdf:RDF>\n");
    assert_eq!(d[0].code, "I001");
    let (path, line, _) = place(&d[0], &s);
    assert_eq!((path.as_str(), line), ("bad.owl", 3));
    assert!(d[0].labels[0].message.contains("malformed"), "{:?}", d[0]);
}

#[test]
fn truncated_not_utf8_not_rdf_and_empty_files_are_refused() {
    let full = std::fs::read(fixture("small.owl")).expect("fixture");
    let (d, s) = refuse(&full[..full.len() / 2]);
    assert_eq!(d[0].code, "I001");
    assert!(place(&d[0], &s).1 > 1);

    let (d, s) = refuse(
        b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\xff</rdf:RDF>",
    );
    assert_eq!(d[0].code, "I002");
    assert_eq!(place(&d[0], &s).1, 1);

    let (d, _) = refuse(b"<html><body/></html>");
    assert_eq!(d[0].code, "I003");
    assert!(d[0].message.contains("`<html>`"));

    let (d, _) = refuse(b"");
    assert_eq!(d[0].code, "I001");

    let deep = format!(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">{}",
        "<x>".repeat(10_000)
    );
    let (d, _) = refuse(deep.as_bytes());
    assert_eq!(d[0].code, "I001");
}

#[test]
fn no_cut_of_a_real_file_panics() {
    let full = std::fs::read(fixture("wbra_bif_converted.owl")).expect("fixture");
    // Cut anywhere (inside tags, names, entities, multi-byte characters):
    // every prefix gets an answer.
    let mut k = 0;
    while k < full.len() {
        let mut sources = Sources::new();
        let _ = owl::import(&mut sources, "cut.owl", &full[..k]);
        k += 997;
    }
}

#[test]
fn a_bom_is_accepted_in_xml() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(fixture("small.owl")).expect("fixture"));
    let mut sources = Sources::new();
    let out = owl::import(&mut sources, "bom.owl", &bytes).expect("XML allows a BOM");
    assert_eq!(out.summary.circuits, 5);
}

#[test]
fn the_ontology_itself_has_no_data_and_says_so() {
    let bytes = std::fs::read(fixture("bifd.owl")).expect("fixture");
    let mut sources = Sources::new();
    let out = owl::import(&mut sources, "bifd.owl", &bytes).expect("imports");
    assert_eq!((out.summary.circuits, out.summary.connections), (0, 0));
    assert_eq!(out.diagnostics[0].code, "I004");
    // Every declaration is kept as a comment, none lost.
    assert_eq!(out.summary.unmapped, 27);
    assert_eq!(out.text.matches("// not mapped (line").count(), 27);
}
