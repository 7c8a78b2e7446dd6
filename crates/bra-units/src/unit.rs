//! Unit text (`mS/cm^2`) to a scale factor and a [`Dimension`].

use std::fmt;
use std::ops::{Div, Mul};
use std::str::FromStr;

use crate::Dimension;

/// A parsed unit: a value written in this unit is `number * scale` in SI
/// base units, and has dimension `dim`.
///
/// Units carry no offset, so temperatures are in kelvin only (no °C).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Size of one of this unit in SI base units (`mV` → `1e-3`).
    pub scale: f64,
    /// What the unit measures.
    pub dim: Dimension,
}

impl Unit {
    /// The unit of plain numbers (`1`).
    pub const ONE: Self = Self {
        scale: 1.0,
        dim: Dimension::DIMENSIONLESS,
    };

    /// A unit of `scale` SI base units of dimension `dim`.
    #[must_use]
    pub const fn new(scale: f64, dim: Dimension) -> Self {
        Self { scale, dim }
    }

    /// The unit raised to an integer power (`cm` → `cm^2`).
    #[must_use]
    pub fn powi(self, n: i8) -> Self {
        Self {
            scale: self.scale.powi(i32::from(n)),
            dim: self.dim.powi(n),
        }
    }
}

impl Mul for Unit {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Self {
            scale: self.scale * o.scale,
            dim: self.dim * o.dim,
        }
    }
}

impl Div for Unit {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        Self {
            scale: self.scale / o.scale,
            dim: self.dim / o.dim,
        }
    }
}

impl FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, UnitError> {
        parse_unit(s)
    }
}

/// Why unit text could not be parsed, with the byte range *inside the unit
/// text* that is at fault, so callers can put a caret under the bad factor
/// (add the unit's offset in the source file to get a file span).
#[derive(Clone, Debug, PartialEq)]
pub struct UnitError {
    /// Start of the faulty range, in bytes from the start of the unit text.
    pub start: usize,
    /// End (exclusive) of the faulty range, in bytes.
    pub end: usize,
    /// What is wrong, in the user's words, e.g. "unknown unit `xyz`".
    pub message: String,
    /// How to fix it, e.g. "did you mean `mV`?", when there is a useful hint.
    pub help: Option<String>,
}

