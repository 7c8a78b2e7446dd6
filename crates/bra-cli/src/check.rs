//! `bra check` and `bra rules`.

use crate::{Color, Format};
use bra_check::rules::bif::dhba_id_unknown::Dictionary;
use bra_check::{Config, is_known_code};
use bra_model::Model;
use bra_syntax::{Diagnostic, Severity, Sources};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// What checking one spec produced.
pub struct Checked {
    /// The model (with every loaded file's text).
    pub model: Model,
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The spec could not be read at all.
    pub fatal: bool,
}

/// Load, resolve and check one spec, with the levels of the spec and of a
/// `bra.toml` beside it.
pub fn check_file(path: &Path) -> Checked {
    check_file_with(path, None)
}

/// [`check_file`] with a circuit dictionary for SCID108 (`None`: the bundled one).
pub fn check_file_with(path: &Path, dictionary: Option<Arc<Dictionary>>) -> Checked {
    let (model, loaded) = Model::load(path);
    let mut diagnostics = loaded.diagnostics;
    if loaded.fatal {
        return Checked {
            model,
            diagnostics,
            fatal: true,
        };
    }
    let syntax_ok = !diagnostics.iter().any(Diagnostic::is_error);
    if syntax_ok {
        let mut config = Config::default();
        config.dictionary = dictionary;
        let toml_path = path
            .parent()
            .map(|d| d.join("bra.toml"))
            .unwrap_or_else(|| PathBuf::from("bra.toml"));
        if let Ok(text) = std::fs::read_to_string(&toml_path)
            && let Err(e) = config.apply_toml(&text, &is_known_code)
        {
            diagnostics.push(
                Diagnostic::error("E122", format!("{}: {e}", toml_path.display()))
                    .with_help("see `bra check --explain` for codes; levels are deny, warn, allow"),
            );
        }
        config.apply_model(&model, &is_known_code);
        diagnostics.extend(bra_check::check_with(&model, &config));
        // The compiler checks every catalog call (models, synapses,
        // connectors, laws, learning rules) against the catalog.
        let (_, compile_diags) = bra_compile::compile(&model);
        diagnostics.extend(compile_diags);
    }
    bra_syntax::diag::sort(&mut diagnostics);
    // Two stages may report the same fact (a bad unit inside a call is seen
    // by the unit rule and by the compiler): keep one.
    diagnostics.dedup_by(|b, a| {
        a.code == b.code
            && a.primary().map(|l| (l.file, l.span)) == b.primary().map(|l| (l.file, l.span))
    });
    Checked {
        model,
        diagnostics,
        fatal: false,
    }
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Print diagnostics in the chosen format (human to stderr, JSON to stdout).
pub fn print(diags: &[Diagnostic], sources: &Sources, format: Format, color: bool) {
    match format {
        Format::Human => {
            let mut err = std::io::stderr().lock();
            for d in diags {
                let _ = write!(err, "{}", bra_syntax::diag::render(d, sources, color));
            }
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in diags {
                let _ = writeln!(out, "{}", bra_syntax::diag::to_json(d, sources));
            }
        }
    }
}

/// More diagnostics than this get a `by code:` count line after the summary.
const BY_CODE_AFTER: usize = 20;

/// `bra check FILE...`
pub fn run(
    files: &[PathBuf],
    format: Format,
    color: Color,
    select: &[String],
    dictionary: Option<&Path>,
) -> ExitCode {
    let color = use_color(color);
    let dictionary = match dictionary.map(load_dictionary).transpose() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut fatal = false;
    for path in files {
        let mut checked = check_file_with(path, dictionary.clone());
        if !select.is_empty() {
            checked.diagnostics.retain(|d| {
                d.code.starts_with("E0") || select.iter().any(|s| s.eq_ignore_ascii_case(&d.code))
            });
        }
        fatal |= checked.fatal;
        errors += checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        warnings += checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        for d in &checked.diagnostics {
            *by_code.entry(d.code.clone()).or_default() += 1;
        }
        print(&checked.diagnostics, &checked.model.sources, format, color);
    }
    if format == Format::Human {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let what = if files.len() == 1 {
            files[0].display().to_string()
        } else {
            format!("{} files", files.len())
        };
        if errors + warnings == 0 && !fatal {
            eprintln!("{what}: clean");
        } else {
            eprintln!(
                "{what}: {}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
            // Past a screenful of reports, a count per code says what dominates.
            if by_code.values().sum::<usize>() > BY_CODE_AFTER {
                let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
                eprintln!("by code: {}", counts.join(", "));
            }
        }
    }
    if fatal {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Read the file given to `--dictionary`.
fn load_dictionary(path: &Path) -> Result<Arc<Dictionary>, String> {
    let text = crate::io::read_text(path)?;
    let shown = path.display().to_string();
    Dictionary::parse(&text, &format!("`{shown}`"))
        .map(Arc::new)
        .map_err(|e| format!("cannot use `{shown}` as a circuit dictionary: {e}"))
}

/// `bra check --explain CODE`
pub fn explain(code: &str) -> ExitCode {
    match bra_check::rule(code) {
        Some(rule) => {
            println!("{}", bra_check::explain(rule));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: no rule has the code `{code}`; `bra rules` lists them");
            ExitCode::from(2)
        }
    }
}

/// `bra rules`
pub fn list_rules(format: Format) -> ExitCode {
    let mut out = std::io::stdout().lock();
    for (family, rules) in bra_check::rules::families() {
        if format == Format::Human {
            let _ = writeln!(out, "{family}:");
        }
        for r in rules {
            match format {
                Format::Human => {
                    let wbai = r.wbai.map(|c| format!(" [WBAI {c}]")).unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {:<8} {:<7} {:<32} {}{}",
                        r.code,
                        r.severity.to_string(),
                        r.name,
                        r.summary,
                        wbai
                    );
                }
                Format::Json => {
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::json!({
                            "code": r.code, "name": r.name, "family": family,
                            "severity": r.severity, "summary": r.summary, "wbai_code": r.wbai,
                        })
                    );
                }
            }
        }
    }
    ExitCode::SUCCESS
}
