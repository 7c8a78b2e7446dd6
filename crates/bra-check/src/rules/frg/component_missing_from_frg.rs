use crate::registry::{Ctx, Rule};
use crate::rules::frg::{functions, roots};
use crate::rules::roi::{roi, roi_components};
use bra_model::FrgPart;
use bra_syntax::Severity;

/// SCID805: an ROI component that no function lists.
pub static RULE: Rule = Rule {
    code: "SCID805",
    name: "component-missing-from-frg",
    severity: Severity::Error,
    summary: "a component of the ROI is not part of any function of the FRG",
    wbai: None,
    doc: r#"## What it checks
Every component that sits on a uniform circuit of the ROI is listed in the
`parts` of some function.

## Why
The FRG's leaves are the HCD's components (Yamakawa 2021, §4.1): it says what
each component contributes to the top-level function. A component that no
function lists is a piece of the hypothesis with no stated purpose, and the
FRG no longer covers the ROI.

## Example
```bra
component DG {}
component CA3 {}
function recall "Recall an episode" { parts = [CA3] }   // error: DG is in no function
```
List the component under the function it serves (`parts = [DG, CA3]`, or a new
sub-function `separate { parts = [DG] }`).

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.1.
WBAI BRA template v2-2, FRG sheet (`U.` nodes).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let roi = roi(m);
    let roots = roots(m);
    let mut listed = vec![false; m.components.len()];
    for f in functions(m) {
        for (p, _) in &m.functions[f.index()].parts {
            if let FrgPart::Component(c) = p {
                listed[c.index()] = true;
            }
        }
    }
    for c in roi_components(m, &roi) {
        if listed[c.index()] {
            continue;
        }
        let comp = &m.components[c.index()];
        let name = comp.decl.name();
        let mut d = ctx
            .diag(format!("component `{name}` is in no function of the FRG"))
            .with_primary(
                comp.decl.file,
                comp.decl.name_span(),
                "no function lists this component",
            );
        d = match roots.as_slice() {
            [root] => {
                let r = &m.functions[root.index()].decl;
                d.with_label(r.file, r.name_span(), "the FRG's root")
                    .with_help(format!(
                        "add `{name}` to the `parts` of the function it serves (under `{}`)",
                        r.name()
                    ))
            }
            [] => d.with_help(format!(
                "declare the FRG: a root function for the top-level function whose parts (directly or through sub-functions) include `{name}`"
            )),
            _ => d.with_help(format!("add `{name}` to the `parts` of the function it serves")),
        };
        ctx.emit(d);
    }
}
