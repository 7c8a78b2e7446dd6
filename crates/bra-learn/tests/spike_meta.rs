//! The probabilistic meta-neuron with learnable internal parameters: the
//! gradient of its firing probability in the weights, threshold, gain and
//! time constant against finite differences; its spikes against the
//! runtime's `meta_neuron`; and LIF and meta-neuron readouts learning the
//! encoded digits at a small size.

use bra_compile::ir::{Instance, Value};
use bra_learn::data::{self, Dataset};
use bra_learn::spike::classify::{self, Config, Features};
use bra_learn::spike::encode::{Encoder, Trial};
use bra_learn::spike::readout::{Firing, Readout};
use bra_runtime::model::{Port, PortKind, StepIo};
use bra_runtime::rng::{Key, Stream};
use std::path::Path;

fn readout(firing: Firing, theta: f64) -> Readout {
    let (n_in, n_out) = (6, 2);
    let key = Key::new(3, Stream::Weight, 0);
    Readout {
        firing,
        n_in,
        n_out,
        w: (0..n_in * n_out)
            .map(|k| 0.3 + 0.4 * key.normal(k as u64, 0))
            .collect(),
        theta: vec![theta; n_out],
        gain: vec![4.0, 6.0],
        tau: vec![0.02, 0.015],
        tau_s: 0.005,
        in_scale: 1.0,
        dt: 1e-3,
    }
}

fn trial(seed: u64) -> Trial {
    let enc = Encoder::Poisson {
        max_rate: 80.0,
        duration: 0.08,
    };
    enc.encode(
        &[0.9, 0.2, 0.6, 1.0, 0.4, 0.7],
        1e-3,
        Key::new(seed, Stream::Input, 0),
    )
}

/// Central difference of `f` at `x`.
fn fd(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn close(a: f64, b: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-8);
    assert!(
        (a - b).abs() / scale < 1e-5,
        "{what}: analytic {a}, finite difference {b}"
    );
}

#[test]
fn firing_probability_gradient_matches_finite_differences() {
    // A high threshold keeps the neuron silent, so the probability is a
    // smooth function of every parameter along the whole trial.
    let r = readout(Firing::Escape, 3.0);
    let tr = trial(1);
    let key = Key::new(9, Stream::Dynamics, 0);
    assert!(r.run(&tr, key, false).iter().all(|n| n.count == 0));
    for (j, step) in [(0usize, 40usize), (1, 70)] {
        let pr = r.probe(&tr, key, j, step);
        assert!(
            pr.p > 1e-7 && pr.p < 0.5,
            "a probability with a useful slope: {}",
            pr.p
        );
        let p_with = |f: &dyn Fn(&mut Readout)| {
            let mut q = r.clone();
            f(&mut q);
            q.probe(&tr, key, j, step).p
        };
        for i in 0..r.n_in {
            let w0 = r.w[j * r.n_in + i];
            let num = fd(|x| p_with(&|q| q.w[j * q.n_in + i] = x), w0, 1e-6);
            close(pr.dp_dw[i], num, &format!("dp/dw[{j},{i}]"));
        }
        close(
            pr.dp_dtheta,
            fd(|x| p_with(&|q| q.theta[j] = x), r.theta[j], 1e-6),
            "dp/dtheta",
        );
        close(
            pr.dp_dgain,
            fd(|x| p_with(&|q| q.gain[j] = x), r.gain[j], 1e-6),
            "dp/dgain",
        );
        close(
            pr.dp_dtau,
            fd(|x| p_with(&|q| q.tau[j] = x), r.tau[j], 1e-8),
            "dp/dtau",
        );
    }
}

#[test]
fn potential_gradient_holds_across_resets() {
    // A LIF readout that fires and resets: the sensitivities restart at each
    // reset and still match finite differences while the spikes stay put.
    let r = readout(
        Firing::Threshold {
            reset: 0.0,
            refractory: 2,
        },
        0.25,
    );
    let tr = trial(2);
    let key = Key::new(1, Stream::Dynamics, 0);
    let runs = r.run(&tr, key, true);
    assert!(runs[0].count >= 2, "it fires: {}", runs[0].count);
    let step = 75;
    let pr = r.probe(&tr, key, 0, step);
    let u_with = |f: &dyn Fn(&mut Readout)| {
        let mut q = r.clone();
        f(&mut q);
        assert_eq!(
            q.run(&tr, key, false)[0].spikes,
            runs[0].spikes,
            "a spike moved"
        );
        q.probe(&tr, key, 0, step).u
    };
    for i in 0..r.n_in {
        let num = fd(|x| u_with(&|q| q.w[i] = x), r.w[i], 1e-7);
        close(pr.du_dw[i], num, &format!("du/dw[{i}]"));
    }
    close(
        pr.du_dtau,
        fd(|x| u_with(&|q| q.tau[0] = x), r.tau[0], 1e-9),
        "du/dtau",
    );
}

