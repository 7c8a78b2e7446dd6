//! Physical dimensions as exponent vectors over the seven SI base dimensions.

use std::fmt;
use std::ops::{Div, Mul};

/// Exponents of the seven SI base dimensions (m, kg, s, A, K, mol, cd).
///
/// Two quantities can be compared, added or converted into each other only
/// when their dimensions are equal; this is what lets `bra` refuse
/// `tau_m: 20 mV` before a model ever runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Dimension {
    /// Exponent of length (metre, m).
    pub length: i8,
    /// Exponent of mass (kilogram, kg).
    pub mass: i8,
    /// Exponent of time (second, s).
    pub time: i8,
    /// Exponent of electric current (ampere, A).
    pub current: i8,
    /// Exponent of thermodynamic temperature (kelvin, K).
    pub temperature: i8,
    /// Exponent of amount of substance (mole, mol).
    pub amount: i8,
    /// Exponent of luminous intensity (candela, cd).
    pub luminosity: i8,
}

/// Known dimensions with a human name and a unit users of neural models know.
///
/// The first entry for a dimension wins, so the order decides which name a
/// dimension shared by two concepts gets.
const NAMED: &[(Dimension, &str, Option<&str>)] = &[
    (Dimension::DIMENSIONLESS, "dimensionless", None),
    (Dimension::LENGTH, "length", Some("um")),
    (Dimension::MASS, "mass", Some("kg")),
    (Dimension::TIME, "time", Some("ms")),
    (Dimension::CURRENT, "current", Some("nA")),
    (Dimension::TEMPERATURE, "temperature", Some("K")),
    (Dimension::AMOUNT, "amount of substance", Some("mol")),
    (Dimension::LUMINOSITY, "luminous intensity", Some("cd")),
    (Dimension::FREQUENCY, "frequency", Some("Hz")),
    (Dimension::VOLTAGE, "voltage", Some("mV")),
    (Dimension::CONDUCTANCE, "conductance", Some("nS")),
    (Dimension::CAPACITANCE, "capacitance", Some("pF")),
    (Dimension::RESISTANCE, "resistance", Some("Mohm")),
    (Dimension::CHARGE, "charge", Some("pC")),
    (Dimension::AREA, "area", Some("um^2")),
    (Dimension::VOLUME, "volume", Some("L")),
    (Dimension::VELOCITY, "velocity", Some("m/s")),
    (Dimension::FORCE, "force", Some("N")),
    (Dimension::ENERGY, "energy", Some("J")),
    (Dimension::POWER, "power", Some("W")),
    (
        Dimension::CONDUCTANCE_DENSITY,
        "conductance density",
        Some("mS/cm^2"),
    ),
    (
        Dimension::CAPACITANCE_DENSITY,
        "capacitance density",
        Some("uF/cm^2"),
    ),
    (
        Dimension::CURRENT_DENSITY,
        "current density",
        Some("uA/cm^2"),
    ),
    (Dimension::CONCENTRATION, "concentration", Some("mM")),
    (Dimension::RESISTIVITY, "resistivity", Some("ohm*cm")),
];

impl Dimension {
    /// A pure number (all exponents zero), e.g. a probability or a count.
    pub const DIMENSIONLESS: Self = Self::new(0, 0, 0, 0, 0, 0, 0);
    /// Length, m.
    pub const LENGTH: Self = Self::new(1, 0, 0, 0, 0, 0, 0);
    /// Mass, kg.
    pub const MASS: Self = Self::new(0, 1, 0, 0, 0, 0, 0);
    /// Time, s.
    pub const TIME: Self = Self::new(0, 0, 1, 0, 0, 0, 0);
    /// Electric current, A.
    pub const CURRENT: Self = Self::new(0, 0, 0, 1, 0, 0, 0);
    /// Thermodynamic temperature, K.
    pub const TEMPERATURE: Self = Self::new(0, 0, 0, 0, 1, 0, 0);
    /// Amount of substance, mol.
    pub const AMOUNT: Self = Self::new(0, 0, 0, 0, 0, 1, 0);
    /// Luminous intensity, cd.
    pub const LUMINOSITY: Self = Self::new(0, 0, 0, 0, 0, 0, 1);

