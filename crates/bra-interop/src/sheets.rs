//! The five sheets of WBAI's BRA template v2-2 as CSV: import into a spec,
//! export from one.
//!
//! # What each column becomes
//!
//! | sheet | column | spec |
//! |---|---|---|
//! | Project | Project ID | `project ID` |
//! | | Contributor, List of contributors (`;`), Description, BRA version | `contributor`, `contributors = [...]`, `description`, `bra_version` |
//! | References | Reference ID | `reference ID` |
//! | | DOI, Literature type, Alternative URL | `doi`, `type`, `url` |
//! | | BibTex | the reference's other fields (`title`, `authors`, `year`, `journal`, …) as one BibTeX entry; a BibTeX text written elsewhere is kept whole as `bibtex = "…"` |
//! | Circuits | Circuit ID, Names | `circuit ID "Names"` |
//! | | Source of ID, Sub-Circuits (`;`), Uniform, Transmitter, Modulation Type, Comments | `source`, `parts = [...]`, `uniform`, `transmitter`, `modulation`, `comment` |
//! | Connections | sCID, rCID | `connection sCID -> rCID` |
//! | | sCID relation, Notation of sCID in Literature (same for rCID) | `sender_relation = "<"`, `sender_notation` (`receiver_…`) |
//! | | Size, Comments, Reference ID (`;`), Taxon (`;`), Measurement method, Pointers on literature, Pointers on figure | `size`, `comment`, `reference`, `taxon`, `method`, `literature_pointers`, `figure_pointers` |
//! | FRG | Node ID `U.X` | `component X` (Circuit ID, when not X, is `circuit = …`) |
//! | | Node ID `R.X` | `function X "Capability"`; `C.` and `A.` nodes keep their prefix: `function C.X` |
//! | | Subnodes (`;`) | `parts = [...]` (prefixes removed: `R.X` → `X`, `U.X` → `X`) |
//! | | Projected Circuits (`;`), Capability, Mechanism, Implementation of Uniform Circuit, Requirements Realization by Interface, Requirements, Output Semantics, Comments | `projected_circuits`, `capability` (components), `mechanism`, `implementation`, `interface_requirements`, `requirements`, `output_semantics`, `comment` |
//!
//! The round trip is lossless: sheets → spec → sheets gives the same bytes
//! (for sheets written as [`export`] writes them: LF line ends, cells quoted
//! only when they must be, lists joined by `;`), and spec → sheets → spec
//! gives the same tree for everything the sheets carry ([`carried`]). What the
//! sheets cannot carry — connection names, project titles, `taxon` and `roi`
//! of the project, circuit sizes, a component's neurons, flows, stimuli,
//! `simulate` — is counted in [`ExportSummary::not_carried`].

use crate::csvfile::{self, Cell, Record};
use crate::spec::{self, ItemText, Line, V};
use bra_syntax::ast::{Block, Entry, Expr, ExprKind, File, Ident, Item, ItemKind, Property};
use bra_syntax::{Diagnostic, FileId, Severity, Sources, Span};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One sheet of the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    /// Project metadata.
    Project,
    /// Literature.
    References,
    /// Circuits (BIF nodes).
    Circuits,
    /// Connections (BIF edges).
    Connections,
    /// The function realisation graph.
    Frg,
}

impl Sheet {
    /// All five, in the template's order.
    pub const ALL: [Sheet; 5] = [
        Sheet::Project,
        Sheet::References,
        Sheet::Circuits,
        Sheet::Connections,
        Sheet::Frg,
    ];

    /// The sheet's name.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Project => "Project",
            Sheet::References => "References",
            Sheet::Circuits => "Circuits",
            Sheet::Connections => "Connections",
            Sheet::Frg => "FRG",
        }
    }

    /// The CSV file name `export` writes.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The template's header, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Sheet::Project => &[
                "Contributor",
                "Project ID",
                "List of contributors",
                "Description",
                "BRA version",
            ],
            Sheet::References => &[
                "Reference ID",
                "DOI",
                "BibTex",
                "Literature type",
                "Alternative URL",
            ],
            Sheet::Circuits => &[
                "Circuit ID",
                "Source of ID",
                "Names",
                "Sub-Circuits",
                "Uniform",
                "Transmitter",
                "Modulation Type",
                "Comments",
            ],
            Sheet::Connections => &[
                "Sender Circuit ID (sCID)",
                "sCID relation",
                "Notation of sCID in Literature",
                "Receiver Circuit ID (rCID)",
                "rCID relation",
                "Notation of rCID in Literature",
                "Size",
                "Comments",
                "Reference ID",
                "Taxon",
                "Measurement method",
                "Pointers on literature",
                "Pointers on figure",
            ],
            Sheet::Frg => &[
                "Node ID",
                "Subnodes",
                "Circuit ID",
                "Projected Circuits",
                "Capability",
                "Mechanism",
                "Implementation of Uniform Circuit",
                "Requirements Realization by Interface",
                "Requirements",
                "Output Semantics",
                "Comments",
            ],
        }
    }
}

/// The transmitters of the template's Circuits sheet.
pub const TRANSMITTERS: &[&str] = &[
    "Acetylcholine",
    "Dopamine",
    "GABA",
    "Glutamate",
    "Glycine",
    "Serotonin",
];
/// The modulation types of the template and of the BIF ontology.
pub const MODULATIONS: &[&str] = &["Excitatory", "Inhibitory", "Modulatory"];
/// The relations of a literature notation to a circuit ID.
pub const RELATIONS: &[&str] = &["<", "=", ">"];
/// The prefixes of FRG node IDs.
pub const NODE_PREFIXES: &[&str] = &["R.", "U.", "C.", "A."];

// ------------------------------------------------------------------ keys

const PROJECT_KEYS: &[&str] = &["contributor", "contributors", "description", "bra_version"];
const CIRCUIT_KEYS: &[&str] = &[
    "uniform",
    "transmitter",
    "modulation",
    "source",
    "parts",
    "comment",
];
const CONNECTION_KEYS: &[&str] = &[
    "reference",
    "taxon",
    "method",
    "size",
    "sender_relation",
    "sender_notation",
    "receiver_relation",
    "receiver_notation",
    "literature_pointers",
    "figure_pointers",
    "comment",
];
const COMPONENT_KEYS: &[&str] = &[
    "circuit",
    "capability",
    "output_semantics",
    "mechanism",
    "implementation",
    "requirements",
    "interface_requirements",
    "projected_circuits",
    "parts",
    "comment",
];
const FUNCTION_KEYS: &[&str] = &[
    "parts",
    "circuit",
    "projected_circuits",
    "mechanism",
    "implementation",
    "requirements",
    "interface_requirements",
    "output_semantics",
    "comment",
];
/// Reference keys with a column of their own; every other field goes into BibTeX.
const REFERENCE_COLUMN_KEYS: &[&str] = &["doi", "type", "bibtex", "url"];

