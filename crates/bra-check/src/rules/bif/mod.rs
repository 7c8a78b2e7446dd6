//! SCID1xx–2xx: the anatomy (BIF) — the project, circuit IDs and their
//! sources, the part-of tree, the unique output of uniform circuits, and
//! connections with their references.
//!
//! Each rule is one file; [`RULES`] lists them in code order. The vocabulary
//! they check against (transmitters, modulation types, ID sources) is the BRA
//! template v2-2's and the BIF ontology's, kept in one place in `support`.

pub mod collection_with_output;
pub mod collection_without_parts;
pub mod connection_without_reference;
pub mod dhba_id_unknown;
pub mod duplicate_connection;
pub mod invalid_id;
pub mod modulation_count;
pub mod part_of_cycle;
pub mod project_count;
pub mod reference_without_locator;
pub mod sender_not_uniform;
pub mod several_parents;
pub mod several_references;
mod support;
pub mod transmitter_count;
pub mod transmitter_modulation_mismatch;
pub mod uniform_with_parts;
pub mod unknown_endpoint;
pub mod unknown_id_source;
pub mod unknown_modulation;
pub mod unknown_part;
pub mod unknown_reference;
pub mod unknown_transmitter;
pub mod unused_reference;

use crate::registry::Rule;

/// The rules of this family, in code order.
pub static RULES: &[&Rule] = &[
    &project_count::RULE,
    &invalid_id::RULE,
    &unknown_id_source::RULE,
    &dhba_id_unknown::RULE,
    &uniform_with_parts::RULE,
    &collection_without_parts::RULE,
    &unknown_part::RULE,
    &part_of_cycle::RULE,
    &several_parents::RULE,
    &transmitter_count::RULE,
    &modulation_count::RULE,
    &unknown_transmitter::RULE,
    &unknown_modulation::RULE,
    &transmitter_modulation_mismatch::RULE,
    &collection_with_output::RULE,
    &unknown_endpoint::RULE,
    &sender_not_uniform::RULE,
    &duplicate_connection::RULE,
    &connection_without_reference::RULE,
    &unknown_reference::RULE,
    &several_references::RULE,
    &reference_without_locator::RULE,
    &unused_reference::RULE,
];