    /// Frequency or rate, Hz = s^-1.
    pub const FREQUENCY: Self = Self::DIMENSIONLESS.div(Self::TIME);
    /// Area, m^2.
    pub const AREA: Self = Self::LENGTH.powi(2);
    /// Volume, m^3.
    pub const VOLUME: Self = Self::LENGTH.powi(3);
    /// Velocity (e.g. axonal conduction velocity), m/s.
    pub const VELOCITY: Self = Self::LENGTH.div(Self::TIME);
    /// Force, N = m kg s^-2.
    pub const FORCE: Self = Self::MASS.mul(Self::LENGTH).div(Self::TIME.powi(2));
    /// Energy, J = N m.
    pub const ENERGY: Self = Self::FORCE.mul(Self::LENGTH);
    /// Power, W = J/s.
    pub const POWER: Self = Self::ENERGY.div(Self::TIME);
    /// Electric charge, C = A s.
    pub const CHARGE: Self = Self::CURRENT.mul(Self::TIME);
    /// Voltage (electric potential), V = W/A.
    pub const VOLTAGE: Self = Self::POWER.div(Self::CURRENT);
    /// Resistance, Ω = V/A.
    pub const RESISTANCE: Self = Self::VOLTAGE.div(Self::CURRENT);
    /// Conductance, S = A/V.
    pub const CONDUCTANCE: Self = Self::CURRENT.div(Self::VOLTAGE);
    /// Capacitance, F = C/V.
    pub const CAPACITANCE: Self = Self::CHARGE.div(Self::VOLTAGE);
    /// Resistivity (e.g. axial resistivity of cytoplasm), Ω m.
    pub const RESISTIVITY: Self = Self::RESISTANCE.mul(Self::LENGTH);
    /// Conductance per membrane area, S/m^2 (channel densities).
    pub const CONDUCTANCE_DENSITY: Self = Self::CONDUCTANCE.div(Self::AREA);
    /// Capacitance per membrane area, F/m^2 (specific membrane capacitance).
    pub const CAPACITANCE_DENSITY: Self = Self::CAPACITANCE.div(Self::AREA);
    /// Current per membrane area, A/m^2.
    pub const CURRENT_DENSITY: Self = Self::CURRENT.div(Self::AREA);
    /// Molar concentration, mol/m^3 (1 mM = 1 mol/m^3).
    pub const CONCENTRATION: Self = Self::AMOUNT.div(Self::VOLUME);

    /// Builds a dimension from its base exponents, in the order
    /// m, kg, s, A, K, mol, cd.
    #[must_use]
    pub const fn new(
        length: i8,
        mass: i8,
        time: i8,
        current: i8,
        temperature: i8,
        amount: i8,
        luminosity: i8,
    ) -> Self {
        Self {
            length,
            mass,
            time,
            current,
            temperature,
            amount,
            luminosity,
        }
    }

    /// The exponents as an array in the order m, kg, s, A, K, mol, cd.
    #[must_use]
    pub const fn exponents(self) -> [i8; 7] {
        [
            self.length,
            self.mass,
            self.time,
            self.current,
            self.temperature,
            self.amount,
            self.luminosity,
        ]
    }

    /// The inverse of [`Dimension::exponents`].
    #[must_use]
    pub const fn from_exponents(e: [i8; 7]) -> Self {
        Self::new(e[0], e[1], e[2], e[3], e[4], e[5], e[6])
    }

