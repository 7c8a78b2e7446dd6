use crate::registry::{Ctx, Rule};
use crate::rules::roi::roi;
use bra_syntax::Severity;

/// SCID500: the project declares no region of interest.
pub static RULE: Rule = Rule {
    code: "SCID500",
    name: "no-roi",
    severity: Severity::Warning,
    summary: "the project declares no region of interest (`roi`)",
    wbai: None,
    doc: r#"## What it checks
The `project` block declares `roi = [...]`: the circuits (collections include
all their parts) that the architecture models.

## Why
BRA-driven development starts by fixing a region of interest, and SCID's
constraints are stated relative to it: the HCD must cover the ROI, every ROI
component must lie between an ROI input and an ROI output, and the top-level
function's interface is the ROI's (Yamakawa 2021, §4). Without `roi`, `bra`
takes the circuits that carry components as the ROI, so those checks still
run but can no longer notice a circuit the HCD forgot.

## Example
```bra
project HP01 "Hippocampal episodic memory" {
  tlf = "Store episodes and recall them from partial cues"
  // warning: no `roi`
}
```
Add `roi = [EC2, DG, CA3, CA1]`.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let Some(project) = m.project() else { return };
    if project.prop("roi").is_some() {
        return;
    }
    let fallback: Vec<String> = roi(m)
        .circuits()
        .map(|c| m.circuits[c.index()].decl.name())
        .collect();
    let example = if fallback.is_empty() {
        "<circuit IDs>".to_string()
    } else {
        fallback.join(", ")
    };
    let d = ctx
        .diag(format!("project `{}` declares no region of interest", project.name()))
        .with_primary(project.file, project.name_span(), "no `roi` in this project")
        .with_help(format!(
            "add `roi = [{example}]` to the project (circuit IDs; a collection includes all its parts)"
        ))
        .with_note(
            "until then the circuits that carry components are taken as the ROI, so no check can find a circuit the HCD misses",
        );
    ctx.emit(d);
}
