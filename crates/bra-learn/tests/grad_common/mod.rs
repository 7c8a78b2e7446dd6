//! Loading the learning specs of `specs/` for the gradient-rule tests.

#![allow(dead_code)]

use bra_compile::ir::{Instance, Network, Value};
use std::path::{Path, PathBuf};

/// The repository's `specs/` folder.
pub fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs")
}

/// Load and compile a spec; panics with the diagnostics if it does not compile.
pub fn network(name: &str) -> Network {
    let path = specs_dir().join(name);
    let (model, loaded) = bra_model::Model::load(&path);
    assert!(
        loaded.diagnostics.is_empty(),
        "{name}: {:?}",
        loaded.diagnostics
    );
    let (net, diags) = bra_compile::compile(&model);
    assert!(diags.iter().all(|d| !d.is_error()), "{name}: {diags:?}");
    net
}

/// Set (or add) a parameter of the learning rule of a population.
pub fn set_rule(net: &mut Network, pop: &str, kind: &str, params: &[(&str, Value)]) {
    let p = net
        .populations
        .iter_mut()
        .find(|p| p.name == pop)
        .expect("population");
    let inst = p.learning.get_or_insert_with(|| Instance {
        kind: kind.into(),
        params: Default::default(),
    });
    if inst.kind != kind {
        inst.kind = kind.into();
        inst.params.clear();
    }
    for (k, v) in params {
        inst.params.insert((*k).into(), v.clone());
    }
    // A flow-level rule of another kind would override the population's.
    for proj in net.projections.iter_mut() {
        if net
            .populations
            .iter()
            .any(|q| q.id == proj.post && q.name == pop)
            && proj.plasticity.as_ref().is_some_and(|r| r.kind != kind)
        {
            proj.plasticity = None;
        }
    }
}

/// Set a numeric setting of the train block.
pub fn set(net: &mut Network, key: &str, v: Value) {
    net.training
        .as_mut()
        .expect("train block")
        .settings
        .insert(key.into(), v);
}
