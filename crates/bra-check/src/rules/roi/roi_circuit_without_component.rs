use crate::registry::{Ctx, Rule};
use crate::rules::roi::{components, components_on, roi};
use bra_syntax::Severity;

/// SCID502: a uniform circuit of the ROI carries no component.
pub static RULE: Rule = Rule {
    code: "SCID502",
    name: "roi-circuit-without-component",
    severity: Severity::Error,
    summary: "a uniform circuit of the region of interest carries no component",
    wbai: None,
    doc: r#"## What it checks
Every uniform circuit of the ROI (the circuits `roi` lists and all their
descendants) carries a component. A spec without any component (anatomy only,
such as an imported BIF) and a spec without `roi` (SCID500) are not checked.

## Why
The HCD must cover the ROI: one hypothetical component per uniform circuit
(Yamakawa 2021, §4.2). A uniform circuit without a component is anatomy the
hypothesis does not explain — its connections are inputs and outputs that no
component's interface accounts for.

## Example
```bra
project HP01 { roi = [HF] }
circuit HF { circuit DG { uniform } circuit CA3 { uniform } }
component DG {}
// error: CA3 is in the ROI (through HF) but carries no component
```
Add `component CA3 { … }`, or leave `CA3` out of the ROI (list `DG` instead of
`HF`).

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.2.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let roi = roi(m);
    if !roi.declared || components(m).next().is_none() {
        return;
    }
    let on = components_on(m);
    for c in roi.circuits() {
        let circuit = &m.circuits[c.index()];
        if !circuit.is_uniform() || !on[c.index()].is_empty() {
            continue;
        }
        let name = circuit.decl.name();
        let mut d = ctx
            .diag(format!(
                "circuit `{name}` is in the ROI but carries no component"
            ))
            .with_primary(
                circuit.decl.file,
                circuit.decl.name_span(),
                "a uniform circuit of the ROI without a component",
            );
        let help = match roi.via(c) {
            Some((file, span, listed)) if listed == c => {
                d = d.with_label(file, span, "listed in the ROI here");
                format!("add `component {name} {{ … }}`, or remove `{name}` from `roi`")
            }
            Some((file, span, listed)) => {
                let whole = m.circuits[listed.index()].decl.name();
                d = d.with_label(
                    file,
                    span,
                    format!("brings `{name}` into the ROI as a part of `{whole}`"),
                );
                format!(
                    "add `component {name} {{ … }}`, or list the parts of `{whole}` that the HCD models instead of `{whole}`"
                )
            }
            None => format!("add `component {name} {{ … }}`"),
        };
        ctx.emit(d.with_help(help));
    }
}
