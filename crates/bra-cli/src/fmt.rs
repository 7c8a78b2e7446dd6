//! `bra fmt`: canonical formatting, and conversion between `.bra` and YAML.

use crate::check::print;
use crate::{Format, io};
use bra_syntax::{Diagnostic, Sources};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The target of a conversion.
#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum Target {
    /// `.bra` text.
    Bra,
    /// YAML.
    Yaml,
}

fn is_yaml(p: &Path) -> bool {
    bra_model::load::is_yaml(p)
}

/// Format (or convert) one file's text; `Err` carries the syntax errors.
fn render(
    path: &Path,
    text: &str,
    to: Target,
    sources: &mut Sources,
) -> Result<String, Vec<Diagnostic>> {
    let id = sources.add(path.display().to_string(), text);
    match (is_yaml(path), to) {
        (false, Target::Bra) => bra_syntax::format_source(text, id),
        (false, Target::Yaml) => bra_syntax::yaml::bra_to_yaml(text, id),
        (true, Target::Bra) => bra_syntax::yaml::yaml_to_bra(text, id),
        (true, Target::Yaml) => {
            let (file, layout, diags) = bra_syntax::parse_yaml_with_layout(text, id);
            if diags.iter().any(Diagnostic::is_error) {
                Err(diags)
            } else {
                Ok(bra_syntax::to_yaml_with(&file, &layout))
            }
        }
    }
}

/// `bra fmt [--check] [--to bra|yaml] [-o OUT] FILE...`
pub fn run(
    files: &[PathBuf],
    check: bool,
    to: Option<Target>,
    output: Option<&Path>,
    stdout: bool,
) -> ExitCode {
    if output.is_some() && files.len() != 1 {
        eprintln!("error: -o/--output takes exactly one input file");
        return ExitCode::from(2);
    }
    let mut failed = false;
    let mut unformatted = Vec::new();
    for path in files {
        let text = match io::read_text(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let target = to.unwrap_or(if is_yaml(path) {
            Target::Yaml
        } else {
            Target::Bra
        });
        let mut sources = Sources::new();
        let out = match render(path, &text, target, &mut sources) {
            Ok(o) => o,
            Err(diags) => {
                print(&diags, &sources, Format::Human, false);
                eprintln!(
                    "{}: not formatted: fix the syntax errors first",
                    path.display()
                );
                failed = true;
                continue;
            }
        };
        let converting = to.is_some_and(|t| (t == Target::Yaml) != is_yaml(path));
        if check {
            if out != text {
                unformatted.push(path.display().to_string());
            }
            continue;
        }
        if let Some(o) = output {
            if let Err(e) = io::write_atomic(o, out.as_bytes()) {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        } else if stdout || converting {
            print!("{out}");
        } else if out != text
            && let Err(e) = io::write_atomic(path, out.as_bytes())
        {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    for u in &unformatted {
        eprintln!("would reformat {u}");
    }
    if failed || !unformatted.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
