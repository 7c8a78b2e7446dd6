//! Each gradient rule against its theory, on tiny networks.

use bra_learn::grad::common::{angle_deg, cosine, gaussian};
use bra_learn::grad::ep::EpNet;
use bra_learn::grad::mlp::{Act, Mlp};
use bra_learn::grad::rtrl::Rnn;
use bra_learn::grad::snn::{Snn, Spike, Surrogate};
use bra_learn::grad::ssm::{Method, SsmNet};
use bra_learn::grad::{diffusion, ortho};
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2};

fn key(id: u64) -> Key {
    Key::new(7, Stream::Weight, id)
}

fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    let scale = a
        .iter()
        .chain(b)
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1e-12);
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

// ------------------------------------------------------------ surrogate BPTT

fn tiny_snn(layers: &[usize], recurrent: &[bool]) -> Snn {
    let spike = Spike {
        kind: Surrogate::FastSigmoid,
        slope: 2.0,
        smooth: true,
    };
    let mut net = Snn::random(layers, recurrent, 2.0, spike, 3);
    net.alpha = vec![0.8; layers.len() - 2];
    net.kappa = 0.7;
    net.b_out = Array1::from_shape_fn(net.b_out.len(), |i| 0.1 * i as f64);
    net
}

fn snn_input(t: usize, b: usize, n: usize) -> Vec<Array2<f64>> {
    (0..t)
        .map(|s| gaussian(b, n, 1.0, key(100 + s as u64)).mapv(|v| v.abs()))
        .collect()
}

/// Finite differences of the surrogate network's loss, for every parameter.
fn snn_fd(net: &Snn, input: &[Array2<f64>], y: &[usize]) -> Vec<f64> {
    let h = 1e-6;
    let mut out = Vec::new();
    let n_w = net.w.len();
    for l in 0..n_w {
        for k in 0..net.w[l].len() {
            let mut p = net.clone();
            let mut m = net.clone();
            p.w[l].as_slice_mut().unwrap()[k] += h;
            m.w[l].as_slice_mut().unwrap()[k] -= h;
            out.push((p.loss(input, y) - m.loss(input, y)) / (2.0 * h));
        }
    }
    for l in 0..net.rec.len() {
        if let Some(r) = &net.rec[l] {
            for k in 0..r.len() {
                let mut p = net.clone();
                let mut m = net.clone();
                p.rec[l].as_mut().unwrap().as_slice_mut().unwrap()[k] += h;
                m.rec[l].as_mut().unwrap().as_slice_mut().unwrap()[k] -= h;
                out.push((p.loss(input, y) - m.loss(input, y)) / (2.0 * h));
            }
        }
    }
    for k in 0..net.b_out.len() {
        let mut p = net.clone();
        let mut m = net.clone();
        p.b_out[k] += h;
        m.b_out[k] -= h;
        out.push((p.loss(input, y) - m.loss(input, y)) / (2.0 * h));
    }
    out
}

#[test]
fn surrogate_bptt_matches_finite_differences_of_the_surrogate_network() {
    for (layers, rec) in [
        (vec![3, 5, 2], vec![true]),
        (vec![3, 4, 3, 2], vec![false, true]),
    ] {
        for kind in [Surrogate::FastSigmoid, Surrogate::Atan] {
            let mut net = tiny_snn(&layers, &rec);
            net.spike.kind = kind;
            let input = snn_input(7, 2, layers[0]);
            let y = [0, 1];
            let tr = net.forward(&input);
            let (_, d) = bra_learn::grad::common::softmax_ce(&tr.logits, &y);
            let g = net.bptt(&input, &tr, &d).flat();
            let fd = snn_fd(&net, &input, &y);
            let err = max_rel(&g, &fd);
            println!(
                "{layers:?} {kind:?}: max relative error BPTT vs finite differences {err:.2e}"
            );
            assert!(err < 1e-6, "{layers:?} {kind:?}: {err}");
        }
    }
}

#[test]
fn eprop_of_a_spiking_layer_is_exact_without_reset_and_recurrence_and_close_otherwise() {
    // Without recurrence, e-prop drops only the reset path.
    let mut net = tiny_snn(&[3, 6, 2], &[true]);
    net.spike.smooth = false;
    net.spike.slope = 1.0;
    let input = snn_input(10, 4, 3)
        .into_iter()
        .map(|m| m * 0.8)
        .collect::<Vec<_>>();
    let y = [0, 1, 1, 0];
    let tr = net.forward(&input);
    let (_, d) = bra_learn::grad::common::softmax_ce(&tr.logits, &y);
    let exact = net.bptt(&input, &tr, &d);
    let approx = net.eprop(&input, &tr, &d).unwrap();
    let c = cosine(&approx.flat(), &exact.flat());
    println!("spiking e-prop vs surrogate BPTT (recurrent, with reset): cosine {c:.4}");
    assert!(c > 0.5, "{c}");
}

