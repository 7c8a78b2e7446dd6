//! The `hcd`, `frg` and `roi` rules (SCID4xx–10xx, W503, W701): each fires on
//! a fixture built from `CLEAN`, labels the places involved, and stays quiet
//! on `CLEAN` itself.

mod common;
use bra_model::Model;
use bra_syntax::{Diagnostic, Severity};
use common::*;

/// The diagnostics of `src` with this code; fails when there are none.
fn fired(src: &str, code: &str) -> (Model, Vec<Diagnostic>) {
    let (model, diags) = check(src);
    let hits: Vec<Diagnostic> = diags.into_iter().filter(|d| d.code == code).collect();
    assert!(!hits.is_empty(), "{code} does not fire on:\n{src}");
    (model, hits)
}

/// The text under a diagnostic's primary label.
fn primary_text(model: &Model, d: &Diagnostic) -> String {
    let l = d.primary().expect("labelled");
    model.sources.get(l.file).slice(l.span).to_string()
}

/// `CLEAN` does not fire the rule.
fn quiet_on_clean(code: &str) {
    let codes = codes(CLEAN);
    assert!(!codes.iter().any(|c| c == code), "{code} fires on CLEAN");
}

/// Every diagnostic of these families says how to fix it.
fn has_help(d: &Diagnostic) {
    assert!(
        d.help.as_deref().is_some_and(|h| !h.is_empty()),
        "no help: {d:?}"
    );
}

const ALL_CODES: [&str; 19] = [
    "SCID420", "SCID421", "SCID424", "SCID601", "SCID602", "SCID702", "W701", "SCID801", "SCID802",
    "SCID803", "SCID804", "SCID805", "SCID806", "SCID500", "SCID501", "SCID502", "W503", "SCID901",
    "SCID1001",
];

#[test]
fn clean_fires_none_of_these_rules() {
    let codes = codes(CLEAN);
    for code in ALL_CODES {
        assert!(!codes.iter().any(|c| c == code), "{code} fires on CLEAN");
    }
}

#[test]
fn every_rule_is_registered_with_a_full_doc() {
    for code in ALL_CODES {
        let rule = bra_check::rule(code).unwrap_or_else(|| panic!("{code} is not registered"));
        for section in ["## What it checks", "## Why", "## Example", "## References"] {
            assert!(rule.doc.contains(section), "{code} lacks {section}");
        }
        assert!(rule.doc.contains("```bra"), "{code} has no bra example");
    }
}

// ------------------------------------------------------------------ hcd

#[test]
fn component_on_missing_circuit_suggests_the_closest() {
    let src =
        format!("{CLEAN}\ncomponent C {{ circuit = Bb, neurons = lif(tau_m: 20 ms) * 10 }}\n");
    let (model, hits) = fired(&src, "SCID420");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "Bb");
    assert_eq!(d.labels.len(), 2, "the circuit reference and the component");
    assert_eq!(d.wbai_code, Some(421));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `B`?")
    );
    insta::assert_snapshot!(render(&src, "SCID420"));
    quiet_on_clean("SCID420");
}

#[test]
fn component_on_collection_names_the_parts() {
    let src = format!(
        "{CLEAN}
circuit G \"a group\" {{
  circuit G1 {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
  circuit G2 {{ uniform, transmitter = GABA, modulation = Inhibitory, source = makeshift }}
}}
component Gc {{ circuit = G, neurons = lif(tau_m: 20 ms) * 10 }}
"
    );
    let (model, hits) = fired(&src, "SCID421");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "G");
    assert_eq!(
        d.labels.len(),
        3,
        "circuit reference, collection, component"
    );
    assert_eq!(d.wbai_code, Some(420));
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID421"));
    quiet_on_clean("SCID421");
}

#[test]
fn several_components_per_circuit_labels_each() {
    let src =
        format!("{CLEAN}\ncomponent A2 {{ circuit = A, neurons = lif(tau_m: 20 ms) * 10 }}\n");
    let (model, hits) = fired(&src, "SCID424");
    assert_eq!(hits.len(), 1, "one report per circuit");
    let d = &hits[0];
    assert_eq!(d.labels.len(), 3, "both components and the circuit");
    assert_eq!(
        primary_text(&model, d),
        "A",
        "the second component's `circuit = A`"
    );
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID424"));
    quiet_on_clean("SCID424");
}

#[test]
fn flow_without_connection_labels_flow_and_both_circuits() {
    let src = format!("{CLEAN}\nflow B -> A {{ weight = 0.5 mV }}\n");
    let (model, hits) = fired(&src, "SCID601");
    assert_eq!(hits.len(), 1);
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "B -> A");
    assert_eq!(d.labels.len(), 3, "the flow and both circuits");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("connection B -> A")
    );
    insta::assert_snapshot!(render(&src, "SCID601"));
    quiet_on_clean("SCID601");
}

