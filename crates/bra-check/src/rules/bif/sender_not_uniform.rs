use super::support::{and_list, or_list, uniform_descendants, written};
use crate::registry::{Ctx, Rule};
use bra_model::CircuitId;
use bra_syntax::Severity;
use std::collections::HashMap;

/// SCID203: a connection's sender is a collection.
pub static RULE: Rule = Rule {
    code: "SCID203",
    name: "sender-not-uniform",
    severity: Severity::Error,
    summary: "a connection's sender is not a uniform circuit",
    wbai: Some(203),
    doc: r#"## What it checks
The sender of every `connection` is a `uniform` circuit, not a collection.
(The receiver may be a collection: a projection into a region whose target
cells the literature does not resolve.)

## Why
Axons leave one population of neurons: the sender of a projection has one
transmitter and one modulation type, which SCID's "unique output" and the
HCD's flow-sign checks depend on. A collection has no output of its own —
its parts may be excitatory and inhibitory at once. WBAI's review reports a
connection whose sender circuit is not uniform as error 203, and SCID
(Yamakawa 2021) needs every sender to be a uniform circuit.

## Example
```bra
circuit HPF {
  circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
  circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
}
circuit EC5 { uniform, transmitter = Glutamate, modulation = Excitatory }
connection HPF -> EC5 { reference = vanstrien2009 }   // error: HPF is a collection
reference vanstrien2009 { doi = "10.1038/nrn2614" }
```
Name the uniform part that actually projects: `connection CA3 -> EC5`.

## References
WBAI BRA review code 203; Yamakawa 2021, Neural Networks 144:478–495;
BIF ontology (`bifd:UniformCircuit`, `bifd:inputCircuit`).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    // Several connections often leave the same collection: walk it once.
    let mut descendants: HashMap<CircuitId, Vec<String>> = HashMap::new();
    for conn in &m.connections {
        let Some(s) = conn.sender else { continue };
        let sender = &m.circuits[s.index()];
        if sender.is_uniform() {
            continue;
        }
        let Some(from) = &conn.decl.item.from else {
            continue;
        };
        let name = sender.decl.name();
        let receiver = conn
            .decl
            .item
            .to
            .as_ref()
            .map(|t| written(&t.name))
            .unwrap_or_else(|| "...".to_string());
        let is_collection = !sender.parts.is_empty();
        let what = if is_collection {
            "a collection"
        } else {
            "not uniform"
        };
        let mut d = ctx
            .diag(format!(
                "the sender of connection `{}` is {what}, not a uniform circuit",
                conn.decl.name()
            ))
            .with_primary(
                conn.decl.file,
                from.span,
                format!("`{name}` sends this connection"),
            );
        let decl_label = if is_collection {
            format!("`{name}` is declared here as a collection of parts")
        } else {
            format!("`{name}` is declared here without `uniform`")
        };
        d = d.with_label(sender.decl.file, sender.decl.name_span(), decl_label);
        if let Some(u) = sender.decl.item.property("uniform") {
            d = d.with_label(sender.decl.file, u.span, "declared not uniform here");
        }
        let names = descendants.entry(s).or_insert_with(|| {
            uniform_descendants(m, s)
                .iter()
                .map(|p| m.circuits[p.index()].decl.name())
                .collect()
        });
        let help = match names.len() {
            0 if is_collection => format!(
                "`{name}` has no uniform parts: name the uniform circuit whose axons form \
                 this projection, declaring it inside `{name}` if needed"
            ),
            0 => format!(
                "if `{name}` is one population, mark it `uniform`; otherwise name the \
                 uniform circuit whose axons form this projection"
            ),
            1 => format!(
                "name the uniform part that projects: `connection {} -> {receiver}`",
                written(&names[0])
            ),
            2..=6 => format!(
                "name the uniform part that actually projects — {} — e.g. \
                 `connection {} -> {receiver}`; declare one connection per projecting part",
                or_list(names),
                written(&names[0])
            ),
            n => format!(
                "name the uniform part that actually projects ({n} uniform circuits lie \
                 inside `{name}`, e.g. {}); declare one connection per projecting part",
                and_list(&names[..3])
            ),
        };
        ctx.emit(d.with_help(help));
    }
}