// ------------------------------------------------------------ EP

fn ep_problem(symmetric: bool, seed: u64) -> (EpNet, Array2<f64>, Array2<f64>) {
    let mut net = EpNet::random(&[5, 8, 3], 0.8, symmetric, seed);
    net.b = vec![Array1::from_elem(8, 0.2), Array1::from_elem(3, 0.2)];
    let x = gaussian(1, 5, 1.0, key(500 + seed)).mapv(|v| v.abs().min(1.0));
    let y = Array2::from_shape_vec((1, 3), vec![1.0, 0.0, 0.0]).unwrap();
    (net, x, y)
}

#[test]
fn ep_updates_approach_bptt_gradients_as_beta_shrinks() {
    let (net, x, y) = ep_problem(true, 1);
    let (t_free, k) = (200, 30);
    let grad = net.bptt_gradient(&x, &y, t_free, k).flat();
    let s0 = net.free(&x, t_free);
    let mut angles = Vec::new();
    for beta in [0.5, 0.1, 0.02, 0.004] {
        let (u, _) = net.ep_update(&s0, &y, beta, k);
        let a = angle_deg(&u.flat(), &grad);
        println!("EP, beta {beta}: angle to -∇BPTT {a:.4}°");
        angles.push((beta, a));
    }
    for w in angles.windows(2) {
        assert!(
            w[1].1 <= w[0].1 + 1e-9,
            "the angle shrinks with beta: {angles:?}"
        );
    }
    // The error is first order in beta (Theorem 1): the angle stays below 20° × beta/0.1.
    for &(beta, a) in &angles {
        assert!(a < 20.0 * beta / 0.1 + 1e-6, "beta {beta}: {a}°");
    }
    assert!(angles[3].1 < 1.0);
}

#[test]
fn cep_updates_approach_bptt_as_beta_and_rate_shrink() {
    let (net, x, y) = ep_problem(true, 2);
    let (t_free, k) = (200, 30);
    let grad = net.bptt_gradient(&x, &y, t_free, k).flat_w();
    let s0 = net.free(&x, t_free);
    let mut angles = Vec::new();
    for (beta, lr) in [(0.5, 0.25), (0.1, 0.01), (0.02, 0.0004), (0.004, 0.000016)] {
        let mut c = net.clone();
        c.cep_phase(&s0, &y, beta, k, &[lr, lr]);
        let total: Vec<f64> =
            c.w.iter()
                .zip(&net.w)
                .flat_map(|(a, b)| (a - b).iter().map(|d| d / lr).collect::<Vec<_>>())
                .collect();
        let a = angle_deg(&total, &grad);
        println!("C-EP, beta {beta}, lr {lr}: angle to -∇BPTT {a:.4}°");
        angles.push(a);
    }
    assert!(angles.windows(2).all(|w| w[1] <= w[0] + 1e-9), "{angles:?}");
    assert!(angles[3] < 1.0, "{angles:?}");
}

#[test]
fn ep_with_asymmetric_weights_stays_a_descent_direction() {
    // Feedback weights = forward weights + a perturbation of growing size.
    let (sym, x, y) = ep_problem(true, 3);
    let (t_free, k) = (200, 30);
    let mut prev = -1.0;
    for eps in [0.0, 0.1, 0.3, 0.6] {
        let mut net = sym.clone();
        let noise: Vec<Array2<f64>> = sym
            .w
            .iter()
            .enumerate()
            .map(|(l, w)| {
                w + &(gaussian(
                    w.nrows(),
                    w.ncols(),
                    eps / (w.ncols() as f64).sqrt(),
                    key(900 + l as u64),
                ))
            })
            .collect();
        net.v = Some(noise);
        // VF-EP moves forward and feedback weights by the same increment:
        // compare it with the gradient along that move.
        let grad = net.bptt_gradient(&x, &y, t_free, k).tied();
        let s0 = net.free(&x, t_free);
        let (u, _) = net.ep_update(&s0, &y, 0.01, k);
        let a = angle_deg(&u.flat_w(), &grad);
        println!(
            "vector-field EP, weight asymmetry {:.1}°: angle to -∇BPTT {a:.2}°",
            net.weight_asymmetry_deg()
        );
        assert!(a < 90.0, "still a descent direction: {a}");
        if eps == 0.0 {
            assert!(a < 1.0);
        }
        assert!(a >= prev - 1.0, "the angle grows with asymmetry");
        prev = a;
    }
}

// ------------------------------------------------------------ RTRL and e-prop

