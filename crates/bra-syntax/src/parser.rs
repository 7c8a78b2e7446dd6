//! The `.bra` parser: nom 8 combinators over a [`nom_locate`] span.
//!
//! Every syntax error of a file is reported, not only the first: when an item
//! fails to parse, the parser records the error and resumes at the next line
//! that starts (in column 0) with an item keyword. Nesting is capped at
//! [`MAX_DEPTH`], so no input can overflow the stack, and every loop consumes
//! input, so no input can hang it.

use crate::ast::*;
use crate::diag::Diagnostic;
use crate::span::{FileId, Span};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input};
use nom_locate::LocatedSpan;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// Deepest nesting of blocks, lists, calls and parentheses the parser accepts.
pub const MAX_DEPTH: u32 = 64;

/// At most this many syntax errors are reported per file.
pub const MAX_ERRORS: usize = 100;

/// Shared state of one parse: comments seen (keyed by offset, so backtracking
/// never records one twice) and the current nesting depth.
#[derive(Default)]
struct Ctx {
    comments: RefCell<BTreeMap<usize, Comment>>,
    depth: Cell<u32>,
}

type In<'a> = LocatedSpan<&'a str, &'a Ctx>;
type PResult<'a, T> = IResult<In<'a>, T, PErr>;

/// A syntax error as the combinators produce it (boxed: it travels through
/// every `Result` of the parser).
#[derive(Debug, Clone)]
struct PErr(Box<ErrData>);

#[derive(Debug, Clone)]
struct ErrData {
    code: &'static str,
    start: usize,
    end: usize,
    message: String,
    label: String,
    help: Option<String>,
    related: Option<(Span, String)>,
}

impl PErr {
    fn at(i: &In, code: &'static str, message: impl Into<String>) -> PErr {
        let start = i.location_offset();
        let end = start + i.fragment().chars().next().map(char::len_utf8).unwrap_or(0);
        PErr(Box::new(ErrData {
            code,
            start,
            end,
            message: message.into(),
            label: String::new(),
            help: None,
            related: None,
        }))
    }
    fn label(mut self, l: impl Into<String>) -> Self {
        self.label = l.into();
        self
    }
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    fn related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related = Some((span, text.into()));
        self
    }
    fn span(mut self, start: usize, end: usize) -> Self {
        self.start = start;
        self.end = end.max(start);
        self
    }
}

impl std::ops::Deref for PErr {
    type Target = ErrData;
    fn deref(&self) -> &ErrData {
        &self.0
    }
}

impl std::ops::DerefMut for PErr {
    fn deref_mut(&mut self) -> &mut ErrData {
        &mut self.0
    }
}

impl<'a> ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, kind: ErrorKind) -> Self {
        PErr::at(
            &input,
            "E002",
            format!("unexpected input ({})", kind.description()),
        )
    }
    fn append(_: In<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        if other.start >= self.start {
            other
        } else {
            self
        }
    }
}

fn err<'a, T>(e: PErr) -> PResult<'a, T> {
    Err(nom::Err::Error(e))
}
fn fatal<'a, T>(e: PErr) -> PResult<'a, T> {
    Err(nom::Err::Failure(e))
}

/// Turn a recoverable error into a committed one (nom's `cut`).
fn commit<T>(r: Result<T, nom::Err<PErr>>) -> Result<T, nom::Err<PErr>> {
    r.map_err(|e| match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

fn off(i: &In) -> usize {
    i.location_offset()
}

fn peek(i: &In) -> Option<char> {
    i.fragment().chars().next()
}

fn starts(i: &In, s: &str) -> bool {
    i.fragment().starts_with(s)
}

fn advance<'a>(i: In<'a>, n: usize) -> In<'a> {
    i.take_from(n)
}

/// Describe the token at `i` for "found …" messages.
fn found(i: &In) -> String {
    let frag = i.fragment();
    match frag.chars().next() {
        None => "end of file".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = frag
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .take(40)
                .collect();
            format!("`{word}`")
        }
        Some('\n') => "end of line".to_string(),
        Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
        Some(c) => format!("`{c}`"),
    }
}

/// Guard that holds one level of nesting and gives it back when dropped.
struct Depth<'a>(&'a Ctx);

