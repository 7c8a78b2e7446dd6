use crate::registry::{Ctx, Rule};
use crate::rules::roi::{Roi, edge_span, join_names, name_of, roi, roi_inputs, roi_outputs};
use bra_model::{ConnectionId, Decl, Model, NameKind};
use bra_syntax::ast::{ExprKind, Property};
use bra_syntax::{Severity, Span};

/// SCID1001: the TLF's declared interface differs from the ROI's.
pub static RULE: Rule = Rule {
    code: "SCID1001",
    name: "tlf-interface-mismatch",
    severity: Severity::Error,
    summary: "the top-level function's declared inputs or outputs differ from the ROI's",
    wbai: None,
    doc: r#"## What it checks
When the project declares the top-level function's interface — `inputs = [...]`
and/or `outputs = [...]` — each list equals the ROI's external inputs or
outputs:
- `inputs` lists circuits outside the ROI that send a connection into it (or
  names such connections); every connection into the ROI is covered by one
  entry, and every entry covers at least one;
- `outputs` likewise for the circuits the ROI sends connections to.

A circuit entry covers the connections whose outside end is that circuit or
lies within it. A project that declares neither list is not checked, and
stimuli (experiment set-up, not anatomy) are not part of the interface.

## Why
In SCID the top-level function's interface is fixed by the anatomy: what
enters the ROI is all the TLF can compute on, and what leaves it is all it can
deliver (Yamakawa 2021, §4.3). A declared interface that the connections do
not match states a function this ROI cannot realise, or forgets a pathway it
has.

## Example
```bra
project HP01 { roi = [EC2, DG, CA3, CA1], inputs = [PER], outputs = [NCtx] }
connection PER -> EC2 { reference = vanstrien2009 }
connection LEC -> DG  { reference = witter2007 }   // error: LEC is not in `inputs`
connection CA1 -> Sub { reference = amaral1991 }   // error: Sub is not in `outputs`
```
Write `inputs = [PER, LEC]` and `outputs = [Sub]`, or revise the ROI.

## References
Yamakawa H. (2021) Neural Networks 144:478–495, §4.3.
"#,
    run,
};

/// What a list entry turned out to be.
enum Entry {
    /// It covers these ROI connections.
    Covers(Vec<ConnectionId>),
    /// It covers none, for this reason.
    Extra(String),
}

fn resolve(m: &Model, roi: &Roi, name: &str, actual: &[ConnectionId], inputs: bool) -> Entry {
    let outside_end = |c: ConnectionId| {
        let conn = &m.connections[c.index()];
        if inputs { conn.sender } else { conn.receiver }
    };
    if let Some(x) = m.circuit(name) {
        if roi.contains(x) {
            return Entry::Extra(format!(
                "`{name}` lies inside the ROI; list the circuits outside it that {}",
                if inputs { "feed it" } else { "it feeds" }
            ));
        }
        let covers: Vec<ConnectionId> = actual
            .iter()
            .copied()
            .filter(|&c| outside_end(c).is_some_and(|e| m.within(e, x)))
            .collect();
        return if covers.is_empty() {
            Entry::Extra(if inputs {
                format!("`{name}` sends no connection into the ROI")
            } else {
                format!("`{name}` receives no connection from the ROI")
            })
        } else {
            Entry::Covers(covers)
        };
    }
    let named = (0..m.connections.len())
        .map(|k| ConnectionId(k as u32))
        .find(|&c| {
            m.connections[c.index()]
                .decl
                .item
                .name
                .as_ref()
                .is_some_and(|n| n.name == name)
        });
    match named {
        Some(c) if actual.contains(&c) => Entry::Covers(vec![c]),
        Some(_) => Entry::Extra(format!(
            "connection `{name}` does not {} the ROI",
            if inputs { "enter" } else { "leave" }
        )),
        None => Entry::Extra(match m.suggest(NameKind::Circuit, name) {
            Some(s) => format!("no circuit or connection is named `{name}` (did you mean `{s}`?)"),
            None => format!("no circuit or connection is named `{name}`"),
        }),
    }
}

fn check_field(ctx: &mut Ctx, project: &Decl, prop: &Property, roi: &Roi, inputs: bool) {
    let m = ctx.model;
    let key = prop.key.name.as_str();
    let actual = if inputs {
        roi_inputs(m, roi)
    } else {
        roi_outputs(m, roi)
    };
    let items: Vec<_> = match &prop.value.kind {
        ExprKind::List(items) => items.iter().collect(),
        _ => vec![&prop.value],
    };
    let mut covered: Vec<ConnectionId> = Vec::new();
    let mut extra: Vec<(Span, String, String)> = Vec::new();
    for e in items {
        match name_of(e) {
            Some((name, span)) => match resolve(m, roi, name, &actual, inputs) {
                Entry::Covers(cs) => covered.extend(cs),
                Entry::Extra(why) => extra.push((span, name.to_string(), why)),
            },
            None => extra.push((
                e.span,
                m.sources.get(project.file).slice(e.span).to_string(),
                "not a circuit or connection ID".to_string(),
            )),
        }
    }
    let missing: Vec<ConnectionId> = actual
        .iter()
        .copied()
        .filter(|c| !covered.contains(c))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    let outside = |c: ConnectionId| {
        let conn = &m.connections[c.index()];
        let end = if inputs { conn.sender } else { conn.receiver };
        end.map(|e| m.circuits[e.index()].decl.name())
            .unwrap_or_default()
    };
    let mut missing_names: Vec<String> = Vec::new();
    for &c in &missing {
        let n = outside(c);
        if !missing_names.contains(&n) {
            missing_names.push(n);
        }
    }
    let extra_names: Vec<&str> = extra.iter().map(|(_, n, _)| n.as_str()).collect();
    let mut parts = Vec::new();
    if !missing_names.is_empty() {
        parts.push(format!("missing {}", join_names(&missing_names)));
    }
    if !extra_names.is_empty() {
        parts.push(format!("extra {}", join_names(&extra_names)));
    }
    let side = if inputs { "inputs" } else { "outputs" };
    let mut d = ctx
        .diag(format!(
            "the top-level function's `{key}` differ from the ROI's external {side}: {}",
            parts.join("; ")
        ))
        .with_primary(
            project.file,
            prop.key.span,
            format!("the TLF's declared {side}"),
        );
    for &c in &missing {
        let conn = &m.connections[c.index()];
        let what = if inputs {
            format!(
                "enters the ROI from `{}`, which `{key}` does not list",
                outside(c)
            )
        } else {
            format!(
                "leaves the ROI to `{}`, which `{key}` does not list",
                outside(c)
            )
        };
        d = d.with_label(conn.decl.file, edge_span(&conn.decl.item), what);
    }
    for (span, _, why) in &extra {
        d = d.with_label(project.file, *span, why.clone());
    }
    let mut right: Vec<String> = Vec::new();
    for &c in &actual {
        let n = outside(c);
        if !right.contains(&n) {
            right.push(n);
        }
    }
    d = d.with_help(format!(
        "the connections give `{key} = [{}]`; write that, or change the ROI or its connections",
        right.join(", ")
    ));
    ctx.emit(d);
}

fn run(ctx: &mut Ctx) {
    let m = ctx.model;
    let Some(project) = m.project() else { return };
    let roi = roi(m);
    for (key, inputs) in [("inputs", true), ("outputs", false)] {
        if let Some(prop) = project.item.property(key) {
            check_field(ctx, project, prop, &roi, inputs);
        }
    }
}
