use super::support::and_list;
use crate::registry::{Ctx, Rule};
use bra_model::CircuitId;
use bra_syntax::Severity;

/// SCID124: a circuit is a part of more than one circuit.
pub static RULE: Rule = Rule {
    code: "SCID124",
    name: "several-parents",
    severity: Severity::Error,
    summary: "a circuit is a part of more than one circuit (part-of must be a tree)",
    wbai: None,
    doc: r#"## What it checks
Each circuit is a part of at most one circuit: it is nested in one circuit or
listed in one circuit's `parts = [...]`, not both in two different ones, nor
listed by two collections.

## Why
The part-of relation of a BIF is a tree (the BIF ontology's `partOf`, the BRA
template's Sub-Circuits column): a uniform circuit's neurons belong to one
region. With two parents, a connection to or from either collection is
ambiguous — the SCID rules that resolve a collection to its uniform parts, or
back an HCD flow "through the part-of hierarchy", would count the circuit
twice — and the neuron counts of the collections no longer add up. The WBAI
review's sub-circuit checks (120/121) assume a tree.

## Example
```bra
circuit HPF { parts = [DG, CA3] }
circuit Limbic { parts = [CA3] }   // error: CA3 is already a part of HPF
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
```
Keep `CA3` in one collection. If both collections really contain it, one of
them is a part of the other: say so (`circuit Limbic { parts = [HPF] }`).

## References
BIF ontology (`bifd:hasPart`, `bifd:partOf`); WBAI BRA template v2-2,
Circuits sheet (Sub-Circuits); Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        let mut wholes: Vec<CircuitId> = Vec::new();
        for (w, _, _) in &c.parents {
            if !wholes.contains(w) {
                wholes.push(*w);
            }
        }
        if wholes.len() < 2 {
            continue;
        }
        let name = c.decl.name();
        let whole_names: Vec<String> = wholes
            .iter()
            .map(|w| m.circuits[w.index()].decl.name())
            .collect();
        let (file, name_span) = (c.decl.file, c.decl.name_span());
        // A nested declaration's mention is the circuit's own name.
        let nested_in = c
            .parents
            .iter()
            .find(|(w, f, s)| c.parent == Some(*w) && *f == file && *s == name_span);
        let primary = match nested_in {
            Some((w, _, _)) => format!(
                "`{name}` is declared inside `{}`",
                m.circuits[w.index()].decl.name()
            ),
            None => format!("`{name}` is declared here"),
        };
        let mut d = ctx
            .diag(format!(
                "circuit `{name}` is a part of {} circuits: {}",
                wholes.len(),
                and_list(&whole_names)
            ))
            .with_primary(file, name_span, primary);
        for (w, f, s) in &c.parents {
            if *f == file && *s == name_span {
                continue;
            }
            d = d.with_label(
                *f,
                *s,
                format!(
                    "listed as a part of `{}`",
                    m.circuits[w.index()].decl.name()
                ),
            );
        }
        ctx.emit(d.with_help(format!(
            "part-of must be a tree: keep `{name}` in one of {} and remove it from the other \
             parts lists; if one of them contains the other, list that one as its part instead",
            and_list(&whole_names)
        )));
    }
}