impl<'a> Depth<'a> {
    fn enter(i: &In<'a>) -> Result<Depth<'a>, nom::Err<PErr>> {
        let ctx = i.extra;
        let d = ctx.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(nom::Err::Failure(
                PErr::at(i, "E006", format!("nesting deeper than {MAX_DEPTH} levels"))
                    .label("too deeply nested")
                    .help("split the structure into separate top-level items"),
            ));
        }
        ctx.depth.set(d);
        Ok(Depth(ctx))
    }
}

impl Drop for Depth<'_> {
    fn drop(&mut self) {
        self.0.depth.set(self.0.depth.get().saturating_sub(1));
    }
}

// ---------------------------------------------------------------- trivia

/// Skip spaces, tabs and carriage returns only (not line breaks).
fn sp(i: In) -> In {
    let n = i
        .fragment()
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .count();
    advance(i, n)
}

/// Skip whitespace and comments, recording comments. Returns whether a line
/// break was crossed.
fn ws(mut i: In) -> PResult<bool> {
    let mut newline = false;
    loop {
        let frag = *i.fragment();
        let n = frag.bytes().take_while(|b| b.is_ascii_whitespace()).count();
        if n > 0 {
            newline |= frag[..n].contains('\n');
            i = advance(i, n);
            continue;
        }
        if frag.starts_with("//") {
            let len = frag.find('\n').unwrap_or(frag.len());
            record_comment(&i, len);
            i = advance(i, len);
            continue;
        }
        if frag.starts_with("/*") {
            let len = block_comment_len(frag).ok_or_else(|| {
                nom::Err::Failure(
                    PErr::at(&i, "E005", "unterminated block comment")
                        .span(off(&i), off(&i) + 2)
                        .label("this comment is never closed")
                        .help("close it with `*/` (block comments nest)"),
                )
            })?;
            newline |= frag[..len].contains('\n');
            record_comment(&i, len);
            i = advance(i, len);
            continue;
        }
        return Ok((i, newline));
    }
}

/// Length of a (nesting) block comment at the start of `s`, if it is closed.
fn block_comment_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut k = 0usize;
    while k + 1 < bytes.len() {
        if bytes[k] == b'/' && bytes[k + 1] == b'*' {
            depth += 1;
            k += 2;
        } else if bytes[k] == b'*' && bytes[k + 1] == b'/' {
            depth -= 1;
            k += 2;
            if depth == 0 {
                return Some(k);
            }
        } else {
            k += 1;
        }
    }
    None
}

fn record_comment(i: &In, len: usize) {
    let start = off(i);
    let text = i.fragment()[..len].trim_end_matches('\r').to_string();
    let end = start + text.len();
    i.extra
        .comments
        .borrow_mut()
        .entry(start)
        .or_insert(Comment {
            text,
            span: Span::new(start, end),
        });
}

// ---------------------------------------------------------------- tokens

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A plain name (keywords included): `[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*`.
fn raw_name(i: In) -> PResult<(String, Span)> {
    let frag = *i.fragment();
    match frag.chars().next() {
        Some(c) if is_name_start(c) => {}
        _ => return err(PErr::at(&i, "E002", "expected a name")),
    }
    let bytes = frag.as_bytes();
    let mut n = 0;
    loop {
        while n < bytes.len() && is_name_char(bytes[n] as char) {
            n += 1;
        }
        if n + 1 < bytes.len() && bytes[n] == b'.' && is_name_char(bytes[n + 1] as char) {
            n += 1;
            continue;
        }
        break;
    }
    let start = off(&i);
    Ok((
        advance(i, n),
        (frag[..n].to_string(), Span::new(start, start + n)),
    ))
}

/// True when `word` is a reserved word of the language.
pub fn is_keyword(word: &str) -> bool {
    ItemKind::from_keyword(word).is_some() || word == "true" || word == "false"
}

