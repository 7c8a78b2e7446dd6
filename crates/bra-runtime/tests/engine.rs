//! The engine on whole compiled networks: determinism across thread counts,
//! the CUBA benchmark's activity, faults.

use bra_runtime::{Engine, Outcome};
use std::path::Path;

fn compile(src: &str) -> bra_compile::Network {
    let loaded = bra_model::load_str("t.bra", src);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let model = bra_model::Model::build(loaded.sources, &loaded.files);
    let (net, diags) = bra_compile::compile(&model);
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    net
}

fn spec(path: &str) -> bra_compile::Network {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    let (model, loaded) = bra_model::Model::load(&p);
    assert!(loaded.diagnostics.is_empty());
    let (net, diags) = bra_compile::compile(&model);
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:#?}");
    net
}

/// Recorded spikes per population: (time, neuron).
type Spikes = Vec<Option<Vec<(f64, u32)>>>;

/// Run `f` on a rayon pool of `threads` threads (a run takes its team's
/// size from the current pool).
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
        .install(f)
}

/// The exact bits of every recorded spike, populations in order.
fn bits(s: &Spikes) -> Vec<(u64, u32)> {
    s.iter()
        .flatten()
        .flatten()
        .map(|(t, i)| (t.to_bits(), *i))
        .collect()
}

fn run_with(net: &bra_compile::Network, threads: usize) -> (Spikes, Outcome) {
    on_threads(threads, || {
        let mut e = Engine::build(net, Path::new(".")).expect("builds");
        let out = e.run(None, 0, &mut |_| {});
        (e.spikes, out)
    })
}

#[test]
fn cuba_is_bit_identical_with_1_2_and_8_threads() {
    let mut net = spec("specs/cuba.bra");
    net.run.duration = 0.1;
    let (a, oa) = run_with(&net, 1);
    let (b, _) = run_with(&net, 2);
    let (c, _) = run_with(&net, 8);
    assert_eq!(oa, Outcome::Completed);
    let total: usize = a.iter().flatten().map(Vec::len).sum();
    assert!(total > 100, "the network is active ({total} spikes)");
    // Bit-identical: compare the exact bits of every spike time.
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(bits(&a), bits(&c));
}

#[test]
fn the_parallel_paths_give_bit_identical_spikes() {
    // With the threshold at zero every step runs on a team: each member
    // updates its share of the chunks (of `CHUNK` neurons) and delivers into
    // the same share, which here cuts a population's rows between members.
    // The spikes must not change, with more members than cores too.
    let mut net = spec("specs/cuba.bra");
    for p in &mut net.populations {
        p.size *= 4;
    }
    assert!(
        net.populations
            .iter()
            .any(|p| p.size as usize >= 2 * bra_runtime::engine::CHUNK)
    );
    net.run.duration = 0.03;
    let run = |threads: usize| -> Spikes {
        on_threads(threads, || {
            let mut e = Engine::build(&net, Path::new(".")).expect("builds");
            e.set_parallel_threshold(0);
            assert_eq!(e.run(None, 0, &mut |_| {}), Outcome::Completed);
            e.spikes
        })
    };
    let (a, b, c) = (run(1), run(2), run(8));
    let n: usize = a.iter().flatten().map(Vec::len).sum();
    assert!(n > 100, "the network is active ({n} spikes)");
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(bits(&a), bits(&c));
}

#[test]
fn moving_the_shares_during_a_run_changes_no_spike() {
    // Rebalanced at every step, the members' shares follow the noise of
    // their busy times and move many times; the spikes must stay the bits
    // of a one-thread run.
    let mut net = spec("specs/cuba.bra");
    for p in &mut net.populations {
        p.size *= 3;
    }
    net.run.duration = 0.03;
    let run = |threads: usize| -> (Spikes, u64) {
        on_threads(threads, || {
            let mut e = Engine::build(&net, Path::new(".")).expect("builds");
            e.set_parallel_threshold(0);
            e.set_rebalance_interval(1);
            assert_eq!(e.run(None, 0, &mut |_| {}), Outcome::Completed);
            let moved = e.shares_moved();
            (e.spikes, moved)
        })
    };
    let ((a, _), (b, moved)) = (run(1), run(3));
    assert!(moved > 0, "the shares never moved");
    let n: usize = a.iter().flatten().map(Vec::len).sum();
    assert!(n > 100, "the network is active ({n} spikes)");
    assert_eq!(bits(&a), bits(&b));
}

