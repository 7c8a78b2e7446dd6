//! Rules of the `roi` family.

use crate::registry::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[];
