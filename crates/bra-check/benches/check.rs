//! Every rule over the synthetic spec at 1×, 2× and 4× (1× = 10,000
//! circuits, 10,000 components, 50,000 connections and flows). The model is
//! built once outside the timing; only `bra_check::check` is measured.
//!
//! `cargo bench -p bra-check --bench check`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for scale in [1usize, 2, 4] {
        let text = bra_model::synth::generate(scale);
        let loaded = bra_model::load_str("syn.bra", &text);
        let model = bra_model::Model::build(loaded.sources, &loaded.files);
        let diags = bra_check::check(&model);
        assert!(
            diags.iter().all(|d| !d.is_error()),
            "the synthetic spec checks clean: {:?}",
            diags.iter().find(|d| d.is_error())
        );
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{scale}x")),
            &model,
            |b, m| b.iter(|| black_box(bra_check::check(black_box(m)).len())),
        );
    }
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
