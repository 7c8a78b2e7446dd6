//! SCID0xx–2xx and W261, the anatomy (BIF) rules: each fires on a broken
//! fixture — with every involved place labelled and a `help:` line — and stays
//! quiet on `CLEAN` and on the fixed fixture.

mod common;
use bra_check::rules::bif::RULES;
use bra_model::Model;
use bra_syntax::Diagnostic;
use common::*;

/// The diagnostics of `src` with this code; panics when there are none.
fn fired(src: &str, code: &str) -> (Model, Vec<Diagnostic>) {
    let (model, diags) = check(src);
    let mine: Vec<Diagnostic> = diags.into_iter().filter(|d| d.code == code).collect();
    assert!(!mine.is_empty(), "{code} does not fire on:\n{src}");
    for d in &mine {
        assert!(d.help.is_some(), "{code} has no help: {d:#?}");
        assert!(d.primary().is_some(), "{code} has no label: {d:#?}");
    }
    (model, mine)
}

/// The one diagnostic of `src` with this code.
fn fired_once(src: &str, code: &str) -> (Model, Diagnostic) {
    let (model, mut mine) = fired(src, code);
    assert_eq!(mine.len(), 1, "{code} fires more than once: {mine:#?}");
    (model, mine.remove(0))
}

/// The source text under each label, in label order.
fn slices(model: &Model, d: &Diagnostic) -> Vec<String> {
    d.labels
        .iter()
        .map(|l| model.sources.get(l.file).slice(l.span).to_string())
        .collect()
}

/// The source text under the primary label.
fn primary_slice(model: &Model, d: &Diagnostic) -> String {
    let l = d.primary().expect("labelled");
    model.sources.get(l.file).slice(l.span).to_string()
}

fn assert_quiet(src: &str, code: &str) {
    let codes = codes(src);
    assert!(
        !codes.iter().any(|c| c == code),
        "{code} fires on:\n{src}\n{}",
        render(src, code)
    );
}

fn with(extra: &str) -> String {
    format!("{CLEAN}{extra}\n")
}

// ---------------------------------------------------------------- registry

#[test]
fn clean_fixture_fires_no_bif_rule() {
    let codes = codes(CLEAN);
    for rule in RULES {
        assert!(
            !codes.iter().any(|c| c == rule.code),
            "{} fires on CLEAN:\n{}",
            rule.code,
            render(CLEAN, rule.code)
        );
    }
}

#[test]
fn every_rule_is_documented_and_registered_once() {
    let mut seen = Vec::new();
    for rule in RULES {
        assert!(!seen.contains(&rule.code), "{} listed twice", rule.code);
        seen.push(rule.code);
        assert_eq!(bra_check::rule(rule.code).map(|r| r.name), Some(rule.name));
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: name `{}` is not kebab-case",
            rule.code,
            rule.name
        );
        for section in ["## What it checks", "## Why", "## Example", "## References"] {
            assert!(
                rule.doc.contains(section),
                "{} lacks `{section}`",
                rule.code
            );
        }
        assert!(
            rule.doc.contains("```bra\n"),
            "{} has no example",
            rule.code
        );
    }
    assert_eq!(RULES.len(), 23);
}

#[test]
fn every_doc_example_parses_and_fires_its_rule() {
    for rule in RULES {
        let start = rule.doc.find("```bra\n").expect("example") + "```bra\n".len();
        let len = rule.doc[start..].find("```").expect("closed example");
        let example = &rule.doc[start..start + len];
        let codes = codes(example);
        assert!(
            codes.iter().any(|c| c == rule.code),
            "the example of {} does not fire it:\n{example}\nfires: {codes:?}",
            rule.code
        );
    }
}

// ---------------------------------------------------------------- SCID001

#[test]
fn project_count_no_project() {
    let src = "\nreference ref1 { doi = \"10.0000/x\" }\n\
        circuit A { uniform, transmitter = Glutamate, modulation = Excitatory }\n\
        connection A -> A { reference = ref1 }\n";
    let (model, d) = fired_once(src, "SCID001");
    assert_eq!(slices(&model, &d), vec!["reference"]);
    insta::assert_snapshot!(render(src, "SCID001"));
    assert_quiet(
        &format!("project P1 \"x\" {{ bra_version = \"2.2\" }}\n{src}"),
        "SCID001",
    );
}

