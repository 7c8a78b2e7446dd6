//! The full-size figures of README's "Learning results (gradient and
//! energy-based rules)": every task of `specs/` and its variants, three seeds
//! each, through `bra_learn::grad::train` on the whole digits split. Ignored
//! by default (minutes in release); run
//!
//! ```text
//! cargo test --release -p bra-learn --test grad_results -- --ignored --nocapture
//! ```
//!
//! `GRAD_ONLY=ep` (a substring of the variant names) runs a subset. The
//! table is printed and written to `target/grad-results/results.json`, with
//! each seed's split indices (`split_seed{N}.json`) for
//! `bench/sklearn_digits.py`.

mod grad_common;

use bra_compile::ir::{Network, Value};
use bra_learn::grad;
use grad_common::{network, set_rule, specs_dir};
use std::time::Instant;

struct Variant {
    name: &'static str,
    spec: &'static str,
    edit: fn(&mut Network),
}

fn none(_: &mut Network) {}

fn cep(n: &mut Network) {
    set_rule(n, "Output", "ep", &[("continual", Value::Bool(true))]);
    for p in n.projections.iter_mut() {
        if let Some(r) = &mut p.plasticity {
            r.params.insert("continual".into(), Value::Bool(true));
        }
    }
}

fn vf(n: &mut Network) {
    set_rule(n, "Output", "ep", &[("symmetric", Value::Bool(false))]);
    for p in n.projections.iter_mut() {
        if let Some(r) = &mut p.plasticity {
            r.params.insert("symmetric".into(), Value::Bool(false));
        }
    }
}

fn eprop(n: &mut Network) {
    set_rule(
        n,
        "Output",
        "rtrl",
        &[
            ("approximation", Value::Text("eprop".into())),
            ("lr", Value::Real(0.002)),
            ("slope", Value::Real(5.0)),
        ],
    );
}

fn ssm_bptt(n: &mut Network) {
    set_rule(n, "SSM", "bptt", &[]);
}

fn ssm_local(n: &mut Network) {
    set_rule(n, "SSM", "stdp", &[("tau_plus", Value::Real(0.004))]);
}

fn ortho_local(n: &mut Network) {
    for p in n
        .populations
        .iter_mut()
        .filter(|p| p.name.starts_with('L') || p.name == "Output")
    {
        if let Some(l) = &mut p.learning {
            l.params
                .insert("method".into(), Value::Text("local".into()));
            l.params.insert("lr".into(), Value::Real(0.5));
        }
    }
}

fn gaussian(n: &mut Network) {
    for p in n.populations.iter_mut().filter(|p| p.name.starts_with('L')) {
        p.learning = None;
    }
}

fn gaussian_scaled(n: &mut Network) {
    gaussian(n);
    for p in n.projections.iter_mut() {
        if let Value::Law(l) = &mut p.weight {
            l.params.insert("sd".into(), 0.125);
        }
    }
}