/// A backtick-quoted ID: any characters but a backtick and a line break.
fn quoted_id(i: In) -> PResult<Ident> {
    let start = off(&i);
    let frag = *i.fragment();
    if !frag.starts_with('`') {
        return err(PErr::at(&i, "E002", "expected a quoted ID"));
    }
    let rest = &frag[1..];
    let stop = rest.find(['`', '\n']);
    match stop {
        Some(k) if rest.as_bytes()[k] == b'`' => {
            let name = &rest[..k];
            if name.trim().is_empty() {
                return fatal(
                    PErr::at(&i, "E009", "empty quoted ID")
                        .span(start, start + k + 2)
                        .label("nothing between the backticks")
                        .help("write the circuit ID between the backticks, e.g. `IO-DC`"),
                );
            }
            let len = k + 2;
            Ok((
                advance(i, len),
                Ident {
                    name: name.to_string(),
                    quoted: true,
                    span: Span::new(start, start + len),
                },
            ))
        }
        _ => fatal(
            PErr::at(&i, "E009", "unterminated quoted ID")
                .span(start, start + 1)
                .label("this backtick is never closed")
                .help("close the ID with a backtick on the same line"),
        ),
    }
}

/// An identifier: a plain name or a backtick-quoted ID.
fn ident(i: In) -> PResult<Ident> {
    if starts(&i, "`") {
        return quoted_id(i);
    }
    let (rest, (name, span)) = raw_name(i)?;
    Ok((
        rest,
        Ident {
            name,
            quoted: false,
            span,
        },
    ))
}

/// An identifier, with a message naming what it is for.
fn expect_ident<'a>(i: In<'a>, what: &str) -> PResult<'a, Ident> {
    match ident(i) {
        Ok((_, id)) if !id.quoted && ItemKind::from_keyword(&id.name).is_some() => fatal(
            PErr::at(&i, "E002", format!("expected {what}, found the keyword `{}`", id.name))
                .span(id.span.start as usize, id.span.end as usize)
                .label(format!("expected {what} here"))
                .help(format!("to use `{}` as a name, write it in backticks", id.name)),
        ),
        Ok(r) => Ok(r),
        Err(nom::Err::Error(_)) => fatal(
            PErr::at(&i, "E002", format!("expected {what}, found {}", found(&i)))
                .label(format!("expected {what} here"))
                .help("names are letters, digits and `_`; quote any other WBAI ID in backticks, e.g. `IO-DC`"),
        ),
        Err(e) => Err(e),
    }
}

fn symbol<'a>(i: In<'a>, sym: &str) -> PResult<'a, Span> {
    if starts(&i, sym) {
        let s = off(&i);
        Ok((advance(i, sym.len()), Span::new(s, s + sym.len())))
    } else {
        err(PErr::at(
            &i,
            "E002",
            format!("expected `{sym}`, found {}", found(&i)),
        ))
    }
}

fn expect_symbol<'a>(i: In<'a>, sym: &str, context: &str) -> PResult<'a, Span> {
    commit(symbol(i, sym).map_err(|e| {
        e.map(|_| {
            PErr::at(
                &i,
                "E002",
                format!("expected `{sym}` {context}, found {}", found(&i)),
            )
            .label(format!("expected `{sym}`"))
        })
    }))
}

/// A string literal with escapes `\" \\ \n \t \r`; it may not span lines.
fn string(i: In) -> PResult<StrLit> {
    let start = off(&i);
    let frag = *i.fragment();
    if !frag.starts_with('"') {
        return err(PErr::at(&i, "E002", "expected a string"));
    }
    let mut value = String::new();
    let mut chars = frag.char_indices().skip(1);
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => {
                let len = k + 1;
                return Ok((
                    advance(i, len),
                    StrLit {
                        value,
                        span: Span::new(start, start + len),
                    },
                ));
            }
            '\\' => match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((j, other)) if other != '\n' => {
                    return fatal(
                        PErr::at(&i, "E004", format!("unknown escape `\\{other}` in string"))
                            .span(start + k, start + j + other.len_utf8())
                            .label("unknown escape")
                            .help(r#"the escapes are \" \\ \n \t \r"#),
                    );
                }
                _ => break,
            },
            '\n' => break,
            _ => value.push(c),
        }
    }
    fatal(
        PErr::at(&i, "E004", "unterminated string")
            .span(start, start + 1)
            .label("this string is never closed")
            .help("close it with `\"` on the same line; write a line break as \\n"),
    )
}

