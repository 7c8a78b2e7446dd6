use crate::registry::{Ctx, Rule};
use crate::rules::roi::{components_on, join_names};
use bra_syntax::Severity;

/// SCID424: two or more components sit on the same circuit.
pub static RULE: Rule = Rule {
    code: "SCID424",
    name: "several-components-per-circuit",
    severity: Severity::Error,
    summary: "more than one component sits on the same circuit",
    wbai: Some(424),
    doc: r#"## What it checks
At most one component sits on each circuit.

## Why
The HCD assigns one hypothetical function to each uniform circuit (Yamakawa
2021, §4.2): the circuit's anatomy is that function's interface. Two components
on one circuit split one anatomical interface between two hypotheses that the
anatomy cannot tell apart. WBAI's automatic BRA review reports this as error
424.

## Example
```bra
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
component store    { circuit = CA3 }
component complete { circuit = CA3 }   // error: CA3 already carries `store`
```
Merge the two into one component, or split `CA3` into uniform sub-circuits
that the literature distinguishes and put each component on its own.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.2 (HCD).
WBAI BRA template v2-2, FRG sheet (one `U.` node per uniform circuit).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for (k, on) in components_on(m).iter().enumerate() {
        if on.len() < 2 {
            continue;
        }
        let circuit = &m.circuits[k];
        let cname = circuit.decl.name();
        let names: Vec<String> = on
            .iter()
            .map(|c| m.components[c.index()].decl.name())
            .collect();
        let first = &m.components[on[0].index()];
        let second = &m.components[on[1].index()];
        let mut d = ctx
            .diag(format!(
                "{} components sit on circuit `{cname}`: {}",
                on.len(),
                join_names(&names)
            ))
            .with_primary(
                second.decl.file,
                second.circuit_ref.span,
                format!("`{}` also sits on `{cname}`", names[1]),
            )
            .with_label(
                first.decl.file,
                first.circuit_ref.span,
                format!("`{}` sits on `{cname}` first", names[0]),
            );
        for (c, n) in on.iter().zip(&names).skip(2) {
            let comp = &m.components[c.index()];
            d = d.with_label(
                comp.decl.file,
                comp.circuit_ref.span,
                format!("`{n}` also sits on `{cname}`"),
            );
        }
        d = d
            .with_label(
                circuit.decl.file,
                circuit.decl.name_span(),
                "one circuit, one component",
            )
            .with_help(format!(
                "merge them into one component on `{cname}`, or split `{cname}` into uniform sub-circuits and put each component on its own"
            ));
        ctx.emit(d);
    }
}
