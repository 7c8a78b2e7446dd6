//! The canonical formatter behind `bra fmt`.
//!
//! [`format()`] prints a parsed file in one canonical style and keeps every
//! comment. It is idempotent (`format(parse(format(x))) == format(x)`) and
//! faithful (`parse(format(x))` has the same [`crate::ast::shape`] as
//! `parse(x)`, comment texts included).
//!
//! # Style
//!
//! - Two spaces per level; `key = value`; calls `name(a, key: v)`; lists `[a, b]`;
//!   numbers exactly as written (`Number::raw`), then a space and the unit.
//! - Strings are re-escaped (`\" \\ \n \t \r`); identifiers are written in
//!   backticks exactly when [`Ident::is_plain`] says they must be (property keys
//!   may also be bare keywords: `reference = x`).
//! - A block with no nested item and no comment inside whose one-line form fits
//!   in [`MAX_WIDTH`] columns is printed `{ a = 1, uniform }`; an empty one `{}`;
//!   any other block has one entry per line, without separators.
//! - Top-level items of different kinds are separated by a blank line; other
//!   blank lines of the source are kept (at most one in a row), except at the
//!   start and end of a block or file.
//!
//! # Comments
//!
//! The tree keeps comments in a flat list ([`File::comments`]); the formatter
//! re-attaches them by position, as a [`Layout`]:
//!
//! - a comment on its own line(s) before an item or entry stays before it;
//! - a comment that starts on the line where an entry ends stays at the end of
//!   that line (`delay = 1.5 ms // axonal`); one on the line of a block's `{`
//!   stays after the `{`;
//! - a comment before a block's `}` stays inside the block, and one at the end
//!   of the file stays at the end;
//! - a comment *inside* an entry (between the arguments of a call, in an item's
//!   header) cannot keep its place, because expressions are printed on one
//!   line: it moves to its own line just before that entry.
//!
//! The position facts (which line a comment is on, where blank lines stand)
//! come from the source text ([`Layout::from_source`]) or, for a file read from
//! YAML, from the YAML itself (`yaml::parse_yaml_with_layout`), so both front
//! ends print the same text.

use crate::ast::*;
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};

/// The widest line a one-line block may produce.
pub const MAX_WIDTH: usize = 100;

/// One indentation level.
pub const INDENT: &str = "  ";

/// One line above a node (or before a `}`): a comment or a blank line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// A blank line (kept, at most one in a row, never at a block's start or end).
    Blank,
    /// The comment with this index in [`File::comments`], on its own line(s).
    Comment(usize),
}

/// Where the comments around one node (an item or a block entry) go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeLayout {
    /// Lines printed above the node, in order.
    pub before: Vec<Line>,
    /// Comments printed at the end of the node's last line (after its `}` for an item).
    pub after: Vec<usize>,
    /// Comments printed after the `{` of the node's block, on the same line.
    pub open: Vec<usize>,
    /// Lines printed inside the node's block after its last entry, before `}`.
    pub end: Vec<Line>,
}

/// Where every comment of a file goes, and where blank lines stand.
///
/// Nodes are the file's items and every block entry (nested items included),
/// numbered in pre-order: an item, then the entries of its block, depth first.
/// A layout is *consistent* with a file when it has one [`NodeLayout`] per node
/// and places every comment exactly once, in the order of [`File::comments`];
/// [`format_with`] falls back to [`Layout::from_spans`] for any other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// One entry per node, in pre-order.
    pub nodes: Vec<NodeLayout>,
    /// Lines at the end of the file, after its last item.
    pub end: Vec<Line>,
}

static EMPTY_NODE: NodeLayout = NodeLayout {
    before: Vec::new(),
    after: Vec::new(),
    open: Vec::new(),
    end: Vec::new(),
};

impl Layout {
    /// Attach the comments of a file parsed from `source` by their position in it.
    pub fn from_source(file: &File, source: &str) -> Layout {
        Attacher::run(file, Some(source))
    }

    /// Attach comments by their spans alone, without the source text: each comment
    /// goes on its own line before the node that follows it, and no blank lines
    /// are kept. For trees built by hand or by other tools.
    pub fn from_spans(file: &File) -> Layout {
        Attacher::run(file, None)
    }

    /// The layout of node `id` (an empty one if there is none).
    pub fn node(&self, id: usize) -> &NodeLayout {
        self.nodes.get(id).unwrap_or(&EMPTY_NODE)
    }