/// A number with an optional unit on the same line.
fn number(i: In) -> PResult<Number> {
    let start = off(&i);
    let bytes = i.fragment().as_bytes();
    let mut n = 0;
    if n < bytes.len() && (bytes[n] == b'-' || bytes[n] == b'+') {
        n += 1;
    }
    let digits_from = n;
    while n < bytes.len() && bytes[n].is_ascii_digit() {
        n += 1;
    }
    if n == digits_from {
        return err(PErr::at(&i, "E002", "expected a number"));
    }
    if n + 1 < bytes.len() && bytes[n] == b'.' && bytes[n + 1].is_ascii_digit() {
        n += 1;
        while n < bytes.len() && bytes[n].is_ascii_digit() {
            n += 1;
        }
    }
    if n < bytes.len() && (bytes[n] == b'e' || bytes[n] == b'E') {
        let mut m = n + 1;
        if m < bytes.len() && (bytes[m] == b'-' || bytes[m] == b'+') {
            m += 1;
        }
        let exp_from = m;
        while m < bytes.len() && bytes[m].is_ascii_digit() {
            m += 1;
        }
        if m > exp_from {
            n = m;
        }
    }
    let raw = i.fragment()[..n].to_string();
    let value: f64 = raw.parse().unwrap_or(f64::INFINITY);
    if !value.is_finite() {
        return fatal(
            PErr::at(&i, "E007", format!("number `{raw}` is out of range"))
                .span(start, start + n)
                .label("too large for a 64-bit float")
                .help("use a smaller exponent or a larger unit prefix"),
        );
    }
    let rest = advance(i, n);
    let after = sp(rest);
    match unit(after)? {
        Some((rest2, u)) => Ok((
            rest2,
            Number {
                raw,
                value,
                unit: Some(u),
            },
        )),
        None => Ok((
            rest,
            Number {
                raw,
                value,
                unit: None,
            },
        )),
    }
}

fn is_unit_letter(c: char) -> bool {
    c.is_alphabetic() || c == '%'
}

/// A unit: factors joined by `/`, `*` or `.`, each with an optional `^exponent`.
fn unit(i: In) -> Result<Option<(In, UnitText)>, nom::Err<PErr>> {
    match peek(&i) {
        Some(c) if is_unit_letter(c) => {}
        _ => return Ok(None),
    }
    let start = off(&i);
    let frag = *i.fragment();
    let mut k = 0;
    loop {
        let name_len: usize = frag[k..]
            .chars()
            .take_while(|c| is_unit_letter(*c))
            .map(char::len_utf8)
            .sum();
        if name_len == 0 {
            break;
        }
        k += name_len;
        if frag[k..].starts_with('^') {
            let mut m = k + 1;
            if frag[m..].starts_with('-') || frag[m..].starts_with('+') {
                m += 1;
            }
            let d = frag[m..].bytes().take_while(u8::is_ascii_digit).count();
            if d == 0 {
                return Err(nom::Err::Failure(
                    PErr::at(&i, "E002", "expected an exponent after `^` in a unit")
                        .span(start + k, start + m)
                        .label("exponent missing")
                        .help("write the power as digits, e.g. `cm^2` or `s^-1`"),
                ));
            }
            k = m + d;
        }
        let rest = &frag[k..];
        let mut next = rest.chars();
        match (next.next(), next.next()) {
            (Some('/' | '*' | '.'), Some(c)) if is_unit_letter(c) => k += 1,
            _ => break,
        }
    }
    let text = frag[..k].to_string();
    Ok(Some((
        advance(i, k),
        UnitText {
            text,
            span: Span::new(start, start + k),
        },
    )))
}

// ---------------------------------------------------------------- expressions

fn expr(i: In) -> PResult<Expr> {
    let (mut i, mut lhs) = postfix(i)?;
    // A product chain nests left in the tree: cap its length like any nesting.
    let mut guards = Vec::new();
    loop {
        let (j, _) = ws(i)?;
        if !starts(&j, "*") {
            return Ok((i, lhs));
        }
        guards.push(Depth::enter(&j)?);
        let (j, _) = symbol(j, "*")?;
        let (j, _) = ws(j)?;
        let (j, rhs) = commit(postfix(j))?;
        let span = lhs.span.join(rhs.span);
        lhs = Expr {
            kind: ExprKind::Mul(Box::new(lhs), Box::new(rhs)),
            span,
        };
        i = j;
    }
}

