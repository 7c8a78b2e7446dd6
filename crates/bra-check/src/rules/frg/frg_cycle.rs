use crate::registry::{Ctx, Rule};
use crate::rules::frg::functions;
use bra_model::{FrgPart, FunctionId, Model};
use bra_syntax::Severity;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, VecDeque};

/// SCID802: the FRG has a cycle.
pub static RULE: Rule = Rule {
    code: "SCID802",
    name: "frg-cycle",
    severity: Severity::Error,
    summary: "the function realisation graph has a cycle",
    wbai: None,
    doc: r#"## What it checks
No function is, directly or through its sub-functions, a part of itself: the
FRG's part-of relation between functions is acyclic.

## Why
The FRG realises the top-level function by decomposition (Yamakawa 2021,
§4.1): each function is realised by its parts, down to components. A function
that is among its own parts is realised by nothing but itself, so the
decomposition never reaches the components that would implement it.

## Example
```bra
function recall   "Recall an episode" { parts = [complete] }
function complete "Complete a pattern" { parts = [recall, CA3] }   // error: recall -> complete -> recall
```
Remove one of the mentions that closes the loop (here `recall` from
`complete`'s parts).

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.1.
WBAI BRA template v2-2, FRG sheet (Subnodes column).
"#,
    run,
};

/// A shortest cycle through `start` over the edges inside `members`.
fn cycle_through(m: &Model, start: FunctionId, members: &[FunctionId]) -> Vec<FunctionId> {
    let mut pred: HashMap<FunctionId, FunctionId> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(f) = queue.pop_front() {
        for (p, _) in &m.functions[f.index()].parts {
            let FrgPart::Function(g) = *p else { continue };
            if !members.contains(&g) {
                continue;
            }
            if g == start {
                let mut path = vec![f];
                let mut cur = f;
                while let Some(&p) = pred.get(&cur) {
                    if cur == start {
                        break;
                    }
                    cur = p;
                    path.push(cur);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = pred.entry(g) {
                e.insert(f);
                queue.push_back(g);
            }
        }
    }
    vec![start]
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let fns: Vec<FunctionId> = functions(m).collect();
    let mut graph: DiGraph<FunctionId, ()> = DiGraph::new();
    let nodes: HashMap<FunctionId, NodeIndex> =
        fns.iter().map(|&f| (f, graph.add_node(f))).collect();
    for &f in &fns {
        for (p, _) in &m.functions[f.index()].parts {
            if let FrgPart::Function(g) = *p
                && let Some(&b) = nodes.get(&g)
            {
                graph.add_edge(nodes[&f], b, ());
            }
        }
    }
    let mut cycles: Vec<Vec<FunctionId>> = tarjan_scc(&graph)
        .into_iter()
        .map(|scc| {
            let mut members: Vec<FunctionId> = scc.iter().map(|&n| graph[n]).collect();
            members.sort();
            members
        })
        .filter(|members| {
            members.len() > 1
                || m.functions[members[0].index()]
                    .parts
                    .iter()
                    .any(|(p, _)| *p == FrgPart::Function(members[0]))
        })
        .collect();
    cycles.sort();
    for members in cycles {
        let name = |f: FunctionId| m.functions[f.index()].decl.name();
        let path = cycle_through(m, members[0], &members);
        let mut shown: Vec<String> = path.iter().map(|&f| name(f)).collect();
        shown.push(name(members[0]));
        let mut d = ctx.diag(format!("the FRG has a cycle: {}", shown.join(" -> ")));
        let mut first = true;
        for &f in &members {
            let decl = &m.functions[f.index()].decl;
            for (p, span) in &m.functions[f.index()].parts {
                let FrgPart::Function(g) = *p else { continue };
                if !members.contains(&g) {
                    continue;
                }
                let msg = format!("`{}` lists `{}`", name(f), name(g));
                d = if first {
                    d.with_primary(decl.file, *span, msg)
                } else {
                    d.with_label(decl.file, *span, msg)
                };
                first = false;
            }
        }
        let last = path.last().copied().unwrap_or(members[0]);
        d = d.with_help(format!(
            "a function cannot be among its own parts: remove `{}` from the parts of `{}`, or restructure the decomposition",
            name(members[0]),
            name(last)
        ));
        ctx.emit(d);
    }
}
