//! The parser never panics and never hangs, on random input and on
//! mutations of valid specs; it reports every error of a file; spans are
//! always inside the text.

use bra_syntax::ast::{Entry, ExprKind, ItemKind};
use bra_syntax::{FileId, parse};
use proptest::prelude::*;

const VALID: &str = r#"
// A small architecture with every construct of the language.
project HP01 "Hippocampal episodic memory" {
  bra_version = "2.2", taxon = Rat
  roi = [EC2, DG]
}
reference witter2007 { doi = "10.1016/S0079-6123(07)63003-9", type = Review }
circuit HPF "hippocampal formation" {
  circuit DG "dentate gyrus" { uniform, transmitter = Glutamate, modulation = Excitatory, size = 1.0e6 }
  circuit `CA3/CA1` { uniform; transmitter = Glutamate; modulation = Excitatory }
}
/* a block /* nested */ comment */
connection mossy: DG -> `CA3/CA1` { reference = witter2007 }
component DG { neurons = lif(tau_m: 20 ms, v_th: -50 mV, t_ref: 2 ms) * 2000 }
flow DG -> `CA3/CA1` { connect = fixed_probability(0.05), weight = normal(mean: 0.5 mV, sd: 0.1 mV), delay = 1.5 ms }
function recall "Recall an episode" { parts = [DG] }
stimulus cue -> DG { poisson(rate: 20 Hz) }
simulate { duration = 2 s, dt = 0.1 ms, seed = 42, record = [spikes(DG), v(DG[0..10])], g = 36 mS/cm^2 }
"#;

fn spans_in_bounds(text: &str) {
    let (file, errors) = parse(text, FileId(0));
    let len = text.len() as u32;
    for d in &errors {
        for l in &d.labels {
            assert!(
                l.span.start <= l.span.end && l.span.end <= len,
                "label span {:?} out of {len}",
                l.span
            );
        }
    }
    for item in &file.items {
        assert!(item.span.end <= len);
    }
    for c in &file.comments {
        assert!(c.span.end <= len);
    }
}

#[test]
fn the_valid_example_parses_completely() {
    let (file, errors) = parse(VALID, FileId(0));
    assert!(errors.is_empty(), "{errors:#?}");
    let kinds: Vec<ItemKind> = file.items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds.len(), 9);
    assert_eq!(file.comments.len(), 2);
    let circuit = &file.items[2];
    assert_eq!(circuit.children().count(), 2);
    let quoted = circuit
        .children()
        .nth(1)
        .and_then(|c| c.name.as_ref())
        .map(|n| n.name.as_str());
    assert_eq!(quoted, Some("CA3/CA1"));
    let conn = &file.items[3];
    assert_eq!(conn.name.as_ref().map(|n| n.name.as_str()), Some("mossy"));
    // Units stay attached to their numbers.
    let sim = file.items.last().expect("simulate");
    let g = sim.property("g").expect("g");
    match &g.value.kind {
        ExprKind::Number(n) => {
            assert_eq!(n.unit.as_ref().map(|u| u.text.as_str()), Some("mS/cm^2"))
        }
        other => panic!("not a number: {other:?}"),
    }
    // Every node's span slices back to its text.
    let dg = &circuit.children().next().expect("DG");
    assert_eq!(&VALID[dg.name.as_ref().expect("named").span.range()], "DG");
    assert!(matches!(dg.entries()[0], Entry::Bare(_)));
}

#[test]
fn every_error_of_a_file_is_reported() {
    let text =
        "circuit A { x = }\ncircuit B { y = [1, }\ncircuit C { uniform }\ncircuit D { \"z }\n";
    let (file, errors) = parse(text, FileId(0));
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_eq!(file.items.len(), 1, "the good item survives");
    let lines: Vec<u32> = errors.iter().map(|e| e.labels[0].span.start).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "errors in source order"
    );
}

#[test]
fn error_count_is_capped() {
    let text = "}\n".repeat(10_000).replace('}', "circuit {");
    let (_, errors) = parse(&text, FileId(0));
    assert!(errors.len() <= bra_syntax::parser::MAX_ERRORS + 1);
    assert_eq!(errors.last().map(|e| e.code.as_str()), Some("E008"));
}

#[test]
fn hostile_shapes_do_not_overflow_the_stack() {
    for text in [
        "{".repeat(1_000_000),
        format!("circuit A {{ x = {} }}", "(".repeat(100_000)),
        format!("circuit A {{ x = {} }}", "[".repeat(100_000)),
        "circuit A {\n".repeat(20_000),
        format!("circuit A {{ x = {} }}", "f(".repeat(50_000)),
        "/*".repeat(50_000),
        "`".repeat(10_000),
        "\"".repeat(10_000),
    ] {
        spans_in_bounds(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        spans_in_bounds(&text);
    }

    #[test]
    fn random_token_soup_never_panics(tokens in proptest::collection::vec(
        prop_oneof![
            Just("circuit"), Just("flow"), Just("connection"), Just("{"), Just("}"), Just("["), Just("]"),
            Just("("), Just(")"), Just("="), Just(","), Just("->"), Just(":"), Just("\n"), Just("A"),
            Just("20 ms"), Just("\""), Just("`x`"), Just("`"), Just("/*"), Just("*/"), Just("//"), Just(".."),
            Just("*"), Just("-1e5"), Just("uniform"), Just("mV/cm^"), Just("µS"),
        ], 0..80)) {
        spans_in_bounds(&tokens.join(" "));
    }

    #[test]
    fn mutated_specs_never_panic(pos in 0usize..VALID.len(), len in 0usize..20, insert in "\\PC{0,8}") {
        let mut text = VALID.to_string();
        let start = (0..=pos).rev().find(|p| text.is_char_boundary(*p)).unwrap_or(0);
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        text.replace_range(start..end.max(start), &insert);
        spans_in_bounds(&text);
    }
}

#[test]
fn header_parts_stay_on_the_header_line() {
    // A nested item without a block does not take the next line's string or block.
    let (file, errors) = parse("circuit P {\n  circuit C\n  \"loose\"\n}\n", FileId(0));
    assert!(errors.is_empty(), "{errors:#?}");
    let p = &file.items[0];
    assert_eq!(p.entries().len(), 2);
    assert!(p.children().next().is_some_and(|c| c.title.is_none()));
    // `;` after a nested use is a separator; a keyword may be a callee.
    let (_, errors) = parse(
        "circuit P { use \"a.bra\"; b = 1 }\nuse \"b.bra\";\n",
        FileId(0),
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let (file, errors) = parse("component A { circuit(x) }\n", FileId(0));
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(matches!(file.items[0].entries()[0], Entry::Bare(_)));
}
