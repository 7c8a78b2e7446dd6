//! Diagrams of a spec: the BIF, the HCD and the FRG, as Graphviz DOT,
//! Mermaid, draw.io (mxGraph XML) or SVG (through Graphviz's `dot`).
//!
//! - **BIF**: every circuit; a circuit with parts is a box (a DOT cluster, a
//!   Mermaid subgraph, a draw.io container) holding its parts. Connections
//!   are styled by the modulation type of their sender: excitatory solid with
//!   an arrow, inhibitory with a flat (tee) head, modulatory dashed; a sender
//!   with no single modulation type (a collection) is grey. A connection
//!   endpoint that names no circuit is drawn as a dashed "not declared" node.
//! - **HCD**: every component and flow, styled by the modulation type of the
//!   circuit each sender sits on.
//! - **FRG**: every function (`R.` node) and component (`U.` node), with an
//!   edge from each function to each of its parts; roots are bold.
//!
//! Every format draws exactly the nodes and edges of the [`Graph`]: DOT has
//! one node statement per node (a box's own node is an invisible anchor
//! inside its cluster) and one `->` per edge; Mermaid one node or subgraph
//! line per node and one link line per edge; draw.io one vertex cell per node
//! and one edge cell per edge.

use bra_model::{FrgPart, Model};
use bra_syntax::ast::ExprKind;
use std::collections::HashMap;

/// Which diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Circuits and connections.
    Bif,
    /// Components and flows.
    Hcd,
    /// Functions and their parts.
    Frg,
}

impl View {
    /// The view's short name.
    pub fn name(self) -> &'static str {
        match self {
            View::Bif => "BIF",
            View::Hcd => "HCD",
            View::Frg => "FRG",
        }
    }
}

/// How a node or edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Excitatory sender (or circuit).
    Excitatory,
    /// Inhibitory sender.
    Inhibitory,
    /// Modulatory sender.
    Modulatory,
    /// No single modulation type.
    Unknown,
    /// An FRG edge (function → part).
    Realises,
}

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A uniform circuit.
    Uniform,
    /// A circuit that is not uniform (drawn as a box when it has parts).
    Collection,
    /// A name used but not declared.
    Missing,
    /// An HCD component or FRG `U.` node.
    Component,
    /// An FRG function.
    Function,
    /// An FRG function that is part of no other (a root).
    Root,
}

/// One node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Unique within the graph: the ID (BIF, HCD) or the FRG node ID (`R.x`, `U.x`).
    pub key: String,
    /// First line of the label.
    pub label: String,
    /// Second line (names, capability), if any.
    pub detail: Option<String>,
    /// The box it is drawn in.
    pub parent: Option<usize>,
    /// Drawn as a box around its children.
    pub container: bool,
    /// What it stands for.
    pub kind: NodeKind,
    /// Its fill.
    pub style: Style,
}

/// One edge.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// How it is drawn.
    pub style: Style,
}

