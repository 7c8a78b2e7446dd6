use crate::registry::{Ctx, Rule};
use crate::rules::roi::{Index, components, edge_span, related};
use bra_syntax::Severity;

/// SCID702: a component with an empty interface.
pub static RULE: Rule = Rule {
    code: "SCID702",
    name: "isolated-component",
    severity: Severity::Error,
    summary: "a component has no inputs and no outputs",
    wbai: None,
    doc: r#"## What it checks
Every component has an interface: at least one flow into or out of it, a
stimulus, or (in the ROI) a connection across the ROI's border into or out of
its circuit.

## Why
SCID requires a component's interface — its flows in and out — to equal its
circuit's anatomical inputs and outputs inside the ROI (Yamakawa 2021, §4.3).
Each half of that equality already has its own rule: a flow the anatomy does
not back is SCID601, and a connection inside the ROI that no flow uses is W701
(a connection to a circuit without a component is SCID502). What those
per-edge rules do not say is the strongest mismatch, a component whose
interface is *empty*: it computes nothing anyone receives and receives nothing
to compute on. That is this rule; its labels show the connections of its
circuit that could carry its flows. (SCID901 leaves isolated components to
this rule rather than report them a second time.)

## Example
```bra
connection CA3 -> CA1 { reference = amaral1989 }
component CA3 {}
component CA1 {}   // error: no flow into or out of CA1
```
Add the flows its anatomy supports (`flow CA3 -> CA1 { … }`), or remove the
component.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.3 (SCID).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let index = Index::new(m);
    for k in components(m) {
        if !index.is_isolated(m, k) {
            continue;
        }
        let comp = &m.components[k.index()];
        let name = comp.decl.name();
        let mut d = ctx
            .diag(format!("component `{name}` has no inputs and no outputs"))
            .with_primary(
                comp.decl.file,
                comp.decl.name_span(),
                "no flow, stimulus or ROI connection reaches or leaves this component",
            );
        let mut offered = 0;
        if let Some(c) = comp.circuit {
            for conn in &m.connections {
                let (Some(s), Some(r)) = (conn.sender, conn.receiver) else {
                    continue;
                };
                if related(m, s, c) || related(m, r, c) {
                    offered += 1;
                    d = d.with_label(
                        conn.decl.file,
                        edge_span(&conn.decl.item),
                        "this connection could carry one of its flows",
                    );
                }
            }
        }
        d = if offered > 0 {
            d.with_help(format!(
                "add the flows its circuit's connections support (e.g. `flow {name} -> …` or `flow … -> {name}`), or remove the component"
            ))
        } else {
            d.with_help(format!(
                "declare the connections of `{}` that the literature reports and flows along them, or remove the component",
                comp.circuit_ref.name
            ))
        };
        ctx.emit(d);
    }
}
