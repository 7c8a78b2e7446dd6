//! The resolved architecture: every declaration of every loaded file, names
//! resolved, held in a petgraph graph.

use bra_syntax::ast::{Entry, Expr, ExprKind, File, Ident, Item, ItemKind};
use bra_syntax::{FileId, Sources, Span};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            /// The index into the model's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index of a circuit in [`Model::circuits`].
    CircuitId
);
id_type!(
    /// Index of a connection in [`Model::connections`].
    ConnectionId
);
id_type!(
    /// Index of a component in [`Model::components`].
    ComponentId
);
id_type!(
    /// Index of a flow in [`Model::flows`].
    FlowId
);
id_type!(
    /// Index of a function (FRG node) in [`Model::functions`].
    FunctionId
);
id_type!(
    /// Index of a reference in [`Model::references`].
    ReferenceId
);

/// An item of the spec together with the file it stands in.
#[derive(Clone, Debug)]
pub struct Decl {
    /// The file.
    pub file: FileId,
    /// The item as parsed.
    pub item: Item,
}

impl Decl {
    /// The item's name (or `A -> B` for an unnamed edge).
    pub fn name(&self) -> String {
        self.item.display_name()
    }

    /// The span of the item's name, or of its keyword when it has none.
    pub fn name_span(&self) -> Span {
        self.item
            .name
            .as_ref()
            .map(|n| n.span)
            .unwrap_or(self.item.keyword_span)
    }

    /// The value of a property.
    pub fn prop(&self, key: &str) -> Option<&Expr> {
        self.item.property(key).map(|p| &p.value)
    }

    /// A property whose value is a name or a string, as text.
    pub fn prop_word(&self, key: &str) -> Option<(&str, Span)> {
        self.prop(key).and_then(|e| match &e.kind {
            ExprKind::Ident(id) => Some((id.name.as_str(), e.span)),
            ExprKind::Str(s) => Some((s.as_str(), e.span)),
            _ => None,
        })
    }

    /// Every property with this key (a key may be repeated by mistake).
    pub fn props<'a>(
        &'a self,
        key: &'a str,
    ) -> impl Iterator<Item = &'a bra_syntax::ast::Property> + 'a {
        self.item.entries().iter().filter_map(move |e| match e {
            Entry::Property(p) if p.key.name == key => Some(p),
            _ => None,
        })
    }
}

/// A circuit: a uniform population of neurons, or a collection of parts.
#[derive(Clone, Debug)]
pub struct Circuit {
    /// Where it is declared.
    pub decl: Decl,
    /// The enclosing circuit, when declared nested.
    pub parent: Option<CircuitId>,
    /// Sub-circuits, in order: nested ones, then those named in `parts = [...]`.
    pub parts: Vec<CircuitId>,
    /// Every circuit that lists this one as a part (nested or by `parts`),
    /// with the span of that mention; more than one is an error the checker reports.
    pub parents: Vec<(CircuitId, FileId, Span)>,
    /// Its node in the graph.
    pub node: NodeIndex,
}

impl Circuit {
    /// Declared `uniform` (flag or `uniform = true`).
    pub fn is_uniform(&self) -> bool {
        self.decl.item.has_flag("uniform")
            || matches!(
                self.decl.prop("uniform").map(|e| &e.kind),
                Some(ExprKind::Bool(true))
            )
    }
}

/// A connection between two circuits, as the anatomy reports it.
#[derive(Clone, Debug)]
pub struct Connection {
    /// Where it is declared.
    pub decl: Decl,
    /// The sender, when it resolves.
    pub sender: Option<CircuitId>,
    /// The receiver, when it resolves.
    pub receiver: Option<CircuitId>,
}

/// A component of the hypothetical component diagram (HCD): a function
/// hypothesised for one uniform circuit.
#[derive(Clone, Debug)]
pub struct Component {
    /// Where it is declared.
    pub decl: Decl,
    /// The circuit it sits on (its own ID, or `circuit = X`), when it resolves.
    pub circuit: Option<CircuitId>,
    /// The name of the circuit it claims to sit on, with its span.
    pub circuit_ref: Ident,
    /// Its node in the graph.
    pub node: NodeIndex,
}

/// An information flow between two components.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Where it is declared.
    pub decl: Decl,
    /// The sending component, when it resolves.
    pub from: Option<ComponentId>,
    /// The receiving component, when it resolves.
    pub to: Option<ComponentId>,
}