/// A diagram, independent of the output format.
#[derive(Clone, Debug)]
pub struct Graph {
    /// Which view.
    pub view: View,
    /// The title (project and view).
    pub title: String,
    /// Nodes; a container comes before its children.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

fn modulation_of(decl: &bra_model::Decl) -> Style {
    match decl.prop_word("modulation").map(|(w, _)| w) {
        Some("Excitatory") => Style::Excitatory,
        Some("Inhibitory") => Style::Inhibitory,
        Some("Modulatory") => Style::Modulatory,
        _ => Style::Unknown,
    }
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

struct Builder {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    keys: HashMap<String, usize>,
}

impl Builder {
    fn node(&mut self, key: &str, label: &str, kind: NodeKind, style: Style) -> usize {
        let mut k = key.to_string();
        let mut n = 2;
        while self.keys.contains_key(&k) {
            k = format!("{key}#{n}");
            n += 1;
        }
        self.keys.insert(k.clone(), self.nodes.len());
        self.nodes.push(Node {
            key: k,
            label: label.to_string(),
            detail: None,
            parent: None,
            container: false,
            kind,
            style,
        });
        self.nodes.len() - 1
    }

    /// The node of a name that did not resolve (one per name).
    fn missing(&mut self, key: &str) -> usize {
        match self.keys.get(key) {
            Some(&k) if self.nodes[k].kind == NodeKind::Missing => k,
            _ => {
                let k = self.node(key, key, NodeKind::Missing, Style::Unknown);
                self.nodes[k].detail = Some("not declared".into());
                k
            }
        }
    }

    /// Order nodes so that every container precedes its children, and break
    /// nesting cycles (a part-of cycle is drawn flat).
    fn finish(mut self, view: View, title: String) -> Graph {
        let n = self.nodes.len();
        // 0: not seen, 1: on the path being walked, 2: done.
        let mut state = vec![0u8; n];
        for i in 0..n {
            let mut path: Vec<usize> = Vec::new();
            let mut cur = Some(i);
            while let Some(c) = cur {
                match state[c] {
                    2 => break,
                    1 => {
                        // Back on this walk's path: a cycle. Cut it here.
                        if let Some(&last) = path.last() {
                            self.nodes[last].parent = None;
                        }
                        break;
                    }
                    _ => {
                        state[c] = 1;
                        path.push(c);
                        cur = self.nodes[c].parent;
                    }
                }
            }
            for p in path {
                state[p] = 2;
            }
        }
        for i in 0..n {
            if let Some(p) = self.nodes[i].parent {
                self.nodes[p].container = true;
            }
        }
        // Depth-first order: roots in declaration order, children after their box.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for i in 0..n {
            match self.nodes[i].parent {
                Some(p) => children[p].push(i),
                None => roots.push(i),
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = roots.into_iter().rev().collect();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(children[i].iter().rev());
        }
        let mut new_index = vec![0usize; n];
        for (k, &i) in order.iter().enumerate() {
            new_index[i] = k;
        }
        let nodes = order
            .iter()
            .map(|&i| {
                let mut node = self.nodes[i].clone();
                node.parent = node.parent.map(|p| new_index[p]);
                node
            })
            .collect();
        let edges = self
            .edges
            .into_iter()
            .map(|e| Edge {
                from: new_index[e.from],
                to: new_index[e.to],
                style: e.style,
            })
            .collect();
        Graph {
            view,
            title,
            nodes,
            edges,
        }
    }
}

/// Build a view of a model.
pub fn build(model: &Model, view: View) -> Graph {
    let mut b = Builder {
        nodes: Vec::new(),
        edges: Vec::new(),
        keys: HashMap::new(),
    };
    let project = model
        .project()
        .map(|p| {
            let t = p.item.title.as_ref().map(|t| format!(" — {}", t.value));
            format!("{}{}", p.name(), t.unwrap_or_default())
        })
        .unwrap_or_else(|| "spec".to_string());
    let title = format!("{project}: {}", view.name());
    match view {
        View::Bif => {
            let mut circuit_node = Vec::new();
            for c in &model.circuits {
                let name = c.decl.name();
                let (kind, style) = if c.is_uniform() {
                    (NodeKind::Uniform, modulation_of(&c.decl))
                } else {
                    (NodeKind::Collection, Style::Unknown)
                };
                let k = b.node(&name, &name, kind, style);
                b.nodes[k].detail = c.decl.item.title.as_ref().map(|t| shorten(&t.value, 60));
                circuit_node.push(k);
            }
            for (i, c) in model.circuits.iter().enumerate() {
                b.nodes[circuit_node[i]].parent = c.parent.map(|p| circuit_node[p.index()]);
            }
            for conn in &model.connections {
                let end = |b: &mut Builder,
                           id: Option<bra_model::CircuitId>,
                           name: Option<&str>| match id {
                    Some(c) => Some(circuit_node[c.index()]),
                    None => name.map(|n| b.missing(n)),
                };
                let from = end(
                    &mut b,
                    conn.sender,
                    conn.decl.item.from.as_ref().map(|i| i.name.as_str()),
                );
                let to = end(
                    &mut b,
                    conn.receiver,
                    conn.decl.item.to.as_ref().map(|i| i.name.as_str()),
                );
                let style = match conn.sender {
                    Some(s) if model.circuits[s.index()].is_uniform() => {
                        modulation_of(&model.circuits[s.index()].decl)
                    }
                    _ => Style::Unknown,
                };
                if let (Some(from), Some(to)) = (from, to) {
                    b.edges.push(Edge { from, to, style });
                }
            }
        }
        View::Hcd => {
            let style_of = |c: &bra_model::Component| {
                c.circuit
                    .map(|ci| modulation_of(&model.circuits[ci.index()].decl))
                    .unwrap_or(Style::Unknown)
            };
            let mut comp_node = Vec::new();
            for c in &model.components {
                let name = c.decl.name();
                let k = b.node(&name, &name, NodeKind::Component, style_of(c));
                let sits =
                    (c.circuit_ref.name != name).then(|| format!("on {}", c.circuit_ref.name));
                let cap = c.decl.prop_word("capability").map(|(w, _)| shorten(w, 48));
                b.nodes[k].detail = match (sits, cap) {
                    (Some(s), Some(c)) => Some(format!("{s}: {c}")),
                    (a, c) => a.or(c),
                };
                comp_node.push(k);
            }
            for f in &model.flows {
                let end = |b: &mut Builder,
                           id: Option<bra_model::ComponentId>,
                           name: Option<&str>| match id {
                    Some(c) => Some(comp_node[c.index()]),
                    None => name.map(|n| b.missing(n)),
                };
                let from = end(
                    &mut b,
                    f.from,
                    f.decl.item.from.as_ref().map(|i| i.name.as_str()),
                );
                let to = end(
                    &mut b,
                    f.to,
                    f.decl.item.to.as_ref().map(|i| i.name.as_str()),
                );
                let style = f
                    .from
                    .map(|c| style_of(&model.components[c.index()]))
                    .unwrap_or(Style::Unknown);
                if let (Some(from), Some(to)) = (from, to) {
                    b.edges.push(Edge { from, to, style });
                }
            }
        }
        View::Frg => {
            let fkey = |name: &str| {
                if name.starts_with("C.") || name.starts_with("A.") {
                    name.to_string()
                } else {
                    format!("R.{name}")
                }
            };
            let mut is_part = vec![false; model.functions.len()];
            for f in &model.functions {
                for (p, _) in &f.parts {
                    if let FrgPart::Function(g) = p {
                        is_part[g.index()] = true;
                    }
                }
            }
            let mut fn_node = Vec::new();
            for (i, f) in model.functions.iter().enumerate() {
                let name = f.decl.name();
                let kind = if is_part[i] {
                    NodeKind::Function
                } else {
                    NodeKind::Root
                };
                let key = fkey(&name);
                let k = b.node(&key, &key, kind, Style::Realises);
                b.nodes[k].detail = f.decl.item.title.as_ref().map(|t| shorten(&t.value, 60));
                fn_node.push(k);
            }
            let mut comp_node = Vec::new();
            for c in &model.components {
                let key = format!("U.{}", c.decl.name());
                let style = c
                    .circuit
                    .map(|ci| modulation_of(&model.circuits[ci.index()].decl))
                    .unwrap_or(Style::Unknown);
                let k = b.node(&key, &key, NodeKind::Component, style);
                b.nodes[k].detail = c.decl.prop_word("capability").map(|(w, _)| shorten(w, 48));
                comp_node.push(k);
            }
            for (i, f) in model.functions.iter().enumerate() {
                for (p, _) in &f.parts {
                    let to = match p {
                        FrgPart::Function(g) => fn_node[g.index()],
                        FrgPart::Component(c) => comp_node[c.index()],
                    };
                    b.edges.push(Edge {
                        from: fn_node[i],
                        to,
                        style: Style::Realises,
                    });
                }
                // Parts that name nothing.
                if let Some(e) = f.decl.prop("parts")
                    && let ExprKind::List(items) = &e.kind
                {
                    for item in items {
                        if let ExprKind::Ident(id) = &item.kind
                            && model.function(&id.name).is_none()
                            && model.component(&id.name).is_none()
                        {
                            let to = b.missing(&id.name);
                            b.edges.push(Edge {
                                from: fn_node[i],
                                to,
                                style: Style::Unknown,
                            });
                        }
                    }
                }
            }
        }
    }
    b.finish(view, title)
}

// ------------------------------------------------------------------ colours

fn fill(n: &Node) -> (&'static str, &'static str) {
    match (n.kind, n.style) {
        (NodeKind::Missing, _) => ("#ffffff", "#c62828"),
        (NodeKind::Function, _) | (NodeKind::Root, _) => ("#fff2cc", "#d6b656"),
        (_, Style::Excitatory) => ("#d5e8d4", "#82b366"),
        (_, Style::Inhibitory) => ("#f8cecc", "#b85450"),
        (_, Style::Modulatory) => ("#e1d5e7", "#9673a6"),
        (NodeKind::Component, _) => ("#dae8fc", "#6c8ebf"),
        _ => ("#f5f5f5", "#666666"),
    }
}

fn edge_color(s: Style) -> &'static str {
    match s {
        Style::Excitatory => "#2e7d32",
        Style::Inhibitory => "#c62828",
        Style::Modulatory => "#6a1b9a",
        Style::Unknown => "#757575",
        Style::Realises => "#333333",
    }
}

fn legend(view: View) -> &'static str {
    match view {
        View::Bif | View::Hcd => {
            "green arrow: excitatory sender; red tee: inhibitory; purple dashed: modulatory; grey: no single modulation type"
        }
        View::Frg => "function → its parts (R. functions, U. components)",
    }
}