// ------------------------------------------------------------------ BibTeX

fn bibtex_type(literature_type: Option<&str>) -> &'static str {
    match literature_type.map(str::to_lowercase).as_deref() {
        Some("book") => "book",
        Some("chapter" | "inbook" | "incollection") => "incollection",
        Some("thesis" | "phdthesis") => "phdthesis",
        Some("conference" | "inproceedings" | "proceedings") => "inproceedings",
        Some("article" | "review" | "letter" | "journal") => "article",
        _ => "misc",
    }
}

fn bib_field(key: &str) -> &str {
    if key == "authors" { "author" } else { key }
}

fn spec_field(key: &str) -> &str {
    if key == "author" { "authors" } else { key }
}

/// A field value BibTeX can hold and give back unchanged.
fn bib_value(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) if braces_balance(s) => Some(format!("{{{s}}}")),
        ExprKind::Number(n) if n.unit.is_none() => Some(n.raw.clone()),
        ExprKind::Ident(i)
            if i.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            Some(i.name.clone())
        }
        _ => None,
    }
}

fn braces_balance(s: &str) -> bool {
    let mut depth = 0i64;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Render a BibTeX entry from (field, value-text) pairs.
fn render_bibtex(id: &str, literature_type: Option<&str>, fields: &[(String, String)]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let mut s = format!("@{}{{{id},\n", bibtex_type(literature_type));
    for (k, (f, v)) in fields.iter().enumerate() {
        s.push_str(&format!("  {} = {v}", bib_field(f)));
        s.push_str(if k + 1 < fields.len() { ",\n" } else { "\n" });
    }
    s.push('}');
    s
}

/// Read back an entry in exactly the form [`render_bibtex`] writes; `None`
/// for any other text (which is then kept whole).
fn parse_bibtex(text: &str, id: &str, literature_type: Option<&str>) -> Option<Vec<(String, V)>> {
    let b = text.as_bytes();
    let mut i = text.find('{')? + 1;
    let comma = i + text[i..].find(',')?;
    if text[i..comma].trim() != id {
        return None;
    }
    i = comma + 1;
    let mut fields: Vec<(String, V)> = Vec::new();
    let mut shown: Vec<(String, String)> = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] == b'}' {
            break;
        }
        let ks = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
            i += 1;
        }
        let key = text[ks..i].to_string();
        if key.is_empty() {
            return None;
        }
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let vs = i;
        let value = if b.get(i) == Some(&b'{') {
            let mut depth = 0i64;
            loop {
                match b.get(i)? {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            V::Str(text[vs + 1..i - 1].to_string())
        } else {
            while i < b.len() && !matches!(b[i], b',' | b'}' | b'\n' | b' ') {
                i += 1;
            }
            let t = &text[vs..i];
            if t.is_empty() {
                return None;
            }
            if spec::is_number(t) {
                V::Num(t.to_string())
            } else {
                V::Ident(t.to_string())
            }
        };
        shown.push((spec_field(&key).to_string(), text[vs..i].to_string()));
        fields.push((spec_field(&key).to_string(), value));
        if b.get(i) == Some(&b',') {
            i += 1;
        }
    }
    // Only the canonical form is taken apart: anything else stays whole.
    (render_bibtex(id, literature_type, &shown) == text).then_some(fields)
}

// ------------------------------------------------------------------ reading

/// What an import produced.
#[derive(Debug)]
pub struct SheetsImport {
    /// The spec, formatted.
    pub text: String,
    /// Counts.
    pub summary: ImportSummary,
    /// Warnings (the import went ahead).
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Projects.
    pub projects: usize,
    /// References.
    pub references: usize,
    /// Circuits.
    pub circuits: usize,
    /// Connections.
    pub connections: usize,
    /// FRG `U.` nodes (components).
    pub components: usize,
    /// FRG `R.`, `C.` and `A.` nodes (functions).
    pub functions: usize,
}

impl ImportSummary {
    /// One line for stderr.
    pub fn line(&self, from: &str, to: &str) -> String {
        format!(
            "imported {} project{}, {} references, {} circuits, {} connections and {} FRG nodes ({} components, {} functions) from {from} into {to}",
            self.projects,
            if self.projects == 1 { "" } else { "s" },
            self.references,
            self.circuits,
            self.connections,
            self.components + self.functions,
            self.components,
            self.functions
        )
    }
}

/// A sheet's rows, with the column index of every template column.
struct Table {
    file: FileId,
    sheet: Sheet,
    /// For each template column, its index in the file's header.
    index: Vec<usize>,
    /// Data rows: (spreadsheet row number, record).
    rows: Vec<(usize, Record)>,
}

impl Table {
    fn cell<'a>(&self, rec: &'a Record, col: usize) -> &'a Cell {
        &rec.cells[self.index[col]]
    }
}

fn column_letter(mut k: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (k % 26) as u8) as char);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    s
}

