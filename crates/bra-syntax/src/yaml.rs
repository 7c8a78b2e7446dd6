//! The YAML front end: the same model as `.bra` text, written as YAML.
//!
//! [`parse_yaml`] loads a YAML file to the same [`File`] the text parser gives
//! (equal [`crate::ast::shape`], comments included), with every span pointing
//! into the YAML text; [`to_yaml`] writes a file as YAML. Text → YAML → text is
//! the identity after formatting. Every YAML call of the crate lives here.
//!
//! # Shape
//!
//! ```yaml
//! items:                                  # the file's items, in order
//!   - // Toy loop                         # a comment on its own line
//!   - use: anatomy.bra                    # `use "anatomy.bra"`
//!   - project:
//!       name: T01
//!       title: Toy loop
//!       body:
//!         - bra_version: '"2.2"'          # a string literal keeps its quotes
//!         - taxon: Rat                    # an identifier
//!         - roi: [A, B]                   # a list
//!   - ''                                  # a blank line
//!   - connection:
//!       name: climbing                    # optional for a connection or flow
//!       from: IO-DC                       # IDs are written without backticks
//!       to: PC-flocculus
//!       open: ['// anatomy']              # comments after the `{`
//!       body:
//!         - reference: ito1984            # property `reference = ito1984`
//!         - uniform                       # a flag or any bare expression
//!         - 'poisson(rate: 20 Hz)'
//!         - circuit: {name: DG}           # a nested item
//!         - key: size                     # a property with a comment at the
//!           value: 1.0e3                  # end of its line: the long form
//!           after: ['// estimate']
//!         - expr: uniform                 # a bare entry in long form
//!           after: ['// flag']
//!         - // before the closing brace
//!       after: ['// end of line comment']
//! ```
//!
//! - The top level is a mapping with one key, `items`: a sequence.
//! - An **item** is a mapping with one key, the item's keyword, whose value is a
//!   mapping of its fields: `name`, `from`, `to`, `title` (or `path` for `use`),
//!   `body` (a sequence of entries; absent for an item without block, `[]` for
//!   `{}`), `open` and `after` (comments). At the top level `use: PATH` is short
//!   for `use: {path: PATH}`.
//! - A **body entry** is one of: a nested item (as above: one key, an item keyword,
//!   with a *mapping* value); a property `KEY: VALUE` (a mapping with one key and a
//!   scalar or sequence value); a bare expression (a scalar); or a long form, a
//!   mapping of `key` + `value` or of `expr`, with `after`.
//! - In `items` and `body` sequences, a scalar starting with `//` or `/*` is a
//!   comment on its own line, and an empty element (`''`, `~`, or nothing) is a
//!   blank line. `after` lists comments that end the entry's (or item's) line,
//!   `open` those after an item's `{`; either is a sequence or one scalar.
//!
//! # Values
//!
//! A value scalar is **bra source text**: exactly what stands after `=` in a
//! `.bra` file (`20 ms`, `lif(tau_m: 20 ms) * 100`, `` `IO-DC` ``, `[A, B]`). So a
//! string literal keeps its double quotes inside the YAML scalar
//! (`tlf: '"relay a signal"'`) and can never be confused with an identifier
//! (`taxon: Rat`). Numbers keep their text as written (`1.0e6` stays `1.0e6`, not
//! `1000000`): YAML's own typing of plain scalars is ignored. A YAML sequence is
//! a bra list of the values it holds. Names, keys, titles and paths are plain
//! YAML strings (no backticks, no bra quotes). YAML comments (`#`) are not kept:
//! bra comments are data (the `//` elements and `after`/`open` fields).
//!
//! # Diagnostics
//!
//! | code | meaning |
//! |---|---|
//! | `E020` | the text is not YAML (syntax, duplicate key, several documents, limits) |
//! | `E021` | a node of the wrong kind (a sequence where a mapping belongs, …) |
//! | `E022` | an unknown key: top-level key, item field, item keyword, long-form key |
//! | `E023` | a required field is missing, or a field does not belong to this item |
//! | `E024` | a value scalar is not one bra expression (the bra error is in a note) |
//! | `E025` | a name is empty or holds a backtick or line break |
//! | `E026` | a comment is not one well-formed `//` or `/* */` comment |
//! | `E027` | a value is missing (YAML null) |
//!
//! Each points at the offending YAML node (inside a value scalar, at the exact
//! character where the scalar is written verbatim).
//!
//! Limits: YAML nesting is capped at 64 levels (serde-saphyr's budget), which
//! allows items nested about 20 deep; merge keys (`<<`) are refused.

use crate::ast::*;
use crate::diag::Diagnostic;
use crate::fmt::{Layout, Line, NodeLayout, format_expr, format_with};
use crate::span::{FileId, Span};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// The text is not YAML.
pub const E_SYNTAX: &str = "E020";
/// A node of the wrong kind.
pub const E_KIND: &str = "E021";
/// An unknown key.
pub const E_UNKNOWN: &str = "E022";
/// A required field is missing or a field is misplaced.
pub const E_FIELD: &str = "E023";
/// A value scalar is not one bra expression.
pub const E_VALUE: &str = "E024";
/// A bad name.
pub const E_NAME: &str = "E025";
/// A bad comment.
pub const E_COMMENT: &str = "E026";
/// A missing value.
pub const E_MISSING: &str = "E027";

// ---------------------------------------------------------------- public API

/// Load a YAML model. Returns the tree of everything that loaded and one
/// diagnostic per problem (codes `E020`–`E027`); spans point into `text`.
pub fn parse_yaml(text: &str, file: FileId) -> (File, Vec<Diagnostic>) {
    let (f, _, d) = parse_yaml_with_layout(text, file);
    (f, d)
}