/// The nodes in drawing order as open-box / leaf / close-box steps, without
/// recursion (part-of chains can be long). Relies on [`Graph::nodes`] being in
/// depth-first order, every box before its children.
enum Step {
    Open(usize, usize),
    Leaf(usize, usize),
    Close(usize),
}

/// Indentation for a nesting depth (capped: deep chains stay readable and linear).
fn pad(depth: usize) -> String {
    "  ".repeat(depth.min(12))
}

fn steps(g: &Graph) -> Vec<Step> {
    let mut out = Vec::with_capacity(g.nodes.len() * 2);
    let mut open: Vec<usize> = Vec::new();
    for (i, n) in g.nodes.iter().enumerate() {
        while let Some(&top) = open.last() {
            if Some(top) == n.parent {
                break;
            }
            open.pop();
            out.push(Step::Close(open.len() + 1));
        }
        let depth = open.len() + 1;
        if n.container {
            out.push(Step::Open(i, depth));
            open.push(i);
        } else {
            out.push(Step::Leaf(i, depth));
        }
    }
    while open.pop().is_some() {
        out.push(Step::Close(open.len() + 1));
    }
    out
}

// ------------------------------------------------------------------ DOT

fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn label_text(n: &Node) -> String {
    match &n.detail {
        Some(d) if !d.is_empty() => format!("{}\n{}", n.label, d),
        _ => n.label.clone(),
    }
}

