use crate::registry::{Ctx, Rule};
use crate::rules::roi::{Index, edge_span, flow_circuits, flows};
use bra_syntax::Severity;

/// SCID601: a flow that no anatomical connection backs.
pub static RULE: Rule = Rule {
    code: "SCID601",
    name: "flow-without-connection",
    severity: Severity::Error,
    summary: "a flow between components is not backed by a connection between their circuits",
    wbai: None,
    doc: r#"## What it checks
For every `flow A -> B` some `connection S -> R` exists whose sender `S` is
the circuit `A` sits on (or a collection containing it) and whose receiver `R`
is the circuit `B` sits on (or a collection containing it): the flow is backed
by anatomy directly or through the part-of hierarchy.

## Why
This is the core constraint of Structure-constrained Interface Decomposition:
a hypothetical component may only exchange information along paths that the
anatomy reports (Yamakawa 2021, §4.3). A flow without a connection is a
hypothesis the brain cannot implement, or a connection the BIF has not yet
recorded — either way it needs a citation.

## Example
```bra
circuit DG  { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA1 { uniform, transmitter = Glutamate, modulation = Excitatory }
component DG {}
component CA1 {}
flow DG -> CA1 { weight = 1 mV }   // error: no connection DG -> CA1
```
Declare the connection with the study that reports it
(`connection DG -> CA1 { reference = … }`), or remove the flow.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.3 (SCID).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let index = Index::new(m);
    for f in flows(m) {
        let Some((a, b)) = flow_circuits(m, f) else {
            continue;
        };
        if !index.backing(m, f).is_empty() {
            continue;
        }
        let flow = &m.flows[f.index()];
        let (ca, cb) = (&m.circuits[a.index()], &m.circuits[b.index()]);
        let (sa, sb) = (ca.decl.name(), cb.decl.name());
        let (from, to) = match (flow.from, flow.to) {
            (Some(x), Some(y)) => (
                m.components[x.index()].decl.name(),
                m.components[y.index()].decl.name(),
            ),
            _ => continue,
        };
        let mut d = ctx
            .diag(format!(
                "flow `{from} -> {to}` has no connection `{sa} -> {sb}` behind it"
            ))
            .with_primary(
                flow.decl.file,
                edge_span(&flow.decl.item),
                "no connection backs this flow",
            );
        if a == b {
            d = d.with_label(
                ca.decl.file,
                ca.decl.name_span(),
                format!("`{from}` and `{to}` sit on `{sa}`, which has no recurrent connection"),
            );
        } else {
            d = d
                .with_label(
                    ca.decl.file,
                    ca.decl.name_span(),
                    format!("`{from}` sits on `{sa}`, which sends no connection to `{sb}`"),
                )
                .with_label(
                    cb.decl.file,
                    cb.decl.name_span(),
                    format!("`{to}` sits on `{sb}`"),
                );
        }
        let d = d
            .with_help(format!(
                "declare `connection {sa} -> {sb} {{ reference = … }}` citing the study that reports it, or remove the flow"
            ));
        ctx.emit(d);
    }
}
