//! Property tests: the parser never panics, error ranges stay inside the
//! text, and composed units multiply scales and add dimensions.

use bra_units::{Dimension, Quantity, parse_unit};
use proptest::prelude::*;

/// Prefixable units with their scale and dimension, written independently
/// of the parser's table.
const UNITS: &[(&str, f64, Dimension)] = &[
    ("m", 1.0, Dimension::LENGTH),
    ("g", 1e-3, Dimension::MASS),
    ("s", 1.0, Dimension::TIME),
    ("A", 1.0, Dimension::CURRENT),
    ("K", 1.0, Dimension::TEMPERATURE),
    ("mol", 1.0, Dimension::AMOUNT),
    ("cd", 1.0, Dimension::LUMINOSITY),
    ("Hz", 1.0, Dimension::FREQUENCY),
    ("N", 1.0, Dimension::FORCE),
    ("J", 1.0, Dimension::ENERGY),
    ("W", 1.0, Dimension::POWER),
    ("C", 1.0, Dimension::CHARGE),
    ("V", 1.0, Dimension::VOLTAGE),
    ("F", 1.0, Dimension::CAPACITANCE),
    ("S", 1.0, Dimension::CONDUCTANCE),
    ("ohm", 1.0, Dimension::RESISTANCE),
    ("Ω", 1.0, Dimension::RESISTANCE),
    ("L", 1e-3, Dimension::VOLUME),
    ("M", 1e3, Dimension::CONCENTRATION),
];

const PREFIXES: &[(&str, f64)] = &[
    ("", 1.0),
    ("Y", 1e24),
    ("Z", 1e21),
    ("E", 1e18),
    ("P", 1e15),
    ("T", 1e12),
    ("G", 1e9),
    ("M", 1e6),
    ("k", 1e3),
    ("h", 1e2),
    ("da", 1e1),
    ("d", 1e-1),
    ("c", 1e-2),
    ("m", 1e-3),
    ("u", 1e-6),
    ("µ", 1e-6),
    ("n", 1e-9),
    ("p", 1e-12),
    ("f", 1e-15),
    ("a", 1e-18),
    ("z", 1e-21),
    ("y", 1e-24),
];

/// Unprefixed-only units.
const PLAIN: &[(&str, f64, Dimension)] = &[
    ("min", 60.0, Dimension::TIME),
    ("h", 3600.0, Dimension::TIME),
    ("%", 0.01, Dimension::DIMENSIONLESS),
    ("1", 1.0, Dimension::DIMENSIONLESS),
];

/// One factor: its text, its scale and dimension (power applied), and the
/// separator written before it (ignored for the first factor).
#[derive(Clone, Debug)]
struct Factor {
    text: String,
    scale: f64,
    dim: Dimension,
    sep: &'static str,
}

fn factor() -> impl Strategy<Value = Factor> {
    let prefixed = (0..PREFIXES.len(), 0..UNITS.len()).prop_map(|(p, u)| {
        let (ps, pv) = PREFIXES[p];
        let (us, uv, ud) = UNITS[u];
        (format!("{ps}{us}"), pv * uv, ud, true)
    });
    let plain = (0..PLAIN.len()).prop_map(|i| {
        let (s, v, d) = PLAIN[i];
        (s.to_string(), v, d, s != "1")
    });
    (
        prop_oneof![4 => prefixed, 1 => plain],
        -3i8..=3,
        prop::sample::select(vec!["*", ".", "/"]),
    )
        .prop_map(|((text, scale, dim, powerable), exp, sep)| {
            let exp = if powerable { exp } else { 1 };
            let text = if exp == 1 {
                text
            } else {
                format!("{text}^{exp}")
            };
            Factor {
                text,
                scale: scale.powi(i32::from(exp)),
                dim: dim.powi(exp),
                sep,
            }
        })
}

fn close(a: f64, b: f64) -> bool {
    ((a - b) / b).abs() <= 1e-9
}

/// Characters that reach every branch of the parser.
fn unit_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "m", "M", "V", "s", "k", "h", "in", "ol", "Hz", "µ", "μ", "Ω", "Ω", "ohm", "%", "/",
            "*", ".", "^", "-", "1", "2", "9", "999", " ", "²", "(", "é", "Y", "y", "da",
        ]),
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn check_error_range(text: &str) {
    if let Err(e) = parse_unit(text) {
        assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: {e:?}");
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        assert!(!e.message.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC*") {
        check_error_range(&text);
    }

    #[test]
    fn never_panics_on_unit_like_text(text in unit_like()) {
        check_error_range(&text);
    }

    #[test]
    fn compositions_multiply(factors in prop::collection::vec(factor(), 1..5)) {
        let mut text = String::new();
        let mut scale = 1.0;
        let mut dim = Dimension::DIMENSIONLESS;
        for (i, f) in factors.iter().enumerate() {
            let divide = i > 0 && f.sep == "/";
            if i > 0 {
                text.push_str(f.sep);
            }
            text.push_str(&f.text);
            if divide {
                scale /= f.scale;
                dim = dim / f.dim;
            } else {
                scale *= f.scale;
                dim = dim * f.dim;
            }
        }
        let unit = parse_unit(&text);
        prop_assert!(unit.is_ok(), "{text}: {unit:?}");
        let unit = unit.unwrap_or(bra_units::Unit::ONE);
        prop_assert!(close(unit.scale, scale), "{text}: {} != {scale}", unit.scale);
        prop_assert_eq!(unit.dim, dim, "{}", text);
    }

    #[test]
    fn conversion_round_trips(v in -1e6f64..1e6, f in factor()) {
        let unit = parse_unit(&f.text);
        prop_assert!(unit.is_ok());
        let unit = unit.unwrap_or(bra_units::Unit::ONE);
        let back = Quantity::new(v, unit).in_unit(&f.text);
        prop_assert!(back.is_ok());
        let back = back.unwrap_or(f64::NAN);
        prop_assert!((back - v).abs() <= 1e-9 * v.abs().max(1.0), "{v} -> {back}");
    }
}