#[test]
fn flow_backed_through_a_collection_is_accepted() {
    // A connection into a collection backs a flow to a component on one of its parts.
    let src = format!(
        "{CLEAN}
circuit G {{
  circuit G1 {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
}}
connection B -> G {{ reference = ref1 }}
component G1 {{ neurons = lif(tau_m: 20 ms) * 10 }}
flow B -> G1 {{ weight = 0.5 mV }}
"
    );
    assert!(!codes(&src).iter().any(|c| c == "SCID601"));
}

const INHIBITORY: &str = "
circuit I { uniform, transmitter = GABA, modulation = Inhibitory, source = makeshift }
connection I -> B { reference = ref1 }
component I { neurons = lif(tau_m: 10 ms) * 5 }
flow I -> B { weight = normal(mean: 0.3 mV, sd: 0.1 mV) }
";

#[test]
fn flow_sign_against_modulation_points_at_the_mean() {
    let src = format!("{CLEAN}{INHIBITORY}");
    let (model, hits) = fired(&src, "SCID602");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "0.3 mV");
    let modulation = &d.labels[1];
    assert_eq!(
        model.sources.get(modulation.file).slice(modulation.span),
        "Inhibitory"
    );
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID602"));
    quiet_on_clean("SCID602");
    // The same flow with a negative mean is fine.
    let fixed = src.replace("mean: 0.3 mV", "mean: -0.3 mV");
    assert!(!codes(&fixed).iter().any(|c| c == "SCID602"));
}

#[test]
fn flow_from_modulatory_sender_must_say_so() {
    let src = format!(
        "{CLEAN}
circuit D {{ uniform, transmitter = Dopamine, modulation = Modulatory, source = makeshift }}
connection D -> B {{ reference = ref1 }}
component D {{ neurons = lif(tau_m: 10 ms) * 5 }}
flow D -> B {{ weight = 0.2 mV }}
"
    );
    let (model, hits) = fired(&src, "SCID602");
    assert_eq!(primary_text(&model, &hits[0]), "D -> B");
    insta::assert_snapshot!(render(&src, "SCID602"));
    let fixed = src.replace("weight = 0.2 mV", "weight = 0.2 mV, kind = modulatory");
    assert!(!codes(&fixed).iter().any(|c| c == "SCID602"));
}

#[test]
fn isolated_component_shows_the_anatomy_it_could_use() {
    let src = format!(
        "{}
circuit C {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
connection A -> C {{ reference = ref1 }}
component C {{ neurons = lif(tau_m: 20 ms) * 10 }}
",
        CLEAN.replace("roi = [A, B]", "roi = [A, B, C]")
    );
    let (model, hits) = fired(&src, "SCID702");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "C");
    assert_eq!(d.labels.len(), 2, "the component and the connection A -> C");
    has_help(d);
    let codes = codes(&src);
    assert!(
        !codes.iter().any(|c| c == "SCID901"),
        "SCID901 leaves isolated components to SCID702: {codes:?}"
    );
    insta::assert_snapshot!(render(&src, "SCID702"));
    quiet_on_clean("SCID702");
}

#[test]
fn unused_anatomy_warns_on_the_connection() {
    let src = format!("{CLEAN}\nconnection B -> A {{ reference = ref1 }}\n");
    let (model, hits) = fired(&src, "W701");
    let d = &hits[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(primary_text(&model, d), "B -> A");
    assert_eq!(d.labels.len(), 3, "the connection and both components");
    assert!(d.help.as_deref().unwrap_or("").contains("allow = [W701]"));
    insta::assert_snapshot!(render(&src, "W701"));
    quiet_on_clean("W701");
    // `allow = [W701]` in the project silences it.
    let allowed = src.replace("roi = [A, B]", "roi = [A, B]\n  allow = [W701]");
    assert!(!codes(&allowed).iter().any(|c| c == "W701"));
}

// ------------------------------------------------------------------ frg

#[test]
fn frg_root_count_labels_every_root() {
    let src = format!("{CLEAN}\nfunction extra \"something else\" {{ parts = [A] }}\n");
    let (model, hits) = fired(&src, "SCID801");
    let d = &hits[0];
    assert_eq!(d.labels.len(), 2, "both roots");
    assert_eq!(primary_text(&model, d), "relay");
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID801"));
    quiet_on_clean("SCID801");
}

#[test]
fn frg_without_root_is_reported() {
    let src = CLEAN.replace(
        "{ parts = [A, B] }",
        "{ parts = [A, B, loop] }\nfunction loop { parts = [relay] }",
    );
    let (_, hits) = fired(&src, "SCID801");
    assert!(hits[0].message.contains("no root"), "{}", hits[0].message);
    assert_eq!(hits[0].labels.len(), 2);
}

#[test]
fn frg_cycle_labels_every_member() {
    let src = format!(
        "{CLEAN}\nfunction f1 \"one\" {{ parts = [f2, A] }}\nfunction f2 \"two\" {{ parts = [f3] }}\nfunction f3 \"three\" {{ parts = [f1] }}\n"
    );
    let (model, hits) = fired(&src, "SCID802");
    assert_eq!(hits.len(), 1, "one report per cycle");
    let d = &hits[0];
    assert_eq!(d.labels.len(), 3, "each member's mention of the next");
    assert_eq!(primary_text(&model, d), "f2");
    assert!(d.message.contains("f1 -> f2 -> f3 -> f1"), "{}", d.message);
    insta::assert_snapshot!(render(&src, "SCID802"));
    quiet_on_clean("SCID802");
}

#[test]
fn function_without_parts_is_an_error() {
    let src = CLEAN.replace(
        "{ parts = [A, B] }",
        "{ parts = [A, B, todo] }\nfunction todo \"to be decomposed\"",
    );
    let (model, hits) = fired(&src, "SCID803");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "todo");
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID803"));
    quiet_on_clean("SCID803");
}