/// A part of an FRG function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrgPart {
    /// A sub-function.
    Function(FunctionId),
    /// A component (an FRG leaf, `U.` node).
    Component(ComponentId),
}

/// A node of the function realisation graph (FRG).
#[derive(Clone, Debug)]
pub struct Function {
    /// Where it is declared.
    pub decl: Decl,
    /// Resolved parts, each with the span of its mention.
    pub parts: Vec<(FrgPart, Span)>,
    /// Its node in the graph.
    pub node: NodeIndex,
}

/// A literature reference.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Where it is declared.
    pub decl: Decl,
}

/// A stimulus driving a component.
#[derive(Clone, Debug)]
pub struct Stimulus {
    /// Where it is declared.
    pub decl: Decl,
    /// The stimulated component, when it resolves.
    pub target: Option<ComponentId>,
}

/// A node of the architecture graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// A circuit (BIF).
    Circuit(CircuitId),
    /// A component (HCD).
    Component(ComponentId),
    /// A function (FRG).
    Function(FunctionId),
}

/// An edge of the architecture graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Part → whole (circuit tree).
    PartOf,
    /// Sender → receiver circuit.
    Connection(ConnectionId),
    /// Sender → receiver component.
    Flow(FlowId),
    /// Component → the circuit it sits on.
    SitsOn,
    /// Function → its part (a function or a component).
    Realises,
}

/// What kind of thing a name was expected to denote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A circuit.
    Circuit,
    /// A component.
    Component,
    /// A function or a component (an FRG part).
    FrgPart,
    /// A reference.
    Reference,
}

impl NameKind {
    /// The word for messages.
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Circuit => "circuit",
            NameKind::Component => "component",
            NameKind::FrgPart => "function or component",
            NameKind::Reference => "reference",
        }
    }
}

/// A name that did not resolve.
#[derive(Clone, Debug)]
pub struct Unresolved {
    /// The name as written.
    pub ident: Ident,
    /// In which file.
    pub file: FileId,
    /// What it should have named.
    pub kind: NameKind,
    /// Where it was used, for the message ("the sender of this connection").
    pub role: &'static str,
}

/// A name declared twice in the same namespace.
#[derive(Clone, Debug)]
pub struct Duplicate {
    /// The namespace.
    pub kind: ItemKind,
    /// The name.
    pub name: String,
    /// The first declaration (file, name span).
    pub first: (FileId, Span),
    /// The repeated one.
    pub again: (FileId, Span),
}

/// A whole resolved spec.
#[derive(Debug, Default)]
pub struct Model {
    /// The text of every loaded file.
    pub sources: Sources,
    /// `project` items (a spec has one; more is an error the checker reports).
    pub projects: Vec<Decl>,
    /// `simulate` items.
    pub simulations: Vec<Decl>,
    /// `train` items (the training experiment of `bra train`).
    pub trainings: Vec<Decl>,
    /// Circuits, including nested ones, in declaration order.
    pub circuits: Vec<Circuit>,
    /// Connections.
    pub connections: Vec<Connection>,
    /// Components.
    pub components: Vec<Component>,
    /// Flows.
    pub flows: Vec<Flow>,
    /// FRG functions.
    pub functions: Vec<Function>,
    /// References.
    pub references: Vec<Reference>,
    /// Stimuli.
    pub stimuli: Vec<Stimulus>,
    /// The architecture graph over circuits, components and functions.
    pub graph: DiGraph<Node, Edge>,
    /// Names that did not resolve.
    pub unresolved: Vec<Unresolved>,
    /// Names declared twice.
    pub duplicates: Vec<Duplicate>,
    circuit_names: HashMap<String, CircuitId>,
    component_names: HashMap<String, ComponentId>,
    function_names: HashMap<String, FunctionId>,
    reference_names: HashMap<String, ReferenceId>,
}

