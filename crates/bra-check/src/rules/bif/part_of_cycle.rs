use crate::registry::{Ctx, Rule};
use bra_model::{CircuitId, Model};
use bra_syntax::{FileId, Severity, Span};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// SCID123: the part-of relation has a cycle.
pub static RULE: Rule = Rule {
    code: "SCID123",
    name: "part-of-cycle",
    severity: Severity::Error,
    summary: "circuits are parts of each other (the part-of relation has a cycle)",
    wbai: None,
    doc: r#"## What it checks
No circuit is, directly or through other circuits, a part of itself: the
part-of relation built from nested `circuit` items and `parts = [...]` lists
has no cycle. Every circuit on a cycle is labelled, at the place that makes
it a part of the next.

## Why
The BIF ontology's `hasPart`/`partOf` describe anatomical containment, which
is a strict order: a region cannot contain itself. The SCID rules walk the
part-of tree (a collection's uniform descendants, connections "through the
part-of hierarchy"); on a cycle those walks have no bottom, and the WBAI
review's sub-circuit checks (120/121) lose their meaning, since every circuit
on the cycle both has parts and is a part.

## Example
```bra
circuit HPF { parts = [DG] }
circuit DG { parts = [HPF] }   // error: HPF contains DG, which contains HPF
```
Remove the mention that points back up the tree (here `parts = [HPF]`).

## References
BIF ontology (`bifd:hasPart`, `bifd:partOf`); WBAI BRA review codes 120/121;
Yamakawa 2021, Neural Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    // Whole → part, over the circuits alone.
    let mut g: DiGraph<CircuitId, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..m.circuits.len())
        .map(|k| g.add_node(CircuitId(k as u32)))
        .collect();
    for (k, c) in m.circuits.iter().enumerate() {
        for p in &c.parts {
            g.add_edge(nodes[k], nodes[p.index()], ());
        }
    }
    let mut sccs: Vec<Vec<CircuitId>> = tarjan_scc(&g)
        .into_iter()
        .map(|scc| {
            let mut ids: Vec<CircuitId> = scc.into_iter().map(|n| g[n]).collect();
            ids.sort();
            ids
        })
        .filter(|ids| ids.len() > 1 || m.circuits[ids[0].index()].parts.contains(&ids[0]))
        .collect();
    sccs.sort();
    for members in sccs {
        report(ctx, m, &members);
    }
}

fn report(ctx: &mut Ctx, m: &Model, members: &[CircuitId]) {
    let name = |c: CircuitId| m.circuits[c.index()].decl.name();
    let member: std::collections::HashSet<CircuitId> = members.iter().copied().collect();
    // Each place that makes a member a part of another member.
    let mut places: Vec<(FileId, Span, String)> = Vec::new();
    for &c in members {
        let circuit = &m.circuits[c.index()];
        for &(whole, file, span) in &circuit.parents {
            if !member.contains(&whole) {
                continue;
            }
            if places.iter().any(|(f, s, _)| *f == file && *s == span) {
                continue;
            }
            let nested = circuit.parent == Some(whole)
                && file == circuit.decl.file
                && span == circuit.decl.name_span();
            let msg = if whole == c {
                format!("`{}` is listed as a part of itself", name(c))
            } else if nested {
                format!("`{}` is declared inside `{}`", name(c), name(whole))
            } else {
                format!("`{}` is listed as a part of `{}`", name(c), name(whole))
            };
            places.push((file, span, msg));
        }
    }
    places.sort_by_key(|(f, s, _)| (*f, s.start, s.end));
    let cycle = shortest_cycle(m, members);
    let message = if cycle.len() <= 2 {
        format!("circuit `{}` is a part of itself", name(cycle[0]))
    } else {
        let chain: Vec<String> = cycle.iter().map(|&c| format!("`{}`", name(c))).collect();
        format!(
            "the part-of relation has a cycle: {} contains {}",
            chain[0],
            chain[1..].join(", which contains ")
        )
    };
    let mut d = ctx.diag(message);
    // The last place in the source closes the cycle: it is the primary one.
    let last = places.len().saturating_sub(1);
    for (k, (file, span, msg)) in places.into_iter().enumerate() {
        d = if k == last {
            d.with_primary(file, span, msg)
        } else {
            d.with_label(file, span, msg)
        };
    }
    ctx.emit(d.with_help(
        "part-of must be a tree: remove the mention that points back up the tree, so that no \
         circuit contains itself",
    ));
}

/// The shortest cycle through the first member, whole → part, as a list that
/// starts and ends with that member.
fn shortest_cycle(m: &Model, members: &[CircuitId]) -> Vec<CircuitId> {
    let start = members[0];
    let mut member = vec![false; m.circuits.len()];
    for c in members {
        member[c.index()] = true;
    }
    let mut prev: Vec<Option<CircuitId>> = vec![None; m.circuits.len()];
    let mut queue = VecDeque::from([start]);
    let mut seen = vec![false; m.circuits.len()];
    seen[start.index()] = true;
    while let Some(u) = queue.pop_front() {
        for &v in &m.circuits[u.index()].parts {
            if !member[v.index()] {
                continue;
            }
            if v == start {
                let mut path = vec![u];
                let mut cur = u;
                while cur != start {
                    let Some(p) = prev[cur.index()] else { break };
                    path.push(p);
                    cur = p;
                }
                path.reverse();
                path.push(start);
                return path;
            }
            if !std::mem::replace(&mut seen[v.index()], true) {
                prev[v.index()] = Some(u);
                queue.push_back(v);
            }
        }
    }
    vec![start, start]
}
