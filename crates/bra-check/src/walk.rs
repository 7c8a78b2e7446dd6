//! Walking every value of a model, with the key each value is bound to.

use bra_model::Model;
use bra_syntax::FileId;
use bra_syntax::ast::{Entry, Expr, ExprKind, Item};

/// Call `f(file, key, expr)` for every expression of every item of the model,
/// nested ones included; `key` is the property key or the named argument the
/// expression is bound to (`None` for positional values and list elements).
pub fn each_value(model: &Model, f: &mut dyn FnMut(FileId, Option<&str>, &Expr)) {
    let decls = model
        .projects
        .iter()
        .chain(model.simulations.iter())
        .chain(model.circuits.iter().map(|c| &c.decl))
        .chain(model.connections.iter().map(|c| &c.decl))
        .chain(model.components.iter().map(|c| &c.decl))
        .chain(model.flows.iter().map(|c| &c.decl))
        .chain(model.functions.iter().map(|c| &c.decl))
        .chain(model.references.iter().map(|c| &c.decl))
        .chain(model.stimuli.iter().map(|c| &c.decl));
    for d in decls {
        item_values(d.file, &d.item, f);
    }
}

fn item_values(file: FileId, item: &Item, f: &mut dyn FnMut(FileId, Option<&str>, &Expr)) {
    for e in item.entries() {
        match e {
            Entry::Property(p) => expr_values(file, Some(&p.key.name), &p.value, f),
            Entry::Bare(x) => expr_values(file, None, x, f),
            // Nested circuits are in the model's list on their own.
            Entry::Item(_) => {}
        }
    }
}

fn expr_values(
    file: FileId,
    key: Option<&str>,
    e: &Expr,
    f: &mut dyn FnMut(FileId, Option<&str>, &Expr),
) {
    f(file, key, e);
    match &e.kind {
        ExprKind::List(items) => items.iter().for_each(|x| expr_values(file, None, x, f)),
        ExprKind::Call(c) => c
            .args
            .iter()
            .for_each(|a| expr_values(file, a.name.as_ref().map(|n| n.name.as_str()), &a.value, f)),
        ExprKind::Mul(a, b) | ExprKind::Index(a, b) => {
            expr_values(file, None, a, f);
            expr_values(file, None, b, f);
        }
        ExprKind::Range(a, b) => {
            for x in [a, b].into_iter().flatten() {
                expr_values(file, None, x, f);
            }
        }
        _ => {}
    }
}

/// Call `f(file, key, value)` for every top-level property (`key = value`)
/// of every item of the model.
pub fn each_property(model: &Model, f: &mut dyn FnMut(FileId, &str, &Expr)) {
    let decls = model
        .projects
        .iter()
        .chain(model.simulations.iter())
        .chain(model.circuits.iter().map(|c| &c.decl))
        .chain(model.connections.iter().map(|c| &c.decl))
        .chain(model.components.iter().map(|c| &c.decl))
        .chain(model.flows.iter().map(|c| &c.decl))
        .chain(model.functions.iter().map(|c| &c.decl))
        .chain(model.references.iter().map(|c| &c.decl))
        .chain(model.stimuli.iter().map(|c| &c.decl));
    for d in decls {
        for e in d.item.entries() {
            if let Entry::Property(p) = e {
                f(d.file, &p.key.name, &p.value);
            }
        }
    }
}
