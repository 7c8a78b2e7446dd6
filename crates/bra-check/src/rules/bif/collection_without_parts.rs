use super::support::part_mentions;
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID121: a circuit that is not uniform has no parts.
pub static RULE: Rule = Rule {
    code: "SCID121",
    name: "collection-without-parts",
    severity: Severity::Error,
    summary: "a circuit is not uniform and has no parts",
    wbai: Some(121),
    doc: r#"## What it checks
A circuit that is not marked `uniform` is a collection, and a collection has
at least one part: a nested `circuit` or a name in `parts = [...]`.

## Why
Every circuit of a BIF is either a uniform circuit (a leaf of the part-of
tree, with one transmitter) or a collection of sub-circuits. A circuit that is
neither has no neurons the HCD can place a component on and no parts that
could send its connections. WBAI's review reports a non-uniform circuit
without sub-circuits as error 121. Most often the author forgot `uniform`.

## Example
```bra
circuit CA1 "CA1 pyramidal cells" { transmitter = Glutamate, modulation = Excitatory }   // error
```
Mark it `uniform` if it is one population:
`circuit CA1 { uniform, transmitter = Glutamate, modulation = Excitatory }`,
or list its parts.

## References
WBAI BRA review code 121; BIF ontology (`bifd:uniform`, `bifd:hasPart`);
WBAI BRA template v2-2, Circuits sheet (Sub-Circuits, Uniform).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        if c.is_uniform() || !c.parts.is_empty() || !part_mentions(c).is_empty() {
            continue;
        }
        let name = c.decl.name();
        let file = c.decl.file;
        let mut d = ctx
            .diag(format!("circuit `{name}` is not uniform and has no parts"))
            .with_primary(file, c.decl.name_span(), "no `uniform` flag and no parts");
        if let Some(p) = c.decl.item.property("uniform") {
            d = d.with_label(file, p.span, "declared not uniform here");
        }
        if let Some(p) = c.decl.item.property("parts") {
            d = d.with_label(file, p.span, "this names no circuit");
        }
        let has_output =
            c.decl.prop("transmitter").is_some() || c.decl.prop("modulation").is_some();
        let help = if has_output {
            format!(
                "`{name}` declares its output, so it is probably one population: mark it \
                 `uniform`; if it is a collection, list its parts (`parts = [...]`)"
            )
        } else {
            format!(
                "if `{name}` is one population, mark it `uniform` with its transmitter and \
                 modulation; if it is a collection, nest its circuits or list them in \
                 `parts = [...]`"
            )
        };
        ctx.emit(d.with_help(help));
    }
}