fn tiny_rnn() -> (Rnn, Vec<Array1<f64>>, Vec<Array1<f64>>) {
    let (n, m, k, t) = (5, 3, 2, 12);
    let rnn = Rnn {
        w: gaussian(n, n, 0.9 / (n as f64).sqrt(), key(1)),
        u: gaussian(n, m, 1.0, key(2)),
        b: Array1::from_shape_fn(n, |i| 0.1 * i as f64 - 0.2),
        v: gaussian(k, n, 1.0, key(3)),
        alpha: 0.6,
    };
    let xs = (0..t)
        .map(|s| Array1::from_shape_fn(m, |j| key(4).normal(s as u64, j as u64)))
        .collect();
    let ys = (0..t)
        .map(|s| Array1::from_shape_fn(k, |j| key(5).normal(s as u64, j as u64)))
        .collect();
    (rnn, xs, ys)
}

#[test]
fn rtrl_equals_bptt_and_eprop_approximates_it() {
    let (rnn, xs, ys) = tiny_rnn();
    let bptt = rnn.bptt(&xs, &ys).flat();
    let rtrl = rnn.rtrl(&xs, &ys).flat();
    let err = max_rel(&rtrl, &bptt);
    println!("RTRL vs BPTT: max relative difference {err:.2e}");
    assert!(err < 1e-9, "{err}");
    // And BPTT is the gradient: finite differences on one weight.
    let h = 1e-6;
    let (mut p, mut m) = (rnn.clone(), rnn.clone());
    p.w[[1, 2]] += h;
    m.w[[1, 2]] -= h;
    let fd = (p.loss(&xs, &ys) - m.loss(&xs, &ys)) / (2.0 * h);
    assert!((fd - bptt[5 + 2]).abs() < 1e-6 * fd.abs().max(1.0));
    let ep = rnn.eprop(&xs, &ys).flat();
    let c = cosine(&ep, &bptt);
    println!("e-prop vs BPTT: cosine similarity {c:.4}");
    assert!(c > 0.5 && c < 1.0 - 1e-6, "{c}");
    // Without recurrence e-prop is exact.
    let mut ff = rnn.clone();
    ff.w.fill(0.0);
    let c0 = cosine(
        &ff.eprop(&xs, &ys).flat()[25..],
        &ff.bptt(&xs, &ys).flat()[25..],
    );
    assert!((c0 - 1.0).abs() < 1e-12, "{c0}");
}

// ------------------------------------------------------------ selective SSM

fn tiny_ssm() -> (SsmNet, Array2<f64>) {
    let mut net = SsmNet::new(
        gaussian(4, 3, 0.7, key(11)),
        gaussian(3, 4, 0.7, key(12)),
        5,
        (0.05, 0.8),
        true,
        5,
    );
    net.c = gaussian(4, 5, 1.0, key(13));
    net.b = gaussian(4, 5, 1.0, key(14));
    net.w_delta = Array1::from_vec(vec![0.5, -0.3, 1.0, 0.2]);
    let u = gaussian(9, 3, 1.0, key(15));
    (net, u)
}

#[test]
fn ssm_rtrl_equals_bptt_equals_finite_differences() {
    let (net, u) = tiny_ssm();
    let grads = |m: Method| {
        let mut g = vec![Vec::new(); 9];
        let mut n2 = net.clone();
        for (gk, a) in g.iter_mut().zip(n2.arrays()) {
            *gk = vec![0.0; a.len()];
        }
        net.grads(&u, 1, m, &mut g);
        g.concat()
    };
    let (b, r) = (grads(Method::Bptt), grads(Method::Rtrl));
    let err = max_rel(&r, &b);
    println!("SSM RTRL vs BPTT: max relative difference {err:.2e}");
    assert!(err < 1e-9, "{err}");
    // Finite differences of every parameter.
    let loss = |n: &SsmNet| {
        let l = n.logits(&u).insert_axis(ndarray::Axis(0));
        bra_learn::grad::common::softmax_ce(&l, &[1]).0
    };
    let mut fd = Vec::new();
    let sizes: Vec<usize> = net.clone().arrays().iter().map(|a| a.len()).collect();
    for (part, &len) in sizes.iter().enumerate() {
        for k in 0..len {
            let h = 1e-6;
            let (mut p, mut m) = (net.clone(), net.clone());
            p.arrays()[part][k] += h;
            m.arrays()[part][k] -= h;
            fd.push((loss(&p) - loss(&m)) / (2.0 * h));
        }
    }
    let e2 = max_rel(&b, &fd);
    println!("SSM BPTT vs finite differences: {e2:.2e}");
    assert!(e2 < 1e-6, "{e2}");
    // The local rule points the input weights roughly along the gradient.
    let l = grads(Method::Local);
    let n_in = sizes[0];
    let c = cosine(&l[..n_in], &b[..n_in]);
    println!("SSM local (STDP-like) rule vs gradient of W_in: cosine {c:.3}");
}

