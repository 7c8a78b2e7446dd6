use super::support::{edge_span, prop_values, word, written};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID254: a connection cites more than one reference.
pub static RULE: Rule = Rule {
    code: "SCID254",
    name: "several-references",
    severity: Severity::Error,
    summary: "a connection cites more than one reference",
    wbai: Some(252),
    doc: r#"## What it checks
Every `connection` cites exactly one reference: `reference = ID`, not a list
of IDs and not the key twice.

## Why
In the BRA template v2-2 a connection row has one Reference ID, and the
columns beside it — taxon, measurement method, pointers on literature and on
figure — describe what that one paper reports. WBAI's review expects exactly
one reference per connection (review code 252). Two papers reporting the same
projection are two rows: two connections, each with its own connection ID.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
reference amaral2007 { doi = "10.1016/S0079-6123(07)63001-5" }
reference witter2007 { doi = "10.1016/S0079-6123(07)63003-9" }
connection DG -> CA3 { reference = [amaral2007, witter2007] }   // error
```
Keep the reference that reports the projection best, or split the connection:
`connection mf1: DG -> CA3 { reference = amaral2007 }` and
`connection mf2: DG -> CA3 { reference = witter2007 }`.

## References
WBAI BRA review code 252; WBAI BRA template v2-2, Connections sheet
(Reference ID, Taxon, Measurement method, Pointers on literature).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.connections {
        let values = prop_values(&c.decl, "reference");
        if values.len() < 2 {
            continue;
        }
        let file = c.decl.file;
        let mut d = ctx
            .diag(format!(
                "connection `{}` cites {} references",
                c.decl.name(),
                values.len()
            ))
            .with_primary(file, values[1].span, "a second reference")
            .with_label(file, values[0].span, "first reference");
        for e in &values[2..] {
            d = d.with_label(file, e.span, "another reference");
        }
        d = d.with_label(file, edge_span(&c.decl), "one connection");
        let (from, to) = (
            c.decl
                .item
                .from
                .as_ref()
                .map_or("A".into(), |i| written(&i.name)),
            c.decl
                .item
                .to
                .as_ref()
                .map_or("B".into(), |i| written(&i.name)),
        );
        let first = word(values[0]).unwrap_or("id");
        ctx.emit(d.with_help(format!(
            "cite one reference per connection: keep the one that reports it best, or split \
             it into one connection per reference, each with its own ID (`connection c1: \
             {from} -> {to} {{ reference = {first} }}`, …)"
        )));
    }
}
