//! SCID5xx, SCID9xx, SCID10xx: the region of interest (ROI), dead components
//! and the top-level function's interface — and the ROI helpers that the
//! `hcd` and `frg` rules share.
//!
//! The ROI is what the project's `roi = [...]` lists, each collection with all
//! its descendants. A spec without `roi` (SCID500 warns) is checked as if the
//! circuits that carry components were its ROI. An ROI *input* is a
//! connection from a circuit outside the ROI to one inside it; an ROI
//! *output* one from inside to outside.

pub mod component_outside_roi;
pub mod dead_component;
pub mod no_roi;
pub mod roi_circuit_without_component;
pub mod tlf_interface_mismatch;
pub mod unknown_roi_circuit;

use crate::registry::Rule;
use bra_model::{CircuitId, ComponentId, ConnectionId, Decl, FlowId, Model};
use bra_syntax::ast::{Expr, ExprKind, Item};
use bra_syntax::{FileId, Span};
use std::collections::HashMap;
use std::collections::VecDeque;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &no_roi::RULE,
    &unknown_roi_circuit::RULE,
    &roi_circuit_without_component::RULE,
    &component_outside_roi::RULE,
    &dead_component::RULE,
    &tlf_interface_mismatch::RULE,
];

/// The region of interest of a model: which circuits are in it, and through
/// which `roi` entry each came in.
#[derive(Clone, Debug)]
pub struct Roi {
    /// True when the project declares `roi`.
    pub declared: bool,
    /// Per circuit: the `roi` entry (file, span, listed circuit) that brought
    /// it into the ROI, or `None` when it lies outside. Without a declared
    /// `roi`, the entry is the circuit's own name.
    via: Vec<Option<(FileId, Span, CircuitId)>>,
}

impl Roi {
    /// True when the circuit lies in the ROI.
    pub fn contains(&self, c: CircuitId) -> bool {
        self.via.get(c.index()).is_some_and(Option::is_some)
    }

    /// The `roi` entry that brought a circuit into the ROI: its file, its span
    /// and the circuit it lists (the circuit itself or a collection above it).
    pub fn via(&self, c: CircuitId) -> Option<(FileId, Span, CircuitId)> {
        self.via.get(c.index()).copied().flatten()
    }

    /// The ROI's circuits in declaration order.
    pub fn circuits(&self) -> impl Iterator<Item = CircuitId> + '_ {
        self.via
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some())
            .map(|(i, _)| CircuitId(i as u32))
    }
}

/// The project's `roi` property: the project declaration, the value, and its
/// elements (a single name counts as a one-element list).
pub fn roi_entries(m: &Model) -> Option<(&Decl, &Expr, Vec<&Expr>)> {
    let project = m.project()?;
    let value = project.prop("roi")?;
    let items = match &value.kind {
        ExprKind::List(items) => items.iter().collect(),
        _ => vec![value],
    };
    Some((project, value, items))
}

/// The name an expression spells (an identifier or a string), with its span.
pub fn name_of(e: &Expr) -> Option<(&str, Span)> {
    match &e.kind {
        ExprKind::Ident(id) => Some((id.name.as_str(), id.span)),
        ExprKind::Str(s) => Some((s.as_str(), e.span)),
        _ => None,
    }
}

/// The region of interest of the model.
pub fn roi(m: &Model) -> Roi {
    let mut via: Vec<Option<(FileId, Span, CircuitId)>> = vec![None; m.circuits.len()];
    let Some((project, _, items)) = roi_entries(m) else {
        // No `roi`: the circuits that carry components.
        for (k, comp) in m.components.iter().enumerate() {
            if !is_canonical_component(m, ComponentId(k as u32)) {
                continue;
            }
            if let Some(c) = comp.circuit
                && via[c.index()].is_none()
            {
                let d = &m.circuits[c.index()].decl;
                via[c.index()] = Some((d.file, d.name_span(), c));
            }
        }
        return Roi {
            declared: false,
            via,
        };
    };
    for e in items {
        let Some((name, span)) = name_of(e) else {
            continue;
        };
        let Some(listed) = m.circuit(name) else {
            continue;
        };
        // The listed circuit and every descendant, over `parts` (which holds
        // nested circuits and `parts = [...]` alike).
        let mut queue = VecDeque::from([listed]);
        while let Some(c) = queue.pop_front() {
            if via[c.index()].is_some() {
                continue;
            }
            via[c.index()] = Some((project.file, span, listed));
            queue.extend(m.circuits[c.index()].parts.iter().copied());
        }
    }
    Roi {
        declared: true,
        via,
    }
}

