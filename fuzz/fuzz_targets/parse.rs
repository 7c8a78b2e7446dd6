//! Fuzz the `.bra` parser: any bytes must give a tree and diagnostics whose
//! spans lie inside the text, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (file, errors) = bra_syntax::parse(text, bra_syntax::FileId(0));
        let len = text.len() as u32;
        for d in &errors {
            for l in &d.labels {
                assert!(l.span.start <= l.span.end && l.span.end <= len);
            }
        }
        for item in &file.items {
            assert!(item.span.end <= len);
        }
    }
});