impl UnitError {
    fn new(start: usize, end: usize, message: impl Into<String>, help: Option<String>) -> Self {
        Self {
            start,
            end,
            message: message.into(),
            help,
        }
    }
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnitError {}

/// One named unit: `value_in_SI = number * factor * 10^pow10`.
struct Def {
    pow10: i32,
    factor: f64,
    dim: Dimension,
    prefixable: bool,
    long: &'static str,
}

const fn def(pow10: i32, factor: f64, dim: Dimension, prefixable: bool, long: &'static str) -> Def {
    Def {
        pow10,
        factor,
        dim,
        prefixable,
        long,
    }
}

/// Unit names the parser knows, with their aliases. Looked up by exact,
/// case-sensitive match.
const UNITS: &[(&str, Def)] = &[
    ("m", def(0, 1.0, Dimension::LENGTH, true, "metre")),
    ("g", def(-3, 1.0, Dimension::MASS, true, "gram")),
    ("s", def(0, 1.0, Dimension::TIME, true, "second")),
    ("A", def(0, 1.0, Dimension::CURRENT, true, "ampere")),
    ("K", def(0, 1.0, Dimension::TEMPERATURE, true, "kelvin")),
    ("mol", def(0, 1.0, Dimension::AMOUNT, true, "mole")),
    ("cd", def(0, 1.0, Dimension::LUMINOSITY, true, "candela")),
    ("Hz", def(0, 1.0, Dimension::FREQUENCY, true, "hertz")),
    ("N", def(0, 1.0, Dimension::FORCE, true, "newton")),
    ("J", def(0, 1.0, Dimension::ENERGY, true, "joule")),
    ("W", def(0, 1.0, Dimension::POWER, true, "watt")),
    ("C", def(0, 1.0, Dimension::CHARGE, true, "coulomb")),
    ("V", def(0, 1.0, Dimension::VOLTAGE, true, "volt")),
    ("F", def(0, 1.0, Dimension::CAPACITANCE, true, "farad")),
    ("S", def(0, 1.0, Dimension::CONDUCTANCE, true, "siemens")),
    ("ohm", def(0, 1.0, Dimension::RESISTANCE, true, "ohm")),
    ("Ohm", def(0, 1.0, Dimension::RESISTANCE, true, "ohm")),
    // U+03A9 GREEK CAPITAL LETTER OMEGA and U+2126 OHM SIGN.
    ("\u{3a9}", def(0, 1.0, Dimension::RESISTANCE, true, "ohm")),
    ("\u{2126}", def(0, 1.0, Dimension::RESISTANCE, true, "ohm")),
    ("L", def(-3, 1.0, Dimension::VOLUME, true, "litre")),
    ("l", def(-3, 1.0, Dimension::VOLUME, true, "litre")),
    ("M", def(3, 1.0, Dimension::CONCENTRATION, true, "molar")),
    ("min", def(0, 60.0, Dimension::TIME, false, "minute")),
    ("h", def(0, 3600.0, Dimension::TIME, false, "hour")),
    (
        "%",
        def(-2, 1.0, Dimension::DIMENSIONLESS, false, "percent"),
    ),
];

/// SI prefixes with their power of ten. `da` comes first so that the
/// longest prefix is tried first.
const PREFIXES: &[(&str, i32)] = &[
    ("da", 1),
    ("Y", 24),
    ("Z", 21),
    ("E", 18),
    ("P", 15),
    ("T", 12),
    ("G", 9),
    ("M", 6),
    ("k", 3),
    ("h", 2),
    ("d", -1),
    ("c", -2),
    ("m", -3),
    ("u", -6),
    ("\u{b5}", -6),  // µ MICRO SIGN
    ("\u{3bc}", -6), // μ GREEK SMALL LETTER MU
    ("n", -9),
    ("p", -12),
    ("f", -15),
    ("a", -18),
    ("z", -21),
    ("y", -24),
];

/// Units offered as "did you mean" suggestions besides the plain names.
const COMMON: &[&str] = &[
    "ms", "us", "mV", "uV", "nA", "pA", "uA", "mA", "pF", "nF", "uF", "nS", "uS", "mS", "kHz",
    "um", "mm", "cm", "nm", "mM", "uM", "nM", "kohm", "Mohm", "Gohm", "kg", "mg", "mL", "uL",
    "mmol", "umol", "nC", "pC",
];

/// Words people write for units, with the fix; fuzzy matching misses these.
const MISTAKES: &[(&str, &str)] = &[
    ("sec", "write seconds as `s`"),
    ("secs", "write seconds as `s`"),
    ("msec", "write milliseconds as `ms`"),
    ("usec", "write microseconds as `us`"),
    ("hr", "write hours as `h`"),
    ("hrs", "write hours as `h`"),
    ("mins", "write minutes as `min`"),
    ("micron", "write micrometres as `um`"),
    ("microns", "write micrometres as `um`"),
    ("mho", "write siemens as `S`"),
    ("cc", "write cubic centimetres as `mL` or `cm^3`"),
    (
        "degC",
        "write temperatures in kelvin, `K`; units here have no offset",
    ),
    ("degK", "write temperatures in kelvin as `K`"),
];

/// Largest |power of ten| a unit may reach; keeps every scale a normal f64.
const MAX_POW10: i32 = 300;

fn lookup(name: &str) -> Option<&'static Def> {
    UNITS.iter().find(|(n, _)| *n == name).map(|(_, d)| d)
}

/// Result of resolving one unit name (without exponent).
enum Resolved {
    Found {
        pow10: i32,
        def: &'static Def,
    },
    NotPrefixable {
        prefix: &'static str,
        name: &'static str,
    },
    Unknown,
}

