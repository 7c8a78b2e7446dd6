//! Catalog entries: encoders and feature extractors (`encoding = …` in
//! training): they turn data into spike trains, or spike trains into features.

use super::neurons::{GUTIG, INF, NO_TRAITS, POS, RUDNICKA, SALMON, flag, real};
use super::{Entry, Kind};
use bra_units::Dimension;

const DIEHL_COOK: &str = "Diehl PU, Cook M (2015). Unsupervised learning of digit recognition using spike-timing-dependent plasticity. Front Comput Neurosci 9:99. doi:10.3389/fncom.2015.00099";
const THORPE: &str = "Thorpe S, Delorme A, Van Rullen R (2001). Spike-based strategies for rapid processing. Neural Netw 14(6-7):715–725. doi:10.1016/S0893-6080(01)00083-1";
const LEMPEL_ZIV: &str = "Lempel A, Ziv J (1976). On the complexity of finite sequences. IEEE Trans Inf Theory 22(1):75–81. doi:10.1109/TIT.1976.1055501";
const KASPAR_SCHUSTER: &str = "Kaspar F, Schuster HG (1987). Easily calculable measure for the complexity of spatiotemporal patterns. Phys Rev A 36(2):842–848. doi:10.1103/PhysRevA.36.842";
const AMIGO: &str = "Amigó JM, Szczepański J, Wajnryb E, Sanchez-Vives MV (2004). Estimating the entropy rate of spike trains via Lempel-Ziv complexity. Neural Comput 16(4):717–736. doi:10.1162/089976604322860677";

const POISSON_RATE: Entry = Entry {
    name: "poisson_rate",
    aliases: &["rate_coding"],
    kind: Kind::Encoder,
    summary: "Rate coding: each input value becomes a Poisson spike train",
    doc: "An input value x, scaled to [0, 1], becomes a Poisson spike train of rate x max_rate \
          lasting `duration`, one input neuron per value. Defaults are those of Diehl & Cook \
          (2015) for MNIST: pixel intensity / 4 gives at most 63.75 Hz, each image shown for 350 \
          ms.",
    params: &[
        real(
            "max_rate",
            "Hz",
            Dimension::FREQUENCY,
            Some(63.75),
            0.0,
            INF,
            "rate for the largest input value",
        ),
        real(
            "duration",
            "ms",
            Dimension::TIME,
            Some(350.0),
            POS,
            INF,
            "presentation time of one sample",
        ),
    ],
    presets: &[],
    integrator: "Spikes are drawn per step with mean rate dt from the counter-based generator, as \
                 for the poisson source.",
    references: &[DIEHL_COOK, RUDNICKA, SALMON],
    traits: NO_TRAITS,
};

const LATENCY: Entry = Entry {
    name: "latency",
    aliases: &["time_to_first_spike", "ttfs"],
    kind: Kind::Encoder,
    summary: "Latency coding: one spike per input, earlier for larger values",
    doc: "An input value x in [0, 1] becomes a single spike at t = t_max (1 - x), so the strongest \
          inputs fire first and the spike order carries the ranking (Thorpe et al. 2001); values \
          below `threshold` give no spike.",
    params: &[
        real(
            "t_max",
            "ms",
            Dimension::TIME,
            Some(50.0),
            POS,
            INF,
            "latency of an input of 0, the longest possible",
        ),
        real(
            "threshold",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.01),
            0.0,
            1.0,
            "values below it do not fire",
        ),
    ],
    presets: &[],
    integrator: "Spike times are rounded down to the dt grid.",
    references: &[THORPE, GUTIG],
    traits: NO_TRAITS,
};

const LZC: Entry = Entry {
    name: "lzc",
    aliases: &["lempel_ziv"],
    kind: Kind::Encoder,
    summary: "Lempel–Ziv complexity features of spike trains",
    doc: "Each neuron's spike train is binarised in bins of width `bin` (1 if the bin holds a \
          spike), cut into windows of length `window` (0: the whole trial), and each window's \
          Lempel–Ziv (1976) complexity c(n), the number of phrases in its exhaustive parsing \
          (computed with the algorithm of Kaspar & Schuster 1987), becomes a feature. With \
          normalise the feature is c(n) log2(n) / n, which estimates the entropy rate of long \
          stationary trains (Amigó et al. 2004) and is comparable across lengths. Rudnicka, \
          Szczepanski & Pregowska classify spatiotemporal data from these features of the \
          network's output.",
    params: &[
        real(
            "bin",
            "ms",
            Dimension::TIME,
            Some(1.0),
            POS,
            INF,
            "width of a bin of the binary sequence",
        ),
        real(
            "window",
            "ms",
            Dimension::TIME,
            Some(0.0),
            0.0,
            INF,
            "length of the windows; 0 takes the whole trial",
        ),
        flag(
            "normalise",
            true,
            "divide by n / log2(n), the complexity of a random sequence",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[LEMPEL_ZIV, KASPAR_SCHUSTER, AMIGO, RUDNICKA],
    traits: NO_TRAITS,
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[POISSON_RATE, LATENCY, LZC];
