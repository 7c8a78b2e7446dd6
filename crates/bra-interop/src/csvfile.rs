//! A strict CSV reader (RFC 4180) that keeps the byte span of every cell, and
//! the matching writer.
//!
//! Spreadsheet exports are mostly clean, but the files users hand-edit are
//! not: an unterminated quote or a stray `"` inside a cell must be a
//! diagnostic with a line and column, not a silently merged cell — which is
//! what lenient readers do. Records end at CRLF, LF or CR; the reader reports
//! where a file starts mixing them.

use bra_syntax::Span;

/// One cell: its value (quotes removed, `""` unescaped) and where its text stands.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The value.
    pub value: String,
    /// The cell's text in the file, quotes included.
    pub span: Span,
}

/// One record (a spreadsheet row).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Its cells.
    pub cells: Vec<Cell>,
    /// From the first cell to the end of the last (terminator excluded).
    pub span: Span,
}

impl Record {
    /// True when every cell is empty (a blank row).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.value.is_empty())
    }
}

/// A fault in the CSV syntax.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvError {
    /// Where it is.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The first place where a file's line endings change style.
#[derive(Clone, Debug, PartialEq)]
pub struct MixedEndings {
    /// The terminator that differs.
    pub span: Span,
    /// The style of the file's first line ending.
    pub first: &'static str,
    /// The style found here.
    pub here: &'static str,
}

/// A parsed file.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Records in order (blank lines included, as records of one empty cell).
    pub records: Vec<Record>,
    /// Set when the file mixes line endings.
    pub mixed: Option<MixedEndings>,
}

/// Parse CSV text.
pub fn parse(text: &str) -> Result<Parsed, CsvError> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut out = Parsed::default();
    let mut first_ending: Option<&'static str> = None;
    while i < b.len() {
        let start = i;
        let mut cells = Vec::new();
        loop {
            let cstart = i;
            let mut value = String::new();
            if i < b.len() && b[i] == b'"' {
                i += 1;
                let mut seg = i;
                loop {
                    match b[i..].iter().position(|&c| c == b'"') {
                        None => {
                            return Err(CsvError {
                                span: Span::new(cstart, cstart + 1),
                                message: "this quoted cell is never closed".into(),
                                help: "close the cell with `\"` (a quote inside a cell is written `\"\"`)".into(),
                            });
                        }
                        Some(k) => {
                            value.push_str(&text[seg..i + k]);
                            i += k + 1;
                            if i < b.len() && b[i] == b'"' {
                                value.push('"');
                                i += 1;
                                seg = i;
                            } else {
                                break;
                            }
                        }
                    }
                }
                if i < b.len() && !matches!(b[i], b',' | b'\r' | b'\n') {
                    return Err(CsvError {
                        span: Span::new(i, i + 1),
                        message: "text after the closing quote of a cell".into(),
                        help: "a quoted cell ends at its closing `\"`; write a quote inside it as `\"\"`".into(),
                    });
                }
            } else {
                let end = b[i..]
                    .iter()
                    .position(|&c| matches!(c, b',' | b'\r' | b'\n'))
                    .map(|k| i + k)
                    .unwrap_or(b.len());
                if let Some(q) = b[i..end].iter().position(|&c| c == b'"') {
                    return Err(CsvError {
                        span: Span::new(i + q, i + q + 1),
                        message: "a quote inside a cell that is not quoted".into(),
                        help: "quote the whole cell and double the quote: `\"say \"\"hi\"\"\"`"
                            .into(),
                    });
                }
                value.push_str(&text[i..end]);
                i = end;
            }
            cells.push(Cell {
                value,
                span: Span::new(cstart, i),
            });
            if i < b.len() && b[i] == b',' {
                i += 1;
                continue;
            }
            break;
        }
        let span = Span::new(start, i);
        if i < b.len() {
            let (len, style) = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                (2, "CRLF")
            } else if b[i] == b'\r' {
                (1, "CR")
            } else {
                (1, "LF")
            };
            match first_ending {
                None => first_ending = Some(style),
                Some(f) if f != style && out.mixed.is_none() => {
                    out.mixed = Some(MixedEndings {
                        span: Span::new(i, i + len),
                        first: f,
                        here: style,
                    })
                }
                _ => {}
            }
            i += len;
        }
        out.records.push(Record { cells, span });
    }
    Ok(out)
}

/// One cell as CSV text: quoted when it holds a comma, a quote or a line break
/// (and an empty cell that is a whole record, so that the row is not blank).
fn cell(value: &str, alone: bool, out: &mut String) {
    if value.contains([',', '"', '\n', '\r']) || (alone && value.is_empty()) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Write records, each ended by LF.
pub fn write(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        for (k, v) in row.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            cell(v, row.len() == 1, &mut out);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(p: &Parsed) -> Vec<Vec<&str>> {
        p.records
            .iter()
            .map(|r| r.cells.iter().map(|c| c.value.as_str()).collect())
            .collect()
    }

    #[test]
    fn quoted_cells_line_breaks_and_spans() {
        let text = "a,\"b,\"\"c\"\"\",\"x\ny\"\n,\n";
        let p = parse(text).expect("parses");
        assert_eq!(values(&p), vec![vec!["a", "b,\"c\"", "x\ny"], vec!["", ""]]);
        assert_eq!(&text[p.records[0].cells[1].span.range()], "\"b,\"\"c\"\"\"");
        assert!(p.mixed.is_none());
        assert_eq!(
            write(&[
                vec!["a".into(), "b,\"c\"".into(), "x\ny".into()],
                vec!["".into(), "".into()]
            ]),
            text
        );
    }

    #[test]
    fn faults_are_located() {
        let e = parse("a,\"open\nb\n").expect_err("unterminated");
        assert_eq!(e.span, Span::new(2, 3));
        let e = parse("a,b\"c\n").expect_err("stray quote");
        assert_eq!(e.span, Span::new(3, 4));
        let e = parse("\"a\"b,c\n").expect_err("after quote");
        assert_eq!(e.span, Span::new(3, 4));
    }

    #[test]
    fn mixed_endings_are_noticed() {
        let p = parse("a\r\nb\nc\r\n").expect("parses");
        assert_eq!(values(&p), vec![vec!["a"], vec!["b"], vec!["c"]]);
        let m = p.mixed.expect("mixed");
        assert_eq!((m.first, m.here, m.span), ("CRLF", "LF", Span::new(4, 5)));
        assert_eq!(
            values(&parse("a\rb").expect("cr")),
            vec![vec!["a"], vec!["b"]]
        );
        assert!(parse("").expect("empty").records.is_empty());
    }
}
