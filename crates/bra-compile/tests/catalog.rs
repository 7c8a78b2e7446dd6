//! Consistency of the catalog: names, units, ranges, presets, docs.
//!
//! These properties are what the checker and the compiler rely on when they
//! read the catalog, so a catalog edit that breaks one fails here first.

use std::collections::HashSet;
use std::path::PathBuf;

use bra_compile::catalog::{
    self, Entry, Kind, ParamType, connectors, docs, encoders, laws, learning, lookup, neurons,
    synapses,
};
use bra_units::{Dimension, parse_unit};

fn entries() -> Vec<&'static Entry> {
    catalog::all()
}

#[test]
fn every_file_holds_only_its_kind() {
    let files: [(&[Entry], Kind); 6] = [
        (neurons::ENTRIES, Kind::Neuron),
        (synapses::ENTRIES, Kind::Synapse),
        (connectors::ENTRIES, Kind::Connector),
        (laws::ENTRIES, Kind::Law),
        (learning::ENTRIES, Kind::Learning),
        (encoders::ENTRIES, Kind::Encoder),
    ];
    for (file, kind) in files {
        assert!(!file.is_empty(), "no entries of kind {kind:?}");
        for e in file {
            assert_eq!(e.kind, kind, "{} is filed under {kind:?}", e.name);
        }
    }
}

#[test]
fn names_and_aliases_are_unique_within_a_kind() {
    let mut seen = HashSet::new();
    for e in entries() {
        for name in std::iter::once(e.name).chain(e.aliases.iter().copied()) {
            assert!(
                seen.insert((e.kind, name)),
                "{name} names two {:?} entries",
                e.kind
            );
        }
    }
}

#[test]
fn parameter_names_are_unique_within_an_entry() {
    for e in entries() {
        let mut seen = HashSet::new();
        for p in e.params {
            assert!(
                seen.insert(p.name),
                "{}: parameter {} twice",
                e.name,
                p.name
            );
        }
    }
}

#[test]
fn every_unit_parses_to_its_dimension() {
    for e in entries() {
        for p in e.params {
            let what = format!("{}.{}", e.name, p.name);
            if p.unit == "same" {
                assert_eq!(
                    p.dim,
                    Dimension::DIMENSIONLESS,
                    "{what}: `same` is dimensionless"
                );
                assert!(
                    matches!(p.ty, ParamType::Real | ParamType::RealOrLaw),
                    "{what}: only real values can take the filled quantity's unit"
                );
                continue;
            }
            if !matches!(p.ty, ParamType::Real | ParamType::RealOrLaw) {
                assert_eq!(p.unit, "", "{what}: a non-real parameter has no unit");
            }
            let text = if p.unit.is_empty() { "1" } else { p.unit };
            let unit = parse_unit(text).unwrap_or_else(|err| panic!("{what}: {err:?}"));
            assert_eq!(
                unit.dim, p.dim,
                "{what}: unit `{}` is not its dimension",
                p.unit
            );
        }
    }
}

#[test]
fn every_default_lies_in_its_range() {
    for e in entries() {
        for p in e.params {
            let what = format!("{}.{}", e.name, p.name);
            assert!(p.min <= p.max, "{what}: empty range");
            let Some(d) = p.default else {
                continue;
            };
            assert!(
                p.min <= d && d <= p.max,
                "{what}: default {d} outside [{}, {}]",
                p.min,
                p.max
            );
            match p.ty {
                ParamType::Int => assert_eq!(d.fract(), 0.0, "{what}: whole number"),
                ParamType::Bool => assert!(d == 0.0 || d == 1.0, "{what}: 0 or 1"),
                ParamType::Choice(options) => {
                    assert_eq!(d.fract(), 0.0, "{what}: an option index");
                    assert!((d as usize) < options.len(), "{what}: option index");
                    assert_eq!(p.max, (options.len() - 1) as f64, "{what}: range = options");
                }
                ParamType::Path => panic!("{what}: a path has no default"),
                ParamType::Real | ParamType::RealOrLaw => {}
            }
        }
    }
}