/// The graph in Graphviz DOT.
pub fn to_dot(g: &Graph) -> String {
    let rankdir = if g.view == View::Frg { "TB" } else { "LR" };
    let mut out = String::new();
    out.push_str(&format!("digraph {} {{\n", dot_str(g.view.name())));
    out.push_str(&format!(
        "  graph [rankdir={rankdir}, compound=true, fontname=\"Helvetica\", labelloc=t, label={}];\n",
        dot_str(&format!("{}\n{}", g.title, legend(g.view)))
    ));
    out.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n",
    );
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for step in steps(g) {
        match step {
            Step::Open(i, depth) => {
                let n = &g.nodes[i];
                let pad = pad(depth);
                out.push_str(&format!(
                    "{pad}subgraph {} {{\n",
                    dot_str(&format!("cluster_{}", n.key))
                ));
                out.push_str(&format!(
                    "{pad}  label={}; style=\"rounded,dashed\"; color=\"#999999\"; fontname=\"Helvetica\";\n",
                    dot_str(&label_text(n))
                ));
                out.push_str(&format!(
                    "{pad}  {} [shape=point, style=invis, width=0, height=0, label=\"\"];\n",
                    dot_str(&n.key)
                ));
            }
            Step::Leaf(i, depth) => {
                let n = &g.nodes[i];
                let pad = pad(depth);
                let (fillc, stroke) = fill(n);
                let mut attrs = format!(
                    "label={}, fillcolor=\"{fillc}\", color=\"{stroke}\"",
                    dot_str(&label_text(n))
                );
                match n.kind {
                    NodeKind::Missing => attrs.push_str(", style=\"rounded,dashed\""),
                    NodeKind::Root => attrs.push_str(", penwidth=2"),
                    NodeKind::Collection => attrs.push_str(", shape=folder, style=filled"),
                    _ => {}
                }
                out.push_str(&format!("{pad}{} [{attrs}];\n", dot_str(&n.key)));
            }
            Step::Close(depth) => out.push_str(&format!("{}}}\n", pad(depth))),
        }
    }
    for e in &g.edges {
        let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
        let mut attrs = format!("color=\"{}\"", edge_color(e.style));
        match e.style {
            Style::Inhibitory => attrs.push_str(", arrowhead=tee"),
            Style::Modulatory => attrs.push_str(", style=dashed"),
            _ => {}
        }
        if from.container {
            attrs.push_str(&format!(
                ", ltail={}",
                dot_str(&format!("cluster_{}", from.key))
            ));
        }
        if to.container && e.to != e.from {
            attrs.push_str(&format!(
                ", lhead={}",
                dot_str(&format!("cluster_{}", to.key))
            ));
        }
        out.push_str(&format!(
            "  {} -> {} [{attrs}];\n",
            dot_str(&from.key),
            dot_str(&to.key)
        ));
    }
    out.push_str("}\n");
    out
}