#[test]
fn frg_root_not_tlf_warns_with_both_texts() {
    let src = CLEAN.replace(
        "function relay \"relay a signal\"",
        "function relay \"pass a signal on\"",
    );
    let (model, hits) = fired(&src, "SCID804");
    let d = &hits[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(primary_text(&model, d), "\"pass a signal on\"");
    assert_eq!(d.labels.len(), 2, "the root's text and the project's tlf");
    insta::assert_snapshot!(render(&src, "SCID804"));
    quiet_on_clean("SCID804");
    // Case and a final full stop do not matter.
    let same = CLEAN.replace(
        "function relay \"relay a signal\"",
        "function relay \"Relay a signal.\"",
    );
    assert!(!codes(&same).iter().any(|c| c == "SCID804"));
}

#[test]
fn component_missing_from_frg_points_at_the_component() {
    let src = CLEAN.replace("parts = [A, B]", "parts = [A]");
    let (model, hits) = fired(&src, "SCID805");
    assert_eq!(hits.len(), 1);
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "B");
    assert_eq!(d.labels.len(), 2, "the component and the FRG's root");
    insta::assert_snapshot!(render(&src, "SCID805"));
    quiet_on_clean("SCID805");
}

#[test]
fn frg_part_listed_twice_labels_both_mentions() {
    let src = CLEAN.replace("parts = [A, B]", "parts = [A, B, A]");
    let (model, hits) = fired(&src, "SCID806");
    let d = &hits[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.labels.len(), 2);
    let first = &d.labels[1];
    assert!(d.primary().expect("labelled").span.start > first.span.start);
    assert_eq!(primary_text(&model, d), "A");
    insta::assert_snapshot!(render(&src, "SCID806"));
    quiet_on_clean("SCID806");
}

// ------------------------------------------------------------------ roi

#[test]
fn no_roi_warns_and_proposes_one() {
    let src = CLEAN.replace("  roi = [A, B]\n", "");
    let (model, hits) = fired(&src, "SCID500");
    let d = &hits[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(primary_text(&model, d), "T01");
    assert!(d.help.as_deref().unwrap_or("").contains("roi = [A, B]"));
    insta::assert_snapshot!(render(&src, "SCID500"));
    quiet_on_clean("SCID500");
    // Without `roi` the component circuits stand in for it: nothing else fires.
    let codes = codes(&src);
    assert!(
        codes
            .iter()
            .all(|c| c == "SCID500" || !ALL_CODES.contains(&c.as_str())),
        "{codes:?}"
    );
}

#[test]
fn unknown_roi_circuit_suggests_the_closest() {
    let src = CLEAN.replace("roi = [A, B]", "roi = [A, B, Inn]");
    let (model, hits) = fired(&src, "SCID501");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "Inn");
    assert_eq!(d.help.as_deref(), Some("did you mean `In`?"));
    insta::assert_snapshot!(render(&src, "SCID501"));
    quiet_on_clean("SCID501");
}

#[test]
fn roi_circuit_without_component_names_the_roi_entry() {
    let src = format!(
        "{}
circuit G {{
  circuit G1 {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
}}
",
        CLEAN.replace("roi = [A, B]", "roi = [A, B, G]")
    );
    let (model, hits) = fired(&src, "SCID502");
    assert_eq!(hits.len(), 1, "only the uniform part, not the collection");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "G1");
    let via = &d.labels[1];
    assert_eq!(model.sources.get(via.file).slice(via.span), "G");
    has_help(d);
    insta::assert_snapshot!(render(&src, "SCID502"));
    quiet_on_clean("SCID502");
}

