use super::support::{prop_values, word};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID260: a reference has no DOI, URL or ISBN.
pub static RULE: Rule = Rule {
    code: "SCID260",
    name: "reference-without-locator",
    severity: Severity::Warning,
    summary: "a reference has neither a `doi`, a `url` nor an `isbn`",
    wbai: None,
    doc: r#"## What it checks
Every `reference` item gives at least one non-empty locator: a `doi`, a `url`
or an `isbn`.

## Why
The References sheet of the BRA template v2-2 identifies each paper by its
DOI (with an Alternative URL where there is none), and the BIF ontology's
`reference` annotation is "a pointer (doi, ISBN, etc.) to material to support
the description". A reference with only a title cannot be followed by a
reviewer or matched by a tool.

## Example
```bra
reference amaral1990 { type = Review, title = "Neurons, numbers and the hippocampal network" }   // warning
```
Add its DOI (`doi = "10.…"`); for a book, its `isbn`; for a web resource,
its `url`.

## References
WBAI BRA template v2-2, References sheet (DOI, Alternative URL); BIF
ontology (`reference`: "a pointer (doi, ISBN, etc.)").
"#,
    run,
};

/// The keys that locate a reference.
const LOCATORS: &[&str] = &["doi", "url", "isbn"];

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for r in &m.references {
        let mut empty = Vec::new();
        let mut found = false;
        for key in LOCATORS {
            for e in prop_values(&r.decl, key) {
                match word(e) {
                    Some(t) if t.trim().is_empty() => empty.push((key, e.span)),
                    _ => found = true,
                }
            }
        }
        if found {
            continue;
        }
        let name = r.decl.name();
        let file = r.decl.file;
        let mut d = ctx
            .diag(format!("reference `{name}` has no DOI, URL or ISBN"))
            .with_primary(file, r.decl.name_span(), "nothing locates this reference");
        for (key, span) in empty {
            d = d.with_label(file, span, format!("this `{key}` is empty"));
        }
        ctx.emit(d.with_help(
            "add `doi = \"10.…\"` so that readers and tools can find the paper; for a book \
             give its `isbn`, for a resource without a DOI its `url`",
        ));
    }
}
