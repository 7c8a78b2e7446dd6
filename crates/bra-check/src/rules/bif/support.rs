//! Small helpers shared by the BIF rules: the value sets fixed by the BRA
//! template, reading property values, spans worth pointing at, and "did you
//! mean" for closed word lists.

use bra_model::{Circuit, CircuitId, Decl, Model};
use bra_syntax::Span;
use bra_syntax::ast::{Expr, ExprKind, ItemKind};

/// The transmitters of the BRA template v2-2 (Circuits sheet, Transmitter column).
pub const TRANSMITTERS: &[&str] = &[
    "Acetylcholine",
    "Dopamine",
    "GABA",
    "Glutamate",
    "Glycine",
    "Serotonin",
];

/// The modulation types of the BRA template v2-2 and the BIF ontology's `ModType`.
pub const MODULATIONS: &[&str] = &["Excitatory", "Inhibitory", "Modulatory"];

/// The fixed sources of a circuit ID (besides a declared reference).
pub const ID_SOURCES: &[&str] = &["DHBA", "MBA", "UBERON", "collection", "makeshift"];

/// Every value bound to `key` in the item, over repeated keys, with one level
/// of list flattened: `transmitter = [A, B]` and two `transmitter =` lines
/// both give two values.
pub fn prop_values<'a>(decl: &'a Decl, key: &'a str) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    for p in decl.props(key) {
        match &p.value.kind {
            ExprKind::List(items) => out.extend(items.iter()),
            _ => out.push(&p.value),
        }
    }
    out
}

/// The empty lists bound to `key` (`reference = []`), which name nothing.
pub fn empty_lists<'a>(decl: &'a Decl, key: &'a str) -> Vec<Span> {
    decl.props(key)
        .filter(|p| matches!(&p.value.kind, ExprKind::List(items) if items.is_empty()))
        .map(|p| p.value.span)
        .collect()
}

/// A name or a string, as text.
pub fn word(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Ident(id) => Some(id.name.as_str()),
        ExprKind::Str(s) => Some(s.as_str()),
        _ => None,
    }
}

/// The header of a connection, `SENDER -> RECEIVER` (its keyword when the
/// header did not parse whole).
pub fn edge_span(decl: &Decl) -> Span {
    match (&decl.item.from, &decl.item.to) {
        (Some(f), Some(t)) => f.span.join(t.span),
        (Some(f), None) => f.span,
        (None, Some(t)) => t.span,
        (None, None) => decl.item.keyword_span,
    }
}

/// Where a circuit says it is uniform: the `uniform` flag or `uniform = true`.
pub fn uniform_span(c: &Circuit) -> Option<Span> {
    c.decl
        .item
        .flag("uniform")
        .map(|f| f.span)
        .or_else(|| c.decl.item.property("uniform").map(|p| p.span))
}

/// Every place a circuit names a sub-circuit: the names of nested circuits,
/// then every name of its `parts = [...]` list (resolved or not), in order.
pub fn part_mentions(c: &Circuit) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = c
        .decl
        .item
        .children()
        .filter(|i| i.kind == ItemKind::Circuit)
        .filter_map(|i| i.name.as_ref().map(|n| (n.name.clone(), n.span)))
        .collect();
    if let Some(Expr {
        kind: ExprKind::List(items),
        ..
    }) = c.decl.prop("parts")
    {
        for e in items {
            if let ExprKind::Ident(id) = &e.kind {
                out.push((id.name.clone(), id.span));
            }
        }
    }
    out
}

/// The uniform circuits inside `c` (at any depth), in declaration order;
/// safe on part-of cycles.
pub fn uniform_descendants(m: &Model, c: CircuitId) -> Vec<CircuitId> {
    let mut seen = vec![false; m.circuits.len()];
    seen[c.index()] = true;
    let mut stack = vec![c];
    let mut out = Vec::new();
    while let Some(k) = stack.pop() {
        for &p in &m.circuits[k.index()].parts {
            if std::mem::replace(&mut seen[p.index()], true) {
                continue;
            }
            if m.circuits[p.index()].is_uniform() {
                out.push(p);
            }
            stack.push(p);
        }
    }
    out.sort();
    out
}

