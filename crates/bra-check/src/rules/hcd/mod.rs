//! Rules of the `hcd` family.

use crate::registry::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[];
