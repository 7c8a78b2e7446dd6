//! `bra import`, `bra export` and `bra graph`: exchange with WBAI data and
//! diagrams.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// What to import.
#[derive(Subcommand)]
pub enum Import {
    /// Import a WBAI BIF ontology file (OWL/RDF-XML) into a spec.
    Owl {
        /// The OWL file.
        file: PathBuf,
        /// The spec to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// What to export.
#[derive(Subcommand)]
pub enum Export {}

/// `bra graph` options.
#[derive(Args)]
pub struct GraphArgs {
    /// The spec.
    pub spec: PathBuf,
}

/// Run an import.
pub fn import(what: Import) -> ExitCode {
    match what {
        Import::Owl { file, output } => {
            eprintln!("error: importing {} into {} is not implemented yet", file.display(), output.display());
            ExitCode::from(2)
        }
    }
}

/// Run an export.
pub fn export(what: Export) -> ExitCode {
    match what {}
}

/// Draw a graph.
pub fn graph(args: GraphArgs) -> ExitCode {
    eprintln!("error: drawing {} is not implemented yet", args.spec.display());
    ExitCode::from(2)
}
