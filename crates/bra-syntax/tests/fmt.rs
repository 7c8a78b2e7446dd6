//! The formatter: canonical style, comments kept in place, idempotence.

mod common;

use bra_syntax::fmt::{Layout, MAX_WIDTH, format_expr, node_count};
use bra_syntax::{FileId, check_formatted, format, format_source, format_with};
use common::{TRICKY, check_format, grammar_examples, parse_ok, spec_files};

fn fmt(text: &str) -> String {
    check_format(text)
}

#[test]
fn every_tricky_input_formats_idempotently_and_keeps_comments() {
    for text in TRICKY {
        fmt(text);
    }
}

#[test]
fn every_grammar_example_and_spec_formats_idempotently() {
    for text in grammar_examples() {
        fmt(&text);
    }
    for (path, text) in spec_files() {
        let (_, errors) = bra_syntax::parse(&text, FileId(0));
        if errors.is_empty() {
            fmt(&text);
        } else {
            eprintln!("skipping {} (syntax errors)", path.display());
        }
    }
}

#[test]
fn comments_stay_where_they_were() {
    let out = fmt(TRICKY[0]);
    assert_eq!(
        out,
        r#"// header comment

/* block
   comment */
circuit A { uniform, x = 1 } // after A
circuit B { // open B
  // before y
  /* inside a call */
  y = f(a, b) // after y

  z = [1, 2] /* c1 */ /* c2 */ // c3
  /* in a header */
  circuit C "names" { size = 1.0e6 }
  // before close
}

connection A -> B

// end of file
"#
    );
}

#[test]
fn canonical_style() {
    // Separators, spacing, one-line blocks, the blank line between kinds.
    assert_eq!(
        fmt("circuit X{a=1;b=2,c=3}\r\ncircuit Y\r\nconnection X->Y{reference=r}\n"),
        "circuit X { a = 1, b = 2, c = 3 }\ncircuit Y\n\nconnection X -> Y { reference = r }\n"
    );
    // Backticks exactly where needed; keyword keys stay bare; parentheses
    // only where `*` would regroup.
    assert_eq!(
        fmt(
            "component `5-HT+` { `plain` = `circuit`, `reference` = x, w = a * (b * c), s = (a * b)[0] }\ncomponent B { m = (a * b) * c }"
        ),
        "component `5-HT+` { plain = `circuit`, reference = x, w = a * (b * c), s = (a * b)[0] }\ncomponent B { m = a * b * c }\n"
    );
    // Numbers keep their text; strings are re-escaped.
    assert_eq!(
        fmt("simulate { size = 1.0e6, g = 36 mS/cm^2, v = -65 mV, t = \"a\\\"b\\\\c\\td\" }"),
        "simulate { size = 1.0e6, g = 36 mS/cm^2, v = -65 mV, t = \"a\\\"b\\\\c\\td\" }\n"
    );
    // `use` loses its semicolon; empty blocks are `{}`.
    assert_eq!(
        fmt("use \"a.bra\";\nproject P {  }"),
        "use \"a.bra\"\n\nproject P {}\n"
    );
}

#[test]
fn long_blocks_and_nested_items_break_into_lines() {
    let text = "circuit HPF { circuit DG { uniform }, size = 1 }\nfunction f \"a long description of the function that makes the line quite long\" { parts = [alpha, beta] }\n";
    let out = fmt(text);
    assert_eq!(
        out,
        "circuit HPF {\n  circuit DG { uniform }\n  size = 1\n}\n\nfunction f \"a long description of the function that makes the line quite long\" {\n  parts = [alpha, beta]\n}\n"
    );
    for line in out.lines().filter(|l| l.ends_with('}') && l.contains('{')) {
        assert!(line.chars().count() <= MAX_WIDTH, "{line}");
    }
}

#[test]
fn a_block_that_fits_exactly_stays_on_one_line() {
    // `circuit A { x = "…" }` padded to exactly MAX_WIDTH columns, then one more.
    let fixed = "circuit A { x = \"\" }".len();
    let exact = format!(
        "circuit A {{ x = \"{}\" }}\n",
        "a".repeat(MAX_WIDTH - fixed)
    );
    assert_eq!(fmt(&exact), exact);
    let over = format!(
        "circuit A {{ x = \"{}\" }}\n",
        "a".repeat(MAX_WIDTH - fixed + 1)
    );
    assert!(fmt(&over).starts_with("circuit A {\n  x = "));
}