fn postfix(i: In) -> PResult<Expr> {
    let (mut i, mut base) = primary(i)?;
    // Each index nests the tree one level deeper: hold a level per index.
    let mut guards = Vec::new();
    while starts(&i, "[") {
        guards.push(Depth::enter(&i)?);
        let open = Span::new(off(&i), off(&i) + 1);
        let (j, _) = symbol(i, "[")?;
        let (j, _) = ws(j)?;
        let (j, index) = commit(expr(j))?;
        let (j, _) = ws(j)?;
        let (j, close) = close_delim(j, "]", open, "index")?;
        let span = base.span.join(close);
        base = Expr {
            kind: ExprKind::Index(Box::new(base), Box::new(index)),
            span,
        };
        i = j;
    }
    Ok((i, base))
}

fn close_delim<'a>(i: In<'a>, sym: &str, open: Span, what: &str) -> PResult<'a, Span> {
    match symbol(i, sym) {
        Ok(r) => Ok(r),
        Err(_) => fatal(
            PErr::at(
                &i,
                "E003",
                format!("expected `{sym}` to close the {what}, found {}", found(&i)),
            )
            .label(format!("expected `{sym}`"))
            .related(open, format!("the {what} opened here")),
        ),
    }
}

fn expected_value(i: &In) -> PErr {
    PErr::at(i, "E002", format!("expected a value, found {}", found(i)))
        .label("expected a value here")
        .help("a value is a number with its unit (20 ms), a \"string\", a name, a [list] or a call such as lif(tau_m: 20 ms)")
}

fn primary(i: In) -> PResult<Expr> {
    let start = off(&i);
    let Some(c) = peek(&i) else {
        return err(expected_value(&i));
    };
    match c {
        '"' => {
            let (j, s) = string(i)?;
            Ok((
                j,
                Expr {
                    kind: ExprKind::Str(s.value),
                    span: s.span,
                },
            ))
        }
        '[' => list(i),
        '(' => {
            let _d = Depth::enter(&i)?;
            let open = Span::new(start, start + 1);
            let (j, _) = symbol(i, "(")?;
            let (j, _) = ws(j)?;
            let (j, mut e) = commit(expr(j))?;
            let (j, _) = ws(j)?;
            let (j, close) = close_delim(j, ")", open, "parenthesis")?;
            e.span = open.join(close);
            Ok((j, e))
        }
        '.' if starts(&i, "..") => range_from(i, None, start),
        '`' => name_or_call(i),
        c if c.is_ascii_digit() || c == '-' || c == '+' => {
            let (j, n) = number(i)?;
            let span = Span::new(start, off(&j));
            let e = Expr {
                kind: ExprKind::Number(n),
                span,
            };
            if starts(&j, "..") {
                return range_from(j, Some(e), start);
            }
            Ok((j, e))
        }
        c if is_name_start(c) => name_or_call(i),
        _ => err(expected_value(&i)),
    }
}

fn range_from<'a>(i: In<'a>, lo: Option<Expr>, start: usize) -> PResult<'a, Expr> {
    let (j, _) = symbol(i, "..")?;
    let (j, hi) = match peek(&j) {
        Some(c) if c.is_ascii_digit() || c == '-' || c == '+' => {
            let s = off(&j);
            let (k, n) = number(j)?;
            let span = Span::new(s, off(&k));
            (
                k,
                Some(Box::new(Expr {
                    kind: ExprKind::Number(n),
                    span,
                })),
            )
        }
        _ => (j, None),
    };
    let end = off(&j);
    Ok((
        j,
        Expr {
            kind: ExprKind::Range(lo.map(Box::new), hi),
            span: Span::new(start, end),
        },
    ))
}

