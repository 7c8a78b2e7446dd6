//! SCID8xx: the function realisation graph (FRG) — a rooted DAG from the
//! top-level function (TLF) through sub-functions to the components.

pub mod component_missing_from_frg;
pub mod frg_cycle;
pub mod frg_part_listed_twice;
pub mod frg_root_count;
pub mod frg_root_not_tlf;
pub mod function_without_parts;

use crate::registry::Rule;
use bra_model::{FrgPart, FunctionId, Model};

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &frg_root_count::RULE,
    &frg_cycle::RULE,
    &function_without_parts::RULE,
    &frg_root_not_tlf::RULE,
    &component_missing_from_frg::RULE,
    &frg_part_listed_twice::RULE,
];

/// Every function that takes part in the FRG, in declaration order: the
/// repeated declaration of a name (E102) is left out, since every mention
/// resolves to the first.
pub fn functions(m: &Model) -> impl Iterator<Item = FunctionId> + '_ {
    (0..m.functions.len())
        .map(|k| FunctionId(k as u32))
        .filter(|&f| {
            m.functions[f.index()]
                .decl
                .item
                .name
                .as_ref()
                .is_none_or(|n| m.function(&n.name) == Some(f))
        })
}

/// The functions of the FRG that list `f` as a part.
pub fn listed_by(m: &Model, f: FunctionId) -> Vec<FunctionId> {
    functions(m)
        .filter(|&g| {
            m.functions[g.index()]
                .parts
                .iter()
                .any(|(p, _)| *p == FrgPart::Function(f))
        })
        .collect()
}

/// The roots of the FRG: functions no function lists as a part.
pub fn roots(m: &Model) -> Vec<FunctionId> {
    let mut listed = vec![false; m.functions.len()];
    for f in &m.functions {
        for (p, _) in &f.parts {
            if let FrgPart::Function(g) = p {
                listed[g.index()] = true;
            }
        }
    }
    functions(m).filter(|f| !listed[f.index()]).collect()
}

/// A description normalised for comparison: lower case, single spaces, no
/// trailing full stop.
pub fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_lowercase()
}
