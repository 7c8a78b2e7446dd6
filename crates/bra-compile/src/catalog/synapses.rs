//! Catalog entries: synapses (`synapse = …` on a flow or stimulus).
//!
//! A synapse fixes the time course of what one spike delivers and whether it
//! is a current or a conductance; the flow's weight fixes its size.

use super::neurons::{
    BRETTE_2007, BRUNEL, NO_TRAITS, POS, ROTTER_DIESMANN, VOGELS_ABBOTT, choice, real,
};
use super::{Entry, Kind, Param};
use bra_units::Dimension;

const MODE: Param = choice(
    "mode",
    &["current", "conductance"],
    0,
    "current: adds to the target's input; conductance: g (e_rev - v), needs a conductance-based target",
);

const E_REV: Param = real(
    "e_rev",
    "mV",
    Dimension::VOLTAGE,
    Some(0.0),
    -200.0,
    200.0,
    "reversal potential in conductance mode; if not written: the target's e_ex or e_in, by the sign of the weight",
);

const TAU: Param = real(
    "tau",
    "ms",
    Dimension::TIME,
    None,
    POS,
    f64::INFINITY,
    "decay time constant",
);

const DESTEXHE: &str = "Destexhe A, Mainen ZF, Sejnowski TJ (1994). An efficient method for computing synaptic conductances based on a kinetic model of receptor binding. Neural Comput 6(1):14–18. doi:10.1162/neco.1994.6.1.14";
const RALL: &str = "Rall W (1967). Distinguishing theoretical synaptic potentials computed for different soma-dendritic distributions of synaptic input. J Neurophysiol 30(5):1138–1168. doi:10.1152/jn.1967.30.5.1138";

const DELTA: Entry = Entry {
    name: "delta",
    aliases: &["instantaneous"],
    kind: Kind::Synapse,
    summary: "Instantaneous jump on each spike",
    doc: "Current mode: each arriving spike makes the target's input jump once by the weight; for \
          lif a weight in mV moves v by that amount (NEST's iaf_psc_delta, Brunel 2000), a weight \
          in pA moves v by R w with R = tau_m / c_m (charge w tau_m: the same conversion as every current \
          weight onto lif). Conductance mode: the spike moves v a fraction w of the \
          way to e_rev, v <- v + w (e_rev - v), with w dimensionless in [0, 1] (a shunting jump).",
    params: &[MODE, E_REV],
    presets: &[],
    integrator: "Nothing to integrate: the jump is applied at the start of the step in which the \
                 delayed spike arrives.",
    references: &[BRUNEL],
    traits: NO_TRAITS,
};

const EXPONENTIAL: Entry = Entry {
    name: "exponential",
    aliases: &["exp"],
    kind: Kind::Synapse,
    summary: "Jump by the weight on each spike, then exponential decay with tau",
    doc: "On each spike s <- s + w; between spikes tau ds/dt = -s. Current mode: s is added to the \
          target's input (in mV it is R I_syn, the convention of specs/, as Brian's CUBA `ge += w`; \
          in pA it is I_syn). Conductance mode: s is a conductance g (nS) and the target receives \
          g (e_rev - v), as in the COBA benchmark. With tau_syn onto tau_m the PSP of a current \
          synapse peaks below w (about 0.16 w for 5 ms onto 20 ms).",
    params: &[TAU, MODE, E_REV],
    presets: &[],
    integrator: "Exact: s <- s exp(-dt/tau) each step; onto lif the current is propagated into v \
                 exactly (Rotter & Diesmann 1999).",
    references: &[VOGELS_ABBOTT, ROTTER_DIESMANN, DESTEXHE, BRETTE_2007],
    traits: NO_TRAITS,
};

const ALPHA: Entry = Entry {
    name: "alpha",
    aliases: &[],
    kind: Kind::Synapse,
    summary: "Alpha-function time course peaking at the weight after tau",
    doc: "Each spike contributes s(t) = w (t / tau) exp(1 - t / tau): it rises from 0, peaks at w \
          when t = tau and decays (Rall 1967; the normalisation of NEST's iaf_psc_alpha). It is \
          computed as two coupled linear states, x' = -x / tau with x <- x + e w / tau on a spike, \
          and s' = x - s / tau. Current and conductance modes as for exponential.",
    params: &[TAU, MODE, E_REV],
    presets: &[],
    integrator: "Exact: the two-state linear system is propagated by its matrix exponential each \
                 step (Rotter & Diesmann 1999), and into v exactly onto lif.",
    references: &[RALL, ROTTER_DIESMANN],
    traits: NO_TRAITS,
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[DELTA, EXPONENTIAL, ALPHA];
