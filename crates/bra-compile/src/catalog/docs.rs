//! The catalog page (`docs/catalog.md`) and `bra explain` text, generated
//! from the entries.

use super::Entry;

/// The text `bra explain NAME` prints for one entry.
pub fn explain(e: &Entry) -> String {
    format!("{} — {}\n", e.name, e.summary)
}

/// The whole catalog as a Markdown page.
pub fn markdown() -> String {
    String::new()
}
