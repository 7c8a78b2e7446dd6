//! Every neuron model of the catalog, built from its compiled instance.

pub mod adex;
pub mod common;
pub mod hh;
pub mod izhikevich;
pub mod lif;
pub mod lif_cond;
pub mod meta;
pub mod rate;
pub mod sources;
pub mod ssm;

use crate::model::{NeuronModel, Port};
use bra_compile::ir::{Instance, Value};
use std::collections::BTreeMap;

/// Build the runtime model of a compiled instance with its ports.
pub fn build(inst: &Instance, ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    let p = Params(&inst.params, &inst.kind);
    match inst.kind.as_str() {
        "lif" => lif::Lif::build(&p, ports).map(|m| Box::new(m) as Box<dyn NeuronModel>),
        "lif_cond" => lif_cond::build(&p, ports),
        "izhikevich" | "gain_sheet" => izhikevich::build(&p, ports),
        "hh" => hh::build(&p, ports),
        "adex" => adex::build(&p, ports),
        "meta_neuron" => meta::build(&p, ports),
        "rate" => rate::build(&p, ports),
        "ssm" => ssm::build(&p, ports),
        "poisson" | "spike_times" | "current_source" => sources::build(&p, ports),
        other => Err(format!("the runtime has no model `{other}`")),
    }
}

/// Typed access to an instance's parameters (all in SI).
#[derive(Clone, Copy)]
pub struct Params<'a>(pub &'a BTreeMap<String, Value>, pub &'a str);

impl Params<'_> {
    /// A real parameter (an integer converts).
    pub fn real(&self, name: &str) -> Result<f64, String> {
        self.0
            .get(name)
            .and_then(Value::as_real)
            .ok_or_else(|| format!("`{}` has no real parameter `{name}`", self.1))
    }
    /// A real parameter, or `default` when absent.
    pub fn real_or(&self, name: &str, default: f64) -> f64 {
        self.0.get(name).and_then(Value::as_real).unwrap_or(default)
    }
    /// A text parameter (a choice or a path).
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(Value::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }
    /// A flag.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    /// The raw value.
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
}
