use crate::registry::{Ctx, Rule};
use crate::rules::roi::{components, roi, roi_entries};
use bra_syntax::Severity;

/// W503: a component sits on a circuit outside the ROI.
pub static RULE: Rule = Rule {
    code: "W503",
    name: "component-outside-roi",
    severity: Severity::Warning,
    summary: "a component sits on a circuit outside the region of interest",
    wbai: None,
    doc: r#"## What it checks
When the project declares `roi`, every component sits on a circuit of the ROI.

## Why
The HCD decomposes the top-level function over the ROI (Yamakawa 2021, §4.2);
a component outside it escapes the ROI rules (FRG coverage, dead components,
the TLF's interface). Often the ROI list is simply missing a circuit. It is a
warning because modelling a source region outside the ROI can be deliberate.

## Example
```bra
project HP01 { roi = [DG, CA3] }
component CA1 {}   // warning: CA1 is not in the ROI
```
Add `CA1` to `roi`, or remove the component.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.2.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let roi = roi(m);
    let Some((project, value, _)) = roi_entries(m) else {
        return;
    };
    for k in components(m) {
        let comp = &m.components[k.index()];
        let Some(c) = comp.circuit else { continue };
        if roi.contains(c) {
            continue;
        }
        let cname = m.circuits[c.index()].decl.name();
        let d = ctx
            .diag(format!(
                "component `{}` sits on `{cname}`, outside the region of interest",
                comp.decl.name()
            ))
            .with_primary(
                comp.decl.file,
                comp.circuit_ref.span,
                format!("`{cname}` is not in the ROI"),
            )
            .with_label(project.file, value.span, "the ROI, which leaves it out")
            .with_help(format!(
                "add `{cname}` to `roi`, or remove the component if it is not part of the hypothesis"
            ));
        ctx.emit(d);
    }
}
