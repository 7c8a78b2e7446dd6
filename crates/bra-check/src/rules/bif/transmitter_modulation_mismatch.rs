use super::support::{prop_values, word};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID134: a transmitter with a modulation type it does not usually have.
pub static RULE: Rule = Rule {
    code: "SCID134",
    name: "transmitter-modulation-mismatch",
    severity: Severity::Warning,
    summary: "a circuit's modulation type is unusual for its transmitter",
    wbai: None,
    doc: r#"## What it checks
A circuit with one known transmitter and one known modulation type pairs
them as the transmitter usually acts:
- `Glutamate` is `Excitatory`;
- `GABA` and `Glycine` are `Inhibitory`;
- `Dopamine`, `Serotonin` and `Acetylcholine` are usually `Modulatory`
  (they act mostly through metabotropic receptors), not `Excitatory` or
  `Inhibitory`.

It is a warning: there are real exceptions (depolarising GABA early in
development, fast nicotinic acetylcholine), but a mismatch is far more often
a slip in one of the two columns.

## Why
The modulation type is what the HCD checks flow signs against (Dale's law).
If it contradicts the transmitter, one of the two is wrong, and the sign of
every flow out of the circuit is checked against a guess.

## Example
```bra
circuit CA3 { uniform, transmitter = Glutamate, modulation = Inhibitory }   // warning
```
Glutamate is excitatory: write `modulation = Excitatory` — or, if the
population is an interneuron pool, `transmitter = GABA`.

## References
BIF ontology (`bifd:transmitter`, `modType`); WBAI BRA template v2-2,
Circuits sheet (Transmitter, Modulation Type); Yamakawa 2021, Neural
Networks 144:478–495; Kandel et al., Principles of Neural Science
(ionotropic and metabotropic transmission).
"#,
    run,
};

/// The modulation type a transmitter usually has.
fn usual(transmitter: &str) -> Option<&'static str> {
    match transmitter {
        "Glutamate" => Some("Excitatory"),
        "GABA" | "Glycine" => Some("Inhibitory"),
        "Dopamine" | "Serotonin" | "Acetylcholine" => Some("Modulatory"),
        _ => None,
    }
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for c in &m.circuits {
        let (ts, ms) = (
            prop_values(&c.decl, "transmitter"),
            prop_values(&c.decl, "modulation"),
        );
        let ([t], [mo]) = (ts.as_slice(), ms.as_slice()) else {
            continue;
        };
        let (Some(tw), Some(mw)) = (word(t), word(mo)) else {
            continue;
        };
        let Some(want) = usual(tw) else { continue };
        if !super::support::MODULATIONS.contains(&mw) || mw == want {
            continue;
        }
        let file = c.decl.file;
        let name = c.decl.name();
        let (label, help) = match want {
            "Modulatory" => (
                format!("{tw} is usually modulatory"),
                format!(
                    "{tw} acts mostly through metabotropic receptors: write `modulation = \
                     Modulatory`, unless the cited literature shows a fast {} effect",
                    mw.to_lowercase()
                ),
            ),
            _ => (
                format!("{tw} is {}", want.to_lowercase()),
                format!(
                    "write `modulation = {want}`, or correct the transmitter if `{name}` \
                     really is {}",
                    mw.to_lowercase()
                ),
            ),
        };
        let d = ctx
            .diag(format!(
                "circuit `{name}` releases {tw} but is declared {mw}"
            ))
            .with_primary(file, mo.span, format!("declared {mw} here"))
            .with_label(file, t.span, label)
            .with_help(help);
        ctx.emit(d);
    }
}