fn id32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Model {
    /// Build the model from parsed files (the root first).
    pub fn build(sources: Sources, files: &[(FileId, File)]) -> Model {
        let mut m = Model {
            sources,
            ..Model::default()
        };
        // Pass 1: declarations.
        for (file, f) in files {
            for item in &f.items {
                m.declare(*file, item, None);
            }
        }
        // Pass 2: references between declarations.
        m.resolve();
        m
    }

    fn note_duplicate<K: Copy>(
        names: &mut HashMap<String, K>,
        dups: &mut Vec<Duplicate>,
        kind: ItemKind,
        name: &str,
        here: (FileId, Span),
        first_span: impl Fn(K) -> (FileId, Span),
        id: K,
    ) {
        if let Some(prev) = names.get(name) {
            dups.push(Duplicate {
                kind,
                name: name.to_string(),
                first: first_span(*prev),
                again: here,
            });
        } else {
            names.insert(name.to_string(), id);
        }
    }

    fn declare(&mut self, file: FileId, item: &Item, parent: Option<CircuitId>) {
        let decl = Decl {
            file,
            item: item.clone(),
        };
        let here = (file, decl.name_span());
        let name = item.name.as_ref().map(|n| n.name.clone());
        match item.kind {
            ItemKind::Use => {}
            ItemKind::Project => self.projects.push(decl),
            ItemKind::Simulate => self.simulations.push(decl),
            ItemKind::Train => self.trainings.push(decl),
            ItemKind::Circuit => {
                let id = CircuitId(id32(self.circuits.len()));
                let node = self.graph.add_node(Node::Circuit(id));
                if let Some(p) = parent {
                    self.graph
                        .add_edge(node, self.circuits[p.index()].node, Edge::PartOf);
                    self.circuits[p.index()].parts.push(id);
                }
                let parents = parent.map(|p| (p, file, here.1)).into_iter().collect();
                self.circuits.push(Circuit {
                    decl,
                    parent,
                    parts: Vec::new(),
                    parents,
                    node,
                });
                if let Some(n) = &name {
                    let circuits = &self.circuits;
                    Self::note_duplicate(
                        &mut self.circuit_names,
                        &mut self.duplicates,
                        ItemKind::Circuit,
                        n,
                        here,
                        |c: CircuitId| {
                            let d = &circuits[c.index()].decl;
                            (d.file, d.name_span())
                        },
                        id,
                    );
                }
                for child in item.children() {
                    self.declare(file, child, Some(id));
                }
            }
            ItemKind::Connection => self.connections.push(Connection {
                decl,
                sender: None,
                receiver: None,
            }),
            ItemKind::Component => {
                let id = ComponentId(id32(self.components.len()));
                let node = self.graph.add_node(Node::Component(id));
                let circuit_ref = match decl.prop("circuit").map(|e| &e.kind) {
                    Some(ExprKind::Ident(i)) => i.clone(),
                    _ => item.name.clone().unwrap_or(Ident {
                        name: String::new(),
                        quoted: false,
                        span: item.keyword_span,
                    }),
                };
                self.components.push(Component {
                    decl,
                    circuit: None,
                    circuit_ref,
                    node,
                });
                if let Some(n) = &name {
                    let comps = &self.components;
                    Self::note_duplicate(
                        &mut self.component_names,
                        &mut self.duplicates,
                        ItemKind::Component,
                        n,
                        here,
                        |c: ComponentId| {
                            let d = &comps[c.index()].decl;
                            (d.file, d.name_span())
                        },
                        id,
                    );
                }
            }
            ItemKind::Flow => self.flows.push(Flow {
                decl,
                from: None,
                to: None,
            }),
            ItemKind::Function => {
                let id = FunctionId(id32(self.functions.len()));
                let node = self.graph.add_node(Node::Function(id));
                self.functions.push(Function {
                    decl,
                    parts: Vec::new(),
                    node,
                });
                if let Some(n) = &name {
                    let fns = &self.functions;
                    Self::note_duplicate(
                        &mut self.function_names,
                        &mut self.duplicates,
                        ItemKind::Function,
                        n,
                        here,
                        |c: FunctionId| {
                            let d = &fns[c.index()].decl;
                            (d.file, d.name_span())
                        },
                        id,
                    );
                }
            }
            ItemKind::Reference => {
                let id = ReferenceId(id32(self.references.len()));
                self.references.push(Reference { decl });
                if let Some(n) = &name {
                    let refs = &self.references;
                    Self::note_duplicate(
                        &mut self.reference_names,
                        &mut self.duplicates,
                        ItemKind::Reference,
                        n,
                        here,
                        |c: ReferenceId| {
                            let d = &refs[c.index()].decl;
                            (d.file, d.name_span())
                        },
                        id,
                    );
                }
            }
            ItemKind::Stimulus => self.stimuli.push(Stimulus { decl, target: None }),
        }
    }

    fn unresolved(&mut self, ident: &Ident, file: FileId, kind: NameKind, role: &'static str) {
        self.unresolved.push(Unresolved {
            ident: ident.clone(),
            file,
            kind,
            role,
        });
    }

    fn resolve(&mut self) {
        // Parts named by `parts = [...]` on a circuit (as BIF data and the BRA
        // template's Sub-Circuits column give them).
        for k in 0..self.circuits.len() {
            let file = self.circuits[k].decl.file;
            let Some(Expr {
                kind: ExprKind::List(items),
                ..
            }) = self.circuits[k].decl.prop("parts").cloned()
            else {
                continue;
            };
            let whole = CircuitId(id32(k));
            for e in items {
                let ExprKind::Ident(id) = &e.kind else {
                    continue;
                };
                match self.circuit(&id.name) {
                    Some(part) => {
                        if !self.circuits[k].parts.contains(&part) {
                            self.circuits[k].parts.push(part);
                        }
                        let c = &mut self.circuits[part.index()];
                        if c.parent.is_none() {
                            c.parent = Some(whole);
                        }
                        c.parents.push((whole, file, id.span));
                        let (a, b) = (c.node, self.circuits[k].node);
                        self.graph.add_edge(a, b, Edge::PartOf);
                    }
                    None => self.unresolved(id, file, NameKind::Circuit, "a part of this circuit"),
                }
            }
        }
        for k in 0..self.connections.len() {
            let (file, from, to) = {
                let d = &self.connections[k].decl;
                (d.file, d.item.from.clone(), d.item.to.clone())
            };
            let s = from.as_ref().and_then(|f| self.circuit(&f.name));
            let r = to.as_ref().and_then(|t| self.circuit(&t.name));
            if let (Some(f), None) = (&from, s) {
                self.unresolved(f, file, NameKind::Circuit, "the sender of this connection");
            }
            if let (Some(t), None) = (&to, r) {
                self.unresolved(
                    t,
                    file,
                    NameKind::Circuit,
                    "the receiver of this connection",
                );
            }
            self.connections[k].sender = s;
            self.connections[k].receiver = r;
            if let (Some(s), Some(r)) = (s, r) {
                let (a, b) = (self.circuits[s.index()].node, self.circuits[r.index()].node);
                self.graph
                    .add_edge(a, b, Edge::Connection(ConnectionId(id32(k))));
            }
        }
        for k in 0..self.components.len() {
            let (file, cref) = (
                self.components[k].decl.file,
                self.components[k].circuit_ref.clone(),
            );
            let c = self.circuit(&cref.name);
            if c.is_none() && !cref.name.is_empty() {
                self.unresolved(
                    &cref,
                    file,
                    NameKind::Circuit,
                    "the circuit this component sits on",
                );
            }
            self.components[k].circuit = c;
            if let Some(c) = c {
                let (a, b) = (self.components[k].node, self.circuits[c.index()].node);
                self.graph.add_edge(a, b, Edge::SitsOn);
            }
        }
        for k in 0..self.flows.len() {
            let (file, from, to) = {
                let d = &self.flows[k].decl;
                (d.file, d.item.from.clone(), d.item.to.clone())
            };
            let s = from.as_ref().and_then(|f| self.component(&f.name));
            let r = to.as_ref().and_then(|t| self.component(&t.name));
            if let (Some(f), None) = (&from, s) {
                self.unresolved(f, file, NameKind::Component, "the sender of this flow");
            }
            if let (Some(t), None) = (&to, r) {
                self.unresolved(t, file, NameKind::Component, "the receiver of this flow");
            }
            self.flows[k].from = s;
            self.flows[k].to = r;
            if let (Some(s), Some(r)) = (s, r) {
                let (a, b) = (
                    self.components[s.index()].node,
                    self.components[r.index()].node,
                );
                self.graph.add_edge(a, b, Edge::Flow(FlowId(id32(k))));
            }
        }
        for k in 0..self.functions.len() {
            let file = self.functions[k].decl.file;
            let parts_expr = self.functions[k].decl.prop("parts").cloned();
            let mut parts = Vec::new();
            if let Some(Expr {
                kind: ExprKind::List(items),
                ..
            }) = parts_expr
            {
                for e in items {
                    let ExprKind::Ident(id) = &e.kind else {
                        continue;
                    };
                    let part = self
                        .function(&id.name)
                        .map(FrgPart::Function)
                        .or_else(|| self.component(&id.name).map(FrgPart::Component));
                    match part {
                        Some(p) => parts.push((p, id.span)),
                        None => {
                            self.unresolved(id, file, NameKind::FrgPart, "a part of this function")
                        }
                    }
                }
            }
            let node = self.functions[k].node;
            for (p, _) in &parts {
                let target = match p {
                    FrgPart::Function(f) => self.functions[f.index()].node,
                    FrgPart::Component(c) => self.components[c.index()].node,
                };
                self.graph.add_edge(node, target, Edge::Realises);
            }
            self.functions[k].parts = parts;
        }
        for k in 0..self.stimuli.len() {
            let (file, to) = {
                let d = &self.stimuli[k].decl;
                (d.file, d.item.to.clone())
            };
            if let Some(t) = to {
                let c = self.component(&t.name);
                if c.is_none() {
                    self.unresolved(&t, file, NameKind::Component, "the target of this stimulus");
                }
                self.stimuli[k].target = c;
            }
        }
        for k in 0..self.connections.len() {
            let file = self.connections[k].decl.file;
            let reference = self.connections[k].decl.prop("reference").cloned();
            self.check_reference_names(reference.as_ref(), file);
        }
        for k in 0..self.circuits.len() {
            let file = self.circuits[k].decl.file;
            let reference = self.circuits[k].decl.prop("reference").cloned();
            self.check_reference_names(reference.as_ref(), file);
        }
    }

    fn check_reference_names(&mut self, e: Option<&Expr>, file: FileId) {
        let Some(e) = e else { return };
        let ids: Vec<&Ident> = match &e.kind {
            ExprKind::Ident(i) => vec![i],
            ExprKind::List(items) => items
                .iter()
                .filter_map(|x| match &x.kind {
                    ExprKind::Ident(i) => Some(i),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let missing: Vec<Ident> = ids
            .into_iter()
            .filter(|i| self.reference(&i.name).is_none())
            .cloned()
            .collect();
        for i in missing {
            self.unresolved(&i, file, NameKind::Reference, "a cited reference");
        }
    }

    /// The circuit with this ID.
    pub fn circuit(&self, name: &str) -> Option<CircuitId> {
        self.circuit_names.get(name).copied()
    }
    /// The component with this ID.
    pub fn component(&self, name: &str) -> Option<ComponentId> {
        self.component_names.get(name).copied()
    }
    /// The function with this ID.
    pub fn function(&self, name: &str) -> Option<FunctionId> {
        self.function_names.get(name).copied()
    }
    /// The reference with this ID.
    pub fn reference(&self, name: &str) -> Option<ReferenceId> {
        self.reference_names.get(name).copied()
    }

    /// Every declared name of a kind, for "did you mean" suggestions.
    pub fn names(&self, kind: NameKind) -> Vec<&str> {
        match kind {
            NameKind::Circuit => self.circuit_names.keys().map(String::as_str).collect(),
            NameKind::Component => self.component_names.keys().map(String::as_str).collect(),
            NameKind::Reference => self.reference_names.keys().map(String::as_str).collect(),
            NameKind::FrgPart => self
                .function_names
                .keys()
                .chain(self.component_names.keys())
                .map(String::as_str)
                .collect(),
        }
    }

    /// The closest declared name of a kind, when one is close enough to be a typo.
    pub fn suggest(&self, kind: NameKind, name: &str) -> Option<String> {
        let mut best: Option<(f64, &str)> = None;
        for cand in self.names(kind) {
            let score = strsim::jaro_winkler(&name.to_lowercase(), &cand.to_lowercase());
            if score >= 0.8 && best.is_none_or(|(b, c)| score > b || (score == b && cand < c)) {
                best = Some((score, cand));
            }
        }
        best.map(|(_, c)| c.to_string())
    }

    /// The one project, when there is one.
    pub fn project(&self) -> Option<&Decl> {
        self.projects.first()
    }

    /// The ancestors of a circuit, nearest first (stops on a cycle).
    pub fn ancestors(&self, c: CircuitId) -> Vec<CircuitId> {
        let mut out = Vec::new();
        let mut cur = self.circuits[c.index()].parent;
        while let Some(p) = cur {
            if out.contains(&p) || p == c {
                break;
            }
            out.push(p);
            cur = self.circuits[p.index()].parent;
        }
        out
    }

    /// True when `inner` is `outer` or lies inside it in the part-of tree.
    pub fn within(&self, inner: CircuitId, outer: CircuitId) -> bool {
        inner == outer || self.ancestors(inner).contains(&outer)
    }
}