#[test]
fn project_count_two_projects_labels_both() {
    let src = with("project T02 \"again\" { bra_version = \"2.2\" }");
    let (model, d) = fired_once(&src, "SCID001");
    assert_eq!(slices(&model, &d), vec!["T02", "T01"]);
    insta::assert_snapshot!(render(&src, "SCID001"));
}

// ---------------------------------------------------------------- SCID101

#[test]
fn invalid_id_points_at_each_bad_character() {
    let src =
        with("circuit `CA3 (pyr)` { uniform, transmitter = Glutamate, modulation = Excitatory }");
    let (model, d) = fired_once(&src, "SCID101");
    assert_eq!(slices(&model, &d), vec![" (", ")"]);
    assert!(d.help.as_deref().unwrap_or("").contains("CA3_pyr"));
    assert_eq!(d.wbai_code, Some(101));
    insta::assert_snapshot!(render(&src, "SCID101"));
    assert_quiet(
        &with(
            "circuit `IO-DC/5-HT+~x` { uniform, transmitter = Glutamate, modulation = Excitatory }",
        ),
        "SCID101",
    );
    assert_quiet(
        &with(
            "circuit CA3_pyr \"CA3 (pyr)\" { uniform, transmitter = Glutamate, modulation = Excitatory }",
        ),
        "SCID101",
    );
}

// ---------------------------------------------------------------- SCID107

#[test]
fn unknown_id_source_suggests_atlas_or_reference() {
    let src = with(
        "circuit C { uniform, transmitter = Glutamate, modulation = Excitatory, source = dhba }",
    );
    let (model, d) = fired_once(&src, "SCID107");
    assert_eq!(slices(&model, &d), vec!["dhba", "C"]);
    assert_eq!(d.help.as_deref(), Some("did you mean `source = DHBA`?"));
    insta::assert_snapshot!(render(&src, "SCID107"));

    let src = with(
        "circuit C { uniform, transmitter = Glutamate, modulation = Excitatory, source = ref2 }",
    );
    let (_, d) = fired_once(&src, "SCID107");
    assert_eq!(d.help.as_deref(), Some("did you mean `source = ref1`?"));

    for ok in ["DHBA", "MBA", "UBERON", "collection", "makeshift", "ref1"] {
        assert_quiet(
            &with(&format!(
                "circuit C {{ uniform, transmitter = Glutamate, modulation = Excitatory, source = {ok} }}"
            )),
            "SCID107",
        );
    }
}

// ---------------------------------------------------------------- SCID120

#[test]
fn uniform_with_parts_labels_flag_and_every_part() {
    let src = with(
        "circuit P {\n  uniform, transmitter = Glutamate, modulation = Excitatory\n  \
         circuit Q { uniform, transmitter = GABA, modulation = Inhibitory }\n  parts = [A]\n}",
    );
    let (model, d) = fired_once(&src, "SCID120");
    assert_eq!(slices(&model, &d), vec!["uniform", "Q", "A"]);
    insta::assert_snapshot!(render(&src, "SCID120"));
    assert_quiet(
        &with(
            "circuit P {\n  circuit Q { uniform, transmitter = GABA, modulation = Inhibitory }\n  parts = [A]\n}",
        ),
        "SCID120",
    );
}

// ---------------------------------------------------------------- SCID121

#[test]
fn collection_without_parts_suggests_uniform() {
    let src = with("circuit Z \"a region\" { transmitter = Glutamate, modulation = Excitatory }");
    let (model, d) = fired_once(&src, "SCID121");
    assert_eq!(slices(&model, &d), vec!["Z"]);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("mark it `uniform`")
    );
    insta::assert_snapshot!(render(&src, "SCID121"));

    let src = with("circuit Z { uniform = false, parts = [] }");
    let (model, d) = fired_once(&src, "SCID121");
    assert_eq!(
        slices(&model, &d),
        vec!["Z", "uniform = false", "parts = []"]
    );

    assert_quiet(
        &with("circuit Z { uniform, transmitter = Glutamate, modulation = Excitatory }"),
        "SCID121",
    );
    assert_quiet(&with("circuit Z { parts = [A] }"), "SCID121");
    // An unknown part is SCID122's to report.
    assert_quiet(&with("circuit Z { parts = [Nowhere] }"), "SCID121");
}

// ---------------------------------------------------------------- SCID122

