use crate::registry::{Ctx, Rule};
use crate::walk::each_property;
use bra_syntax::Severity;
use bra_syntax::ast::ExprKind;
use bra_units::Dimension;

/// E111: a quantity of the wrong physical dimension.
pub static RULE: Rule = Rule {
    code: "E111",
    name: "wrong-dimension",
    severity: Severity::Error,
    summary: "a quantity has the wrong physical dimension for its parameter",
    wbai: None,
    doc: r#"## What it checks
A property whose dimension the language fixes (times such as `duration`, `dt`
and `delay`; voltages such as `v_th`; rates such as `rate`) carries a unit of
that dimension. The parameters of catalog models (`lif(tau_m: …)`) are
checked against the catalog by the compiler (E204).

## Why
`tau_m: 20 mV` is meaningless, and a simulator that accepts it silently runs
a different model from the one the author meant. Brian2 refuses such values;
so does bra, with the caret under the unit.

## Example
```bra
flow A -> B { weight = 0.5 mV, delay = 1.5 mV }   // error: expected a time
```
Write `delay = 1.5 ms`.

## References
Stimberg, Brette & Goodman 2019, eLife 8:e47314 (Brian 2's unit system).
"#,
    run,
};

/// The dimension a parameter name implies, where the language fixes it.
pub fn expected_dimension(key: &str) -> Option<Dimension> {
    let time = [
        "duration",
        "dt",
        "delay",
        "t_ref",
        "tau",
        "tau_m",
        "tau_plus",
        "tau_minus",
        "tau_syn",
        "tau_e",
        "tau_i",
        "tau_w",
        "tau_x",
        "tau_y",
        "t_start",
        "t_stop",
        "period",
    ];
    let voltage = [
        "v_th", "v_reset", "v_rest", "v_peak", "e_l", "e_rev", "e_ex", "e_in", "delta_t",
    ];
    if time.contains(&key) {
        Some(Dimension::TIME)
    } else if voltage.contains(&key) {
        Some(Dimension::VOLTAGE)
    } else if key == "rate" {
        Some(Dimension::FREQUENCY)
    } else {
        None
    }
}

fn run(ctx: &mut Ctx) {
    let mut found = Vec::new();
    each_property(ctx.model, &mut |file, key, e| {
        let ExprKind::Number(n) = &e.kind else {
            return;
        };
        let Some(want) = expected_dimension(key) else {
            return;
        };
        let (text, span, unit) = match &n.unit {
            Some(u) => match bra_units::parse_unit(&u.text) {
                Ok(unit) => (u.text.clone(), u.span, unit),
                Err(_) => return, // E110 reports it
            },
            None => (String::new(), e.span, bra_units::Unit::ONE),
        };
        if let Err(m) = bra_units::expect_dimension(&text, unit, want) {
            found.push((file, span, key.to_string(), m));
        }
    });
    for (file, span, key, m) in found {
        let label = if m.found.is_dimensionless() {
            "this number has no unit".to_string()
        } else {
            format!("this unit measures {}", m.found)
        };
        let d = ctx
            .diag(format!("`{key}`: {}", m.message))
            .with_primary(file, span, label)
            .with_help(m.help);
        ctx.emit(d);
    }
}
