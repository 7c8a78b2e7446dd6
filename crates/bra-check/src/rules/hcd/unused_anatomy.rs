use crate::registry::{Ctx, Rule};
use crate::rules::roi::{Index, components_on, connections, edge_span, flows};
use bra_syntax::Severity;

/// W701: a connection inside the ROI that no flow uses.
pub static RULE: Rule = Rule {
    code: "W701",
    name: "unused-anatomy",
    severity: Severity::Warning,
    summary: "a connection between two components' circuits in the ROI carries no flow",
    wbai: None,
    doc: r#"## What it checks
Every connection between two circuits of the ROI that both carry components is
realised by at least one flow between those components (a flow the connection
backs, in the sense of SCID601).

## Why
SCID asks that each component's interface be exactly its circuit's anatomical
inputs and outputs inside the ROI (Yamakawa 2021, §4.3). A connection the HCD
leaves unused is an input or output the hypothesis ignores: sometimes
deliberate (a pathway outside the modelled function), often an oversight.
So it is a warning, and projects that mean it can say `allow = [W701]`.

## Example
```bra
connection CA3 -> CA3 { reference = amaral1989 }   // recurrent collaterals
component CA3 {}
// warning: no `flow CA3 -> CA3`
```
Add the flow (`flow CA3 -> CA3 { … }`), or allow W701 in the project.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.3 (SCID).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let index = Index::new(m);
    let roi = &index.roi;
    let on = components_on(m);
    let mut used = vec![false; m.connections.len()];
    for f in flows(m) {
        for c in index.backing(m, f) {
            used[c.index()] = true;
        }
    }
    for c in connections(m) {
        let conn = &m.connections[c.index()];
        let (Some(s), Some(r)) = (conn.sender, conn.receiver) else {
            continue;
        };
        if !(roi.contains(s) && roi.contains(r)) {
            continue;
        }
        let (senders, receivers) = (&on[s.index()], &on[r.index()]);
        let (Some(&a), Some(&b)) = (senders.first(), receivers.first()) else {
            continue;
        };
        if used[c.index()] {
            continue;
        }
        let (sname, rname) = (
            m.circuits[s.index()].decl.name(),
            m.circuits[r.index()].decl.name(),
        );
        let (ca, cb) = (&m.components[a.index()], &m.components[b.index()]);
        let (an, bn) = (ca.decl.name(), cb.decl.name());
        let mut d = ctx
            .diag(format!(
                "connection `{sname} -> {rname}` carries no flow: anatomy the HCD leaves unused"
            ))
            .with_primary(
                conn.decl.file,
                edge_span(&conn.decl.item),
                format!("no flow `{an} -> {bn}` uses this connection"),
            );
        if a == b {
            d = d.with_label(
                ca.decl.file,
                ca.decl.name_span(),
                format!("`{an}` sits on `{sname}`"),
            );
        } else {
            d = d
                .with_label(
                    ca.decl.file,
                    ca.decl.name_span(),
                    format!("`{an}` sits on `{sname}`"),
                )
                .with_label(
                    cb.decl.file,
                    cb.decl.name_span(),
                    format!("`{bn}` sits on `{rname}`"),
                );
        }
        d = d.with_help(format!(
            "add `flow {an} -> {bn} {{ … }}`, or write `allow = [W701]` in the project when leaving it unused is deliberate"
        ));
        ctx.emit(d);
    }
}
