use super::support::{TRANSMITTERS, check_known_value};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID132: a transmitter outside the BRA template's list.
pub static RULE: Rule = Rule {
    code: "SCID132",
    name: "unknown-transmitter",
    severity: Severity::Error,
    summary: "a circuit's transmitter is not one of the BRA template's six",
    wbai: None,
    doc: r#"## What it checks
A circuit's `transmitter` is one of `Acetylcholine`, `Dopamine`, `GABA`,
`Glutamate`, `Glycine` or `Serotonin`, spelled exactly so.

## Why
The transmitter is a fixed vocabulary, not free text: the BRA template v2-2
offers exactly these six in its Transmitter column, and the BIF ontology
models transmitters as named individuals of `bifd:NeuroTransmitter`. Tools
that import or compare BRAs (and the Dale's-law checks of the HCD) match the
words exactly, so `glutamate`, `Glu` or the ontology's old spelling `Dopamin`
would silently fall out of every check.

## Example
```bra
circuit SNc { uniform, transmitter = Dopamin, modulation = Modulatory }   // error
```
Write `transmitter = Dopamine`. A transmitter outside the list (noradrenaline,
histamine, a neuropeptide) cannot be written in a BRA v2-2 either: pick the
one that carries the output the architecture relies on and say the rest in a
comment.

## References
WBAI BRA template v2-2, Circuits sheet (Transmitter); BIF ontology
(`bifd:NeuroTransmitter`, `bifd:transmitter`); Yamakawa 2021, Neural Networks
144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    check_known_value(
        ctx,
        "transmitter",
        "transmitter",
        TRANSMITTERS,
        "WBAI's list of transmitters is fixed by the BRA template v2-2: Acetylcholine, \
         Dopamine, GABA, Glutamate, Glycine, Serotonin",
    );
}
