use crate::registry::{Ctx, Rule};
use bra_model::NameKind;
use bra_syntax::Severity;

/// E101: a name that does not resolve.
pub static RULE: Rule = Rule {
    code: "E101",
    name: "unknown-name",
    severity: Severity::Error,
    summary: "a name refers to nothing declared",
    wbai: None,
    doc: r#"## What it checks
Every name used as a flow endpoint, a stimulus target or an FRG part names a
declared component or function (in this file or one it `use`s). Connection
endpoints, component circuits and cited references have their own SCID rules
(SCID202, SCID420, SCID253).

## Why
A name that resolves to nothing is almost always a typo or a missing `use`;
the rest of the architecture cannot be checked around it.

## Example
```bra
component CA3 { neurons = lif() * 100 }
flow CA3 -> CA11 { weight = 0.5 mV }   // error: no component `CA11`
```
Fix the spelling (`CA1`), declare the component, or `use` the file that does.

## References
Yamakawa 2021, Neural Networks 144, §4 (HCD).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for u in &m.unresolved {
        let skip = matches!(
            (u.kind, u.role),
            (NameKind::Circuit, "the sender of this connection")
                | (NameKind::Circuit, "the receiver of this connection")
                | (NameKind::Circuit, "the circuit this component sits on")
                | (NameKind::Circuit, "a part of this circuit")
                | (NameKind::Reference, _)
        );
        if skip {
            continue;
        }
        let mut d = ctx
            .diag(format!("no {} named `{}`", u.kind.noun(), u.ident.name))
            .with_primary(u.file, u.ident.span, format!("{} is not declared", u.role));
        d = match m.suggest(u.kind, &u.ident.name) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "declare the {} or `use` the file that declares it",
                u.kind.noun()
            )),
        };
        ctx.emit(d);
    }
}