fn diffusion(n: &mut Network) {
    set_rule(
        n,
        "Output",
        "backprop_diffusion",
        &[("lr", Value::Real(0.001))],
    );
    for p in n.populations.iter_mut().filter(|p| p.name != "Input") {
        let f = if p.name == "Output" { "linear" } else { "tanh" };
        p.model
            .params
            .insert("nonlinearity".into(), Value::Text(f.into()));
    }
    n.projections.iter_mut().for_each(|p| p.plasticity = None);
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "ep",
        spec: "ep_digits.bra",
        edit: none,
    },
    Variant {
        name: "cep",
        spec: "ep_digits.bra",
        edit: cep,
    },
    Variant {
        name: "vf_ep",
        spec: "ep_digits.bra",
        edit: vf,
    },
    Variant {
        name: "diffusion",
        spec: "ep_digits.bra",
        edit: diffusion,
    },
    Variant {
        name: "snn_bptt",
        spec: "bptt_digits.bra",
        edit: none,
    },
    Variant {
        name: "snn_eprop",
        spec: "bptt_digits.bra",
        edit: eprop,
    },
    Variant {
        name: "ssm_rtrl",
        spec: "ssm_sequence.bra",
        edit: none,
    },
    Variant {
        name: "ssm_bptt",
        spec: "ssm_sequence.bra",
        edit: ssm_bptt,
    },
    Variant {
        name: "ssm_local",
        spec: "ssm_sequence.bra",
        edit: ssm_local,
    },
    Variant {
        name: "deep_qr",
        spec: "orthogonal_deep.bra",
        edit: none,
    },
    Variant {
        name: "deep_local",
        spec: "orthogonal_deep.bra",
        edit: ortho_local,
    },
    Variant {
        name: "deep_gaussian",
        spec: "orthogonal_deep.bra",
        edit: gaussian,
    },
    Variant {
        name: "deep_gauss_scaled",
        spec: "orthogonal_deep.bra",
        edit: gaussian_scaled,
    },
];

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
#[ignore = "full-size training: minutes in release"]
fn full_results() {
    let only = std::env::var("GRAD_ONLY").unwrap_or_default();
    let seeds: Vec<u64> = std::env::var("GRAD_SEEDS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(vec![1, 2, 3]);
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/grad-results");
    std::fs::create_dir_all(&out).expect("output folder");
    // Split indices for the scikit-learn reference.
    let digits = bra_learn::data::load(
        &specs_dir().join("../../shared/data/digits.csv"),
        Some("label"),
    )
    .expect("digits");
    for &s in &seeds {
        let (tr, te) = grad::split_indices(&digits.y, digits.classes, 0.8, s);
        let j = serde_json::json!({ "seed": s, "train": tr, "test": te });
        std::fs::write(out.join(format!("split_seed{s}.json")), j.to_string())
            .expect("write split");
    }
    let mut rows = Vec::new();
    for v in VARIANTS
        .iter()
        .filter(|v| only.is_empty() || only.split(',').any(|o| v.name.contains(o)))
    {
        let (mut acc, mut wall, mut epochs, mut notes) = (Vec::new(), Vec::new(), 0, Vec::new());
        let mut to90 = Vec::new();
        let mut train_wall = Vec::new();
        for &seed in &seeds {
            let mut net = network(v.spec);
            (v.edit)(&mut net);
            net.training.as_mut().expect("train").seed = seed;
            let t = net.training.clone().expect("train");
            let t0 = Instant::now();
            let r = grad::train(&net, &t, &specs_dir(), &mut |m| {
                eprintln!(
                    "{} seed {seed} epoch {} train {:.4} test {:.4} ({:.2}s)",
                    v.name, m.epoch, m.train_accuracy, m.test_accuracy, m.wall_s
                )
            })
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            let secs = t0.elapsed().as_secs_f64();
            let last = r.epochs.last().expect("epochs");
            acc.push(last.test_accuracy);
            to90.push(
                r.epochs
                    .iter()
                    .find(|m| m.test_accuracy >= 0.9)
                    .map_or(f64::INFINITY, |m| m.epoch as f64),
            );
            wall.push(secs / r.epochs.len() as f64);
            train_wall.extend(r.epochs.iter().map(|m| m.wall_s));
            epochs = r.epochs.len();
            notes = r.notes.clone();
            println!(
                "{:<14} seed {seed}: test {:.4} train {:.4}, {:.2} s/epoch",
                v.name,
                last.test_accuracy,
                last.train_accuracy,
                secs / r.epochs.len() as f64
            );
        }
        let m90 = median(&mut to90.clone());
        let e90 = if m90.is_finite() {
            serde_json::json!(m90)
        } else {
            serde_json::Value::Null
        };
        let row = serde_json::json!({
            "variant": v.name, "spec": v.spec, "seeds": seeds, "test_accuracy": acc.clone(),
            "median_test_accuracy": median(&mut acc.clone()), "epochs": epochs,
            "median_wall_s_per_epoch": median(&mut wall.clone()), "notes": notes,
            "median_train_s_per_epoch": median(&mut train_wall),
            "median_epochs_to_90": e90,
        });
        println!("{row}");
        rows.push(row);
    }
    let path = out.join(if only.is_empty() {
        "results.json".to_string()
    } else {
        format!("results_{}.json", only.replace(',', "_"))
    });
    std::fs::write(&path, serde_json::to_string_pretty(&rows).expect("json"))
        .expect("write results");
    println!("wrote {}", path.display());
}