// ------------------------------------------------------------ backprop diffusion

#[test]
fn backprop_diffusion_approaches_backprop_as_the_input_slows() {
    let make = |id: u64, gain: f64| Mlp {
        w: vec![
            gaussian(6, 4, gain / 2.0, key(id)),
            gaussian(6, 6, gain / 6f64.sqrt(), key(id + 1)),
            gaussian(3, 6, gain / 6f64.sqrt(), key(id + 2)),
        ],
        b: vec![Array1::zeros(6), Array1::zeros(6), Array1::zeros(3)],
        act: vec![Act::Tanh, Act::Tanh, Act::Linear],
    };
    let (net, teacher) = (make(40, 1.0), make(50, 1.5));
    let mut prev = -1.0;
    for period in [4.0, 16.0, 64.0, 256.0, 1024.0] {
        let c = diffusion::gradient_vs_backprop(&net, &teacher, period, 1024, 3);
        println!("input period {period} steps (depth 3): cosine to backprop {c:.5}");
        assert!(c > prev - 1e-3, "cosine rises as the input slows");
        prev = c;
    }
    assert!(prev > 0.99, "{prev}");
}

// ------------------------------------------------------------ orthogonal init

#[test]
fn qr_gives_orthogonal_matrices_to_rounding() {
    for (r, c) in [(64, 64), (32, 64), (64, 10)] {
        let w = ortho::orthogonal(r, c, 1.0, key(60));
        let e = ortho::frobenius_error(&w);
        println!("QR {r}×{c}: ‖WWᵀ−I‖_F = {e:.2e}");
        assert!(e < 1e-12, "{e}");
    }
}

#[test]
fn the_local_rule_drives_random_weights_to_orthogonal() {
    for (r, c) in [(32, 32), (16, 32), (32, 10)] {
        let mut w = gaussian(r, c, 1.0 / (c as f64).sqrt(), key(61));
        let e0 = ortho::max_error(&w);
        let it = ortho::local_orthogonalise(&mut w, 0.5, 1e-4, 20_000, key(62));
        let e = ortho::frobenius_error(&w);
        println!(
            "local rule {r}×{c}: max|WWᵀ−I| {e0:.2} → {:.2e} (‖·‖_F {e:.2e}) in {it} updates",
            ortho::max_error(&w)
        );
        assert!(e < 1e-3, "{e}");
    }
}

#[test]
fn orthogonal_layers_keep_gradient_norms_through_depth() {
    let (depth, n) = (24, 32);
    // Small inputs: tanh near its linear range, where orthogonal layers are isometries.
    let x = gaussian(16, n, 0.1, key(70));
    let y: Vec<usize> = (0..16).map(|i| i % 4).collect();
    let chain = |w: Vec<Array2<f64>>| Mlp {
        b: w.iter().map(|m| Array1::zeros(m.nrows())).collect(),
        act: (0..w.len())
            .map(|l| {
                if l + 1 == w.len() {
                    Act::Linear
                } else {
                    Act::Tanh
                }
            })
            .collect(),
        w,
    };
    let layers = |f: &dyn Fn(u64, usize) -> Array2<f64>| {
        let mut v: Vec<Array2<f64>> = (0..depth - 1).map(|l| f(l as u64, n)).collect();
        v.push(gaussian(4, n, 1.0 / (n as f64).sqrt(), key(999)));
        chain(v)
    };
    let ratio = |net: &Mlp| {
        let g = ortho::gradient_norms(net, &x, &y);
        g[0] / g[depth - 2]
    };
    let orth = layers(&|l, n| ortho::orthogonal(n, n, 1.0, key(100 + l)));
    let local = layers(&|l, n| {
        let mut w = gaussian(n, n, 1.0 / (n as f64).sqrt(), key(200 + l));
        ortho::local_orthogonalise(&mut w, 0.5, 1e-4, 20_000, key(300 + l));
        w
    });
    let r_orth = ratio(&orth);
    let r_local = ratio(&local);
    println!(
        "gradient norm ratio layer 1 / layer {}: orthogonal (QR) {r_orth:.3}, local {r_local:.3}",
        depth - 1
    );
    assert!((0.5..2.0).contains(&r_orth) && (0.5..2.0).contains(&r_local));
    for (g, what) in [(0.8, "decays"), (1.0, "drifts"), (1.6, "explodes")] {
        let gauss = layers(&|l, n| gaussian(n, n, g / (n as f64).sqrt(), key(400 + l)));
        let r = ratio(&gauss);
        println!("Gaussian N(0, {g}²/n): ratio {r:.3e} ({what})");
        if g < 1.0 {
            assert!(r < 0.05, "{r}");
        }
        if g > 1.0 {
            assert!(r > 10.0, "{r}");
        }
    }
}
