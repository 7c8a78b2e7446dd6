//! E11x: units and dimensions.

pub mod unknown_unit;
pub mod wrong_dimension;

use crate::registry::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[&unknown_unit::RULE, &wrong_dimension::RULE];
