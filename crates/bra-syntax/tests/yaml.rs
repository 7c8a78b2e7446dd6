//! The YAML front end: text → YAML → text round trips, spans into the YAML,
//! and diagnostics for broken YAML.

mod common;

use bra_syntax::ast::{Entry, ExprKind, shape};
use bra_syntax::yaml::{bra_to_yaml, yaml_to_bra};
use bra_syntax::{Diagnostic, FileId, SourceFile, parse_yaml, parse_yaml_with_layout};
use common::{TRICKY, check_yaml, grammar_examples, parse_ok, spec_files};

#[test]
fn grammar_examples_round_trip_through_yaml() {
    let examples = grammar_examples();
    assert!(examples.len() >= 3);
    for text in examples {
        check_yaml(&text);
    }
}

#[test]
fn specs_round_trip_through_yaml() {
    // The folder fills up as specs are written; check whatever is there.
    for (path, text) in spec_files() {
        let (_, errors) = bra_syntax::parse(&text, FileId(0));
        if errors.is_empty() {
            check_yaml(&text);
        } else {
            eprintln!("skipping {} (syntax errors)", path.display());
        }
    }
}

#[test]
fn tricky_comments_round_trip_through_yaml() {
    for text in TRICKY {
        check_yaml(text);
    }
}

#[test]
fn string_literals_and_identifiers_stay_apart() {
    let text = "project P { taxon = Rat, tlf = \"Rat\", n = `a-b`, s = \"a-b\", t = true, q = \"true\" }\n";
    let yaml = check_yaml(text);
    assert!(yaml.contains("- taxon: Rat\n"), "{yaml}");
    assert!(yaml.contains("- tlf: '\"Rat\"'\n"), "{yaml}");
    assert!(yaml.contains("- n: '`a-b`'\n"), "{yaml}");
    assert!(yaml.contains("- q: '\"true\"'\n"), "{yaml}");
}

#[test]
fn hand_written_yaml_loads() {
    let yaml = r#"
items:
  - use: anatomy.bra
  - circuit: {name: DG, title: dentate gyrus, body: [uniform, {transmitter: Glutamate}, {size: 1.0e6}]}
  - // the projection
  - connection:
      from: EC2
      to: DG
      after: // perforant path
      body:
        - reference: witter2007
        - {key: delay, value: 1.5 ms, after: '/* axonal */'}
  - simulate:
      body:
        - seed: 042
        - record: [spikes(DG), 'v(CA1[0..10])']
        - "/* done */"
"#;
    let text = yaml_to_bra(yaml, FileId(0)).expect("loads");
    assert_eq!(
        text,
        "use \"anatomy.bra\"\n\ncircuit DG \"dentate gyrus\" { uniform, transmitter = Glutamate, size = 1.0e6 }\n\n// the projection\nconnection EC2 -> DG {\n  reference = witter2007\n  delay = 1.5 ms /* axonal */\n} // perforant path\n\nsimulate {\n  seed = 042\n  record = [spikes(DG), v(CA1[0..10])]\n  /* done */\n}\n"
    );
    // And back: the same tree as the text gives.
    let (f, errors) = parse_yaml(yaml, FileId(0));
    assert!(errors.is_empty());
    assert_eq!(shape(&f), shape(&parse_ok(&text)));
}

