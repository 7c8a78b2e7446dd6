//! Shared helpers for rule tests: check a spec held in a string and render
//! its diagnostics the way `bra check` prints them (without colour).
#![allow(dead_code)]

use bra_model::{Model, load_str};
use bra_syntax::Diagnostic;

/// Parse, resolve and check `src`; panics on syntax errors (a rule fixture
/// must parse).
pub fn check(src: &str) -> (Model, Vec<Diagnostic>) {
    let mut loaded = load_str("spec.bra", src);
    assert!(
        loaded.diagnostics.is_empty(),
        "fixture has syntax errors: {:#?}",
        loaded.diagnostics
    );
    let files = std::mem::take(&mut loaded.files);
    let model = Model::build(std::mem::take(&mut loaded.sources), &files);
    let diags = bra_check::check(&model);
    (model, diags)
}

/// The codes of every diagnostic of `src`.
pub fn codes(src: &str) -> Vec<String> {
    check(src).1.into_iter().map(|d| d.code).collect()
}

/// The diagnostics of `src` with this code, rendered as text.
pub fn render(src: &str, code: &str) -> String {
    let (model, diags) = check(src);
    diags
        .iter()
        .filter(|d| d.code == code)
        .map(|d| bra_syntax::diag::render(d, &model.sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A small architecture that every SCID rule accepts: two uniform circuits in
/// the ROI, a connection with its reference, components, a flow and an FRG.
pub const CLEAN: &str = r#"
project T01 "toy relay" {
  bra_version = "2.2", taxon = Rat
  tlf = "relay a signal"
  roi = [A, B]
}
reference ref1 { doi = "10.0000/example", type = Article }
circuit In { uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }
circuit A { uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }
circuit B { uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }
circuit Out { uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }
connection In -> A { reference = ref1 }
connection A -> B { reference = ref1 }
connection B -> Out { reference = ref1 }
component A { neurons = lif(tau_m: 20 ms) * 10 }
component B { neurons = lif(tau_m: 20 ms) * 10 }
flow A -> B { weight = 0.5 mV, delay = 1 ms }
function relay "relay a signal" { parts = [A, B] }
"#;
