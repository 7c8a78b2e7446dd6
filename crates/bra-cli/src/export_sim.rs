//! `bra export nest|pynn|nir|neuroml SPEC -o FILE`: export the compiled
//! network to another simulator (crate `bra-export`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Compile `spec`, export it to `target` and write `output` atomically.
/// Exit 0 on success, 1 when parts cannot be mapped (each is printed), 2
/// when the spec does not compile or the file cannot be written.
pub fn run(target: &str, spec: &Path, output: &Path) -> ExitCode {
    let net = match crate::compile::compile_checked(spec) {
        Ok(n) => n,
        Err(code) => return code,
    };
    match bra_export::export_with_notes(target, &net) {
        Ok((text, notes)) => {
            for n in &notes {
                eprintln!("warning: {target} differs here: {n}");
            }
            if let Err(e) = bra_runtime::io::write_atomic(output, |f| f.write_all(text.as_bytes()))
            {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            eprintln!("wrote {} ({target})", output.display());
            ExitCode::SUCCESS
        }
        Err(diags) => {
            for d in &diags {
                eprintln!("error: cannot export to {target}: {d}");
            }
            eprintln!(
                "{} part(s) of {} cannot be mapped exactly to {target}; nothing written",
                diags.len(),
                spec.display()
            );
            ExitCode::from(1)
        }
    }
}
