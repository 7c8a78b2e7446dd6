use super::support::{and_list, part_mentions, uniform_span};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID120: a uniform circuit has sub-circuits.
pub static RULE: Rule = Rule {
    code: "SCID120",
    name: "uniform-with-parts",
    severity: Severity::Error,
    summary: "a uniform circuit has sub-circuits",
    wbai: Some(120),
    doc: r#"## What it checks
A circuit marked `uniform` has no parts: no nested `circuit` items and no
names in a `parts = [...]` list.

## Why
In the BIF ontology a `UniformCircuit` is "a Circuit containing neurons with
a uniform function": it is a leaf of the part-of tree, the unit that sends
connections, carries one transmitter and gets one HCD component. A circuit
with parts is a collection (`uniform` is FALSE and Sub-Circuits is filled in
the BRA template); WBAI's review reports a uniform circuit with sub-circuits
as error 120. Yamakawa 2021 builds the HCD on exactly this split.

## Example
```bra
circuit DG "dentate gyrus" {
  uniform, transmitter = Glutamate, modulation = Excitatory   // error: DG has parts
  circuit GC "granule cells" { uniform, transmitter = Glutamate, modulation = Excitatory }
  circuit MC "mossy cells" { uniform, transmitter = Glutamate, modulation = Excitatory }
}
```
Either drop `uniform` (and the transmitter) from `DG`, making it a
collection of `GC` and `MC`, or move the parts out if `DG` really is one
population.

## References
WBAI BRA review code 120; BIF ontology (`bifd:UniformCircuit`, `bifd:uniform`,
`bifd:hasPart`); Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        if !c.is_uniform() {
            continue;
        }
        let mentions = part_mentions(c);
        if mentions.is_empty() {
            continue;
        }
        let name = c.decl.name();
        let file = c.decl.file;
        let names: Vec<&str> = mentions.iter().map(|(n, _)| n.as_str()).collect();
        let mut d = ctx
            .diag(format!(
                "uniform circuit `{name}` has sub-circuits: {}",
                and_list(&names)
            ))
            .with_primary(
                file,
                uniform_span(c).unwrap_or(c.decl.name_span()),
                format!("`{name}` is declared uniform here"),
            );
        for (part, span) in &mentions {
            d = d.with_label(file, *span, format!("but `{part}` is a part of it"));
        }
        ctx.emit(d.with_help(format!(
            "a uniform circuit is one population without parts: remove `uniform` (and its \
             transmitter and modulation) to make `{name}` a collection, or move the parts out \
             of it"
        )));
    }
}
