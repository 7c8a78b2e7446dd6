//! Import BIF data written in WBAI's BIF ontology (OWL, RDF/XML) into a spec.
//!
//! # Mapping
//!
//! | OWL | spec |
//! |---|---|
//! | class under `bifd:Circuit` | `circuit ID "labels"` |
//! | class under `bifd:UniformCircuit` (or `bifd:uniform true`) | `circuit ID { uniform, … }` |
//! | `bifd:hasPart` (restriction or value), `bifd:partOf`, a subclass of another circuit | `parts = [...]` of the whole |
//! | `bifd:transmitter`, `bifd:modType` | `transmitter = X`, `modulation = X` |
//! | `bifd:size` | `size = N` (as written) |
//! | `bifd:functionality`, `bifd:implementation`, `rdfs:comment`, `bifd:tag` | `functionality`, `implementation`, `comment`, `tag` strings |
//! | `bifd:reference` | `reference = ID`, with `reference ID { doi = "…" }` (or `url`, or `citation`) declared once |
//! | `bifd:taxon` | `taxon = Rat` (a WBAI taxon IRI's name) or the IRI as a string |
//! | `owl:sameAs`, `rdfs:seeAlso` | `same_as`, `see_also` strings |
//! | class under `bifd:Connection` with `bifd:inputCircuit` A and `bifd:outputCircuit` B | `connection ID: A -> B { … }` |
//! | `rdfs:label`, `bifd:names` | the item's title: distinct labels, `; `-separated (a label equal to the ID is left out) |
//!
//! IDs are the IRIs' local names in the file's main namespace (the one most
//! of its classes are declared in); an IRI in any other namespace is written
//! whole, so that `http://…/STR` is not silently taken for `https://…/STR`.
//!
//! Nothing is dropped silently: every statement that has no place in the
//! spec (an unknown property, a restriction other than `someValuesFrom`, a
//! connection without a sender, the ontology's own declarations) is kept as a
//! `// not mapped` comment with its line in the OWL file, and counted in the
//! [`Summary`].

use crate::spec::{self, ItemText, Line, V, is_number, is_writable_id};
use crate::xml::{self, Element};
use bra_syntax::{Diagnostic, Sources, Span};
use std::collections::{BTreeMap, HashMap};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";

/// What an import produced.
#[derive(Debug)]
pub struct OwlImport {
    /// The spec, formatted.
    pub text: String,
    /// What was imported.
    pub summary: Summary,
    /// Warnings about the input (the import went ahead).
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Circuits written.
    pub circuits: usize,
    /// Of which uniform.
    pub uniform: usize,
    /// Connections written.
    pub connections: usize,
    /// References declared.
    pub references: usize,
    /// Statements or whole descriptions kept as `// not mapped` comments.
    pub unmapped: usize,
    /// IRIs outside the main namespace, written whole.
    pub foreign_iris: usize,
}

