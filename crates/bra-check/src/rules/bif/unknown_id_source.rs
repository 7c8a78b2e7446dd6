use super::support::{ID_SOURCES, closest, or_list, prop_values, word};
use crate::registry::{Ctx, Rule};
use bra_model::NameKind;
use bra_syntax::Severity;

/// SCID107: a circuit ID's source is neither a known atlas nor a declared reference.
pub static RULE: Rule = Rule {
    code: "SCID107",
    name: "unknown-id-source",
    severity: Severity::Error,
    summary: "a circuit's `source` is not DHBA, MBA, UBERON, collection, makeshift or a declared reference",
    wbai: Some(107),
    doc: r#"## What it checks
Where a circuit says where its ID comes from (`source = ...`), the source is
one of
- `DHBA` (Allen Developing Human Brain Atlas), `MBA` (Allen Mouse Brain
  Atlas), `UBERON` (the Uberon anatomy ontology) — an atlas whose abbreviation
  the ID is;
- `collection` — an ID coined for a grouping of circuits;
- `makeshift` — an ID coined for this BRA because no atlas has the region;
- or the ID of a `reference` declared in the spec (the paper that names the
  region).

A circuit without `source` is not reported here.

## Why
WBAI's review requires every circuit ID to have a known source (review code
107) and a source that cites literature to name a listed reference (review
code 108). The WholeBIF circuit dictionary records the same column
(`Source of ID`): without it, two BRAs cannot tell whether their `CA3` is the
same region.

## Example
```bra
reference paxinos2012 { isbn = "978-0-00-000000-0", type = Book }   // the atlas
circuit PrL "prelimbic cortex" { uniform, transmitter = Glutamate, modulation = Excitatory, source = Paxinos }   // error
```
Write the ID of the declared reference (`source = paxinos2012`), or the
atlas the abbreviation comes from (`source = MBA`).

## References
WBAI BRA review codes 107 and 108; WBAI BRA template v2-2, Circuits sheet
(Source of ID); WholeBIF circuit dictionary (`BrainRegions.csv`).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        for e in prop_values(&c.decl, "source") {
            let text = word(e);
            if let Some(t) = text
                && (ID_SOURCES.contains(&t) || m.reference(t).is_some())
            {
                continue;
            }
            let msg = match text {
                Some(t) => format!("circuit `{}` has an unknown ID source `{t}`", c.decl.name()),
                None => format!("the ID source of circuit `{}` is not a name", c.decl.name()),
            };
            let mut d = ctx
                .diag(msg)
                .with_primary(
                    c.decl.file,
                    e.span,
                    "not DHBA, MBA, UBERON, collection, makeshift or a declared reference",
                )
                .with_label(
                    c.decl.file,
                    c.decl.name_span(),
                    "the ID whose source this is",
                );
            let guess = text.and_then(|t| {
                closest(t, ID_SOURCES)
                    .map(str::to_string)
                    .or_else(|| m.suggest(NameKind::Reference, t))
            });
            d = match guess {
                Some(g) => d.with_help(format!("did you mean `source = {g}`?")),
                None => d.with_help(format!(
                    "write {} — or declare the paper that names the region \
                     (`reference id {{ doi = \"…\" }}`) and write its ID",
                    or_list(ID_SOURCES)
                )),
            };
            ctx.emit(d);
        }
    }
}
