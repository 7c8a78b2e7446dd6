//! Per-project rule levels, as linters have them: `deny`, `warn` or `allow`
//! per code, declared in the spec's `project` block or in a `bra.toml` beside
//! the spec.
//!
//! ```text
//! project HP01 { allow = [W701], deny = [W702] }
//! ```
//!
//! ```toml
//! [lints]
//! W701 = "allow"
//! SCID602 = "warn"
//! ```
//!
//! The spec wins over `bra.toml` where both name a code.

use bra_model::Model;
use bra_syntax::ast::ExprKind;
use bra_syntax::{Diagnostic, FileId, Span};
use std::collections::BTreeMap;

/// A configured level for one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Report as an error.
    Deny,
    /// Report as a warning.
    Warn,
    /// Do not run the rule.
    Allow,
}

impl Level {
    /// Parse `deny`, `warn` or `allow`.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "deny" => Some(Level::Deny),
            "warn" => Some(Level::Warn),
            "allow" => Some(Level::Allow),
            _ => None,
        }
    }
}

/// The settings of one check run.
#[derive(Clone, Debug, Default)]
pub struct Config {
    levels: BTreeMap<String, Level>,
    /// The circuit dictionary SCID108 checks DHBA IDs against (`None`: the bundled WholeBIF copy).
    pub dictionary: Option<std::sync::Arc<crate::rules::bif::dhba_id_unknown::Dictionary>>,
    /// Problems in the configuration itself (unknown codes, bad TOML).
    pub diagnostics: Vec<Diagnostic>,
}

impl Config {
    /// The configured level of a code, if any.
    pub fn level(&self, code: &str) -> Option<Level> {
        self.levels.get(code).copied()
    }

    /// Set a level (later calls win).
    pub fn set(&mut self, code: &str, level: Level) {
        self.levels.insert(code.to_string(), level);
    }

    /// Read the levels declared in the spec's project block.
    pub fn from_model(model: &Model, known: &dyn Fn(&str) -> bool) -> Config {
        let mut cfg = Config::default();
        cfg.apply_model(model, known);
        cfg
    }

    /// Add the levels declared in the spec's project block.
    pub fn apply_model(&mut self, model: &Model, known: &dyn Fn(&str) -> bool) {
        let Some(project) = model.project() else {
            return;
        };
        for (key, level) in [
            ("deny", Level::Deny),
            ("warn", Level::Warn),
            ("allow", Level::Allow),
        ] {
            let Some(e) = project.prop(key) else { continue };
            let items: Vec<_> = match &e.kind {
                ExprKind::List(items) => items.iter().collect(),
                _ => vec![e],
            };
            for item in items {
                match &item.kind {
                    ExprKind::Ident(id) if known(&id.name) => self.set(&id.name, level),
                    ExprKind::Ident(id) => self.unknown_code(project.file, item.span, &id.name),
                    _ => self.diagnostics.push(
                        Diagnostic::error("E121", format!("`{key}` takes a list of rule codes"))
                            .with_primary(project.file, item.span, "not a rule code")
                            .with_help(format!(
                                "write e.g. `{key} = [W701, SCID602]`; `bra rules` lists the codes"
                            )),
                    ),
                }
            }
        }
    }

    fn unknown_code(&mut self, file: FileId, span: Span, code: &str) {
        self.diagnostics.push(
            Diagnostic::warning("E120", format!("unknown rule code `{code}`"))
                .with_primary(file, span, "no rule has this code")
                .with_help("`bra rules` lists every code"),
        );
    }

    /// Add the levels of a `bra.toml` (`[lints]` table: code = "deny"|"warn"|"allow").
    /// Errors are described in the returned message.
    pub fn apply_toml(&mut self, text: &str, known: &dyn Fn(&str) -> bool) -> Result<(), String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let Some(lints) = table.get("lints") else {
            return Ok(());
        };
        let lints = lints.as_table().ok_or_else(|| {
            "`lints` must be a table of code = \"deny\"|\"warn\"|\"allow\"".to_string()
        })?;
        for (code, v) in lints {
            if !known(code) {
                return Err(format!(
                    "unknown rule code `{code}` in [lints]; `bra rules` lists every code"
                ));
            }
            let level = v.as_str().and_then(Level::parse).ok_or_else(|| {
                format!("[lints] {code}: expected \"deny\", \"warn\" or \"allow\"")
            })?;
            self.set(code, level);
        }
        Ok(())
    }
}
