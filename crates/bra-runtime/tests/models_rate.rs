//! `rate`: exact exponential relaxation toward f(gain·I + bias), each
//! nonlinearity of the catalog, and the discrete-time (tau = 0) map.

mod models_common;
use models_common::*;

#[test]
fn relaxes_exactly_toward_the_activation() {
    // Linear unit, tau = 10 ms, a constant input 0.8 every step on a delta
    // port: r(n) = f(0.8 gain + bias) (1 - e^{-n dt/tau}) exactly.
    let dt = 1e-4;
    let mut p = Pop::new(
        "rate",
        &[
            ("tau", r(0.01)),
            ("nonlinearity", t("linear")),
            ("gain", r(2.0)),
            ("bias", r(0.1)),
        ],
        &[delta()],
        1,
        dt,
    );
    assert!(!p.model.spiking());
    assert_eq!(p.model.output_var(), Some(p.idx("r")));
    for n in 1..=500 {
        assert!(p.advance(&[vec![0.8]], 0.0).is_empty());
        let want = 1.7 * (1.0 - (-(n as f64) * dt / 0.01).exp());
        assert!((p.var("r")[0] - want).abs() < 1e-12, "step {n}");
        assert!((p.var("x")[0] - 1.7).abs() < 1e-15);
    }
    // Without input it relaxes back to f(bias) = 0.1 with the same factor.
    let r0 = p.var("r")[0];
    p.advance(&[], 0.0);
    let want = 0.1 + (r0 - 0.1) * (-dt / 0.01f64).exp();
    assert!((p.var("r")[0] - want).abs() < 1e-12);
}

#[test]
fn every_nonlinearity_in_the_discrete_time_map() {
    type Case = (&'static str, fn(f64) -> f64);
    let cases: [Case; 5] = [
        ("tanh", f64::tanh),
        ("sigmoid", |x| 1.0 / (1.0 + (-x).exp())),
        ("relu", |x| x.max(0.0)),
        ("linear", |x| x),
        ("hard_sigmoid", |x| x.clamp(0.0, 1.0)),
    ];
    for (name, f) in cases {
        let mut p = Pop::new(
            "rate",
            &[
                ("tau", r(0.0)),
                ("nonlinearity", t(name)),
                ("gain", r(1.5)),
                ("bias", r(-0.2)),
            ],
            &[delta()],
            5,
            1e-3,
        );
        let input = vec![-3.0, -0.4, 0.0, 0.5, 2.0];
        p.advance(std::slice::from_ref(&input), 0.0);
        for (i, x) in input.iter().enumerate() {
            let want = f(1.5 * x - 0.2);
            assert!((p.var("r")[i] - want).abs() < 1e-15, "{name}({x})");
        }
    }
    // Sigmoid does not overflow for large |x|.
    let mut p = Pop::new(
        "rate",
        &[("tau", r(0.0)), ("nonlinearity", t("sigmoid"))],
        &[delta()],
        2,
        1e-3,
    );
    p.advance(&[vec![-1e4, 1e4]], 0.0);
    assert_eq!(p.var("r"), &[0.0, 1.0]);
}

#[test]
fn filtered_ports_and_refusals() {
    // An exponential port low-pass filters its input: one event of 1 gives
    // I = e^{-(n-1) dt/τs} from the next step.
    let (dt, tau_s) = (1e-3, 5e-3);
    let mut p = Pop::new(
        "rate",
        &[("tau", r(0.0)), ("nonlinearity", t("linear"))],
        &[exp_port(tau_s)],
        1,
        dt,
    );
    p.advance(&[vec![1.0]], 0.0);
    assert_eq!(p.var("r")[0], 0.0);
    for n in 1..10 {
        p.advance(&[], 0.0);
        let want = (-((n - 1) as f64) * dt / tau_s).exp();
        assert!((p.var("r")[0] - want).abs() < 1e-14);
    }
    let inst = instance("rate", &[]);
    assert!(bra_runtime::models::build(&inst, &[cond_port(5e-3, 0.0)]).is_err());
    let inst = instance("rate", &[("nonlinearity", t("softsign"))]);
    assert!(bra_runtime::models::build(&inst, &[]).is_err());
}
