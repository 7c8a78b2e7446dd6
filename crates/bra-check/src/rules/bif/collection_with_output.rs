use super::support::{and_list, uniform_descendants};
use crate::registry::{Ctx, Rule};
use bra_model::CircuitId;
use bra_syntax::Severity;

/// SCID135: a collection declares a transmitter or modulation type.
pub static RULE: Rule = Rule {
    code: "SCID135",
    name: "collection-with-output",
    severity: Severity::Warning,
    summary: "a collection declares a transmitter or modulation type",
    wbai: None,
    doc: r#"## What it checks
A circuit that is not `uniform` but has parts (a collection) declares no
`transmitter` and no `modulation`. (A circuit with neither `uniform` nor
parts is reported by SCID121, whose help covers this case.)

## Why
In the BIF ontology the transmitter belongs to a `UniformCircuit`: the
output of a collection is the outputs of its uniform parts, which may differ
(a hippocampal formation has glutamatergic principal cells and GABAergic
interneurons). A transmitter on the collection is either a summary that the
checks ignore, or a sign that the author meant the circuit to be uniform.

## Example
```bra
circuit CA3 "CA3" {
  transmitter = Glutamate                  // warning: CA3 is a collection
  circuit CA3_pyr { uniform, transmitter = Glutamate, modulation = Excitatory }
  circuit CA3_bc { uniform, transmitter = GABA, modulation = Inhibitory }
}
```
Delete the transmitter of `CA3`: its parts carry theirs.

## References
BIF ontology (`bifd:UniformCircuit`, `bifd:transmitter`); WBAI BRA template
v2-2, Circuits sheet (Transmitter and Modulation Type are for uniform
circuits); Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for (k, c) in m.circuits.iter().enumerate() {
        if c.is_uniform() || c.parts.is_empty() {
            continue;
        }
        let props: Vec<_> = c
            .decl
            .item
            .entries()
            .iter()
            .filter_map(|e| match e {
                bra_syntax::ast::Entry::Property(p)
                    if p.key.name == "transmitter" || p.key.name == "modulation" =>
                {
                    Some(p)
                }
                _ => None,
            })
            .collect();
        let Some(first) = props.first() else {
            continue;
        };
        let name = c.decl.name();
        let file = c.decl.file;
        let what = if props.iter().all(|p| p.key.name == first.key.name) {
            format!("a {}", first.key.name)
        } else {
            "a transmitter and a modulation".to_string()
        };
        let mut d = ctx
            .diag(format!("collection `{name}` declares {what}"))
            .with_primary(
                file,
                first.span,
                "only uniform circuits have an output of their own",
            );
        for p in &props[1..] {
            d = d.with_label(file, p.span, "this too");
        }
        d = d.with_label(
            file,
            c.decl.name_span(),
            format!("`{name}` has parts, and is not uniform"),
        );
        let uniform = uniform_descendants(m, CircuitId(k as u32));
        let names: Vec<String> = uniform
            .iter()
            .take(4)
            .map(|p| m.circuits[p.index()].decl.name())
            .collect();
        let parts = if uniform.is_empty() {
            "its uniform parts".to_string()
        } else if uniform.len() <= 4 {
            and_list(&names)
        } else {
            format!("its uniform parts ({}, …)", names.join(", "))
        };
        ctx.emit(d.with_help(format!(
            "remove it: the output of `{name}` is that of {parts}, each declaring its own \
             transmitter and modulation"
        )));
    }
}
