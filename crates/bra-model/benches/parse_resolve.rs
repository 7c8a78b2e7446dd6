//! Parse + resolve of the synthetic spec at 1×, 2× and 4× (1× = 10,000
//! circuits, 10,000 components, 50,000 connections and flows).
//!
//! `cargo bench -p bra-model --bench parse_resolve`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn parse_resolve(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_resolve");
    group.sample_size(10);
    for scale in [1usize, 2, 4] {
        let text = bra_model::synth::generate(scale);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{scale}x")),
            &text,
            |b, text| {
                b.iter(|| {
                    let loaded = bra_model::load_str("syn.bra", black_box(text));
                    let model = bra_model::Model::build(loaded.sources, &loaded.files);
                    black_box(model.flows.len())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, parse_resolve);
criterion_main!(benches);