    /// The comment indices in the order the formatter prints them.
    pub fn comment_order(&self, file: &File) -> Vec<usize> {
        let mut order = Vec::new();
        let mut next = 0usize;
        fn lines(ls: &[Line], order: &mut Vec<usize>) {
            order.extend(ls.iter().filter_map(|l| match l {
                Line::Comment(i) => Some(*i),
                Line::Blank => None,
            }));
        }
        fn walk(layout: &Layout, body: Option<&Block>, next: &mut usize, order: &mut Vec<usize>) {
            let id = *next;
            *next += 1;
            let n = layout.node(id);
            lines(&n.before, order);
            if let Some(b) = body {
                order.extend(&n.open);
                for e in &b.entries {
                    walk(layout, entry_body(e), next, order);
                }
                lines(&n.end, order);
            }
            order.extend(&n.after);
        }
        for item in &file.items {
            walk(self, item.body.as_ref(), &mut next, &mut order);
        }
        lines(&self.end, &mut order);
        order
    }

    /// The same layout without the blank lines the formatter would not print
    /// (at the start or end of a block or file, repeated, or inside a block
    /// printed on one line), so that equal output means equal layouts. An
    /// inconsistent layout is first replaced by [`Layout::from_spans`].
    pub fn canonical(&self, file: &File) -> Layout {
        let mut out = if self.is_consistent(file) {
            self.clone()
        } else {
            Layout::from_spans(file)
        };
        let mut p = Printer {
            file,
            layout: &out,
            out: String::new(),
            next: 0,
            one_line: Vec::new(),
        };
        p.file();
        let mut one_line = vec![false; out.nodes.len()];
        for id in p.one_line {
            if let Some(flag) = one_line.get_mut(id) {
                *flag = true;
            }
        }
        /// Keep blanks only between printed lines; returns whether one is due
        /// before what follows.
        fn clean(lines: &mut Vec<Line>, started: &mut bool, keep: bool) -> bool {
            let mut kept = Vec::with_capacity(lines.len());
            let mut pending = false;
            for &l in lines.iter() {
                match l {
                    Line::Blank => pending = true,
                    Line::Comment(_) => {
                        if pending && *started && keep {
                            kept.push(Line::Blank);
                        }
                        kept.push(l);
                        pending = false;
                        *started = true;
                    }
                }
            }
            *lines = kept;
            pending && *started && keep
        }
        fn container(
            out: &mut Layout,
            bodies: Vec<Option<&Block>>,
            owner: Option<usize>,
            next: &mut usize,
            one_line: &[bool],
        ) {
            let keep = !owner.is_some_and(|o| one_line.get(o).copied().unwrap_or(false));
            let mut started = false;
            for body in bodies {
                let id = *next;
                *next += 1;
                if let Some(n) = out.nodes.get_mut(id)
                    && clean(&mut n.before, &mut started, keep)
                {
                    n.before.push(Line::Blank);
                }
                started = true;
                if let Some(b) = body {
                    container(
                        out,
                        b.entries.iter().map(entry_body).collect(),
                        Some(id),
                        next,
                        one_line,
                    );
                }
            }
            let end = match owner {
                Some(o) => out.nodes.get_mut(o).map(|n| &mut n.end),
                None => Some(&mut out.end),
            };
            if let Some(end) = end {
                clean(end, &mut started, keep);
            }
        }
        let mut next = 0;
        let bodies = file.items.iter().map(|i| i.body.as_ref()).collect();
        container(&mut out, bodies, None, &mut next, &one_line);
        out
    }

    /// True when this layout fits `file`: one node layout per node, every comment
    /// placed exactly once and in order, and no line comment followed by another
    /// comment on the same line.
    pub fn is_consistent(&self, file: &File) -> bool {
        if self.nodes.len() != node_count(file) {
            return false;
        }
        if !self
            .comment_order(file)
            .into_iter()
            .eq(0..file.comments.len())
        {
            return false;
        }
        let line_comment_inside = |list: &[usize]| {
            list.split_last().is_some_and(|(_, init)| {
                init.iter()
                    .any(|&i| file.comments.get(i).is_some_and(|c| !c.is_block()))
            })
        };
        self.nodes
            .iter()
            .all(|n| !line_comment_inside(&n.after) && !line_comment_inside(&n.open))
    }
}

/// The block of an entry that is a nested item with a block.
fn entry_body(e: &Entry) -> Option<&Block> {
    match e {
        Entry::Item(i) => i.body.as_ref(),
        _ => None,
    }
}