#[test]
fn component_outside_roi_warns() {
    let src = format!(
        "{CLEAN}
connection B -> C {{ reference = ref1 }}
circuit C {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
component C {{ neurons = lif(tau_m: 20 ms) * 10 }}
flow B -> C {{ weight = 0.5 mV }}
"
    );
    let (model, hits) = fired(&src, "W503");
    let d = &hits[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(primary_text(&model, d), "C");
    let roi = &d.labels[1];
    assert_eq!(model.sources.get(roi.file).slice(roi.span), "[A, B]");
    insta::assert_snapshot!(render(&src, "W503"));
    quiet_on_clean("W503");
}

#[test]
fn dead_component_says_what_is_missing() {
    let src = format!(
        "{}
circuit C {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = makeshift }}
connection B -> C {{ reference = ref1 }}
component C {{ neurons = lif(tau_m: 20 ms) * 10 }}
flow B -> C {{ weight = 0.5 mV }}
function store \"keep it\" {{ parts = [C] }}
",
        CLEAN
            .replace("roi = [A, B]", "roi = [A, B, C]")
            .replace("parts = [A, B]", "parts = [A, B, store]")
    );
    let (model, hits) = fired(&src, "SCID901");
    assert_eq!(hits.len(), 1, "A and B still lie on In -> A -> B -> Out");
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "C");
    assert!(
        d.message.contains("does not reach any ROI output"),
        "{}",
        d.message
    );
    assert_eq!(d.labels.len(), 2, "the component and its circuit");
    insta::assert_snapshot!(render(&src, "SCID901"));
    quiet_on_clean("SCID901");
}

#[test]
fn dead_component_unreached_without_any_input() {
    // Without In -> A nothing enters the ROI; A and B are reached by nothing.
    let src = CLEAN.replace("connection In -> A { reference = ref1 }\n", "");
    let (_, hits) = fired(&src, "SCID901");
    assert_eq!(hits.len(), 2);
    assert!(
        hits.iter()
            .all(|d| d.message.contains("reached by no ROI input"))
    );
    assert!(
        hits.iter()
            .all(|d| d.notes.iter().any(|n| n.contains("nothing enters")))
    );
    // A stimulus on A is an ROI input too.
    let stimulated = format!("{src}\nstimulus cue -> A {{ poisson(rate: 20 Hz) }}\n");
    assert!(!codes(&stimulated).iter().any(|c| c == "SCID901"));
}

#[test]
fn tlf_interface_mismatch_reports_missing_and_extra() {
    let src = CLEAN.replace(
        "roi = [A, B]",
        "roi = [A, B]\n  inputs = [Out]\n  outputs = [Out]",
    );
    let (model, hits) = fired(&src, "SCID1001");
    assert_eq!(
        hits.len(),
        1,
        "`outputs` is right; only `inputs` is reported"
    );
    let d = &hits[0];
    assert_eq!(primary_text(&model, d), "inputs");
    assert_eq!(
        d.labels.len(),
        3,
        "the field, the missing In -> A, the extra Out"
    );
    assert!(
        d.message.contains("missing `In`; extra `Out`"),
        "{}",
        d.message
    );
    assert!(d.help.as_deref().unwrap_or("").contains("inputs = [In]"));
    insta::assert_snapshot!(render(&src, "SCID1001"));
    quiet_on_clean("SCID1001");
    // The right interface, by circuit or by connection name, is accepted.
    let right = CLEAN
        .replace(
            "roi = [A, B]",
            "roi = [A, B]\n  inputs = [In]\n  outputs = [out1]",
        )
        .replace("connection B -> Out", "connection out1: B -> Out");
    assert!(!codes(&right).iter().any(|c| c == "SCID1001"));
}

#[test]
fn broken_specs_get_answers_not_panics() {
    let odd = [
        "",
        "component C {}",
        "project P { roi = \"A\" }\ncircuit A { uniform }\ncomponent A {}",
        "project P { roi = 3, inputs = [3], outputs = X }",
        "project P { roi = [X] }\ncircuit X { parts = [X] }\ncomponent X {}",
        "circuit X { parts = [Y] }\ncircuit Y { parts = [X] }\ncomponent X {}\nflow X -> X { weight = -1 }",
        "function f { parts = [f, f] }\nfunction g { parts = [] }",
        "component A {}\ncomponent A {}\nflow A -> Nope {}\nstimulus s -> A { poisson(rate: 1 Hz) }",
        "project P { tlf = \"t\", roi = [] }\nfunction f\nfunction g { parts = [f] }\nfunction h { parts = [f] }",
    ];
    for src in odd {
        let _ = check(src);
    }
}
