use super::support::{MODULATIONS, check_known_value};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID133: a modulation type outside Excitatory, Inhibitory, Modulatory.
pub static RULE: Rule = Rule {
    code: "SCID133",
    name: "unknown-modulation",
    severity: Severity::Error,
    summary: "a circuit's modulation is not Excitatory, Inhibitory or Modulatory",
    wbai: None,
    doc: r#"## What it checks
A circuit's `modulation` is `Excitatory`, `Inhibitory` or `Modulatory`,
spelled exactly so.

## Why
The modulation type is the sign of a uniform circuit's output, which the HCD
checks every flow against (Dale's law). The BIF ontology has exactly these
three individuals of `ModType`, and the BRA template v2-2 offers exactly
these three in its Modulation Type column; any other word (`excitatory`,
`Excitation`, `Exc`) falls out of those checks.

## Example
```bra
circuit CA1 { uniform, transmitter = Glutamate, modulation = excitatory }   // error
```
Write `modulation = Excitatory`.

## References
BIF ontology (`ModType`: Excitatory, Inhibitory, Modulatory); WBAI BRA
template v2-2, Circuits sheet (Modulation Type); Yamakawa 2021, Neural
Networks 144:478–495.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    check_known_value(
        ctx,
        "modulation",
        "modulation type",
        MODULATIONS,
        "the BIF ontology and the BRA template v2-2 know three modulation types: \
         Excitatory, Inhibitory, Modulatory",
    );
}