impl Summary {
    /// One line for stderr.
    pub fn line(&self, from: &str, to: &str) -> String {
        let foreign = if self.foreign_iris > 0 {
            format!(
                "; {} IRI{} outside the main namespace written whole",
                self.foreign_iris,
                if self.foreign_iris == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        format!(
            "imported {} circuits ({} uniform), {} connections and {} references from {from} into {to}; {} statement{} not mapped (kept as comments){foreign}",
            self.circuits,
            self.uniform,
            self.connections,
            self.references,
            self.unmapped,
            if self.unmapped == 1 { "" } else { "s" },
        )
    }
}

/// An object or literal value of a statement.
#[derive(Clone, Debug)]
enum Value {
    Iri(String),
    Literal { text: String, lang: Option<String> },
}

impl Value {
    fn show(&self) -> String {
        match self {
            Value::Iri(i) => format!("<{i}>"),
            Value::Literal { text, .. } => spec::V::Str(text.clone()).render(),
        }
    }
}

/// One statement about a subject, with the byte offset it came from.
#[derive(Clone, Debug)]
struct Stmt {
    prop: String,
    qname: String,
    value: Value,
    pos: usize,
}

/// An `owl:Restriction` on a subclass axiom.
#[derive(Clone, Debug)]
struct Restriction {
    on: String,
    /// `someValuesFrom`, `allValuesFrom`, `hasValue`, ...
    kind: String,
    value: Option<Value>,
    pos: usize,
}

#[derive(Clone, Debug, Default)]
struct Subject {
    iri: String,
    pos: usize,
    declared_class: bool,
    types: Vec<(String, usize)>,
    supers: Vec<(String, usize)>,
    restrictions: Vec<Restriction>,
    stmts: Vec<Stmt>,
    unmapped: Vec<(usize, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Circuit,
    Connection,
}

fn is_bifd_ns(ns: &str) -> bool {
    (ns.starts_with("https://wba-initiative.org/") || ns.starts_with("http://wba-initiative.org/"))
        && ns.ends_with("bifd/")
}

fn is_wba_ns(ns: &str) -> bool {
    ns.starts_with("https://wba-initiative.org/") || ns.starts_with("http://wba-initiative.org/")
}

/// Split an IRI into namespace (through the last `/` or `#`) and local name.
fn split_iri(iri: &str) -> (&str, &str) {
    match iri.rfind(['/', '#']) {
        Some(i) => (&iri[..=i], &iri[i + 1..]),
        None => ("", iri),
    }
}

/// The BIF vocabulary term an IRI names (`Circuit`, `hasPart`), if it is one.
fn bifd_term(iri: &str) -> Option<&str> {
    let (ns, local) = split_iri(iri);
    is_bifd_ns(ns).then_some(local)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Resolve an IRI reference against `xml:base`.
fn resolve(iri: &str, base: Option<&str>) -> String {
    if iri.contains(':') || iri.starts_with("_:") {
        return iri.to_string();
    }
    match base {
        Some(b) if iri.starts_with('#') => {
            let b = b.split('#').next().unwrap_or(b);
            format!("{b}{iri}")
        }
        Some(b) => {
            let (ns, _) = split_iri(b);
            format!("{ns}{iri}")
        }
        None => iri.to_string(),
    }
}

fn subject_iri(el: &Element, blank: &mut usize) -> String {
    if let Some(a) = el.attr(RDF, "about") {
        return resolve(a, el.base.as_deref());
    }
    if let Some(id) = el.attr(RDF, "ID") {
        let base = el.base.as_deref().unwrap_or("");
        return format!("{}#{id}", base.split('#').next().unwrap_or(base));
    }
    if let Some(n) = el.attr(RDF, "nodeID") {
        return format!("_:{n}");
    }
    *blank += 1;
    format!("_:anon{blank}")
}

fn object_of(el: &Element) -> Option<Value> {
    if let Some(r) = el.attr(RDF, "resource") {
        return Some(Value::Iri(resolve(r, el.base.as_deref())));
    }
    if el.children.is_empty() {
        return Some(Value::Literal {
            text: el.text.trim().to_string(),
            lang: el.lang.clone(),
        });
    }
    // A nested node element naming a resource.
    if el.children.len() == 1 && el.children[0].children.is_empty() {
        let c = &el.children[0];
        if let Some(a) = c.attr(RDF, "about") {
            return Some(Value::Iri(resolve(a, c.base.as_deref())));
        }
    }
    None
}

fn restriction_of(el: &Element) -> Result<Restriction, String> {
    let mut on = None;
    let mut kind = None;
    let mut value = None;
    for c in &el.children {
        if c.is(OWL, "onProperty") {
            on = c
                .attr(RDF, "resource")
                .map(|r| resolve(r, c.base.as_deref()));
        } else {
            kind = Some(c.local.clone());
            value = object_of(c);
        }
    }
    match (on, kind) {
        (Some(on), Some(kind)) => Ok(Restriction {
            on,
            kind,
            value,
            pos: el.start,
        }),
        _ => Err("an owl:Restriction without owl:onProperty and a value".to_string()),
    }
}

/// Collect every subject of the document, statements merged by IRI.
fn collect(root: &Element) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut blank = 0usize;
    for node in &root.children {
        let iri = subject_iri(node, &mut blank);
        let k = *index.entry(iri.clone()).or_insert_with(|| {
            subjects.push(Subject {
                iri: iri.clone(),
                pos: node.start,
                ..Subject::default()
            });
            subjects.len() - 1
        });
        let s = &mut subjects[k];
        if !node.is(RDF, "Description") {
            if node.is(OWL, "Class") || node.is(RDFS, "Class") {
                s.declared_class = true;
            } else {
                s.types
                    .push((format!("{}{}", node.ns, node.local), node.start));
            }
        }
        // Property attributes on the node element.
        for a in &node.attrs {
            let skip = (a.ns == RDF && matches!(a.local.as_str(), "about" | "ID" | "nodeID"))
                || a.ns == xml::XML_NS;
            if skip {
                continue;
            }
            if a.ns == RDF && a.local == "type" {
                s.types.push((a.value.clone(), node.start));
                continue;
            }
            s.stmts.push(Stmt {
                prop: format!("{}{}", a.ns, a.local),
                qname: a.qname.clone(),
                value: Value::Literal {
                    text: a.value.clone(),
                    lang: node.lang.clone(),
                },
                pos: node.start,
            });
        }
        for p in &node.children {
            if p.is(RDF, "type") {
                match object_of(p) {
                    Some(Value::Iri(t)) => {
                        if t == format!("{OWL}Class") || t == format!("{RDFS}Class") {
                            s.declared_class = true;
                        } else {
                            s.types.push((t, p.start));
                        }
                    }
                    _ => s.unmapped.push((p.start, describe(p))),
                }
                continue;
            }
            if p.is(RDFS, "subClassOf") {
                if let Some(r) = p.attr(RDF, "resource") {
                    s.supers.push((resolve(r, p.base.as_deref()), p.start));
                    continue;
                }
                match p.children.first() {
                    Some(c) if c.is(OWL, "Restriction") && p.children.len() == 1 => {
                        match restriction_of(c) {
                            Ok(r) => s.restrictions.push(r),
                            Err(why) => s
                                .unmapped
                                .push((c.start, format!("{why}: {}", describe(c)))),
                        }
                    }
                    Some(c) if c.attr(RDF, "about").is_some() && c.children.is_empty() => {
                        let about = c.attr(RDF, "about").unwrap_or_default();
                        s.supers.push((resolve(about, c.base.as_deref()), c.start));
                    }
                    _ => s.unmapped.push((p.start, describe(p))),
                }
                continue;
            }
            match object_of(p) {
                Some(value) => s.stmts.push(Stmt {
                    prop: format!("{}{}", p.ns, p.local),
                    qname: p.qname.clone(),
                    value,
                    pos: p.start,
                }),
                None => s.unmapped.push((p.start, describe(p))),
            }
        }
    }
    subjects
}

/// A short description of an element for a `// not mapped` comment.
fn describe(el: &Element) -> String {
    let mut s = el.describe();
    if el.children.is_empty() {
        let t = el.text.trim();
        if !t.is_empty() {
            s.push_str(&spec::V::Str(t.to_string()).render());
        }
    } else {
        let inner: Vec<String> = el.children.iter().map(describe).collect();
        s.push_str(&inner.join(" "));
    }
    s
}

/// What one circuit or connection says, gathered before writing.
#[derive(Default)]
struct Out {
    names: Vec<(String, Option<String>)>,
    uniform: Option<(bool, usize)>,
    uniform_literal: Vec<(bool, usize)>,
    transmitter: Vec<V>,
    modulation: Vec<V>,
    size: Vec<V>,
    parts: Vec<String>,
    subclass_parts: Vec<String>,
    functionality: Vec<V>,
    references: Vec<String>,
    taxon: Vec<V>,
    implementation: Vec<V>,
    same_as: Vec<V>,
    see_also: Vec<V>,
    tag: Vec<V>,
    comment: Vec<V>,
    senders: Vec<String>,
    receivers: Vec<String>,
    notes: Vec<String>,
}

fn push_unique(v: &mut Vec<V>, x: V) {
    if !v.contains(&x) {
        v.push(x);
    }
}

struct Ctx<'a> {
    file: &'a bra_syntax::SourceFile,
    main_ns: String,
    ids: HashMap<String, String>,
    foreign: std::collections::BTreeSet<String>,
    refs: BTreeMap<String, String>,
    ref_ids: HashMap<String, String>,
    unmapped: usize,
}

impl Ctx<'_> {
    fn line(&self, pos: usize) -> usize {
        self.file.line_col(u32::try_from(pos).unwrap_or(u32::MAX)).0
    }

    fn not_mapped(&mut self, pos: usize, what: &str) -> String {
        self.unmapped += 1;
        format!("not mapped (line {}): {what}", self.line(pos))
    }

    /// The spec ID of a class IRI.
    fn id(&mut self, iri: &str) -> String {
        if let Some(id) = self.ids.get(iri) {
            return id.clone();
        }
        let (ns, local) = split_iri(iri);
        let id = if ns == self.main_ns && !local.is_empty() {
            percent_decode(local)
        } else {
            self.foreign.insert(iri.to_string());
            iri.to_string()
        };
        let id = if is_writable_id(&id) {
            id
        } else {
            iri.replace('`', "%60")
        };
        self.ids.insert(iri.to_string(), id.clone());
        id
    }

    /// The reference ID for a `bifd:reference` text, declared on first use.
    fn reference(&mut self, text: &str) -> String {
        if let Some(id) = self.ref_ids.get(text) {
            return id.clone();
        }
        let doi = doi_of(text);
        let basis = match &doi {
            Some(d) => d.split_once('/').map(|(_, s)| s).unwrap_or(d).to_string(),
            // A URL: its last path segment (`…/CompCogNeuro/ed4` → `ed4`).
            None if text.starts_with("http://") || text.starts_with("https://") => text
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|s| s.chars().any(|c| c.is_ascii_alphanumeric()))
                .unwrap_or(text)
                .to_string(),
            None => text.to_string(),
        };
        let mut id: String = String::new();
        for c in basis.chars() {
            let c = if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '_'
            };
            if (c == '_' || c == '.') && id.ends_with(['_', '.']) {
                continue;
            }
            id.push(c);
        }
        let mut id = id.trim_matches(['_', '.']).to_string();
        if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            id = format!("ref_{id}");
        }
        let id = id.trim_end_matches('_').to_string();
        let mut unique = id.clone();
        let mut n = 2;
        while self.refs.contains_key(&unique) || bra_syntax::is_keyword(&unique) {
            unique = format!("{id}_{n}");
            n += 1;
        }
        self.refs.insert(unique.clone(), text.to_string());
        self.ref_ids.insert(text.to_string(), unique.clone());
        unique
    }
}

