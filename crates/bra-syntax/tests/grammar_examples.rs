//! Every `example:` block embedded in `grammar/bra.ebnf` parses without error,
//! so the normative grammar and the parser cannot drift apart.

use bra_syntax::{FileId, parse};

fn grammar_examples() -> Vec<String> {
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

#[test]
fn every_grammar_example_parses() {
    let examples = grammar_examples();
    assert!(examples.len() >= 3, "the grammar embeds its examples");
    for (n, ex) in examples.iter().enumerate() {
        let (file, errors) = parse(ex, FileId(0));
        assert!(
            errors.is_empty(),
            "example {n} has errors: {errors:#?}\n{ex}"
        );
        assert!(!file.items.is_empty(), "example {n} has items");
    }
}
