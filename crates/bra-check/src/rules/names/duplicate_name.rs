use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// E102: a name declared twice.
pub static RULE: Rule = Rule {
    code: "E102",
    name: "duplicate-name",
    severity: Severity::Error,
    summary: "a name is declared twice",
    wbai: Some(103),
    doc: r#"## What it checks
Circuit, component, function and reference IDs are unique within their kind,
across every file the spec `use`s.

## Why
WBAI's review requires circuit IDs to be unique (review code 103): a BIF in
which one ID names two circuits cannot say which one a connection reaches.

## Example
```bra
circuit CA3 { uniform, transmitter = Glutamate, modulation = Excitatory }
circuit CA3 { uniform, transmitter = GABA, modulation = Inhibitory }  // error
```
Rename one (`CA3_int`), or delete the copy.

## References
WBAI BRA template v2-2, Circuits sheet (Circuit ID column).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    for d in &ctx.model.duplicates {
        let diag = ctx
            .diag(format!(
                "{} `{}` is declared twice",
                d.kind.keyword(),
                d.name
            ))
            .with_primary(d.again.0, d.again.1, "declared again here")
            .with_label(d.first.0, d.first.1, "first declared here")
            .with_help(format!(
                "give each {} its own ID, or remove the repeated declaration",
                d.kind.keyword()
            ));
        ctx.emit(diag);
    }
}
