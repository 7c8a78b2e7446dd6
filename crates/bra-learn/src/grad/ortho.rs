//! Orthogonal initialisation: exact, by Householder QR of a Gaussian matrix
//! (with the signs of R's diagonal, so that Q is Haar-distributed; Mezzadri
//! 2007), or by a local pre-training rule (Oja's subspace rule driven by
//! white noise, the biologically plausible route of Manchev & Spratling),
//! and what it does to gradients through depth (Saxe et al. 2014).
//!
//! The local rule: for a random input `x` with `E[x x^T] = I`, `y = W x`,
//!
//! ```text
//! ΔW = (lr / n) (y x^T - y y^T W) = (lr / n) y (x - W^T y)^T
//! ```
//!
//! — each synapse uses its presynaptic input, its postsynaptic output and
//! the top-down reconstruction `W^T y` of its input. For every `x` the update
//! is `W x x^T (I - W^T W)`: zero exactly at orthogonal `W`, so the noise
//! vanishes at the fixed point and the rule converges to an orthogonal matrix
//! (its mean `W - W W^T W` has the orthogonal matrices as stable fixed points).

use super::common::{self, Optimiser, Plan};
use super::diffusion::mlp_of;
use super::mlp::Mlp;
use crate::data::Dataset;
use crate::experiment::{Progress, TrainResult};
use bra_runtime::rng::{Key, Stream};
use ndarray::{Array1, Array2};

/// Householder QR of `a` (`m × n`, `m ≥ n`): `(Q, R)` with `Q` `m × n`
/// having orthonormal columns and `R` `n × n` upper triangular.
pub fn qr(a: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let (m, n) = a.dim();
    let mut r = a.clone();
    let mut vs: Vec<Vec<f64>> = Vec::with_capacity(n);
    for k in 0..n.min(m) {
        let norm: f64 = (k..m).map(|i| r[[i, k]] * r[[i, k]]).sum::<f64>().sqrt();
        let mut v: Vec<f64> = (k..m).map(|i| r[[i, k]]).collect();
        let alpha = if v[0] >= 0.0 { -norm } else { norm };
        v[0] -= alpha;
        let vn: f64 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if vn > 0.0 {
            v.iter_mut().for_each(|x| *x /= vn);
            for j in k..n {
                let s: f64 = (k..m).map(|i| v[i - k] * r[[i, j]]).sum();
                for i in k..m {
                    r[[i, j]] -= 2.0 * v[i - k] * s;
                }
            }
        }
        vs.push(v);
    }
    // Q = H_0 H_1 … H_{n-1} applied to the first n columns of I.
    let mut q = Array2::<f64>::zeros((m, n));
    for j in 0..n.min(m) {
        q[[j, j]] = 1.0;
    }
    for (k, v) in vs.iter().enumerate().rev() {
        for j in 0..n {
            let s: f64 = (k..m).map(|i| v[i - k] * q[[i, j]]).sum();
            for i in k..m {
                q[[i, j]] -= 2.0 * v[i - k] * s;
            }
        }
    }
    let r = Array2::from_shape_fn((n, n), |(i, j)| if i <= j { r[[i, j]] } else { 0.0 });
    (q, r)
}

/// A Haar-random `rows × cols` matrix with orthonormal rows (when `rows ≤
/// cols`) or columns, times `gain`.
pub fn orthogonal(rows: usize, cols: usize, gain: f64, key: Key) -> Array2<f64> {
    let (m, n) = (rows.max(cols), rows.min(cols));
    let a = common::gaussian(m, n, 1.0, key);
    let (mut q, r) = qr(&a);
    for j in 0..n {
        if r[[j, j]] < 0.0 {
            q.column_mut(j).mapv_inplace(|v| -v);
        }
    }
    let q = if rows >= cols { q } else { q.t().to_owned() };
    q * gain
}

/// The Gram matrix that should be the identity: `W W^T` for `rows ≤ cols`,
/// else `W^T W`, minus `I`.
pub fn gram_error(w: &Array2<f64>) -> Array2<f64> {
    let g = if w.nrows() <= w.ncols() {
        w.dot(&w.t())
    } else {
        w.t().dot(w)
    };
    let n = g.nrows();
    g - Array2::<f64>::eye(n)
}