/// The DOI in a reference text (`10.…/…`, `doi:10.…`, `https://doi.org/10.…`).
fn doi_of(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix("https://doi.org/")
        .or_else(|| t.strip_prefix("http://doi.org/"))
        .or_else(|| t.strip_prefix("https://dx.doi.org/"))
        .or_else(|| t.strip_prefix("doi:"))
        .unwrap_or(t)
        .trim();
    let (prefix, suffix) = t.split_once('/')?;
    let ok = prefix.starts_with("10.")
        && prefix[3..].chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !t.chars().any(char::is_whitespace);
    ok.then(|| t.to_string())
}

/// A value naming a vocabulary term (transmitter, modulation): its local name.
fn term_value(v: &Value) -> V {
    match v {
        Value::Iri(i) => spec::word(split_iri(i).1),
        Value::Literal { text, .. } => spec::word(text),
    }
}

fn taxon_value(v: &Value) -> V {
    match v {
        Value::Iri(i) if is_wba_ns(split_iri(i).0) => spec::word(split_iri(i).1),
        Value::Iri(i) => V::Str(i.clone()),
        Value::Literal { text, .. } => spec::word(text),
    }
}

fn text_value(v: &Value) -> V {
    match v {
        Value::Iri(i) => V::Str(i.clone()),
        Value::Literal { text, .. } => V::Str(text.clone()),
    }
}