/// False for the repeated declaration of a component name (E102 reports it):
/// every name in the spec resolves to the first declaration, so the others
/// take no part in the architecture.
pub fn is_canonical_component(m: &Model, c: ComponentId) -> bool {
    m.components[c.index()]
        .decl
        .item
        .name
        .as_ref()
        .is_none_or(|n| m.component(&n.name) == Some(c))
}

/// Every component that takes part in the architecture, in declaration order.
pub fn components(m: &Model) -> impl Iterator<Item = ComponentId> + '_ {
    (0..m.components.len())
        .map(|k| ComponentId(k as u32))
        .filter(|&c| is_canonical_component(m, c))
}

/// The ROI's components: those sitting on a uniform circuit of the ROI.
pub fn roi_components(m: &Model, roi: &Roi) -> Vec<ComponentId> {
    components(m)
        .filter(|&c| {
            m.components[c.index()]
                .circuit
                .is_some_and(|k| roi.contains(k) && m.circuits[k.index()].is_uniform())
        })
        .collect()
}

/// Per circuit, the components sitting on it.
pub fn components_on(m: &Model) -> Vec<Vec<ComponentId>> {
    let mut on = vec![Vec::new(); m.circuits.len()];
    for c in components(m) {
        if let Some(k) = m.components[c.index()].circuit {
            on[k.index()].push(c);
        }
    }
    on
}

/// True when one circuit lies within the other (or they are the same): the
/// part-of hierarchy relates them.
pub fn related(m: &Model, a: CircuitId, b: CircuitId) -> bool {
    m.within(a, b) || m.within(b, a)
}

/// The circuits a flow runs between: the circuits of its two components,
/// when everything resolves.
pub fn flow_circuits(m: &Model, f: FlowId) -> Option<(CircuitId, CircuitId)> {
    let flow = &m.flows[f.index()];
    let a = m.components[flow.from?.index()].circuit?;
    let b = m.components[flow.to?.index()].circuit?;
    Some((a, b))
}

/// True when the connection backs the flow: the connection's sender is the
/// sending component's circuit or a collection containing it, and its
/// receiver is the receiving component's circuit or contains it. (For a
/// component sitting on a collection — already SCID421 — a connection from or
/// to a part of that collection also counts, so the flow is not reported
/// twice.)
pub fn backs(m: &Model, conn: ConnectionId, f: FlowId) -> bool {
    let c = &m.connections[conn.index()];
    let (Some(s), Some(r)) = (c.sender, c.receiver) else {
        return false;
    };
    let Some((a, b)) = flow_circuits(m, f) else {
        return false;
    };
    related(m, a, s) && related(m, b, r)
}

/// Every flow, in declaration order.
pub fn flows(m: &Model) -> impl Iterator<Item = FlowId> + '_ {
    (0..m.flows.len()).map(|k| FlowId(k as u32))
}

/// Every connection, in declaration order.
pub fn connections(m: &Model) -> impl Iterator<Item = ConnectionId> + '_ {
    (0..m.connections.len()).map(|k| ConnectionId(k as u32))
}

/// Relations the HCD and ROI rules query per flow or per component,
/// computed once so that each rule stays linear in the size of the spec.
pub struct Index {
    /// The region of interest.
    pub roi: Roi,
    /// Connections from outside the ROI into it.
    pub roi_inputs: Vec<ConnectionId>,
    /// Connections from inside the ROI out of it.
    pub roi_outputs: Vec<ConnectionId>,
    pairs: HashMap<(CircuitId, CircuitId), Vec<ConnectionId>>,
    inputs_by_receiver: HashMap<CircuitId, Vec<ConnectionId>>,
    outputs_by_sender: HashMap<CircuitId, Vec<ConnectionId>>,
    touched: Vec<bool>,
    stimulated: Vec<bool>,
}

impl Index {
    /// Build the index of a model.
    pub fn new(m: &Model) -> Index {
        let roi = roi(m);
        let mut pairs: HashMap<(CircuitId, CircuitId), Vec<ConnectionId>> = HashMap::new();
        let (mut roi_inputs, mut roi_outputs) = (Vec::new(), Vec::new());
        let mut inputs_by_receiver: HashMap<CircuitId, Vec<ConnectionId>> = HashMap::new();
        let mut outputs_by_sender: HashMap<CircuitId, Vec<ConnectionId>> = HashMap::new();
        for k in connections(m) {
            let c = &m.connections[k.index()];
            let (Some(s), Some(r)) = (c.sender, c.receiver) else {
                continue;
            };
            pairs.entry((s, r)).or_default().push(k);
            match (roi.contains(s), roi.contains(r)) {
                (false, true) => {
                    roi_inputs.push(k);
                    inputs_by_receiver.entry(r).or_default().push(k);
                }
                (true, false) => {
                    roi_outputs.push(k);
                    outputs_by_sender.entry(s).or_default().push(k);
                }
                _ => {}
            }
        }
        let mut touched = vec![false; m.components.len()];
        for f in &m.flows {
            for c in [f.from, f.to].into_iter().flatten() {
                touched[c.index()] = true;
            }
        }
        let mut stimulated = vec![false; m.components.len()];
        for s in &m.stimuli {
            if let Some(t) = s.target {
                stimulated[t.index()] = true;
            }
        }
        Index {
            roi,
            roi_inputs,
            roi_outputs,
            pairs,
            inputs_by_receiver,
            outputs_by_sender,
            touched,
            stimulated,
        }
    }

