//! Fuzz the whole front end: parse, resolve and run every rule on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let loaded = bra_model::load_str("fuzz.bra", text);
        let model = bra_model::Model::build(loaded.sources, &loaded.files);
        let _ = bra_check::check(&model);
    }
});
