use crate::registry::{Ctx, Rule};
use crate::rules::roi::{components, join_names};
use bra_syntax::Severity;

/// SCID421: a component sits on a collection instead of a uniform circuit.
pub static RULE: Rule = Rule {
    code: "SCID421",
    name: "component-on-collection",
    severity: Severity::Error,
    summary: "a component sits on a circuit that is not uniform",
    wbai: Some(420),
    doc: r#"## What it checks
The circuit a component sits on is declared `uniform`.

## Why
SCID decomposes the top-level function into one hypothetical component per
*uniform* circuit: a population with one transmitter and one output type, whose
inputs and outputs the anatomy reports (Yamakawa 2021, §4.2). A collection
(e.g. "hippocampal formation") mixes several such populations, so a component
on it has no single anatomical interface to be checked against. WBAI's
automatic BRA review reports this as error 420.

## Example
```bra
circuit HF "hippocampal formation" {
  circuit DG  { uniform, transmitter = Glutamate, modulation = Excitatory }
  circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
}
component memory { circuit = HF }   // error: HF is a collection
```
Give each uniform part its own component (`component DG`, `component CA3`).

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.2 (HCD).
WBAI BRA template v2-2, Circuits sheet (Uniform column) and FRG sheet.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for k in components(m) {
        let comp = &m.components[k.index()];
        let Some(c) = comp.circuit else { continue };
        let circuit = &m.circuits[c.index()];
        if circuit.is_uniform() {
            continue;
        }
        let name = circuit.decl.name();
        let file = comp.decl.file;
        let parts: Vec<String> = circuit
            .parts
            .iter()
            .map(|p| m.circuits[p.index()].decl.name())
            .collect();
        let (what, help) = if parts.is_empty() {
            (
                format!("`{name}` is not declared `uniform`"),
                format!(
                    "if `{name}` is one population, mark it `uniform` (with its transmitter and modulation); otherwise declare its uniform parts and put one component on each"
                ),
            )
        } else {
            let shown: Vec<&str> = parts.iter().take(4).map(String::as_str).collect();
            (
                format!("`{name}` is a collection of {}", join_names(&parts)),
                format!(
                    "put the component on one uniform part (`circuit = {}`), and give each of {} its own component",
                    shown[0],
                    join_names(&shown)
                ),
            )
        };
        let mut d = ctx
            .diag(format!(
                "component `{}` sits on `{name}`, which is not a uniform circuit",
                comp.decl.name()
            ))
            .with_primary(
                file,
                comp.circuit_ref.span,
                format!("`{}` sits on `{name}`", comp.decl.name()),
            )
            .with_label(circuit.decl.file, circuit.decl.name_span(), what)
            .with_help(help);
        if comp.decl.name_span() != comp.circuit_ref.span {
            d = d.with_label(
                file,
                comp.decl.name_span(),
                "the component is declared here",
            );
        }
        ctx.emit(d);
    }
}
