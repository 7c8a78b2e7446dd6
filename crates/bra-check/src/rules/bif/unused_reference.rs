use super::support::word;
use crate::registry::{Ctx, Rule};
use crate::walk::each_value;
use bra_syntax::Severity;
use bra_syntax::ast::ExprKind;
use std::collections::BTreeSet;

/// W261: a reference that nothing cites.
pub static RULE: Rule = Rule {
    code: "W261",
    name: "unused-reference",
    severity: Severity::Warning,
    summary: "a reference is cited by nothing",
    wbai: None,
    doc: r#"## What it checks
Every declared `reference` is cited somewhere: by a `reference = ...` (on a
connection, a circuit or any other item) or as the `source` of a circuit ID.

## Why
The References sheet of a BRA lists the evidence for its anatomy; an entry no
connection or circuit uses supports nothing. Usually a citation was
misspelled (then SCID253 fires on it too) or the connection it backed was
deleted. Dropping it keeps the BRA's bibliography honest.

## Example
```bra
reference witter2007 { doi = "10.1016/S0079-6123(07)63003-9" }   // warning: cited by nothing
circuit EC2 { uniform, transmitter = Glutamate, modulation = Excitatory }
```
Cite it from the connection or circuit it supports
(`connection EC2 -> DG { reference = witter2007 }`), or remove it.

## References
WBAI BRA template v2-2, References and Connections sheets (Reference ID);
Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

/// The keys whose values cite references.
const CITING_KEYS: &[&str] = &["reference", "references", "source"];

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let mut cited: BTreeSet<String> = BTreeSet::new();
    each_value(m, &mut |_, key, e| {
        if !key.is_some_and(|k| CITING_KEYS.contains(&k)) {
            return;
        }
        match &e.kind {
            ExprKind::List(items) => {
                cited.extend(items.iter().filter_map(word).map(str::to_string));
            }
            _ => cited.extend(word(e).map(str::to_string)),
        }
    });
    for r in &m.references {
        let name = r.decl.name();
        if cited.contains(&name) {
            continue;
        }
        let d = ctx
            .diag(format!("reference `{name}` is cited by nothing"))
            .with_primary(
                r.decl.file,
                r.decl.name_span(),
                "declared here, never cited",
            )
            .with_help(format!(
                "cite it from the connection or circuit it supports (`reference = {name}`), \
                 or remove it"
            ));
        ctx.emit(d);
    }
}
