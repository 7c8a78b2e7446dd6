//! `bra compile` and `bra explain`.

use crate::check::{check_file, print};
use crate::{Format, io};
use bra_compile::catalog;
use bra_compile::estimate::{self, Estimate};
use bra_syntax::Diagnostic;
use std::path::Path;
use std::process::ExitCode;

/// The serialisation `bra compile --emit` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum Emit {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

/// Default memory budget for `--estimate` and for refusing a run: 16 GiB.
pub const DEFAULT_BUDGET: &str = "16GiB";

/// Check and compile a spec; `Err` is the exit code after printing diagnostics.
pub fn compile_checked(path: &Path) -> Result<bra_compile::Network, ExitCode> {
    let checked = check_file(path);
    if checked.fatal {
        print(
            &checked.diagnostics,
            &checked.model.sources,
            Format::Human,
            false,
        );
        return Err(ExitCode::from(2));
    }
    let errors: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        print(
            &checked.diagnostics,
            &checked.model.sources,
            Format::Human,
            false,
        );
        eprintln!(
            "{}: {} error(s); not compiled",
            path.display(),
            errors.len()
        );
        return Err(ExitCode::from(1));
    }
    let (net, _) = bra_compile::compile(&checked.model);
    Ok(net)
}

/// Serialise the IR deterministically.
pub fn emit(net: &bra_compile::Network, format: Emit) -> Result<String, String> {
    match format {
        Emit::Json => serde_json::to_string_pretty(net)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
        Emit::Yaml => {
            // Through serde_json's Value: maps are ordered and floats print
            // the same on every machine (shortest round-trip form).
            let v = serde_json::to_value(net).map_err(|e| e.to_string())?;
            bra_syntax::yaml::serialize(&v)
        }
    }
}

/// Print the estimate table.
pub fn print_estimate(e: &Estimate, budget: u64) {
    println!("neurons              {:>14}", e.neurons);
    println!("synapses (expected)  {:>14.0}", e.synapses_expected);
    println!("synapses (bound)     {:>14}", e.synapses_bound);
    println!(
        "state                {:>14}",
        estimate::human_bytes(e.state_bytes)
    );
    println!(
        "synapse memory       {:>14}",
        estimate::human_bytes(e.synapse_bytes)
    );
    println!(
        "total                {:>14}",
        estimate::human_bytes(e.total_bytes())
    );
    println!("budget               {:>14}", estimate::human_bytes(budget));
    match e.spikes_per_second {
        Some(r) => println!("input spikes/s       {r:>14.0}   (sources with known rates)"),
        None => println!("input spikes/s       {:>14}", "unknown"),
    }
    for (name, exp, bound) in &e.projections {
        println!("  {name:<32} {exp:>14.0} expected, {bound} at most");
    }
}

/// `bra compile SPEC [--emit yaml|json] [-o FILE] [--estimate] [--budget B]`
pub fn run(
    path: &Path,
    format: Emit,
    output: Option<&Path>,
    estimate_only: bool,
    budget: &str,
) -> ExitCode {
    let Some(budget_bytes) = estimate::parse_bytes(budget) else {
        eprintln!("error: cannot read the budget `{budget}`; write e.g. 8GiB or 512MiB");
        return ExitCode::from(2);
    };
    let net = match compile_checked(path) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let est = estimate::estimate(&net);
    if estimate_only {
        print_estimate(&est, budget_bytes);
    }
    if est.total_bytes() > budget_bytes {
        eprintln!(
            "error[R001]: the network needs about {} (state {}, synapses {}), over the budget of {}",
            estimate::human_bytes(est.total_bytes()),
            estimate::human_bytes(est.state_bytes),
            estimate::human_bytes(est.synapse_bytes),
            estimate::human_bytes(budget_bytes)
        );
        eprintln!("  help: shrink the populations or connection probabilities, or raise --budget");
        return ExitCode::from(1);
    }
    if estimate_only {
        return ExitCode::SUCCESS;
    }
    let text = match emit(&net, format) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match output {
        Some(o) => {
            if let Err(e) = io::write_atomic(o, text.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

/// `bra explain NAME` / `bra explain --list`
pub fn explain(name: Option<&str>) -> ExitCode {
    match name {
        None => {
            let mut kind = None;
            for e in catalog::all() {
                if kind != Some(e.kind) {
                    println!("{}:", e.kind.heading());
                    kind = Some(e.kind);
                }
                println!("  {:<20} {}", e.name, e.summary);
            }
            ExitCode::SUCCESS
        }
        Some(n) => match catalog::find(n) {
            Some(e) => {
                print!("{}", catalog::docs::explain(e));
                ExitCode::SUCCESS
            }
            None => {
                let best = catalog::all()
                    .into_iter()
                    .map(|e| (strsim_like(e.name, n), e.name))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(s, _)| *s >= 0.7)
                    .map(|(_, n)| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                eprintln!(
                    "error: nothing in the catalog is called `{n}`{best}; `bra explain` lists every entry"
                );
                ExitCode::from(2)
            }
        },
    }
}

/// Similarity of two names in [0, 1] (shared-prefix weighted).
fn strsim_like(a: &str, b: &str) -> f64 {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let max = a.chars().count().max(b.chars().count()).max(1);
    common as f64 / max as f64
}
