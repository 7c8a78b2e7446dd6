//! Loading a spec from disk: the root file and every file it `use`s.
//!
//! Paths in `use` are relative to the file that contains them. A file is
//! loaded once however often it is used; a `use` cycle, a missing file, a
//! file that is not UTF-8 or is too large is a diagnostic, never a panic.

use bra_syntax::ast::{File, ItemKind};
use bra_syntax::{Diagnostic, FileId, Sources, Span};
use std::path::{Path, PathBuf};

/// Files larger than this are refused before they are read whole.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// `use` chains deeper than this are refused.
pub const MAX_USE_DEPTH: usize = 64;

/// The parsed files of one spec and the diagnostics of loading them.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file's text.
    pub sources: Sources,
    /// Every parsed file, the root first.
    pub files: Vec<(FileId, File)>,
    /// Syntax and loading errors.
    pub diagnostics: Vec<Diagnostic>,
    /// The root file could not be read at all (the CLI exits with 2).
    pub fatal: bool,
}

/// Why a file could not be read.
enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("is a directory")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    std::fs::read(path).map_err(ReadError::Io)
}

/// True when the path names a YAML spec.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Parse text as `.bra` or YAML (by the path's extension).
pub fn parse_text(path: &Path, text: &str, id: FileId) -> (File, Vec<Diagnostic>) {
    if is_yaml(path) {
        bra_syntax::yaml::parse_yaml(text, id)
    } else {
        bra_syntax::parse(text, id)
    }
}

/// Turn bytes into text, or a diagnostic that points at the first bad byte.
fn decode(
    bytes: Vec<u8>,
    sources: &mut Sources,
    path: &str,
) -> Result<(FileId, String), Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // A byte-order mark carries no meaning in UTF-8; drop it so
                // columns count from the first real character.
                text.replace_range(..3, "   ");
            }
            let id = sources.add(path, text.clone());
            Ok((id, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Map the byte offset into the lossy text (identical up to `at`).
            let id = sources.add(path, lossy);
            Err(Box::new(
                Diagnostic::error("E001", "file is not valid UTF-8")
                    .with_primary(
                        id,
                        Span::new(at, at + 1),
                        format!("invalid byte at offset {at}"),
                    )
                    .with_help("save the file as UTF-8 text; bra specs are plain text"),
            ))
        }
    }
}

/// Load a spec from disk with every file it uses.
pub fn load(root: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let display = root.display().to_string();
    let bytes = match read_bytes(root) {
        Ok(b) => b,
        Err(e) => {
            let msg = match e {
                ReadError::Io(e) => format!("cannot read `{display}`: {e}"),
                ReadError::TooLarge(n) => format!(
                    "`{display}` is {n} bytes, more than the {MAX_FILE_BYTES}-byte limit for a spec"
                ),
            };
            loaded.diagnostics.push(
                Diagnostic::error("E030", msg)
                    .with_help("check the path and that the file is readable"),
            );
            loaded.fatal = true;
            return loaded;
        }
    };
    let (id, text) = match decode(bytes, &mut loaded.sources, &display) {
        Ok(r) => r,
        Err(d) => {
            loaded.diagnostics.push(*d);
            return loaded;
        }
    };
    let canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut stack = vec![canon.clone()];
    let mut names = vec![display];
    let mut seen = vec![canon];
    load_file(
        root,
        id,
        &text,
        &mut loaded,
        &mut stack,
        &mut names,
        &mut seen,
    );
    loaded
}

/// Load in-memory text as the root (no `use` is followed unless `base` is set).
pub fn load_str(path: &str, text: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let id = loaded.sources.add(path, text);
    let p = PathBuf::from(path);
    let (file, diags) = parse_text(&p, text, id);
    loaded.diagnostics.extend(diags);
    loaded.files.push((id, file));
    loaded
}

fn load_file(
    path: &Path,
    id: FileId,
    text: &str,
    loaded: &mut Loaded,
    stack: &mut Vec<PathBuf>,
    names: &mut Vec<String>,
    seen: &mut Vec<PathBuf>,
) {
    let (file, diags) = parse_text(path, text, id);
    loaded.diagnostics.extend(diags);
    let uses: Vec<(String, Span)> = file
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Use)
        .filter_map(|i| i.title.as_ref().map(|t| (t.value.clone(), t.span)))
        .collect();
    loaded.files.push((id, file));
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for (rel, span) in uses {
        let target = dir.join(&rel);
        let canon = target.canonicalize().unwrap_or_else(|_| target.clone());
        if let Some(pos) = stack.iter().position(|p| *p == canon) {
            // Name the files as the user wrote them (relative paths), so
            // the message reads the same on every machine.
            let chain: Vec<String> = names[pos..]
                .iter()
                .cloned()
                .chain(std::iter::once(target.display().to_string()))
                .collect();
            loaded.diagnostics.push(
                Diagnostic::error(
                    "E031",
                    format!("`use` cycle: `{rel}` is already being loaded"),
                )
                .with_primary(id, span, "this use closes a cycle")
                .with_note(format!("cycle: {}", chain.join(" -> ")))
                .with_help("move the shared items into a third file that both can use"),
            );
            continue;
        }
        if seen.contains(&canon) {
            continue;
        }
        if stack.len() >= MAX_USE_DEPTH {
            loaded.diagnostics.push(
                Diagnostic::error(
                    "E032",
                    format!("`use` chain deeper than {MAX_USE_DEPTH} files"),
                )
                .with_primary(id, span, "this use is too deep")
                .with_help("flatten the chain: let the root file use the pieces directly"),
            );
            continue;
        }
        let bytes = match read_bytes(&target) {
            Ok(b) => b,
            Err(e) => {
                let why = match e {
                    ReadError::Io(e) => e.to_string(),
                    ReadError::TooLarge(n) => format!("{n} bytes is over the limit"),
                };
                loaded.diagnostics.push(
                    Diagnostic::error("E030", format!("cannot read used file `{rel}`: {why}"))
                        .with_primary(id, span, format!("looked for {}", target.display()))
                        .with_help("the path of a `use` is relative to the file that contains it"),
                );
                continue;
            }
        };
        seen.push(canon.clone());
        match decode(bytes, &mut loaded.sources, &target.display().to_string()) {
            Ok((child, text)) => {
                stack.push(canon);
                names.push(target.display().to_string());
                load_file(&target, child, &text, loaded, stack, names, seen);
                stack.pop();
                names.pop();
            }
            Err(d) => loaded.diagnostics.push(*d),
        }
    }
}