#[test]
fn every_spec_runs_the_same_on_one_and_on_three_threads() {
    // Rate units, state-space units, plasticity, drawn delays, Poisson and
    // current inputs, recorded state: every spec of the repository, in
    // parallel from the first neuron on, gives the same bits as one thread.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("specs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bra"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 10, "{specs:?}");
    type Run = (Vec<(u64, u32)>, Vec<u64>, Outcome);
    for path in specs {
        let name = path.display().to_string();
        let mut net = spec(&name);
        net.run.duration = net.run.duration.min(0.02);
        let run = |threads: usize| -> Run {
            on_threads(threads, || {
                let mut e = Engine::build(&net, &dir).unwrap_or_else(|e| panic!("{name}: {e}"));
                e.set_parallel_threshold(0);
                let out = e.run(None, 0, &mut |_| {});
                let spikes = bits(&e.spikes);
                // What was recorded, then the final state of every neuron.
                let state = e
                    .state
                    .iter()
                    .flat_map(|r| r.data.iter())
                    .chain(e.pops.iter().flat_map(|p| p.vars.iter().flatten()))
                    .map(|x| x.to_bits())
                    .collect();
                (spikes, state, out)
            })
        };
        let (a, b) = (run(1), run(3));
        assert_eq!(a.2, Outcome::Completed, "{name}");
        assert!(a == b, "{name}: one and three threads differ");
    }
}

#[test]
fn cuba_fires_at_the_benchmark_rate() {
    // Brian 2's CUBA example runs at a few to ~20 Hz mean rate; the network
    // must be neither silent nor saturated (the refractory limit is 200 Hz).
    let mut net = spec("specs/cuba.bra");
    net.run.duration = 0.5;
    let (spikes, _) = run_with(&net, 2);
    let n: usize = spikes.iter().flatten().map(Vec::len).sum();
    let rate = n as f64 / (4000.0 * 0.5);
    assert!(rate > 1.0 && rate < 60.0, "mean rate {rate} Hz");
}

#[test]
fn a_nan_stops_the_run_and_names_the_place() {
    // A LIF with an absurd drive overflows nothing; force a NaN through an
    // infinite weight from a Poisson input instead.
    let src = r#"
project T { tlf = "x", roi = [A] }
circuit A { uniform, transmitter = Glutamate, modulation = Excitatory }
component A { neurons = lif(tau_m: 20 ms) * 10 }
stimulus kick -> A { poisson(rate: 1000 Hz), weight = 1e308 V, synapse = exponential(tau: 5 ms) }
simulate { duration = 50 ms, dt = 0.1 ms }
"#;
    let net = compile(src);
    let mut e = Engine::build(&net, Path::new(".")).expect("builds");
    match e.run(None, 0, &mut |_| {}) {
        Outcome::Fault(f) => {
            assert_eq!(f.population, "A");
            assert!(f.neuron < 10);
            assert!(f.time > 0.0 && f.time <= 0.05);
            assert_eq!(f.origin.line, 4);
        }
        other => panic!("expected a fault, got {other:?}"),
    }
    assert!(e.steps_done() < 500, "stopped early");
}

#[test]
fn a_gain_sheets_own_coupling_becomes_a_neighbour_projection() {
    let src = r#"
project G { tlf = "x", roi = [S], allow = [SCID901, SCID702] }
circuit S { uniform, transmitter = Glutamate, modulation = Excitatory }
component S { neurons = gain_sheet(rows: 10, cols: 10, radius: 2, wrap: true, coupling: 0.5 mV) }
function f "x" { parts = [S] }
simulate { duration = 10 ms }
"#;
    let net = compile(src);
    assert_eq!(net.projections.len(), 1, "the coupling is expanded");
    let e = Engine::build(&net, Path::new(".")).expect("builds");
    // 13 cells within Euclidean distance 2 on a torus, minus the cell itself.
    let csr = &e.projs[0].csr;
    assert!((0..100).all(|i| csr.row(i).len() == 12));
    assert!(csr.weights.iter().all(|w| (*w as f64 - 5e-4).abs() < 1e-9));
}

#[test]
fn a_poisson_stimulus_delivers_an_exact_poisson_count_per_step() {
    // 5 kHz at dt = 1 ms: five events per step on average, so a draw of at
    // most one event per step (Bernoulli) would deliver a fifth of the
    // input. Traces of an exponential port with τ = 10 ms and weight w settle
    // at λ·w / (1 - e^{-dt/τ}) on average; the threshold is out of reach.
    let src = r#"
project T { tlf = "x", roi = [A] }
circuit A { uniform, transmitter = Glutamate, modulation = Excitatory }
component A { neurons = lif(tau_m: 20 ms, v_rest: -70 mV, v_th: 150 mV) * 200 }
stimulus drive -> A { poisson(rate: 5000 Hz), weight = 1 mV, synapse = exponential(tau: 10 ms) }
simulate { duration = 1 s, dt = 1 ms, record = [syn0(A)] }
"#;
    let net = compile(src);
    let mut e = Engine::build(&net, Path::new(".")).expect("builds");
    assert_eq!(e.run(None, 0, &mut |_| {}), Outcome::Completed);
    let rec = &e.state[0];
    let per_step = rec.hi - rec.lo;
    // Skip the first 100 ms (the traces start at zero).
    let settled = &rec.data[100 * per_step..];
    let mean = settled.iter().sum::<f64>() / settled.len() as f64;
    let expected = 5.0 * 1e-3 / (1.0 - (-0.1f64).exp());
    assert!(
        (mean / expected - 1.0).abs() < 0.02,
        "mean trace {mean} V, expected {expected} V"
    );
}
