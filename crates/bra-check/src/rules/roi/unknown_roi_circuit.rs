use crate::registry::{Ctx, Rule};
use crate::rules::roi::{name_of, roi_entries};
use bra_model::NameKind;
use bra_syntax::Severity;

/// SCID501: `roi` names something that is not a declared circuit.
pub static RULE: Rule = Rule {
    code: "SCID501",
    name: "unknown-roi-circuit",
    severity: Severity::Error,
    summary: "the region of interest names a circuit that is not declared",
    wbai: None,
    doc: r#"## What it checks
Every entry of the project's `roi = [...]` is the ID of a declared circuit.

## Why
The ROI is a set of BIF circuits (Yamakawa 2021, §4); an entry that names no
circuit silently shrinks the region every ROI rule checks, usually because of
a typo or a missing `use` of the anatomy file.

## Example
```bra
project HP01 { roi = [EC2, DG, CA33] }   // error: no circuit `CA33`
```
Fix the ID (`CA3`), declare the circuit, or `use` the file that does.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let Some((project, _, items)) = roi_entries(m) else {
        return;
    };
    for e in items {
        let d = match name_of(e) {
            Some((name, _)) if m.circuit(name).is_some() => continue,
            Some((name, span)) => {
                let d = ctx
                    .diag(format!(
                        "the ROI names `{name}`, which is not a declared circuit"
                    ))
                    .with_primary(project.file, span, "no circuit has this ID");
                match m.suggest(NameKind::Circuit, name) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(
                        "declare the circuit, `use` the file that declares it, or remove it from `roi`",
                    ),
                }
            }
            None => ctx
                .diag("the ROI lists something that is not a circuit ID")
                .with_primary(project.file, e.span, "not a circuit ID")
                .with_help("write circuit IDs: `roi = [A, B]`"),
        };
        ctx.emit(d);
    }
}
