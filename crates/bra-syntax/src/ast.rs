//! The abstract syntax tree of a `.bra` file.
//!
//! The tree is deliberately generic: every item is a keyword, a header and a
//! block of entries. What an entry *means* (is `transmitter` allowed on a
//! circuit? is `lif` a neuron model?) is decided by later stages, so that the
//! text and YAML front ends, the formatter and the converters share one small
//! tree. Every node carries the [`Span`] of the text it came from.

use crate::span::Span;
use serde::Serialize;

/// A parsed file: its items in source order and every comment in it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct File {
    /// Top-level items in source order.
    pub items: Vec<Item>,
    /// Every comment of the file in source order (the formatter re-attaches them).
    pub comments: Vec<Comment>,
}

/// A `//` or `/* */` comment, text included verbatim (delimiters too).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comment {
    /// The comment's text, delimiters included.
    pub text: String,
    /// Where it stands.
    pub span: Span,
}

impl Comment {
    /// True for a `/* */` comment.
    pub fn is_block(&self) -> bool {
        self.text.starts_with("/*")
    }
}

/// The kind of an item, named by its leading keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// `use "file.bra"`
    Use,
    /// `project ID "title" { … }`
    Project,
    /// `reference ID { … }`
    Reference,
    /// `circuit ID "names" { … }`
    Circuit,
    /// `connection [NAME:] SENDER -> RECEIVER { … }`
    Connection,
    /// `component ID { … }`
    Component,
    /// `flow [NAME:] FROM -> TO { … }`
    Flow,
    /// `function ID "description" { … }` — an FRG node
    Function,
    /// `stimulus NAME -> TARGET { … }`
    Stimulus,
    /// `simulate { … }`
    Simulate,
    /// `train { … }` — the training experiment (`bra train`)
    Train,
}

impl ItemKind {
    /// Every kind, in the order the grammar lists them.
    pub const ALL: [ItemKind; 11] = [
        ItemKind::Use,
        ItemKind::Project,
        ItemKind::Reference,
        ItemKind::Circuit,
        ItemKind::Connection,
        ItemKind::Component,
        ItemKind::Flow,
        ItemKind::Function,
        ItemKind::Stimulus,
        ItemKind::Simulate,
        ItemKind::Train,
    ];

    /// The keyword that introduces this item.
    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Use => "use",
            ItemKind::Project => "project",
            ItemKind::Reference => "reference",
            ItemKind::Circuit => "circuit",
            ItemKind::Connection => "connection",
            ItemKind::Component => "component",
            ItemKind::Flow => "flow",
            ItemKind::Function => "function",
            ItemKind::Stimulus => "stimulus",
            ItemKind::Simulate => "simulate",
            ItemKind::Train => "train",
        }
    }

    /// The kind a keyword introduces, if it is one.
    pub fn from_keyword(word: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.keyword() == word)
    }

    /// The header shape this kind takes.
    pub fn shape(self) -> HeaderShape {
        match self {
            ItemKind::Use => HeaderShape::Path,
            ItemKind::Project
            | ItemKind::Reference
            | ItemKind::Circuit
            | ItemKind::Component
            | ItemKind::Function => HeaderShape::Named,
            ItemKind::Connection | ItemKind::Flow => HeaderShape::Edge,
            ItemKind::Stimulus => HeaderShape::Stimulus,
            ItemKind::Simulate | ItemKind::Train => HeaderShape::Anonymous,
        }
    }

    /// True when the block is required (`project`, `reference`, `simulate`).
    pub fn requires_block(self) -> bool {
        matches!(
            self,
            ItemKind::Project | ItemKind::Reference | ItemKind::Simulate | ItemKind::Train
        )
    }
}

/// What follows an item's keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderShape {
    /// `"path"`
    Path,
    /// `ID ["title"]`
    Named,
    /// `[NAME:] FROM -> TO ["title"]`
    Edge,
    /// `NAME -> TARGET ["title"]`
    Stimulus,
    /// `["title"]`
    Anonymous,
}

/// One item: keyword, header and optional block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// Which item this is.
    pub kind: ItemKind,
    /// The item's own name: the ID of a project, reference, circuit, component
    /// or function; the optional `NAME:` of a connection or flow; the name of a
    /// stimulus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Ident>,
    /// Sender and receiver of a connection or flow; for a stimulus, `to` is its target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Ident>,
    /// Receiver of a connection or flow, target of a stimulus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Ident>,
    /// The quoted title after the header (a circuit's names, a function's description),
    /// or the path of a `use`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<StrLit>,
    /// The `{ … }` block, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Block>,
    /// The span of the keyword.
    pub keyword_span: Span,
    /// The whole item, keyword to closing brace.
    pub span: Span,
}

