//! Values with dimensions, and the dimension check diagnostics rest on.

use std::fmt;

use crate::{Dimension, Unit, UnitError, parse_unit};

/// A physical value stored in SI base units together with its dimension,
/// so that it can be compared, converted and checked wherever it travels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The value in SI base units (`20 ms` → `0.02`).
    pub si: f64,
    /// What the value measures.
    pub dim: Dimension,
}

impl Quantity {
    /// The quantity `value` written in `unit` (`Quantity::new(20.0, ms)`).
    #[must_use]
    pub fn new(value: f64, unit: Unit) -> Self {
        Self {
            si: value * unit.scale,
            dim: unit.dim,
        }
    }

    /// A plain number.
    #[must_use]
    pub const fn dimensionless(value: f64) -> Self {
        Self {
            si: value,
            dim: Dimension::DIMENSIONLESS,
        }
    }

    /// The numeric value of this quantity expressed in `unit` (e.g. the
    /// membrane time constant in `"ms"` for a simulator that works in ms).
    ///
    /// # Errors
    ///
    /// When `unit` does not parse, or measures a different dimension; the
    /// error's range then covers the whole unit text.
    pub fn in_unit(self, unit: &str) -> Result<f64, UnitError> {
        let u = parse_unit(unit)?;
        self.value_in(u).map_err(|m| UnitError {
            start: 0,
            end: unit.len(),
            message: format!(
                "cannot express {} in `{}`, which measures {}",
                with_article(m.found),
                unit.trim(),
                with_article(m.expected)
            ),
            help: Some(match m.found.example_unit() {
                Some(ex) => format!("use a unit of {} such as `{ex}`", describe(m.found)),
                None => format!("use a unit of dimension {}", m.found.base_form()),
            }),
        })
    }

    /// The numeric value of this quantity expressed in an already parsed
    /// unit.
    ///
    /// # Errors
    ///
    /// When the dimensions differ; the mismatch expects `unit.dim` and
    /// found this quantity's dimension.
    pub fn value_in(self, unit: Unit) -> Result<f64, DimensionMismatch> {
        if unit.dim != self.dim {
            return Err(mismatch("", self.dim, unit.dim));
        }
        Ok(self.si / unit.scale)
    }
}

/// Writes the SI value with the base form of its dimension, e.g.
/// `0.02 s` or `-0.065 m^2 kg s^-3 A^-1`; a plain number for
/// dimensionless quantities.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dim.is_dimensionless() {
            write!(f, "{}", self.si)
        } else {
            write!(f, "{} {}", self.si, self.dim.base_form())
        }
    }
}

/// A unit of the wrong dimension where a parameter expects another, with a
/// message and a fix written for the user (Brian2-style: say what was
/// wanted and what was found).
#[derive(Clone, Debug, PartialEq)]
pub struct DimensionMismatch {
    /// The dimension the parameter takes.
    pub expected: Dimension,
    /// The dimension of the unit that was written.
    pub found: Dimension,
    /// E.g. "expected a time (e.g. ms), found a voltage (mV)".
    pub message: String,
    /// E.g. "use a unit of time such as `ms`; `mV` measures voltage (...)".
    pub help: String,
}

impl fmt::Display for DimensionMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DimensionMismatch {}

/// Checks that `unit` (written as `unit_text` in the source) has the
/// `expected` dimension, so that `tau_m: 20 mV` is refused with a message
/// that names both dimensions.
///
/// `unit_text` is only used in the message; pass `""` for a bare number.
///
/// # Errors
///
/// A [`DimensionMismatch`] such as "expected a time (e.g. ms), found a
/// voltage (mV)" with a help line, when the dimensions differ.
pub fn expect_dimension(
    unit_text: &str,
    unit: Unit,
    expected: Dimension,
) -> Result<(), DimensionMismatch> {
    if unit.dim == expected {
        Ok(())
    } else {
        Err(mismatch(unit_text.trim(), unit.dim, expected))
    }
}

/// "time", "conductance density", or the base form for unnamed dimensions.
fn describe(d: Dimension) -> String {
    match d.name() {
        Some(n) => n.to_string(),
        None => format!("dimension {}", d.base_form()),
    }
}

/// "a time", "an area", "a dimensionless number", "a quantity of
/// dimension m^4".
fn with_article(d: Dimension) -> String {
    if d.is_dimensionless() {
        return "a dimensionless number".to_string();
    }
    match d.name() {
        Some(n) if n.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {n}"),
        Some(n) => format!("a {n}"),
        None => format!("a quantity of dimension {}", d.base_form()),
    }
}