fn norm_header(h: &str) -> String {
    h.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Diagnostics collected while reading, with the sources they point into.
struct Reader<'s> {
    sources: &'s mut Sources,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn path(&self, file: FileId) -> String {
        self.sources.get(file).path.clone()
    }

    /// "Circuits.csv, row 4, column F (`Transmitter`)"
    fn place(&self, t: &Table, row: usize, col: usize) -> String {
        format!(
            "row {row}, column {} (`{}`)",
            column_letter(t.index[col]),
            t.sheet.columns()[col]
        )
    }

    fn find_file(&mut self, dir: &Path, sheet: Sheet) -> Option<std::path::PathBuf> {
        let want = sheet.file_name().to_lowercase();
        let suffix = format!(" - {want}");
        let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                p.is_file() && (n == want || n.ends_with(&suffix))
            })
            .collect();
        found.sort();
        if found.len() > 1 {
            let names: Vec<String> = found.iter().map(|p| format!("`{}`", p.display())).collect();
            self.diags.push(
                Diagnostic::error(
                    "I019",
                    format!(
                        "several files could be the {} sheet: {}",
                        sheet.name(),
                        names.join(", ")
                    ),
                )
                .with_help("keep one of them in the folder"),
            );
            return None;
        }
        found.pop()
    }

    /// Read, decode and parse one sheet; `None` when it could not be read.
    fn table(&mut self, dir: &Path, sheet: Sheet) -> Option<Table> {
        let Some(path) = self.find_file(dir, sheet) else {
            if !self.diags.iter().any(|d| d.code == "I019") {
                let required = sheet == Sheet::Circuits;
                let msg = format!(
                    "no {} sheet in `{}` (expected `{}`)",
                    sheet.name(),
                    dir.display(),
                    sheet.file_name()
                );
                let mut d = if required {
                    Diagnostic::error("I019", msg)
                } else {
                    Diagnostic::warning("I019", msg)
                };
                d = d.with_help(format!(
                    "export the template's {} sheet as CSV into the folder{}",
                    sheet.name(),
                    if required {
                        ""
                    } else {
                        " (without it, nothing is imported from it)"
                    }
                ));
                self.diags.push(d);
            }
            return None;
        };
        let display = path.display().to_string();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("I019", format!("cannot read `{display}`: {e}"))
                        .with_help("check that the file is readable"),
                );
                return None;
            }
        };
        let (text, bom) = match crate::decode_text(&bytes) {
            Ok(t) => t,
            Err(at) => {
                let id = self.sources.add(
                    display.clone(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                );
                self.diags.push(
                    Diagnostic::error("I002", format!("`{display}` is not UTF-8 text"))
                        .with_primary(id, Span::new(at, at + 1), "this byte is not UTF-8")
                        .with_help("export the sheet as \"CSV UTF-8\""),
                );
                return None;
            }
        };
        let file = self.sources.add(display.clone(), text.clone());
        if bom {
            self.diags.push(
                Diagnostic::warning(
                    "I015",
                    format!("`{display}` starts with a UTF-8 byte-order mark; it was ignored"),
                )
                .with_primary(file, Span::new(0, 0), "byte-order mark before this")
                .with_help("harmless; `bra export bra-csv` writes the sheets without one"),
            );
        }
        let parsed = match csvfile::parse(&text) {
            Ok(p) => p,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        "I010",
                        format!("`{display}` is not valid CSV: {}", e.message),
                    )
                    .with_primary(file, e.span, e.message)
                    .with_help(e.help),
                );
                return None;
            }
        };
        if let Some(m) = &parsed.mixed {
            self.diags.push(
                Diagnostic::warning(
                    "I016",
                    format!(
                        "`{display}` mixes line endings: {} here, {} on its first line",
                        m.here, m.first
                    ),
                )
                .with_primary(file, m.span, format!("this line ends with {}", m.here))
                .with_help("both were read; save the file with one kind of line ending"),
            );
        }
        let mut records = parsed.records.into_iter().enumerate();
        let Some((_, header)) = records.next() else {
            self.diags.push(
                Diagnostic::error("I011", format!("`{display}` is empty: no header row"))
                    .with_primary(file, Span::new(0, 0), "expected the header here")
                    .with_help(format!(
                        "the first row names the columns: {}",
                        sheet.columns().join(", ")
                    )),
            );
            return None;
        };
        let mut index = Vec::new();
        let mut missing = Vec::new();
        for col in sheet.columns() {
            let want = norm_header(col);
            match header
                .cells
                .iter()
                .position(|c| norm_header(&c.value) == want)
            {
                Some(k) => index.push(k),
                None => {
                    missing.push(*col);
                    index.push(usize::MAX);
                }
            }
        }
        for (k, c) in header.cells.iter().enumerate() {
            let known = sheet
                .columns()
                .iter()
                .position(|col| norm_header(col) == norm_header(&c.value));
            match known {
                Some(j) if index[j] == k => {}
                Some(_) => self.diags.push(
                    Diagnostic::warning(
                        "I012",
                        format!(
                            "`{display}`: column `{}` is given twice; the first is read",
                            c.value
                        ),
                    )
                    .with_primary(file, c.span, "a second column with this name")
                    .with_help("delete one of the two columns"),
                ),
                None => {
                    let close = sheet
                        .columns()
                        .iter()
                        .find(|col| strsim_close(&norm_header(col), &norm_header(&c.value)));
                    let mut d = Diagnostic::warning(
                        "I012",
                        format!(
                            "`{display}`: column {} `{}` is not part of the template's {} sheet; its cells are ignored",
                            column_letter(k),
                            c.value,
                            sheet.name()
                        ),
                    )
                    .with_primary(file, c.span, "unknown column");
                    d = match close {
                        Some(col) => d.with_help(format!("did you mean `{col}`?")),
                        None => {
                            d.with_help(format!("the columns are: {}", sheet.columns().join(", ")))
                        }
                    };
                    self.diags.push(d);
                }
            }
        }
        if !missing.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    "I011",
                    format!(
                        "`{display}` lacks the column{} {} of the {} sheet",
                        if missing.len() == 1 { "" } else { "s" },
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        sheet.name()
                    ),
                )
                .with_primary(file, header.span, "this header row")
                .with_help(format!(
                    "the header of the {} sheet is: {}",
                    sheet.name(),
                    sheet.columns().join(",")
                )),
            );
            return None;
        }
        let width = header.cells.len();
        let mut rows = Vec::new();
        let mut bad = false;
        for (k, rec) in records {
            if rec.is_blank() {
                continue;
            }
            if rec.cells.len() != width {
                bad = true;
                let row = k + 1;
                self.diags.push(
                    Diagnostic::error(
                        "I010",
                        format!(
                            "`{display}`, row {row}: {} cell{}, but the header has {width}",
                            rec.cells.len(),
                            if rec.cells.len() == 1 { "" } else { "s" }
                        ),
                    )
                    .with_primary(file, rec.span, format!("{} cells", rec.cells.len()))
                    .with_label(file, header.span, format!("{width} columns"))
                    .with_help(
                        "every row has one cell per column (quote a cell that contains a comma)",
                    ),
                );
                continue;
            }
            rows.push((k + 1, rec));
        }
        if bad {
            return None;
        }
        Some(Table {
            file,
            sheet,
            index,
            rows,
        })
    }
}

fn strsim_close(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let d = strsim::levenshtein(a, b);
    d <= (a.chars().count().max(b.chars().count()) / 4).max(1)
}

/// Checks and conversions of cells into spec values, with diagnostics.
struct Rows<'r, 's> {
    r: &'r mut Reader<'s>,
}

