//! E10x: names.

pub mod duplicate_name;
pub mod unknown_name;

use crate::registry::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[&unknown_name::RULE, &duplicate_name::RULE];
