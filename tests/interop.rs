//! End-to-end tests of `bra import`, `bra export` and `bra graph`, and of
//! `bra check` on imported data.
//!
//! The real WBAI data (`tests/fixtures/owl/wbra_bif_converted.owl`, a copy of
//! `shared/data`) is imported and checked, and the counts `bra check` reports
//! are compared with figures computed here straight from the XML, without the
//! importer.

use quick_xml::events::Event;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

#[path = "support/mod.rs"]
mod support;
use support::{bra, root, run, specs, stem};

fn tmp(name: &str) -> PathBuf {
    support::tmp("interop", name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn owl_fixture() -> PathBuf {
    root().join("tests/fixtures/owl/wbra_bif_converted.owl")
}

// ---------------------------------------------------------------- the XML, read here

/// What the OWL file says, read with quick-xml and nothing of the importer.
#[derive(Default, Debug)]
struct Owl {
    /// Class IRI → direct superclass IRIs.
    supers: HashMap<String, Vec<String>>,
    /// Class IRI → (onProperty local name, someValuesFrom IRI).
    restrictions: HashMap<String, Vec<(String, String)>>,
    /// Class IRI → property elements' local names (`reference`, `transmitter`, ...).
    props: HashMap<String, Vec<String>>,
}

fn local(iri: &str) -> &str {
    iri.rsplit(['/', '#']).next().unwrap_or(iri)
}

fn read_owl(path: &Path) -> Owl {
    let text = std::fs::read_to_string(path).expect("owl");
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut owl = Owl::default();
    let mut class: Option<String> = None;
    let mut on: Option<String> = None;
    let mut some: Option<String> = None;
    let attr = |e: &quick_xml::events::BytesStart, name: &[u8]| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == name)
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
    };
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match name.as_str() {
                    "owl:Class" => {
                        let about = attr(&e, b"rdf:about").expect("about");
                        owl.supers.entry(about.clone()).or_default();
                        class = Some(about);
                    }
                    "rdfs:subClassOf" => {
                        if let (Some(c), Some(r)) = (&class, attr(&e, b"rdf:resource")) {
                            owl.supers.entry(c.clone()).or_default().push(r);
                        }
                    }
                    "owl:onProperty" => on = attr(&e, b"rdf:resource"),
                    "owl:someValuesFrom" => some = attr(&e, b"rdf:resource"),
                    n if n.starts_with("bifd:") => {
                        if let Some(c) = &class {
                            owl.props
                                .entry(c.clone())
                                .or_default()
                                .push(n["bifd:".len()..].to_string());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"owl:Restriction" => {
                    if let (Some(c), Some(p), Some(v)) = (&class, on.take(), some.take()) {
                        owl.restrictions
                            .entry(c.clone())
                            .or_default()
                            .push((local(&p).to_string(), v));
                    }
                }
                b"owl:Class" => class = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    owl
}

/// The figures `bra check` must report on the imported file, computed from the XML.
fn expected_counts(owl: &Owl) -> BTreeMap<&'static str, usize> {
    let is = |c: &str, what: &str| owl.supers[c].iter().any(|s| local(s) == what);
    let circuits: HashSet<&String> = owl
        .supers
        .keys()
        .filter(|c| is(c, "Circuit") || is(c, "UniformCircuit"))
        .collect();
    let uniform: HashSet<&String> = circuits
        .iter()
        .copied()
        .filter(|c| is(c, "UniformCircuit"))
        .collect();
    let connections: Vec<&String> = owl.supers.keys().filter(|c| is(c, "Connection")).collect();
    let restr = |c: &str, p: &str| -> Vec<String> {
        owl.restrictions
            .get(c)
            .map(|r| {
                r.iter()
                    .filter(|(q, _)| q == p)
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let has_prop = |c: &str, p: &str| owl.props.get(c).is_some_and(|ps| ps.iter().any(|x| x == p));
    // A part: named by hasPart, or a subclass of another circuit.
    let mut has_parts: HashSet<String> = HashSet::new();
    for c in &circuits {
        if !restr(c, "hasPart").is_empty() {
            has_parts.insert((*c).clone());
        }
        for s in &owl.supers[*c] {
            if circuits.contains(s) {
                has_parts.insert(s.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    // SCID202: endpoints that are not circuits of the file.
    out.insert(
        "SCID202",
        connections
            .iter()
            .flat_map(|c| {
                restr(c, "inputCircuit")
                    .into_iter()
                    .chain(restr(c, "outputCircuit"))
            })
            .filter(|e| !circuits.contains(e))
            .count(),
    );
    // SCID203: senders that are circuits of the file but not uniform.
    out.insert(
        "SCID203",
        connections
            .iter()
            .filter(|c| {
                restr(c, "inputCircuit")
                    .iter()
                    .any(|s| circuits.contains(s) && !uniform.contains(s))
            })
            .count(),
    );
    out.insert(
        "SCID130",
        uniform
            .iter()
            .filter(|c| !has_prop(c, "transmitter"))
            .count(),
    );
    out.insert(
        "SCID131",
        uniform.iter().filter(|c| !has_prop(c, "modType")).count(),
    );
    out.insert(
        "SCID252",
        connections
            .iter()
            .filter(|c| !has_prop(c, "reference"))
            .count(),
    );
    out.insert(
        "SCID120",
        uniform.iter().filter(|c| has_parts.contains(**c)).count(),
    );
    out.insert(
        "SCID121",
        circuits
            .iter()
            .filter(|c| !uniform.contains(*c) && !has_parts.contains(**c))
            .count(),
    );
    out
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn real_owl_data_imports_and_checks_with_the_counts_the_xml_gives() {
    let dir = tmp("owl");
    let spec = dir.join("wbra.bra");
    let mut cmd = bra();
    cmd.arg("import")
        .arg("owl")
        .arg(owl_fixture())
        .arg("-o")
        .arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported 95 circuits (34 uniform), 85 connections and 4 references"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("0 statements not mapped"));
    let text = std::fs::read_to_string(&spec).expect("written");
    assert!(text.starts_with("// Imported by `bra import owl` from wbra_bif_converted.owl"));

    // `bra fmt --check` agrees that the import is canonical.
    let mut cmd = bra();
    cmd.arg("fmt").arg("--check").arg(&spec);
    assert_eq!(run(cmd).status.code(), Some(0));

    let mut cmd = bra();
    cmd.arg("check").arg("--format").arg("json").arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1), "the real data has errors");
    let diags = json_lines(&out);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for d in &diags {
        *counts
            .entry(d["code"].as_str().expect("code").to_string())
            .or_default() += 1;
    }

    let owl = read_owl(&owl_fixture());
    let expected = expected_counts(&owl);
    for (code, n) in &expected {
        assert_eq!(
            counts.get(*code).copied().unwrap_or(0),
            *n,
            "{code}: bra check reports {:?}, the XML gives {n}",
            counts.get(*code)
        );
    }
    // The figures of the real data, as the XML gives them.
    assert_eq!(expected["SCID203"], 23);
    assert_eq!(expected["SCID202"], 4);
    insta::assert_yaml_snapshot!("owl_check_counts", counts);

    // Spans point into the generated file, at the endpoint as written.
    for d in diags
        .iter()
        .filter(|d| d["code"] == "SCID203" || d["code"] == "SCID202")
    {
        assert_eq!(d["file"].as_str(), Some(spec.to_string_lossy().as_ref()));
        let (s, e) = (
            d["span"]["start"].as_u64().expect("start") as usize,
            d["span"]["end"].as_u64().expect("end") as usize,
        );
        let written = &text[s..e];
        let name = written.trim_matches('`');
        let line = text[..s].lines().count();
        assert!(
            text.lines()
                .nth(line.saturating_sub(1))
                .is_some_and(|l| l.starts_with("connection ")),
            "{}: {written} is not on a connection's line",
            d["code"]
        );
        assert!(!name.is_empty());
    }

    // The human report ends with the counts per code.
    let mut cmd = bra();
    cmd.arg("check").arg(&spec);
    let out = run(cmd);
    let err = stderr(&out);
    let by_code = err
        .lines()
        .find(|l| l.starts_with("by code: "))
        .unwrap_or_else(|| {
            panic!(
                "no per-code summary in:\n{}",
                &err[err.len().saturating_sub(500)..]
            )
        });
    assert!(by_code.contains("SCID203 23"), "{by_code}");
    assert!(by_code.contains("SCID202 4"), "{by_code}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_owl_file_writes_nothing() {
    let dir = tmp("badowl");
    let bad = dir.join("bad.owl");
    std::fs::write(&bad, "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  <owl:Class>\n</rdf:RDF>\n").expect("write");
    let out_path = dir.join("out.bra");
    // No output yet: none is created.
    let mut cmd = bra();
    cmd.args(["import", "owl"])
        .arg(&bad)
        .arg("-o")
        .arg(&out_path);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("I001"), "{}", stderr(&out));
    // The fault is where `</rdf:RDF>` closes the unclosed `<owl:Class>` of line 2.
    assert!(stderr(&out).contains("bad.owl:3:1"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`<owl:Class>` is opened here"),
        "{}",
        stderr(&out)
    );
    assert!(!out_path.exists());
    // An earlier output stays as it was.
    std::fs::write(&out_path, "old").expect("write");
    let mut cmd = bra();
    cmd.args(["import", "owl"])
        .arg(&bad)
        .arg("-o")
        .arg(&out_path);
    assert_eq!(run(cmd).status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out_path).expect("read"), "old");
    let names: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert_eq!(names.len(), 2, "no temporary file left behind");
    // A missing file cannot be run.
    let mut cmd = bra();
    cmd.args(["import", "owl", "no-such.owl", "-o"])
        .arg(&out_path);
    assert_eq!(run(cmd).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- sheets

fn dir_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn bra_csv_import_then_export_gives_the_same_sheets() {
    let fixture = root().join("tests/fixtures/bra-csv/cerebellum");
    let dir = tmp("csv");
    let spec = dir.join("cerebellum.bra");
    let mut cmd = bra();
    cmd.args(["import", "bra-csv"])
        .arg(&fixture)
        .arg("-o")
        .arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("11 circuits, 13 connections"),
        "{}",
        stderr(&out)
    );

    // The imported anatomy is consistent.
    let mut cmd = bra();
    cmd.args(["check", "--format", "json", "--select"])
        .arg("SCID101,SCID107,SCID108,SCID120,SCID121,SCID122,SCID130,SCID131,SCID202,SCID203,SCID252,SCID253,E101,E102")
        .arg(&spec);
    let out = run(cmd);
    assert!(
        json_lines(&out).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let back = dir.join("sheets");
    let mut cmd = bra();
    cmd.args(["export", "bra-csv"])
        .arg(&spec)
        .arg("-o")
        .arg(&back);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        dir_bytes(&back),
        dir_bytes(&fixture),
        "CSV -> spec -> CSV is byte-identical"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exporting_a_spec_lists_what_the_sheets_cannot_carry() {
    let dir = tmp("export");
    let mut cmd = bra();
    cmd.args(["export", "bra-csv"])
        .arg(root().join("specs/hippocampus.bra"))
        .arg("-o")
        .arg(&dir);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("not carried by the sheets:"), "{err}");
    assert!(err.contains("component `neurons` ×9"), "{err}");
    assert!(err.contains("flows ×"), "{err}");
    assert_eq!(dir_bytes(&dir).len(), 5);
    // A spec with errors is not exported.
    let bad = dir.join("bad.bra");
    std::fs::write(&bad, "circuit A {").expect("write");
    let mut cmd = bra();
    cmd.args(["export", "bra-csv"])
        .arg(&bad)
        .arg("-o")
        .arg(dir.join("none"));
    assert_eq!(run(cmd).status.code(), Some(1));
    assert!(!dir.join("none").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_sheets_are_reported_at_the_cell_and_write_nothing() {
    let fixture = root().join("tests/fixtures/bra-csv/cerebellum");
    let dir = tmp("badcsv");
    let sheets = dir.join("in");
    std::fs::create_dir_all(&sheets).expect("dir");
    for (n, b) in dir_bytes(&fixture) {
        std::fs::write(sheets.join(n), b).expect("copy");
    }
    let circuits = std::fs::read_to_string(sheets.join("Circuits.csv")).expect("read");
    std::fs::write(
        sheets.join("Circuits.csv"),
        circuits.replacen("TRUE,GABA,Inhibitory", "TRUE,GABA,Inhibitroy", 1),
    )
    .expect("write");
    let spec = dir.join("out.bra");
    let mut cmd = bra();
    cmd.args(["import", "bra-csv"])
        .arg(&sheets)
        .arg("-o")
        .arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("I013"), "{err}");
    assert!(err.contains("Circuits.csv:5:38"), "{err}");
    assert!(err.contains("row 5, column G (`Modulation Type`)"), "{err}");
    assert!(err.contains("did you mean `Inhibitory`?"), "{err}");
    assert!(!spec.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- dictionary

#[test]
fn dhba_ids_are_checked_against_the_dictionary() {
    let dir = tmp("dict");
    let spec = dir.join("s.bra");
    std::fs::write(
        &spec,
        "circuit CA33 \"CA3 pyramidal cells\" { uniform, transmitter = Glutamate, modulation = Excitatory, source = DHBA }\n",
    )
    .expect("write");
    let codes = |extra: &[&str]| {
        let mut cmd = bra();
        cmd.args(["check", "--format", "json", "--select", "SCID108"])
            .args(extra)
            .arg(&spec);
        let out = run(cmd);
        (out.status.code(), json_lines(&out), stderr(&out))
    };
    let (_, d, _) = codes(&[]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["severity"], "warning");
    assert!(
        d[0]["help"].as_str().unwrap_or("").contains("`CA3`"),
        "{}",
        d[0]
    );

    let own = dir.join("mine.csv");
    std::fs::write(&own, "Circuit ID,Source of ID,Names\nCA33,DHBA,our CA3\n").expect("write");
    let own_arg = own.to_string_lossy().into_owned();
    let (_, d, _) = codes(&["--dictionary", &own_arg]);
    assert!(d.is_empty(), "{d:?}");

    let broken = dir.join("broken.csv");
    std::fs::write(&broken, "ID,Where\nCA33,DHBA\n").expect("write");
    let broken_arg = broken.to_string_lossy().into_owned();
    let (code, _, err) = codes(&["--dictionary", &broken_arg]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no `Circuit ID` column"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- graphs

/// (nodes, edges) each view must draw, counted from the model.
fn expected_graph(model: &bra_model::Model, view: &str) -> (usize, usize) {
    match view {
        "bif" => {
            let missing: HashSet<&str> = model
                .connections
                .iter()
                .flat_map(|c| {
                    [
                        (c.sender.is_none())
                            .then(|| c.decl.item.from.as_ref().map(|i| i.name.as_str()))
                            .flatten(),
                        (c.receiver.is_none())
                            .then(|| c.decl.item.to.as_ref().map(|i| i.name.as_str()))
                            .flatten(),
                    ]
                })
                .flatten()
                .collect();
            (
                model.circuits.len() + missing.len(),
                model.connections.len(),
            )
        }
        "hcd" => (model.components.len(), model.flows.len()),
        _ => (
            model.functions.len() + model.components.len(),
            model.functions.iter().map(|f| f.parts.len()).sum(),
        ),
    }
}

fn dot_counts(dot: &str) -> (usize, usize) {
    let nodes = dot
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with('"') && !t.contains(" -> ") && t.ends_with("];")
        })
        .count();
    let edges = dot.lines().filter(|l| l.contains("\" -> \"")).count();
    (nodes, edges)
}

fn mermaid_counts(mm: &str) -> (usize, usize) {
    let mut nodes = 0;
    let mut edges = 0;
    for l in mm.lines() {
        let t = l.trim_start();
        let mut words = t.split_whitespace();
        let first = words.next().unwrap_or("");
        if first == "subgraph" {
            nodes += 1;
        } else if first.starts_with('n') && first[1..].starts_with(|c: char| c.is_ascii_digit()) {
            match words.next() {
                Some("-->" | "--x" | "-.->") => edges += 1,
                _ => nodes += 1,
            }
        }
    }
    (nodes, edges)
}

#[test]
fn graph_snapshots_of_every_spec_with_their_counts() {
    use bra_interop::graph::{self, View};
    let specs = specs();
    assert!(specs.len() >= 5);
    for path in specs {
        let (model, loaded) = bra_model::Model::load(&path);
        assert!(loaded.diagnostics.is_empty());
        for (name, view) in [("bif", View::Bif), ("hcd", View::Hcd), ("frg", View::Frg)] {
            let want = expected_graph(&model, name);
            let g = graph::build(&model, view);
            assert_eq!(
                (g.nodes.len(), g.edges.len()),
                want,
                "{} {name}",
                path.display()
            );
            let dot = graph::to_dot(&g);
            assert_eq!(
                dot_counts(&dot),
                want,
                "{} {name} dot:\n{dot}",
                path.display()
            );
            let mm = graph::to_mermaid(&g);
            assert_eq!(
                mermaid_counts(&mm),
                want,
                "{} {name} mermaid:\n{mm}",
                path.display()
            );
            insta::assert_snapshot!(format!("graph__{}__{name}_dot", stem(&path)), dot);
            insta::assert_snapshot!(format!("graph__{}__{name}_mermaid", stem(&path)), mm);
        }
    }
}

#[test]
fn bif_edges_are_styled_by_the_senders_modulation() {
    let mut cmd = bra();
    cmd.args(["graph", "--view", "bif", "--format", "dot"])
        .arg(root().join("specs/cerebellum_vor.bra"));
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dot = String::from_utf8_lossy(&out.stdout);
    // Purkinje cells inhibit the vestibular nuclei: a tee; mossy fibres excite.
    assert!(
        dot.contains("\"PC-flocculus\" -> \"VN\" [color=\"#c62828\", arrowhead=tee]"),
        "{dot}"
    );
    assert!(
        dot.contains("\"VA-MF\" -> \"GR-flocculus\" [color=\"#2e7d32\"]"),
        "{dot}"
    );
    // The flocculus is a cluster holding its parts.
    assert!(dot.contains("subgraph \"cluster_FL\""), "{dot}");
    // The basal ganglia have a modulatory sender: dashed.
    let mut cmd = bra();
    cmd.args(["graph", "--view", "bif"])
        .arg(root().join("specs/basal_ganglia.bra"));
    let dot = String::from_utf8_lossy(&run(cmd).stdout).into_owned();
    assert!(
        dot.contains("\"SNC\" -> \"D1\" [color=\"#6a1b9a\", style=dashed]"),
        "{dot}"
    );
}

/// Parse a draw.io file and check it is mxGraph XML that draw.io opens:
/// mxfile › diagram › mxGraphModel › root › mxCell, the two root cells,
/// unique ids, every parent, source and target an existing cell, geometry on
/// every vertex and edge. Returns (vertices, edges).
fn check_drawio(xml: &str) -> (usize, usize) {
    #[derive(Debug, Default, Clone)]
    struct Cell {
        id: String,
        parent: Option<String>,
        vertex: bool,
        edge: bool,
        source: Option<String>,
        target: Option<String>,
        geometry: Option<HashMap<String, String>>,
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    loop {
        let ev = reader
            .read_event()
            .expect("draw.io output is well-formed XML");
        let (e, empty) = match &ev {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let attrs: HashMap<String, String> = e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("value").into_owned(),
                )
            })
            .collect();
        let expected_parent = match name.as_str() {
            "mxfile" => "",
            "diagram" => "mxfile",
            "mxGraphModel" => "diagram",
            "root" => "mxGraphModel",
            "mxCell" => "root",
            "mxGeometry" => "mxCell",
            other => panic!("unexpected element <{other}>"),
        };
        assert_eq!(
            path.last().map(String::as_str).unwrap_or(""),
            expected_parent,
            "<{name}> misplaced"
        );
        match name.as_str() {
            "mxCell" => cells.push(Cell {
                id: attrs.get("id").cloned().expect("every cell has an id"),
                parent: attrs.get("parent").cloned(),
                vertex: attrs.get("vertex").is_some_and(|v| v == "1"),
                edge: attrs.get("edge").is_some_and(|v| v == "1"),
                source: attrs.get("source").cloned(),
                target: attrs.get("target").cloned(),
                geometry: None,
            }),
            "mxGeometry" => {
                assert_eq!(attrs.get("as").map(String::as_str), Some("geometry"));
                cells.last_mut().expect("inside a cell").geometry = Some(attrs);
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    let ids: HashSet<&str> = cells.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cells.len(), "ids are unique");
    assert_eq!(cells[0].id, "0");
    assert!(cells[0].parent.is_none());
    assert_eq!(
        (cells[1].id.as_str(), cells[1].parent.as_deref()),
        ("1", Some("0"))
    );
    let vertices: HashSet<&str> = cells
        .iter()
        .filter(|c| c.vertex)
        .map(|c| c.id.as_str())
        .collect();
    for c in &cells[2..] {
        let p = c.parent.as_deref().expect("every cell has a parent");
        assert!(ids.contains(p), "{}: parent {p} does not exist", c.id);
        assert!(c.vertex != c.edge, "{} is a vertex or an edge", c.id);
        let g = c
            .geometry
            .as_ref()
            .expect("every vertex and edge has a geometry");
        if c.vertex {
            assert!(p == "1" || vertices.contains(p));
            for k in ["x", "y", "width", "height"] {
                let v: f64 = g.get(k).expect("coordinate").parse().expect("a number");
                assert!(v >= 0.0 && v.is_finite());
            }
        } else {
            assert_eq!(g.get("relative").map(String::as_str), Some("1"));
            for end in [&c.source, &c.target] {
                let end = end.as_deref().expect("an edge has a source and a target");
                assert!(vertices.contains(end), "{}: {end} is not a vertex", c.id);
            }
        }
    }
    (vertices.len(), cells.iter().filter(|c| c.edge).count())
}

#[test]
fn drawio_output_is_valid_mxgraph() {
    let path = root().join("specs/hippocampus.bra");
    let (model, _) = bra_model::Model::load(&path);
    for view in ["bif", "hcd", "frg"] {
        let mut cmd = bra();
        cmd.args(["graph", "--view", view, "--format", "drawio"])
            .arg(&path);
        let out = run(cmd);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let xml = String::from_utf8(out.stdout).expect("utf8");
        assert_eq!(check_drawio(&xml), expected_graph(&model, view), "{view}");
        insta::assert_snapshot!(format!("graph__hippocampus__{view}_drawio"), xml);
    }
    // The imported real data too (undeclared endpoints, nested collections).
    let dir = tmp("drawio");
    let spec = dir.join("wbra.bra");
    let mut cmd = bra();
    cmd.args(["import", "owl"])
        .arg(owl_fixture())
        .arg("-o")
        .arg(&spec);
    assert_eq!(run(cmd).status.code(), Some(0));
    let file = dir.join("wbra.drawio");
    let mut cmd = bra();
    cmd.args(["graph", "--format", "drawio", "-o"])
        .arg(&file)
        .arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(97 nodes, 85 edges)"),
        "{}",
        stderr(&out)
    );
    let (v, e) = check_drawio(&std::fs::read_to_string(&file).expect("written"));
    assert_eq!((v, e), (95 + 2, 85), "two undeclared endpoints are drawn");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn svg_uses_graphviz_or_says_how_to_install_it() {
    let spec = root().join("specs/cuba.bra");
    let have_dot = Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let mut cmd = bra();
    cmd.args(["graph", "--format", "svg"]).arg(&spec);
    let out = run(cmd);
    if have_dot {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    } else {
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("apt-get install graphviz"),
            "{}",
            stderr(&out)
        );
    }
    // Without Graphviz (whatever this machine has): a clear message, exit 2, no file.
    let dir = tmp("svg");
    let file = dir.join("out.svg");
    let mut cmd = bra();
    cmd.env("BRA_DOT", "/nonexistent/dot")
        .args(["graph", "--format", "svg", "-o"])
        .arg(&file)
        .arg(&spec);
    let out = run(cmd);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("needs Graphviz") && err.contains("apt-get install graphviz"),
        "{err}"
    );
    assert!(!file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
