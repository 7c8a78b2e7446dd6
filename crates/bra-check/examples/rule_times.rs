fn main() {
    let scale: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let text = bra_model::synth::generate(scale);
    let loaded = bra_model::load_str("syn.bra", &text);
    let model = bra_model::Model::build(loaded.sources, &loaded.files);
    let cfg = bra_check::Config::default();
    for r in bra_check::all_rules() {
        let t = std::time::Instant::now();
        let d = bra_check::registry::run(&model, &cfg, &[r]);
        println!(
            "{:8} {:>10.3} ms {}",
            r.code,
            t.elapsed().as_secs_f64() * 1e3,
            d.len()
        );
    }
}
