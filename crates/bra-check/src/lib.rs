//! `bra-check`: the rule registry behind `bra check`.
//!
//! Each rule is one file under `rules/<family>/` holding a [`Rule`]: a stable
//! code, a severity, a one-line summary, a doc block (what it checks, why —
//! with the WBAI review code or the literature — and an example) and the
//! function that runs it over a [`bra_model::Model`]. [`check`] runs them
//! all; `bra rules` and `bra check --explain` read the same registry.

pub mod config;
pub mod registry;
pub mod rules;
pub mod walk;

pub use config::{Config, Level};
pub use registry::{Ctx, Rule};

use bra_model::Model;
use bra_syntax::Diagnostic;

/// Every rule, in registry order.
pub fn all_rules() -> Vec<&'static Rule> {
    rules::families()
        .into_iter()
        .flat_map(|(_, r)| r.iter().copied())
        .collect()
}

/// The rule with this code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static Rule> {
    all_rules()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// True when a rule has this code.
pub fn is_known_code(code: &str) -> bool {
    rule(code).is_some()
}

/// Run every rule over the model with the levels configured in the spec.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let config = Config::from_model(model, &is_known_code);
    check_with(model, &config)
}

/// Run every rule with an explicit configuration; the configuration's own
/// diagnostics come first.
pub fn check_with(model: &Model, config: &Config) -> Vec<Diagnostic> {
    let mut out = config.diagnostics.clone();
    out.extend(registry::run(model, config, &all_rules()));
    out
}

/// The doc of a rule as `bra check --explain` prints it.
pub fn explain(rule: &Rule) -> String {
    let wbai = rule
        .wbai
        .map(|c| format!("WBAI review code: {c}\n"))
        .unwrap_or_default();
    format!(
        "{} ({}) — {}\nDefault severity: {}\n{}\n{}",
        rule.code,
        rule.name,
        rule.summary,
        rule.severity,
        wbai,
        rule.doc.trim_end()
    )
}
