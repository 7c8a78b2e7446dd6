use super::support::{TRANSMITTERS, check_unique_output, or_list, word};
use crate::registry::{Ctx, Rule};
use bra_syntax::Severity;

/// SCID130: a uniform circuit has exactly one transmitter.
pub static RULE: Rule = Rule {
    code: "SCID130",
    name: "transmitter-count",
    severity: Severity::Error,
    summary: "a uniform circuit has no transmitter, or more than one",
    wbai: None,
    doc: r#"## What it checks
Every `uniform` circuit declares exactly one `transmitter`: not none, not a
list of several, not the key twice.

## Why
SCID's "unique output": a uniform circuit is one population whose output is
one signal — one transmitter with one modulation type — so that each HCD
component has one well-defined output and a flow's sign can be checked
against it (Dale's law). The BRA template v2-2 has one Transmitter cell per
circuit, and the BIF ontology one `bifd:transmitter` per `UniformCircuit`.

## Example
```bra
circuit CA3 { uniform, modulation = Excitatory }                               // error: none
circuit BC { uniform, transmitter = [GABA, Glutamate], modulation = Inhibitory }   // error: two
```
Give `CA3` its transmitter (`transmitter = Glutamate`); keep one for `BC`
(`transmitter = GABA`), or split a mixed population into two uniform circuits.

## References
Yamakawa 2021, Neural Networks 144:478–495 (SCID, unique output); BIF
ontology (`bifd:transmitter`, `bifd:NeuroTransmitter`); WBAI BRA template
v2-2, Circuits sheet (Transmitter).
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    check_unique_output(ctx, "transmitter", "transmitter", &|c| {
        let modulation = c.decl.prop("modulation").and_then(word);
        let example = match modulation {
            Some("Excitatory") => "Glutamate",
            Some("Inhibitory") => "GABA",
            _ => "Glutamate",
        };
        format!(
            "add the transmitter the population releases, e.g. `transmitter = {example}` \
             (one of {})",
            or_list(TRANSMITTERS)
        )
    });
}
