//! Catalog entries: connectors (`connect = …` on a flow).
//!
//! A connector decides which pre-synaptic neuron connects to which
//! post-synaptic one. Connectivity is generated lazily from the run's seed
//! (counter-based, so the same for any thread count) and never stored in the
//! compiled IR. Names and semantics follow the connectivity concepts of Senk
//! et al. (2022), which NEST and PyNN share, so exports map one to one.

use super::neurons::{BRUNEL, HOOPER, INF, NO_TRAITS, POS, choice, file, flag, int, real};
use super::{Entry, Kind, Param};
use bra_units::Dimension;

const SENK: &str = "Senk J, Kriener B, Djurfeldt M, et al. (2022). Connectivity concepts in neuronal network modeling. PLoS Comput Biol 18(9):e1010086. doi:10.1371/journal.pcbi.1010086";
const ERDOS_RENYI: &str = "Erdős P, Rényi A (1959). On random graphs I. Publ Math Debrecen 6:290–297. doi:10.5486/PMD.1959.6.3-4.12";

const AUTAPSES: Param = flag(
    "allow_autapses",
    true,
    "in a self-flow, allow a neuron to connect to itself",
);
const MULTAPSES: Param = flag(
    "allow_multapses",
    true,
    "allow more than one connection between the same pair",
);

const ALL_TO_ALL: Entry = Entry {
    name: "all_to_all",
    aliases: &["all"],
    kind: Kind::Connector,
    summary: "Every pre-synaptic neuron connects to every post-synaptic neuron",
    doc: "Creates n_pre x n_post connections (fewer the diagonal in a self-flow without autapses). \
          Autapses are allowed by default, as in NEST.",
    params: &[AUTAPSES],
    presets: &[],
    integrator: "",
    references: &[SENK],
    traits: NO_TRAITS,
};

const ONE_TO_ONE: Entry = Entry {
    name: "one_to_one",
    aliases: &[],
    kind: Kind::Connector,
    summary: "Neuron i connects to neuron i",
    doc: "Connects the i-th pre-synaptic neuron to the i-th post-synaptic neuron; both populations \
          must have the same size.",
    params: &[],
    presets: &[],
    integrator: "",
    references: &[SENK],
    traits: NO_TRAITS,
};

const FIXED_PROBABILITY: Entry = Entry {
    name: "fixed_probability",
    aliases: &["pairwise_bernoulli"],
    kind: Kind::Connector,
    summary: "Each pair is connected independently with probability p",
    doc: "Every (pre, post) pair is connected with probability p, independently (an Erdős–Rényi \
          graph; NEST's pairwise_bernoulli, Brian's connect(p=…)). In-degrees are binomial with \
          mean p n_pre.",
    params: &[
        real(
            "p",
            "",
            Dimension::DIMENSIONLESS,
            None,
            0.0,
            1.0,
            "connection probability",
        ),
        AUTAPSES,
    ],
    presets: &[],
    integrator: "",
    references: &[SENK, ERDOS_RENYI],
    traits: NO_TRAITS,
};

const FIXED_INDEGREE: Entry = Entry {
    name: "fixed_indegree",
    aliases: &[],
    kind: Kind::Connector,
    summary: "Each post-synaptic neuron receives exactly k connections",
    doc: "For every post-synaptic neuron, k pre-synaptic neurons are drawn uniformly (with \
          replacement when multapses are allowed, as in NEST), so all in-degrees equal k, as in \
          Brunel's (2000) sparse network.",
    params: &[
        int(
            "k",
            None,
            0.0,
            INF,
            "in-degree of every post-synaptic neuron",
        ),
        AUTAPSES,
        MULTAPSES,
    ],
    presets: &[],
    integrator: "",
    references: &[SENK, BRUNEL],
    traits: NO_TRAITS,
};

const FIXED_TOTAL_NUMBER: Entry = Entry {
    name: "fixed_total_number",
    aliases: &[],
    kind: Kind::Connector,
    summary: "Exactly n connections between uniformly drawn pairs",
    doc: "Draws n (pre, post) pairs uniformly from all pairs (with replacement when multapses are \
          allowed), so the total number of synapses is fixed while degrees vary.",
    params: &[
        int("n", None, 0.0, INF, "total number of connections"),
        AUTAPSES,
        MULTAPSES,
    ],
    presets: &[],
    integrator: "",
    references: &[SENK],
    traits: NO_TRAITS,
};

const GRID_NEIGHBOURHOOD: Entry = Entry {
    name: "grid_neighbourhood",
    aliases: &["grid_neighborhood", "grid"],
    kind: Kind::Connector,
    summary: "Connects cells of two grids that lie within a radius of each other",
    doc: "Both populations must be grids (such as gain_sheet). A pre-synaptic cell's position is \
          scaled onto the post-synaptic grid (cell centres: x' = (x + 1/2) cols_post / cols_pre - \
          1/2, likewise for rows) and distances d are Euclidean, in post-synaptic cells, on a torus \
          when wrap is true. A pair with d <= radius is connected with probability k(d): box 1; \
          gaussian exp(-d^2 / (2 sigma^2)); exponential exp(-d / sigma). Autapses are excluded by \
          default, so radius 2 gives each cell its 12 nearest neighbours.",
    params: &[
        real(
            "radius",
            "",
            Dimension::DIMENSIONLESS,
            None,
            0.0,
            INF,
            "largest connection distance, in post-synaptic grid cells",
        ),
        choice(
            "kernel",
            &["box", "gaussian", "exponential"],
            0,
            "connection probability as a function of distance",
        ),
        real(
            "sigma",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            POS,
            INF,
            "width of the gaussian and exponential kernels, in grid cells",
        ),
        flag(
            "wrap",
            false,
            "measure distances on a torus (periodic boundaries)",
        ),
        flag(
            "allow_autapses",
            false,
            "in a self-flow, connect a cell to itself (distance 0)",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[HOOPER, SENK],
    traits: NO_TRAITS,
};

const FROM_FILE: Entry = Entry {
    name: "from_file",
    aliases: &["file"],
    kind: Kind::Connector,
    summary: "Connections listed in a CSV file",
    doc: "Reads one connection per row from a CSV file with the columns pre,post (comma, space \
          or tab separated; one header line and # comments allowed). Indices are 0-based within \
          each population; a pair listed k times makes k synapses. Every synapse takes the \
          flow's weight and delay: a file with more columns (per-synapse weights or delays) is \
          refused rather than read in part.",
    params: &[file(
        "path",
        "CSV file of (pre, post) rows, relative to the spec",
    )],
    presets: &[],
    integrator: "",
    references: &[SENK],
    traits: NO_TRAITS,
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[
    ALL_TO_ALL,
    ONE_TO_ONE,
    FIXED_PROBABILITY,
    FIXED_INDEGREE,
    FIXED_TOTAL_NUMBER,
    GRID_NEIGHBOURHOOD,
    FROM_FILE,
];
