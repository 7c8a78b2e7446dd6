use crate::registry::{Ctx, Rule};
use crate::rules::frg::functions;
use crate::rules::roi::name_of;
use bra_syntax::Severity;
use bra_syntax::ast::ExprKind;
use std::collections::HashMap;

/// SCID806: a function lists the same part twice.
pub static RULE: Rule = Rule {
    code: "SCID806",
    name: "frg-part-listed-twice",
    severity: Severity::Warning,
    summary: "a function lists the same part twice",
    wbai: None,
    doc: r#"## What it checks
No name appears twice in one function's `parts`.

## Why
A part realises a function once; a repeated mention adds nothing to the FRG
(Yamakawa 2021, §4.1) and usually means another part was meant — a copy-paste
slip in a long list.

## Example
```bra
function compare "Compare recall with input" { parts = [CA1, CA1_BC, CA1] }   // warning
```
Remove the repetition, or write the part that was meant.

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
        let Some(ExprKind::List(items)) = decl.prop("parts").map(|e| &e.kind) else {
            continue;
        };
        let mut seen: HashMap<&str, bra_syntax::Span> = HashMap::new();
        for e in items {
            let Some((name, span)) = name_of(e) else {
                continue;
            };
            match seen.get(name) {
                None => {
                    seen.insert(name, span);
                }
                Some(&first) => {
                    let d = ctx
                        .diag(format!("function `{}` lists `{name}` twice", decl.name()))
                        .with_primary(decl.file, span, "listed again here")
                        .with_label(decl.file, first, "first listed here")
                        .with_help(format!(
                            "remove the second `{name}`, or write the part that was meant"
                        ));
                    ctx.emit(d);
                }
            }
        }
    }
}