impl Rows<'_, '_> {
    fn text<'c>(&self, t: &Table, rec: &'c Record, col: usize) -> &'c str {
        &t.cell(rec, col).value
    }

    /// An ID cell: trimmed (with a warning), non-empty when `required`,
    /// writable. `None` when empty or unusable.
    fn id(
        &mut self,
        t: &Table,
        row: usize,
        rec: &Record,
        col: usize,
        required: bool,
    ) -> Option<String> {
        let cell = t.cell(rec, col);
        let v = self.trimmed(t, row, cell, col);
        if v.is_empty() {
            if required {
                let place = self.r.place(t, row, col);
                self.r.diags.push(
                    Diagnostic::error(
                        "I017",
                        format!(
                            "{}, {place}: this row has no {}",
                            self.r.path(t.file),
                            t.sheet.columns()[col]
                        ),
                    )
                    .with_primary(t.file, rec.span, "the cell is empty")
                    .with_help("fill in the ID, or delete the row"),
                );
            }
            return None;
        }
        if !spec::is_writable_id(&v) {
            let place = self.r.place(t, row, col);
            self.r.diags.push(
                Diagnostic::error(
                    "I017",
                    format!(
                        "{}, {place}: the ID `{v}` contains a backtick or a control character",
                        self.r.path(t.file)
                    ),
                )
                .with_primary(t.file, cell.span, "cannot be written as a spec ID")
                .with_help("WBAI IDs use letters, digits and `. _ ~ - / +`"),
            );
            return None;
        }
        Some(v)
    }

    fn trimmed(&mut self, t: &Table, row: usize, cell: &Cell, col: usize) -> String {
        let v = cell.value.trim();
        if v.len() != cell.value.len() && !v.is_empty() {
            let place = self.r.place(t, row, col);
            self.r.diags.push(
                Diagnostic::warning(
                    "I018",
                    format!(
                        "{}, {place}: spaces around `{v}` were removed",
                        self.r.path(t.file)
                    ),
                )
                .with_primary(t.file, cell.span, "leading or trailing spaces")
                .with_help("IDs and list items carry no surrounding spaces"),
            );
        }
        v.to_string()
    }

    /// A `;`-separated list of IDs.
    fn id_list(&mut self, t: &Table, row: usize, rec: &Record, col: usize) -> Vec<String> {
        let cell = t.cell(rec, col);
        let mut out = Vec::new();
        for item in cell.value.split(';') {
            let v = item.trim();
            if v.is_empty() {
                continue;
            }
            if !spec::is_writable_id(v) {
                let place = self.r.place(t, row, col);
                self.r.diags.push(
                    Diagnostic::error(
                        "I017",
                        format!(
                            "{}, {place}: the ID `{v}` contains a backtick or a control character",
                            self.r.path(t.file)
                        ),
                    )
                    .with_primary(t.file, cell.span, "cannot be written as a spec ID")
                    .with_help("WBAI IDs use letters, digits and `. _ ~ - / +`"),
                );
                continue;
            }
            out.push(v.to_string());
        }
        out
    }

    /// A value of a closed list; `Err(())` after reporting it.
    fn choice(
        &mut self,
        t: &Table,
        row: usize,
        rec: &Record,
        col: usize,
        allowed: &[&str],
    ) -> Result<Vec<String>, ()> {
        let cell = t.cell(rec, col);
        let mut out = Vec::new();
        let mut ok = true;
        for item in cell.value.split(';') {
            let v = item.trim();
            if v.is_empty() {
                continue;
            }
            if allowed.contains(&v) {
                out.push(v.to_string());
                continue;
            }
            ok = false;
            let place = self.r.place(t, row, col);
            let guess = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(v))
                .or_else(|| {
                    allowed
                        .iter()
                        .find(|a| strsim_close(&a.to_lowercase(), &v.to_lowercase()))
                });
            let mut d = Diagnostic::error(
                "I013",
                format!(
                    "{}, {place}: `{v}` is not one of {}",
                    self.r.path(t.file),
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_primary(t.file, cell.span, "not a value of the template");
            d = match guess {
                Some(g) => d.with_help(format!("did you mean `{g}`?")),
                None => d.with_help(format!("write one of {}", allowed.join(", "))),
            };
            self.r.diags.push(d);
        }
        if ok { Ok(out) } else { Err(()) }
    }
}

fn str_opt(s: &str) -> Option<V> {
    (!s.is_empty()).then(|| V::Str(s.to_string()))
}

fn words(items: &[String]) -> Option<V> {
    V::one_or_list(items.iter().map(|s| spec::word(s)).collect())
}

fn ids(items: &[String]) -> Option<V> {
    V::one_or_list(items.iter().map(|s| V::Ident(s.clone())).collect())
}

fn id_list_value(items: &[String]) -> Option<V> {
    (!items.is_empty()).then(|| V::List(items.iter().map(|s| V::Ident(s.clone())).collect()))
}

fn dup_check(
    r: &mut Reader,
    seen: &mut HashMap<String, (FileId, Span, usize)>,
    t: &Table,
    row: usize,
    rec: &Record,
    col: usize,
    id: &str,
) -> bool {
    let cell = t.cell(rec, col);
    if let Some((f, s, first_row)) = seen.get(id) {
        let place = r.place(t, row, col);
        r.diags.push(
            Diagnostic::error(
                "I014",
                format!(
                    "{}, {place}: the ID `{id}` is given twice (first in row {first_row})",
                    r.path(t.file)
                ),
            )
            .with_primary(t.file, cell.span, "again here")
            .with_label(*f, *s, "first here")
            .with_help("IDs are unique within a sheet: rename one row or merge the two"),
        );
        false
    } else {
        seen.insert(id.to_string(), (t.file, cell.span, row));
        true
    }
}

/// Import the sheets in `dir`. Every input file is added to `sources`;
/// diagnostics point into them. `Err` holds every diagnostic (warnings too)
/// when any is an error.
pub fn import_dir(dir: &Path, sources: &mut Sources) -> Result<SheetsImport, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("I019", format!("`{}` is not a folder", dir.display()))
                .with_help("give the folder that holds Project.csv, References.csv, Circuits.csv, Connections.csv and FRG.csv"),
        ]);
    }
    let mut r = Reader {
        sources,
        diags: Vec::new(),
    };
    let tables: Vec<Option<Table>> = Sheet::ALL.iter().map(|s| r.table(dir, *s)).collect();
    let mut summary = ImportSummary::default();
    let mut sections: Vec<(Sheet, Vec<ItemText>)> = Vec::new();
    {
        let mut rows = Rows { r: &mut r };
        for t in tables.iter().flatten() {
            let items = match t.sheet {
                Sheet::Project => project_items(&mut rows, t),
                Sheet::References => reference_items(&mut rows, t),
                Sheet::Circuits => circuit_items(&mut rows, t),
                Sheet::Connections => connection_items(&mut rows, t),
                Sheet::Frg => frg_items(&mut rows, t, &mut summary),
            };
            match t.sheet {
                Sheet::Project => summary.projects = items.len(),
                Sheet::References => summary.references = items.len(),
                Sheet::Circuits => summary.circuits = items.len(),
                Sheet::Connections => summary.connections = items.len(),
                Sheet::Frg => {}
            }
            sections.push((t.sheet, items));
        }
    }
    let mut diags = r.diags;
    bra_syntax::diag::sort(&mut diags);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(diags);
    }
    let canonical = dir.canonicalize().ok();
    let name = dir
        .file_name()
        .or_else(|| canonical.as_deref().and_then(Path::file_name))
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let mut out = String::new();
    out.push_str(&spec::comment(&format!(
        "Imported by `bra import bra-csv` from the BRA template v2-2 sheets in {name}/."
    )));
    out.push('\n');
    out.push_str(&spec::comment(
        "`bra export bra-csv` writes the same sheets back from this spec.",
    ));
    out.push_str("\n\n");
    for (sheet, items) in &sections {
        if items.is_empty() {
            continue;
        }
        out.push_str(&spec::section(&format!(
            "{} ({})",
            sheet.name(),
            sheet.file_name()
        )));
        out.push('\n');
        for it in items {
            it.render(&mut out);
        }
        out.push('\n');
    }
    match spec::canonical(&out) {
        Ok(text) => Ok(SheetsImport {
            text,
            summary,
            diagnostics: diags,
        }),
        Err(mut d) => {
            d.extend(diags);
            Err(d)
        }
    }
}