#[test]
fn unknown_part_suggests_the_closest() {
    let src = with("circuit HPF { parts = [A, Bb] }");
    let (model, d) = fired_once(&src, "SCID122");
    assert_eq!(slices(&model, &d), vec!["Bb", "HPF"]);
    assert_eq!(d.help.as_deref(), Some("did you mean `B`?"));
    insta::assert_snapshot!(render(&src, "SCID122"));
    assert_quiet(&with("circuit HPF { parts = [A, B] }"), "SCID122");
    // The generic unknown-name rule leaves parts to this one.
    assert!(!codes(&src).contains(&"E101".to_string()));
}

// ---------------------------------------------------------------- SCID123

#[test]
fn part_of_cycle_labels_every_member() {
    let src =
        with("circuit P { parts = [Q] }\ncircuit Q { parts = [R] }\ncircuit R { parts = [P] }");
    let (model, d) = fired_once(&src, "SCID123");
    assert_eq!(slices(&model, &d), vec!["Q", "R", "P"]);
    assert_eq!(primary_slice(&model, &d), "P");
    assert!(
        d.message
            .contains("`P` contains `Q`, which contains `R`, which contains `P`"),
        "{}",
        d.message
    );
    insta::assert_snapshot!(render(&src, "SCID123"));
    assert_quiet(
        &with("circuit P { parts = [Q] }\ncircuit Q { parts = [R] }\ncircuit R { parts = [A] }"),
        "SCID123",
    );
}

#[test]
fn part_of_cycle_through_a_nested_circuit_and_a_self_part() {
    let src = with("circuit P {\n  circuit Q { parts = [P] }\n}");
    let (model, d) = fired_once(&src, "SCID123");
    assert_eq!(slices(&model, &d), vec!["Q", "P"]);
    insta::assert_snapshot!(render(&src, "SCID123"));

    let src = with("circuit S { parts = [S] }");
    let (model, d) = fired_once(&src, "SCID123");
    assert_eq!(d.message, "circuit `S` is a part of itself");
    assert_eq!(slices(&model, &d), vec!["S"]);
    assert_eq!(d.labels[0].span.start, src.rfind("[S]").unwrap() as u32 + 1);
}

// ---------------------------------------------------------------- SCID124

#[test]
fn several_parents_labels_every_mention() {
    let src = with("circuit H1 { parts = [A] }\ncircuit H2 { parts = [A, B] }");
    let (model, d) = fired_once(&src, "SCID124");
    let s = slices(&model, &d);
    assert_eq!(s, vec!["A", "A", "A"]);
    assert_eq!(d.labels[0].span, span_of(&src, "circuit A {", 8, 1));
    insta::assert_snapshot!(render(&src, "SCID124"));
    assert_quiet(
        &with("circuit H1 { parts = [A] }\ncircuit H2 { parts = [H1, B] }"),
        "SCID124",
    );
}

#[test]
fn several_parents_nested_and_listed() {
    let src = with(
        "circuit H1 {\n  circuit N { uniform, transmitter = GABA, modulation = Inhibitory }\n}\n\
         circuit H2 { parts = [N] }",
    );
    let (model, d) = fired_once(&src, "SCID124");
    assert_eq!(slices(&model, &d), vec!["N", "N"]);
    assert_eq!(d.labels[0].message, "`N` is declared inside `H1`");
    assert_eq!(d.labels[1].message, "listed as a part of `H2`");
    insta::assert_snapshot!(render(&src, "SCID124"));
    // Nested and listed again by the same parent is one parent.
    assert_quiet(
        &with(
            "circuit H1 {\n  parts = [N]\n  circuit N { uniform, transmitter = GABA, modulation = Inhibitory }\n}",
        ),
        "SCID124",
    );
}

/// The span of `len` bytes at `offset` into the last occurrence of `needle`.
fn span_of(src: &str, needle: &str, offset: usize, len: usize) -> bra_syntax::Span {
    let at = src.rfind(needle).expect("needle") + offset;
    bra_syntax::Span::new(at, at + len)
}

// ---------------------------------------------------------------- SCID130

#[test]
fn transmitter_count_none() {
    let src = with("circuit C1 { uniform, modulation = Inhibitory }");
    let (model, d) = fired_once(&src, "SCID130");
    assert_eq!(slices(&model, &d), vec!["C1", "uniform"]);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`transmitter = GABA`")
    );
    insta::assert_snapshot!(render(&src, "SCID130"));
    assert_quiet(
        &with("circuit C1 { uniform, transmitter = GABA, modulation = Inhibitory }"),
        "SCID130",
    );
}