#[test]
fn presets_name_existing_parameters_with_values_in_range() {
    for e in entries() {
        let mut names = HashSet::new();
        for preset in e.presets {
            assert!(
                names.insert(preset.name),
                "{}: preset {} twice",
                e.name,
                preset.name
            );
            assert!(
                !preset.values.is_empty(),
                "{}.{}: empty preset",
                e.name,
                preset.name
            );
            for (name, value) in preset.values {
                let what = format!("{} preset {}: {name}", e.name, preset.name);
                let p = e
                    .param(name)
                    .unwrap_or_else(|| panic!("{what}: no such parameter"));
                assert_ne!(*name, "preset", "{what}: a preset cannot set the preset");
                assert!(
                    p.min <= *value && *value <= p.max,
                    "{what}: {value} out of range"
                );
            }
        }
    }
}

#[test]
fn a_preset_parameter_offers_exactly_the_presets() {
    for e in entries() {
        let Some(p) = e.param("preset") else {
            assert!(
                e.presets.is_empty(),
                "{}: presets but no `preset` parameter",
                e.name
            );
            continue;
        };
        let ParamType::Choice(options) = p.ty else {
            panic!("{}: `preset` must be a choice", e.name);
        };
        let named: Vec<&str> = options.iter().copied().filter(|o| *o != "none").collect();
        let presets: Vec<&str> = e.presets.iter().map(|p| p.name).collect();
        assert_eq!(
            named, presets,
            "{}: preset options and presets differ",
            e.name
        );
        // A default other than `none` must be the preset the defaults spell out.
        let default = options[p.default.unwrap_or(0.0) as usize];
        if default != "none" {
            let preset = e.preset(default).expect("checked above");
            for (name, value) in preset.values {
                let d = e.param(name).and_then(|p| p.default);
                assert_eq!(
                    d,
                    Some(*value),
                    "{}: default preset {default} vs {name}",
                    e.name
                );
            }
        }
    }
}

#[test]
fn neurons_say_how_they_are_integrated() {
    for e in entries().into_iter().filter(|e| e.kind == Kind::Neuron) {
        assert!(!e.integrator.trim().is_empty(), "{}: no integrator", e.name);
    }
}

#[test]
fn every_entry_cites_literature_with_a_doi() {
    for e in entries() {
        assert!(!e.references.is_empty(), "{}: no reference", e.name);
        for r in e.references {
            assert!(
                r.contains("doi:10."),
                "{}: reference without DOI: {r}",
                e.name
            );
        }
        assert!(
            !e.summary.contains('\n') && !e.summary.is_empty(),
            "{}: summary",
            e.name
        );
        assert!(!e.doc.trim().is_empty(), "{}: doc", e.name);
    }
}

#[test]
fn traits_are_coherent() {
    for e in entries() {
        let t = e.traits;
        if e.kind != Kind::Neuron {
            assert_eq!(
                t,
                catalog::Traits::default(),
                "{}: traits are for neurons",
                e.name
            );
            continue;
        }
        assert!(!(t.spiking && t.rate), "{}: spiking and rate", e.name);
        assert!(
            !t.conductance || t.membrane,
            "{}: conductance needs a membrane",
            e.name
        );
        assert!(
            !t.source || !t.membrane,
            "{}: a source has no membrane",
            e.name
        );
        assert!(t.spiking || t.rate || t.source, "{}: emits nothing", e.name);
    }
    assert!(lookup(Kind::Neuron, "gain_sheet").is_some_and(|e| e.traits.grid));
    assert!(lookup(Kind::Neuron, "poisson").is_some_and(|e| e.traits.source));
}

