//! Every rule, one file each, grouped by family.
//!
//! - `names` (E10x) and `units` (E11x): what every language needs;
//! - `bif` (SCID1xx–2xx): circuits, the part-of tree, unique output,
//!   connections and their references — the anatomy;
//! - `hcd` (SCID4xx–7xx): components on uniform circuits, flows backed by
//!   connections, Dale's law, interfaces equal to anatomy;
//! - `frg` (SCID8xx): the function realisation graph;
//! - `roi` (SCID5xx, SCID9xx–10xx): the region of interest, dead components,
//!   the top-level function's interface.

pub mod bif;
pub mod frg;
pub mod hcd;
pub mod names;
pub mod roi;
pub mod units;

use crate::registry::Rule;

/// The families, in the order `bra rules` lists them.
pub fn families() -> Vec<(&'static str, &'static [&'static Rule])> {
    vec![
        ("names", names::RULES),
        ("units", units::RULES),
        ("bif", bif::RULES),
        ("hcd", hcd::RULES),
        ("frg", frg::RULES),
        ("roi", roi::RULES),
    ]
}
