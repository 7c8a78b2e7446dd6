//! `bra-model`: from parsed files to one resolved architecture.
//!
//! It loads a spec with every file it `use`s, declares every circuit,
//! connection, component, flow, function, reference and stimulus, resolves the
//! names between them and holds the result in a petgraph graph (circuits with
//! their part-of tree and connections; components with their flows and the
//! circuit each sits on; the FRG). It *records* what does not resolve and what
//! is declared twice; judging the architecture is `bra-check`'s job.

pub mod load;
pub mod model;
pub mod synth;

pub use load::{Loaded, load, load_str};
pub use model::*;

impl Model {
    /// Load a spec from disk and build its model; loading and syntax
    /// diagnostics are returned beside it.
    pub fn load(path: &std::path::Path) -> (Model, Loaded) {
        let mut loaded = load::load(path);
        let files = std::mem::take(&mut loaded.files);
        let model = Model::build(std::mem::take(&mut loaded.sources), &files);
        loaded.files = files;
        (model, loaded)
    }
}
