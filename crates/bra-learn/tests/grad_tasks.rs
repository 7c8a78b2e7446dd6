//! Each task of `specs/` at a small size: it trains, and beats chance by far.
//! (Full-size figures: `grad_results.rs`, ignored by default.)

mod grad_common;

use bra_compile::ir::Value;
use bra_learn::data::Dataset;
use bra_learn::experiment::{EpochMetrics, TrainResult};
use bra_learn::grad::{self, common::Plan};
use grad_common::{network, set, set_rule, specs_dir};

/// A stratified subset: `n` rows of each set.
fn small(d: &Dataset, n: usize) -> Dataset {
    let idx: Vec<usize> = (0..d.len())
        .filter(|i| i % (d.len() / n).max(1) == 0)
        .take(n)
        .collect();
    d.subset(&idx)
}

fn run(
    net: &bra_compile::ir::Network,
    n_train: usize,
    n_test: usize,
    f: fn(
        &Plan,
        &Dataset,
        &Dataset,
        bra_learn::experiment::Progress,
    ) -> Result<TrainResult, String>,
) -> TrainResult {
    let training = net.training.as_ref().expect("train block");
    let plan = Plan::new(net, training).expect("plan");
    let (tr, te) = grad::common::load_split(training, &specs_dir()).expect("digits load");
    let mut log = |m: &EpochMetrics| {
        println!(
            "  epoch {} train {:.3} test {:.3}",
            m.epoch, m.train_accuracy, m.test_accuracy
        )
    };
    let r = f(&plan, &small(&tr, n_train), &small(&te, n_test), &mut log).expect("trains");
    for n in &r.notes {
        println!("  {n}");
    }
    r
}

fn last_test(r: &TrainResult) -> f64 {
    r.epochs.last().map_or(0.0, |m| m.test_accuracy)
}

fn resize(net: &mut bra_compile::ir::Network, pop: &str, size: u64) {
    net.populations
        .iter_mut()
        .find(|p| p.name == pop)
        .expect("pop")
        .size = size;
}

fn epochs(net: &mut bra_compile::ir::Network, e: u64) {
    net.training.as_mut().expect("train").epochs = e;
}

#[test]
fn ep_and_cep_learn_digits() {
    let mut net = network("ep_digits.bra");
    resize(&mut net, "Hidden", 64);
    epochs(&mut net, 5);
    let r = run(&net, 1000, 200, grad::ep::train);
    println!(
        "EP (64 hidden, 1000 rows, 5 epochs): test {:.3}",
        last_test(&r)
    );
    assert!(last_test(&r) > 0.8, "well above chance (0.1)");
    set_rule(
        &mut net,
        "Output",
        "ep",
        &[("continual", Value::Bool(true))],
    );
    for p in net
        .projections
        .iter_mut()
        .filter_map(|p| p.plasticity.as_mut())
    {
        p.params.insert("continual".into(), Value::Bool(true));
    }
    let r = run(&net, 1000, 200, grad::ep::train);
    println!("C-EP: test {:.3}", last_test(&r));
    assert!(r.notes[0].starts_with("C-EP"));
    assert!(last_test(&r) > 0.8);
}

#[test]
fn surrogate_bptt_and_eprop_learn_spike_encoded_digits() {
    let mut net = network("bptt_digits.bra");
    resize(&mut net, "Hidden", 48);
    epochs(&mut net, 4);
    set(&mut net, "batch", Value::Int(16));
    let r = run(&net, 600, 200, grad::snn::train);
    println!("surrogate BPTT: test {:.3}", last_test(&r));
    assert!(last_test(&r) > 0.7);
    set_rule(
        &mut net,
        "Output",
        "rtrl",
        &[
            ("approximation", Value::Text("eprop".into())),
            ("lr", Value::Real(0.002)),
            ("slope", Value::Real(5.0)),
        ],
    );
    let r = run(&net, 600, 200, grad::snn::train);
    println!("e-prop: test {:.3}", last_test(&r));
    assert!(last_test(&r) > 0.6);
}

