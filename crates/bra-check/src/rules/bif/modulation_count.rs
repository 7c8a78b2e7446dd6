use super::support::{MODULATIONS, check_unique_output, or_list, word};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID131: a uniform circuit has exactly one modulation type.
pub static RULE: Rule = Rule {
    code: "SCID131",
    name: "modulation-count",
    severity: Severity::Error,
    summary: "a uniform circuit has no modulation type, or more than one",
    wbai: None,
    doc: r#"## What it checks
Every `uniform` circuit declares exactly one `modulation` (Excitatory,
Inhibitory or Modulatory): not none, not a list, not the key twice.

## Why
SCID's "unique output": the modulation type says what the circuit's output
does to its targets, and the HCD checks every flow's sign against it (an
inhibitory sender cannot drive a positive weight — Dale's law). A circuit
with no modulation cannot be checked; one with two has no unique output. The
BRA template v2-2 has one Modulation Type cell per circuit, and the BIF
ontology one `modType` per `UniformCircuit`.

## Example
```bra
circuit DG { uniform, transmitter = Glutamate }                                           // error: none
circuit VTA { uniform, transmitter = Dopamine, modulation = Modulatory, modulation = Excitatory }   // error: two
```
Add `modulation = Excitatory` to `DG`; keep one modulation for `VTA`.

## References
Yamakawa 2021, Neural Networks 144:478–495 (SCID, unique output); BIF
ontology (`modType`, `ModType`); WBAI BRA template v2-2, Circuits sheet
(Modulation Type).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    check_unique_output(ctx, "modulation", "modulation type", &|c| {
        let transmitter = c.decl.prop("transmitter").and_then(word);
        let example = match transmitter {
            Some("GABA" | "Glycine") => "Inhibitory",
            Some("Dopamine" | "Serotonin" | "Acetylcholine") => "Modulatory",
            _ => "Excitatory",
        };
        format!(
            "add what the output does to its targets, e.g. `modulation = {example}` (one of {})",
            or_list(MODULATIONS)
        )
    });
}