// ------------------------------------------------------------------ Mermaid

fn mermaid_label(n: &Node) -> String {
    let esc = |s: &str| {
        s.replace('#', "#35;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
            .replace('\n', " ")
    };
    match &n.detail {
        Some(d) if !d.is_empty() => format!("\"{}<br/>{}\"", esc(&n.label), esc(d)),
        _ => format!("\"{}\"", esc(&n.label)),
    }
}

/// The graph as a Mermaid flowchart.
pub fn to_mermaid(g: &Graph) -> String {
    let dir = if g.view == View::Frg { "TB" } else { "LR" };
    let mut out = String::new();
    out.push_str(&format!(
        "%% {}\n%% {}\n",
        g.title.replace('\n', " "),
        legend(g.view)
    ));
    out.push_str(&format!("flowchart {dir}\n"));
    for step in steps(g) {
        match step {
            Step::Open(i, depth) => {
                let pad = pad(depth);
                out.push_str(&format!(
                    "{pad}subgraph n{i}[{}]\n",
                    mermaid_label(&g.nodes[i])
                ));
                out.push_str(&format!("{pad}  direction {dir}\n"));
            }
            Step::Leaf(i, depth) => {
                let n = &g.nodes[i];
                let shape = match n.kind {
                    NodeKind::Collection => (">", "]"),
                    NodeKind::Function | NodeKind::Root => ("([", "])"),
                    _ => ("[", "]"),
                };
                out.push_str(&format!(
                    "{}n{i}{}{}{}\n",
                    pad(depth),
                    shape.0,
                    mermaid_label(n),
                    shape.1
                ));
            }
            Step::Close(depth) => out.push_str(&format!("{}end\n", pad(depth))),
        }
    }
    for e in &g.edges {
        let arrow = match e.style {
            Style::Inhibitory => "--x",
            Style::Modulatory => "-.->",
            _ => "-->",
        };
        out.push_str(&format!("  n{} {arrow} n{}\n", e.from, e.to));
    }
    // Fills by class, edge colours by index.
    let mut classes: Vec<(&'static str, &'static str, &'static str, Vec<usize>)> = Vec::new();
    for (i, n) in g.nodes.iter().enumerate() {
        if n.container {
            continue;
        }
        let (fillc, stroke) = fill(n);
        let class = match (n.kind, n.style) {
            (NodeKind::Missing, _) => "missing",
            (NodeKind::Function | NodeKind::Root, _) => "function",
            (_, Style::Excitatory) => "exc",
            (_, Style::Inhibitory) => "inh",
            (_, Style::Modulatory) => "mod",
            (NodeKind::Component, _) => "component",
            _ => "other",
        };
        match classes.iter_mut().find(|c| c.0 == class) {
            Some(c) => c.3.push(i),
            None => classes.push((class, fillc, stroke, vec![i])),
        }
    }
    for (class, fillc, stroke, members) in &classes {
        let dash = if *class == "missing" {
            ",stroke-dasharray:4 3"
        } else {
            ""
        };
        out.push_str(&format!(
            "  classDef {class} fill:{fillc},stroke:{stroke}{dash}\n"
        ));
        let ids: Vec<String> = members.iter().map(|i| format!("n{i}")).collect();
        out.push_str(&format!("  class {} {class}\n", ids.join(",")));
    }
    for style in [
        Style::Excitatory,
        Style::Inhibitory,
        Style::Modulatory,
        Style::Unknown,
        Style::Realises,
    ] {
        let ids: Vec<String> = g
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.style == style)
            .map(|(k, _)| k.to_string())
            .collect();
        if !ids.is_empty() {
            out.push_str(&format!(
                "  linkStyle {} stroke:{}\n",
                ids.join(","),
                edge_color(style)
            ));
        }
    }
    out
}

// ------------------------------------------------------------------ draw.io

fn xml_attr(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xa;"),
            '\r' => {}
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

const W: i64 = 160;
const H: i64 = 56;
const GAP: i64 = 30;
const PAD: i64 = 20;
const HEAD: i64 = 36;

/// Sizes and positions (relative to the parent box) for every node: a
/// box lays its children out in a grid, left to right.
fn layout(g: &Graph) -> Vec<(i64, i64, i64, i64)> {
    let n = g.nodes.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, node) in g.nodes.iter().enumerate() {
        match node.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    let mut geo = vec![(0i64, 0i64, W, H); n];
    // Containers come before their children: size them bottom-up.
    fn place(items: &[usize], geo: &mut [(i64, i64, i64, i64)], x0: i64, y0: i64) -> (i64, i64) {
        let cols = (items.len() as f64).sqrt().ceil().max(1.0) as usize;
        let (mut x, mut y, mut row_h, mut max_w) = (x0, y0, 0i64, 0i64);
        for (k, &i) in items.iter().enumerate() {
            if k > 0 && k % cols == 0 {
                x = x0;
                y += row_h + GAP;
                row_h = 0;
            }
            geo[i].0 = x;
            geo[i].1 = y;
            x += geo[i].2 + GAP;
            row_h = row_h.max(geo[i].3);
            max_w = max_w.max(x - GAP - x0);
        }
        (max_w, y + row_h - y0)
    }
    for i in (0..n).rev() {
        if g.nodes[i].container && !children[i].is_empty() {
            let (w, h) = place(&children[i], &mut geo, PAD, HEAD);
            geo[i].2 = (w + 2 * PAD).max(W);
            geo[i].3 = h + HEAD + PAD;
        }
    }
    place(&roots, &mut geo, 40, 40);
    geo
}

/// The graph as a draw.io file (mxGraph XML, uncompressed).
pub fn to_drawio(g: &Graph) -> String {
    let geo = layout(g);
    let mut out = String::new();
    out.push_str("<mxfile host=\"bra\" version=\"24.0.0\" type=\"device\">\n");
    out.push_str(&format!(
        "  <diagram id=\"{}\" name=\"{}\">\n",
        g.view.name().to_lowercase(),
        xml_attr(&g.title)
    ));
    out.push_str("    <mxGraphModel dx=\"1200\" dy=\"800\" grid=\"1\" gridSize=\"10\" guides=\"1\" tooltips=\"1\" connect=\"1\" arrows=\"1\" fold=\"1\" page=\"0\" pageScale=\"1\" pageWidth=\"1169\" pageHeight=\"827\" math=\"0\" shadow=\"0\">\n");
    out.push_str("      <root>\n");
    out.push_str("        <mxCell id=\"0\" />\n");
    out.push_str("        <mxCell id=\"1\" parent=\"0\" />\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let value = match &n.detail {
            Some(d) if !d.is_empty() => {
                format!("<b>{}</b><br>{}", html_text(&n.label), html_text(d))
            }
            _ => format!("<b>{}</b>", html_text(&n.label)),
        };
        let (fillc, stroke) = fill(n);
        let style = if n.container {
            "swimlane;rounded=1;html=1;whiteSpace=wrap;startSize=36;fillColor=#f5f5f5;strokeColor=#999999;dashed=1;container=1;collapsible=1;".to_string()
        } else {
            let mut s =
                format!("rounded=1;whiteSpace=wrap;html=1;fillColor={fillc};strokeColor={stroke};");
            match n.kind {
                NodeKind::Missing => s.push_str("dashed=1;"),
                NodeKind::Root => s.push_str("strokeWidth=2;"),
                NodeKind::Collection => {
                    s = format!(
                        "shape=folder;whiteSpace=wrap;html=1;fillColor={fillc};strokeColor={stroke};"
                    )
                }
                _ => {}
            }
            s
        };
        let parent = n
            .parent
            .map(|p| format!("n{p}"))
            .unwrap_or_else(|| "1".into());
        let (x, y, w, h) = geo[i];
        out.push_str(&format!(
            "        <mxCell id=\"n{i}\" value=\"{}\" style=\"{}\" vertex=\"1\" parent=\"{parent}\">\n",
            xml_attr(&value),
            xml_attr(&style)
        ));
        out.push_str(&format!(
            "          <mxGeometry x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" as=\"geometry\" />\n"
        ));
        out.push_str("        </mxCell>\n");
    }
    for (k, e) in g.edges.iter().enumerate() {
        let head = match e.style {
            Style::Inhibitory => "endArrow=baseDash;endFill=0;",
            _ => "endArrow=block;endFill=1;",
        };
        let dash = if e.style == Style::Modulatory {
            "dashed=1;"
        } else {
            ""
        };
        let style = format!(
            "edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;{head}{dash}strokeColor={};",
            edge_color(e.style)
        );
        out.push_str(&format!(
            "        <mxCell id=\"e{k}\" style=\"{}\" edge=\"1\" parent=\"1\" source=\"n{}\" target=\"n{}\">\n",
            xml_attr(&style),
            e.from,
            e.to
        ));
        out.push_str("          <mxGeometry relative=\"1\" as=\"geometry\" />\n");
        out.push_str("        </mxCell>\n");
    }
    out.push_str("      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n");
    out
}

// ------------------------------------------------------------------ SVG

/// Why SVG could not be made.
#[derive(Debug)]
pub enum SvgError {
    /// Graphviz's `dot` is not installed (or not on `PATH`).
    NoGraphviz(String),
    /// `dot` ran and failed.
    Failed(String),
}

impl std::fmt::Display for SvgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SvgError::NoGraphviz(prog) => write!(
                f,
                "`--format svg` needs Graphviz's `{prog}` program, which was not found. Install Graphviz \
                 (Debian/Ubuntu: `apt-get install graphviz`; Fedora: `dnf install graphviz`; macOS: \
                 `brew install graphviz`), or write `--format dot` and render it elsewhere"
            ),
            SvgError::Failed(msg) => write!(f, "Graphviz failed: {msg}"),
        }
    }
}

