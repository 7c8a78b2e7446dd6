//! SCID4xx, SCID6xx, SCID7xx: the hypothetical component diagram (HCD) —
//! components on uniform circuits, flows backed by connections and signed by
//! Dale's law, interfaces equal to the anatomy.

pub mod component_on_collection;
pub mod component_on_missing_circuit;
pub mod flow_sign_against_modulation;
pub mod flow_without_connection;
pub mod isolated_component;
pub mod several_components_per_circuit;
pub mod unused_anatomy;

use crate::registry::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &component_on_missing_circuit::RULE,
    &component_on_collection::RULE,
    &several_components_per_circuit::RULE,
    &flow_without_connection::RULE,
    &flow_sign_against_modulation::RULE,
    &isolated_component::RULE,
    &unused_anatomy::RULE,
];