fn name_or_call(i: In) -> PResult<Expr> {
    let (j, id) = ident(i)?;
    if !id.quoted && (id.name == "true" || id.name == "false") {
        return Ok((
            j,
            Expr {
                kind: ExprKind::Bool(id.name == "true"),
                span: id.span,
            },
        ));
    }
    if starts(&j, "(") {
        let _d = Depth::enter(&j)?;
        let open = Span::new(off(&j), off(&j) + 1);
        let (mut k, _) = symbol(j, "(")?;
        let mut args = Vec::new();
        loop {
            let (m, _) = ws(k)?;
            if starts(&m, ")") {
                k = m;
                break;
            }
            let (m, a) = commit(arg(m))?;
            args.push(a);
            let (m, _) = ws(m)?;
            if starts(&m, ",") {
                k = advance(m, 1);
                continue;
            }
            k = m;
            break;
        }
        let (k, close) = close_delim(k, ")", open, "argument list")?;
        let span = id.span.join(close);
        return Ok((
            k,
            Expr {
                kind: ExprKind::Call(Call { callee: id, args }),
                span,
            },
        ));
    }
    let span = id.span;
    Ok((
        j,
        Expr {
            kind: ExprKind::Ident(id),
            span,
        },
    ))
}

fn arg(i: In) -> PResult<Arg> {
    if let Ok((j, (name, span))) = raw_name(i) {
        let (k, _) = ws(j)?;
        if starts(&k, ":") {
            let (k, _) = ws(advance(k, 1))?;
            let (k, value) = commit(expr(k))?;
            return Ok((
                k,
                Arg {
                    name: Some(Ident {
                        name,
                        quoted: false,
                        span,
                    }),
                    value,
                },
            ));
        }
    }
    let (j, value) = expr(i)?;
    Ok((j, Arg { name: None, value }))
}

fn list(i: In) -> PResult<Expr> {
    let _d = Depth::enter(&i)?;
    let start = off(&i);
    let open = Span::new(start, start + 1);
    let (mut k, _) = symbol(i, "[")?;
    let mut items = Vec::new();
    loop {
        let (m, _) = ws(k)?;
        if starts(&m, "]") {
            k = m;
            break;
        }
        let (m, e) = commit(expr(m))?;
        items.push(e);
        let (m, _) = ws(m)?;
        if starts(&m, ",") {
            k = advance(m, 1);
            continue;
        }
        k = m;
        break;
    }
    let (k, close) = close_delim(k, "]", open, "list")?;
    Ok((
        k,
        Expr {
            kind: ExprKind::List(items),
            span: open.join(close),
        },
    ))
}

// ---------------------------------------------------------------- items

fn item(i: In) -> PResult<Item> {
    let start = off(&i);
    let (j, (word, kw_span)) = raw_name(i)?;
    let Some(kind) = ItemKind::from_keyword(&word) else {
        return err(PErr::at(&i, "E002", "expected an item"));
    };
    if starts(&j, "(") || peek(&j).is_some_and(|c| c == '.') {
        return err(PErr::at(&i, "E002", "expected an item"));
    }
    let _d = Depth::enter(&i)?;
    let mut it = Item {
        kind,
        name: None,
        from: None,
        to: None,
        title: None,
        body: None,
        keyword_span: kw_span,
        span: kw_span,
    };
    let (mut j, _) = ws(j)?;
    match kind.shape() {
        HeaderShape::Path => {
            let (k, path) = commit(string(j).map_err(|e| {
                e.map(|_| {
                    PErr::at(
                        &j,
                        "E002",
                        format!(
                            "expected a file path in quotes after `use`, found {}",
                            found(&j)
                        ),
                    )
                    .label("expected a path")
                    .help("write `use \"anatomy.bra\"`; the path is relative to this file")
                })
            }))?;
            let end = off(&k);
            j = k;
            it.title = Some(path);
            it.span = Span::new(start, end);
            return Ok((j, it));
        }
        HeaderShape::Named => {
            let (k, name) = expect_ident(j, &format!("a name for this {}", kind.keyword()))?;
            it.name = Some(name);
            j = k;
        }
        HeaderShape::Edge => {
            let (k, first) = expect_ident(j, "the sender's name")?;
            let (k2, _) = ws(k)?;
            let (k, from) = if starts(&k2, ":") {
                let (k3, _) = ws(advance(k2, 1))?;
                it.name = Some(first);
                let (k4, from) = expect_ident(k3, "the sender's name")?;
                (k4, from)
            } else {
                (k, first)
            };
            let (k, _) = ws(k)?;
            let (k, _) = expect_symbol(k, "->", "between sender and receiver")?;
            let (k, _) = ws(k)?;
            let (k, to) = expect_ident(k, "the receiver's name")?;
            it.from = Some(from);
            it.to = Some(to);
            j = k;
        }
        HeaderShape::Stimulus => {
            let (k, name) = expect_ident(j, "a name for this stimulus")?;
            let (k, _) = ws(k)?;
            let (k, _) = expect_symbol(k, "->", "between the stimulus and its target")?;
            let (k, _) = ws(k)?;
            let (k, to) = expect_ident(k, "the stimulated component")?;
            it.name = Some(name);
            it.to = Some(to);
            j = k;
        }
        HeaderShape::Anonymous => {
            // `simulate` has no name; fall through to title and block.
            let (k, _) = ws(j)?;
            j = k;
        }
    }
    let mut end = off(&j);
    // Optional title, on the header's line.
    let (k, _) = ws_inline(j)?;
    if starts(&k, "\"") {
        let (k2, title) = string(k)?;
        end = off(&k2);
        it.title = Some(title);
        j = k2;
    }
    // Optional (or required) block, opened on the header's line.
    let (k, _) = ws_inline(j)?;
    if starts(&k, "{") {
        let (k2, body) = block(k)?;
        end = off(&k2);
        it.body = Some(body);
        j = k2;
    } else if kind.requires_block() {
        return fatal(
            PErr::at(
                &k,
                "E002",
                format!(
                    "expected `{{` to open the {} block, found {}",
                    kind.keyword(),
                    found(&k)
                ),
            )
            .label("expected `{`")
            .related(kw_span, format!("this {} needs a block", kind.keyword())),
        );
    }
    it.span = Span::new(start, end);
    Ok((j, it))
}