fn project_items(rows: &mut Rows, t: &Table) -> Vec<ItemText> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for (row, rec) in &t.rows {
        let Some(id) = rows.id(t, *row, rec, 1, true) else {
            continue;
        };
        if !dup_check(rows.r, &mut seen, t, *row, rec, 1, &id) {
            continue;
        }
        let mut it = ItemText::new("project");
        it.name = Some(id);
        it.prop_opt("contributor", str_opt(rows.text(t, rec, 0)));
        let list: Vec<V> = rows
            .text(t, rec, 2)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| V::Str(s.to_string()))
            .collect();
        if !list.is_empty() {
            it.prop("contributors", V::List(list));
        }
        it.prop_opt("description", str_opt(rows.text(t, rec, 3)));
        it.prop_opt("bra_version", str_opt(rows.text(t, rec, 4)));
        out.push(it);
    }
    out
}

fn reference_items(rows: &mut Rows, t: &Table) -> Vec<ItemText> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for (row, rec) in &t.rows {
        let Some(id) = rows.id(t, *row, rec, 0, true) else {
            continue;
        };
        if !dup_check(rows.r, &mut seen, t, *row, rec, 0, &id) {
            continue;
        }
        let mut it = ItemText::new("reference");
        it.name = Some(id.clone());
        it.prop_opt("doi", str_opt(rows.text(t, rec, 1)));
        let ty = rows.text(t, rec, 3);
        if !ty.is_empty() {
            it.prop("type", spec::word(ty));
        }
        let bib = rows.text(t, rec, 2);
        if !bib.is_empty() {
            match parse_bibtex(bib, &id, (!ty.is_empty()).then_some(ty)) {
                Some(fields) => {
                    for (k, v) in fields {
                        it.prop(&k, v);
                    }
                }
                None => it.prop("bibtex", V::Str(bib.to_string())),
            }
        }
        it.prop_opt("url", str_opt(rows.text(t, rec, 4)));
        out.push(it);
    }
    out
}

fn circuit_items(rows: &mut Rows, t: &Table) -> Vec<ItemText> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for (row, rec) in &t.rows {
        let Some(id) = rows.id(t, *row, rec, 0, true) else {
            continue;
        };
        if !dup_check(rows.r, &mut seen, t, *row, rec, 0, &id) {
            continue;
        }
        let mut it = ItemText::new("circuit");
        it.name = Some(id);
        let names = rows.text(t, rec, 2);
        it.title = (!names.is_empty()).then(|| names.to_string());
        let uniform = rows.text(t, rec, 4).trim();
        if uniform.eq_ignore_ascii_case("true") {
            it.lines.push(Line::Flag("uniform".into()));
        } else if !uniform.is_empty() && !uniform.eq_ignore_ascii_case("false") {
            let place = rows.r.place(t, *row, 4);
            rows.r.diags.push(
                Diagnostic::error(
                    "I013",
                    format!(
                        "{}, {place}: `{uniform}` is not `TRUE` or `FALSE`",
                        rows.r.path(t.file)
                    ),
                )
                .with_primary(t.file, t.cell(rec, 4).span, "not a value of the template")
                .with_help("write TRUE for a uniform circuit, FALSE for a collection"),
            );
        }
        if let Ok(v) = rows.choice(t, *row, rec, 5, TRANSMITTERS) {
            it.prop_opt("transmitter", ids(&v));
        }
        if let Ok(v) = rows.choice(t, *row, rec, 6, MODULATIONS) {
            it.prop_opt("modulation", ids(&v));
        }
        let source: Vec<String> = rows
            .text(t, rec, 1)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        it.prop_opt("source", words(&source));
        let parts = rows.id_list(t, *row, rec, 3);
        it.prop_opt("parts", id_list_value(&parts));
        it.prop_opt("comment", str_opt(rows.text(t, rec, 7)));
        out.push(it);
    }
    out
}

fn connection_items(rows: &mut Rows, t: &Table) -> Vec<ItemText> {
    let mut out = Vec::new();
    for (row, rec) in &t.rows {
        let s = rows.id(t, *row, rec, 0, true);
        let r = rows.id(t, *row, rec, 3, true);
        let rel_s = rows.choice(t, *row, rec, 1, RELATIONS);
        let rel_r = rows.choice(t, *row, rec, 4, RELATIONS);
        let (Some(s), Some(r)) = (s, r) else { continue };
        let mut it = ItemText::new("connection");
        it.edge = Some((s, r));
        let refs = rows.id_list(t, *row, rec, 8);
        it.prop_opt("reference", ids(&refs));
        let taxa: Vec<String> = rows
            .text(t, rec, 9)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        it.prop_opt("taxon", words(&taxa));
        it.prop_opt("method", str_opt(rows.text(t, rec, 10)));
        let size = rows.text(t, rec, 6);
        if !size.is_empty() {
            it.prop(
                "size",
                if spec::is_number(size) {
                    V::Num(size.to_string())
                } else {
                    V::Str(size.to_string())
                },
            );
        }
        if let Ok(v) = rel_s {
            it.prop_opt(
                "sender_relation",
                V::one_or_list(v.into_iter().map(V::Str).collect()),
            );
        }
        it.prop_opt("sender_notation", str_opt(rows.text(t, rec, 2)));
        if let Ok(v) = rel_r {
            it.prop_opt(
                "receiver_relation",
                V::one_or_list(v.into_iter().map(V::Str).collect()),
            );
        }
        it.prop_opt("receiver_notation", str_opt(rows.text(t, rec, 5)));
        it.prop_opt("literature_pointers", str_opt(rows.text(t, rec, 11)));
        it.prop_opt("figure_pointers", str_opt(rows.text(t, rec, 12)));
        it.prop_opt("comment", str_opt(rows.text(t, rec, 7)));
        out.push(it);
    }
    out
}

/// The spec name of an FRG node ID: `R.X` and `U.X` lose their prefix.
fn node_name(id: &str) -> &str {
    id.strip_prefix("R.")
        .or_else(|| id.strip_prefix("U."))
        .unwrap_or(id)
}

