//! `ssm`: the selective state-space unit is stable (zero input makes every
//! state component decay monotonically) and selective (a larger input gives
//! a larger step Δ).

mod models_common;
use bra_compile::ir::Value;
use models_common::*;

fn params(a_init: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("state_size", Value::Int(8)),
        ("dt_min", r(0.001)),
        ("dt_max", r(0.1)),
        ("a_init", t(a_init)),
        ("skip", Value::Bool(true)),
    ]
}

#[test]
fn zero_input_makes_the_state_decay_monotonically() {
    for a_init in ["s4d_real", "constant"] {
        let mut p = Pop::new("ssm", &params(a_init), &[delta()], 4, 1e-3);
        assert!(!p.model.spiking());
        assert_eq!(p.model.output_var(), Some(p.idx("y")));
        // Load the state with a few steps of input, then none.
        for _ in 0..20 {
            p.advance(&[vec![1.0; 4]], 0.0);
        }
        let hs: Vec<usize> = (0..8).map(|k| p.idx(&format!("h{k}"))).collect();
        let mut prev: Vec<f64> = hs.iter().map(|&k| p.vars[k][0]).collect();
        assert!(prev.iter().all(|h| *h > 0.0));
        let mut y_prev = f64::INFINITY;
        for _ in 0..200 {
            p.advance(&[], 0.0);
            let now: Vec<f64> = hs.iter().map(|&k| p.vars[k][0]).collect();
            for (a, b) in now.iter().zip(&prev) {
                assert!(*a < *b && *a > 0.0, "{a_init}: {b} -> {a}");
            }
            let y = p.var("y")[0];
            assert!(y < y_prev);
            y_prev = y;
            prev = now;
        }
    }
}

#[test]
fn a_larger_input_gives_a_larger_step() {
    let mut p = Pop::new("ssm", &params("s4d_real"), &[delta()], 1, 1e-3);
    let delta0 = p.var("delta")[0];
    assert!((0.001..=0.1).contains(&delta0), "initial Δ {delta0}");
    let mut last = 0.0;
    for x in [0.0, 0.5, 1.0, 2.0, 5.0] {
        p.advance(&[vec![x]], 0.0);
        let d = p.var("delta")[0];
        if x == 0.0 {
            assert!((d - delta0).abs() < 1e-12, "Δ(0) = softplus(b_Δ) = Δ₀");
        }
        assert!(d > last, "Δ({x}) = {d} not above {last}");
        last = d;
    }
    // A huge input stays finite (A < 0: exp(ΔA) → 0).
    p.advance(&[vec![1e6]], 0.0);
    assert!(p.vars.iter().all(|v| v[0].is_finite()));
}

#[test]
fn initialisation_follows_a_init_and_the_seed() {
    let p = Pop::new("ssm", &params("s4d_real"), &[], 50, 1e-3);
    for k in 0..8 {
        assert_eq!(p.var(&format!("A{k}"))[0], -((k + 1) as f64));
    }
    let q = Pop::new("ssm", &params("constant"), &[], 1, 1e-3);
    assert_eq!(q.var("A3")[0], -0.5);
    // Δ₀ log-uniform in [dt_min, dt_max]: spread over the decades, reproducible.
    let d = p.var("delta");
    assert!(d.iter().all(|x| (0.001..=0.1).contains(x)));
    assert!(d.iter().any(|x| *x < 0.005) && d.iter().any(|x| *x > 0.02));
    assert_eq!(
        d,
        Pop::new("ssm", &params("s4d_real"), &[], 50, 1e-3).var("delta")
    );
    // y = C·h + D x after one step from zero state: Σ_n Δ B_n x + x.
    let mut one = Pop::new("ssm", &params("s4d_real"), &[delta()], 1, 1e-3);
    one.advance(&[vec![0.5]], 0.0);
    let dl = one.var("delta")[0];
    assert!((one.var("y")[0] - (8.0 * dl * 0.5 + 0.5)).abs() < 1e-12);
}