/// Render DOT text to SVG with Graphviz. The program is `dot`, or the one
/// named by the `BRA_DOT` environment variable.
pub fn dot_to_svg(dot: &str) -> Result<String, SvgError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let prog = std::env::var("BRA_DOT").unwrap_or_else(|_| "dot".to_string());
    let child = Command::new(&prog)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SvgError::NoGraphviz(prog));
        }
        Err(e) => return Err(SvgError::Failed(format!("cannot run `{prog}`: {e}"))),
    };
    let input = dot.to_string();
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    let out = child
        .wait_with_output()
        .map_err(|e| SvgError::Failed(format!("`{prog}` did not finish: {e}")))?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    if !out.status.success() {
        return Err(SvgError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| SvgError::Failed("the SVG is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(src: &str) -> Model {
        let mut loaded = bra_model::load_str("t.bra", src);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let files = std::mem::take(&mut loaded.files);
        Model::build(std::mem::take(&mut loaded.sources), &files)
    }

    #[test]
    fn bif_nests_parts_and_styles_by_sender() {
        let m = model(
            "circuit HF { circuit DG { uniform, modulation = Excitatory }\n circuit BC { uniform, modulation = Inhibitory } }\n\
             circuit EC { uniform, modulation = Modulatory }\n\
             connection EC -> DG\nconnection BC -> DG\nconnection HF -> EC\nconnection EC -> Nowhere\n",
        );
        let g = build(&m, View::Bif);
        let keys: Vec<&str> = g.nodes.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["HF", "DG", "BC", "EC", "Nowhere"]);
        assert!(g.nodes[0].container);
        assert_eq!(g.nodes[1].parent, Some(0));
        let styles: Vec<Style> = g.edges.iter().map(|e| e.style).collect();
        assert_eq!(
            styles,
            [
                Style::Modulatory,
                Style::Inhibitory,
                Style::Unknown,
                Style::Modulatory
            ]
        );
        let dot = to_dot(&g);
        assert!(dot.contains("arrowhead=tee"), "{dot}");
        assert!(dot.contains("ltail=\"cluster_HF\""), "{dot}");
        assert_eq!(dot.matches(" -> ").count(), 4);
        let mm = to_mermaid(&g);
        assert!(mm.contains("subgraph n0[\"HF\"]"), "{mm}");
        assert!(mm.contains("n2 --x n1"), "{mm}");
    }

    #[test]
    fn long_part_of_chains_draw_without_recursion() {
        let mut src = String::new();
        for k in 0..5_000 {
            src.push_str(&format!("circuit C{k} {{ parts = [C{}] }}\n", k + 1));
        }
        src.push_str("circuit C5000 { uniform }\n");
        let g = build(&model(&src), View::Bif);
        assert_eq!(g.nodes.len(), 5_001);
        assert!(to_dot(&g).ends_with("}\n"));
        assert!(to_mermaid(&g).contains("end\n"));
        assert!(to_drawio(&g).ends_with("</mxfile>\n"));
    }

    #[test]
    fn part_of_cycles_are_drawn_flat() {
        let m = model("circuit A { parts = [B] }\ncircuit B { parts = [A] }\n");
        let g = build(&m, View::Bif);
        assert_eq!(g.nodes.len(), 2);
        let dot = to_dot(&g);
        assert!(dot.ends_with("}\n"));
    }
}
