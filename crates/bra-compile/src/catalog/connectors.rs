//! Catalog entries: connectors.

use super::Entry;

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[];
