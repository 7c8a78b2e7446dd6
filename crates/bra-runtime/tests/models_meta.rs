//! `meta_neuron` (Rudnicka, Szczepanski & Pregowska): the per-step firing
//! probability is σ(gain·(u − θ)), drawn from the counter-based generator.

mod models_common;
use models_common::*;

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A population whose u follows its input within a step (tau = dt/50).
fn fast(n: usize, dt: f64) -> Pop {
    Pop::new(
        "meta_neuron",
        &[("theta", r(1.0)), ("gain", r(5.0)), ("tau", r(dt / 50.0))],
        &[],
        n,
        dt,
    )
}

#[test]
fn firing_probability_follows_the_sigmoid() {
    let (n, steps, dt) = (2000, 200, 1e-3);
    for input in [0.6, 1.0, 1.3] {
        let mut p = fast(n, dt);
        let mut count = 0usize;
        for _ in 0..steps {
            // i_ext adds its number of pA to I.
            count += p.advance(&[], input * 1e-12).len();
        }
        let got = count as f64 / (n * steps) as f64;
        let want = sigmoid(5.0 * (input - 1.0));
        assert!(
            (got / want - 1.0).abs() < 0.03,
            "I = {input}: rate {got} per step, σ gives {want}"
        );
    }
}

#[test]
fn draws_are_deterministic_and_independent_of_chunking() {
    let run = |chunk: usize| {
        let mut p = fast(300, 1e-3);
        (0..100)
            .map(|_| p.advance_chunked(&[], 1.0e-12, chunk))
            .collect::<Vec<_>>()
    };
    let whole = run(usize::MAX);
    assert_eq!(whole, run(usize::MAX));
    assert_eq!(whole, run(7));
    assert!(whole.iter().map(Vec::len).sum::<usize>() > 1000);
}

#[test]
fn internal_parameters_are_per_neuron_state() {
    let mut p = fast(2, 1e-3);
    assert_eq!(p.names[..4], ["u", "theta", "gain", "tau"]);
    // A learning rule raises neuron 1's threshold: it stops firing.
    let theta = p.idx("theta");
    p.vars[theta][1] = 10.0;
    let mut counts = [0; 2];
    for _ in 0..500 {
        for s in p.advance(&[], 1.0e-12) {
            counts[s.neuron as usize] += 1;
        }
    }
    assert!(counts[0] > 150 && counts[1] == 0, "{counts:?}");
    // tau is read per neuron: u relaxes exactly, u = I (1 - e^{-t/tau}).
    let mut q = Pop::new(
        "meta_neuron",
        &[("theta", r(1e9)), ("tau", r(0.02))],
        &[],
        1,
        1e-3,
    );
    for k in 1..=50 {
        q.advance(&[], 0.5e-12);
        let want = 0.5 * (1.0 - (-(k as f64) * 1e-3 / 0.02).exp());
        assert!((q.var("u")[0] - want).abs() < 1e-12);
    }
}

#[test]
fn inputs_and_refusals() {
    // A delta port moves u by its (dimensionless) weight after the step.
    let mut p = Pop::new("meta_neuron", &[("theta", r(1e9))], &[delta()], 1, 1e-3);
    p.advance(&[vec![0.25]], 0.0);
    assert!((p.var("u")[0] - 0.25).abs() < 1e-15);
    assert!(p.model.current_scale().is_none());
    let inst = instance("meta_neuron", &[]);
    let err = bra_runtime::models::build(&inst, &[cond_port(5e-3, 0.0)]);
    assert!(err.is_err());
}