/// The exact name first (`min`, `h`, `M`, `mol`), then prefix + name
/// (`ms`, `mM`, `hm`), longest prefix first.
fn resolve(name: &str) -> Resolved {
    if let Some(def) = lookup(name) {
        return Resolved::Found {
            pow10: def.pow10,
            def,
        };
    }
    let mut not_prefixable = None;
    for (prefix, p10) in PREFIXES {
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        if let Some((unit_name, def)) = UNITS.iter().find(|(n, _)| *n == rest) {
            if def.prefixable {
                return Resolved::Found {
                    pow10: def.pow10 + p10,
                    def,
                };
            }
            not_prefixable.get_or_insert(Resolved::NotPrefixable {
                prefix,
                name: unit_name,
            });
        }
    }
    not_prefixable.unwrap_or(Resolved::Unknown)
}

/// A "did you mean" hint for an unknown unit name.
fn suggest(name: &str) -> String {
    if let Some((_, hint)) = MISTAKES.iter().find(|(m, _)| *m == name) {
        return (*hint).to_string();
    }
    let candidates = || UNITS.iter().map(|(n, _)| *n).chain(COMMON.iter().copied());
    if let Some(c) = candidates().find(|c| c.to_lowercase() == name.to_lowercase()) {
        return format!("did you mean `{c}`? unit names are case-sensitive");
    }
    let best = candidates()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .fold(None, |best: Option<(f64, &str)>, (s, c)| match best {
            Some((bs, _)) if bs >= s => best,
            _ => Some((s, c)),
        });
    if let Some((score, c)) = best
        && score >= 0.9
    {
        return format!("did you mean `{c}`?");
    }
    // Two units written without a separator, e.g. `mVms`.
    for (i, _) in name.char_indices().skip(1) {
        if let (Some(a), Some(b)) = (name.get(..i), name.get(i..))
            && matches!(resolve(a), Resolved::Found { .. })
            && matches!(resolve(b), Resolved::Found { .. })
        {
            return format!("did you mean `{a}*{b}`? join units with `*` or `.`");
        }
    }
    if let Some((score, c)) = best
        && score >= 0.8
    {
        return format!("did you mean `{c}`?");
    }
    "use an SI unit such as ms, mV, nA, pF, nS, Hz, um or mM, with an optional SI prefix"
        .to_string()
}

/// A character-level reader over the unit text that never slices off a
/// char boundary.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..self.end)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes characters while `f` holds; returns the consumed range.
    fn take_while(&mut self, f: impl Fn(char) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        (start, self.pos)
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    fn char_error(&self, c: char, message: String, help: Option<String>) -> UnitError {
        UnitError::new(self.pos, self.pos + c.len_utf8(), message, help)
    }
}

/// One factor such as `cm^-2`: its pieces before the `/` sign is applied.
struct Factor {
    start: usize,
    end: usize,
    pow10: i32,
    factor: f64,
    dim: Dimension,
    exp: i8,
}

fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
}

fn superscript_help(c: char) -> Option<String> {
    let digit = match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        _ => return None,
    };
    Some(format!("write powers with `^`, e.g. `^{digit}`"))
}

fn unexpected(r: &Reader<'_>, c: char) -> UnitError {
    if c.is_whitespace() {
        return r.char_error(
            c,
            "unexpected space in unit".to_string(),
            Some("join unit factors with `*` or `.`, e.g. `m*s`, without spaces".to_string()),
        );
    }
    let help = superscript_help(c)
        .or_else(|| {
            (c == '°')
                .then(|| "write temperatures in kelvin, `K`; units here have no offset".to_string())
        })
        .unwrap_or_else(|| {
            "a unit is made of names such as `mV`, joined by `*`, `.` or `/`, with `^` for powers"
                .to_string()
        });
    r.char_error(c, format!("unexpected `{c}` in unit"), Some(help))
}

