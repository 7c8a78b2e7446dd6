//! Using bra as a library: load a spec, check it, compile it, run it for a
//! short while and print each population's rate.
//!
//! `cargo run --release -p bra-cli --example library_api -- specs/cuba.bra`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "specs/cuba.bra".into()),
    );
    // 1. Load and resolve (syntax and loading errors come back as diagnostics).
    let (model, loaded) = bra_model::Model::load(&path);
    // 2. Check: every rule of the registry, with the spec's own levels.
    let mut diags = loaded.diagnostics;
    diags.extend(bra_check::check(&model));
    // 3. Compile to the network IR (SI units, spans kept).
    let (mut net, compile_diags) = bra_compile::compile(&model);
    diags.extend(compile_diags);
    for d in &diags {
        eprint!("{}", bra_syntax::diag::render(d, &model.sources, false));
    }
    if diags.iter().any(|d| d.is_error()) {
        return ExitCode::from(1);
    }
    // 4. Run 200 ms and report.
    net.run.duration = 0.2;
    let base = path.parent().unwrap_or(std::path::Path::new("."));
    let mut engine = match bra_runtime::Engine::build(&net, base) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = engine.run(None, 0, &mut |_| {});
    println!("{outcome:?}");
    for (p, rec) in engine.spikes.iter().enumerate() {
        if let Some(rec) = rec {
            let pop = &engine.pops[p];
            let s = bra_runtime::stats::population(&pop.name, pop.size, rec, net.run.duration);
            println!(
                "{:<12} {:>6} neurons {:>8.2} Hz",
                s.name, s.size, s.mean_rate_hz
            );
        }
    }
    ExitCode::SUCCESS
}
