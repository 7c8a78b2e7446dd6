//! Catalog entries: laws (`weight = normal(…)`, `delay = uniform(…)`,
//! `v_init = …`, or any parameter of type real-or-law).
//!
//! A law draws one value per synapse or neuron from the counter-based
//! generator keyed by (seed, projection or population, index), so draws do
//! not depend on the thread count. Parameters with unit `same` carry the
//! dimension of the quantity the law fills (a weight in mV, a delay in ms): the
//! compiler checks every such argument against that quantity's unit and
//! against the other arguments of the law, and `normal(mean: 1 mV, sd: 2 ms)`
//! is an error.

use super::neurons::{
    BRETTE_2007, BRUNEL, INF, NEG_INF, NO_TRAITS, POS, SALMON, choice, real, same,
};
use super::{Entry, Kind, ParamType};
use bra_units::Dimension;

const SONG_2005: &str = "Song S, Sjöström PJ, Reigl M, Nelson S, Chklovskii DB (2005). Highly nonrandom features of synaptic connectivity in local cortical circuits. PLoS Biol 3(3):e68. doi:10.1371/journal.pbio.0030068";
const BUZSAKI: &str = "Buzsáki G, Mizuseki K (2014). The log-dynamic brain: how skewed distributions affect network operations. Nat Rev Neurosci 15(4):264–278. doi:10.1038/nrn3687";

const CONSTANT: Entry = Entry {
    name: "constant",
    aliases: &["fixed"],
    kind: Kind::Law,
    summary: "The same value for every neuron or synapse",
    doc: "Gives every draw the value `value`. Writing the bare quantity (`weight = 0.5 mV`) means \
          the same thing.",
    params: &[same(
        "value",
        ParamType::Real,
        None,
        NEG_INF,
        INF,
        "the value",
    )],
    presets: &[],
    integrator: "",
    references: &[BRUNEL],
    traits: NO_TRAITS,
};

const UNIFORM: Entry = Entry {
    name: "uniform",
    aliases: &[],
    kind: Kind::Law,
    summary: "Uniform on [low, high)",
    doc: "Draws low + (high - low) u with u uniform on [0, 1); low must not exceed high. Brette et \
          al. (2007) start the benchmark networks with v uniform between reset and threshold.",
    params: &[
        same(
            "low",
            ParamType::Real,
            None,
            NEG_INF,
            INF,
            "lower end (inclusive)",
        ),
        same(
            "high",
            ParamType::Real,
            None,
            NEG_INF,
            INF,
            "upper end (exclusive)",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[BRETTE_2007, SALMON],
    traits: NO_TRAITS,
};

const NORMAL: Entry = Entry {
    name: "normal",
    aliases: &["gaussian"],
    kind: Kind::Law,
    summary: "Normal (Gaussian) with mean and standard deviation",
    doc: "Draws mean + sd z with z standard normal. A weight or delay law that can cross zero is \
          usually wrapped in clipped(…) (delays below dt are an error).",
    params: &[
        same("mean", ParamType::Real, None, NEG_INF, INF, "mean"),
        same("sd", ParamType::Real, None, 0.0, INF, "standard deviation"),
    ],
    presets: &[],
    integrator: "",
    references: &[BRUNEL, SALMON],
    traits: NO_TRAITS,
};

const LOGNORMAL: Entry = Entry {
    name: "lognormal",
    aliases: &["log_normal"],
    kind: Kind::Law,
    summary: "Log-normal with a given median and log-space spread",
    doc: "Draws median exp(sigma z) with z standard normal, so ln(X / unit) is normal with mean \
          mu = ln(median / unit) and standard deviation sigma. The law is written with the median \
          rather than mu because mu depends on the unit while the median carries the quantity's \
          dimension and can be checked. The mean is median exp(sigma^2 / 2). Cortical synaptic \
          weights are close to log-normal (Song et al. 2005).",
    params: &[
        same(
            "median",
            ParamType::Real,
            None,
            POS,
            INF,
            "median exp(mu); positive",
        ),
        real(
            "sigma",
            "",
            Dimension::DIMENSIONLESS,
            None,
            0.0,
            INF,
            "standard deviation of the underlying normal (of ln X)",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[SONG_2005, BUZSAKI, SALMON],
    traits: NO_TRAITS,
};

const CLIPPED: Entry = Entry {
    name: "clipped",
    aliases: &["truncated"],
    kind: Kind::Law,
    summary: "Another law restricted to [min, max]",
    doc: "Draws from `law` and keeps the value within [min, max]: mode clip sets values outside to \
          the nearest bound (mass piles up at the bounds); mode redraw draws again until the value \
          lies inside (a truncated distribution; an error if the interval has probability below \
          1e-6). Example: clipped(normal(mean: 1 mV, sd: 0.5 mV), min: 0 mV).",
    params: &[
        same(
            "law",
            ParamType::RealOrLaw,
            None,
            NEG_INF,
            INF,
            "the law to draw from",
        ),
        same(
            "min",
            ParamType::Real,
            Some(NEG_INF),
            NEG_INF,
            INF,
            "lower bound (default: none)",
        ),
        same(
            "max",
            ParamType::Real,
            Some(INF),
            NEG_INF,
            INF,
            "upper bound (default: none)",
        ),
        choice(
            "mode",
            &["clip", "redraw"],
            0,
            "clip to the bounds, or redraw until inside",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[SALMON],
    traits: NO_TRAITS,
};

/// The entries of this file.
const IZHIKEVICH_2003: &str = "Izhikevich EM (2003). Simple model of spiking neurons. IEEE Trans Neural Netw 14(6):1569–1572. doi:10.1109/TNN.2003.820440";

const SPREAD: Entry = Entry {
    name: "spread",
    aliases: &[],
    kind: Kind::Law,
    summary: "low + (high - low)·r^power, with r shared by every parameter of the same stream",
    doc: "Draws one r uniform on [0, 1) per neuron and stream, and gives low + (high - low) r^power. \
          Parameters of one population that name the same `stream` use the same r for a neuron, \
          so their spreads are correlated: Izhikevich (2003) draws c = -65 + 15 r² mV and \
          d = 8 - 6 r² with one r per excitatory neuron, written \
          `c: spread(low: -65 mV, high: -50 mV, power: 2)`, `d: spread(low: 8 mV, high: 2 mV, power: 2)`.",
    params: &[
        same("low", ParamType::Real, None, NEG_INF, INF, "value at r = 0"),
        same(
            "high",
            ParamType::Real,
            None,
            NEG_INF,
            INF,
            "value as r approaches 1",
        ),
        real(
            "power",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            0.0,
            16.0,
            "exponent of r",
        ),
        real(
            "stream",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.0),
            0.0,
            1e6,
            "which shared r to use (a whole number)",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[IZHIKEVICH_2003, SALMON],
    traits: NO_TRAITS,
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[CONSTANT, UNIFORM, NORMAL, LOGNORMAL, CLIPPED, SPREAD];
