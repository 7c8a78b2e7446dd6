use super::support::{edge_span, empty_lists, prop_values};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID252: a connection cites no reference.
pub static RULE: Rule = Rule {
    code: "SCID252",
    name: "connection-without-reference",
    severity: Severity::Error,
    summary: "a connection cites no reference",
    wbai: Some(252),
    doc: r#"## What it checks
Every `connection` has a `reference = ID` naming the literature that reports
it.

## Why
A BIF is a survey of the literature, not a sketch: each connection in the
BRA template v2-2 has a Reference ID (with taxon, measurement method and
pointers into the paper), and WBAI's review reports a connection without one
as error 252. Yamakawa 2021 rests the credibility of BRA-driven
development on every anatomical claim being traceable to evidence.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
connection DG -> CA3   // error: no reference
```
Declare the paper and cite it:
`reference amaral2007 { doi = "10.1016/S0079-6123(07)63001-5" }` and
`connection DG -> CA3 { reference = amaral2007 }`.

## References
WBAI BRA review code 252; WBAI BRA template v2-2, Connections sheet
(Reference ID) and References sheet; BIF ontology (`bifd:reference`);
Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let declared: Vec<String> = m.references.iter().take(3).map(|r| r.decl.name()).collect();
    for c in &m.connections {
        if !prop_values(&c.decl, "reference").is_empty() {
            continue;
        }
        let file = c.decl.file;
        let mut d = ctx
            .diag(format!("connection `{}` cites no reference", c.decl.name()))
            .with_primary(
                file,
                edge_span(&c.decl),
                "no `reference` for this connection",
            );
        for s in empty_lists(&c.decl, "reference") {
            d = d.with_label(file, s, "this list cites nothing");
        }
        let help = if declared.is_empty() {
            "declare the paper that reports it (`reference id { doi = \"…\" }`) and cite it: \
             `{ reference = id }`"
                .to_string()
        } else {
            format!(
                "cite the paper that reports it, e.g. `{{ reference = {} }}` (declared: {}{})",
                declared[0],
                declared
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if m.references.len() > declared.len() {
                    ", …"
                } else {
                    ""
                }
            )
        };
        ctx.emit(d.with_help(help));
    }
}
