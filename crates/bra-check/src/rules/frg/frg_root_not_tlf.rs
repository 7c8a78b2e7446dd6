use crate::registry::{Ctx, Rule};
use crate::rules::frg::{normalise, roots};
use bra_syntax::Severity;

/// SCID804: the FRG's root does not state the project's top-level function.
pub static RULE: Rule = Rule {
    code: "SCID804",
    name: "frg-root-not-tlf",
    severity: Severity::Warning,
    summary: "the FRG's root does not describe the project's top-level function",
    wbai: None,
    doc: r#"## What it checks
When the project states its top-level function (`tlf = "…"`) and the FRG has
one root, the root's description (its quoted title, or a `description`
property) says the same thing. Case, repeated spaces and a final full stop
are ignored.

## Why
The root of the FRG *is* the top-level function (Yamakawa 2021, §4.1; the
`R.` node of the BRA template). When the two texts drift apart, either the
project claims a function the FRG does not decompose, or the FRG decomposes
something else. It is a warning because wording can differ for good reasons.

## Example
```bra
project HP01 { tlf = "Store episodes and recall them from partial cues" }
function memory "Recall episodes" { parts = [separate, complete] }   // warning
```
Use the same words in both places.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.1.
WBAI BRA template v2-2, FRG sheet (`R.` node) and Project sheet.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let Some(project) = m.project() else { return };
    let Some((tlf, tlf_span)) = project.prop_word("tlf") else {
        return;
    };
    let roots = roots(m);
    let [root] = roots.as_slice() else { return };
    let decl = &m.functions[root.index()].decl;
    let title = decl.item.title.as_ref().map(|t| (t.value.as_str(), t.span));
    let description = decl.prop_word("description");
    let texts: Vec<(&str, _)> = title.into_iter().chain(description).collect();
    if texts.iter().any(|(t, _)| normalise(t) == normalise(tlf)) {
        return;
    }
    let name = decl.name();
    let (span, what) = match texts.first() {
        Some((t, span)) => (*span, format!("the root says \"{t}\"")),
        None => (decl.name_span(), "the root has no description".to_string()),
    };
    let d = ctx
        .diag(format!(
            "the FRG's root `{name}` does not describe the top-level function"
        ))
        .with_primary(decl.file, span, what)
        .with_label(project.file, tlf_span, "the project's top-level function")
        .with_help(format!(
            "describe the root with the TLF's words (`function {name} \"{tlf}\"`), or correct `tlf`"
        ));
    ctx.emit(d);
}
