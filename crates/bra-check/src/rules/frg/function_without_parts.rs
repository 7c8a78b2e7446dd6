use crate::registry::{Ctx, Rule};
use crate::rules::frg::functions;
use bra_syntax::Severity;
use bra_syntax::ast::ExprKind;

/// SCID803: a function with no parts.
pub static RULE: Rule = Rule {
    code: "SCID803",
    name: "function-without-parts",
    severity: Severity::Error,
    summary: "a function of the FRG lists no parts",
    wbai: None,
    doc: r#"## What it checks
Every `function` declares a non-empty `parts = [...]` of sub-functions and
components.

## Why
In the FRG every inner node is realised by its parts and every leaf is a
component of the HCD (Yamakawa 2021, §4.1). A function without parts is a leaf
that is not a component: a capability the architecture claims but no
component implements.

## Example
```bra
function recall "Recall an episode" { parts = [complete] }
function complete "Complete a pattern"   // error: no parts
```
List the components (or sub-functions) that realise it:
`function complete "Complete a pattern" { parts = [CA3] }`.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.1.
WBAI BRA template v2-2, FRG sheet (Subnodes column).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for f in functions(m) {
        let decl = &m.functions[f.index()].decl;
        let name = decl.name();
        let parts = decl.item.property("parts");
        let empty = match parts.map(|p| &p.value.kind) {
            None => true,
            Some(ExprKind::List(items)) => items.is_empty(),
            Some(_) => false,
        };
        if !empty {
            continue;
        }
        let mut d = ctx
            .diag(format!("function `{name}` has no parts"))
            .with_primary(
                decl.file,
                decl.name_span(),
                "no sub-function or component realises this function",
            );
        if let Some(p) = parts {
            d = d.with_label(decl.file, p.span, "the list is empty");
        }
        d = d.with_help(format!(
            "list what realises it: `function {name} {{ parts = [<sub-functions or components>] }}`"
        ));
        ctx.emit(d);
    }
}
