use crate::registry::{Ctx, Rule};
use crate::rules::roi::components;
use bra_model::NameKind;
use bra_syntax::Severity;

/// SCID420: a component sits on a circuit that is not declared.
pub static RULE: Rule = Rule {
    code: "SCID420",
    name: "component-on-missing-circuit",
    severity: Severity::Error,
    summary: "a component sits on a circuit that is not declared",
    wbai: Some(421),
    doc: r#"## What it checks
Every component sits on a declared circuit: the circuit named by its own ID,
or by `circuit = ID` when the component has a name of its own.

## Why
In the HCD each component is the hypothesised function of exactly one uniform
circuit of the BIF (Yamakawa 2021, §4.2); a component without its circuit has
no anatomy to constrain its interface. WBAI's automatic BRA review reports the
same as error 421 (an HCD node whose circuit ID is not in the Circuits sheet).

## Example
```bra
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
component recall { circuit = CA33 }   // error: no circuit `CA33`
```
Fix the ID (`circuit = CA3`) or declare the circuit.

## References
Yamakawa H. (2021) The whole brain architecture approach: accelerating the
development of artificial general intelligence by referring to the brain.
Neural Networks 144:478–495. WBAI BRA template v2-2, FRG sheet (`U.` nodes).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for k in components(m) {
        let comp = &m.components[k.index()];
        let cref = &comp.circuit_ref;
        if comp.circuit.is_some() || cref.name.is_empty() {
            continue;
        }
        let file = comp.decl.file;
        let mut d = ctx
            .diag(format!(
                "component `{}` sits on `{}`, which is not a declared circuit",
                comp.decl.name(),
                cref.name
            ))
            .with_primary(file, cref.span, "no circuit has this ID");
        let own = comp.decl.name_span();
        if own != cref.span {
            d = d.with_label(file, own, "the component is declared here");
        }
        d = match m.suggest(NameKind::Circuit, &cref.name) {
            Some(s) => d.with_help(format!(
                "did you mean `{s}`? Otherwise declare `circuit {} {{ uniform, … }}`",
                cref.name
            )),
            None => d.with_help(format!(
                "declare `circuit {} {{ uniform, … }}`, or set `circuit = <ID>` to the uniform circuit it models",
                cref.name
            )),
        };
        ctx.emit(d);
    }
}