#[test]
fn transmitter_count_several_as_list_or_repeated_key() {
    let src =
        with("circuit C2 { uniform, transmitter = [GABA, Glutamate], modulation = Inhibitory }");
    let (model, d) = fired_once(&src, "SCID130");
    assert_eq!(slices(&model, &d), vec!["Glutamate", "GABA", "C2"]);
    insta::assert_snapshot!(render(&src, "SCID130"));

    let src = with(
        "circuit C3 { uniform, transmitter = GABA, transmitter = Glycine, modulation = Inhibitory }",
    );
    let (_, d) = fired_once(&src, "SCID130");
    assert!(d.message.contains("2 transmitters"), "{}", d.message);
    // A collection's transmitter is SCID135's business, not this rule's.
    assert_quiet(&with("circuit H { parts = [A] }"), "SCID130");
}

// ---------------------------------------------------------------- SCID131

#[test]
fn modulation_count_none_and_several() {
    let src = with("circuit C1 { uniform, transmitter = Dopamine }");
    let (model, d) = fired_once(&src, "SCID131");
    assert_eq!(slices(&model, &d), vec!["C1", "uniform"]);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`modulation = Modulatory`")
    );
    insta::assert_snapshot!(render(&src, "SCID131"));

    let src = with(
        "circuit C2 { uniform, transmitter = Dopamine, modulation = Modulatory, modulation = Excitatory }",
    );
    let (model, d) = fired_once(&src, "SCID131");
    assert_eq!(slices(&model, &d), vec!["Excitatory", "Modulatory", "C2"]);
    insta::assert_snapshot!("modulation_count_several", render(&src, "SCID131"));
    assert_quiet(
        &with("circuit C2 { uniform, transmitter = Dopamine, modulation = Modulatory }"),
        "SCID131",
    );
}

// ---------------------------------------------------------------- SCID132

#[test]
fn unknown_transmitter_suggests_and_notes_the_fixed_list() {
    let src = with("circuit C { uniform, transmitter = Dopamin, modulation = Modulatory }");
    let (model, d) = fired_once(&src, "SCID132");
    assert_eq!(slices(&model, &d), vec!["Dopamin", "C"]);
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `transmitter = Dopamine`?")
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("fixed by the BRA template"))
    );
    insta::assert_snapshot!(render(&src, "SCID132"));

    let src = with("circuit C { uniform, transmitter = Noradrenaline, modulation = Modulatory }");
    let (_, d) = fired_once(&src, "SCID132");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .starts_with("write one of `Acetylcholine`")
    );
    assert_quiet(
        &with("circuit C { uniform, transmitter = Dopamine, modulation = Modulatory }"),
        "SCID132",
    );
}

// ---------------------------------------------------------------- SCID133

#[test]
fn unknown_modulation_suggests_the_spelling() {
    let src = with("circuit C { uniform, transmitter = Glutamate, modulation = excitatory }");
    let (model, d) = fired_once(&src, "SCID133");
    assert_eq!(slices(&model, &d), vec!["excitatory", "C"]);
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `modulation = Excitatory`?")
    );
    insta::assert_snapshot!(render(&src, "SCID133"));
    assert_quiet(
        &with("circuit C { uniform, transmitter = Glutamate, modulation = Excitatory }"),
        "SCID133",
    );
}

// ---------------------------------------------------------------- SCID134

#[test]
fn transmitter_modulation_mismatch_is_a_warning() {
    let src = with("circuit C { uniform, transmitter = Glutamate, modulation = Inhibitory }");
    let (model, d) = fired_once(&src, "SCID134");
    assert_eq!(d.severity, bra_syntax::Severity::Warning);
    assert_eq!(slices(&model, &d), vec!["Inhibitory", "Glutamate"]);
    insta::assert_snapshot!(render(&src, "SCID134"));

    let src = with("circuit VTA { uniform, transmitter = Dopamine, modulation = Excitatory }");
    let (_, d) = fired_once(&src, "SCID134");
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`modulation = Modulatory`")
    );
    insta::assert_snapshot!(
        "transmitter_modulation_mismatch_monoamine",
        render(&src, "SCID134")
    );

    for ok in [
        ("Glutamate", "Excitatory"),
        ("GABA", "Inhibitory"),
        ("Glycine", "Inhibitory"),
        ("Dopamine", "Modulatory"),
        ("Serotonin", "Modulatory"),
        ("Acetylcholine", "Modulatory"),
    ] {
        assert_quiet(
            &with(&format!(
                "circuit C {{ uniform, transmitter = {}, modulation = {} }}",
                ok.0, ok.1
            )),
            "SCID134",
        );
    }
}

