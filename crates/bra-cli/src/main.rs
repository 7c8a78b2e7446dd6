//! The `bra` command line.

mod check;
mod compare;
mod compile;
mod export_sim;
mod fmt;
mod interop;
mod io;
mod simulate;
mod train;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// bra — declarative brain-architecture modelling: check an architecture
/// against its anatomy, then compile and run it.
#[derive(Parser)]
#[command(name = "bra", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// rustc-style reports with source lines and carets.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    /// Colour when stderr is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs: syntax, names, units and the SCID rules.
    ///
    /// Exit status: 0 when clean (warnings allowed), 1 when there are
    /// errors, 2 when a file could not be read.
    Check {
        /// Spec files (.bra, .yaml).
        #[arg(required_unless_present = "explain")]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Print the documentation of a rule code and exit.
        #[arg(long, value_name = "CODE")]
        explain: Option<String>,
        /// Colour.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Report only these codes (comma-separated, e.g. `SCID601,W701`);
        /// syntax and loading errors are always reported.
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        select: Vec<String>,
        /// Check DHBA circuit IDs (SCID108) against this WholeBIF-style
        /// dictionary (`Circuit ID,Source of ID,Names`) instead of the bundled one.
        #[arg(long, value_name = "FILE")]
        dictionary: Option<PathBuf>,
    },
    /// Format specs canonically (keeps comments), or convert between .bra and YAML.
    ///
    /// Without --check, files are rewritten in place; conversions (--to) go to
    /// stdout or to -o FILE.
    Fmt {
        /// Spec files (.bra, .yaml).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Only report files that are not formatted (exit 1 if any).
        #[arg(long)]
        check: bool,
        /// Convert to this format.
        #[arg(long, value_enum)]
        to: Option<fmt::Target>,
        /// Write the result here (one input file).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the result instead of rewriting the file.
        #[arg(long)]
        stdout: bool,
    },
    /// Compile a spec to the network IR (populations, projections, inputs,
    /// recorders, run settings; SI units).
    Compile {
        /// The spec.
        spec: PathBuf,
        /// Serialisation.
        #[arg(long, value_enum, default_value = "yaml")]
        emit: compile::Emit,
        /// Write the IR here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print neurons, synapses, bytes and expected spikes/s, and stop.
        #[arg(long)]
        estimate: bool,
        /// Refuse networks estimated above this memory (e.g. 8GiB).
        #[arg(long, default_value = compile::DEFAULT_BUDGET)]
        budget: String,
    },
    /// Document a catalog entry (neuron model, synapse, connector, law,
    /// learning rule, encoder); without a name, list the catalog.
    Explain {
        /// The entry, e.g. `lif`, `izhikevich`, `stdp`.
        name: Option<String>,
    },
    /// Run a spec: spikes (.npy), recorded state (.npy), summary.json and,
    /// with --plot, a raster plot, in the output folder.
    Simulate {
        /// The spec.
        spec: PathBuf,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        output: PathBuf,
        /// Simulated time, overriding the spec (e.g. `2 s`, `500 ms`).
        #[arg(long)]
        duration: Option<String>,
        /// Seed, overriding the spec.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (0 = one per core; a run uses at most one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Also write raster.png and raster.svg.
        #[arg(long)]
        plot: bool,
        /// Refuse networks estimated above this memory.
        #[arg(long, default_value = compile::DEFAULT_BUDGET)]
        budget: String,
        /// Start from the weights an earlier run saved (its output folder or
        /// its weights/ folder).
        #[arg(long)]
        weights: Option<PathBuf>,
    },
    /// Train the network a spec declares (`train { … }`): metrics per epoch,
    /// a learning curve and the trained weights.
    Train(train::TrainArgs),
    /// Import anatomy from WBAI formats (BIF OWL, BRA template CSV sheets).
    Import {
        #[command(subcommand)]
        what: interop::Import,
    },
    /// Export a spec (BRA template CSV sheets, …).
    Export {
        #[command(subcommand)]
        what: interop::Export,
    },
    /// Draw the BIF, HCD or FRG of a spec (dot, mermaid, draw.io, svg).
    Graph(interop::GraphArgs),
    /// Compare two run folders (bra's, or an exported NEST run's): mean
    /// rate and CV per population, side by side; exit 1 beyond the tolerance.
    Compare {
        /// First output folder.
        a: PathBuf,
        /// Second output folder.
        b: PathBuf,
        /// Largest relative difference accepted.
        #[arg(long, default_value_t = 0.15)]
        tolerance: f64,
    },
    /// List every rule of the registry.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            files,
            format,
            explain,
            color,
            select,
            dictionary,
        } => match explain {
            Some(code) => check::explain(&code),
            None => check::run(&files, format, color, &select, dictionary.as_deref()),
        },
        Command::Rules { format } => check::list_rules(format),
        Command::Compare { a, b, tolerance } => compare::run(&a, &b, tolerance),
        Command::Compile {
            spec,
            emit,
            output,
            estimate,
            budget,
        } => compile::run(&spec, emit, output.as_deref(), estimate, &budget),
        Command::Explain { name } => compile::explain(name.as_deref()),
        Command::Import { what } => interop::import(what),
        Command::Export { what } => interop::export(what),
        Command::Graph(args) => interop::graph(args),
        Command::Train(args) => train::run(args),
        Command::Simulate {
            spec,
            output,
            duration,
            seed,
            threads,
            plot,
            budget,
            weights,
        } => simulate::run(simulate::Options {
            spec: &spec,
            out: &output,
            duration: duration.as_deref(),
            seed,
            threads,
            plot,
            budget: &budget,
            weights: weights.as_deref(),
        }),
        Command::Fmt {
            files,
            check,
            to,
            output,
            stdout,
        } => fmt::run(&files, check, to, output.as_deref(), stdout),
    }
}
