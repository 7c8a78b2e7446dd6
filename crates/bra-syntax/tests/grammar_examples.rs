//! Every `example:` block embedded in `grammar/bra.ebnf` parses without error,
//! so the normative grammar and the parser cannot drift apart.

mod common;

use bra_syntax::{FileId, parse};
use common::grammar_examples;

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
