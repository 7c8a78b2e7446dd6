//! Property tests: the formatter and the YAML front end on random trees and on
//! random mutations of the examples. Formatting never panics, re-parses to the
//! same tree and is idempotent; YAML round-trips.

mod common;

use bra_syntax::ast::*;
use bra_syntax::fmt::Layout;
use bra_syntax::{FileId, Span, format, format_with, parse, parse_yaml_with_layout, to_yaml};
use proptest::prelude::*;
use proptest::sample::{Index, select};

// ---------------------------------------------------------------- random trees

const KEYWORDS: &[&str] = &[
    "use",
    "circuit",
    "simulate",
    "reference",
    "true",
    "false",
    "flow",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z_][A-Za-z0-9_]{0,6}",
        1 => "[a-z][a-z0-9]{0,2}\\.[a-z0-9_]{1,3}",
        1 => select(KEYWORDS).prop_map(String::from),
        2 => "[A-Za-z0-9 ._~/+µ#:-]{1,8}".prop_filter("not blank", |s| !s.trim().is_empty()),
    ]
}

/// Argument names are plain names (keywords allowed).
fn arg_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z_][A-Za-z0-9_]{0,6}",
        1 => select(KEYWORDS).prop_map(String::from),
    ]
}

fn ident() -> impl Strategy<Value = Ident> {
    name().prop_map(|name| Ident {
        quoted: !Ident::is_plain(&name),
        name,
        span: Span::default(),
    })
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn number() -> impl Strategy<Value = Expr> {
    (
        "[-+]?[0-9]{1,4}(\\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?",
        proptest::option::of(select(
            &[
                "ms", "mV", "Hz", "uA/cm^2", "S/cm^2", "s^-1", "%", "µm", "m.s", "eV",
            ][..],
        )),
    )
        .prop_map(|(raw, unit)| {
            expr_of(ExprKind::Number(Number {
                value: raw.parse().unwrap_or(0.0),
                raw,
                unit: unit.map(|u| UnitText {
                    text: u.to_string(),
                    span: Span::default(),
                }),
            }))
        })
}

fn string() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            1 => select(&['"', '\\', '\n', '\t', '\r', ' ', '/', '*', '`'][..]),
        ],
        0..8,
    )
    .prop_map(String::from_iter)
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        3 => number(),
        2 => string().prop_map(|s| expr_of(ExprKind::Str(s))),
        1 => any::<bool>().prop_map(|b| expr_of(ExprKind::Bool(b))),
        3 => ident().prop_map(|i| expr_of(ExprKind::Ident(i))),
        1 => (proptest::option::of(number()), proptest::option::of(number()))
            .prop_map(|(lo, hi)| expr_of(ExprKind::Range(lo.map(Box::new), hi.map(Box::new)))),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| expr_of(ExprKind::List(v))),
            (
                ident(),
                proptest::collection::vec((proptest::option::of(arg_name()), inner.clone()), 0..3)
            )
                .prop_map(|(callee, args)| {
                    let args = args
                        .into_iter()
                        .map(|(n, value)| Arg {
                            name: n.map(|name| Ident {
                                name,
                                quoted: false,
                                span: Span::default(),
                            }),
                            value,
                        })
                        .collect();
                    expr_of(ExprKind::Call(Call { callee, args }))
                }),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| expr_of(ExprKind::Mul(Box::new(a), Box::new(b)))),
            (inner.clone(), inner)
                .prop_map(|(a, b)| expr_of(ExprKind::Index(Box::new(a), Box::new(b)))),
        ]
    })
}

fn entry(depth: u32) -> BoxedStrategy<Entry> {
    let simple = prop_oneof![
        2 => (ident(), expr()).prop_map(|(key, value)| Entry::Property(Property {
            key,
            value,
            span: Span::default(),
        })),
        1 => expr().prop_map(Entry::Bare),
    ];
    if depth == 0 {
        simple.boxed()
    } else {
        prop_oneof![3 => simple, 1 => item(depth - 1).prop_map(Entry::Item)].boxed()
    }
}

fn item(depth: u32) -> BoxedStrategy<Item> {
    (
        select(&ItemKind::ALL[..]),
        proptest::option::of(ident()),
        ident(),
        ident(),
        proptest::option::of(string()),
        proptest::option::of(proptest::collection::vec(entry(depth), 0..4)),
    )
        .prop_map(|(kind, name, a, b, title, body)| {
            let title = title.map(|value| StrLit {
                value,
                span: Span::default(),
            });
            let mut body = body.map(|entries| Block {
                entries,
                span: Span::default(),
            });
            if kind.requires_block() && body.is_none() {
                body = Some(Block {
                    entries: Vec::new(),
                    span: Span::default(),
                });
            }
            let (name, from, to, title, body) = match kind.shape() {
                HeaderShape::Path => (
                    None,
                    None,
                    None,
                    Some(title.unwrap_or(StrLit {
                        value: "x.bra".into(),
                        span: Span::default(),
                    })),
                    None,
                ),
                HeaderShape::Named => (Some(a), None, None, title, body),
                HeaderShape::Edge => (name, Some(a), Some(b), title, body),
                HeaderShape::Stimulus => (Some(a), None, Some(b), title, body),
                HeaderShape::Anonymous => (None, None, None, title, body),
            };
            Item {
                kind,
                name,
                from,
                to,
                title,
                body,
                keyword_span: Span::default(),
                span: Span::default(),
            }
        })
        .boxed()
}