/// Like [`parse_yaml`], and also the [`Layout`] (comment places and blank lines)
/// the YAML describes, for [`format_with`] and [`to_yaml_with`].
pub fn parse_yaml_with_layout(text: &str, file: FileId) -> (File, Layout, Vec<Diagnostic>) {
    // serde recursion through `Spanned` takes tens of KiB of stack per YAML
    // level, so the depth budget (64) alone does not keep a 2 MiB thread from
    // overflowing: load on a thread with room to spare (a reservation, not
    // memory in use), or on this one if no thread can be had.
    const STACK: usize = 64 << 20;
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("bra-yaml".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || load(text, file));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                let d = Diagnostic::error(E_SYNTAX, "internal error while reading YAML")
                    .with_primary(file, Span::new(0, 0), "")
                    .with_help("please report this input");
                (File::default(), Layout::default(), vec![d])
            }),
            Err(_) => load(text, file),
        }
    })
}

fn load(text: &str, file: FileId) -> (File, Layout, Vec<Diagnostic>) {
    let mut opts = serde_saphyr::Options::default();
    opts.with_snippet = false;
    opts.merge_keys = serde_saphyr::MergeKeyPolicy::Error;
    let root = match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, opts) {
        Ok(root) => root,
        Err(e) => {
            let d = syntax_error(&e, text, file);
            return (File::default(), Layout::default(), vec![d]);
        }
    };
    let root = Y::from_raw(root, text);
    let mut l = Loader {
        text,
        file,
        diags: Vec::new(),
        comments: Vec::new(),
        layout: Layout::default(),
    };
    let items = l.root(&root);
    let file_tree = File {
        items,
        comments: l.comments,
    };
    (file_tree, l.layout, l.diags)
}

/// Write a file parsed from `.bra` `source` as YAML (comments and blank lines
/// placed as [`crate::format()`] would place them).
pub fn to_yaml(file: &File, source: &str) -> String {
    to_yaml_with(file, &Layout::from_source(file, source))
}

/// Write a file as YAML with comments placed by `layout` (made canonical first,
/// see [`Layout::canonical`]: the YAML of a file and of its formatted text are
/// the same).
pub fn to_yaml_with(file: &File, layout: &Layout) -> String {
    let layout = layout.canonical(file);
    let mut w = Writer {
        file,
        layout: &layout,
        out: String::new(),
        next: 0,
    };
    w.file();
    w.out
}

/// Parse `.bra` text and write it as YAML; refuses text with syntax errors.
pub fn bra_to_yaml(source: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (f, errors) = crate::parse(source, file);
    if errors.is_empty() {
        Ok(to_yaml(&f, source))
    } else {
        Err(errors)
    }
}