    /// The dimension of a product of two quantities (exponents add).
    ///
    /// Exponents saturate at the `i8` bounds, which no physical unit reaches;
    /// use [`Dimension::checked_mul`] where the input comes from a user.
    /// This is a `const fn` so that derived dimensions can be written as
    /// constants; `*` does the same.
    #[must_use]
    #[allow(
        clippy::should_implement_trait,
        reason = "const fn for use in constants; `Mul` is implemented too"
    )]
    pub const fn mul(self, o: Self) -> Self {
        Self::new(
            self.length.saturating_add(o.length),
            self.mass.saturating_add(o.mass),
            self.time.saturating_add(o.time),
            self.current.saturating_add(o.current),
            self.temperature.saturating_add(o.temperature),
            self.amount.saturating_add(o.amount),
            self.luminosity.saturating_add(o.luminosity),
        )
    }

    /// The dimension of a quotient of two quantities (exponents subtract).
    ///
    /// Saturates like [`Dimension::mul`]; see [`Dimension::checked_div`].
    #[must_use]
    #[allow(
        clippy::should_implement_trait,
        reason = "const fn for use in constants; `Div` is implemented too"
    )]
    pub const fn div(self, o: Self) -> Self {
        Self::new(
            self.length.saturating_sub(o.length),
            self.mass.saturating_sub(o.mass),
            self.time.saturating_sub(o.time),
            self.current.saturating_sub(o.current),
            self.temperature.saturating_sub(o.temperature),
            self.amount.saturating_sub(o.amount),
            self.luminosity.saturating_sub(o.luminosity),
        )
    }

    /// The dimension of a quantity raised to the integer power `n`.
    ///
    /// Saturates like [`Dimension::mul`]; see [`Dimension::checked_powi`].
    #[must_use]
    pub const fn powi(self, n: i8) -> Self {
        Self::new(
            self.length.saturating_mul(n),
            self.mass.saturating_mul(n),
            self.time.saturating_mul(n),
            self.current.saturating_mul(n),
            self.temperature.saturating_mul(n),
            self.amount.saturating_mul(n),
            self.luminosity.saturating_mul(n),
        )
    }

    /// The inverse dimension (`1/x`), e.g. frequency for time.
    #[must_use]
    pub const fn recip(self) -> Self {
        Self::DIMENSIONLESS.div(self)
    }

    /// Like [`Dimension::mul`], but `None` when an exponent leaves `i8`.
    #[must_use]
    pub fn checked_mul(self, o: Self) -> Option<Self> {
        self.zip(o, i8::checked_add)
    }

    /// Like [`Dimension::div`], but `None` when an exponent leaves `i8`.
    #[must_use]
    pub fn checked_div(self, o: Self) -> Option<Self> {
        self.zip(o, i8::checked_sub)
    }

    /// Like [`Dimension::powi`], but `None` when an exponent leaves `i8`.
    #[must_use]
    pub fn checked_powi(self, n: i8) -> Option<Self> {
        let mut out = [0i8; 7];
        for (o, e) in out.iter_mut().zip(self.exponents()) {
            *o = e.checked_mul(n)?;
        }
        Some(Self::from_exponents(out))
    }

    fn zip(self, o: Self, f: fn(i8, i8) -> Option<i8>) -> Option<Self> {
        let mut out = [0i8; 7];
        for ((r, a), b) in out.iter_mut().zip(self.exponents()).zip(o.exponents()) {
            *r = f(a, b)?;
        }
        Some(Self::from_exponents(out))
    }

    /// True for pure numbers (all exponents zero).
    #[must_use]
    pub const fn is_dimensionless(self) -> bool {
        self.length == 0
            && self.mass == 0
            && self.time == 0
            && self.current == 0
            && self.temperature == 0
            && self.amount == 0
            && self.luminosity == 0
    }

    /// A human name when one is known ("voltage", "time",
    /// "conductance density", "dimensionless"), else `None`.
    ///
    /// Diagnostics use it so users read "a time" rather than "s".
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(d, _, _)| *d == self)
            .map(|(_, n, _)| *n)
    }

    /// An example unit users know for this dimension, e.g. `"mV"` for
    /// voltage, `"ms"` for time, `"mS/cm^2"` for conductance density.
    ///
    /// Every example parses with [`crate::parse_unit`] to this dimension.
    /// `None` for dimensionless numbers and unnamed dimensions.
    #[must_use]
    pub fn example_unit(self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(d, _, _)| *d == self)
            .and_then(|(_, _, u)| *u)
    }

    /// The dimension written in SI base units, e.g. `"m^2 kg s^-3 A^-1"`;
    /// `"1"` when dimensionless.
    #[must_use]
    pub fn base_form(self) -> String {
        const SYMBOLS: [&str; 7] = ["m", "kg", "s", "A", "K", "mol", "cd"];
        let mut out = String::new();
        for (sym, e) in SYMBOLS.iter().zip(self.exponents()) {
            if e == 0 {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(sym);
            if e != 1 {
                out.push('^');
                out.push_str(&e.to_string());
            }
        }
        if out.is_empty() {
            out.push('1');
        }
        out
    }
}

impl Mul for Dimension {
    type Output = Self;
    fn mul(self, o: Self) -> Self {
        Dimension::mul(self, o)
    }
}

impl Div for Dimension {
    type Output = Self;
    fn div(self, o: Self) -> Self {
        Dimension::div(self, o)
    }
}

