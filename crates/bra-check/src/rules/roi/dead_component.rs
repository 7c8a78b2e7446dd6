use crate::registry::{Ctx, Rule};
use crate::rules::roi::{Index, roi_components};
use bra_model::ComponentId;
use bra_syntax::Severity;
use std::collections::VecDeque;

/// SCID901: an ROI component on no path from an ROI input to an ROI output.
pub static RULE: Rule = Rule {
    code: "SCID901",
    name: "dead-component",
    severity: Severity::Error,
    summary: "a component of the ROI lies on no path from an ROI input to an ROI output",
    wbai: None,
    doc: r#"## What it checks
Every component of the ROI lies on a path of flows between ROI components that
starts at an ROI input and ends at an ROI output:
- a component is *reached* when a connection from a circuit outside the ROI
  enters its circuit, or a stimulus targets it, or a flow comes to it from a
  reached ROI component;
- a component *reaches* the output when a connection leaves the ROI from its
  circuit, or a flow goes from it to an ROI component that reaches the output.

Components with no inputs and no outputs at all are left to SCID702.

## Why
SCID derives the HCD from the top-level function, whose inputs and outputs are
the ROI's (Yamakawa 2021, §4.3). A component that no input reaches computes on
nothing from the world; one that reaches no output influences nothing the
TLF delivers. Either way it cannot contribute to the function and is dead
weight in the hypothesis.

## Example
```bra
project T { roi = [A, B, C] }
connection In -> A { reference = r }
connection A -> B { reference = r }
connection B -> Out { reference = r }
connection B -> C { reference = r }
flow A -> B {}
flow B -> C {}   // error: C reaches no ROI output
```
Add the flow or connection that takes `C`'s result out of the ROI, or remove `C`.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.3.
"#,
    run,
};

/// Breadth-first closure of `start` over flows between ROI components, forward
/// (`forward = true`: along flows) or backward.
fn closure(ctx: &Ctx, in_roi: &[bool], start: Vec<ComponentId>, forward: bool) -> Vec<bool> {
    let m = ctx.model;
    // Adjacency over flows, built once: the walk is linear in the flows.
    let mut next_of: Vec<Vec<ComponentId>> = vec![Vec::new(); m.components.len()];
    for f in &m.flows {
        let (Some(a), Some(b)) = (f.from, f.to) else {
            continue;
        };
        let (here, next) = if forward { (a, b) } else { (b, a) };
        next_of[here.index()].push(next);
    }
    let mut seen = vec![false; m.components.len()];
    let mut queue: VecDeque<ComponentId> = start.into_iter().collect();
    while let Some(c) = queue.pop_front() {
        if seen[c.index()] {
            continue;
        }
        seen[c.index()] = true;
        for &next in &next_of[c.index()] {
            if in_roi[next.index()] && !seen[next.index()] {
                queue.push_back(next);
            }
        }
    }
    seen
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let index = Index::new(m);
    let comps = roi_components(m, &index.roi);
    let mut in_roi = vec![false; m.components.len()];
    for &c in &comps {
        in_roi[c.index()] = true;
    }
    let sources: Vec<ComponentId> = comps
        .iter()
        .copied()
        .filter(|&c| index.is_stimulated(c) || !index.inputs_of(m, c).is_empty())
        .collect();
    let sinks: Vec<ComponentId> = comps
        .iter()
        .copied()
        .filter(|&c| !index.outputs_of(m, c).is_empty())
        .collect();
    let reached = closure(ctx, &in_roi, sources, true);
    let reaching = closure(ctx, &in_roi, sinks, false);
    let no_inputs = index.roi_inputs.is_empty()
        && !m
            .stimuli
            .iter()
            .any(|s| s.target.is_some_and(|t| in_roi[t.index()]));
    for c in comps {
        let (r, o) = (reached[c.index()], reaching[c.index()]);
        if (r && o) || index.is_isolated(m, c) {
            continue;
        }
        let comp = &m.components[c.index()];
        let name = comp.decl.name();
        let (msg, label, help) = match (r, o) {
            (false, false) => (
                format!("component `{name}` lies on no path from an ROI input to an ROI output"),
                "no ROI input reaches it, and it reaches no ROI output",
                format!(
                    "connect `{name}` by flows to components that an ROI input reaches and that reach an ROI output, or remove it"
                ),
            ),
            (false, true) => (
                format!("component `{name}` is reached by no ROI input"),
                "no ROI input reaches this component",
                format!(
                    "add a flow into `{name}` from a component that an ROI input reaches, a connection from outside the ROI into its circuit, or a stimulus"
                ),
            ),
            _ => (
                format!("component `{name}` does not reach any ROI output"),
                "this component reaches no ROI output",
                format!(
                    "add a flow from `{name}` to a component that reaches an ROI output, or a connection from its circuit out of the ROI"
                ),
            ),
        };
        let mut d = ctx
            .diag(msg)
            .with_primary(comp.decl.file, comp.decl.name_span(), label);
        if let Some(k) = comp.circuit {
            let circuit = &m.circuits[k.index()];
            let what = match (r, o) {
                (false, false) => "no connection crosses the ROI's border here",
                (false, true) => "no connection from outside the ROI enters this circuit",
                _ => "no connection leaves the ROI from this circuit",
            };
            d = d.with_label(
                circuit.decl.file,
                circuit.decl.name_span(),
                format!("`{name}` sits on `{}`: {what}", circuit.decl.name()),
            );
        }
        d = d.with_help(help);
        if no_inputs && !r {
            d = d.with_note(
                "nothing enters the ROI: no connection from a circuit outside it, and no stimulus",
            );
        }
        ctx.emit(d);
    }
}
