//! `bra import`, `bra export` and `bra graph`: exchange with WBAI data and
//! diagrams.
//!
//! Exit status: 0 when done (warnings allowed), 1 when the input has errors
//! (nothing is written), 2 when a file could not be read or written.

use bra_interop::graph::{self, View};
use bra_interop::{owl, sheets, write};
use bra_syntax::{Diagnostic, Severity, Sources};
use clap::{Args, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to import.
#[derive(Subcommand)]
pub enum Import {
    /// Import a WBAI BIF ontology file (OWL/RDF-XML) into a spec.
    ///
    /// Every circuit and connection becomes an item; what does not map is
    /// kept as a `// not mapped` comment and counted.
    Owl {
        /// The OWL file.
        file: PathBuf,
        /// The spec to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Import the BRA template v2-2 sheets (Project.csv, References.csv,
    /// Circuits.csv, Connections.csv, FRG.csv) from a folder into a spec.
    BraCsv {
        /// The folder holding the sheets as CSV.
        dir: PathBuf,
        /// The spec to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// What to export.
#[derive(Subcommand)]
pub enum Export {
    /// Write a spec as the five BRA template v2-2 sheets (CSV) into a folder.
    BraCsv {
        /// The spec.
        spec: PathBuf,
        /// The folder to write Project.csv, References.csv, Circuits.csv,
        /// Connections.csv and FRG.csv into (created when missing).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a self-contained NEST (3.x) Python script of the compiled
    /// network; it runs it and saves spikes in bra's output layout
    /// (`python3 model.py OUT_DIR`). Parts NEST cannot run exactly are
    /// refused with a diagnostic, never approximated.
    Nest {
        /// The spec.
        spec: PathBuf,
        /// The script to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// NeuroML 2 / LEMS (not available yet: says so).
    Neuroml {
        /// The spec.
        spec: PathBuf,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// PyNN (not available yet: says so).
    Pynn {
        /// The spec.
        spec: PathBuf,
        /// The script to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// NIR (not available yet: says so).
    Nir {
        /// The spec.
        spec: PathBuf,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Which diagram to draw.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ViewArg {
    /// Circuits nested by part-of, connections styled by the sender's modulation.
    Bif,
    /// Components and flows.
    Hcd,
    /// The function realisation graph.
    Frg,
}

/// The diagram's format.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// draw.io (mxGraph XML).
    Drawio,
    /// SVG, rendered by Graphviz's `dot` (which must be installed).
    Svg,
}

/// `bra graph` options.
#[derive(Args)]
pub struct GraphArgs {
    /// The spec.
    pub spec: PathBuf,
    /// Which diagram.
    #[arg(long, value_enum, default_value = "bif")]
    pub view: ViewArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    /// Write the diagram here instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print(diags: &[Diagnostic], sources: &Sources) {
    let color = color();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", bra_syntax::diag::render(d, sources, color));
    }
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Run an import.
pub fn import(what: Import) -> ExitCode {
    match what {
        Import::Owl { file, output } => import_owl(&file, &output),
        Import::BraCsv { dir, output } => import_sheets(&dir, &output),
    }
}

fn import_owl(file: &Path, output: &Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let mut sources = Sources::new();
    let shown = file.display().to_string();
    match owl::import(&mut sources, &shown, &bytes) {
        Ok(imported) => {
            print(&imported.diagnostics, &sources);
            if has_errors(&imported.diagnostics) {
                return ExitCode::from(1);
            }
            if let Err(e) = write::write_atomic(output, imported.text.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            eprintln!(
                "{}",
                imported.summary.line(&shown, &output.display().to_string())
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print(&diags, &sources);
            eprintln!("{shown}: not imported; {} unchanged", output.display());
            ExitCode::from(1)
        }
    }
}

fn import_sheets(dir: &Path, output: &Path) -> ExitCode {
    let mut sources = Sources::new();
    match sheets::import_dir(dir, &mut sources) {
        Ok(imported) => {
            print(&imported.diagnostics, &sources);
            if let Err(e) = write::write_atomic(output, imported.text.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            eprintln!(
                "{}",
                imported
                    .summary
                    .line(&dir.display().to_string(), &output.display().to_string())
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print(&diags, &sources);
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "{}: not imported ({errors} error{}); {} unchanged",
                dir.display(),
                if errors == 1 { "" } else { "s" },
                output.display()
            );
            // A folder or sheet that cannot be read at all is "could not run".
            let unreadable = diags.iter().all(|d| d.code == "I019" || !d.is_error());
            ExitCode::from(if unreadable { 2 } else { 1 })
        }
    }
}

/// Load a spec's files; `Err` with the exit code after printing why not.
fn load(spec: &Path, verb: &str) -> Result<bra_model::Loaded, ExitCode> {
    let loaded = bra_model::load(spec);
    if loaded.fatal || has_errors(&loaded.diagnostics) {
        print(&loaded.diagnostics, &loaded.sources);
        eprintln!("{}: not {verb}: fix the errors above first", spec.display());
        return Err(ExitCode::from(if loaded.fatal { 2 } else { 1 }));
    }
    print(&loaded.diagnostics, &loaded.sources);
    Ok(loaded)
}

/// Run an export.
pub fn export(what: Export) -> ExitCode {
    match what {
        Export::Nest { spec, output } => crate::export_sim::run("nest", &spec, &output),
        Export::Neuroml { spec, output } => crate::export_sim::run("neuroml", &spec, &output),
        Export::Pynn { spec, output } => crate::export_sim::run("pynn", &spec, &output),
        Export::Nir { spec, output } => crate::export_sim::run("nir", &spec, &output),
        Export::BraCsv { spec, output } => {
            let loaded = match load(&spec, "exported") {
                Ok(l) => l,
                Err(code) => return code,
            };
            let files: Vec<bra_syntax::ast::File> =
                loaded.files.into_iter().map(|(_, f)| f).collect();
            let exported = sheets::export(&files);
            if let Err(e) = write::write_files_atomic(&output, &exported.files) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            eprintln!("{}", exported.summary.line(&output.display().to_string()));
            ExitCode::SUCCESS
        }
    }
}

/// Draw a graph.
pub fn graph(args: GraphArgs) -> ExitCode {
    let mut loaded = match load(&args.spec, "drawn") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let files = std::mem::take(&mut loaded.files);
    let model = bra_model::Model::build(std::mem::take(&mut loaded.sources), &files);
    let view = match args.view {
        ViewArg::Bif => View::Bif,
        ViewArg::Hcd => View::Hcd,
        ViewArg::Frg => View::Frg,
    };
    let g = graph::build(&model, view);
    let text = match args.format {
        GraphFormat::Dot => graph::to_dot(&g),
        GraphFormat::Mermaid => graph::to_mermaid(&g),
        GraphFormat::Drawio => graph::to_drawio(&g),
        GraphFormat::Svg => match graph::dot_to_svg(&graph::to_dot(&g)) {
            Ok(svg) => svg,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = write::write_atomic(path, text.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            eprintln!(
                "wrote the {} of {} ({} nodes, {} edges) to {}",
                view.name(),
                args.spec.display(),
                g.nodes.len(),
                g.edges.len(),
                path.display()
            );
        }
        None => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    ExitCode::SUCCESS
}
