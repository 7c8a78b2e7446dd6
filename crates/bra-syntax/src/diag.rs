//! Diagnostics: one shape for every error and warning of every stage, rendered
//! rustc-style through miette or as JSON for tools.

use crate::span::{FileId, Sources, Span};
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Note,
    /// Worth fixing; does not fail `bra check`.
    Warning,
    /// Fails `bra check` (exit 1).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place a diagnostic points at, with what to say there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// The bytes.
    pub span: Span,
    /// What to say under the carets (may be empty).
    pub message: String,
    /// The main place (rendered first, with `^`).
    pub primary: bool,
}

/// One error, warning or note, with a stable code.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E001`, `E103`, `SCID203`.
    pub code: String,
    /// How bad it is.
    pub severity: Severity,
    /// One line, in the user's words.
    pub message: String,
    /// The places involved; the first primary label is the main one.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Further notes (each rendered on its own line).
    pub notes: Vec<String>,
    /// The matching error code of WBAI's automatic BRA review, where one exists.
    pub wbai_code: Option<u16>,
}

impl Diagnostic {
    /// A new error with this code and message.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            wbai_code: None,
        }
    }

    /// A new warning with this code and message.
    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Add the primary label.
    pub fn with_primary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    /// Add a secondary label.
    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Set the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Set the WBAI review code.
    pub fn with_wbai(mut self, code: u16) -> Self {
        self.wbai_code = Some(code);
        self
    }

    /// The main label: the first primary one, else the first.
    pub fn primary(&self) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
    }

    /// True for an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort diagnostics by file and position so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary().map(|l| (l.file, l.span.start, l.span.end));
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// The JSON form of a diagnostic, one object per diagnostic:
/// code, severity, message, file, line, column, byte span, help, labels.
pub fn to_json(d: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let label_json = |l: &Label| {
        let f = sources.try_get(l.file);
        let (line, column) = f.map(|f| f.line_col(l.span.start)).unwrap_or((0, 0));
        serde_json::json!({
            "file": f.map(|f| f.path.as_str()).unwrap_or(""),
            "line": line,
            "column": column,
            "span": { "start": l.span.start, "end": l.span.end },
            "message": l.message,
            "primary": l.primary,
        })
    };
    let primary = d.primary();
    let (file, line, column, span) = match primary {
        Some(l) => {
            let f = sources.try_get(l.file);
            let (line, column) = f.map(|f| f.line_col(l.span.start)).unwrap_or((0, 0));
            (
                f.map(|f| f.path.clone()),
                Some(line),
                Some(column),
                Some(serde_json::json!({ "start": l.span.start, "end": l.span.end })),
            )
        }
        None => (None, None, None, None),
    };
    serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "span": span,
        "help": d.help,
        "notes": d.notes,
        "wbai_code": d.wbai_code,
        "labels": d.labels.iter().map(label_json).collect::<Vec<_>>(),
    })
}

/// Render a diagnostic the way rustc does: code, message, `file:line:col`,
/// the source lines with carets and labels, and `help:`. Labels in other files
/// than the primary one are rendered as related reports.
pub fn render(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let report = MietteReport::build(d, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}[{}]: {}\n", d.severity, d.code, d.message);
    }
    out
}

/// A miette view of a [`Diagnostic`]: the labels of one file, with the labels
/// of other files as related reports.
#[derive(Debug)]
struct MietteReport {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: Option<miette::NamedSource<String>>,
    labels: Vec<miette::LabeledSpan>,
    related: Vec<MietteReport>,
}

impl MietteReport {
    fn build(d: &Diagnostic, sources: &Sources) -> MietteReport {
        let main_file = d.primary().map(|l| l.file);
        let mut help = d.help.clone();
        if !d.notes.is_empty() {
            let notes = d
                .notes
                .iter()
                .map(|n| format!("note: {n}"))
                .collect::<Vec<_>>()
                .join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\n{notes}"),
                None => notes,
            });
        }
        let mut other_files: Vec<FileId> = Vec::new();
        for l in &d.labels {
            if Some(l.file) != main_file && !other_files.contains(&l.file) {
                other_files.push(l.file);
            }
        }
        let related = other_files
            .into_iter()
            .map(|file| MietteReport {
                code: d.code.clone(),
                severity: Severity::Note,
                message: "related place".to_string(),
                help: None,
                source: Self::named(sources, file),
                labels: Self::labels(d, file, sources),
                related: Vec::new(),
            })
            .collect();
        MietteReport {
            code: d.code.clone(),
            severity: d.severity,
            message: d.message.clone(),
            help,
            source: main_file.and_then(|f| Self::named(sources, f)),
            labels: main_file
                .map(|f| Self::labels(d, f, sources))
                .unwrap_or_default(),
            related,
        }
    }

    fn named(sources: &Sources, file: FileId) -> Option<miette::NamedSource<String>> {
        sources
            .try_get(file)
            .map(|f| miette::NamedSource::new(f.path.clone(), f.text.to_string()))
    }

    fn labels(d: &Diagnostic, file: FileId, sources: &Sources) -> Vec<miette::LabeledSpan> {
        let len = sources.try_get(file).map(|f| f.text.len()).unwrap_or(0);
        d.labels
            .iter()
            .filter(|l| l.file == file)
            .map(|l| {
                let start = (l.span.start as usize).min(len);
                let end = (l.span.end as usize).min(len).max(start);
                let text = (!l.message.is_empty()).then(|| l.message.clone());
                if l.primary {
                    miette::LabeledSpan::new_primary_with_span(text, start..end)
                } else {
                    miette::LabeledSpan::new_with_span(text, start..end)
                }
            })
            .collect()
    }
}

impl fmt::Display for MietteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteReport {}

impl miette::Diagnostic for MietteReport {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}
