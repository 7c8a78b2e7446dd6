//! Every rule, one file each, grouped by family.

pub mod names;
pub mod units;

use crate::registry::Rule;

/// The families, in the order `bra rules` lists them.
pub fn families() -> Vec<(&'static str, &'static [&'static Rule])> {
    vec![("names", names::RULES), ("units", units::RULES)]
}