fn mismatch(text: &str, found: Dimension, expected: Dimension) -> DimensionMismatch {
    let wanted = match expected.example_unit() {
        Some(ex) => format!("{} (e.g. {ex})", with_article(expected)),
        None => with_article(expected),
    };
    let got = if text.is_empty() {
        if found.is_dimensionless() {
            "a plain number".to_string()
        } else {
            with_article(found)
        }
    } else {
        format!("{} ({text})", with_article(found))
    };
    let message = format!("expected {wanted}, found {got}");

    let unit_of_expected = match expected.example_unit() {
        Some(ex) => format!("a unit of {} such as `{ex}`", describe(expected)),
        None => format!("a unit of dimension {}", expected.base_form()),
    };
    let help = if expected.is_dimensionless() {
        if text.is_empty() {
            "this value is a plain number; remove its unit".to_string()
        } else {
            format!("this value is a plain number; remove the unit `{text}`")
        }
    } else if found.is_dimensionless() && (text.is_empty() || text == "1") {
        format!("add {unit_of_expected}")
    } else if text.is_empty() {
        format!(
            "use {unit_of_expected}: {} is {}, not {}",
            describe(expected),
            expected.base_form(),
            found.base_form()
        )
    } else if found == expected.mul(Dimension::AREA) {
        format!(
            "`{text}` is a total {}; this value is per unit membrane area, so use {unit_of_expected}",
            describe(found)
        )
    } else if found == expected.div(Dimension::AREA) {
        format!(
            "`{text}` is a {} per unit area; this value is a total, so use {unit_of_expected}",
            describe(expected)
        )
    } else if found == expected.recip() {
        format!(
            "`{text}` measures {}, the inverse of {}; use {unit_of_expected}",
            describe(found),
            describe(expected)
        )
    } else {
        format!("use {unit_of_expected}; `{text}` measures {}", found)
    };
    DimensionMismatch {
        expected,
        found,
        message,
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dimension as D;

    fn unit(text: &str) -> Unit {
        parse_unit(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn quantities_convert_between_units_of_one_dimension() {
        let tau = Quantity::new(20.0, unit("ms"));
        assert!((tau.si - 0.02).abs() < 1e-15);
        assert_eq!(tau.dim, D::TIME);
        assert!((tau.in_unit("s").unwrap_or(f64::NAN) - 0.02).abs() < 1e-15);
        assert!((tau.in_unit("us").unwrap_or(f64::NAN) - 2e4).abs() < 1e-9);
        let g = Quantity::new(36.0, unit("mS/cm^2"));
        assert!((g.in_unit("S/m^2").unwrap_or(f64::NAN) - 360.0).abs() < 1e-9);
        assert_eq!(tau.to_string(), "0.02 s");
        assert_eq!(Quantity::dimensionless(0.5).to_string(), "0.5");
        assert_eq!(
            Quantity::new(3.0, unit("%"))
                .value_in(Unit::ONE)
                .map(|v| (v * 100.0).round()),
            Ok(3.0)
        );
    }

    #[test]
    fn in_unit_refuses_other_dimensions() {
        let tau = Quantity::new(20.0, unit("ms"));
        let e = tau.in_unit("mV").err();
        assert_eq!(
            e.as_ref().map(|e| e.message.as_str()),
            Some("cannot express a time in `mV`, which measures a voltage")
        );
        assert_eq!(e.as_ref().map(|e| (e.start, e.end)), Some((0, 2)));
        assert_eq!(
            e.and_then(|e| e.help),
            Some("use a unit of time such as `ms`".to_string())
        );
        // A bad unit is reported as a parse error.
        assert_eq!(
            tau.in_unit("xyz").map_err(|e| e.message),
            Err("unknown unit `xyz`".to_string())
        );
    }

    #[test]
    fn expect_dimension_messages() {
        assert_eq!(expect_dimension("ms", unit("ms"), D::TIME), Ok(()));

        let e = expect_dimension("mV", unit("mV"), D::TIME).err();
        let e = e.as_ref();
        assert_eq!(
            e.map(|e| e.message.as_str()),
            Some("expected a time (e.g. ms), found a voltage (mV)")
        );
        assert_eq!(
            e.map(|e| e.help.as_str()),
            Some("use a unit of time such as `ms`; `mV` measures voltage (m^2 kg s^-3 A^-1)")
        );
        assert_eq!(
            e.map(|e| (e.expected, e.found)),
            Some((D::TIME, D::VOLTAGE))
        );

        let e = expect_dimension("nS", unit("nS"), D::CONDUCTANCE_DENSITY).err();
        assert_eq!(
            e.map(|e| e.help),
            Some(
                "`nS` is a total conductance; this value is per unit membrane area, \
                 so use a unit of conductance density such as `mS/cm^2`"
                    .to_string()
            )
        );
        let e = expect_dimension("mS/cm^2", unit("mS/cm^2"), D::CONDUCTANCE).err();
        assert_eq!(
            e.map(|e| e.help),
            Some(
                "`mS/cm^2` is a conductance per unit area; this value is a total, \
                 so use a unit of conductance such as `nS`"
                    .to_string()
            )
        );
        let e = expect_dimension("Hz", unit("Hz"), D::TIME).err();
        assert_eq!(
            e.map(|e| e.help),
            Some(
                "`Hz` measures frequency, the inverse of time; use a unit of time such as `ms`"
                    .to_string()
            )
        );

        let e = expect_dimension("", Unit::ONE, D::TIME).err();
        let e = e.as_ref();
        assert_eq!(
            e.map(|e| e.message.as_str()),
            Some("expected a time (e.g. ms), found a plain number")
        );
        assert_eq!(
            e.map(|e| e.help.as_str()),
            Some("add a unit of time such as `ms`")
        );

        let e = expect_dimension("mV", unit("mV"), D::DIMENSIONLESS).err();
        let e = e.as_ref();
        assert_eq!(
            e.map(|e| e.message.as_str()),
            Some("expected a dimensionless number, found a voltage (mV)")
        );
        assert_eq!(
            e.map(|e| e.help.as_str()),
            Some("this value is a plain number; remove the unit `mV`")
        );

        let e = expect_dimension("m^4", unit("m^4"), D::AREA).err();
        assert_eq!(
            e.map(|e| e.message),
            Some(
                "expected an area (e.g. um^2), found a quantity of dimension m^4 (m^4)".to_string()
            )
        );
    }
}
