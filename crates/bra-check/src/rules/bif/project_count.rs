use crate::registry::{Ctx, Rule};
use bra_syntax::{FileId, Severity, Span};

/// SCID001: a spec declares exactly one project.
pub static RULE: Rule = Rule {
    code: "SCID001",
    name: "project-count",
    severity: Severity::Error,
    summary: "a spec has no `project` item, or more than one",
    wbai: None,
    doc: r#"## What it checks
The spec — the root file together with every file it `use`s — declares exactly
one `project` item.

## Why
A BRA is one project: the BRA template v2-2 has one Project sheet (Project ID,
contributors, description, BRA version), and the project block carries what
the SCID rules need beyond anatomy — the taxon, the top-level function (TLF)
and the region of interest (ROI). Without it, the ROI-based checks cannot run;
with two, nobody can say which TLF and ROI the architecture is checked against.

## Example
```bra
project HP01 "Hippocampal episodic memory" { bra_version = "2.2" }
project HP02 "Hippocampus, again" { bra_version = "2.2" }   // error: a second project
```
Keep one project block and merge the settings of the other into it. A file
meant to be `use`d by several specs (an anatomy library) should not declare a
project of its own.

## References
WBAI BRA template v2-2, Project sheet; Yamakawa 2021, Neural Networks
144:478–495 (BRA data, TLF and ROI).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    match m.projects.len() {
        0 => {
            let mut d = ctx.diag("the spec has no `project` item");
            if let Some((file, span)) = first_place(ctx) {
                d = d.with_primary(file, span, "the spec starts here, without a project");
            }
            ctx.emit(d.with_help(
                "add a project block to the root file, e.g. \
                 `project P01 \"title\" { bra_version = \"2.2\", tlf = \"…\", roi = [...] }`",
            ));
        }
        1 => {}
        n => {
            let first = &m.projects[0];
            let mut d = ctx
                .diag(format!("the spec declares {n} projects"))
                .with_primary(
                    m.projects[1].file,
                    m.projects[1].name_span(),
                    format!("a second project, `{}`", m.projects[1].name()),
                )
                .with_label(
                    first.file,
                    first.name_span(),
                    format!("first project `{}` declared here", first.name()),
                );
            for p in &m.projects[2..] {
                d = d.with_label(
                    p.file,
                    p.name_span(),
                    format!("another project, `{}`", p.name()),
                );
            }
            ctx.emit(d.with_help(
                "a spec is one project: keep one `project` block and merge the others' \
                 settings into it; a file that is `use`d should not declare its own",
            ));
        }
    }
}

/// The first declaration of the root file, or its first non-blank byte.
fn first_place(ctx: &Ctx) -> Option<(FileId, Span)> {
    let m = ctx.model;
    let root = FileId(0);
    let decls = m
        .simulations
        .iter()
        .chain(m.references.iter().map(|r| &r.decl))
        .chain(m.circuits.iter().map(|c| &c.decl))
        .chain(m.connections.iter().map(|c| &c.decl))
        .chain(m.components.iter().map(|c| &c.decl))
        .chain(m.flows.iter().map(|c| &c.decl))
        .chain(m.functions.iter().map(|c| &c.decl))
        .chain(m.stimuli.iter().map(|c| &c.decl));
    let first = decls
        .filter(|d| d.file == root)
        .map(|d| d.item.keyword_span)
        .min_by_key(|s| s.start);
    if let Some(span) = first {
        return Some((root, span));
    }
    let text = &m.sources.try_get(root)?.text;
    let at = text.len() - text.trim_start().len();
    Some((root, Span::new(at, at)))
}