fn file() -> impl Strategy<Value = File> {
    proptest::collection::vec(item(2), 0..5).prop_map(|items| File {
        items,
        comments: Vec::new(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any tree prints to text that parses back to the same tree, and printing
    /// that again changes nothing; its YAML loads to the same tree too.
    #[test]
    fn random_trees_print_faithfully(f in file()) {
        let text = format_with(&f, &Layout::from_spans(&f));
        let (f2, errors) = parse(&text, FileId(0));
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
        prop_assert_eq!(shape(&f), shape(&f2), "\n{}", text);
        prop_assert_eq!(&format(&f2, &text), &text);
        let yaml = to_yaml(&f2, &text);
        let (yf, layout, errors) = parse_yaml_with_layout(&yaml, FileId(1));
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, yaml);
        prop_assert_eq!(shape(&f), shape(&yf), "\n{}", yaml);
        prop_assert_eq!(format_with(&yf, &layout), text);
    }
}

// ---------------------------------------------------------------- mutations

fn bases() -> Vec<String> {
    let mut out = common::grammar_examples();
    out.extend(common::TRICKY.iter().map(|s| s.to_string()));
    out.extend(common::spec_files().into_iter().take(8).map(|(_, t)| t));
    out
}

const INSERTS: &[&str] = &[
    " /* c */ ",
    "// c\n",
    "\n",
    "\n\n",
    " ",
    "/* a /* n */ b */",
    ",",
    "\n// own\n",
    "\n/* two\nlines */ ",
    "{",
    "}",
    "x",
    "\"",
    "`",
    ";",
    "*",
    "[0]",
    "..",
    "(",
    ")",
];

fn mutate(mut text: String, inserts: &[(Index, &str)], deletes: &[Index]) -> String {
    for (at, s) in inserts {
        let mut k = at.index(text.len() + 1);
        while !text.is_char_boundary(k) {
            k -= 1;
        }
        text.insert_str(k, s);
    }
    for at in deletes {
        if text.is_empty() {
            break;
        }
        let mut k = at.index(text.len());
        while !text.is_char_boundary(k) {
            k -= 1;
        }
        text.remove(k);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random comments, blank lines and damage on the examples: whatever still
    /// parses formats idempotently with its comments, and round-trips through YAML.
    #[test]
    fn mutated_examples_format_idempotently(
        base in select(bases()),
        inserts in proptest::collection::vec((any::<Index>(), select(INSERTS)), 0..6),
        deletes in proptest::collection::vec(any::<Index>(), 0..3),
    ) {
        let text = mutate(base, &inserts, &deletes);
        let (f, errors) = parse(&text, FileId(0));
        // Formatting never panics, even on a tree with errors.
        let _ = format(&f, &text);
        if errors.is_empty() {
            common::check_format(&text);
            common::check_yaml(&text);
        }
    }

    /// YAML damage: loading never panics, and whatever loads cleanly prints and
    /// converts back consistently.
    #[test]
    fn mutated_yaml_never_panics(
        base in select(bases()),
        inserts in proptest::collection::vec((any::<Index>(), select(&[" ", "\n", "- ", ": ", "'", "\"", "[", "]", "{", "}", "#", "//", "  ", "~", "&a ", "*a"][..])), 0..5),
        deletes in proptest::collection::vec(any::<Index>(), 0..3),
    ) {
        let f = common::parse_ok(&base);
        let yaml = mutate(to_yaml(&f, &base), &inserts, &deletes);
        let (yf, layout, errors) = parse_yaml_with_layout(&yaml, FileId(0));
        prop_assert!(layout.is_consistent(&yf));
        common::check_spans_inside(&yf, &yaml);
        if errors.is_empty() {
            let text = format_with(&yf, &layout);
            let (f2, errors) = parse(&text, FileId(0));
            prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
            prop_assert_eq!(shape(&yf), shape(&f2));
            prop_assert_eq!(format(&f2, &text), text);
        }
    }

    /// Arbitrary text never makes the parser, the formatter or the YAML loader panic.
    #[test]
    fn arbitrary_text_never_panics(text in "[\\PC\\n\\t\\r{}()\\[\\]`\"/*]{0,80}") {
        let (f, _) = parse(&text, FileId(0));
        let _ = format(&f, &text);
        let _ = to_yaml(&f, &text);
        let _ = parse_yaml_with_layout(&text, FileId(0));
    }
}
