//! Catalog entries: neurons.

use super::Entry;

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[];