/// Largest entry of `|W W^T - I|` (the catalog's tolerance criterion).
pub fn max_error(w: &Array2<f64>) -> f64 {
    gram_error(w).iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// Frobenius norm of `W W^T - I`.
pub fn frobenius_error(w: &Array2<f64>) -> f64 {
    gram_error(w).iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// Run the local rule from `w` until every entry of `|W W^T - I|` is below
/// `tol` (checked every 50 updates) or `max_iter` updates; returns the number
/// of updates made. A wide `W` (fewer rows than columns) is driven from its
/// output side (the rule runs on `W^T`, noise injected at the postsynaptic
/// units and read back through the same synapses): that way the matrix the
/// rule sees is tall or square, and its per-input update `W x x^T (I - W^T W)`
/// vanishes at the fixed point, so a constant step converges.
pub fn local_orthogonalise(
    w: &mut Array2<f64>,
    lr: f64,
    tol: f64,
    max_iter: usize,
    key: Key,
) -> usize {
    let transpose = w.nrows() < w.ncols();
    let mut m = if transpose {
        w.t().to_owned()
    } else {
        w.clone()
    };
    let n = m.ncols();
    let step = lr / n as f64;
    let mut it = 0;
    while it < max_iter {
        if it % 50 == 0 && max_error(&m) < tol {
            break;
        }
        let x = Array1::from_shape_fn(n, |j| key.normal(it as u64, j as u64));
        let y = m.dot(&x);
        let e = &x - &m.t().dot(&y);
        for i in 0..m.nrows() {
            let yi = y[i] * step;
            for j in 0..n {
                m[[i, j]] += yi * e[j];
            }
        }
        it += 1;
    }
    *w = if transpose { m.t().to_owned() } else { m };
    it
}

/// Norm of the error `∂loss/∂a_l` of every layer (the gradient with
/// respect to its pre-activations, which sets the size of its weight
/// updates), for a batch with labels (softmax cross-entropy on the last layer).
pub fn gradient_norms(net: &Mlp, x: &Array2<f64>, y: &[usize]) -> Vec<f64> {
    let pass = net.forward(x);
    let (_, d) = common::softmax_ce(&pass.x[net.depth()], y);
    let g = net.backward(&pass, &d);
    g.delta
        .iter()
        .map(|w| w.iter().map(|v| v * v).sum::<f64>().sqrt())
        .collect()
}

/// How one layer's weights are initialised.
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// From the flow's weight law.
    Law,
    /// Householder QR, times gain.
    Qr(f64),
    /// The local rule from the flow's law: (lr, tolerance, max_iter).
    Local(f64, f64, usize),
}

/// Initialise a chain: each layer whose rule is `orthogonal_init` gets an
/// orthogonal matrix (QR or local); the others keep their flow's law.
/// Returns, per layer, the init used and the resulting orthogonality error.
pub fn initialise(plan: &Plan, net: &mut Mlp) -> Vec<(Init, f64, usize)> {
    let seed = plan.seed();
    let mut out = Vec::new();
    for (l, layer) in plan.layers.iter().enumerate().skip(1) {
        let rule = layer.rule().filter(|r| r.kind == "orthogonal_init");
        let w = &mut net.w[l - 1];
        let key = Key::new(seed, Stream::Weight, 0x0A7B_0000 + l as u64);
        let init = match rule {
            None => Init::Law,
            Some(r) if common::text(Some(r), "method", "qr") == "local" => Init::Local(
                common::real(Some(r), "lr", 0.01),
                common::real(Some(r), "tolerance", 1e-3),
                common::real(Some(r), "max_iter", 10000.0) as usize,
            ),
            Some(r) => Init::Qr(common::real(Some(r), "gain", 1.0)),
        };
        let mut iters = 0;
        match init {
            Init::Law => {}
            Init::Qr(g) => *w = orthogonal(w.nrows(), w.ncols(), g, key),
            Init::Local(lr, tol, max_iter) => {
                let gain = common::real(rule, "gain", 1.0);
                iters = local_orthogonalise(w, lr, tol, max_iter, key);
                *w *= gain;
            }
        }
        let err = max_error(w);
        out.push((init, err, iters));
    }
    out
}

/// Train a feed-forward rate chain by backpropagation (`bptt` on rate
/// units, or `orthogonal_init` on the readout), with the layers'
/// initialisation. Optimiser and rate: the train block's `optimiser`
/// (default `sgd`, which lets the initialisation show) and `lr` (default
/// 0.01), or the readout's `bptt(lr, optimiser)`.
pub fn train(
    plan: &Plan,
    train: &Dataset,
    test: &Dataset,
    progress: Progress,
) -> Result<TrainResult, String> {
    plan.fit_data(train.dim(), train.classes)?;
    let mut net = mlp_of(plan)?;
    let inits = initialise(plan, &mut net);
    let rule = Some(plan.rule).filter(|r| r.kind == "bptt");
    let lr = common::real(rule, "lr", common::setting(plan.training, "lr", 0.01));
    let opt_name = match rule {
        Some(r) => common::text(Some(r), "optimiser", "adam"),
        None => common::setting_text(plan.training, "optimiser").unwrap_or("sgd"),
    };
    let mut opt = Optimiser::new(opt_name);
    let batch = common::setting(plan.training, "batch", 32.0).max(1.0) as usize;
    let depth = net.depth();
    let lrs = vec![lr; 2 * depth];
    let seed = plan.seed();
    // Gradient norms at initialisation, on the first training batch.
    let probe: Vec<usize> = (0..batch.min(train.len())).collect();
    let norms0 = gradient_norms(
        &net,
        &common::rows(train, &probe),
        &common::labels(train, &probe),
    );
    let netc = std::cell::RefCell::new(&mut net);
    let epochs = common::run_epochs(
        plan.training.epochs,
        progress,
        |e| {
            let mut net = netc.borrow_mut();
            let order = common::shuffled(train.len(), seed, e);
            let mut loss = 0.0;
            for chunk in order.chunks(batch) {
                let x = common::rows(train, chunk);
                let y = common::labels(train, chunk);
                let pass = net.forward(&x);
                let (l, d) = common::softmax_ce(&pass.x[depth], &y);
                loss += l * chunk.len() as f64;
                let g = net.backward(&pass, &d);
                let mut gs: Vec<&[f64]> = g.w.iter().map(common::flat).collect();
                gs.extend(g.b.iter().map(common::flat1));
                let mut ps = net.params_mut();
                opt.step(&mut ps, &gs, &lrs);
            }
            Ok(Some(loss / train.len() as f64))
        },
        |on_train| {
            let net = netc.borrow();
            let d = if on_train { train } else { test };
            common::accuracy(d, 256, |idx| net.predict(&common::rows(d, idx)))
        },
    )?;
    let mut res = common::result(&plan.rule.kind);
    res.epochs = epochs;
    let described: Vec<String> = inits
        .iter()
        .map(|(i, err, it)| match i {
            Init::Law => format!("law (max|WWᵀ-I| {err:.2e})"),
            Init::Qr(g) => format!("qr×{g} ({err:.1e})"),
            Init::Local(..) => format!("local, {it} updates ({err:.1e})"),
        })
        .collect();
    res.notes.push(format!(
        "backprop ({opt_name}, lr {lr}), {depth} weight layers; init per layer: {}",
        described.join("; ")
    ));
    res.notes.push(format!(
        "gradient norm ratio at init, first / last weight layer: {:.3e}",
        norms0[0] / norms0[depth - 1].max(1e-300)
    ));
    let units: usize = plan.sizes().iter().sum();
    res.notes.push(common::memory_note(
        "activities of every layer (one batch)",
        2 * units * batch,
    ));
    let net = netc.into_inner();
    for (l, w) in net.w.iter().enumerate() {
        res.tensors.push(common::tensor(
            format!(
                "W_{}_{}",
                plan.layers[l].pop.name,
                plan.layers[l + 1].pop.name
            ),
            w,
        ));
        res.tensors.push(common::tensor1(
            format!("b_{}", plan.layers[l + 1].pop.name),
            &net.b[l],
        ));
    }
    Ok(res)
}
