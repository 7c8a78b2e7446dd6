//! Catalog entries: laws.

use super::Entry;

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[];