#[test]
fn a_nested_item_without_block_keeps_a_following_string_apart() {
    // Without the comma the string on the next line would read as C's title.
    let (f, _) = bra_syntax::parse("circuit P {\n  circuit C, \"loose\"\n}\n", FileId(0));
    assert_eq!(f.items[0].entries().len(), 2);
    let out = fmt("circuit P {\n  circuit C, \"loose\"\n}\n");
    assert_eq!(out, "circuit P {\n  circuit C,\n  \"loose\"\n}\n");
}

#[test]
fn blank_lines_are_kept_once_and_never_at_block_edges() {
    let out = fmt(
        "\n\ncircuit A {\n\n  a = 1 // one\n\n\n\n  b = 2\n\n}\ncircuit B\n\n\ncircuit C\n\n\n",
    );
    assert_eq!(
        out,
        "circuit A {\n  a = 1 // one\n\n  b = 2\n}\ncircuit B\n\ncircuit C\n"
    );
    // A block short enough for one line takes it, blank lines or not.
    assert_eq!(
        fmt("circuit A {\n  a = 1\n\n  b = 2\n}\n"),
        "circuit A { a = 1, b = 2 }\n"
    );
}

#[test]
fn check_and_format_source_for_the_cli() {
    let canonical = "circuit A { uniform }\n";
    assert_eq!(check_formatted(canonical, FileId(0)), Ok(true));
    assert_eq!(check_formatted("circuit A {uniform}", FileId(0)), Ok(false));
    // Text with syntax errors is refused, not half-printed.
    let errors = format_source("circuit A { = }", FileId(0)).expect_err("refused");
    assert!(errors.iter().all(|d| d.code.starts_with('E')));
    assert_eq!(format_source("", FileId(0)), Ok(String::new()));
}

#[test]
fn a_layout_that_does_not_fit_falls_back_without_losing_comments() {
    let text = "// a\ncircuit A { x = 1 } // b\n/* c */\n";
    let f = parse_ok(text);
    let out = format_with(&f, &Layout::default());
    for c in ["// a", "// b", "/* c */"] {
        assert!(out.contains(c), "{c} lost in\n{out}");
    }
    let from_spans = Layout::from_spans(&f);
    assert!(from_spans.is_consistent(&f));
    assert_eq!(from_spans.nodes.len(), node_count(&f));
    // Without the source every comment stands on its own line.
    assert_eq!(
        format_with(&f, &from_spans),
        "// a\ncircuit A { x = 1 }\n// b\n/* c */\n"
    );
}

#[test]
fn format_expr_prints_one_line() {
    let f = parse_ok("component A { neurons = lif(tau_m: 20 ms, v_th: -50 mV) * 2000 }");
    let p = f.items[0].property("neurons").expect("neurons");
    assert_eq!(
        format_expr(&p.value),
        "lif(tau_m: 20 ms, v_th: -50 mV) * 2000"
    );
}

#[test]
fn snapshot_of_a_messy_file() {
    let text = "// Toy\nproject T01 \"Toy loop\" {bra_version=\"2.2\";taxon=Rat\n\n\ntlf=\"relay\"; roi=[A,B]}\ncircuit A{uniform;transmitter=Glutamate}// excitatory\ncircuit B{\n// inhibitory\nuniform,transmitter=GABA}\nconnection A->B{reference=ref1}\ncomponent A{neurons=lif(tau_m:20 ms)*100}\n";
    let out = fmt(text);
    assert_eq!(format(&parse_ok(&out), &out), out);
    insta::assert_snapshot!("messy_file_formatted", out);
}

#[test]
fn long_products_and_slices_print_without_deep_recursion() {
    // `*` and `[…]` chains nest the tree; the parser caps them at
    // MAX_DEPTH (a 10 000-link chain is E006), and within the cap the
    // printer and the YAML loader print them exactly.
    let long = format!("simulate {{ x = {} }}\n", vec!["a"; 10_000].join(" * "));
    let (_, errors) = bra_syntax::parse(&long, FileId(0));
    assert_eq!(errors.first().map(|e| e.code.as_str()), Some("E006"));
    let n = 40;
    let text = format!(
        "simulate {{ x = {}, y = v{} }}\n",
        vec!["a"; n].join(" * "),
        "[0]".repeat(n)
    );
    let (f, errors) = bra_syntax::parse(&text, FileId(0));
    assert!(errors.is_empty());
    let out = format(&f, &text);
    let expected = format!(
        "simulate {{\n  x = {}\n  y = v{}\n}}\n",
        vec!["a"; n].join(" * "),
        "[0]".repeat(n)
    );
    assert_eq!(out, expected);
    let yaml = bra_syntax::to_yaml(&f, &text);
    let (yf, layout, errors) = bra_syntax::parse_yaml_with_layout(&yaml, FileId(1));
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(format_with(&yf, &layout), out);
}