/// Whitespace and comments that do not cross a line break.
fn ws_inline(i: In) -> PResult<()> {
    let j = sp(i);
    if starts(&j, "/*") || starts(&j, "//") {
        let (k, nl) = ws(j)?;
        if !nl {
            return Ok((k, ()));
        }
    }
    Ok((j, ()))
}

fn block(i: In) -> PResult<Block> {
    let _d = Depth::enter(&i)?;
    let start = off(&i);
    let open = Span::new(start, start + 1);
    let (mut j, _) = symbol(i, "{")?;
    let mut entries = Vec::new();
    loop {
        let (k, _) = ws(j)?;
        if starts(&k, "}") {
            j = k;
            break;
        }
        if k.fragment().is_empty() {
            return fatal(
                PErr::at(
                    &k,
                    "E003",
                    "expected `}` to close the block, found end of file",
                )
                .label("file ends here")
                .related(open, "the block opened here")
                .help("add the missing `}`"),
            );
        }
        let (k, e) = commit(entry(k))?;
        entries.push(e);
        let (k2, newline) = ws(k)?;
        if starts(&k2, ",") || starts(&k2, ";") {
            j = advance(k2, 1);
        } else if starts(&k2, "}") || newline {
            j = k;
        } else if k2.fragment().is_empty() {
            j = k2;
        } else {
            return fatal(
                PErr::at(
                    &k2,
                    "E010",
                    format!(
                        "expected `,` or a line break between entries, found {}",
                        found(&k2)
                    ),
                )
                .label("expected a separator before this")
                .related(open, "in the block opened here")
                .help("separate entries with `,`, `;` or a new line"),
            );
        }
    }
    let (j, close) = symbol(j, "}")?;
    Ok((
        j,
        Block {
            entries,
            span: open.join(close),
        },
    ))
}

