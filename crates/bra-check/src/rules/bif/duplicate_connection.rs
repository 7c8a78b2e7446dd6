use super::support::edge_span;
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;
use std::collections::BTreeMap;

/// SCID205: the same sender → receiver pair is declared twice.
pub static RULE: Rule = Rule {
    code: "SCID205",
    name: "duplicate-connection",
    severity: Severity::Warning,
    summary: "the same sender → receiver connection is declared more than once",
    wbai: None,
    doc: r#"## What it checks
No two `connection` items join the same sender to the same receiver —
unless each has its own connection ID (`connection mossy: DG -> CA3`) and the
IDs differ, which marks them as deliberately distinct projections (e.g.
reported for different taxa, or by different methods).

## Why
A BIF has one edge per projection: the BIF ontology's `Connection` is
identified by its `inputCircuit` and `outputCircuit`, and the BRA template
gives each connection one row with one reference. A repeated pair is usually
a copy-paste slip; at best it doubles the projection in every count that the
HCD, the ROI analysis and the resource estimates make.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
reference amaral2007 { doi = "10.1016/S0079-6123(07)63001-5" }
connection DG -> CA3 { reference = amaral2007 }
connection DG -> CA3 { reference = amaral2007 }   // warning: declared again
```
Delete the copy. If two papers report the projection, keep the best one as
the connection's reference, or give each connection its own ID.

## References
BIF ontology (`bifd:Connection`, `bifd:inputCircuit`, `bifd:outputCircuit`);
WBAI BRA template v2-2, Connections sheet; Yamakawa 2021, Neural Networks
144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (k, c) in m.connections.iter().enumerate() {
        let (Some(f), Some(t)) = (&c.decl.item.from, &c.decl.item.to) else {
            continue;
        };
        groups
            .entry((f.name.clone(), t.name.clone()))
            .or_default()
            .push(k);
    }
    for ((from, to), ks) in groups {
        if ks.len() < 2 {
            continue;
        }
        let names: Vec<Option<&str>> = ks
            .iter()
            .map(|&k| {
                m.connections[k]
                    .decl
                    .item
                    .name
                    .as_ref()
                    .map(|n| n.name.as_str())
            })
            .collect();
        let distinct_ids = names.iter().all(Option::is_some)
            && names
                .iter()
                .enumerate()
                .all(|(i, n)| !names[..i].contains(n));
        if distinct_ids {
            continue;
        }
        let decl = |k: usize| &m.connections[k].decl;
        let mut d = ctx
            .diag(format!(
                "connection `{from} -> {to}` is declared {} times",
                ks.len()
            ))
            .with_primary(
                decl(ks[1]).file,
                edge_span(decl(ks[1])),
                "declared again here",
            )
            .with_label(
                decl(ks[0]).file,
                edge_span(decl(ks[0])),
                "first declared here",
            );
        for &k in &ks[2..] {
            d = d.with_label(decl(k).file, edge_span(decl(k)), "and again here");
        }
        ctx.emit(d.with_help(
            "delete the copies and keep one connection with its best reference; if they are \
             distinct projections (another taxon or method), give each its own ID: \
             `connection NAME: SENDER -> RECEIVER`",
        ));
    }
}
