//! Building spec text: values, entries and items written the way the
//! formatter prints them, then run through `bra_syntax::format_source` so
//! that generated specs are canonical.

use bra_syntax::ast::Ident;
use bra_syntax::fmt::{format_ident, format_key, format_string};
use bra_syntax::{Diagnostic, FileId};

/// A value as the importers produce it.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// A name (written bare or in backticks).
    Ident(String),
    /// A string.
    Str(String),
    /// A number exactly as written.
    Num(String),
    /// `[a, b]`
    List(Vec<V>),
}

impl V {
    /// The value as spec text.
    pub fn render(&self) -> String {
        match self {
            V::Ident(s) => format_ident(s),
            V::Str(s) => format_string(s),
            V::Num(s) => s.clone(),
            V::List(items) => format!(
                "[{}]",
                items.iter().map(V::render).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// One value, or a list of several.
    pub fn one_or_list(mut items: Vec<V>) -> Option<V> {
        match items.len() {
            0 => None,
            1 => items.pop(),
            _ => Some(V::List(items)),
        }
    }
}

/// A name that can be written in a spec (bare or in backticks).
pub fn is_writable_id(name: &str) -> bool {
    !name.is_empty() && !name.contains('`') && !name.chars().any(char::is_control)
}

/// True when `text` is a number literal of the language (sign, digits,
/// fraction, exponent; no unit).
pub fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if !digits(&mut i) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len() && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A word: a bare name when it can be one, else a string.
pub fn word(text: &str) -> V {
    if Ident::is_plain(text) {
        V::Ident(text.to_string())
    } else {
        V::Str(text.to_string())
    }
}

/// One line of a block.
#[derive(Clone, Debug)]
pub enum Line {
    /// `key = value`
    Prop(String, V),
    /// A bare flag (`uniform`).
    Flag(String),
    /// `// text` on its own line.
    Comment(String),
}

/// An item to print.
#[derive(Clone, Debug, Default)]
pub struct ItemText {
    /// `circuit`, `connection`, ...
    pub keyword: &'static str,
    /// Its own name (`NAME:` of a connection).
    pub name: Option<String>,
    /// Sender and receiver of an edge.
    pub edge: Option<(String, String)>,
    /// The quoted title.
    pub title: Option<String>,
    /// The block (none printed when empty).
    pub lines: Vec<Line>,
    /// Comment lines printed above the item.
    pub before: Vec<String>,
}

impl ItemText {
    /// A new item.
    pub fn new(keyword: &'static str) -> Self {
        ItemText {
            keyword,
            ..ItemText::default()
        }
    }

    /// Add `key = value`.
    pub fn prop(&mut self, key: &str, value: V) {
        self.lines.push(Line::Prop(key.to_string(), value));
    }

    /// Add `key = value` when there is a value.
    pub fn prop_opt(&mut self, key: &str, value: Option<V>) {
        if let Some(v) = value {
            self.prop(key, v);
        }
    }

    /// Print the item (unformatted; the formatter canonicalises it).
    pub fn render(&self, out: &mut String) {
        for c in &self.before {
            out.push_str(&comment(c));
            out.push('\n');
        }
        out.push_str(self.keyword);
        if let Some(n) = &self.name {
            out.push(' ');
            out.push_str(&format_ident(n));
            if self.edge.is_some() {
                out.push(':');
            }
        }
        if let Some((f, t)) = &self.edge {
            out.push(' ');
            out.push_str(&format_ident(f));
            out.push_str(" -> ");
            out.push_str(&format_ident(t));
        }
        if let Some(t) = &self.title {
            out.push(' ');
            out.push_str(&format_string(t));
        }
        if !self.lines.is_empty() {
            out.push_str(" {\n");
            for l in &self.lines {
                out.push_str("  ");
                match l {
                    Line::Prop(k, v) => {
                        out.push_str(&format_key(k));
                        out.push_str(" = ");
                        out.push_str(&v.render());
                    }
                    Line::Flag(f) => out.push_str(f),
                    Line::Comment(c) => out.push_str(&comment(c)),
                }
                out.push('\n');
            }
            out.push('}');
        }
        out.push('\n');
    }
}

/// A `//` comment line for any text (line breaks shown as `\n`).
pub fn comment(text: &str) -> String {
    let one_line = text.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n");
    if one_line.is_empty() {
        "//".to_string()
    } else {
        format!("// {one_line}")
    }
}

/// A section rule as the reference specs write it.
pub fn section(title: &str) -> String {
    format!("// ---------------------------------------------------------------- {title}\n")
}

/// Run generated text through the formatter. A failure is a bug of the
/// generator, reported as an internal error rather than a bad file.
pub fn canonical(text: &str) -> Result<String, Vec<Diagnostic>> {
    bra_syntax::format_source(text, FileId(u32::MAX)).map_err(|errors| {
        let first = errors
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        vec![
            Diagnostic::error(
                "I099",
                format!("internal error: the generated spec does not parse ({first})"),
            )
            .with_help("please report this with the input file"),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words() {
        for ok in ["1", "200000.0", "-1.5e3", "+2", "1E-9"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "1.", ".5", "1e", "1,000", "NaN", "inf", "1 ms", "0x10"] {
            assert!(!is_number(bad), "{bad}");
        }
        assert_eq!(word("Rat"), V::Ident("Rat".into()));
        assert_eq!(word("Macaca mulatta"), V::Str("Macaca mulatta".into()));
        assert_eq!(word("circuit"), V::Str("circuit".into()));
    }

    #[test]
    fn items_render_and_format() {
        let mut c = ItemText::new("connection");
        c.name = Some("IO-DC x".into());
        c.edge = Some(("IO-DC".into(), "PC".into()));
        c.before.push("two\nlines".into());
        c.lines.push(Line::Flag("uniform".into()));
        c.prop(
            "reference",
            V::List(vec![V::Ident("a".into()), V::Str("b\"".into())]),
        );
        let mut s = String::new();
        c.render(&mut s);
        let out = canonical(&s).expect("parses");
        assert!(
            out.starts_with("// two\\nlines\nconnection `IO-DC x`: `IO-DC` -> PC"),
            "{out}"
        );
    }
}
