//! The `bra` command line.

mod check;

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
        } => match explain {
            Some(code) => check::explain(&code),
            None => check::run(&files, format, color),
        },
        Command::Rules { format } => check::list_rules(format),
    }
}
