//! Gradient- and energy-based learning rules.
