//! Helpers shared by the formatter and YAML tests: the sample inputs and the
//! properties every input must satisfy.
#![allow(dead_code)]

use bra_syntax::ast::{File, shape};
use bra_syntax::{
    FileId, format, format_with, parse, parse_yaml_with_layout, to_yaml, to_yaml_with,
};
use std::path::{Path, PathBuf};

/// Every `example:` block of `grammar/bra.ebnf`, in order.
pub fn grammar_examples() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../grammar/bra.ebnf");
    let text = std::fs::read_to_string(path).expect("grammar/bra.ebnf is readable");
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "example:" {
            assert_eq!(
                lines.next().map(str::trim),
                Some("```"),
                "example: must open a fence"
            );
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.push(body);
        }
    }
    out
}

/// Every `*.bra` file under `specs/` (recursively; none if the folder is absent).
pub fn spec_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "bra")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push((p, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs")),
        &mut out,
    );
    out
}

/// Hand-written inputs with comments in every awkward place.
pub const TRICKY: &[&str] = &[
    // Comments before, after, inside, at open and close, blank lines, end of file.
    r#"// header comment

/* block
   comment */
circuit A { uniform, x = 1 } // after A
circuit B {   // open B
  // before y
  y = f(a, /* inside a call */ b)   // after y


  z = [1, 2] /* c1 */ /* c2 */ // c3
  circuit C "names" /* in a header */ { size = 1.0e6 }
  // before close
}
connection A -> B


// end of file
"#,
    // Nested block comments, CRLF line ends, semicolons and commas as separators.
    "/* outer /* inner */ still outer */\r\ncircuit X { a = 1; b = 2, c = 3 } /* trailing */\r\n\r\ncircuit Y\r\n",
    // Quoted IDs, keywords as keys, products, slices and ranges.
    r#"connection climbing: `IO-DC` -> `PC-flocculus` "climbing fibres" { reference = ito1984, size = 1.0e3 }
component `5-HT+` { neurons = lif(tau_m: 20 ms, v_th: -50 mV) * 2000, `circuit` = true }
simulate "run" { record = [spikes(DG, CA3), v(CA1[0..10]), w(..5), x(3..)], dt = 0.1 ms, g = 36 mS/cm^2 }
stimulus cue -> EC2 { poisson(rate: 20 Hz) }
"#,
    // A nested item without block followed by a bare string on the next line.
    "circuit P {\n  circuit Q\n  uniform\n}\n",
    // Empty blocks, comments in empty blocks, comment right after `{`.
    "project E {}\nreference R { // only an open comment\n}\nsimulate {\n  // only a closing comment\n}\n",
    // Long block that must break, and a comment between items on one line.
    "function f \"a long description of the function that makes the line long\" { parts = [alpha, beta, gamma, delta] }\ncircuit Z {} /* one */ circuit W {}\n",
    // Comments inside expressions across lines, and a comment that follows one on its own line.
    "component K {\n  neurons = lif(\n    tau_m: 20 ms, // membrane\n    v_th: -50 mV\n  ) * 10\n  /* a */ // b\n  learning = stdp()\n}\n",
    // Parenthesised product, indexed product, strings with escapes.
    "flow F: A -> B { w = a * (b * c), s = (a * b)[0], t = \"q\\\"uote\\\\ tab\\t cr\\r nl\\n\" }\n",
    // A use with a semicolon and a comment before it.
    "// shared anatomy\nuse \"anatomy.bra\"; // the path is relative\nuse \"other.bra\"\n",
];

/// Parse text that must be free of syntax errors.
pub fn parse_ok(text: &str) -> File {
    let (f, errors) = parse(text, FileId(0));
    assert!(
        errors.is_empty(),
        "unexpected syntax errors {errors:#?} in\n{text}"
    );
    f
}

fn comment_texts(f: &File) -> Vec<&str> {
    f.comments.iter().map(|c| c.text.as_str()).collect()
}

/// The formatter's properties on one input that parses cleanly: the output
/// parses to the same shape with the same comments, and formatting it again
/// changes nothing. Returns the formatted text.
pub fn check_format(text: &str) -> String {
    let f = parse_ok(text);
    let out = format(&f, text);
    let (f2, errors) = parse(&out, FileId(0));
    assert!(
        errors.is_empty(),
        "formatted text does not parse: {errors:#?}\n--- input\n{text}\n--- output\n{out}"
    );
    assert_eq!(
        shape(&f),
        shape(&f2),
        "shape changed\n--- input\n{text}\n--- output\n{out}"
    );
    assert_eq!(
        comment_texts(&f),
        comment_texts(&f2),
        "comments changed\n--- output\n{out}"
    );
    let again = format(&f2, &out);
    assert_eq!(out, again, "not idempotent\n--- input\n{text}");
    out
}

/// The YAML front end's properties on one input: text → YAML → tree gives the
/// same shape and the same formatted text, and YAML output is stable.
/// Returns the YAML.
pub fn check_yaml(text: &str) -> String {
    let f = parse_ok(text);
    let formatted = format(&f, text);
    let yaml = to_yaml(&f, text);
    let (yf, layout, errors) = parse_yaml_with_layout(&yaml, FileId(1));
    assert!(
        errors.is_empty(),
        "YAML does not load: {errors:#?}\n--- input\n{text}\n--- yaml\n{yaml}"
    );
    assert_eq!(
        shape(&f),
        shape(&yf),
        "shape changed through YAML\n--- yaml\n{yaml}"
    );
    assert_eq!(
        formatted,
        format_with(&yf, &layout),
        "text differs through YAML\n--- yaml\n{yaml}"
    );
    assert_eq!(
        yaml,
        to_yaml_with(&yf, &layout),
        "YAML not stable\n--- yaml\n{yaml}"
    );
    let f2 = parse_ok(&formatted);
    assert_eq!(
        yaml,
        to_yaml(&f2, &formatted),
        "YAML changes with formatting\n--- yaml\n{yaml}"
    );
    check_spans_inside(&yf, &yaml);
    yaml
}

/// Every span of a tree loaded from YAML lies inside the YAML text.
pub fn check_spans_inside(f: &File, text: &str) {
    let len = text.len() as u32;
    let v = serde_json::to_value(f).expect("a tree serialises");
    fn walk(v: &serde_json::Value, len: u32) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    if (k == "span" || k == "keyword_span")
                        && let Some(s) = x.as_str()
                    {
                        let (a, b) = s.split_once("..").expect("span text");
                        let (a, b): (u32, u32) =
                            (a.parse().expect("start"), b.parse().expect("end"));
                        assert!(
                            a <= b && b <= len,
                            "span {s} outside the YAML ({len} bytes)"
                        );
                    } else {
                        walk(x, len);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, len)),
            _ => {}
        }
    }
    walk(&v, len);
}