/// Writes `"dimensionless"`, `"voltage (m^2 kg s^-3 A^-1)"` for a named
/// dimension, or the bare base form (`"m^4 s"`) for an unnamed one.
impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_dimensionless() {
            return f.write_str("dimensionless");
        }
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.base_form()),
            None => f.write_str(&self.base_form()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_dimensions_have_their_si_base_form() {
        assert_eq!(Dimension::VOLTAGE.base_form(), "m^2 kg s^-3 A^-1");
        assert_eq!(Dimension::CONDUCTANCE.base_form(), "m^-2 kg^-1 s^3 A^2");
        assert_eq!(Dimension::CAPACITANCE.base_form(), "m^-2 kg^-1 s^4 A^2");
        assert_eq!(Dimension::RESISTANCE.base_form(), "m^2 kg s^-3 A^-2");
        assert_eq!(Dimension::CHARGE.base_form(), "s A");
        assert_eq!(Dimension::FREQUENCY.base_form(), "s^-1");
        assert_eq!(Dimension::CONCENTRATION.base_form(), "m^-3 mol");
        assert_eq!(
            Dimension::CONDUCTANCE_DENSITY.base_form(),
            "m^-4 kg^-1 s^3 A^2"
        );
        assert_eq!(
            Dimension::CAPACITANCE_DENSITY.base_form(),
            "m^-4 kg^-1 s^4 A^2"
        );
        assert_eq!(Dimension::CURRENT_DENSITY.base_form(), "m^-2 A");
        assert_eq!(Dimension::DIMENSIONLESS.base_form(), "1");
    }

    #[test]
    fn algebra_follows_physics() {
        // Ohm's law: V = I R, and conductance is the inverse of resistance.
        assert_eq!(
            Dimension::CURRENT * Dimension::RESISTANCE,
            Dimension::VOLTAGE
        );
        assert_eq!(Dimension::RESISTANCE.recip(), Dimension::CONDUCTANCE);
        // Membrane time constant: tau = R C.
        assert_eq!(
            Dimension::RESISTANCE.mul(Dimension::CAPACITANCE),
            Dimension::TIME
        );
        // Q = C V, I = C dV/dt.
        assert_eq!(
            Dimension::CAPACITANCE * Dimension::VOLTAGE,
            Dimension::CHARGE
        );
        assert_eq!(
            Dimension::CAPACITANCE * Dimension::VOLTAGE / Dimension::TIME,
            Dimension::CURRENT
        );
        // Densities times area give totals.
        assert_eq!(
            Dimension::CONDUCTANCE_DENSITY * Dimension::AREA,
            Dimension::CONDUCTANCE
        );
        assert_eq!(
            Dimension::CURRENT_DENSITY / Dimension::CAPACITANCE_DENSITY,
            Dimension::VOLTAGE / Dimension::TIME
        );
        assert_eq!(Dimension::TIME.powi(-1), Dimension::FREQUENCY);
        assert_eq!(Dimension::LENGTH.powi(0), Dimension::DIMENSIONLESS);
        assert!((Dimension::TIME * Dimension::FREQUENCY).is_dimensionless());
        assert!(!Dimension::TIME.is_dimensionless());
        assert_eq!(Dimension::default(), Dimension::DIMENSIONLESS);
    }

    #[test]
    fn checked_ops_detect_overflow_and_plain_ops_saturate() {
        let big = Dimension::LENGTH.powi(100);
        assert_eq!(big.checked_mul(big), None);
        assert_eq!(big.checked_div(big.recip()), None);
        assert_eq!(
            Dimension::LENGTH.checked_powi(-128).map(|d| d.length),
            Some(-128)
        );
        assert_eq!(Dimension::LENGTH.powi(-128).checked_powi(-1), None);
        assert_eq!(big.mul(big).length, i8::MAX);
        assert_eq!(
            big.checked_mul(Dimension::TIME),
            Some(big * Dimension::TIME)
        );
    }

    #[test]
    fn names_and_examples() {
        assert_eq!(Dimension::VOLTAGE.name(), Some("voltage"));
        assert_eq!(Dimension::TIME.example_unit(), Some("ms"));
        assert_eq!(
            Dimension::CONDUCTANCE_DENSITY.name(),
            Some("conductance density")
        );
        assert_eq!(Dimension::DIMENSIONLESS.name(), Some("dimensionless"));
        assert_eq!(Dimension::DIMENSIONLESS.example_unit(), None);
        assert_eq!(Dimension::LENGTH.powi(4).name(), None);
        assert_eq!(Dimension::LENGTH.powi(4).example_unit(), None);
    }

    #[test]
    fn every_named_dimension_is_distinct_and_its_example_parses_to_it() {
        for (i, (d, name, example)) in NAMED.iter().enumerate() {
            assert!(
                NAMED[..i].iter().all(|(o, _, _)| o != d),
                "{name} is listed twice"
            );
            if let Some(ex) = example {
                let unit = crate::parse_unit(ex).expect(ex);
                assert_eq!(unit.dim, *d, "example {ex} of {name}");
            }
        }
    }

    #[test]
    fn display() {
        assert_eq!(Dimension::VOLTAGE.to_string(), "voltage (m^2 kg s^-3 A^-1)");
        assert_eq!(Dimension::TIME.to_string(), "time (s)");
        assert_eq!(Dimension::DIMENSIONLESS.to_string(), "dimensionless");
        assert_eq!(Dimension::LENGTH.powi(4).to_string(), "m^4");
    }
}
