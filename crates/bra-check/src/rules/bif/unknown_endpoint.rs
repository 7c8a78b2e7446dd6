use super::support::written;
use crate::registry::{Ctx, Rule};
use bra_model::NameKind;
use bra_syntax::Severity;

/// SCID202: a connection's sender or receiver is not a declared circuit.
pub static RULE: Rule = Rule {
    code: "SCID202",
    name: "unknown-endpoint",
    severity: Severity::Error,
    summary: "a connection's sender or receiver is not a declared circuit",
    wbai: Some(202),
    doc: r#"## What it checks
The sender and the receiver of every `connection` are IDs of circuits
declared in the spec (in this file or one it `use`s).

## Why
A connection is an edge of the BIF graph between two circuits (the BIF
ontology's `inputCircuit` and `outputCircuit`); an endpoint that names no
circuit is a dangling edge, and every later check — uniform senders, HCD
flows backed by anatomy, ROI inputs and outputs — silently drops it. WBAI's
review reports an undeclared sender as error 202 and an undeclared receiver
as error 224; diagnostics for a receiver carry code 224.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
connection DG -> CA03 { reference = amaral2007 }   // error: no circuit `CA03`
reference amaral2007 { doi = "10.1016/S0079-6123(07)63001-5" }
```
Fix the spelling (`CA3`), declare the circuit, or `use` the file that
declares it.

## References
WBAI BRA review codes 202 (sender) and 224 (receiver); BIF ontology
(`bifd:inputCircuit`, `bifd:outputCircuit`); WBAI BRA template v2-2,
Connections sheet (sCID, rCID).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.connections {
        let ends = [
            (&c.decl.item.from, c.sender.is_none(), "sender", 202u16),
            (&c.decl.item.to, c.receiver.is_none(), "receiver", 224u16),
        ];
        for (ident, missing, role, wbai) in ends {
            let Some(id) = ident else { continue };
            if !missing {
                continue;
            }
            let mut d = ctx
                .diag(format!(
                    "the {role} of connection `{}` is not a declared circuit",
                    c.decl.name()
                ))
                .with_primary(
                    c.decl.file,
                    id.span,
                    format!("no circuit named `{}`", id.name),
                );
            d.wbai_code = Some(wbai);
            d = match m.suggest(NameKind::Circuit, &id.name) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "declare `circuit {} {{ uniform, ... }}`, or `use` the file that declares it",
                    written(&id.name)
                )),
            };
            ctx.emit(d);
        }
    }
}
