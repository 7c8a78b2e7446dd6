use crate::registry::{Ctx, Rule};
use crate::rules::roi::{edge_span, flows};
use bra_syntax::Severity;
use bra_syntax::Span;
use bra_syntax::ast::{Expr, ExprKind};

/// SCID602: a flow's sign contradicts its sender's modulation type (Dale's law).
pub static RULE: Rule = Rule {
    code: "SCID602",
    name: "flow-sign-against-modulation",
    severity: Severity::Error,
    summary: "a flow's sign disagrees with the modulation type of its sender's circuit (Dale's law)",
    wbai: None,
    doc: r#"## What it checks
The sign of every flow agrees with the `modulation` of the circuit its sending
component sits on:
- an `Inhibitory` sender drives no positive weight,
- an `Excitatory` sender drives no negative weight,
- a `Modulatory` sender's flows are marked `kind = modulatory`.

The weight is the flow's `weight`: a number (`-0.8 mV`), or a distribution
whose `mean` (or first positional argument) gives the sign
(`normal(mean: -0.5 mV, sd: 0.1 mV)`). A zero, absent or unreadable weight
is not judged.

## Why
Dale's principle: a neuron releases the same transmitter at all of its
synapses (Dale 1935; named by Eccles 1976), so in its modern form a neuron's
outputs are all excitatory or all inhibitory (Strata & Harvey 1999). BIF
records this as the one modulation type of a uniform circuit ("unique output",
Yamakawa 2021), and SCID requires every flow to keep its sender's sign.

## Example
```bra
circuit BC { uniform, transmitter = GABA, modulation = Inhibitory }
component BC {}
flow BC -> CA3 { weight = 0.8 mV }   // error: an inhibitory sender, a positive weight
```
Make the weight negative (`weight = -0.8 mV`), or correct the circuit's
`modulation`.

## References
Dale H. (1935) Pharmacology and nerve-endings. Proc R Soc Med 28:319–332.
Eccles J.C. (1976) From electrical to chemical transmission in the central
nervous system. Notes Rec R Soc Lond 30:219–230.
Strata P., Harvey R. (1999) Dale's principle. Brain Res Bull 50:349–350.
Yamakawa H. (2021) Neural Networks 144:478–495.
"#,
    run,
};

/// The signed value that decides a weight's sign, with the span to point at.
fn weight_value(e: &Expr) -> Option<(f64, Span)> {
    match &e.kind {
        ExprKind::Number(n) => Some((n.value, e.span)),
        ExprKind::Call(c) => {
            let inner = c.named("mean").or_else(|| c.positional().next())?;
            weight_value(inner)
        }
        _ => None,
    }
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    for f in flows(m) {
        let flow = &m.flows[f.index()];
        let Some(from) = flow.from else { continue };
        let comp = &m.components[from.index()];
        let Some(c) = comp.circuit else { continue };
        let circuit = &m.circuits[c.index()];
        let Some((modulation, mod_span)) = circuit.decl.prop_word("modulation") else {
            continue;
        };
        let cname = circuit.decl.name();
        let sender = comp.decl.name();
        let flow_name = flow.decl.name();
        let file = flow.decl.file;
        let kind = flow.decl.prop_word("kind");
        let is_modulatory_kind = kind.is_some_and(|(k, _)| k.eq_ignore_ascii_case("modulatory"));
        let mod_label = format!("`{cname}` is declared {modulation} here");
        if modulation.eq_ignore_ascii_case("modulatory") {
            if is_modulatory_kind {
                continue;
            }
            let (span, what) = match kind {
                Some((k, span)) => (span, format!("`kind = {k}` on a modulatory sender")),
                None => (
                    edge_span(&flow.decl.item),
                    "a modulatory sender, but no `kind = modulatory`".to_string(),
                ),
            };
            let d = ctx
                .diag(format!(
                    "flow `{flow_name}` comes from the modulatory circuit `{cname}` but is not marked modulatory"
                ))
                .with_primary(file, span, what)
                .with_label(circuit.decl.file, mod_span, mod_label)
                .with_help(
                    "write `kind = modulatory` in the flow: a modulatory transmitter (dopamine, serotonin, acetylcholine) changes how its targets respond rather than driving them",
                );
            ctx.emit(d);
            continue;
        }
        if is_modulatory_kind {
            continue;
        }
        let Some(weight) = flow.decl.prop("weight") else {
            continue;
        };
        let Some((w, w_span)) = weight_value(weight) else {
            continue;
        };
        let (wrong, sign, fix) = if modulation.eq_ignore_ascii_case("inhibitory") {
            (w > 0.0, "positive", "negative")
        } else if modulation.eq_ignore_ascii_case("excitatory") {
            (w < 0.0, "negative", "positive")
        } else {
            continue;
        };
        if !wrong {
            continue;
        }
        let text = m.sources.get(file).slice(w_span).to_string();
        let d = ctx
            .diag(format!(
                "flow `{flow_name}` has a {sign} weight, but its sender `{sender}` sits on the {} circuit `{cname}`",
                modulation.to_ascii_lowercase()
            ))
            .with_primary(file, w_span, format!("a {sign} weight"))
            .with_label(circuit.decl.file, mod_span, mod_label)
            .with_help(format!(
                "by Dale's law every output of `{cname}` has one sign: make the weight {fix} (not `{text}`), or correct the `modulation` of `{cname}`"
            ));
        ctx.emit(d);
    }
}