/// Import an OWL file. `path` names it in diagnostics and in the generated
/// header; the file's text is added to `sources` so that diagnostics can
/// point into it.
pub fn import(
    sources: &mut Sources,
    path: &str,
    bytes: &[u8],
) -> Result<OwlImport, Vec<Diagnostic>> {
    let (text, _bom) = match crate::decode_text(bytes) {
        Ok(t) => t,
        Err(at) => {
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let id = sources.add(path, lossy);
            return Err(vec![
                Diagnostic::error("I002", format!("`{path}` is not UTF-8 text"))
                    .with_primary(id, Span::new(at, at + 1), "this byte is not UTF-8")
                    .with_help("save the file as UTF-8 (OWL files from Protégé and rdflib are)"),
            ]);
        }
    };
    let file_id = sources.add(path, text.clone());
    let root = match xml::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            let at = e.pos.min(text.len());
            let mut d = Diagnostic::error("I001", format!("`{path}` is not well-formed XML"))
                .with_primary(
                    file_id,
                    Span::new(at, (at + 1).min(text.len()).max(at)),
                    e.message,
                )
                .with_help("fix the XML (an OWL file must be complete RDF/XML) and import again");
            if let Some((pos, name)) = e.open {
                let end = (pos + name.len() + 1).min(text.len());
                d = d.with_label(
                    file_id,
                    Span::new(pos, end),
                    format!("`<{name}>` is opened here"),
                );
            }
            return Err(vec![d]);
        }
    };
    if !root.is(RDF, "RDF") {
        return Err(vec![
            Diagnostic::error(
                "I003",
                format!(
                    "`{path}` is XML but not RDF/XML: its root is `<{}>`, not `<rdf:RDF>`",
                    root.qname
                ),
            )
            .with_primary(
                file_id,
                Span::new(root.start, root.tag_end),
                "expected `<rdf:RDF>` here",
            )
            .with_help("export the ontology as RDF/XML (Protégé: File › Save as › RDF/XML Syntax)"),
        ]);
    }
    let file = sources.get(file_id).clone();
    let subjects = collect(&root);
    Ok(build(&file, path, subjects))
}

