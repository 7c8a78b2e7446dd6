//! File input and output: clear errors, and atomic writes (a temporary file
//! in the same folder, renamed over the target), so that no output is ever
//! half-written.

use std::path::Path;

/// Read a text file, with an error that names the file.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{}` is not valid UTF-8 (first bad byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Write a file atomically (the one implementation of bra-interop).
pub use bra_interop::write::write_atomic;
