//! Physical quantities, SI prefixes, compound units and dimension algebra
//! for `bra`.
//!
//! Every parameter with a physical meaning in a `bra` spec carries a unit
//! (`tau_m: 20 ms`, `g_Na: 120 mS/cm^2`). This crate turns the unit text into
//! a scale factor to SI base units and a [`Dimension`], so later stages can
//! store values in SI and refuse `tau_m: 20 mV` with a message that names
//! both dimensions and points at the unit. It knows nothing of the syntax
//! tree: callers hand it the unit text and add the unit's source offset to
//! the byte ranges of its errors.
//!
//! # Unit grammar
//!
//! The grammar is the `unit` rule of `grammar/bra.ebnf`:
//!
//! ```text
//! unit        = unit_factor , { ( "/" | "*" | "." ) , unit_factor } ;
//! unit_factor = unit_name , [ "^" , [ "-" ] , digits ] | "1" ;
//! ```
//!
//! * `*` and `.` multiply; `/` divides by the **single next factor**, so
//!   `S/cm^2` is `S * cm^-2` and `a/b/c` is `a * b^-1 * c^-1`. There are no
//!   parentheses.
//! * `^` raises one factor to a whole power, `-128..=127`: `cm^2`, `s^-1`.
//! * `1` stands alone as a factor, for reciprocals such as `1/s`.
//! * A unit name is a run of letters (including `µ`, `μ`, `Ω`, `Ω`) or `%`.
//!   It is resolved by exact match first, then as an SI prefix followed by a
//!   name: `min` is a minute, `h` an hour, `M` molar and `cd` a candela,
//!   while `ms`, `mM`, `hm` and `Mohm` are prefixed.
//! * SI prefixes: `Y Z E P T G M k h da d c m u µ μ n p f a z y`.
//! * Names: `m g s A K mol cd Hz N J W C V F S`, `ohm`/`Ohm`/`Ω` (ohm),
//!   `L`/`l` (litre, 10^-3 m^3), `M` (molar, mol/L), and without prefixes
//!   `min`, `h` and `%` (0.01). Mass is `kg` = `k` + `g`.
//! * Surrounding whitespace is ignored; whitespace inside is an error.
//!
//! ```
//! use bra_units::{Dimension, Quantity, expect_dimension, parse_unit};
//!
//! let g = parse_unit("mS/cm^2")?;
//! assert_eq!(g.dim, Dimension::CONDUCTANCE_DENSITY);
//! assert_eq!(g.scale, 10.0); // 1 mS/cm^2 = 10 S/m^2
//!
//! let tau = Quantity::new(20.0, parse_unit("ms")?);
//! assert!((tau.in_unit("s")? - 0.02).abs() < 1e-15);
//!
//! let err = expect_dimension("mV", parse_unit("mV")?, Dimension::TIME).unwrap_err();
//! assert_eq!(err.message, "expected a time (e.g. ms), found a voltage (mV)");
//! # Ok::<(), bra_units::UnitError>(())
//! ```

#![warn(missing_docs)]

mod dimension;
mod quantity;
mod unit;

pub use dimension::Dimension;
pub use quantity::{DimensionMismatch, Quantity, expect_dimension};
pub use unit::{Unit, UnitError, parse_unit};