fn frg_items(rows: &mut Rows, t: &Table, summary: &mut ImportSummary) -> Vec<ItemText> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for (row, rec) in &t.rows {
        let Some(id) = rows.id(t, *row, rec, 0, true) else {
            continue;
        };
        let Some(prefix) = NODE_PREFIXES
            .iter()
            .find(|p| id.starts_with(**p) && id.len() > p.len())
        else {
            let place = rows.r.place(t, *row, 0);
            rows.r.diags.push(
                Diagnostic::error(
                    "I013",
                    format!("{}, {place}: the node ID `{id}` does not start with R., U., C. or A.", rows.r.path(t.file)),
                )
                .with_primary(t.file, t.cell(rec, 0).span, "no node prefix")
                .with_help("`R.` names a function (requirement), `U.` a uniform circuit's component; e.g. `U.CA3`"),
            );
            continue;
        };
        if !dup_check(rows.r, &mut seen, t, *row, rec, 0, &id) {
            continue;
        }
        let name = node_name(&id).to_string();
        let component = *prefix == "U.";
        let subnodes: Vec<String> = rows
            .id_list(t, *row, rec, 1)
            .iter()
            .map(|s| node_name(s).to_string())
            .collect();
        let circuit = rows.id(t, *row, rec, 2, false);
        let projected = rows.id_list(t, *row, rec, 3);
        let capability = rows.text(t, rec, 4).to_string();
        let mut it = ItemText::new(if component { "component" } else { "function" });
        it.name = Some(name.clone());
        if component {
            summary.components += 1;
            if let Some(c) = circuit.filter(|c| *c != name) {
                it.prop("circuit", V::Ident(c));
            }
            it.prop_opt("capability", str_opt(&capability));
            it.prop_opt("output_semantics", str_opt(rows.text(t, rec, 9)));
            it.prop_opt("mechanism", str_opt(rows.text(t, rec, 5)));
            it.prop_opt("implementation", str_opt(rows.text(t, rec, 6)));
            it.prop_opt("requirements", str_opt(rows.text(t, rec, 8)));
            it.prop_opt("interface_requirements", str_opt(rows.text(t, rec, 7)));
            it.prop_opt("projected_circuits", id_list_value(&projected));
            it.prop_opt("parts", id_list_value(&subnodes));
        } else {
            summary.functions += 1;
            it.title = (!capability.is_empty()).then_some(capability);
            it.prop_opt("parts", id_list_value(&subnodes));
            it.prop_opt("circuit", circuit.map(V::Ident));
            it.prop_opt("projected_circuits", id_list_value(&projected));
            it.prop_opt("mechanism", str_opt(rows.text(t, rec, 5)));
            it.prop_opt("implementation", str_opt(rows.text(t, rec, 6)));
            it.prop_opt("requirements", str_opt(rows.text(t, rec, 8)));
            it.prop_opt("interface_requirements", str_opt(rows.text(t, rec, 7)));
            it.prop_opt("output_semantics", str_opt(rows.text(t, rec, 9)));
        }
        it.prop_opt("comment", str_opt(rows.text(t, rec, 10)));
        out.push(it);
    }
    out
}

// ------------------------------------------------------------------ writing

/// What an export produced.
#[derive(Debug)]
pub struct SheetsExport {
    /// (file name, CSV text) for each of the five sheets, in template order.
    pub files: Vec<(String, String)>,
    /// Counts, and what the sheets could not carry.
    pub summary: ExportSummary,
}

/// Counts of an export.
#[derive(Clone, Debug, Default)]
pub struct ExportSummary {
    /// Data rows per sheet, in template order.
    pub rows: Vec<(Sheet, usize)>,
    /// What the sheets cannot carry, with how often it occurs
    /// (`"connection names"`, `"component \`neurons\`"`, `"flows"`).
    pub not_carried: BTreeMap<String, usize>,
}

impl ExportSummary {
    /// One line for stderr.
    pub fn line(&self, to: &str) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|(s, n)| format!("{} {n}", s.name()))
            .collect();
        let mut s = format!(
            "wrote the BRA template sheets to {to} ({} rows)",
            rows.join(", ")
        );
        if !self.not_carried.is_empty() {
            let lost: Vec<String> = self
                .not_carried
                .iter()
                .map(|(k, n)| format!("{k} ×{n}"))
                .collect();
            s.push_str(&format!("; not carried by the sheets: {}", lost.join(", ")));
        }
        s
    }
}

/// A value as cell text: names, strings and numbers as written, lists
/// joined by `;`. `None` for what a cell cannot hold.
fn cell_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Ident(i) => Some(i.name.clone()),
        ExprKind::Str(s) => Some(s.clone()),
        ExprKind::Number(n) => Some(match &n.unit {
            Some(u) => format!("{} {}", n.raw, u.text),
            None => n.raw.clone(),
        }),
        ExprKind::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        ExprKind::List(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|x| match x.kind {
                    ExprKind::List(_) => None,
                    _ => cell_text(x),
                })
                .collect();
            parts.map(|p| p.join(";"))
        }
        _ => None,
    }
}

fn prop_text(item: &Item, key: &str) -> String {
    item.property(key)
        .and_then(|p| cell_text(&p.value))
        .unwrap_or_default()
}

/// Every sub-circuit a circuit names: nested circuits, then its `parts` list.
fn circuit_parts(item: &Item) -> Vec<String> {
    let mut out: Vec<String> = item
        .children()
        .filter(|c| c.kind == ItemKind::Circuit)
        .filter_map(|c| c.name.as_ref().map(|n| n.name.clone()))
        .collect();
    if let Some(p) = item.property("parts")
        && let ExprKind::List(items) = &p.value.kind
    {
        for e in items {
            if let ExprKind::Ident(i) = &e.kind {
                out.push(i.name.clone());
            }
        }
    }
    out
}

fn flatten_circuits<'a>(item: &'a Item, out: &mut Vec<&'a Item>) {
    out.push(item);
    for c in item.children().filter(|c| c.kind == ItemKind::Circuit) {
        flatten_circuits(c, out);
    }
}

/// The FRG node ID of a function.
fn function_node_id(name: &str) -> String {
    if name.starts_with("C.") || name.starts_with("A.") {
        name.to_string()
    } else {
        format!("R.{name}")
    }
}

fn note(not: &mut BTreeMap<String, usize>, what: String) {
    *not.entry(what).or_default() += 1;
}

/// Count what an item carries beyond `keys` (and the header parts the sheets have).
fn uncarried_entries(item: &Item, keys: &[&str], not: &mut BTreeMap<String, usize>) {
    let kind = item.kind.keyword();
    for e in item.entries() {
        match e {
            Entry::Property(p) if keys.contains(&p.key.name.as_str()) => {
                if cell_text(&p.value).is_none() {
                    note(
                        not,
                        format!(
                            "{kind} `{}` values that are not names, text or numbers",
                            p.key.name
                        ),
                    );
                }
            }
            Entry::Property(p) => note(not, format!("{kind} `{}`", p.key.name)),
            Entry::Bare(x) => match &x.kind {
                ExprKind::Ident(i) if i.name == "uniform" && item.kind == ItemKind::Circuit => {}
                _ => note(not, format!("{kind} flags and calls")),
            },
            Entry::Item(i) if item.kind == ItemKind::Circuit && i.kind == ItemKind::Circuit => {}
            Entry::Item(i) => note(not, format!("{} nested in a {kind}", i.kind.keyword())),
        }
    }
}

