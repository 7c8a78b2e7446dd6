//! Reward-modulated STDP on the encoded digits (`bra train` with
//! `reward_stdp`): the closed-form weight change after a reward against the
//! rule stepped in time, the eligibility's sign, and a small classification
//! run whose accuracy needs the reward's sign.

use bra_compile::ir::{Instance, Value};
use bra_learn::data::{self, Dataset};
use bra_learn::spike::encode::{Encoder, Trial};
use bra_learn::spike::reward::{self, Baseline, Config, Inhibition, Response};
use bra_learn::spike::stdp::RewardStdp;
use bra_runtime::model::{Port, PortKind};
use bra_runtime::rng::{Key, Stream};
use std::collections::BTreeMap;
use std::path::Path;

fn lif(tau_m: f64, t_ref: f64) -> Instance {
    let mut p = BTreeMap::new();
    for (k, v) in [
        ("tau_m", tau_m),
        ("v_rest", -0.07),
        ("v_th", -0.055),
        ("v_reset", -0.07),
        ("t_ref", t_ref),
        ("c_m", 2.5e-10),
        ("i_e", 0.0),
    ] {
        p.insert(k.to_string(), Value::Real(v));
    }
    Instance {
        kind: "lif".into(),
        params: p,
    }
}

fn exp_port(tau: f64) -> Port {
    Port {
        kind: PortKind::Exponential { tau },
        e_rev: None,
    }
}

fn rule(a_minus: f64, lr: f64) -> RewardStdp {
    RewardStdp {
        a_plus: 1.0,
        a_minus,
        tau_plus: 0.02,
        tau_minus: 0.02,
        tau_e: 1.0,
        tau_d: 0.2,
        d_jump: 0.5,
        lr,
        w_min: 0.0,
        w_max: 0.004,
    }
}

/// The spec's set-up (specs/reward_digits.bra) at a given size.
fn config(n_in: usize, classes: usize, reward_gain: f64, epochs: u64, seed: u64) -> Config {
    let n_out = classes;
    let key = Key::new(seed, Stream::Weight, 0);
    Config {
        model: lif(0.02, 0.002),
        port: exp_port(0.005),
        dt: 1e-3,
        delay_steps: 1,
        n_in,
        n_out,
        classes,
        w0: (0..n_in * n_out)
            .map(|k| 0.001 + 0.002 * key.uniform(k as u64, 0))
            .collect(),
        inhibition: Some(Inhibition {
            model: lif(0.01, 0.001),
            n: 1,
            w_up: vec![0.03; n_out],
            port_up: exp_port(0.002),
            delay_up: 1,
            w_down: vec![-0.01; n_out],
            port_down: exp_port(0.005),
            delay_down: 1,
        }),
        rule: rule(0.5, 0.02),
        encoder: Encoder::Poisson {
            max_rate: 100.0,
            duration: 0.1,
        },
        baseline: Baseline::Class,
        baseline_rate: 0.05,
        reward_gain,
        reward_delay: 0.0,
        epochs,
        seed,
    }
}

#[test]
fn the_closed_form_change_is_the_rule_integrated_over_the_rest() {
    // One synapse, a pre spike at 10 ms and a post spike at 15 ms, reward at
    // 100 ms: stepping RewardSynapses through a long rest gives the change
    // that the task computes in closed form.
    let r = rule(1.5, 0.5);
    let cfg = Config {
        n_in: 1,
        n_out: 1,
        classes: 1,
        w0: vec![0.002],
        inhibition: None,
        rule: r.clone(),
        delay_steps: 0,
        encoder: Encoder::Poisson {
            max_rate: 0.0,
            duration: 0.1,
        },
        ..config(1, 1, 1.0, 1, 1)
    };
    let dt = 1e-4;
    let cfg = Config { dt, ..cfg };
    let trial = Trial {
        steps: 1000,
        dt,
        inputs: 1,
        events: vec![(100, 0)],
    };
    let resp = Response {
        counts: vec![1],
        spikes: vec![(0.015, 0)],
    };
    let c = cfg.eligibility(&trial, &resp);
    let want_c = (-0.005f64 / 0.02).exp() * (-(0.1f64 - 0.015) / 1.0).exp();
    assert!((c[0] - want_c).abs() < 1e-12, "{} vs {want_c}", c[0]);
    let closed = cfg.gain_per_dopamine(0.004) * r.d_jump * c[0];
    // The same pairing and reward, stepped for 10 s (100 000 steps).
    let mut s = r.synapses(vec![0.002], dt);
    for n in 0..100_000usize {
        let pre: &[usize] = if n == 100 { &[0] } else { &[] };
        let reward = if n == 1000 { 1.0 } else { 0.0 };
        s.step(pre, n == 150, reward);
    }
    let stepped = s.w[0] - 0.002;
    assert!(
        (stepped - closed).abs() < 0.02 * closed.abs(),
        "stepped {stepped} vs closed form {closed}"
    );
    // Post before pre: negative eligibility.
    let c = cfg.eligibility(
        &Trial {
            events: vec![(200, 0)],
            ..trial
        },
        &resp,
    );
    assert!(c[0] < 0.0, "{}", c[0]);
}

fn digits() -> (Dataset, Dataset) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/digits.csv");
    let d = data::load(&p, Some("label")).expect("../shared/data/digits.csv loads");
    // Four classes keep the debug build quick.
    let keep: Vec<usize> = (0..d.len()).filter(|&k| d.y[k] < 4).collect();
    let mut d = d.subset(&keep);
    d.classes = 4;
    let (tr, te) = d.split(0.7, 1);
    let r = tr.ranges();
    (tr.scaled(&r), te.scaled(&r))
}

#[test]
fn reward_stdp_learns_the_digits_and_needs_the_reward_sign() {
    let (tr, te) = digits();
    assert!(tr.len() > 400 && te.len() > 150);
    let run = |gain: f64, seed: u64| {
        let cfg = config(64, 4, gain, 6, seed);
        let a = reward::train(&cfg, &tr, &te, &mut |_| {}).expect("trains");
        let b = reward::train(&cfg, &tr, &te, &mut |_| {}).expect("trains");
        assert_eq!(a.w, b.w, "deterministic for a seed");
        a.epochs.last().map_or(0.0, |m| m.test_accuracy)
    };
    // Chance is 0.25.
    let rewarded = run(1.0, 1);
    let negated = run(-1.0, 1);
    let none = run(0.0, 1);
    eprintln!("test accuracy: reward {rewarded}, negated {negated}, none {none}");
    assert!(rewarded > 0.37, "rewarded: {rewarded}");
    assert!(negated < 0.25, "negated: {negated}");
    assert!(
        rewarded > none + 0.1,
        "rewarded {rewarded} vs no reward {none}"
    );
}
