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
    /// Import a NIR graph (HDF5, as `nir.write` saves it) into a spec.
    ///
    /// LIF/CubaLIF nodes become lif populations, weight and delay chains
    /// become flows (connections that are not all-to-all or one-to-one go
    /// to `<spec>_nir/*.csv` beside the spec), Input nodes become sources.
    /// What bra cannot represent is an error naming the node. Needs a bra
    /// built with `--features nir`.
    Nir {
        /// The NIR file.
        file: PathBuf,
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
    /// NeuroML 2 (`*.net.nml`, valid for `pynml -validate`) and, beside it,
    /// a LEMS simulation `LEMS_<name>.xml` (duration, dt, seed, spikes of
    /// the recorded populations to `<name>.<population>.spikes`) that
    /// `jnml LEMS_<name>.xml -nogui` runs. Parts NeuroML cannot express
    /// exactly are refused with a diagnostic.
    Neuroml {
        /// The spec.
        spec: PathBuf,
        /// The NeuroML file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Write only the NeuroML file, no LEMS simulation.
        #[arg(long)]
        no_lems: bool,
    },
    /// PyNN: a Python script that builds the network with PyNN's standard
    /// cell types, synapses and connectors, runs it on the backend named by
    /// BRA_PYNN_SIMULATOR (default nest) and writes spikes in bra's output
    /// layout; what PyNN cannot express exactly is refused, naming the part.
    Pynn {
        /// The spec.
        spec: PathBuf,
        /// The script to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write the compiled network as a NIR graph (HDF5; `nir.read` loads
    /// it): lif as LIF/CubaLIF, flows as Linear + Delay with the synapses
    /// bra draws for the seed, sources as Input nodes. Parts NIR cannot
    /// express are refused with a diagnostic. Needs a bra built with
    /// `--features nir`.
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
        Import::Nir { file, output } => import_nir(&file, &output),
    }
}

/// Without the `nir` feature: say how to get it.
#[cfg(not(feature = "nir"))]
fn no_nir() -> ExitCode {
    eprintln!(
        "error: this bra was built without NIR support; rebuild it with `cargo build --release --features bra-cli/nir` (needs libhdf5-dev and pkg-config: `apt-get install libhdf5-dev pkg-config`)"
    );
    ExitCode::from(2)
}

#[cfg(not(feature = "nir"))]
fn import_nir(_file: &Path, _output: &Path) -> ExitCode {
    no_nir()
}

#[cfg(not(feature = "nir"))]
fn export_nir(_spec: &Path, _output: &Path) -> ExitCode {
    no_nir()
}

/// `bra import nir FILE -o SPEC`: exit 1 when the graph has parts bra
/// cannot represent (each printed), 2 when a file cannot be read or written.
#[cfg(feature = "nir")]
fn import_nir(file: &Path, output: &Path) -> ExitCode {
    use bra_export::nir;
    let shown = file.display().to_string();
    let read = match nir::h5::read(file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let stem = output
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    let imported = match nir::import::import(&read.graph, &stem, &shown, &bra_syntax::is_keyword) {
        Ok(i) => i,
        Err(errs) => {
            for e in &errs {
                eprintln!("error: {shown}: {e}");
            }
            eprintln!(
                "{shown}: not imported ({} problem(s)); {} unchanged",
                errs.len(),
                output.display()
            );
            return ExitCode::from(1);
        }
    };
    let text = match bra_syntax::fmt::format_source(&imported.text, bra_syntax::FileId(0)) {
        Ok(t) => t,
        Err(_) => imported.text.clone(),
    };
    let dir = output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for (rel, contents) in &imported.files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("error: cannot create {}: {e}", parent.display());
            return ExitCode::from(2);
        }
        if let Err(e) = write::write_atomic(&path, contents.as_bytes()) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    if let Err(e) = write::write_atomic(output, text.as_bytes()) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "imported {shown} (NIR {}) into {}: {} populations, {} flows, {} stimuli{}",
        read.version.as_deref().unwrap_or("version unknown"),
        output.display(),
        imported.populations,
        imported.flows,
        imported.stimuli,
        if imported.files.is_empty() {
            String::new()
        } else {
            format!("; {} connection file(s) beside it", imported.files.len())
        }
    );
    ExitCode::SUCCESS
}

