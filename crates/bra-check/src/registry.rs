//! The rule type, the context a rule runs in, and the manager that runs them.

use crate::config::{Config, Level};
use bra_model::Model;
use bra_syntax::{Diagnostic, Severity};

/// One check: a stable code, a default severity, a one-line summary, a doc
/// block and the function that runs it over a model.
///
/// Each rule lives in its own file under `rules/<family>/`; the docs of
/// `bra rules` and `bra check --explain` are generated from these fields.
pub struct Rule {
    /// Stable code users search for and configure (`SCID203`, `E101`).
    pub code: &'static str,
    /// Kebab-case name (`sender-not-uniform`).
    pub name: &'static str,
    /// Severity unless the project configures another.
    pub severity: Severity,
    /// One line: what is wrong when it fires.
    pub summary: &'static str,
    /// The matching code of WBAI's automatic BRA review, where one exists.
    pub wbai: Option<u16>,
    /// Markdown with `## What it checks`, `## Why`, `## Example`, `## References`.
    pub doc: &'static str,
    /// Run the rule.
    pub run: fn(&mut Ctx),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

/// What a rule sees while it runs: the model, and where to put what it finds.
pub struct Ctx<'m> {
    /// The model under check.
    pub model: &'m Model,
    /// The settings of this run (read by rules that need the ROI etc.).
    pub config: &'m Config,
    rule: &'static Rule,
    out: Vec<Diagnostic>,
}

impl<'m> Ctx<'m> {
    /// A diagnostic with this rule's code, severity and WBAI code filled in.
    pub fn diag(&self, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(self.rule.code, message);
        d.severity = self.rule.severity;
        d.wbai_code = self.rule.wbai;
        d
    }

    /// Report a finding.
    pub fn emit(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

/// Run every rule of `rules` over the model, honouring the configured levels.
/// The result is sorted by file and position.
pub fn run(model: &Model, config: &Config, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    for &rule in rules {
        let level = config.level(rule.code);
        if level == Some(Level::Allow) {
            continue;
        }
        let mut ctx = Ctx {
            model,
            config,
            rule,
            out: Vec::new(),
        };
        (rule.run)(&mut ctx);
        for mut d in ctx.out {
            match level {
                Some(Level::Deny) => d.severity = Severity::Error,
                Some(Level::Warn) => d.severity = Severity::Warning,
                _ => {}
            }
            all.push(d);
        }
    }
    bra_syntax::diag::sort(&mut all);
    all
}
