use crate::registry::{Ctx, Rule};
use crate::walk::each_value;
use bra_syntax::Severity;
use bra_syntax::Span;
use bra_syntax::ast::ExprKind;

/// E110: a unit that does not parse.
pub static RULE: Rule = Rule {
    code: "E110",
    name: "unknown-unit",
    severity: Severity::Error,
    summary: "a quantity's unit is not a known SI unit",
    wbai: None,
    doc: r#"## What it checks
Every unit after a number is an SI unit with an optional prefix, or a product,
quotient or power of such units (`mV`, `ms`, `S/cm^2`, `uF/cm^2`, `Hz`).

## Why
A unit bra cannot read cannot be converted to SI, so the value could not be
used; a silent guess would change the model.

## Example
```bra
component A { neurons = lif(tau_m: 20 msec) * 10 }   // error: `msec`
```
Write `20 ms`.

## References
BIPM, The International System of Units (SI), 9th edition, 2019.
"#,
    run,
};

fn run(ctx: &mut Ctx) {
    let mut found = Vec::new();
    each_value(ctx.model, &mut |file, _, e| {
        if let ExprKind::Number(n) = &e.kind
            && let Some(u) = &n.unit
            && let Err(err) = bra_units::parse_unit(&u.text)
        {
            let start = u.span.start as usize + err.start;
            let end = (u.span.start as usize + err.end)
                .max(start + 1)
                .min(u.span.end as usize);
            found.push((file, Span::new(start, end), u.text.clone(), err));
        }
    });
    for (file, span, text, err) in found {
        let mut d = ctx
            .diag(format!("cannot read the unit `{text}`: {}", err.message))
            .with_primary(file, span, "not a unit bra knows");
        if let Some(h) = err.help {
            d = d.with_help(h);
        }
        ctx.emit(d);
    }
}