/// Export the items of parsed files (the root first) as the five sheets.
pub fn export(files: &[File]) -> SheetsExport {
    let items: Vec<&Item> = files.iter().flat_map(|f| f.items.iter()).collect();
    let functions: std::collections::HashSet<&str> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Function)
        .filter_map(|i| i.name.as_ref().map(|n| n.name.as_str()))
        .collect();
    let components: std::collections::HashSet<&str> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Component)
        .filter_map(|i| i.name.as_ref().map(|n| n.name.as_str()))
        .collect();
    let mut not: BTreeMap<String, usize> = BTreeMap::new();
    let mut project = vec![cols(Sheet::Project)];
    let mut references = vec![cols(Sheet::References)];
    let mut circuits = vec![cols(Sheet::Circuits)];
    let mut connections = vec![cols(Sheet::Connections)];
    let mut frg = vec![cols(Sheet::Frg)];
    for item in &items {
        let name = item
            .name
            .as_ref()
            .map(|n| n.name.clone())
            .unwrap_or_default();
        match item.kind {
            ItemKind::Project => {
                if item.title.is_some() {
                    note(&mut not, "project titles".into());
                }
                uncarried_entries(item, PROJECT_KEYS, &mut not);
                project.push(vec![
                    prop_text(item, "contributor"),
                    name,
                    prop_text(item, "contributors"),
                    prop_text(item, "description"),
                    prop_text(item, "bra_version"),
                ]);
            }
            ItemKind::Reference => {
                if item.title.is_some() {
                    note(&mut not, "reference titles in the header".into());
                }
                let ty = item
                    .property("type")
                    .and_then(|p| cell_text(&p.value))
                    .filter(|s| !s.is_empty());
                let bib = match item.property("bibtex") {
                    Some(p) => {
                        for e in item.entries() {
                            if let Entry::Property(q) = e
                                && !REFERENCE_COLUMN_KEYS.contains(&q.key.name.as_str())
                            {
                                note(
                                    &mut not,
                                    format!("reference `{}` beside a `bibtex` text", q.key.name),
                                );
                            }
                        }
                        cell_text(&p.value).unwrap_or_default()
                    }
                    None => {
                        let mut fields = Vec::new();
                        for e in item.entries() {
                            match e {
                                Entry::Property(q)
                                    if REFERENCE_COLUMN_KEYS.contains(&q.key.name.as_str()) => {}
                                Entry::Property(q) => match bib_value(&q.value) {
                                    Some(v) => fields.push((q.key.name.clone(), v)),
                                    None => note(
                                        &mut not,
                                        format!(
                                            "reference `{}` values BibTeX cannot hold",
                                            q.key.name
                                        ),
                                    ),
                                },
                                _ => {
                                    note(&mut not, "reference flags, calls and nested items".into())
                                }
                            }
                        }
                        render_bibtex(&name, ty.as_deref(), &fields)
                    }
                };
                references.push(vec![
                    name,
                    prop_text(item, "doi"),
                    bib,
                    ty.unwrap_or_default(),
                    prop_text(item, "url"),
                ]);
            }
            ItemKind::Circuit => {
                let mut all = Vec::new();
                flatten_circuits(item, &mut all);
                for c in all {
                    uncarried_entries(c, CIRCUIT_KEYS, &mut not);
                    let cname = c.name.as_ref().map(|n| n.name.clone()).unwrap_or_default();
                    circuits.push(vec![
                        cname,
                        prop_text(c, "source"),
                        c.title
                            .as_ref()
                            .map(|t| t.value.clone())
                            .unwrap_or_default(),
                        circuit_parts(c).join(";"),
                        if bra_model_uniform(c) {
                            "TRUE"
                        } else {
                            "FALSE"
                        }
                        .to_string(),
                        prop_text(c, "transmitter"),
                        prop_text(c, "modulation"),
                        prop_text(c, "comment"),
                    ]);
                }
            }
            ItemKind::Connection => {
                if item.name.is_some() {
                    note(&mut not, "connection names".into());
                }
                if item.title.is_some() {
                    note(&mut not, "connection titles".into());
                }
                uncarried_entries(item, CONNECTION_KEYS, &mut not);
                connections.push(vec![
                    item.from
                        .as_ref()
                        .map(|f| f.name.clone())
                        .unwrap_or_default(),
                    prop_text(item, "sender_relation"),
                    prop_text(item, "sender_notation"),
                    item.to.as_ref().map(|f| f.name.clone()).unwrap_or_default(),
                    prop_text(item, "receiver_relation"),
                    prop_text(item, "receiver_notation"),
                    prop_text(item, "size"),
                    prop_text(item, "comment"),
                    prop_text(item, "reference"),
                    prop_text(item, "taxon"),
                    prop_text(item, "method"),
                    prop_text(item, "literature_pointers"),
                    prop_text(item, "figure_pointers"),
                ]);
            }
            ItemKind::Component | ItemKind::Function => {
                let component = item.kind == ItemKind::Component;
                let keys = if component {
                    COMPONENT_KEYS
                } else {
                    FUNCTION_KEYS
                };
                uncarried_entries(item, keys, &mut not);
                if component && item.title.is_some() {
                    note(&mut not, "component titles".into());
                }
                let node = if component {
                    format!("U.{name}")
                } else {
                    function_node_id(&name)
                };
                let subnodes: Vec<String> = match item.property("parts").map(|p| &p.value.kind) {
                    Some(ExprKind::List(ps)) => ps
                        .iter()
                        .filter_map(|e| match &e.kind {
                            ExprKind::Ident(i) => Some(if functions.contains(i.name.as_str()) {
                                function_node_id(&i.name)
                            } else if components.contains(i.name.as_str()) {
                                format!("U.{}", i.name)
                            } else {
                                i.name.clone()
                            }),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let circuit = match item.property("circuit").and_then(|p| cell_text(&p.value)) {
                    Some(c) => c,
                    None if component => name.clone(),
                    None => String::new(),
                };
                let capability = if component {
                    prop_text(item, "capability")
                } else {
                    item.title
                        .as_ref()
                        .map(|t| t.value.clone())
                        .unwrap_or_default()
                };
                frg.push(vec![
                    node,
                    subnodes.join(";"),
                    circuit,
                    prop_text(item, "projected_circuits"),
                    capability,
                    prop_text(item, "mechanism"),
                    prop_text(item, "implementation"),
                    prop_text(item, "interface_requirements"),
                    prop_text(item, "requirements"),
                    prop_text(item, "output_semantics"),
                    prop_text(item, "comment"),
                ]);
            }
            ItemKind::Flow => note(&mut not, "flows".into()),
            ItemKind::Stimulus => note(&mut not, "stimuli".into()),
            ItemKind::Simulate => note(&mut not, "simulate blocks".into()),
            ItemKind::Use => note(&mut not, "`use` lines".into()),
            other => note(&mut not, format!("{} items", other.keyword())),
        }
    }
    let sheets = [
        (Sheet::Project, project),
        (Sheet::References, references),
        (Sheet::Circuits, circuits),
        (Sheet::Connections, connections),
        (Sheet::Frg, frg),
    ];
    let rows = sheets.iter().map(|(s, r)| (*s, r.len() - 1)).collect();
    let files = sheets
        .iter()
        .map(|(s, r)| (s.file_name(), csvfile::write(r)))
        .collect();
    SheetsExport {
        files,
        summary: ExportSummary {
            rows,
            not_carried: not,
        },
    }
}

fn cols(sheet: Sheet) -> Vec<String> {
    sheet.columns().iter().map(|c| c.to_string()).collect()
}

/// `uniform` as a flag or `uniform = true`, as the model reads it.
fn bra_model_uniform(item: &Item) -> bool {
    item.has_flag("uniform")
        || matches!(
            item.property("uniform").map(|p| &p.value.kind),
            Some(ExprKind::Bool(true))
        )
}

// ------------------------------------------------------------------ carried

fn dummy_ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        quoted: false,
        span: Span::new(0, 0),
    }
}