#[test]
fn ssm_learns_sequential_digits_by_rtrl_bptt_and_the_local_rule() {
    let mut net = network("ssm_sequence.bra");
    resize(&mut net, "SSM", 16);
    epochs(&mut net, 5);
    let r = run(&net, 800, 200, grad::ssm::train);
    println!("SSM RTRL: test {:.3}", last_test(&r));
    assert!(last_test(&r) > 0.6);
    set_rule(&mut net, "SSM", "bptt", &[]);
    let b = run(&net, 800, 200, grad::ssm::train);
    println!("SSM BPTT: test {:.3}", last_test(&b));
    // RTRL is exact: the same gradients give the same training run.
    assert_eq!(last_test(&r), last_test(&b));
    set_rule(&mut net, "SSM", "stdp", &[("tau_plus", Value::Real(0.004))]);
    let r = run(&net, 800, 200, grad::ssm::train);
    println!("SSM local: test {:.3}", last_test(&r));
    assert!(last_test(&r) > 0.3);
}

#[test]
fn deep_chain_trains_from_orthogonal_initial_weights() {
    let mut net = network("orthogonal_deep.bra");
    epochs(&mut net, 3);
    let r = run(&net, 600, 200, grad::ortho::train);
    println!("orthogonal (QR): test {:.3}", last_test(&r));
    assert!(r.notes.iter().any(|n| n.contains("qr×1")));
    assert!(last_test(&r) > 0.6);
    // The local scheme reaches its tolerance before training.
    for p in net
        .populations
        .iter_mut()
        .filter(|p| p.name.starts_with('L'))
    {
        if let Some(l) = &mut p.learning {
            l.params
                .insert("method".into(), Value::Text("local".into()));
            l.params.insert("lr".into(), Value::Real(0.5));
        }
    }
    let r = run(&net, 600, 200, grad::ortho::train);
    assert!(r.notes.iter().any(|n| n.contains("local")), "{:?}", r.notes);
    let errs: Vec<f64> = r.notes[0]
        .split("local, ")
        .skip(1)
        .filter_map(|s| s.split('(').nth(1)?.split(')').next()?.parse().ok())
        .collect();
    assert_eq!(errs.len(), 20, "{:?}", r.notes[0]);
    assert!(errs.iter().all(|&e| e < 1e-3), "{errs:?}");
    assert!(last_test(&r) > 0.6);
}

#[test]
fn backprop_diffusion_learns_digits() {
    let mut net = network("ep_digits.bra");
    resize(&mut net, "Hidden", 32);
    epochs(&mut net, 4);
    set_rule(
        &mut net,
        "Output",
        "backprop_diffusion",
        &[("lr", Value::Real(0.003))],
    );
    for p in net.populations.iter_mut().filter(|p| p.name != "Input") {
        p.model.params.insert(
            "nonlinearity".into(),
            Value::Text(if p.name == "Output" { "linear" } else { "tanh" }.into()),
        );
    }
    net.projections.iter_mut().for_each(|p| p.plasticity = None);
    let r = run(&net, 600, 200, grad::diffusion::train);
    println!("backprop diffusion: test {:.3}", last_test(&r));
    assert!(last_test(&r) > 0.7);
}

#[test]
fn train_dispatches_by_rule_and_reports_bad_chains() {
    let mut net = network("ep_digits.bra");
    let t = net.training.clone().expect("train");
    // Wrong readout size: a clear error, not a panic.
    resize(&mut net, "Output", 7);
    let e = grad::train(&net, &t, &specs_dir(), &mut |_| {}).expect_err("size");
    assert!(e.contains("7 units") && e.contains("10 classes"), "{e}");
    // The split indices match the dataset's own split.
    let d = bra_learn::data::load(&specs_dir().join(&t.dataset), Some("label")).expect("digits");
    let (tr, te) = grad::split_indices(&d.y, d.classes, 0.8, 1);
    let (a, b) = d.split(0.8, 1);
    assert_eq!(d.subset(&tr), a);
    assert_eq!(d.subset(&te), b);
}