fn build(file: &bra_syntax::SourceFile, path: &str, subjects: Vec<Subject>) -> OwlImport {
    let by_iri: HashMap<&str, usize> = subjects
        .iter()
        .enumerate()
        .map(|(k, s)| (s.iri.as_str(), k))
        .collect();
    // Kinds: through vocabulary superclasses, transitively through data ones.
    let n = subjects.len();
    let mut kind: Vec<Option<Kind>> = vec![None; n];
    for k in 0..n {
        let mut seen = vec![false; n];
        let mut stack = vec![k];
        let mut found = None;
        while let Some(j) = stack.pop() {
            if std::mem::replace(&mut seen[j], true) {
                continue;
            }
            for (sup, _) in &subjects[j].supers {
                match bifd_term(sup) {
                    Some("Connection") => found = Some(Kind::Connection),
                    Some("Circuit" | "UniformCircuit") if found.is_none() => {
                        found = Some(Kind::Circuit)
                    }
                    _ => {
                        if let Some(&i) = by_iri.get(sup.as_str()) {
                            stack.push(i);
                        }
                    }
                }
            }
            for (t, _) in &subjects[j].types {
                match bifd_term(t) {
                    Some("Connection") => found = Some(Kind::Connection),
                    Some("Circuit" | "UniformCircuit") if found.is_none() => {
                        found = Some(Kind::Circuit)
                    }
                    _ => {}
                }
            }
        }
        // A class of the BIF vocabulary itself is not data.
        if bifd_term(&subjects[k].iri).is_some() {
            found = None;
        }
        kind[k] = found;
    }
    // The main namespace: where most data classes are declared.
    let mut ns_count: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, s) in subjects.iter().enumerate() {
        if kind[k].is_some() {
            *ns_count.entry(split_iri(&s.iri).0).or_default() += 1;
        }
    }
    let main_ns = ns_count
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(ns, _)| ns.to_string())
        .unwrap_or_default();
    let mut cx = Ctx {
        file,
        main_ns,
        ids: HashMap::new(),
        foreign: Default::default(),
        refs: BTreeMap::new(),
        ref_ids: HashMap::new(),
        unmapped: 0,
    };
    // Declared IDs first, so that collisions go to the later IRI.
    let mut taken: HashMap<String, String> = HashMap::new();
    for (k, s) in subjects.iter().enumerate() {
        if kind[k].is_none() {
            continue;
        }
        let id = cx.id(&s.iri);
        if let Some(other) = taken.get(&id)
            && other != &s.iri
        {
            cx.ids.insert(s.iri.clone(), s.iri.clone());
            cx.foreign.insert(s.iri.clone());
        } else {
            taken.insert(id, s.iri.clone());
        }
    }

    let mut outs: Vec<Out> = (0..n).map(|_| Out::default()).collect();
    let mut others: Vec<String> = Vec::new();
    for (k, s) in subjects.iter().enumerate() {
        let Some(kd) = kind[k] else {
            let what = match s.types.first() {
                Some((t, _)) => format!("{} <{}>", short(t), s.iri),
                None if s.declared_class => format!("owl:Class <{}>", s.iri),
                None => format!("<{}>", s.iri),
            };
            let why = if bifd_term(&s.iri).is_some() {
                "BIF ontology vocabulary, not data"
            } else if s.declared_class {
                "a class that is neither a bifd:Circuit nor a bifd:Connection"
            } else {
                "not a class"
            };
            others.push(cx.not_mapped(s.pos, &format!("{what} — {why}")));
            continue;
        };
        let mut o = Out::default();
        for (t, pos) in &s.types {
            if !matches!(
                bifd_term(t),
                Some("Circuit" | "UniformCircuit" | "Connection")
            ) {
                o.notes
                    .push(cx.not_mapped(*pos, &format!("rdf:type <{t}>")));
            }
            if bifd_term(t) == Some("UniformCircuit") {
                o.uniform = Some((true, *pos));
            }
        }
        for (sup, pos) in &s.supers {
            match bifd_term(sup) {
                Some("UniformCircuit") => o.uniform = Some((true, *pos)),
                Some("Circuit" | "Connection") => {}
                _ => match by_iri.get(sup.as_str()).map(|&i| kind[i]) {
                    Some(Some(Kind::Circuit)) if kd == Kind::Circuit => {
                        // Subclassing: the subclass is a part of its superclass.
                    }
                    _ => {
                        let note = cx.not_mapped(
                            *pos,
                            &format!("rdfs:subClassOf <{sup}> (not a circuit of this file)"),
                        );
                        o.notes.push(note);
                    }
                },
            }
        }
        for r in &s.restrictions {
            let term = bifd_term(&r.on);
            let target = match (&r.kind[..], &r.value) {
                ("someValuesFrom", Some(Value::Iri(i))) => Some(i.clone()),
                _ => None,
            };
            match (term, target) {
                (Some("hasPart"), Some(t)) if kd == Kind::Circuit => {
                    let id = cx.id(&t);
                    o.parts.push(id);
                }
                (Some("inputCircuit"), Some(t)) if kd == Kind::Connection => {
                    let id = cx.id(&t);
                    o.senders.push(id);
                }
                (Some("outputCircuit"), Some(t)) if kd == Kind::Connection => {
                    let id = cx.id(&t);
                    o.receivers.push(id);
                }
                (Some("transmitter"), Some(t)) => {
                    push_unique(&mut o.transmitter, term_value(&Value::Iri(t)))
                }
                (Some("modType"), Some(t)) => {
                    push_unique(&mut o.modulation, term_value(&Value::Iri(t)))
                }
                (Some("partOf"), Some(_)) if kd == Kind::Circuit => {}
                _ => {
                    let v = r.value.as_ref().map(Value::show).unwrap_or_default();
                    let note = cx.not_mapped(
                        r.pos,
                        &format!("owl:Restriction on {} {}: {v}", short(&r.on), r.kind),
                    );
                    o.notes.push(note);
                }
            }
        }
        for st in &s.stmts {
            let term = if st.prop == format!("{RDFS}label") {
                Some("names")
            } else if st.prop == format!("{RDFS}comment") {
                Some("comment")
            } else if st.prop == format!("{RDFS}seeAlso") {
                Some("seeAlso")
            } else if st.prop == format!("{OWL}sameAs") {
                Some("sameAs")
            } else {
                bifd_term(&st.prop)
            };
            let v = &st.value;
            match (term, v) {
                (Some("names"), Value::Literal { text, lang }) => {
                    o.names.push((text.clone(), lang.clone()))
                }
                (Some("functionality"), _) => push_unique(&mut o.functionality, text_value(v)),
                (Some("implementation"), _) => push_unique(&mut o.implementation, text_value(v)),
                (Some("comment"), _) => push_unique(&mut o.comment, text_value(v)),
                (Some("tag"), _) => push_unique(&mut o.tag, text_value(v)),
                (Some("sameAs"), _) => push_unique(&mut o.same_as, text_value(v)),
                (Some("seeAlso"), _) => push_unique(&mut o.see_also, text_value(v)),
                (Some("taxon"), _) => push_unique(&mut o.taxon, taxon_value(v)),
                (Some("transmitter"), _) => push_unique(&mut o.transmitter, term_value(v)),
                (Some("modType"), _) => push_unique(&mut o.modulation, term_value(v)),
                (Some("size"), Value::Literal { text, .. }) if is_number(text) => {
                    push_unique(&mut o.size, V::Num(text.clone()))
                }
                (Some("reference"), Value::Literal { text, .. }) if !text.trim().is_empty() => {
                    let id = cx.reference(text.trim());
                    if !o.references.contains(&id) {
                        o.references.push(id);
                    }
                }
                (Some("reference"), Value::Iri(i)) => {
                    let id = cx.reference(i);
                    if !o.references.contains(&id) {
                        o.references.push(id);
                    }
                }
                (Some("uniform"), Value::Literal { text, .. })
                    if matches!(text.trim(), "true" | "1" | "false" | "0") =>
                {
                    o.uniform_literal
                        .push((matches!(text.trim(), "true" | "1"), st.pos));
                }
                (Some("hasPart"), Value::Iri(i)) if kd == Kind::Circuit => {
                    let id = cx.id(i);
                    o.parts.push(id);
                }
                (Some("partOf"), Value::Iri(_)) if kd == Kind::Circuit => {}
                (Some("inputCircuit"), Value::Iri(i)) if kd == Kind::Connection => {
                    let id = cx.id(i);
                    o.senders.push(id);
                }
                (Some("outputCircuit"), Value::Iri(i)) if kd == Kind::Connection => {
                    let id = cx.id(i);
                    o.receivers.push(id);
                }
                _ => {
                    let note = cx.not_mapped(st.pos, &format!("{} {}", st.qname, v.show()));
                    o.notes.push(note);
                }
            }
        }
        for (pos, what) in &s.unmapped {
            let note = cx.not_mapped(*pos, what);
            o.notes.push(note);
        }
        outs[k] = o;
    }
    // Part-of from the part's side: `partOf` and subclassing.
    for (k, s) in subjects.iter().enumerate() {
        if kind[k] != Some(Kind::Circuit) {
            continue;
        }
        let mut wholes: Vec<(String, usize, &'static str)> = Vec::new();
        for r in &s.restrictions {
            if bifd_term(&r.on) == Some("partOf")
                && r.kind == "someValuesFrom"
                && let Some(Value::Iri(t)) = &r.value
            {
                wholes.push((t.clone(), r.pos, "bifd:partOf"));
            }
        }
        for st in &s.stmts {
            if bifd_term(&st.prop) == Some("partOf")
                && let Value::Iri(t) = &st.value
            {
                wholes.push((t.clone(), st.pos, "bifd:partOf"));
            }
        }
        for (sup, pos) in &s.supers {
            if bifd_term(sup).is_none()
                && by_iri.get(sup.as_str()).map(|&i| kind[i]) == Some(Some(Kind::Circuit))
            {
                wholes.push((sup.clone(), *pos, "rdfs:subClassOf"));
            }
        }
        let part_id = cx.id(&s.iri);
        for (whole, pos, how) in wholes {
            match by_iri.get(whole.as_str()) {
                Some(&w) if kind[w] == Some(Kind::Circuit) => {
                    let o = &mut outs[w];
                    if how == "rdfs:subClassOf" {
                        if !o.subclass_parts.contains(&part_id) && !o.parts.contains(&part_id) {
                            o.subclass_parts.push(part_id.clone());
                        }
                    } else if !o.parts.contains(&part_id) {
                        o.parts.push(part_id.clone());
                    }
                }
                _ => {
                    let note = cx.not_mapped(
                        pos,
                        &format!("{how} <{whole}> (not a circuit of this file)"),
                    );
                    outs[k].notes.push(note);
                }
            }
        }
    }

    // Write.
    let mut circuits: Vec<(String, ItemText, bool)> = Vec::new();
    let mut connections: Vec<(String, String, String, ItemText)> = Vec::new();
    let mut broken: Vec<String> = Vec::new();
    for (k, s) in subjects.iter().enumerate() {
        let Some(kd) = kind[k] else { continue };
        let id = cx.id(&s.iri);
        let o = std::mem::take(&mut outs[k]);
        let mut it = ItemText::new(match kd {
            Kind::Circuit => "circuit",
            Kind::Connection => "connection",
        });
        it.title = title(&id, &o.names);
        let mut uniform = o.uniform.is_some();
        for (b, pos) in &o.uniform_literal {
            if *b {
                uniform = true;
            } else if o.uniform.is_some() {
                let note = cx.not_mapped(
                    *pos,
                    "bifd:uniform false, contradicting bifd:UniformCircuit",
                );
                it.lines.push(Line::Comment(note));
            }
        }
        if kd == Kind::Circuit && uniform {
            it.lines.push(Line::Flag("uniform".into()));
        }
        it.prop_opt("transmitter", V::one_or_list(o.transmitter));
        it.prop_opt("modulation", V::one_or_list(o.modulation));
        it.prop_opt("size", V::one_or_list(o.size));
        if kd == Kind::Circuit {
            let mut parts = o.parts.clone();
            if !o.subclass_parts.is_empty() {
                it.lines.push(Line::Comment(format!(
                    "{} {} subclass{} of `{id}` in the OWL file",
                    o.subclass_parts
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if o.subclass_parts.len() == 1 {
                        "is a"
                    } else {
                        "are"
                    },
                    if o.subclass_parts.len() == 1 {
                        ""
                    } else {
                        "es"
                    },
                )));
                parts.extend(o.subclass_parts.iter().cloned());
            }
            if !parts.is_empty() {
                it.prop("parts", V::List(parts.into_iter().map(V::Ident).collect()));
            }
        }
        it.prop_opt("functionality", V::one_or_list(o.functionality));
        it.prop_opt(
            "reference",
            V::one_or_list(o.references.into_iter().map(V::Ident).collect()),
        );
        it.prop_opt("taxon", V::one_or_list(o.taxon));
        it.prop_opt("implementation", V::one_or_list(o.implementation));
        it.prop_opt("same_as", V::one_or_list(o.same_as));
        it.prop_opt("see_also", V::one_or_list(o.see_also));
        it.prop_opt("tag", V::one_or_list(o.tag));
        it.prop_opt("comment", V::one_or_list(o.comment));
        for note in o.notes {
            it.lines.push(Line::Comment(note));
        }
        match kd {
            Kind::Circuit => {
                it.name = Some(id.clone());
                circuits.push((id, it, uniform));
            }
            Kind::Connection => {
                it.name = Some(id.clone());
                match (o.senders.first(), o.receivers.first()) {
                    (Some(a), Some(b)) => {
                        for extra in o.senders.iter().skip(1) {
                            let note = cx.not_mapped(s.pos, &format!("a further bifd:inputCircuit `{extra}` (a connection has one sender)"));
                            it.lines.push(Line::Comment(note));
                        }
                        for extra in o.receivers.iter().skip(1) {
                            let note = cx.not_mapped(s.pos, &format!("a further bifd:outputCircuit `{extra}` (a connection has one receiver)"));
                            it.lines.push(Line::Comment(note));
                        }
                        it.edge = Some((a.clone(), b.clone()));
                        connections.push((a.clone(), b.clone(), id, it));
                    }
                    (a, b) => {
                        let missing = match (a, b) {
                            (None, None) => {
                                "neither a bifd:inputCircuit (sender) nor a bifd:outputCircuit (receiver)"
                            }
                            (None, _) => "no bifd:inputCircuit (sender)",
                            _ => "no bifd:outputCircuit (receiver)",
                        };
                        let head =
                            cx.not_mapped(s.pos, &format!("connection `{id}` has {missing}"));
                        it.edge = Some((
                            a.cloned().unwrap_or_else(|| "?".into()),
                            b.cloned().unwrap_or_else(|| "?".into()),
                        ));
                        let mut text = String::new();
                        it.render(&mut text);
                        broken.push(head);
                        for l in text.lines() {
                            broken.push(l.to_string());
                        }
                    }
                }
            }
        }
    }
    circuits.sort_by(|a, b| {
        a.0.to_lowercase()
            .cmp(&b.0.to_lowercase())
            .then_with(|| a.0.cmp(&b.0))
    });
    connections.sort_by(|a, b| {
        (a.0.to_lowercase(), a.1.to_lowercase(), &a.2).cmp(&(
            b.0.to_lowercase(),
            b.1.to_lowercase(),
            &b.2,
        ))
    });

    let summary = Summary {
        circuits: circuits.len(),
        uniform: circuits.iter().filter(|c| c.2).count(),
        connections: connections.len(),
        references: cx.refs.len(),
        unmapped: cx.unmapped,
        foreign_iris: cx.foreign.len(),
    };
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let mut out = String::new();
    out.push_str(&spec::comment(&format!(
        "Imported by `bra import owl` from {name} (BIF ontology, OWL/RDF-XML)."
    )));
    out.push('\n');
    out.push_str(&spec::comment(&format!(
        "{} circuits ({} uniform), {} connections, {} references; {} statement{} not mapped (kept as `// not mapped` comments).",
        summary.circuits,
        summary.uniform,
        summary.connections,
        summary.references,
        summary.unmapped,
        if summary.unmapped == 1 { "" } else { "s" },
    )));
    out.push('\n');
    if !cx.main_ns.is_empty() {
        out.push_str(&spec::comment(&format!(
            "IDs are the classes' local names in <{}>; an IRI outside it is written whole.",
            cx.main_ns
        )));
        out.push('\n');
    }
    out.push_str(
        "// The OWL file has no project: add `project ID \"title\" { bra_version = \"2.2\" }`\n",
    );
    out.push_str("// (and an ROI) to check it as a BRA.\n\n");
    if !cx.refs.is_empty() {
        out.push_str(&spec::section("references"));
        out.push('\n');
        for (id, text) in &cx.refs {
            let mut r = ItemText::new("reference");
            r.name = Some(id.clone());
            match doi_of(text) {
                Some(d) => r.prop("doi", V::Str(d)),
                None if text.starts_with("http://") || text.starts_with("https://") => {
                    r.prop("url", V::Str(text.clone()))
                }
                None => r.prop("citation", V::Str(text.clone())),
            }
            r.render(&mut out);
        }
        out.push('\n');
    }
    if !circuits.is_empty() {
        out.push_str(&spec::section("circuits"));
        out.push('\n');
        for (_, it, _) in &circuits {
            it.render(&mut out);
        }
    }
    if !connections.is_empty() {
        out.push('\n');
        out.push_str(&spec::section("connections"));
        out.push('\n');
        for (.., it) in &connections {
            it.render(&mut out);
        }
    }
    if !broken.is_empty() || !others.is_empty() {
        out.push('\n');
        out.push_str(&spec::section("not mapped"));
        out.push('\n');
        for l in broken.iter().chain(others.iter()) {
            out.push_str(&spec::comment(l));
            out.push('\n');
        }
    }
    let text = match spec::canonical(&out) {
        Ok(t) => t,
        Err(d) => {
            return OwlImport {
                text: String::new(),
                summary,
                diagnostics: d,
            };
        }
    };
    let mut diagnostics = Vec::new();
    if summary.circuits + summary.connections == 0 {
        diagnostics.push(
            Diagnostic::warning(
                "I004",
                format!("`{path}` describes no bifd:Circuit and no bifd:Connection"),
            )
            .with_help(
                "BIF data are classes under bifd:Circuit, bifd:UniformCircuit or \
                 bifd:Connection; the BIF ontology itself (bifd.owl) holds none",
            ),
        );
    }
    OwlImport {
        text,
        summary,
        diagnostics,
    }
}