/// Every call the example specs make, with the arguments they pass.
#[test]
fn the_example_specs_use_only_catalog_names() {
    let used: &[(Kind, &str, &[&str])] = &[
        (
            Kind::Neuron,
            "lif",
            &["tau_m", "v_rest", "v_th", "v_reset", "t_ref"],
        ),
        (Kind::Neuron, "izhikevich", &["preset"]),
        (
            Kind::Neuron,
            "gain_sheet",
            &["preset", "rows", "cols", "radius", "wrap"],
        ),
        (Kind::Neuron, "poisson", &["rate", "start", "stop"]),
        (Kind::Synapse, "delta", &[]),
        (Kind::Synapse, "exponential", &["tau"]),
        (Kind::Connector, "all_to_all", &[]),
        (Kind::Connector, "one_to_one", &[]),
        (Kind::Connector, "fixed_probability", &["p"]),
        (Kind::Connector, "fixed_indegree", &["k"]),
        (Kind::Connector, "grid_neighbourhood", &["radius", "wrap"]),
        (Kind::Law, "normal", &["mean", "sd"]),
        (Kind::Law, "uniform", &["low", "high"]),
        (
            Kind::Learning,
            "stdp",
            &["a_plus", "a_minus", "tau_plus", "tau_minus"],
        ),
    ];
    for (kind, name, params) in used {
        let e = lookup(*kind, name).unwrap_or_else(|| panic!("no {kind:?} named {name}"));
        for p in *params {
            assert!(e.param(p).is_some(), "{name} has no parameter {p}");
        }
    }
    // `fixed_probability(0.05)` binds its first parameter.
    assert_eq!(
        lookup(Kind::Connector, "fixed_probability").unwrap().params[0].name,
        "p"
    );
    for preset in ["RS", "IB", "FS", "TC", "RZ"] {
        assert!(
            lookup(Kind::Neuron, "izhikevich")
                .unwrap()
                .preset(preset)
                .is_some()
        );
    }
    assert_eq!(lookup(Kind::Neuron, "iaf_psc").map(|e| e.name), Some("lif"));
}

#[test]
fn izhikevich_presets_are_the_published_values() {
    let e = lookup(Kind::Neuron, "izhikevich").unwrap();
    let expected = [
        ("RS", 0.02, 0.2, -65.0, 8.0),
        ("IB", 0.02, 0.2, -55.0, 4.0),
        ("CH", 0.02, 0.2, -50.0, 2.0),
        ("FS", 0.1, 0.2, -65.0, 2.0),
        ("LTS", 0.02, 0.25, -65.0, 2.0),
        ("TC", 0.02, 0.25, -65.0, 0.05),
        ("RZ", 0.1, 0.26, -65.0, 2.0),
    ];
    assert_eq!(e.presets.len(), expected.len());
    for (name, a, b, c, d) in expected {
        let p = e.preset(name).unwrap();
        assert_eq!(
            p.values,
            &[("a", a), ("b", b), ("c", c), ("d", d)],
            "{name}"
        );
    }
}

#[test]
fn explain_izhikevich_lists_all_seven_presets() {
    let text = docs::explain(lookup(Kind::Neuron, "izhikevich").unwrap());
    let presets = text
        .split("\nPresets:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Presets section");
    for name in ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"] {
        assert!(
            presets
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{name} "))),
            "preset {name} missing from:\n{presets}"
        );
    }
    assert!(text.contains("doi:10.1109/TNN.2003.820440"));
    insta::assert_snapshot!("explain_izhikevich", text);
}

#[test]
fn explain_shows_every_parameter() {
    for e in entries() {
        let text = docs::explain(e);
        for p in e.params {
            assert!(
                text.lines()
                    .any(|l| l.trim_start().starts_with(&format!("{} ", p.name))),
                "{}: explain omits {}",
                e.name,
                p.name
            );
        }
    }
}

/// `docs/catalog.md` is generated from the catalog; set `BRA_UPDATE_DOCS=1`
/// to rewrite it after changing an entry.
#[test]
fn docs_catalog_md_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/catalog.md");
    let expected = docs::markdown();
    if std::env::var("BRA_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/catalog.md is out of date; run `BRA_UPDATE_DOCS=1 cargo test -p bra-compile --test catalog`"
    );
    for e in entries() {
        assert!(
            expected.contains(&format!("### `{}`", e.name)),
            "{} missing",
            e.name
        );
    }
}
