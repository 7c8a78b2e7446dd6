//! Online STDP inside a simulation: weights change within their bounds, are
//! saved, and load back into a later run.

use bra_runtime::{Engine, Outcome};
use std::path::Path;

const SPEC: &str = r#"
project P { tlf = "learn", roi = [In, Out], allow = [SCID901] }
reference r { doi = "10.1038/78829", type = Article }
circuit In { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit Out { uniform, transmitter = Glutamate, modulation = Excitatory }
connection In -> Out { reference = r }
component In { neurons = poisson(rate: 15 Hz) * 300 }
component Out { neurons = lif(tau_m: 20 ms) * 5, learning = stdp(w_max: 1.5 mV) }
flow In -> Out {
  connect = all_to_all()
  weight = uniform(low: 0.5 mV, high: 1.5 mV)
  delay = 1 ms
  synapse = exponential(tau: 5 ms)
}
function learn "learn" { parts = [In, Out] }
simulate { duration = 3 s, dt = 0.1 ms, seed = 3 }
"#;

fn network() -> bra_compile::Network {
    let loaded = bra_model::load_str("p.bra", SPEC);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let model = bra_model::Model::build(loaded.sources, &loaded.files);
    let (net, diags) = bra_compile::compile(&model);
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    net
}

#[test]
fn stdp_learns_within_bounds_and_weights_round_trip() {
    let net = network();
    assert!(
        net.projections[0].plasticity.is_some(),
        "the component's rule reaches its input projection"
    );
    let mut e = Engine::build(&net, Path::new(".")).expect("builds");
    let before = e.projs[0].weights_si();
    assert_eq!(e.run(None, 0, &mut |_| {}), Outcome::Completed);
    let after = e.projs[0].weights_si();
    let out_spikes = e.spikes[1].as_ref().map_or(0, Vec::len);
    assert!(
        out_spikes > 20,
        "the target fires ({out_spikes} spikes), so STDP has pairs to work on"
    );
    let changed = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| (a.2 - b.2).abs() > 1e-9)
        .count();
    assert!(
        changed > after.len() / 2,
        "{changed} of {} weights changed",
        after.len()
    );
    assert!(
        after.iter().all(|w| w.2 >= -1e-12 && w.2 <= 1.5e-3 + 1e-9),
        "weights stay in [0, w_max]"
    );
    // Depression is 5 % stronger than potentiation: with uncorrelated inputs
    // the mean weight falls (Song, Miller & Abbott 2000).
    let mean = |v: &[(u32, u32, f64)]| v.iter().map(|w| w.2).sum::<f64>() / v.len() as f64;
    assert!(
        mean(&after) < mean(&before),
        "{} -> {}",
        mean(&before),
        mean(&after)
    );

    let dir = std::env::temp_dir().join(format!("bra-plastic-{}", std::process::id()));
    let outcome = Outcome::Completed;
    bra_runtime::io::write_outputs(&e, &outcome, "P", 1, 0.0, &dir).expect("written");
    let file = dir
        .join("weights")
        .join(format!("{}.npy", e.projs[0].file_stem()));
    let rows = bra_runtime::io::read_weights(&file).expect("readable");
    let mut e2 = Engine::build(&net, Path::new(".")).expect("builds");
    e2.load_weights(&e.projs[0].file_stem(), &rows)
        .expect("loads");
    let loaded = e2.projs[0].weights_si();
    for (a, b) in after.iter().zip(&loaded) {
        assert_eq!((a.0, a.1), (b.0, b.1));
        assert!(
            (a.2 - b.2).abs() <= 1e-9 * a.2.abs().max(1e-12),
            "saved weight restored"
        );
    }
    // Weights from another network are refused with a clear message.
    let wrong = vec![[0.0, 0.0, 1e-3]; 3];
    assert!(
        e2.load_weights(&e.projs[0].file_stem(), &wrong)
            .unwrap_err()
            .contains("synapses")
    );
}