impl Item {
    /// The name that identifies this item for resolution and messages: its
    /// ID, or `FROM -> TO` for an unnamed connection or flow.
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.name {
            return n.name.clone();
        }
        match (&self.from, &self.to) {
            (Some(f), Some(t)) => format!("{} -> {}", f.name, t.name),
            _ => self.kind.keyword().to_string(),
        }
    }

    /// The entries of the block (empty when there is none).
    pub fn entries(&self) -> &[Entry] {
        self.body
            .as_ref()
            .map(|b| b.entries.as_slice())
            .unwrap_or(&[])
    }

    /// The value of the first property with this key.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.entries().iter().find_map(|e| match e {
            Entry::Property(p) if p.key.name == key => Some(p),
            _ => None,
        })
    }

    /// True when the block holds a bare flag with this name (`uniform`).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flag(flag).is_some()
    }

    /// The bare flag with this name.
    pub fn flag(&self, flag: &str) -> Option<&Ident> {
        self.entries().iter().find_map(|e| match e {
            Entry::Bare(Expr {
                kind: ExprKind::Ident(id),
                ..
            }) if id.name == flag => Some(id),
            _ => None,
        })
    }

    /// Nested items of the block (a circuit's parts).
    pub fn children(&self) -> impl Iterator<Item = &Item> {
        self.entries().iter().filter_map(|e| match e {
            Entry::Item(i) => Some(i),
            _ => None,
        })
    }
}

/// A `{ … }` block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    /// Entries in source order.
    pub entries: Vec<Entry>,
    /// From `{` to `}`.
    pub span: Span,
}

/// One entry of a block.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// `key = value`
    Property(Property),
    /// A nested item (a circuit inside a circuit).
    Item(Item),
    /// A bare expression: a flag such as `uniform`, or a call such as
    /// `poisson(rate: 20 Hz)` in a stimulus.
    Bare(Expr),
}

impl Entry {
    /// The entry's whole span.
    pub fn span(&self) -> Span {
        match self {
            Entry::Property(p) => p.span,
            Entry::Item(i) => i.span,
            Entry::Bare(e) => e.span,
        }
    }
}

/// `key = value`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Property {
    /// The key.
    pub key: Ident,
    /// The value.
    pub value: Expr,
    /// From the key to the end of the value.
    pub span: Span,
}

/// A name: a plain identifier or a backtick-quoted WBAI ID.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    /// The name without backticks.
    pub name: String,
    /// Written in backticks (informational: the formatter quotes exactly the
    /// names that need it, so this is not part of the tree's shape).
    #[serde(skip)]
    pub quoted: bool,
    /// Where it stands (backticks included).
    pub span: Span,
}

impl Ident {
    /// True when `name` can be written without backticks.
    pub fn is_plain(name: &str) -> bool {
        let mut chars = name.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !(first.is_ascii_alphabetic() || first == '_') {
            return false;
        }
        if name.ends_with('.') || name.contains("..") {
            return false;
        }
        if crate::is_keyword(name) {
            return false;
        }
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    }
}

/// A string literal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrLit {
    /// The string's value, escapes resolved.
    pub value: String,
    /// Where it stands (quotes included).
    pub span: Span,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// The expression forms of the language.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    /// A number with an optional unit: `20 ms`, `1.0e6`, `10 uA/cm^2`.
    Number(Number),
    /// `"text"`
    Str(String),
    /// `true` / `false`
    Bool(bool),
    /// A name: `Glutamate`, `witter2007`, `` `IO-DC` ``.
    Ident(Ident),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `name(arg, key: arg)`
    Call(Call),
    /// `lhs * rhs` (a model times a population size).
    Mul(Box<Expr>, Box<Expr>),
    /// `base[index]` (a slice of a population).
    Index(Box<Expr>, Box<Expr>),
    /// `start..end`, either end optional.
    Range(Option<Box<Expr>>, Option<Box<Expr>>),
}

/// A number as written, with its optional unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Number {
    /// The digits as written (sign included), so formatting keeps `1.0e6` as is.
    pub raw: String,
    /// The parsed value (in the written unit, not SI).
    pub value: f64,
    /// The unit text, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitText>,
}

/// The unit after a number, kept as text with its span so that a dimension
/// error can put its caret under the unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitText {
    /// The unit as written: `mV`, `S/cm^2`.
    pub text: String,
    /// Where it stands.
    pub span: Span,
}

/// A call with positional and named arguments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Call {
    /// The function called.
    pub callee: Ident,
    /// Arguments in order.
    pub args: Vec<Arg>,
}

impl Call {
    /// The named argument with this name.
    pub fn named(&self, name: &str) -> Option<&Expr> {
        self.args.iter().find_map(|a| match &a.name {
            Some(n) if n.name == name => Some(&a.value),
            _ => None,
        })
    }

    /// Positional arguments in order.
    pub fn positional(&self) -> impl Iterator<Item = &Expr> {
        self.args
            .iter()
            .filter(|a| a.name.is_none())
            .map(|a| &a.value)
    }
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arg {
    /// `name:` for a named argument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// The shape of a file with every span and byte offset removed: what the text
/// and YAML front ends must agree on.
pub fn shape(file: &File) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("span");
                map.remove("keyword_span");
                for (_, v) in map.iter_mut() {
                    strip(v);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(file).unwrap_or(serde_json::Value::Null);
    strip(&mut v);
    v
}
