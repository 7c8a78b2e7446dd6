use super::support::written;
use crate::registry::{Ctx, Rule};
use bra_model::NameKind;
use bra_syntax::Severity;
use bra_syntax::ast::{Expr, ExprKind};

/// SCID122: a listed part names no declared circuit.
pub static RULE: Rule = Rule {
    code: "SCID122",
    name: "unknown-part",
    severity: Severity::Error,
    summary: "a name in a circuit's `parts` list is not a declared circuit",
    wbai: None,
    doc: r#"## What it checks
Every name in a circuit's `parts = [...]` list is the ID of a circuit
declared in the spec (in this file or one it `use`s).

## Why
`parts` is the BRA template's Sub-Circuits column and the BIF ontology's
`hasPart`: it builds the part-of tree that the SCID rules walk (a connection
from a collection is resolved to its uniform parts; an HCD flow is backed by
a connection "through the part-of hierarchy"). A part that does not exist
leaves a hole in that tree. The WBAI review's checks on sub-circuits
(120/121) presuppose that the listed IDs exist.

## Example
```bra
circuit HPF "hippocampal formation" { parts = [DG, CA3] }
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA2 { uniform, transmitter = Glutamate, modulation = Excitatory }   // HPF lists CA3: error
```
Fix the spelling, declare the circuit, or `use` the file that declares it.

## References
BIF ontology (`bifd:hasPart`, `bifd:partOf`); WBAI BRA template v2-2,
Circuits sheet (Sub-Circuits); Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        // The model reads the first `parts` list; so does this rule.
        let Some(Expr {
            kind: ExprKind::List(items),
            ..
        }) = c.decl.prop("parts")
        else {
            continue;
        };
        for e in items {
            let ExprKind::Ident(id) = &e.kind else {
                continue;
            };
            if m.circuit(&id.name).is_some() {
                continue;
            }
            let whole = c.decl.name();
            let mut d = ctx
                .diag(format!("no circuit named `{}`", id.name))
                .with_primary(c.decl.file, id.span, "listed as a part, but not declared")
                .with_label(
                    c.decl.file,
                    c.decl.name_span(),
                    format!("the parts of `{whole}` are listed here"),
                );
            d = match m.suggest(NameKind::Circuit, &id.name) {
                Some(s) if s != whole => d.with_help(format!("did you mean `{s}`?")),
                _ => d.with_help(format!(
                    "declare `circuit {} {{ uniform, ... }}`, `use` the file that declares it, \
                     or remove it from the parts of `{whole}`",
                    written(&id.name)
                )),
            };
            ctx.emit(d);
        }
    }
}