#[test]
fn spans_point_into_the_yaml() {
    let yaml = bra_to_yaml(
        "component `CA3-b` \"title\" { neurons = lif(tau_m: 20 ms) * 100 } // c\n",
        FileId(0),
    )
    .expect("converts");
    let (f, errors) = parse_yaml(&yaml, FileId(1));
    assert!(errors.is_empty(), "{errors:#?}");
    let slice = |s: bra_syntax::Span| &yaml[s.range()];
    let item = &f.items[0];
    assert_eq!(slice(item.keyword_span), "component");
    assert_eq!(slice(item.name.as_ref().expect("name").span), "CA3-b");
    assert_eq!(slice(item.title.as_ref().expect("title").span), "title");
    assert_eq!(slice(f.comments[0].span), "// c");
    let Entry::Property(p) = &item.entries()[0] else {
        panic!("a property")
    };
    assert_eq!(slice(p.key.span), "neurons");
    assert_eq!(slice(p.value.span), "lif(tau_m: 20 ms) * 100");
    let ExprKind::Mul(call, _) = &p.value.kind else {
        panic!("a product")
    };
    let ExprKind::Call(call) = &call.kind else {
        panic!("a call")
    };
    let ExprKind::Number(n) = &call.args[0].value.kind else {
        panic!("a number")
    };
    assert_eq!(slice(n.unit.as_ref().expect("unit").span), "ms");
}

/// The 1-based line of a diagnostic's primary label in `text`.
fn line_of(d: &Diagnostic, text: &str) -> usize {
    let span = d.primary().expect("a primary label").span;
    SourceFile::new("t.yaml", text).line_col(span.start).0
}

fn only_error(text: &str) -> Diagnostic {
    let (_, errors) = parse_yaml(text, FileId(0));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().expect("one error")
}

#[test]
fn yaml_syntax_error_points_at_its_line() {
    let text = "items:\n  - circuit:\n      name: A\n      body: [uniform, size: 1\n";
    let d = only_error(text);
    assert_eq!(d.code, "E020");
    assert_eq!(line_of(&d, text), 4);
    assert!(d.message.contains("invalid YAML"), "{}", d.message);
}

#[test]
fn wrong_shape_points_at_the_node() {
    let text = "items:\n  - circuit:\n      name: A\n      body:\n        size: 1\n";
    let d = only_error(text);
    assert_eq!(d.code, "E021");
    assert_eq!(line_of(&d, text), 5);
}

#[test]
fn bad_expression_points_inside_the_scalar() {
    let text = "items:\n  - component:\n      name: A\n      body:\n        - neurons: 'lif(tau_m: 20 ms'\n";
    let d = only_error(text);
    assert_eq!(d.code, "E024");
    assert_eq!(line_of(&d, text), 5);
    let span = d.primary().expect("primary").span;
    // The bra parser wanted `)` at the end of the value, inside the quotes.
    let col = SourceFile::new("t.yaml", text).line_col(span.start).1;
    assert_eq!(
        col,
        "        - neurons: 'lif(tau_m: 20 ms".chars().count() + 1
    );
    assert!(d.notes.iter().any(|n| n.contains("E003")), "{:?}", d.notes);
}

#[test]
fn every_error_code_has_a_case() {
    let cases: &[(&str, &str, usize)] = &[
        (
            "E022",
            "items:\n  - circuit:\n      name: A\n      colour: red\n",
            4,
        ),
        ("E022", "items:\n  - circle: {name: A}\n", 2),
        ("E022", "version: 2\nitems: []\n", 1),
        ("E023", "items:\n  - connection:\n      to: B\n", 2),
        (
            "E023",
            "items:\n  - circuit:\n      name: A\n      from: B\n",
            4,
        ),
        ("E023", "items:\n  - project: {name: P}\n", 2),
        ("E025", "items:\n  - circuit:\n      name: 'a`b'\n", 3),
        ("E026", "items:\n  - '/* unclosed'\n", 2),
        (
            "E026",
            "items:\n  - circuit:\n      name: A\n      after: ['// one', '// two']\n",
            4,
        ),
        (
            "E027",
            "items:\n  - circuit:\n      name: A\n      body:\n        - size:\n",
            5,
        ),
        (
            "E024",
            "items:\n  - circuit:\n      name: A\n      body:\n        - 'a = 1'\n",
            5,
        ),
        (
            "E024",
            "items:\n  - circuit:\n      name: A\n      body:\n        - size: 1 // c\n",
            5,
        ),
        ("E021", "- a\n", 1),
        ("E020", "items:\n  - a: 1\n    a: 2\n", 3),
        ("E020", "x: <<\n<<: {a: 1}\n", 2),
    ];
    for (code, text, line) in cases {
        let (_, errors) = parse_yaml(text, FileId(0));
        let d = errors
            .iter()
            .find(|d| d.code == *code)
            .unwrap_or_else(|| panic!("no {code} for\n{text}\ngot {errors:#?}"));
        assert_eq!(line_of(d, text), *line, "{code} for\n{text}\n{d:#?}");
    }
}