/// A name as it must be written in a spec: bare when it can be, else in backticks.
pub fn written(name: &str) -> String {
    if bra_syntax::ast::Ident::is_plain(name) {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// Names as a prose list: "`A`", "`A` and `B`", "`A`, `B` and `C`".
pub fn and_list<S: AsRef<str>>(names: &[S]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// Names as a prose alternative: "`A`, `B` or `C`".
pub fn or_list<S: AsRef<str>>(names: &[S]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// The word of a closed list that `name` most likely misspells: the same word
/// in other case, a word it abbreviates (`Glu` → `Glutamate`), or one within a
/// small edit distance (`Dopamin` → `Dopamine`).
pub fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some(c);
    }
    if lower.chars().count() >= 3
        && let Some(c) = candidates
            .iter()
            .find(|c| c.to_lowercase().starts_with(&lower))
    {
        return Some(c);
    }
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The shared body of SCID130/131: a uniform circuit binds exactly one value
/// to `key`. `noun` names the value (`transmitter`), `add` is the help for a
/// circuit that has none.
pub fn check_unique_output(
    ctx: &mut crate::registry::Ctx,
    key: &str,
    noun: &str,
    add: &dyn Fn(&Circuit) -> String,
) {
    let m = ctx.model;
    for c in &m.circuits {
        if !c.is_uniform() {
            continue;
        }
        let name = c.decl.name();
        let file = c.decl.file;
        let values = prop_values(&c.decl, key);
        match values.len() {
            1 => {}
            0 => {
                let mut d = ctx
                    .diag(format!("uniform circuit `{name}` has no {noun}"))
                    .with_primary(file, c.decl.name_span(), format!("no `{key}` given"));
                if let Some(s) = uniform_span(c) {
                    d = d.with_label(file, s, "declared uniform here");
                }
                for s in empty_lists(&c.decl, key) {
                    d = d.with_label(file, s, format!("this list names no {noun}"));
                }
                ctx.emit(d.with_help(add(c)));
            }
            n => {
                let shown: Vec<String> = values
                    .iter()
                    .map(|e| word(e).map(str::to_string).unwrap_or_else(|| "…".into()))
                    .collect();
                let mut d = ctx
                    .diag(format!(
                        "uniform circuit `{name}` has {n} {noun}s: {}",
                        and_list(&shown)
                    ))
                    .with_primary(file, values[1].span, format!("a second {noun}"))
                    .with_label(file, values[0].span, format!("first {noun} here"));
                for e in &values[2..] {
                    d = d.with_label(file, e.span, format!("another {noun}"));
                }
                d = d.with_label(
                    file,
                    c.decl.name_span(),
                    format!("`{name}` is one uniform population"),
                );
                ctx.emit(d.with_help(format!(
                    "a uniform circuit has a unique output: keep one {noun}; if the \
                     population really has several, split it into uniform circuits with one \
                     {noun} each and make `{name}` their collection"
                )));
            }
        }
    }
}

/// The shared body of SCID132/133: every value bound to `key` on a circuit is
/// one of `allowed`. `noun` names the value, `note` says where the list comes
/// from.
pub fn check_known_value(
    ctx: &mut crate::registry::Ctx,
    key: &str,
    noun: &str,
    allowed: &[&str],
    note: &str,
) {
    let m = ctx.model;
    for c in &m.circuits {
        for e in prop_values(&c.decl, key) {
            let text = word(e);
            if text.is_some_and(|t| allowed.contains(&t)) {
                continue;
            }
            let file = c.decl.file;
            let name = c.decl.name();
            let msg = match text {
                Some(t) => format!("unknown {noun} `{t}` on circuit `{name}`"),
                None => format!("the {noun} of circuit `{name}` is not a name"),
            };
            let mut d = ctx
                .diag(msg)
                .with_primary(file, e.span, format!("not a {noun} of the BRA template"))
                .with_label(
                    file,
                    c.decl.name_span(),
                    format!("the circuit whose {noun} this is"),
                );
            d = match text.and_then(|t| closest(t, allowed)) {
                Some(g) => d.with_help(format!("did you mean `{key} = {g}`?")),
                None => d.with_help(format!("write one of {}", or_list(allowed))),
            };
            ctx.emit(d.with_note(note));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_catches_case_abbreviation_and_typos() {
        assert_eq!(closest("glutamate", TRANSMITTERS), Some("Glutamate"));
        assert_eq!(closest("Glu", TRANSMITTERS), Some("Glutamate"));
        assert_eq!(closest("Dopamin", TRANSMITTERS), Some("Dopamine"));
        assert_eq!(closest("Exitatory", MODULATIONS), Some("Excitatory"));
        assert_eq!(closest("Noradrenaline", TRANSMITTERS), None);
    }

    #[test]
    fn prose_lists() {
        assert_eq!(and_list(&["A"]), "`A`");
        assert_eq!(and_list(&["A", "B", "C"]), "`A`, `B` and `C`");
        assert_eq!(or_list(&["A", "B"]), "`A` or `B`");
    }
}