// ---------------------------------------------------------------- SCID135

#[test]
fn collection_with_output_labels_the_property_and_the_collection() {
    let src = with(
        "circuit H {\n  transmitter = Glutamate, modulation = Excitatory\n  \
         circuit H1 { uniform, transmitter = Glutamate, modulation = Excitatory }\n}",
    );
    let (model, d) = fired_once(&src, "SCID135");
    assert_eq!(d.severity, bra_syntax::Severity::Warning);
    assert_eq!(
        slices(&model, &d),
        vec!["transmitter = Glutamate", "modulation = Excitatory", "H"]
    );
    assert!(d.help.as_deref().unwrap_or("").contains("`H1`"));
    insta::assert_snapshot!(render(&src, "SCID135"));
    assert_quiet(
        &with(
            "circuit H {\n  circuit H1 { uniform, transmitter = Glutamate, modulation = Excitatory }\n}",
        ),
        "SCID135",
    );
    // A circuit with neither `uniform` nor parts is SCID121's.
    assert_quiet(&with("circuit X { transmitter = GABA }"), "SCID135");
}

// ---------------------------------------------------------------- SCID202

#[test]
fn unknown_endpoint_receiver_carries_wbai_224() {
    let src = with("connection A -> Bb { reference = ref1 }");
    let (model, d) = fired_once(&src, "SCID202");
    assert_eq!(slices(&model, &d), vec!["Bb"]);
    assert_eq!(d.wbai_code, Some(224));
    assert_eq!(d.help.as_deref(), Some("did you mean `B`?"));
    insta::assert_snapshot!(render(&src, "SCID202"));
    assert!(!codes(&src).contains(&"E101".to_string()));
}

#[test]
fn unknown_endpoint_sender_carries_wbai_202() {
    let src = with("connection Xyz -> B { reference = ref1 }");
    let (model, d) = fired_once(&src, "SCID202");
    assert_eq!(slices(&model, &d), vec!["Xyz"]);
    assert_eq!(d.wbai_code, Some(202));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .starts_with("declare `circuit Xyz")
    );
    insta::assert_snapshot!(render(&src, "SCID202"));
    assert_quiet(&with("connection A -> Out { reference = ref1 }"), "SCID202");
}

// ---------------------------------------------------------------- SCID203

#[test]
fn sender_not_uniform_lists_the_uniform_parts() {
    let src = with(
        "circuit H {\n  circuit H1 { uniform, transmitter = Glutamate, modulation = Excitatory }\n  \
         circuit H2 { uniform, transmitter = GABA, modulation = Inhibitory }\n}\n\
         connection H -> B { reference = ref1 }",
    );
    let (model, d) = fired_once(&src, "SCID203");
    assert_eq!(slices(&model, &d), vec!["H", "H"]);
    assert_eq!(d.labels[0].span, span_of(&src, "connection H ->", 11, 1));
    assert_eq!(d.labels[1].span, span_of(&src, "circuit H {", 8, 1));
    let help = d.help.clone().unwrap_or_default();
    assert!(help.contains("`H1` or `H2`"), "{help}");
    assert!(help.contains("`connection H1 -> B`"), "{help}");
    insta::assert_snapshot!(render(&src, "SCID203"));
    assert_quiet(
        &src.replace("connection H -> B", "connection H1 -> B"),
        "SCID203",
    );
}

// ---------------------------------------------------------------- SCID205

#[test]
fn duplicate_connection_labels_both() {
    let src = with("connection A -> B { reference = ref1 }");
    let (model, d) = fired_once(&src, "SCID205");
    assert_eq!(d.severity, bra_syntax::Severity::Warning);
    assert_eq!(slices(&model, &d), vec!["A -> B", "A -> B"]);
    assert!(d.labels[0].span.start > d.labels[1].span.start);
    insta::assert_snapshot!(render(&src, "SCID205"));
    // Distinct connection IDs mark deliberately distinct projections.
    assert_quiet(
        &with(
            "connection x1: In -> B { reference = ref1 }\nconnection x2: In -> B { reference = ref1 }",
        ),
        "SCID205",
    );
    assert_quiet(&with("connection B -> A { reference = ref1 }"), "SCID205");
}