    /// The connections that back a flow (see [`backs`]): looked up through
    /// the part-of ancestors of both ends; a flow whose component sits on a
    /// collection (already SCID421) falls back to a scan.
    pub fn backing(&self, m: &Model, f: FlowId) -> Vec<ConnectionId> {
        let Some((a, b)) = flow_circuits(m, f) else {
            return Vec::new();
        };
        let uniform = |c: CircuitId| m.circuits[c.index()].is_uniform();
        if !uniform(a) || !uniform(b) {
            return connections(m).filter(|&c| backs(m, c, f)).collect();
        }
        let up = |c: CircuitId| std::iter::once(c).chain(m.ancestors(c));
        let mut out = Vec::new();
        for s in up(a) {
            for r in up(b) {
                if let Some(v) = self.pairs.get(&(s, r)) {
                    out.extend(v.iter().copied());
                }
            }
        }
        out
    }

    /// The ROI inputs that reach a component: connections from outside the
    /// ROI into its circuit (or into a collection of the ROI that contains it).
    pub fn inputs_of(&self, m: &Model, comp: ComponentId) -> Vec<ConnectionId> {
        self.along(m, comp, &self.inputs_by_receiver)
    }

    /// The ROI outputs a component sends: connections from its circuit (or a
    /// collection containing it) out of the ROI.
    pub fn outputs_of(&self, m: &Model, comp: ComponentId) -> Vec<ConnectionId> {
        self.along(m, comp, &self.outputs_by_sender)
    }

    fn along(
        &self,
        m: &Model,
        comp: ComponentId,
        by: &HashMap<CircuitId, Vec<ConnectionId>>,
    ) -> Vec<ConnectionId> {
        let Some(k) = m.components[comp.index()].circuit else {
            return Vec::new();
        };
        let mut out: Vec<ConnectionId> = std::iter::once(k)
            .chain(m.ancestors(k))
            .filter_map(|c| by.get(&c))
            .flatten()
            .copied()
            .collect();
        out.sort();
        out
    }

    /// True when a component is stimulated.
    pub fn is_stimulated(&self, comp: ComponentId) -> bool {
        self.stimulated[comp.index()]
    }

    /// True when a component's interface is empty: no flow into it or out of
    /// it, no stimulus, and (when it lies in the ROI) no connection across the
    /// ROI's border into or out of its circuit. SCID702 reports such
    /// components, and SCID901 leaves them to it.
    pub fn is_isolated(&self, m: &Model, comp: ComponentId) -> bool {
        if self.touched[comp.index()] || self.is_stimulated(comp) {
            return false;
        }
        let in_roi = m.components[comp.index()]
            .circuit
            .is_some_and(|k| self.roi.contains(k));
        !(in_roi && (!self.inputs_of(m, comp).is_empty() || !self.outputs_of(m, comp).is_empty()))
    }
}

/// The connections from outside the ROI into it.
pub fn roi_inputs(m: &Model, roi: &Roi) -> Vec<ConnectionId> {
    connections(m)
        .filter(|&k| {
            let c = &m.connections[k.index()];
            matches!((c.sender, c.receiver), (Some(s), Some(r)) if !roi.contains(s) && roi.contains(r))
        })
        .collect()
}

/// The connections from inside the ROI out of it.
pub fn roi_outputs(m: &Model, roi: &Roi) -> Vec<ConnectionId> {
    connections(m)
        .filter(|&k| {
            let c = &m.connections[k.index()];
            matches!((c.sender, c.receiver), (Some(s), Some(r)) if roi.contains(s) && !roi.contains(r))
        })
        .collect()
}

/// The span of an edge item's `FROM -> TO`, or of its name or keyword.
pub fn edge_span(item: &Item) -> Span {
    match (&item.from, &item.to) {
        (Some(f), Some(t)) => f.span.join(t.span),
        _ => item
            .name
            .as_ref()
            .map(|n| n.span)
            .unwrap_or(item.keyword_span),
    }
}

/// `A, B and C` for messages.
pub fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