/// Number of nodes (items and block entries, nested ones included) of a file.
pub fn node_count(file: &File) -> usize {
    fn block(b: &Block) -> usize {
        b.entries
            .iter()
            .map(|e| 1 + entry_body(e).map(block).unwrap_or(0))
            .sum()
    }
    file.items
        .iter()
        .map(|i| 1 + i.body.as_ref().map(block).unwrap_or(0))
        .sum()
}

// ---------------------------------------------------------------- attaching

/// What came last before the comment being placed.
#[derive(Clone, Copy)]
enum Prev {
    /// The start of the file.
    Start,
    /// The `{` of node `id`'s block.
    Open(usize),
    /// The end of node `id`.
    Node(usize),
    /// A comment on its own line.
    Own,
}

struct Attacher<'a> {
    comments: &'a [Comment],
    src: Option<&'a str>,
    /// Index of the next comment to place.
    ci: usize,
    next: usize,
    layout: Layout,
}

/// The span and block of one node, whether an item or an entry.
struct Kid<'a> {
    span: Span,
    body: Option<&'a Block>,
}

impl<'a> Attacher<'a> {
    fn run(file: &'a File, src: Option<&'a str>) -> Layout {
        let mut a = Attacher {
            comments: &file.comments,
            src,
            ci: 0,
            next: 0,
            layout: Layout::default(),
        };
        let kids = file
            .items
            .iter()
            .map(|i| Kid {
                span: i.span,
                body: i.body.as_ref(),
            })
            .collect();
        a.layout.end = a.container(kids, Prev::Start, 0, usize::MAX);
        a.layout
    }

    /// Line breaks in the source between two offsets (1 when unknown).
    fn newlines(&self, from: usize, to: usize) -> usize {
        match self.src.and_then(|s| s.get(from.min(to)..to)) {
            Some(gap) => gap.bytes().filter(|b| *b == b'\n').count(),
            None => 1,
        }
    }

    fn kids(block: &'a Block) -> Vec<Kid<'a>> {
        block
            .entries
            .iter()
            .map(|e| Kid {
                span: e.span(),
                body: entry_body(e),
            })
            .collect()
    }

    /// The next comment to place, if it starts before `limit`.
    fn next_before(&self, limit: usize) -> Option<&'a Comment> {
        self.comments
            .get(self.ci)
            .filter(|c| (c.span.start as usize) < limit)
    }

    fn node_mut(&mut self, id: usize) -> &mut NodeLayout {
        if self.layout.nodes.len() <= id {
            self.layout.nodes.resize_with(id + 1, NodeLayout::default);
        }
        &mut self.layout.nodes[id]
    }

    /// Place the comments of one container (the file or a block) and its nodes;
    /// returns the lines before its end.
    fn container(
        &mut self,
        kids: Vec<Kid<'a>>,
        mut prev: Prev,
        mut prev_end: usize,
        close: usize,
    ) -> Vec<Line> {
        for kid in kids {
            let id = self.next;
            self.next += 1;
            self.node_mut(id);
            let start = kid.span.start as usize;
            let mut before = Vec::new();
            self.gap(start, &mut prev, &mut prev_end, &mut before);
            if self.newlines(prev_end, start) >= 2 {
                before.push(Line::Blank);
            }
            // Comments inside the node's header or expression move above it.
            let header_end = kid
                .body
                .map(|b| b.span.start)
                .unwrap_or(kid.span.end)
                .max(kid.span.start) as usize;
            while self.next_before(header_end).is_some() {
                before.push(Line::Comment(self.ci));
                self.ci += 1;
            }
            self.node_mut(id).before = before;
            let mut end_of_node = kid.span.end as usize;
            if let Some(b) = kid.body {
                let open_end = b.span.start as usize + 1;
                let close = (b.span.end as usize).saturating_sub(1).max(open_end);
                let end = self.container(Self::kids(b), Prev::Open(id), open_end, close);
                self.node_mut(id).end = end;
                end_of_node = end_of_node.max(b.span.end as usize);
            }
            // Comments inside the node after its block (the parser makes none;
            // kept for trees with unusual spans) go to the end of its line.
            while let Some(c) = self.next_before(end_of_node) {
                let i = self.ci;
                self.ci += 1;
                self.node_mut(id).after.push(i);
                end_of_node = end_of_node.max(c.span.end as usize);
                if !c.is_block() {
                    break;
                }
            }
            prev = Prev::Node(id);
            prev_end = end_of_node;
        }
        let mut end = Vec::new();
        self.gap(close, &mut prev, &mut prev_end, &mut end);
        end
    }