/// `bra export nir SPEC -o FILE`: exit 1 when parts cannot be mapped (each
/// printed, nothing written), 2 when the spec does not compile or the file
/// cannot be written.
#[cfg(feature = "nir")]
fn export_nir(spec: &Path, output: &Path) -> ExitCode {
    use bra_export::nir;
    let net = match crate::compile::compile_checked(spec) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let base = spec.parent().unwrap_or(Path::new("."));
    match nir::write(&net, base, output) {
        Ok(s) => {
            for n in &s.notes {
                eprintln!("note: {n}");
            }
            eprintln!(
                "wrote {} (nir): {} nodes, {} edges, {} synapses",
                output.display(),
                s.nodes,
                s.edges,
                s.synapses
            );
            ExitCode::SUCCESS
        }
        Err(nir::Error::Refused(diags)) => {
            for d in &diags {
                eprintln!("error: cannot export to nir: {d}");
            }
            eprintln!(
                "{} part(s) of {} cannot be expressed in NIR; nothing written",
                diags.len(),
                spec.display()
            );
            ExitCode::from(1)
        }
        Err(nir::Error::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
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
        Export::Neuroml {
            spec,
            output,
            no_lems,
        } => export_neuroml(&spec, &output, !no_lems),
        Export::Pynn { spec, output } => crate::export_sim::run("pynn", &spec, &output),
        Export::Nir { spec, output } => export_nir(&spec, &output),
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

/// `bra export neuroml`: the NeuroML network, then (unless `--no-lems`) the
/// LEMS simulation beside it, `LEMS_<name>.xml` (`<name>` is the file name
/// without `.net.nml` or `.nml`). Exit 1 when parts cannot be mapped, 2 when
/// the spec does not compile or a file cannot be written.
fn export_neuroml(spec: &Path, output: &Path, lems: bool) -> ExitCode {
    let net = match crate::compile::compile_checked(spec) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let text = match bra_export::neuroml::export(&net) {
        Ok(t) => t,
        Err(diags) => {
            for d in &diags {
                eprintln!("error: cannot export to neuroml: {d}");
            }
            eprintln!(
                "{} part(s) of {} cannot be mapped exactly to neuroml; nothing written",
                diags.len(),
                spec.display()
            );
            return ExitCode::from(1);
        }
    };
    let file = output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model.net.nml".into());
    let stem = file
        .strip_suffix(".net.nml")
        .or_else(|| file.strip_suffix(".nml"))
        .unwrap_or(&file)
        .to_string();
    let mut files = vec![(output.to_path_buf(), text)];
    if lems {
        let path = output.with_file_name(format!("LEMS_{stem}.xml"));
        files.push((path, bra_export::neuroml::lems(&net, &file, &stem)));
    }
    for (path, text) in &files {
        if let Err(e) = bra_runtime::io::write_atomic(path, |f| f.write_all(text.as_bytes())) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
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

#[cfg(all(test, not(feature = "nir")))]
mod without_nir {
    use super::*;

    #[test]
    fn nir_commands_say_how_to_rebuild_and_exit_2() {
        let missing = Path::new("no-such-spec.bra");
        assert_eq!(
            export(Export::Nir {
                spec: missing.into(),
                output: "out.nir".into(),
            }),
            ExitCode::from(2)
        );
        assert_eq!(
            import(Import::Nir {
                file: "in.nir".into(),
                output: "out.bra".into(),
            }),
            ExitCode::from(2)
        );
        assert!(!Path::new("out.nir").exists() && !Path::new("out.bra").exists());
    }
}