/// Load YAML and print it as canonical `.bra` text; refuses YAML with errors.
pub fn yaml_to_bra(text: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (f, layout, errors) = parse_yaml_with_layout(text, file);
    if errors.is_empty() {
        Ok(format_with(&f, &layout))
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- raw YAML

/// A YAML node as serde-saphyr delivers it.
enum Raw {
    Null,
    /// A string scalar, decoded.
    Str(String),
    /// A scalar YAML typed as a number or boolean; the fallback text is used
    /// only when the source text is not available.
    Typed(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML node")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_char<E>(self, v: char) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut out = Vec::new();
        while let Some(x) = seq.next_element::<Spanned<Raw>>()? {
            out.push(x);
        }
        Ok(Raw::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<Spanned<Raw>>()? {
            let v = map.next_value::<Spanned<Raw>>()?;
            out.push((k, v));
        }
        Ok(Raw::Map(out))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Raw, A::Error> {
        Err(de::Error::custom("unexpected tagged value"))
    }
}

/// Byte offset of a 1-based line and (character) column in `text`.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut start = 0usize;
    for _ in 1..line {
        match text.get(start..).and_then(|rest| rest.find('\n')) {
            Some(k) => start += k + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let col = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    start
        + rest
            .char_indices()
            .nth(col)
            .map(|(k, _)| k)
            .unwrap_or(rest.len())
}

/// The byte range of a location in `text`.
fn range_of(text: &str, loc: &Location) -> (usize, usize) {
    let span = loc.span();
    let to_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let (start, len) = match (span.byte_offset(), span.byte_len()) {
        (Some(b), Some(l)) => (to_usize(b), to_usize(l)),
        _ => {
            let start = offset_of(text, loc.line(), loc.column());
            let chars = to_usize(span.len());
            let rest = text.get(start..).unwrap_or("");
            let len = rest
                .char_indices()
                .nth(chars)
                .map(|(k, _)| k)
                .unwrap_or(rest.len());
            (start, len)
        }
    };
    let start = start.min(text.len());
    (start, len.min(text.len() - start))
}

fn syntax_error(e: &serde_saphyr::Error, text: &str, file: FileId) -> Diagnostic {
    let (start, len) = e.location().map(|l| range_of(text, &l)).unwrap_or((0, 0));
    let mut message = e.to_string();
    // The location is rendered by our diagnostic, not in the message.
    if let Some(k) = message.rfind(" at line ") {
        message.truncate(k);
    }
    let mut help = "check the YAML syntax (indentation, quotes, brackets)".to_string();
    if let Some(k) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(k);
        help = "each key may appear once in a mapping".to_string();
    }
    Diagnostic::error(E_SYNTAX, format!("invalid YAML: {message}"))
        .with_primary(file, Span::new(start, start + len.max(1)), "here")
        .with_help(help)
}

/// A YAML node with byte positions.
struct Y {
    kind: YK,
    /// Start of the node.
    start: usize,
    /// End of the node's last token (for a collection: of its last child).
    end: usize,
    /// The node's own token (a scalar, or a collection's opening).
    tok: Span,
}

enum YK {
    /// A null: `~`, `null` or nothing; holds its text.
    Null(String),
    /// A scalar: its text (decoded for strings, as written for numbers and
    /// booleans) and the offset where that text stands verbatim, if it does.
    Scalar {
        text: String,
        at: Option<usize>,
    },
    Seq(Vec<Y>),
    Map(Vec<(Y, Y)>),
}

impl Y {
    fn from_raw(raw: Spanned<Raw>, text: &str) -> Y {
        let (start, len) = range_of(text, &raw.referenced);
        let tok = Span::new(start, start + len);
        let slice = |loc: &Location| {
            let (s, l) = range_of(text, loc);
            text.get(s..s + l).map(|t| (s, t))
        };
        match raw.value {
            Raw::Null => Y {
                kind: YK::Null(slice(&raw.referenced).map(|(_, t)| t).unwrap_or("").into()),
                start,
                end: start + len,
                tok,
            },
            Raw::Str(v) => {
                let at = match text.get(start..start + len) {
                    Some(t) if t == v => Some(start),
                    Some(t)
                        if t.len() == v.len() + 2
                            && (t.starts_with('\'') || t.starts_with('"'))
                            && t.get(1..t.len() - 1) == Some(v.as_str()) =>
                    {
                        Some(start + 1)
                    }
                    _ => None,
                };
                Y {
                    kind: YK::Scalar { text: v, at },
                    start,
                    end: start + len,
                    tok,
                }
            }
            Raw::Typed(fallback) => {
                let (text, at) = match slice(&raw.defined) {
                    Some((s, t)) if !t.is_empty() => (t.to_string(), Some(s)),
                    _ => (fallback, None),
                };
                Y {
                    kind: YK::Scalar { text, at },
                    start,
                    end: start + len,
                    tok,
                }
            }
            Raw::Seq(items) => {
                let items: Vec<Y> = items.into_iter().map(|x| Y::from_raw(x, text)).collect();
                let end = items.iter().map(|y| y.end).fold(start + len, usize::max);
                Y {
                    kind: YK::Seq(items),
                    start,
                    end,
                    tok,
                }
            }
            Raw::Map(pairs) => {
                let pairs: Vec<(Y, Y)> = pairs
                    .into_iter()
                    .map(|(k, v)| (Y::from_raw(k, text), Y::from_raw(v, text)))
                    .collect();
                let start = pairs
                    .first()
                    .map(|(k, _)| k.start.min(start))
                    .unwrap_or(start);
                let end = pairs
                    .iter()
                    .map(|(k, v)| k.end.max(v.end))
                    .fold(start + len, usize::max);
                Y {
                    kind: YK::Map(pairs),
                    start,
                    end,
                    tok,
                }
            }
        }
    }

    fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// The text of a scalar or null.
    fn text(&self) -> Option<&str> {
        match &self.kind {
            YK::Scalar { text, .. } => Some(text),
            YK::Null(text) => Some(text),
            _ => None,
        }
    }

    fn what(&self) -> &'static str {
        match &self.kind {
            YK::Null(_) => "nothing",
            YK::Scalar { .. } => "a scalar",
            YK::Seq(_) => "a sequence",
            YK::Map(_) => "a mapping",
        }
    }

    /// Blank-line element: null or an empty string.
    fn is_blank(&self) -> bool {
        match &self.kind {
            YK::Null(_) => true,
            YK::Scalar { text, .. } => text.trim().is_empty(),
            _ => false,
        }
    }

    /// Comment element: a scalar starting with `//` or `/*`.
    fn is_comment(&self) -> bool {
        matches!(&self.kind, YK::Scalar { text, .. }
            if { let t = text.trim_start(); t.starts_with("//") || t.starts_with("/*") })
    }
}

// ---------------------------------------------------------------- loading

/// A comment or blank line waiting for the node it stands above.
#[derive(Clone)]
enum Pending {
    Blank,
    Comment(Comment),
}

struct Loader<'t> {
    text: &'t str,
    file: FileId,
    diags: Vec<Diagnostic>,
    comments: Vec<Comment>,
    layout: Layout,
}

/// Snippet around a value scalar, so the bra parser reads it as one value.
const PREFIX: &str = "simulate{v=";
const SUFFIX: &str = "\n}";

impl Loader<'_> {
    fn error(&mut self, code: &str, span: Span, message: String, label: &str, help: &str) {
        let mut d = Diagnostic::error(code, message).with_primary(self.file, span, label);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn root(&mut self, root: &Y) -> Vec<Item> {
        match &root.kind {
            YK::Null(_) => Vec::new(),
            YK::Map(pairs) => {
                let mut items = Vec::new();
                for (k, v) in pairs {
                    match k.text() {
                        Some("items") => match &v.kind {
                            YK::Seq(elems) => {
                                let (got, end) = self.container(elems, Self::top_item);
                                items.extend(got);
                                self.layout.end = end;
                            }
                            YK::Null(_) => {}
                            _ => self.error(
                                E_KIND,
                                v.tok,
                                format!("`items` must be a sequence, found {}", v.what()),
                                "expected a sequence",
                                "write each item as `- circuit: {name: A}`",
                            ),
                        },
                        _ => self.error(
                            E_UNKNOWN,
                            k.tok,
                            format!("unknown top-level key `{}`", k.text().unwrap_or("?")),
                            "unknown key",
                            "a bra YAML file has one top-level key, `items`",
                        ),
                    }
                }
                items
            }
            _ => {
                self.error(
                    E_KIND,
                    root.tok,
                    format!("expected a mapping with `items:`, found {}", root.what()),
                    "expected a mapping",
                    "start the file with `items:`",
                );
                Vec::new()
            }
        }
    }

    /// Load one sequence of nodes, comments and blank lines; returns the nodes
    /// and the lines after the last one.
    fn container<T>(
        &mut self,
        elems: &[Y],
        mut each: impl FnMut(&mut Self, &Y, usize) -> Option<T>,
    ) -> (Vec<T>, Vec<Line>) {
        let mut out = Vec::new();
        let mut pending: Vec<Pending> = Vec::new();
        for el in elems {
            if el.is_blank() {
                pending.push(Pending::Blank);
                continue;
            }
            if el.is_comment() {
                if let Some(c) = self.comment(el) {
                    pending.push(Pending::Comment(c));
                }
                continue;
            }
            let saved = pending.clone();
            let (nc, nn) = (self.comments.len(), self.layout.nodes.len());
            let id = nn;
            self.layout.nodes.push(NodeLayout::default());
            let before = self.flush(std::mem::take(&mut pending));
            match each(self, el, id) {
                Some(t) => {
                    if let Some(n) = self.layout.nodes.get_mut(id) {
                        n.before = before;
                    }
                    out.push(t);
                }
                None => {
                    self.comments.truncate(nc);
                    self.layout.nodes.truncate(nn);
                    pending = saved;
                }
            }
        }
        let end = self.flush(pending);
        (out, end)
    }

    fn flush(&mut self, pending: Vec<Pending>) -> Vec<Line> {
        pending
            .into_iter()
            .map(|p| match p {
                Pending::Blank => Line::Blank,
                Pending::Comment(c) => Line::Comment(self.push_comment(c)),
            })
            .collect()
    }

    fn push_comment(&mut self, c: Comment) -> usize {
        self.comments.push(c);
        self.comments.len() - 1
    }

    /// One comment element, checked to be exactly one bra comment.
    fn comment(&mut self, y: &Y) -> Option<Comment> {
        let YK::Scalar { text, .. } = &y.kind else {
            self.error(
                E_COMMENT,
                y.tok,
                format!("expected a comment, found {}", y.what()),
                "expected a comment",
                "write a comment as a string starting with `//` or `/*`",
            );
            return None;
        };
        let text = text.trim_start();
        let ok = (text.starts_with("//") || text.starts_with("/*")) && {
            let (f, errors) = crate::parse(text, self.file);
            errors.is_empty()
                && f.items.is_empty()
                && f.comments.len() == 1
                && f.comments.first().is_some_and(|c| c.text == text)
        };
        if !ok {
            self.error(
                E_COMMENT,
                y.tok,
                "not one well-formed comment".to_string(),
                "expected one `//` or `/* */` comment",
                "a `//` comment is one line; a `/* */` comment must be closed (they nest)",
            );
            return None;
        }
        Some(Comment {
            text: text.to_string(),
            span: y.tok,
        })
    }

    /// An `after` or `open` field: one comment or a sequence of them, of which
    /// only the last may be a `//` comment (it ends the line).
    fn comment_list(&mut self, y: &Y) -> Option<Vec<Comment>> {
        let elems: Vec<&Y> = match &y.kind {
            YK::Null(_) => Vec::new(),
            YK::Scalar { .. } => vec![y],
            YK::Seq(items) => items.iter().collect(),
            YK::Map(_) => {
                self.error(
                    E_KIND,
                    y.tok,
                    "expected a comment or a sequence of comments, found a mapping".to_string(),
                    "expected comments",
                    "write `after: ['// text']`",
                );
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for el in elems {
            match self.comment(el) {
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        if let Some((_, init)) = out.split_last()
            && let Some(bad) = init.iter().find(|c| !c.is_block())
        {
            let span = bad.span;
            self.error(
                E_COMMENT,
                span,
                "a `//` comment must be the last on its line".to_string(),
                "nothing can follow this comment on its line",
                "make it the last one, or write it as `/* */`",
            );
            ok = false;
        }
        ok.then_some(out)
    }

    fn top_item(&mut self, el: &Y, id: usize) -> Option<Item> {
        match &el.kind {
            YK::Map(pairs) if pairs.len() == 1 => {
                let (k, v) = pairs.first()?;
                let key = k.text().unwrap_or("");
                match ItemKind::from_keyword(key) {
                    Some(kind)
                        if matches!(v.kind, YK::Map(_))
                            || (kind == ItemKind::Use && matches!(v.kind, YK::Scalar { .. })) =>
                    {
                        self.item(k, kind, v, id)
                    }
                    Some(kind) => {
                        self.error(
                            E_KIND,
                            v.tok,
                            format!(
                                "the fields of this {} must be a mapping, found {}",
                                kind.keyword(),
                                v.what()
                            ),
                            "expected a mapping",
                            "write e.g. `- circuit: {name: A}`",
                        );
                        None
                    }
                    None => {
                        self.error(
                            E_UNKNOWN,
                            k.tok,
                            format!("unknown item kind `{key}`"),
                            "not an item keyword",
                            "items are use, project, reference, circuit, connection, component, flow, function, stimulus and simulate",
                        );
                        None
                    }
                }
            }
            _ => {
                self.error(
                    E_KIND,
                    el.tok,
                    format!(
                        "expected an item (a mapping with one key, the item's keyword), found {}",
                        el.what()
                    ),
                    "expected an item",
                    "write e.g. `- circuit: {name: A}`",
                );
                None
            }
        }
    }

    fn item(&mut self, kw: &Y, kind: ItemKind, v: &Y, id: usize) -> Option<Item> {
        let shape = kind.shape();
        let mut name = None;
        let mut from = None;
        let mut to = None;
        let mut title = None;
        let mut path = None;
        let mut body = None;
        let mut open = None;
        let mut after = None;
        let mut ok = true;
        match &v.kind {
            YK::Scalar { .. } => path = Some(v),
            YK::Map(pairs) => {
                for (k, val) in pairs {
                    let field = k.text().unwrap_or("");
                    let allowed = match field {
                        "name" => matches!(
                            shape,
                            HeaderShape::Named | HeaderShape::Edge | HeaderShape::Stimulus
                        ),
                        "from" => shape == HeaderShape::Edge,
                        "to" => matches!(shape, HeaderShape::Edge | HeaderShape::Stimulus),
                        "title" | "body" | "open" => shape != HeaderShape::Path,
                        "path" => shape == HeaderShape::Path,
                        "after" => true,
                        _ => {
                            self.error(
                                E_UNKNOWN,
                                k.tok,
                                format!("unknown field `{field}` of a {}", kind.keyword()),
                                "unknown field",
                                "item fields are name, from, to, title, path, body, open and after",
                            );
                            ok = false;
                            continue;
                        }
                    };
                    if !allowed {
                        self.error(
                            E_FIELD,
                            k.tok,
                            format!("a {} has no `{field}`", kind.keyword()),
                            "does not belong here",
                            &field_help(kind),
                        );
                        ok = false;
                        continue;
                    }
                    let slot = match field {
                        "name" => &mut name,
                        "from" => &mut from,
                        "to" => &mut to,
                        "title" => &mut title,
                        "path" => &mut path,
                        "body" => &mut body,
                        "open" => &mut open,
                        _ => &mut after,
                    };
                    *slot = Some(val);
                }
            }
            _ => return None,
        }
        let mut require = |this: &mut Self, present: bool, field: &str| {
            if !present {
                this.error(
                    E_FIELD,
                    kw.tok,
                    format!("this {} needs `{field}`", kind.keyword()),
                    &format!("`{field}` missing"),
                    &field_help(kind),
                );
                ok = false;
            }
        };
        match shape {
            HeaderShape::Path => require(self, path.is_some(), "path"),
            HeaderShape::Named => require(self, name.is_some(), "name"),
            HeaderShape::Edge => {
                require(self, from.is_some(), "from");
                require(self, to.is_some(), "to");
            }
            HeaderShape::Stimulus => {
                require(self, name.is_some(), "name");
                require(self, to.is_some(), "to");
            }
            HeaderShape::Anonymous => {}
        }
        if kind.requires_block() {
            require(self, body.is_some(), "body");
        }
        if let Some(o) = open
            && body.is_none()
        {
            self.error(
                E_FIELD,
                o.tok,
                "`open` comments need a `body`".to_string(),
                "no block to open",
                "move these comments to `after`, or give the item a `body`",
            );
            ok = false;
        }
        let name = name.and_then(|y| self.ident(y).or_else(|| fail(&mut ok)));
        let from = from.and_then(|y| self.ident(y).or_else(|| fail(&mut ok)));
        let to = to.and_then(|y| self.ident(y).or_else(|| fail(&mut ok)));
        let title = title
            .or(path)
            .and_then(|y| self.string(y).or_else(|| fail(&mut ok)));
        let open = match open {
            Some(o) => self.comment_list(o).or_else(|| fail(&mut ok)),
            None => None,
        };
        let after = match after {
            Some(a) => self.comment_list(a).or_else(|| fail(&mut ok)),
            None => None,
        };
        if !ok {
            return None;
        }
        // Comments enter the file in print order: open, the block, after.
        let open: Vec<usize> = open
            .unwrap_or_default()
            .into_iter()
            .map(|c| self.push_comment(c))
            .collect();
        let block = match body {
            Some(b) => Some(self.block(b, id)?),
            None => None,
        };
        let after: Vec<usize> = after
            .unwrap_or_default()
            .into_iter()
            .map(|c| self.push_comment(c))
            .collect();
        if let Some(n) = self.layout.nodes.get_mut(id) {
            n.open = open;
            n.after = after;
        }
        Some(Item {
            kind,
            name,
            from,
            to,
            title,
            body: block,
            keyword_span: kw.tok,
            span: Span::new(kw.start, kw.end.max(v.end)),
        })
    }

    fn block(&mut self, y: &Y, id: usize) -> Option<Block> {
        let elems: &[Y] = match &y.kind {
            YK::Seq(elems) => elems,
            YK::Null(_) => &[],
            _ => {
                self.error(
                    E_KIND,
                    y.tok,
                    format!("`body` must be a sequence of entries, found {}", y.what()),
                    "expected a sequence",
                    "write `body: [uniform, transmitter: Glutamate]` or one entry per `- ` line",
                );
                return None;
            }
        };
        let before = self.diags.len();
        let (entries, end) = self.container(elems, Self::entry);
        if let Some(n) = self.layout.nodes.get_mut(id) {
            n.end = end;
        }
        if self.diags.len() > before {
            // Keep going so that every error is reported, but an item with a
            // broken entry is dropped whole rather than loaded half.
            return None;
        }
        Some(Block {
            entries,
            span: Span::new(y.start, y.end.max(y.start + 1)),
        })
    }

    fn entry(&mut self, el: &Y, id: usize) -> Option<Entry> {
        match &el.kind {
            YK::Scalar { .. } => self.value(el).map(Entry::Bare),
            YK::Map(pairs) if pairs.len() == 1 => {
                let (k, v) = pairs.first()?;
                let key = k.text().unwrap_or("");
                if let Some(kind) = ItemKind::from_keyword(key)
                    && matches!(v.kind, YK::Map(_))
                {
                    return self.item(k, kind, v, id).map(Entry::Item);
                }
                let key = self.ident(k)?;
                let value = self.value(v)?;
                Some(Entry::Property(Property {
                    key,
                    value,
                    span: el.span(),
                }))
            }
            YK::Map(pairs) => self.long_form(el, pairs, id),
            _ => {
                self.error(
                    E_KIND,
                    el.tok,
                    format!("expected a body entry, found {}", el.what()),
                    "expected an entry",
                    "an entry is `key: value`, a bare value, a nested item or a long form",
                );
                None
            }
        }
    }

    /// `{key: K, value: V, after: [...]}` or `{expr: E, after: [...]}`.
    fn long_form(&mut self, el: &Y, pairs: &[(Y, Y)], id: usize) -> Option<Entry> {
        let (mut key, mut value, mut expr, mut after) = (None, None, None, None);
        let mut ok = true;
        for (k, v) in pairs {
            match k.text().unwrap_or("") {
                "key" => key = Some((k, v)),
                "value" => value = Some(v),
                "expr" => expr = Some(v),
                "after" => after = Some(v),
                other => {
                    self.error(
                        E_UNKNOWN,
                        k.tok,
                        format!("unknown key `{other}` in a long-form entry"),
                        "unknown key",
                        "a mapping with several keys is a long-form entry: `key` + `value`, or `expr`, with `after`",
                    );
                    ok = false;
                }
            }
        }
        let entry = match (key, value, expr) {
            (Some((_, k)), Some(v), None) => {
                let key = self.ident(k);
                let value = self.value(v);
                match (key, value) {
                    (Some(key), Some(value)) => Some(Entry::Property(Property {
                        key,
                        value,
                        span: el.span(),
                    })),
                    _ => None,
                }
            }
            (None, None, Some(e)) => self.value(e).map(Entry::Bare),
            _ => {
                self.error(
                    E_FIELD,
                    el.tok,
                    "a long-form entry has `key` and `value`, or `expr`".to_string(),
                    "incomplete entry",
                    "write `{key: size, value: 1.0e3, after: ['// c']}` or `{expr: uniform, after: ['// c']}`",
                );
                None
            }
        };
        let after = match after {
            Some(a) => self.comment_list(a),
            None => Some(Vec::new()),
        };
        let (entry, after) = (entry?, after?);
        if !ok {
            return None;
        }
        let after: Vec<usize> = after.into_iter().map(|c| self.push_comment(c)).collect();
        if let Some(n) = self.layout.nodes.get_mut(id) {
            n.after = after;
        }
        Some(entry)
    }

    /// A name: an item's name, sender or receiver, or a property key.
    fn ident(&mut self, y: &Y) -> Option<Ident> {
        let name = match &y.kind {
            YK::Scalar { text, .. } => Some(text.as_str()),
            YK::Null(text) if !text.is_empty() => Some(text.as_str()),
            _ => None,
        };
        let Some(name) = name else {
            self.error(
                E_KIND,
                y.tok,
                format!("expected a name, found {}", y.what()),
                "expected a name",
                "write the ID as a plain YAML string, without backticks",
            );
            return None;
        };
        if name.trim().is_empty() || name.contains('`') || name.contains('\n') {
            self.error(
                E_NAME,
                y.tok,
                format!("`{}` is not a valid name", name.escape_debug()),
                "invalid name",
                "a name is not empty and holds no backtick and no line break",
            );
            return None;
        }
        Some(Ident {
            name: name.to_string(),
            quoted: !Ident::is_plain(name),
            span: y.tok,
        })
    }

    /// A title or path: any YAML string.
    fn string(&mut self, y: &Y) -> Option<StrLit> {
        match &y.kind {
            YK::Scalar { text, .. } => Some(StrLit {
                value: text.clone(),
                span: y.tok,
            }),
            _ => {
                self.error(
                    E_KIND,
                    y.tok,
                    format!("expected a string, found {}", y.what()),
                    "expected a string",
                    "quote it if YAML reads it as something else: title: 'null'",
                );
                None
            }
        }
    }

    /// A value: a scalar of bra text, or a sequence of values (a list).
    fn value(&mut self, y: &Y) -> Option<Expr> {
        match &y.kind {
            YK::Scalar { text, at } => self.parse_value(text, *at, y.tok),
            YK::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for it in items {
                    match self.value(it) {
                        Some(e) => out.push(e),
                        None => ok = false,
                    }
                }
                ok.then(|| Expr {
                    kind: ExprKind::List(out),
                    span: y.span(),
                })
            }
            YK::Null(_) => {
                self.error(
                    E_MISSING,
                    y.tok,
                    "missing value".to_string(),
                    "YAML reads this as no value",
                    "write a value; quote one that YAML reads as null: 'null'",
                );
                None
            }
            YK::Map(_) => {
                self.error(
                    E_KIND,
                    y.tok,
                    "expected a value, found a mapping".to_string(),
                    "expected a value",
                    "a value is bra text such as `20 ms` or `lif(tau_m: 20 ms)` (quote it when it holds `: `), or a sequence of values",
                );
                None
            }
        }
    }

    /// Parse one bra expression from a scalar's text, with spans into the YAML:
    /// exact where the text stands verbatim at `at`, else the whole scalar.
    fn parse_value(&mut self, text: &str, at: Option<usize>, whole: Span) -> Option<Expr> {
        let lead = text.len() - text.trim_start().len();
        let body = text.trim();
        if body.is_empty() {
            self.error(
                E_MISSING,
                whole,
                "missing value".to_string(),
                "empty value",
                "write a value",
            );
            return None;
        }
        let snippet = format!("{PREFIX}{body}{SUFFIX}");
        let (f, errors) = crate::parse(&snippet, self.file);
        let base = at.map(|a| a + lead);
        let max = self.text.len();
        let map = |s: Span| -> Span {
            match base {
                Some(b) => {
                    let pos = |p: u32| {
                        (b + (p as usize).saturating_sub(PREFIX.len()).min(body.len())).min(max)
                    };
                    Span::new(pos(s.start), pos(s.end))
                }
                None => whole,
            }
        };
        if let Some(e) = errors.first() {
            let span = e.primary().map(|l| map(l.span)).unwrap_or(whole);
            // The snippet's closing brace is not the user's: past the value,
            // say so in their words.
            let past_end = e
                .primary()
                .is_some_and(|l| l.span.start as usize >= PREFIX.len() + body.len());
            let message = if past_end {
                e.message
                    .replace("found `}`", "found the end of the value")
                    .replace("found end of line", "found the end of the value")
            } else {
                e.message.clone()
            };
            let mut d = Diagnostic::error(E_VALUE, format!("invalid value: {message}"))
                .with_primary(self.file, span, "in this value")
                .with_note(format!("the bra parser reports {} for `{body}`", e.code));
            if let Some(h) = &e.help {
                d = d.with_help(h.clone());
            }
            self.diags.push(d);
            return None;
        }
        let mut f = f;
        let value = match (f.items.pop(), f.items.is_empty()) {
            (Some(item), true) => match item.body.map(|b| b.entries) {
                Some(mut entries) if entries.len() == 1 => match entries.pop() {
                    Some(Entry::Property(p)) => Some(p.value),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let whole_text = Span::new(PREFIX.len(), PREFIX.len() + body.len());
        let Some(value) = value.filter(|v| v.span == whole_text) else {
            self.error(
                E_VALUE,
                whole,
                format!("`{body}` is not one value"),
                "expected one bra expression",
                "a value scalar holds one expression; write entries as separate elements",
            );
            return None;
        };
        if !f.comments.is_empty() {
            self.error(
                E_VALUE,
                whole,
                "comments cannot stand inside a value".to_string(),
                "comment inside a value",
                "put the comment in the entry's `after` list (long form) or on its own line",
            );
            return None;
        }
        let mut value = value;
        shift_expr(&mut value, &map);
        Some(value)
    }
}

fn fail<T>(ok: &mut bool) -> Option<T> {
    *ok = false;
    None
}

fn field_help(kind: ItemKind) -> String {
    let fields = match kind.shape() {
        HeaderShape::Path => "path, after",
        HeaderShape::Named => "name (required), title, body, open, after",
        HeaderShape::Edge => "name, from and to (required), title, body, open, after",
        HeaderShape::Stimulus => "name and to (required), title, body, open, after",
        HeaderShape::Anonymous => "title, body, open, after",
    };
    let block = if kind.requires_block() {
        "; body is required"
    } else {
        ""
    };
    format!("a {} has the fields {fields}{block}", kind.keyword())
}

/// Move every span of an expression through `map` (with a work list: products
/// and slices chain without depth limit).
fn shift_expr(e: &mut Expr, map: &dyn Fn(Span) -> Span) {
    let mut work = vec![e];
    while let Some(e) = work.pop() {
        e.span = map(e.span);
        match &mut e.kind {
            ExprKind::Number(n) => {
                if let Some(u) = &mut n.unit {
                    u.span = map(u.span);
                }
            }
            ExprKind::Ident(id) => id.span = map(id.span),
            ExprKind::List(items) => work.extend(items.iter_mut()),
            ExprKind::Call(call) => {
                call.callee.span = map(call.callee.span);
                for a in &mut call.args {
                    if let Some(n) = &mut a.name {
                        n.span = map(n.span);
                    }
                    work.push(&mut a.value);
                }
            }
            ExprKind::Mul(a, b) | ExprKind::Index(a, b) => {
                work.push(a);
                work.push(b);
            }
            ExprKind::Range(lo, hi) => {
                work.extend(lo.as_deref_mut());
                work.extend(hi.as_deref_mut());
            }
            ExprKind::Str(_) | ExprKind::Bool(_) => {}
        }
    }
}

// ---------------------------------------------------------------- writing

/// A YAML scalar for `s`: plain when that reads back as the same text, else
/// single-quoted, else (control characters, line breaks) double-quoted.
fn scalar(s: &str, flow: bool) -> String {
    if plain_ok(s, flow) {
        s.to_string()
    } else if s.chars().any(needs_escape) {
        double_quoted(s)
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

fn plain_ok(s: &str, flow: bool) -> bool {
    let mut chars = s.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return false;
    };
    let first_ok = first.is_ascii_alphanumeric()
        || matches!(first, '_' | '/' | '(')
        || (s.starts_with("..") && !s.starts_with("..."))
        || (matches!(first, '-' | '+') && second.is_some_and(|c| c.is_ascii_digit()));
    first_ok
        && s.trim() == s
        && !s.chars().any(needs_escape)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !(flow && s.contains([',', '[', ']', '{', '}']))
        && !matches!(s, "null" | "Null" | "NULL" | "~")
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let v = c as u32;
                if v <= 0xFF {
                    out.push_str(&format!("\\x{v:02X}"));
                } else {
                    out.push_str(&format!("\\u{v:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value: a list as a flow sequence, anything else as its bra text.
fn value_yaml(e: &Expr, flow: bool) -> String {
    match &e.kind {
        ExprKind::List(items) => {
            let parts: Vec<String> = items.iter().map(|x| value_yaml(x, true)).collect();
            format!("[{}]", parts.join(", "))
        }
        _ => scalar(&format_expr(e), flow),
    }
}

struct Writer<'a> {
    file: &'a File,
    layout: &'a Layout,
    out: String,
    next: usize,
}

impl<'a> Writer<'a> {
    fn comment(&self, i: usize) -> &'a str {
        self.file
            .comments
            .get(i)
            .map(|c| c.text.as_str())
            .unwrap_or("")
    }

    fn comments(&self, list: &[usize]) -> String {
        let parts: Vec<String> = list
            .iter()
            .map(|&i| scalar(self.comment(i), true))
            .collect();
        format!("[{}]", parts.join(", "))
    }

    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Comment and blank-line elements; returns whether a blank line is due
    /// before what follows. Blank lines before anything in the sequence, and
    /// (`skip_lead`) those the formatter puts anyway, are left out.
    fn lines(&mut self, lines: &[Line], dash: usize, started: &mut bool, skip_lead: bool) -> bool {
        let mut pending = false;
        let mut lead = true;
        for line in lines {
            match line {
                Line::Blank => pending = !(lead && skip_lead),
                Line::Comment(i) => {
                    if pending && *started {
                        self.line(dash, "- ''");
                    }
                    let text = format!("- {}", scalar(self.comment(*i), false));
                    self.line(dash, &text);
                    pending = false;
                    lead = false;
                    *started = true;
                }
            }
        }
        pending && *started
    }

    fn file(&mut self) {
        let layout: &'a Layout = self.layout;
        if self.file.items.is_empty() && layout.end.iter().all(|l| *l == Line::Blank) {
            self.out.push_str("items: []\n");
            return;
        }
        self.out.push_str("items:\n");
        let mut started = false;
        let mut prev_kind = None;
        for item in &self.file.items {
            let id = self.next;
            self.next += 1;
            let nl = layout.node(id);
            let forced = prev_kind.is_some_and(|k| k != item.kind);
            if self.lines(&nl.before, 2, &mut started, forced) {
                self.line(2, "- ''");
            }
            self.item(item, nl, 2, true);
            started = true;
            prev_kind = Some(item.kind);
        }
        self.lines(&layout.end, 2, &mut started, false);
    }

    fn item(&mut self, item: &'a Item, nl: &'a NodeLayout, dash: usize, top: bool) {
        let kw = item.kind.keyword();
        if top
            && item.kind == ItemKind::Use
            && nl.after.is_empty()
            && item.body.is_none()
            && let Some(t) = &item.title
        {
            let text = format!("- {kw}: {}", scalar(&t.value, false));
            self.line(dash, &text);
            return;
        }
        self.line(dash, &format!("- {kw}:"));
        let f = dash + 4;
        for (field, id) in [("name", &item.name), ("from", &item.from), ("to", &item.to)] {
            if let Some(id) = id {
                let text = format!("{field}: {}", scalar(&id.name, false));
                self.line(f, &text);
            }
        }
        if let Some(t) = &item.title {
            let field = if item.kind == ItemKind::Use {
                "path"
            } else {
                "title"
            };
            let text = format!("{field}: {}", scalar(&t.value, false));
            self.line(f, &text);
        }
        if let Some(body) = &item.body {
            if !nl.open.is_empty() {
                let text = format!("open: {}", self.comments(&nl.open));
                self.line(f, &text);
            }
            let has_end = nl.end.iter().any(|l| matches!(l, Line::Comment(_)));
            if body.entries.is_empty() && !has_end {
                self.line(f, "body: []");
            } else {
                self.line(f, "body:");
                self.body(body, nl, f + 2);
            }
        }
        if !nl.after.is_empty() {
            let text = format!("after: {}", self.comments(&nl.after));
            self.line(f, &text);
        }
    }

    fn body(&mut self, body: &'a Block, nl: &'a NodeLayout, dash: usize) {
        let layout: &'a Layout = self.layout;
        let mut started = false;
        for e in &body.entries {
            let id = self.next;
            self.next += 1;
            let el = layout.node(id);
            if self.lines(&el.before, dash, &mut started, false) {
                self.line(dash, "- ''");
            }
            match e {
                Entry::Item(item) => self.item(item, el, dash, false),
                Entry::Property(p) => {
                    let key = scalar(&p.key.name, false);
                    let value = value_yaml(&p.value, false);
                    if el.after.is_empty() {
                        self.line(dash, &format!("- {key}: {value}"));
                    } else {
                        self.line(dash, &format!("- key: {key}"));
                        self.line(dash + 2, &format!("value: {value}"));
                        let text = format!("after: {}", self.comments(&el.after));
                        self.line(dash + 2, &text);
                    }
                }
                Entry::Bare(x) => {
                    let text = scalar(&format_expr(x), false);
                    if el.after.is_empty() {
                        self.line(dash, &format!("- {text}"));
                    } else {
                        self.line(dash, &format!("- expr: {text}"));
                        let text = format!("after: {}", self.comments(&el.after));
                        self.line(dash + 2, &text);
                    }
                }
            }
            started = true;
        }
        self.lines(&nl.end, dash, &mut started, false);
    }
}

/// Serialise any value as YAML (for tools: the compiled IR, run summaries).
/// Kept here so that every YAML call of the project stays in this module.
pub fn serialize<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| e.to_string())
}