    /// Place the comments that start before `limit` and after what came last.
    fn gap(&mut self, limit: usize, prev: &mut Prev, prev_end: &mut usize, lines: &mut Vec<Line>) {
        while let Some(c) = self.next_before(limit) {
            let i = self.ci;
            self.ci += 1;
            let start = c.span.start as usize;
            let breaks = self.newlines(*prev_end, start);
            let comments = self.comments;
            let open_line = |list: &[usize]| {
                list.last()
                    .and_then(|&j| comments.get(j))
                    .is_none_or(Comment::is_block)
            };
            let slot = match *prev {
                Prev::Node(id) if breaks == 0 => Some(&mut self.node_mut(id).after),
                Prev::Open(id) if breaks == 0 => Some(&mut self.node_mut(id).open),
                _ => None,
            };
            match slot {
                // A line comment ends its line: nothing can follow it there.
                Some(list) if open_line(list) => list.push(i),
                _ => {
                    if breaks >= 2 {
                        lines.push(Line::Blank);
                    }
                    lines.push(Line::Comment(i));
                    *prev = Prev::Own;
                }
            }
            *prev_end = (*prev_end).max(c.span.end as usize);
        }
    }
}

// ---------------------------------------------------------------- printing

/// Print a file parsed from `source` canonically, keeping every comment.
///
/// `source` is the text the file was parsed from; it tells which line each
/// comment is on and where blank lines stand. (For a file read from YAML use
/// [`format_with`] and the layout the YAML front end returns.)
pub fn format(file: &File, source: &str) -> String {
    format_with(file, &Layout::from_source(file, source))
}

/// Print a file canonically with comments placed by `layout`.
///
/// A layout that does not fit the file (see [`Layout::is_consistent`]) is
/// replaced by [`Layout::from_spans`], so no comment is ever lost.
pub fn format_with(file: &File, layout: &Layout) -> String {
    let fallback;
    let layout = if layout.is_consistent(file) {
        layout
    } else {
        fallback = Layout::from_spans(file);
        &fallback
    };
    let mut p = Printer {
        file,
        layout,
        out: String::new(),
        next: 0,
        one_line: Vec::new(),
    };
    p.file();
    p.out
}

/// Parse `source` and print it canonically. Refuses (returning the syntax
/// errors) when the text does not parse cleanly, because the formatter prints
/// only what the parser understood.
pub fn format_source(source: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (f, errors) = crate::parse(source, file);
    if errors.is_empty() {
        Ok(format(&f, source))
    } else {
        Err(errors)
    }
}

/// For `bra fmt --check`: whether `source` is already canonical (`Ok(true)`),
/// would change (`Ok(false)`), or does not parse (`Err`).
pub fn check_formatted(source: &str, file: FileId) -> Result<bool, Vec<Diagnostic>> {
    format_source(source, file).map(|formatted| formatted == source)
}

/// An expression in canonical form, on one line (`lif(tau_m: 20 ms) * 100`).
pub fn format_expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(e, &mut out);
    out
}

/// An identifier as written in an expression or header: in backticks exactly
/// when it is not a plain name.
pub fn format_ident(name: &str) -> String {
    if Ident::is_plain(name) {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// A property key: like [`format_ident`], but keywords stay bare (`reference = x`).
pub fn format_key(name: &str) -> String {
    if crate::is_keyword(name) {
        name.to_string()
    } else {
        format_ident(name)
    }
}

/// A string literal with its quotes, escaping `\" \\ \n \t \r`.
pub fn format_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    write_string(value, &mut out);
    out
}

fn write_string(value: &str, out: &mut String) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_expr(e: &Expr, out: &mut String) {
    match &e.kind {
        ExprKind::Number(n) => {
            out.push_str(&n.raw);
            if let Some(u) = &n.unit {
                out.push(' ');
                out.push_str(&u.text);
            }
        }
        ExprKind::Str(s) => write_string(s, out),
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Ident(id) => out.push_str(&format_ident(&id.name)),
        ExprKind::List(items) => {
            out.push('[');
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                write_expr(item, out);
            }
            out.push(']');
        }
        ExprKind::Call(call) => {
            out.push_str(&format_ident(&call.callee.name));
            out.push('(');
            for (k, arg) in call.args.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                if let Some(name) = &arg.name {
                    // Argument names are plain names (the grammar has no quoted form).
                    out.push_str(&name.name);
                    out.push_str(": ");
                }
                write_expr(&arg.value, out);
            }
            out.push(')');
        }
        // Products and slices chain without limit (`a * b * c`, `x[0][1]`):
        // walk their spines in a loop, not by recursion.
        ExprKind::Mul(..) => {
            let mut rhs = Vec::new();
            let mut cur = e;
            while let ExprKind::Mul(l, r) = &cur.kind {
                rhs.push(r);
                cur = l;
            }
            write_expr(cur, out);
            for r in rhs.iter().rev() {
                out.push_str(" * ");
                // `*` groups to the left: a product on the right needs parentheses.
                write_operand(r, out);
            }
        }
        ExprKind::Index(..) => {
            let mut indices = Vec::new();
            let mut cur = e;
            while let ExprKind::Index(b, i) = &cur.kind {
                indices.push(i);
                cur = b;
            }
            write_operand(cur, out);
            for i in indices.iter().rev() {
                out.push('[');
                write_expr(i, out);
                out.push(']');
            }
        }
        ExprKind::Range(lo, hi) => {
            if let Some(lo) = lo {
                write_expr(lo, out);
            }
            out.push_str("..");
            if let Some(hi) = hi {
                write_expr(hi, out);
            }
        }
    }
}