fn entry(i: In) -> PResult<Entry> {
    let start = off(&i);
    // `key = value` (keys may be keywords: `reference = x`).
    if let Ok((j, key)) = ident(i) {
        let (k, _) = ws(j)?;
        if starts(&k, "=") && !starts(&k, "==") {
            let (k, _) = ws(advance(k, 1))?;
            let (k, value) = commit(expr(k).map_err(|e| match e {
                nom::Err::Error(_) => nom::Err::Error(expected_value(&k)),
                other => other,
            }))?;
            let span = Span::new(start, value.span.end as usize);
            return Ok((k, Entry::Property(Property { key, value, span })));
        }
    }
    if let Ok((after, (word, _))) = raw_name(i)
        && ItemKind::from_keyword(&word).is_some()
        && !starts(&after, "(")
    {
        let (j, it) = item(i)?;
        return Ok((j, Entry::Item(it)));
    }
    match expr(i) {
        Ok((j, e)) => Ok((j, Entry::Bare(e))),
        Err(nom::Err::Error(_)) => err(PErr::at(
            &i,
            "E002",
            format!("expected an entry, found {}", found(&i)),
        )
        .label("expected `key = value`, a flag or a nested item")
        .help("entries look like `transmitter = Glutamate`, `uniform` or `circuit DG { … }`")),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- driver

/// Parse one file. Returns the tree of every item that parsed and one
/// diagnostic per syntax error (codes `E0xx`), in source order.
pub fn parse(text: &str, file: FileId) -> (File, Vec<Diagnostic>) {
    let ctx = Ctx::default();
    let mut input: In = LocatedSpan::new_extra(text, &ctx);
    let mut items = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    loop {
        ctx.depth.set(0);
        let (i, _) = match ws(input) {
            Ok(r) => r,
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                errors.push(to_diag(e, file));
                break;
            }
            Err(nom::Err::Incomplete(_)) => break,
        };
        if i.fragment().is_empty() {
            break;
        }
        if starts(&i, ";") {
            // `use "a.bra";` — a separator after a top-level item.
            input = advance(i, 1);
            continue;
        }
        if errors.len() >= MAX_ERRORS {
            errors.push(
                Diagnostic::error(
                    "E008",
                    format!("too many syntax errors; stopped after {MAX_ERRORS}"),
                )
                .with_primary(file, Span::new(off(&i), off(&i)), "stopped here")
                .with_help("fix the errors above and run again"),
            );
            break;
        }
        match item(i) {
            Ok((rest, it)) => {
                items.push(it);
                // An item must end its line or be followed by another item.
                input = rest;
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                let e = if e.start == off(&i) && e.code == "E002" && e.label.is_empty() {
                    PErr::at(&i, "E002", format!("expected an item, found {}", found(&i)))
                        .span(off(&i), off(&i) + token_len(&i))
                        .label("expected an item here")
                        .help("items start with use, project, reference, circuit, connection, component, flow, function, stimulus or simulate")
                } else {
                    e
                };
                let resume_from = e.start.max(off(&i) + 1);
                errors.push(to_diag(e, file));
                input = recover(i, resume_from);
            }
            Err(nom::Err::Incomplete(_)) => break,
        }
    }
    let comments = ctx.comments.into_inner().into_values().collect();
    (File { items, comments }, errors)
}

fn token_len(i: &In) -> usize {
    let frag = i.fragment();
    let word: usize = frag
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if word > 0 {
        word
    } else {
        frag.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

/// Resume after an error: the next line at or after `from` that starts in
/// column 0 with an item keyword.
fn recover(i: In, from: usize) -> In {
    let base = off(&i);
    let text = *i.fragment();
    let mut k = from.saturating_sub(base).min(text.len());
    while !text.is_char_boundary(k) {
        k += 1;
    }
    // Move to the start of the next line.
    while k < text.len() {
        match text[k..].find('\n') {
            None => return advance(i, text.len()),
            Some(nl) => {
                k += nl + 1;
                let line = &text[k..];
                let word: String = line.chars().take_while(|c| is_name_char(*c)).collect();
                if ItemKind::from_keyword(&word).is_some() {
                    let after = line[word.len()..].chars().next();
                    if after.is_none_or(|c| c.is_whitespace() || c == '"' || c == '{') {
                        return advance(i, k);
                    }
                }
            }
        }
    }
    advance(i, text.len())
}

fn to_diag(e: PErr, file: FileId) -> Diagnostic {
    let e = *e.0;
    let mut d =
        Diagnostic::error(e.code, e.message).with_primary(file, Span::new(e.start, e.end), e.label);
    if let Some((span, text)) = e.related {
        d = d.with_label(file, span, text);
    }
    if let Some(h) = e.help {
        d = d.with_help(h);
    }
    d
}