/// Reads one factor; `after` is the separator just read, if any.
fn factor(r: &mut Reader<'_>, after: Option<(usize, char)>) -> Result<Factor, UnitError> {
    let start = r.pos;
    let Some(c) = r.peek() else {
        // Only reachable after a separator: the text is non-empty.
        let (at, sep) = after.unwrap_or((start, '/'));
        return Err(UnitError::new(
            at,
            at + sep.len_utf8(),
            format!("missing unit after `{sep}`"),
            Some(format!(
                "remove the trailing `{sep}` or add a unit after it, e.g. `mV{sep}ms`"
            )),
        ));
    };
    let (pow10, factor, dim) = match c {
        '*' | '.' | '/' => {
            let (message, help) = match after {
                Some((_, prev)) => (
                    format!("expected a unit between `{prev}` and `{c}`"),
                    "remove one of the two separators".to_string(),
                ),
                None if c == '/' => (
                    "expected a unit before `/`".to_string(),
                    "write a reciprocal unit as `1/s`".to_string(),
                ),
                None => (
                    format!("expected a unit before `{c}`"),
                    format!("remove the leading `{c}`"),
                ),
            };
            return Err(r.char_error(c, message, Some(help)));
        }
        '0'..='9' => {
            let (s, e) = r.take_while(|c| c.is_ascii_digit());
            if r.slice(s, e) != "1" {
                return Err(UnitError::new(
                    s,
                    e,
                    format!("`{}` is not a unit", r.slice(s, e)),
                    Some(
                        "only `1` may stand as a number inside a unit (as in `1/s`); \
                         put other numbers in the value"
                            .to_string(),
                    ),
                ));
            }
            if r.peek() == Some('^') {
                return Err(r.char_error(
                    '^',
                    "`1` cannot take a power".to_string(),
                    Some("remove the power: `1` to any power is `1`".to_string()),
                ));
            }
            return Ok(Factor {
                start: s,
                end: e,
                pow10: 0,
                factor: 1.0,
                dim: Dimension::DIMENSIONLESS,
                exp: 1,
            });
        }
        c if c == '%' || is_name_char(c) => {
            let (s, e) = if c == '%' {
                r.bump();
                (start, r.pos)
            } else {
                r.take_while(is_name_char)
            };
            let name = r.slice(s, e);
            match resolve(name) {
                Resolved::Found { pow10, def } => (pow10, def.factor, def.dim),
                Resolved::NotPrefixable { prefix, name: unit } => {
                    let long = lookup(unit).map_or(unit, |d| d.long);
                    return Err(UnitError::new(
                        s,
                        e,
                        format!("`{unit}` ({long}) cannot take the SI prefix `{prefix}`"),
                        Some(format!(
                            "write `{unit}` without a prefix, or use a unit that takes one, \
                             e.g. `s`"
                        )),
                    ));
                }
                Resolved::Unknown => {
                    return Err(UnitError::new(
                        s,
                        e,
                        format!("unknown unit `{name}`"),
                        Some(suggest(name)),
                    ));
                }
            }
        }
        c => return Err(unexpected(r, c)),
    };
    let name_end = r.pos;
    // `cm2`: a power written without `^`.
    if r.peek().is_some_and(|c| c.is_ascii_digit()) {
        let (s, e) = r.take_while(|c| c.is_ascii_digit());
        return Err(UnitError::new(
            s,
            e,
            "a power needs `^` before it".to_string(),
            Some(format!(
                "write `{}^{}`",
                r.slice(start, name_end),
                r.slice(s, e)
            )),
        ));
    }
    let mut exp: i8 = 1;
    if r.peek() == Some('^') {
        let caret = r.pos;
        r.bump();
        let neg = r.peek() == Some('-');
        if neg {
            r.bump();
        }
        let (ds, de) = r.take_while(|c| c.is_ascii_digit());
        if ds == de {
            return Err(UnitError::new(
                caret,
                r.pos,
                "missing power after `^`",
                Some(format!(
                    "write a whole-number power, e.g. `{0}^2` or `{0}^-1`",
                    r.slice(start, name_end)
                )),
            ));
        }
        let digits = r.slice(ds, de);
        let magnitude = digits.bytes().fold(0u32, |acc, b| {
            acc.saturating_mul(10)
                .saturating_add(u32::from(b.wrapping_sub(b'0')))
        });
        let signed = if neg {
            -i64::from(magnitude)
        } else {
            i64::from(magnitude)
        };
        exp = i8::try_from(signed).map_err(|_| {
            UnitError::new(
                caret + 1,
                de,
                format!(
                    "power `{}{digits}` is out of range",
                    if neg { "-" } else { "" }
                ),
                Some("powers of units must lie between -128 and 127".to_string()),
            )
        })?;
    }
    Ok(Factor {
        start,
        end: r.pos,
        pow10,
        factor,
        dim,
        exp,
    })
}