#[test]
fn broken_entries_drop_their_item_but_keep_the_rest() {
    let text =
        "items:\n  - circuit: {name: A, body: [size:]}\n  - // kept\n  - circuit: {name: B}\n";
    let (f, layout, errors) = parse_yaml_with_layout(text, FileId(0));
    assert_eq!(errors.len(), 1);
    assert_eq!(f.items.len(), 1);
    assert_eq!(f.comments.len(), 1);
    assert!(layout.is_consistent(&f));
}

#[test]
fn odd_inputs_never_panic() {
    for text in [
        "",
        "~",
        "items:",
        "items: ~",
        "[]",
        "'x'",
        "items: [~, '', '   ']",
        "items: [{use: {path: ~}}]",
        "items: [{circuit: {name: [a]}}]",
        "items: [{circuit: {name: A, body: [[1, 2]]}}]",
        "items: [{circuit: {name: A, body: [{? [a] : b}]}}]",
        "a: &x [1]\nitems: *x\n",
        "\u{feff}items: []",
        "items: [{simulate: {body: [{key: a}], open: x}}]",
        "items: [{use: 3}]",
        "items: [{flow: {from: 1, to: 2.5}}]",
    ] {
        let (f, layout, _) = parse_yaml_with_layout(text, FileId(0));
        assert!(layout.is_consistent(&f), "{text}");
        common::check_spans_inside(&f, text);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    // Flow and block nesting past serde-saphyr's depth budget give an error,
    // never a stack overflow (tests run on 2 MiB thread stacks).
    let flow = format!("items: {}{}", "[".repeat(200), "]".repeat(200));
    let mut block = String::from("items:\n");
    for depth in 0..200 {
        block.push_str(&" ".repeat(2 + depth * 2));
        block.push_str("- a:\n");
    }
    let mut nested_items = String::new();
    for _ in 0..30 {
        nested_items.push_str("circuit A { ");
    }
    nested_items.push_str(&"}".repeat(30));
    for text in [flow, block] {
        let (_, errors) = parse_yaml(&text, FileId(0));
        assert!(!errors.is_empty());
    }
    // Items nested deeper than YAML's budget allows still convert without panic.
    let f = parse_ok(&nested_items);
    let yaml = bra_syntax::to_yaml(&f, &nested_items);
    let (_, errors) = parse_yaml(&yaml, FileId(0));
    assert!(errors.iter().all(|d| d.code == "E020"), "{errors:#?}");
}

#[test]
fn snapshot_of_the_first_grammar_example_as_yaml() {
    let text = &grammar_examples()[0];
    let yaml = check_yaml(text);
    insta::assert_snapshot!("grammar_example_1_yaml", yaml);
}

#[test]
fn snapshot_of_tricky_comments_as_yaml() {
    let yaml = check_yaml(TRICKY[0]);
    insta::assert_snapshot!("tricky_comments_yaml", yaml);
}

#[test]
fn snapshot_of_a_rendered_yaml_diagnostic() {
    let text = "items:\n  - component:\n      name: A\n      body:\n        - neurons: 'lif(tau_m: 20 ms'\n";
    let d = only_error(text);
    let mut sources = bra_syntax::Sources::new();
    sources.add("model.yaml", text);
    let rendered = bra_syntax::diag::render(&d, &sources, false);
    assert!(rendered.contains("E024"));
    insta::assert_snapshot!("yaml_value_error_rendered", rendered);
}