/// A prefixed name for a well-known IRI (for comments).
fn short(iri: &str) -> String {
    for (ns, p) in [(RDF, "rdf:"), (RDFS, "rdfs:"), (OWL, "owl:")] {
        if let Some(l) = iri.strip_prefix(ns) {
            return format!("{p}{l}");
        }
    }
    if let Some(t) = bifd_term(iri) {
        return format!("bifd:{t}");
    }
    format!("<{iri}>")
}

/// The title from a class's labels: distinct labels (case-insensitively), the
/// language-less ones first, English next; a label equal to the ID is left out.
fn title(id: &str, names: &[(String, Option<String>)]) -> Option<String> {
    let rank = |l: &Option<String>| match l.as_deref() {
        None => 0,
        Some(l) if l.eq_ignore_ascii_case("en") || l.to_ascii_lowercase().starts_with("en-") => 1,
        Some(_) => 2,
    };
    let mut sorted: Vec<&(String, Option<String>)> = names.iter().collect();
    sorted.sort_by_key(|(_, l)| rank(l));
    let mut seen: Vec<String> = Vec::new();
    let mut out: Vec<&str> = Vec::new();
    for (text, _) in sorted {
        let t = text.trim();
        if t.is_empty() || t == id {
            continue;
        }
        let key = t.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(t);
    }
    (!out.is_empty()).then(|| out.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_and_reference_ids() {
        assert_eq!(
            doi_of("10.1152/physrev.00014.2007").as_deref(),
            Some("10.1152/physrev.00014.2007")
        );
        assert_eq!(
            doi_of("https://doi.org/10.1038/nrn2614").as_deref(),
            Some("10.1038/nrn2614")
        );
        assert_eq!(doi_of("*Test,2020"), None);
        let f = bra_syntax::SourceFile::new("x", "");
        let mut cx = Ctx {
            file: &f,
            main_ns: String::new(),
            ids: HashMap::new(),
            foreign: Default::default(),
            refs: BTreeMap::new(),
            ref_ids: HashMap::new(),
            unmapped: 0,
        };
        assert_eq!(
            cx.reference("10.1152/physrev.00014.2007"),
            "physrev.00014.2007"
        );
        assert_eq!(cx.reference("*Test,2020"), "Test_2020");
        assert_eq!(
            cx.reference("10.1016/S0079-6123(07)63003-9"),
            "S0079_6123_07_63003_9"
        );
        assert_eq!(cx.reference("10.1000/1234"), "ref_1234");
        assert_eq!(cx.reference("https://github.com/CompCogNeuro/ed4/"), "ed4");
        assert_eq!(cx.reference("*Test;2020"), "Test_2020_2");
        assert_eq!(
            cx.reference("10.1152/physrev.00014.2007"),
            "physrev.00014.2007"
        );
    }

    #[test]
    fn titles_keep_distinct_labels() {
        let l = |t: &str, lang: Option<&str>| (t.to_string(), lang.map(str::to_string));
        assert_eq!(
            title(
                "Str",
                &[
                    l("striatum", Some("en")),
                    l("Str", Some("en")),
                    l("Str", None)
                ]
            )
            .as_deref(),
            Some("striatum")
        );
        assert_eq!(
            title(
                "Auditory_association_cortex",
                &[
                    l("auditory association cortex", Some("en")),
                    l("Auditory association cortex", None),
                    l("VTP", None)
                ]
            )
            .as_deref(),
            Some("Auditory association cortex; VTP")
        );
        assert_eq!(title("Pn", &[l("Pn", None), l("Pn", Some("en"))]), None);
    }
}