// ---------------------------------------------------------------- SCID252

#[test]
fn connection_without_reference_points_at_the_header() {
    let src = with("connection A -> Out");
    let (model, d) = fired_once(&src, "SCID252");
    assert_eq!(slices(&model, &d), vec!["A -> Out"]);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`{ reference = ref1 }`")
    );
    insta::assert_snapshot!(render(&src, "SCID252"));

    let src = with("connection A -> Out { reference = [] }");
    let (model, d) = fired_once(&src, "SCID252");
    assert_eq!(slices(&model, &d), vec!["A -> Out", "[]"]);
    assert_quiet(&with("connection A -> Out { reference = ref1 }"), "SCID252");
}

// ---------------------------------------------------------------- SCID253

#[test]
fn unknown_reference_on_a_connection_and_a_circuit() {
    let src = with("connection A -> Out { reference = ref2 }");
    let (model, d) = fired_once(&src, "SCID253");
    assert_eq!(slices(&model, &d), vec!["ref2", "A -> Out"]);
    assert_eq!(d.help.as_deref(), Some("did you mean `ref1`?"));
    insta::assert_snapshot!(render(&src, "SCID253"));

    let src = with(
        "circuit C { uniform, transmitter = GABA, modulation = Inhibitory, reference = smith1999 }",
    );
    let (model, d) = fired_once(&src, "SCID253");
    assert_eq!(slices(&model, &d), vec!["smith1999", "C"]);
    insta::assert_snapshot!("unknown_reference_on_a_circuit", render(&src, "SCID253"));
    assert!(!codes(&src).contains(&"E101".to_string()));
    assert_quiet(&with("connection A -> Out { reference = ref1 }"), "SCID253");
}

// ---------------------------------------------------------------- SCID254

#[test]
fn several_references_labels_each() {
    let src = with(
        "reference ref2 { doi = \"10.0000/other\" }\nconnection A -> Out { reference = [ref1, ref2] }",
    );
    let (model, d) = fired_once(&src, "SCID254");
    assert_eq!(slices(&model, &d), vec!["ref2", "ref1", "A -> Out"]);
    insta::assert_snapshot!(render(&src, "SCID254"));

    let src = with(
        "reference ref2 { doi = \"10.0000/other\" }\n\
         connection A -> Out { reference = ref1, reference = ref2 }",
    );
    fired_once(&src, "SCID254");
    assert_quiet(
        &with(
            "reference ref2 { doi = \"10.0000/other\" }\n\
             connection c1: A -> Out { reference = ref1 }\n\
             connection c2: A -> Out { reference = ref2 }",
        ),
        "SCID254",
    );
}

// ---------------------------------------------------------------- SCID260

#[test]
fn reference_without_locator_labels_empty_locators() {
    let src = with(
        "reference ref2 { doi = \"\", type = Book }\nconnection A -> Out { reference = ref2 }",
    );
    let (model, d) = fired_once(&src, "SCID260");
    assert_eq!(d.severity, bra_syntax::Severity::Warning);
    assert_eq!(slices(&model, &d), vec!["ref2", "\"\""]);
    insta::assert_snapshot!(render(&src, "SCID260"));
    for locator in [
        "doi = \"10.0000/x\"",
        "url = \"https://example.org\"",
        "isbn = \"978-0-00-000000-0\"",
    ] {
        assert_quiet(
            &with(&format!(
                "reference ref2 {{ {locator}, type = Book }}\nconnection A -> Out {{ reference = ref2 }}"
            )),
            "SCID260",
        );
    }
}

// ---------------------------------------------------------------- W261

#[test]
fn unused_reference_counts_sources_as_citations() {
    let src = with("reference ref2 { doi = \"10.0000/other\" }");
    let (model, d) = fired_once(&src, "W261");
    assert_eq!(d.severity, bra_syntax::Severity::Warning);
    assert_eq!(slices(&model, &d), vec!["ref2"]);
    insta::assert_snapshot!(render(&src, "W261"));
    assert_quiet(
        &with(
            "reference ref2 { doi = \"10.0000/other\" }\n\
             circuit C { uniform, transmitter = GABA, modulation = Inhibitory, source = ref2 }",
        ),
        "W261",
    );
    assert_quiet(
        &with(
            "reference ref2 { doi = \"10.0000/other\" }\nconnection A -> Out { reference = ref2 }",
        ),
        "W261",
    );
}
