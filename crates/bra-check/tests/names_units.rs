//! E10x and E11x rules: each fires on a broken fixture and stays quiet on a clean one.

mod common;
use common::*;

#[test]
fn clean_fixture_has_no_name_or_unit_errors() {
    let codes = codes(CLEAN);
    assert!(
        !codes.iter().any(|c| c.starts_with("E1")),
        "unexpected: {codes:?}"
    );
}

#[test]
fn unknown_name_suggests_the_closest() {
    let src = format!("{CLEAN}\nflow A -> Bb {{ weight = 1 mV }}\n");
    assert!(codes(&src).contains(&"E101".to_string()));
    let text = render(&src, "E101");
    assert!(text.contains("did you mean `B`?"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn duplicate_name_labels_both_places() {
    let src = format!("{CLEAN}\ncircuit A {{ uniform }}\n");
    let (_, diags) = check(&src);
    let d = diags.iter().find(|d| d.code == "E102").expect("E102 fires");
    assert_eq!(d.labels.len(), 2, "both declarations are labelled");
    insta::assert_snapshot!(render(&src, "E102"));
}

#[test]
fn unknown_unit_points_at_the_unit() {
    let src = format!("{CLEAN}\ncomponent C {{ neurons = lif(tau_m: 20 msec) * 10 }}\n");
    let (model, diags) = check(&src);
    let d = diags.iter().find(|d| d.code == "E110").expect("E110 fires");
    let l = d.primary().expect("labelled");
    assert_eq!(model.sources.get(l.file).slice(l.span), "msec");
    insta::assert_snapshot!(render(&src, "E110"));
}

#[test]
fn wrong_dimension_points_at_the_unit() {
    let src = CLEAN.replace("delay = 1 ms", "delay = 1 mV");
    let (model, diags) = check(&src);
    let d = diags.iter().find(|d| d.code == "E111").expect("E111 fires");
    let l = d.primary().expect("labelled");
    assert_eq!(model.sources.get(l.file).slice(l.span), "mV");
    insta::assert_snapshot!(render(&src, "E111"));
}

#[test]
fn the_synthetic_scaling_spec_checks_clean() {
    // The benchmark's input must be a realistic, clean architecture.
    let text = bra_model::synth::generate(1);
    let (_, diags) = check(&text);
    let bad: Vec<_> = diags
        .iter()
        .filter(|d| d.severity >= bra_syntax::Severity::Warning)
        .collect();
    assert!(bad.is_empty(), "{:#?}", bad.first());
}