/// Parses unit text such as `mV`, `ms`, `nA`, `pF`, `nS`, `kHz`, `S/cm^2`,
/// `uF/cm^2`, `um`, `µm`, `Ω`, `Mohm`, `mol/L`, `mM`, `1/s`, `s^-1`, `m*s`,
/// `m.s` or `%` into its SI scale and dimension.
///
/// See the crate documentation for the grammar. Surrounding whitespace is
/// ignored; any error's byte range indexes into `text` as given.
///
/// # Errors
///
/// Empty text, an unknown unit name, a separator without a unit after it,
/// `^` without a power, a power or scale out of range, or any character the
/// grammar does not allow. Never panics, whatever the input.
pub fn parse_unit(text: &str) -> Result<Unit, UnitError> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if start >= end {
        return Err(UnitError::new(
            0,
            text.len(),
            "empty unit",
            Some("write a unit such as `ms` or `mV`, or `1` for a plain number".to_string()),
        ));
    }
    let mut r = Reader {
        text,
        pos: start,
        end,
    };
    let mut pow10: i32 = 0;
    let mut factor_product = 1.0f64;
    let mut dim = Dimension::DIMENSIONLESS;
    let mut after: Option<(usize, char)> = None;
    loop {
        let f = factor(&mut r, after)?;
        let out_of_range = |what: &str| {
            UnitError::new(
                f.start,
                f.end,
                format!("unit {what} out of range"),
                Some("simplify the unit; powers must stay between -128 and 127".to_string()),
            )
        };
        let exp = match after {
            Some((_, '/')) => f.exp.checked_neg().ok_or_else(|| out_of_range("power"))?,
            _ => f.exp,
        };
        dim = f
            .dim
            .checked_powi(exp)
            .and_then(|d| dim.checked_mul(d))
            .ok_or_else(|| out_of_range("power"))?;
        pow10 += f.pow10 * i32::from(exp);
        factor_product *= f.factor.powi(i32::from(exp));
        if pow10.abs() > MAX_POW10 || !factor_product.is_normal() {
            return Err(out_of_range("scale"));
        }
        match r.peek() {
            None => break,
            Some(c @ ('*' | '.' | '/')) => {
                after = Some((r.pos, c));
                r.bump();
            }
            Some(c) => return Err(unexpected(&r, c)),
        }
    }
    // `1eN` parses to the correctly rounded power of ten, unlike `powi`.
    let ten_pow = format!("1e{pow10}").parse::<f64>().unwrap_or(f64::NAN);
    let scale = factor_product * ten_pow;
    if !scale.is_normal() {
        return Err(UnitError::new(
            start,
            end,
            "unit scale out of range",
            Some("simplify the unit".to_string()),
        ));
    }
    Ok(Unit { scale, dim })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dimension as D;

    fn close(a: f64, b: f64) -> bool {
        ((a - b) / b).abs() <= 1e-12
    }

    #[test]
    fn table_of_units() {
        let table: &[(&str, f64, Dimension)] = &[
            ("mV", 1e-3, D::VOLTAGE),
            ("V", 1.0, D::VOLTAGE),
            ("uV", 1e-6, D::VOLTAGE),
            ("ms", 1e-3, D::TIME),
            ("s", 1.0, D::TIME),
            ("us", 1e-6, D::TIME),
            ("µs", 1e-6, D::TIME),
            ("min", 60.0, D::TIME),
            ("h", 3600.0, D::TIME),
            ("nA", 1e-9, D::CURRENT),
            ("pA", 1e-12, D::CURRENT),
            ("pF", 1e-12, D::CAPACITANCE),
            ("nS", 1e-9, D::CONDUCTANCE),
            ("Hz", 1.0, D::FREQUENCY),
            ("kHz", 1e3, D::FREQUENCY),
            ("1/s", 1.0, D::FREQUENCY),
            ("s^-1", 1.0, D::FREQUENCY),
            ("1/ms", 1e3, D::FREQUENCY),
            ("S/cm^2", 1e4, D::CONDUCTANCE_DENSITY),
            ("mS/cm^2", 10.0, D::CONDUCTANCE_DENSITY),
            ("uF/cm^2", 1e-2, D::CAPACITANCE_DENSITY),
            ("uA/cm^2", 1e-2, D::CURRENT_DENSITY),
            ("um", 1e-6, D::LENGTH),
            ("µm", 1e-6, D::LENGTH),
            ("μm", 1e-6, D::LENGTH),
            ("mm", 1e-3, D::LENGTH),
            ("dam", 10.0, D::LENGTH),
            ("hm", 100.0, D::LENGTH),
            ("m", 1.0, D::LENGTH),
            ("um^2", 1e-12, D::AREA),
            ("Ω", 1.0, D::RESISTANCE),
            ("Ω", 1.0, D::RESISTANCE),
            ("ohm", 1.0, D::RESISTANCE),
            ("Mohm", 1e6, D::RESISTANCE),
            ("MΩ", 1e6, D::RESISTANCE),
            ("kΩ", 1e3, D::RESISTANCE),
            ("ohm*cm", 1e-2, D::RESISTIVITY),
            ("mol/L", 1e3, D::CONCENTRATION),
            ("M", 1e3, D::CONCENTRATION),
            ("mM", 1.0, D::CONCENTRATION),
            ("uM", 1e-3, D::CONCENTRATION),
            ("mol", 1.0, D::AMOUNT),
            ("mmol", 1e-3, D::AMOUNT),
            ("mL", 1e-6, D::VOLUME),
            ("kg", 1.0, D::MASS),
            ("g", 1e-3, D::MASS),
            ("m*s", 1.0, D::LENGTH.mul(D::TIME)),
            ("m.s", 1.0, D::LENGTH.mul(D::TIME)),
            ("%", 0.01, D::DIMENSIONLESS),
            ("1", 1.0, D::DIMENSIONLESS),
            ("m/s", 1.0, D::VELOCITY),
            ("m/s/s", 1.0, D::LENGTH.div(D::TIME.powi(2))),
            ("m/s^-1", 1.0, D::LENGTH.mul(D::TIME)),
            ("kg*m^2/s^2", 1.0, D::ENERGY),
            ("J", 1.0, D::ENERGY),
            ("W", 1.0, D::POWER),
            ("N", 1.0, D::FORCE),
            ("pC", 1e-12, D::CHARGE),
            ("K", 1.0, D::TEMPERATURE),
            ("cd", 1.0, D::LUMINOSITY),
            ("mV/ms", 1.0, D::VOLTAGE.div(D::TIME)),
            ("min/ms", 6e4, D::DIMENSIONLESS),
            ("GΩ", 1e9, D::RESISTANCE),
            (" mV ", 1e-3, D::VOLTAGE),
            ("cm^-2", 1e4, D::AREA.recip()),
            ("m^0", 1.0, D::DIMENSIONLESS),
        ];
        for (text, scale, dim) in table {
            let unit = parse_unit(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert!(
                close(unit.scale, *scale),
                "{text}: scale {} != {scale}",
                unit.scale
            );
            assert_eq!(unit.dim, *dim, "{text}");
        }
    }

    #[test]
    fn exact_names_beat_prefixes() {
        // `min` is a minute, not milli-inch; `h` an hour, not hecto-nothing;
        // `M` molar, not mega-nothing; `cd` candela, not centi-day.
        assert_eq!(parse_unit("min").map(|u| u.dim), Ok(D::TIME));
        assert_eq!(parse_unit("h").map(|u| u.scale), Ok(3600.0));
        assert_eq!(parse_unit("M").map(|u| u.dim), Ok(D::CONCENTRATION));
        assert_eq!(parse_unit("cd").map(|u| u.dim), Ok(D::LUMINOSITY));
        // Decimal powers are exact where f64 allows.
        assert_eq!(parse_unit("mS/cm^2").map(|u| u.scale), Ok(10.0));
        assert_eq!(parse_unit("kg").map(|u| u.scale), Ok(1.0));
    }

    fn err(text: &str) -> UnitError {
        match parse_unit(text) {
            Ok(u) => panic!("{text} parsed to {u:?}"),
            Err(e) => e,
        }
    }

    fn range(text: &str) -> (usize, usize) {
        let e = err(text);
        (e.start, e.end)
    }

    #[test]
    fn error_ranges() {
        assert_eq!(range("mV/"), (2, 3));
        assert_eq!(range("xyz"), (0, 3));
        assert_eq!(range("ms^"), (2, 3));
        assert_eq!(range("ms^-"), (2, 4));
        assert_eq!(range("cm^999"), (3, 6));
        assert_eq!(range("cm^-999"), (3, 7));
        assert_eq!(range(""), (0, 0));
        assert_eq!(range("   "), (0, 3));
        assert_eq!(range("/s"), (0, 1));
        assert_eq!(range("m//s"), (2, 3));
        assert_eq!(range("m s"), (1, 2));
        assert_eq!(range("cm2"), (2, 3));
        assert_eq!(range("m²"), (1, 3));
        assert_eq!(range("mV/xyz"), (3, 6));
        assert_eq!(range("µmx/s"), (0, 4));
        assert_eq!(range("2/s"), (0, 1));
        assert_eq!(range("1^2"), (1, 2));
        assert_eq!(range("kh"), (0, 2));
        assert_eq!(range("m(s)"), (1, 2));
        // Each power fits, the product does not.
        assert_eq!(range("m^100*m^100"), (6, 11));
        assert_eq!(range("m/m^-128"), (2, 8));
        assert_eq!(range("Ym^13"), (0, 5));
        // Leading whitespace keeps offsets into the original text.
        assert_eq!(range("  mV/"), (4, 5));
    }

    #[test]
    fn error_messages_and_help() {
        let e = err("xyz");
        assert_eq!(e.message, "unknown unit `xyz`");
        assert!(e.help.is_some());
        assert_eq!(
            err("mv").help.as_deref(),
            Some("did you mean `mV`? unit names are case-sensitive")
        );
        assert_eq!(
            err("hz").help.as_deref(),
            Some("did you mean `Hz`? unit names are case-sensitive")
        );
        assert_eq!(err("msc").help.as_deref(), Some("did you mean `ms`?"));
        assert_eq!(err("sec").help.as_deref(), Some("write seconds as `s`"));
        assert!(err("°C").help.is_some_and(|h| h.contains("kelvin")));
        assert_eq!(err("ohms").help.as_deref(), Some("did you mean `ohm`?"));
        assert_eq!(
            err("mVms").help.as_deref(),
            Some("did you mean `mV*ms`? join units with `*` or `.`")
        );
        assert_eq!(err("mV/").message, "missing unit after `/`");
        assert_eq!(err("ms^").message, "missing power after `^`");
        assert_eq!(err("cm^999").message, "power `999` is out of range");
        assert_eq!(err("cm2").help.as_deref(), Some("write `cm^2`"));
        assert_eq!(
            err("kh").message,
            "`h` (hour) cannot take the SI prefix `k`"
        );
        assert_eq!(err("").message, "empty unit");
        assert_eq!(err("mV/").to_string(), "missing unit after `/`");
    }

    #[test]
    fn unit_ops_and_from_str() {
        let mv: Unit = "mV".parse().unwrap_or(Unit::ONE);
        let ms = parse_unit("ms").unwrap_or(Unit::ONE);
        let q = mv / ms;
        assert!(close(q.scale, 1.0));
        assert_eq!(q.dim, D::VOLTAGE / D::TIME);
        assert!(close((mv * ms).scale, 1e-6));
        assert!(close(ms.powi(-2).scale, 1e6));
        assert_eq!(Unit::new(2.0, D::TIME).powi(2).dim, D::TIME.powi(2));
    }
}
