//! The `rate` model(s).

use super::Params;
use crate::model::{NeuronModel, Port};

/// Build the model.
pub fn build(p: &Params, _ports: &[Port]) -> Result<Box<dyn NeuronModel>, String> {
    Err(format!("the runtime does not run `{}` yet", p.1))
}
