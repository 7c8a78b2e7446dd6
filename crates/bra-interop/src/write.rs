//! Atomic output: every file is written to a temporary file in the same
//! folder and renamed over the target, so a reader never sees half a file and
//! a failed run leaves the old file (or none) in place.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically; the error names the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if path.is_dir() {
        return Err(format!("cannot write `{}`: it is a folder", path.display()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{}`: {e}", path.display())
    })
}

/// Write several files into `dir` (created when missing). Every file is
/// written atomically; all contents are complete before the first write, so
/// a failure can only leave some files of the set old, never one half-written.
pub fn write_files_atomic(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "cannot write into `{}`: it is a file, not a folder",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create folder `{}`: {e}", dir.display()))?;
    for (name, text) in files {
        write_atomic(&dir.join(name), text.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leaving_temporaries() {
        let dir = std::env::temp_dir().join(format!("bra-interop-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_files_atomic(&dir, &[("a.csv".into(), "x\n".into())]).expect("writes");
        write_files_atomic(&dir, &[("a.csv".into(), "y\n".into())]).expect("replaces");
        assert_eq!(
            std::fs::read_to_string(dir.join("a.csv")).expect("read"),
            "y\n"
        );
        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
        assert!(
            write_atomic(&dir, b"x").is_err(),
            "a folder is not overwritten"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