/// An operand that binds tighter than `*`: a product gets parentheses.
fn write_operand(e: &Expr, out: &mut String) {
    if matches!(e.kind, ExprKind::Mul(..)) {
        out.push('(');
        write_expr(e, out);
        out.push(')');
    } else {
        write_expr(e, out);
    }
}

/// The header of an item: keyword, names and title, without the block.
pub fn format_header(item: &Item) -> String {
    let mut out = String::from(item.kind.keyword());
    let title = |out: &mut String| {
        if let Some(t) = &item.title {
            out.push(' ');
            write_string(&t.value, out);
        }
    };
    match item.kind.shape() {
        HeaderShape::Path | HeaderShape::Anonymous => title(&mut out),
        HeaderShape::Named => {
            if let Some(n) = &item.name {
                out.push(' ');
                out.push_str(&format_ident(&n.name));
            }
            title(&mut out);
        }
        HeaderShape::Edge | HeaderShape::Stimulus => {
            if let Some(n) = &item.name {
                out.push(' ');
                out.push_str(&format_ident(&n.name));
                if item.kind.shape() == HeaderShape::Edge {
                    out.push(':');
                }
            }
            if let Some(f) = &item.from {
                out.push(' ');
                out.push_str(&format_ident(&f.name));
            }
            if let Some(t) = &item.to {
                out.push_str(" -> ");
                out.push_str(&format_ident(&t.name));
            }
            title(&mut out);
        }
    }
    out
}

/// A property or bare entry on one line.
fn simple_entry(e: &Entry) -> Option<String> {
    match e {
        Entry::Property(p) => {
            let mut out = format_key(&p.key.name);
            out.push_str(" = ");
            write_expr(&p.value, &mut out);
            Some(out)
        }
        Entry::Bare(x) => Some(format_expr(x)),
        Entry::Item(_) => None,
    }
}

/// True when an entry's text starts with `"` (it would read as the title of a
/// nested item without block printed on the line before it).
fn starts_with_quote(e: &Entry) -> bool {
    let Entry::Bare(x) = e else {
        return false;
    };
    let mut x: &Expr = x;
    loop {
        match &x.kind {
            ExprKind::Str(_) => return true,
            ExprKind::Mul(l, _) => x = l,
            ExprKind::Index(b, _) if !matches!(b.kind, ExprKind::Mul(..)) => x = b,
            ExprKind::Range(Some(lo), _) => x = lo,
            _ => return false,
        }
    }
}

fn has_comment(lines: &[Line]) -> bool {
    lines.iter().any(|l| matches!(l, Line::Comment(_)))
}

struct Printer<'a> {
    file: &'a File,
    layout: &'a Layout,
    out: String,
    /// Id of the next node to print.
    next: usize,
    /// Nodes whose block was printed on one line.
    one_line: Vec<usize>,
}