#[test]
fn meta_readout_reproduces_the_runtime_model() {
    let r = Readout {
        w: vec![0.8, 0.5, 1.2, 0.9, 0.3, 1.1, 0.4, 0.7, 1.0, 0.6, 0.2, 1.3],
        ..readout(Firing::Escape, 0.6)
    };
    let tr = trial(4);
    let seed_key = Key::new(21, Stream::Dynamics, 3);
    let mine = r.run(&tr, seed_key, false);
    // The runtime's meta_neuron with one exponential port, stepped as the
    // engine steps it: each step's arrivals summed per neuron.
    let mut params = std::collections::BTreeMap::new();
    params.insert("theta".to_string(), Value::Real(0.6));
    params.insert("gain".to_string(), Value::Real(4.0));
    params.insert("tau".to_string(), Value::Real(0.02));
    let inst = Instance {
        kind: "meta_neuron".into(),
        params,
    };
    let ports = [Port {
        kind: PortKind::Exponential { tau: 0.005 },
        e_rev: None,
    }];
    let model = bra_runtime::models::build(&inst, &ports).expect("meta_neuron builds");
    let nv = model.state_names().len();
    let mut vars = vec![vec![0.0; 2]; nv];
    let mut buf = vec![0.0; nv];
    for i in 0..2 {
        model.init(i, Key::new(1, Stream::Init, 0), &mut buf);
        for (v, x) in vars.iter_mut().zip(&buf) {
            v[i] = *x;
        }
    }
    // Neuron 1 of the runtime population gets the second readout's tau.
    vars[3][1] = 0.015;
    vars[2][1] = 6.0;
    let off = tr.offsets();
    for n in 0..tr.steps {
        let mut input = [0.0f64; 2];
        for &(_, i) in &tr.events[off[n]..off[n + 1]] {
            for (j, x) in input.iter_mut().enumerate() {
                *x += r.w[j * r.n_in + i as usize];
            }
        }
        let cols: [&[f64]; 1] = [&input];
        let io = StepIo {
            t: n as f64 * 1e-3,
            dt: 1e-3,
            step: n as u64,
            first: 0,
            ports: &ports,
            port_input: &cols,
            i_ext: &[0.0, 0.0],
            rng: seed_key,
        };
        let mut refs: Vec<&mut [f64]> = vars.iter_mut().map(|v| v.as_mut_slice()).collect();
        let mut spikes = Vec::new();
        model.step(&io, &mut refs, &mut spikes);
        for (j, m) in mine.iter().enumerate() {
            let fired = spikes.iter().any(|s| s.neuron as usize == j);
            assert_eq!(u8::from(fired), m.spikes[n], "neuron {j}, step {n}");
        }
    }
    assert!(
        mine.iter().all(|m| m.count > 0),
        "the test exercises spikes"
    );
}

fn digits() -> (Dataset, Dataset) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/digits.csv");
    let d = data::load(&p, Some("label")).expect("../shared/data/digits.csv loads");
    let (tr, te) = d.split(0.8, 1);
    // A small, stratified subset keeps the debug build quick.
    let (tr, _) = tr.split(0.25, 2);
    let (te, _) = te.split(0.5, 3);
    let r = tr.ranges();
    (tr.scaled(&r), te.scaled(&r))
}

fn config(meta: bool, features: Features, learn_internal: bool) -> Config {
    let key = Key::new(1, Stream::Weight, 0);
    let (n_in, n_out) = (64, 10);
    let tempo = bra_learn::spike::tempotron::Tempotron::new(0.02, 0.005, 1.0, 2e-3).expect("ok");
    Config {
        readout: Readout {
            firing: if meta {
                Firing::Escape
            } else {
                Firing::Threshold {
                    reset: 0.0,
                    refractory: 0,
                }
            },
            n_in,
            n_out,
            w: (0..n_in * n_out)
                .map(|k| 0.01 * key.normal(k as u64, 0))
                .collect(),
            theta: vec![1.0; n_out],
            gain: vec![10.0; n_out],
            tau: vec![0.02; n_out],
            tau_s: 0.005,
            in_scale: tempo.v0() * (0.02 - 0.005) / 0.005,
            dt: 1e-3,
        },
        learn_internal,
        lr: 2e-3,
        lr_internal: 2e-3,
        encoder: Encoder::Poisson {
            max_rate: 100.0,
            duration: 0.06,
        },
        features,
        epochs: 3,
        seed: 1,
    }
}

#[test]
fn readouts_learn_the_digits_at_a_small_size() {
    let (tr, te) = digits();
    assert!(tr.len() > 250 && te.len() > 150);
    let lzc = Features::Lzc {
        bin_steps: 1,
        window_bins: 0,
        normalise: true,
    };
    for (meta, features, li, floor) in [
        (false, Features::Rate, false, 0.6),
        (true, Features::Rate, true, 0.6),
        (true, lzc, false, 0.5),
    ] {
        let cfg = config(meta, features, li);
        let (r, epochs) = classify::train(&cfg, &tr, &te, &mut |_| {});
        let acc = epochs.last().map_or(0.0, |m| m.test_accuracy);
        // Chance is 0.1.
        assert!(
            acc > floor,
            "meta {meta}, {features:?}, internal {li}: test accuracy {acc}"
        );
        // Internal parameters move only when they are learned.
        let moved = r.theta != cfg.readout.theta || r.tau != cfg.readout.tau;
        assert_eq!(moved, li);
        if li {
            assert_ne!(
                r.gain, cfg.readout.gain,
                "the meta-neuron's gain is learned"
            );
        }
    }
}