fn prop_entry(key: &str, value: Expr) -> Entry {
    Entry::Property(Property {
        key: dummy_ident(key),
        value,
        span: Span::new(0, 0),
    })
}

fn keep(item: &Item, keys: &[&str]) -> Vec<Entry> {
    let mut out = Vec::new();
    for key in keys {
        if *key == "uniform" {
            if bra_model_uniform(item) {
                out.push(Entry::Bare(Expr {
                    kind: ExprKind::Ident(dummy_ident("uniform")),
                    span: Span::new(0, 0),
                }));
            }
            continue;
        }
        if let Some(p) = item.property(key) {
            out.push(prop_entry(key, p.value.clone()));
        }
    }
    out
}

fn with_entries(item: &Item, entries: Vec<Entry>) -> Item {
    Item {
        body: (!entries.is_empty()).then(|| Block {
            entries,
            span: Span::new(0, 0),
        }),
        ..item.clone()
    }
}

/// The part of a file that the sheets carry, in the order the sheets hold
/// it: projects, references, circuits (flattened: nested circuits become
/// `parts` lists), connections (without names), then components and
/// functions; within each item, only the entries with a column, in column
/// order; comments dropped. `spec → sheets → spec` keeps
/// `ast::shape(&carried(f))`.
pub fn carried(file: &File) -> File {
    let mut groups: [Vec<Item>; 5] = Default::default();
    for item in &file.items {
        match item.kind {
            ItemKind::Project => {
                let mut it = with_entries(item, keep(item, PROJECT_KEYS));
                it.title = None;
                groups[0].push(it);
            }
            ItemKind::Reference => {
                let mut entries = keep(item, &["doi", "type"]);
                let bib = item.property("bibtex");
                for e in item.entries() {
                    if let Entry::Property(p) = e
                        && !REFERENCE_COLUMN_KEYS.contains(&p.key.name.as_str())
                        && bib.is_none()
                        && bib_value(&p.value).is_some()
                    {
                        entries.push(e.clone());
                    }
                }
                entries.extend(keep(item, &["bibtex", "url"]));
                let mut it = with_entries(item, entries);
                it.title = None;
                groups[1].push(it);
            }
            ItemKind::Circuit => {
                let mut all = Vec::new();
                flatten_circuits(item, &mut all);
                for c in all {
                    let mut entries = keep(c, &["uniform", "transmitter", "modulation", "source"]);
                    let parts = circuit_parts(c);
                    if !parts.is_empty() {
                        entries.push(prop_entry(
                            "parts",
                            Expr {
                                kind: ExprKind::List(
                                    parts
                                        .iter()
                                        .map(|p| Expr {
                                            kind: ExprKind::Ident(dummy_ident(p)),
                                            span: Span::new(0, 0),
                                        })
                                        .collect(),
                                ),
                                span: Span::new(0, 0),
                            },
                        ));
                    }
                    entries.extend(keep(c, &["comment"]));
                    groups[2].push(with_entries(c, entries));
                }
            }
            ItemKind::Connection => {
                let mut it = with_entries(item, keep(item, CONNECTION_KEYS));
                it.name = None;
                it.title = None;
                groups[3].push(it);
            }
            ItemKind::Component => {
                let mut entries = keep(item, COMPONENT_KEYS);
                let own = item.name.as_ref().map(|n| n.name.as_str());
                entries.retain(|e| match e {
                    Entry::Property(p) if p.key.name == "circuit" => {
                        !matches!(&p.value.kind, ExprKind::Ident(i) if Some(i.name.as_str()) == own)
                    }
                    _ => true,
                });
                let mut it = with_entries(item, entries);
                it.title = None;
                groups[4].push(it);
            }
            ItemKind::Function => groups[4].push(with_entries(item, keep(item, FUNCTION_KEYS))),
            _ => {}
        }
    }
    File {
        items: groups.into_iter().flatten().collect(),
        comments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_round_trips_only_its_own_form() {
        let fields = vec![
            ("title".to_string(), "{The {CA3} network}".to_string()),
            ("authors".to_string(), "{Amaral DG}".to_string()),
            ("year".to_string(), "1989".to_string()),
        ];
        let text = render_bibtex("amaral1989", Some("Review"), &fields);
        assert_eq!(
            text,
            "@article{amaral1989,\n  title = {The {CA3} network},\n  author = {Amaral DG},\n  year = 1989\n}"
        );
        let back = parse_bibtex(&text, "amaral1989", Some("Review")).expect("canonical");
        assert_eq!(
            back[0],
            ("title".into(), V::Str("The {CA3} network".into()))
        );
        assert_eq!(back[1], ("authors".into(), V::Str("Amaral DG".into())));
        assert_eq!(back[2], ("year".into(), V::Num("1989".into())));
        // Another type, another key or another layout: kept whole.
        assert!(parse_bibtex(&text, "amaral1989", Some("Book")).is_none());
        assert!(parse_bibtex(&text, "other", Some("Review")).is_none());
        assert!(
            parse_bibtex(
                "@article{amaral1989, title={x}}",
                "amaral1989",
                Some("Review")
            )
            .is_none()
        );
        assert!(parse_bibtex("{{{", "x", None).is_none());
    }

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
