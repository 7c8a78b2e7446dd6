use crate::registry::{Ctx, Rule};
use crate::rules::frg::{functions, listed_by, roots};
use crate::rules::roi::join_names;
use bra_syntax::Severity;

/// SCID801: the FRG has no root, or several.
pub static RULE: Rule = Rule {
    code: "SCID801",
    name: "frg-root-count",
    severity: Severity::Error,
    summary: "the function realisation graph does not have exactly one root",
    wbai: None,
    doc: r#"## What it checks
When the spec declares functions, exactly one of them is listed as a part by
no other function: the root of the FRG, which stands for the top-level
function (TLF).

## Why
The FRG decomposes *one* top-level function into sub-functions and finally
into the components of the HCD (Yamakawa 2021, §4.1; the `R.` node of the BRA
template's FRG sheet). Several roots are several unrelated hypotheses in one
spec; no root means the graph is all cycles (SCID802).

## Example
```bra
function recall   "Recall an episode" { parts = [complete] }
function complete "Complete a pattern" { parts = [CA3] }
function separate "Separate patterns"  { parts = [DG] }   // error: a second root
```
List `separate` under `recall` (or under a new root that stands for the TLF).

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.1.
WBAI BRA template v2-2, FRG sheet (`R.` node).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let all: Vec<_> = functions(m).collect();
    if all.is_empty() {
        return;
    }
    let roots = roots(m);
    if roots.len() == 1 {
        return;
    }
    if roots.is_empty() {
        let names: Vec<String> = all
            .iter()
            .map(|f| m.functions[f.index()].decl.name())
            .collect();
        let mut d = ctx.diag(format!(
            "the FRG has no root: each of {} is a part of another function",
            join_names(&names)
        ));
        for (i, f) in all.iter().enumerate() {
            let decl = &m.functions[f.index()].decl;
            let by: Vec<String> = listed_by(m, *f)
                .iter()
                .map(|g| m.functions[g.index()].decl.name())
                .collect();
            let msg = format!("a part of {}", join_names(&by));
            d = if i == 0 {
                d.with_primary(decl.file, decl.name_span(), msg)
            } else {
                d.with_label(decl.file, decl.name_span(), msg)
            };
        }
        d = d.with_help(
            "declare the top-level function as a function that lists the top sub-functions and that no function lists, and break the cycle (SCID802)",
        );
        ctx.emit(d);
        return;
    }
    let names: Vec<String> = roots
        .iter()
        .map(|f| m.functions[f.index()].decl.name())
        .collect();
    let mut d = ctx.diag(format!(
        "the FRG has {} roots ({}); it must have exactly one, the top-level function",
        roots.len(),
        join_names(&names)
    ));
    for (i, f) in roots.iter().enumerate() {
        let decl = &m.functions[f.index()].decl;
        d = if i == 0 {
            d.with_primary(decl.file, decl.name_span(), "a root: no function lists it")
        } else {
            d.with_label(decl.file, decl.name_span(), "another root")
        };
    }
    d = d.with_help(format!(
        "list {} under `{}` (or one of its sub-functions), or add one root that stands for the top-level function: `function tlf \"…\" {{ parts = [{}] }}`",
        join_names(&names[1..]),
        names[0],
        names.join(", ")
    ));
    ctx.emit(d);
}