impl<'a> Printer<'a> {
    fn comment(&self, i: usize) -> &'a str {
        self.file
            .comments
            .get(i)
            .map(|c| c.text.as_str())
            .unwrap_or("")
    }

    /// Start a line at `depth`, after a blank line when asked.
    fn begin_line(&mut self, depth: usize, blank: bool) {
        if blank {
            self.out.push('\n');
        }
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    /// Width in columns of the line being written.
    fn column(&self) -> usize {
        let start = self.out.rfind('\n').map(|k| k + 1).unwrap_or(0);
        self.out
            .get(start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
    }

    fn file(&mut self) {
        let mut at_start = true;
        let mut prev_kind = None;
        let items = &self.file.items;
        for item in items {
            let force_blank = prev_kind.is_some_and(|k| k != item.kind);
            self.node(NodeRef::Item(item), 0, &mut at_start, force_blank, false);
            prev_kind = Some(item.kind);
        }
        let end = &self.layout.end;
        self.lines(end, 0, &mut at_start);
    }

    /// Own-line comments and blank lines.
    fn lines(&mut self, lines: &[Line], depth: usize, at_start: &mut bool) -> bool {
        let mut pending = false;
        for line in lines {
            match line {
                Line::Blank => pending = true,
                Line::Comment(i) => {
                    self.begin_line(depth, pending && !*at_start);
                    let text = self.comment(*i);
                    self.out.push_str(text);
                    self.out.push('\n');
                    pending = false;
                    *at_start = false;
                }
            }
        }
        pending
    }

    fn node(
        &mut self,
        node: NodeRef<'a>,
        depth: usize,
        at_start: &mut bool,
        force_blank: bool,
        comma: bool,
    ) {
        let id = self.next;
        self.next += 1;
        let layout: &'a Layout = self.layout;
        let nl = layout.node(id);
        let mut pending = force_blank;
        for line in &nl.before {
            match line {
                Line::Blank => pending = true,
                Line::Comment(i) => {
                    self.begin_line(depth, pending && !*at_start);
                    let text = self.comment(*i);
                    self.out.push_str(text);
                    self.out.push('\n');
                    pending = false;
                    *at_start = false;
                }
            }
        }
        self.begin_line(depth, pending && !*at_start);
        *at_start = false;
        match node {
            NodeRef::Item(item) => self.item(item, id, depth),
            NodeRef::Entry(Entry::Item(item)) => self.item(item, id, depth),
            NodeRef::Entry(e) => {
                let text = simple_entry(e).unwrap_or_default();
                self.out.push_str(&text);
            }
        }
        if comma {
            self.out.push(',');
        }
        for &c in &nl.after {
            self.out.push(' ');
            let text = self.comment(c);
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    fn item(&mut self, item: &'a Item, id: usize, depth: usize) {
        let header = format_header(item);
        self.out.push_str(&header);
        if let Some(body) = &item.body {
            self.out.push(' ');
            self.block(body, id, depth);
        }
    }

    /// The one-line form of a block, when it has one and it fits.
    fn one_line(&self, body: &Block, nl: &NodeLayout) -> Option<String> {
        if !nl.open.is_empty() || has_comment(&nl.end) {
            return None;
        }
        let mut parts = Vec::with_capacity(body.entries.len());
        for (k, e) in body.entries.iter().enumerate() {
            let el = self.layout.node(self.next + k);
            if has_comment(&el.before) || !el.after.is_empty() {
                return None;
            }
            parts.push(simple_entry(e)?);
        }
        let text = if parts.is_empty() {
            "{}".to_string()
        } else {
            format!("{{ {} }}", parts.join(", "))
        };
        (self.column() + text.chars().count() <= MAX_WIDTH).then_some(text)
    }

    fn block(&mut self, body: &'a Block, id: usize, depth: usize) {
        let layout: &'a Layout = self.layout;
        let nl = layout.node(id);
        if let Some(text) = self.one_line(body, nl) {
            self.out.push_str(&text);
            self.next += body.entries.len();
            self.one_line.push(id);
            return;
        }
        self.out.push('{');
        for &c in &nl.open {
            self.out.push(' ');
            let text = self.comment(c);
            self.out.push_str(text);
        }
        self.out.push('\n');
        let mut at_start = true;
        let entries = &body.entries;
        for (k, e) in entries.iter().enumerate() {
            let comma = matches!(e, Entry::Item(i) if i.body.is_none())
                && entries.get(k + 1).is_some_and(starts_with_quote);
            self.node(NodeRef::Entry(e), depth + 1, &mut at_start, false, comma);
        }
        self.lines(&nl.end, depth + 1, &mut at_start);
        self.begin_line(depth, false);
        self.out.push('}');
    }
}

#[derive(Clone, Copy)]
enum NodeRef<'a> {
    Item(&'a Item),
    Entry(&'a Entry),
}
