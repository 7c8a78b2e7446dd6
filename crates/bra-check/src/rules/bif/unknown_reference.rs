use super::support::{edge_span, prop_values, word};
use crate::registry::{Ctx, Rule};
use bra_model::{Decl, NameKind};
use bra_syntax::Severity;

/// SCID253: a cited reference is not declared.
pub static RULE: Rule = Rule {
    code: "SCID253",
    name: "unknown-reference",
    severity: Severity::Error,
    summary: "a `reference` names no declared reference",
    wbai: Some(253),
    doc: r#"## What it checks
Every `reference = ID` on a connection or a circuit names a `reference` item
declared in the spec (in this file or one it `use`s).

## Why
A citation that leads nowhere is no citation: the BRA template v2-2 joins
the Connections sheet's Reference ID to the References sheet (DOI, BibTeX,
literature type), and WBAI's review reports a Reference ID missing from the
References sheet as error 253.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
reference amaral2007 { doi = "10.1016/S0079-6123(07)63001-5" }
connection DG -> CA3 { reference = amaral2008 }   // error: no reference `amaral2008`
```
Fix the ID (`amaral2007`), or declare the reference.

## References
WBAI BRA review code 253; WBAI BRA template v2-2, References sheet
(Reference ID); BIF ontology (`bifd:reference`).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let citing = m
        .connections
        .iter()
        .map(|c| (&c.decl, true))
        .chain(m.circuits.iter().map(|c| (&c.decl, false)));
    for (decl, is_connection) in citing {
        for e in prop_values(decl, "reference") {
            let text = word(e);
            if text.is_some_and(|t| m.reference(t).is_some()) {
                continue;
            }
            let mut d = match text {
                Some(t) => ctx.diag(format!("no reference named `{t}`")).with_primary(
                    decl.file,
                    e.span,
                    "cited here, but not declared",
                ),
                None => ctx
                    .diag("`reference` takes the ID of a declared reference")
                    .with_primary(decl.file, e.span, "not a reference ID"),
            };
            d = with_citer(d, decl, is_connection);
            d = match text.and_then(|t| m.suggest(NameKind::Reference, t)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(
                    "declare it — `reference id { doi = \"…\" }` — and cite it by that ID, \
                     or `use` the file that declares it",
                ),
            };
            ctx.emit(d);
        }
    }
}

fn with_citer(
    d: bra_syntax::Diagnostic,
    decl: &Decl,
    is_connection: bool,
) -> bra_syntax::Diagnostic {
    if is_connection {
        d.with_label(decl.file, edge_span(decl), "the connection that cites it")
    } else {
        d.with_label(
            decl.file,
            decl.name_span(),
            format!("cited by circuit `{}`", decl.name()),
        )
    }
}
