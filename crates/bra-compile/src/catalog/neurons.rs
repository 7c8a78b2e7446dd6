//! Catalog entries: neuron models and sources (`neurons = …`, `stimulus … { … }`).
//!
//! This file also holds the `const` constructors that every entry file uses to
//! declare parameters, so that all entries encode values the same way:
//!
//! * a `Choice` default is the **index** of the option (`0.0` = the first);
//! * a `Bool` default is `0.0` (false) or `1.0` (true);
//! * an `Int` default is a whole number;
//! * a range minimum of [`POS`] means "strictly greater than zero";
//! * unit `"same"` marks a parameter whose dimension is that of the quantity
//!   it is used for (a law's `mean`, a rule's `w_max`); the compiler checks it
//!   against that quantity instead of against a fixed unit;
//! * a parameter named `preset` is a `Choice` over the entry's preset names
//!   (plus `none` where the defaults are no preset): the chosen preset's values
//!   replace the defaults, and arguments written in the spec override both.

use super::{Entry, Kind, Param, ParamType, Preset, Traits};
use bra_units::Dimension;

/// Open upper (or, negated, lower) end of a range.
pub const INF: f64 = f64::INFINITY;

/// Open lower end of a range.
pub const NEG_INF: f64 = f64::NEG_INFINITY;

/// Lower end of a range meaning "strictly greater than zero".
pub const POS: f64 = f64::MIN_POSITIVE;

/// Lowest and highest membrane or reversal potential accepted, in mV. Wide
/// enough for every model here; tighter physiological checks are warnings.
const V_MIN: f64 = -200.0;
const V_MAX: f64 = 200.0;

/// A real parameter with one value for the whole population.
pub const fn real(
    name: &'static str,
    unit: &'static str,
    dim: Dimension,
    default: Option<f64>,
    min: f64,
    max: f64,
    doc: &'static str,
) -> Param {
    Param {
        name,
        unit,
        dim,
        ty: ParamType::Real,
        default,
        min,
        max,
        doc,
    }
}

/// A real parameter that may also be a law drawing one value per neuron or
/// synapse (`c: uniform(low: -65 mV, high: -50 mV)`); the range applies to
/// every drawn value.
pub const fn varying(
    name: &'static str,
    unit: &'static str,
    dim: Dimension,
    default: Option<f64>,
    min: f64,
    max: f64,
    doc: &'static str,
) -> Param {
    Param {
        name,
        unit,
        dim,
        ty: ParamType::RealOrLaw,
        default,
        min,
        max,
        doc,
    }
}

/// A whole-number (dimensionless) parameter.
pub const fn int(
    name: &'static str,
    default: Option<f64>,
    min: f64,
    max: f64,
    doc: &'static str,
) -> Param {
    Param {
        name,
        unit: "",
        dim: Dimension::DIMENSIONLESS,
        ty: ParamType::Int,
        default,
        min,
        max,
        doc,
    }
}

/// A `true`/`false` parameter (default stored as 0 or 1).
pub const fn flag(name: &'static str, default: bool, doc: &'static str) -> Param {
    Param {
        name,
        unit: "",
        dim: Dimension::DIMENSIONLESS,
        ty: ParamType::Bool,
        default: Some(if default { 1.0 } else { 0.0 }),
        min: 0.0,
        max: 1.0,
        doc,
    }
}

/// One of `options`; the default is the option at index `default`.
pub const fn choice(
    name: &'static str,
    options: &'static [&'static str],
    default: usize,
    doc: &'static str,
) -> Param {
    Param {
        name,
        unit: "",
        dim: Dimension::DIMENSIONLESS,
        ty: ParamType::Choice(options),
        default: Some(default as f64),
        min: 0.0,
        max: (options.len() - 1) as f64,
        doc,
    }
}

/// A required path to a file.
pub const fn file(name: &'static str, doc: &'static str) -> Param {
    Param {
        name,
        unit: "",
        dim: Dimension::DIMENSIONLESS,
        ty: ParamType::Path,
        default: None,
        min: NEG_INF,
        max: INF,
        doc,
    }
}

/// A parameter with the dimension of the quantity it is used for (unit
/// `"same"`, see the module doc).
pub const fn same(
    name: &'static str,
    ty: ParamType,
    default: Option<f64>,
    min: f64,
    max: f64,
    doc: &'static str,
) -> Param {
    Param {
        name,
        unit: "same",
        dim: Dimension::DIMENSIONLESS,
        ty,
        default,
        min,
        max,
        doc,
    }
}

/// Traits of an entry that is not a neuron (synapses, connectors, …).
pub const NO_TRAITS: Traits = Traits {
    spiking: false,
    rate: false,
    source: false,
    conductance: false,
    grid: false,
    membrane: false,
};

const SPIKING: Traits = Traits {
    spiking: true,
    membrane: true,
    ..NO_TRAITS
};

const SPIKING_COND: Traits = Traits {
    conductance: true,
    ..SPIKING
};

// ---------------------------------------------------------------- references
//
// Those marked `pub(super)` are cited by other entry files too.

const LAPICQUE: &str = "Lapicque L (1907). Recherches quantitatives sur l'excitation électrique des nerfs traitée comme une polarisation. J Physiol Pathol Gen 9:620–635. English translation: Brunel N, van Rossum MCW (2007), Biol Cybern 97:341–349, doi:10.1007/s00422-007-0189-6";
pub(super) const ROTTER_DIESMANN: &str = "Rotter S, Diesmann M (1999). Exact digital simulation of time-invariant linear systems with applications to neuronal modeling. Biol Cybern 81(5-6):381–402. doi:10.1007/s004220050570";
pub(super) const BRETTE_2007: &str = "Brette R, Rudolph M, Carnevale T, et al. (2007). Simulation of networks of spiking neurons: a review of tools and strategies. J Comput Neurosci 23(3):349–398. doi:10.1007/s10827-007-0038-6";
pub(super) const VOGELS_ABBOTT: &str = "Vogels TP, Abbott LF (2005). Signal propagation and logic gating in networks of integrate-and-fire neurons. J Neurosci 25(46):10786–10795. doi:10.1523/JNEUROSCI.3508-05.2005";
const STIMBERG: &str = "Stimberg M, Brette R, Goodman DFM (2019). Brian 2, an intuitive and efficient neural simulator. eLife 8:e47314. doi:10.7554/eLife.47314";
const IZHIKEVICH_2003: &str = "Izhikevich EM (2003). Simple model of spiking neurons. IEEE Trans Neural Netw 14(6):1569–1572. doi:10.1109/TNN.2003.820440";
const IZHIKEVICH_2004: &str = "Izhikevich EM (2004). Which model to use for cortical spiking neurons? IEEE Trans Neural Netw 15(5):1063–1070. doi:10.1109/TNN.2004.832719";
pub(super) const HOOPER: &str = "Hooper GKR (2025). The GAIN model: a nature-inspired neural network framework based on an adaptation of the Izhikevich model. arXiv:2506.04247. doi:10.48550/arXiv.2506.04247";
const HODGKIN_HUXLEY: &str = "Hodgkin AL, Huxley AF (1952). A quantitative description of membrane current and its application to conduction and excitation in nerve. J Physiol 117(4):500–544. doi:10.1113/jphysiol.1952.sp004764";
const RUSH_LARSEN: &str = "Rush S, Larsen H (1978). A practical algorithm for solving dynamic membrane equations. IEEE Trans Biomed Eng 25(4):389–392. doi:10.1109/TBME.1978.326270";
const BRETTE_GERSTNER: &str = "Brette R, Gerstner W (2005). Adaptive exponential integrate-and-fire model as an effective description of neuronal activity. J Neurophysiol 94(5):3637–3642. doi:10.1152/jn.00686.2005";
const NAUD: &str = "Naud R, Marcille N, Clopath C, Gerstner W (2008). Firing patterns in the adaptive exponential integrate-and-fire model. Biol Cybern 99(4-5):335–347. doi:10.1007/s00422-008-0264-7";
pub(super) const RUDNICKA: &str = "Rudnicka Z, Szczepanski J, Pregowska A (2025). Learning internal biological neuron parameters and complexity-based encoding for improved spiking neural networks performance. arXiv:2508.11674. doi:10.48550/arXiv.2508.11674";
const JOLIVET: &str = "Jolivet R, Rauch A, Lüscher HR, Gerstner W (2006). Predicting spike timing of neocortical pyramidal neurons by simple threshold models. J Comput Neurosci 21(1):35–49. doi:10.1007/s10827-006-7074-5";
const WILSON_COWAN: &str = "Wilson HR, Cowan JD (1972). Excitatory and inhibitory interactions in localized populations of model neurons. Biophys J 12(1):1–24. doi:10.1016/S0006-3495(72)86068-5";
const HOPFIELD_1984: &str = "Hopfield JJ (1984). Neurons with graded response have collective computational properties like those of two-state neurons. PNAS 81(10):3088–3092. doi:10.1073/pnas.81.10.3088";
pub(super) const ERNOULT_2020: &str = "Ernoult M, Grollier J, Querlioz D, Bengio Y, Scellier B (2020). Continual weight updates and convolutional architectures for equilibrium propagation. arXiv:2005.04169. doi:10.48550/arXiv.2005.04169";
const GU_DAO: &str = "Gu A, Dao T (2023). Mamba: linear-time sequence modeling with selective state spaces. arXiv:2312.00752. doi:10.48550/arXiv.2312.00752";
const S4D: &str = "Gu A, Gupta A, Goel K, Ré C (2022). On the parameterization and initialization of diagonal state space models. NeurIPS 2022. arXiv:2206.11893. doi:10.48550/arXiv.2206.11893";
pub(super) const BIM: &str = "Qin J (2024). Bio-Inspired Mamba: temporal locality and bioplausible learning in selective state space models. arXiv:2409.11263. doi:10.48550/arXiv.2409.11263";
const SOFTKY_KOCH: &str = "Softky WR, Koch C (1993). The highly irregular firing of cortical cells is inconsistent with temporal integration of random EPSPs. J Neurosci 13(1):334–350. doi:10.1523/JNEUROSCI.13-01-00334.1993";
pub(super) const SALMON: &str = "Salmon JK, Moraes MA, Dror RO, Shaw DE (2011). Parallel random numbers: as easy as 1, 2, 3. Proc SC'11. doi:10.1145/2063384.2063405";
pub(super) const BRUNEL: &str = "Brunel N (2000). Dynamics of sparsely connected networks of excitatory and inhibitory spiking neurons. J Comput Neurosci 8(3):183–208. doi:10.1023/A:1008925309027";
pub(super) const GUTIG: &str = "Gütig R, Sompolinsky H (2006). The tempotron: a neuron that learns spike timing-based decisions. Nat Neurosci 9(3):420–428. doi:10.1038/nn1643";
const NEST: &str = "Gewaltig MO, Diesmann M (2007). NEST (NEural Simulation Tool). Scholarpedia 2(4):1430. doi:10.4249/scholarpedia.1430";

// ---------------------------------------------------------------- LIF

const TAU_M: Param = varying(
    "tau_m",
    "ms",
    Dimension::TIME,
    Some(10.0),
    POS,
    INF,
    "membrane time constant",
);
const V_REST: Param = varying(
    "v_rest",
    "mV",
    Dimension::VOLTAGE,
    Some(-70.0),
    V_MIN,
    V_MAX,
    "resting potential (leak reversal E_L)",
);
const V_TH: Param = varying(
    "v_th",
    "mV",
    Dimension::VOLTAGE,
    Some(-55.0),
    V_MIN,
    V_MAX,
    "spike threshold",
);
const T_REF: Param = varying(
    "t_ref",
    "ms",
    Dimension::TIME,
    Some(2.0),
    0.0,
    INF,
    "absolute refractory period; v is held at v_reset",
);
const C_M: Param = varying(
    "c_m",
    "pF",
    Dimension::CAPACITANCE,
    Some(250.0),
    POS,
    INF,
    "membrane capacitance",
);
const I_E: Param = varying(
    "i_e",
    "pA",
    Dimension::CURRENT,
    Some(0.0),
    NEG_INF,
    INF,
    "constant external current",
);
const E_EX: Param = varying(
    "e_ex",
    "mV",
    Dimension::VOLTAGE,
    Some(0.0),
    V_MIN,
    V_MAX,
    "reversal potential of excitatory (positive-weight) conductances",
);
const E_IN: Param = varying(
    "e_in",
    "mV",
    Dimension::VOLTAGE,
    Some(-85.0),
    V_MIN,
    V_MAX,
    "reversal potential of inhibitory (negative-weight) conductances",
);

const LIF: Entry = Entry {
    name: "lif",
    aliases: &["iaf_psc"],
    kind: Kind::Neuron,
    summary: "Leaky integrate-and-fire neuron with current-based input (NEST iaf_psc_exp, iaf_psc_alpha)",
    doc: "Below threshold, tau_m dv/dt = -(v - v_rest) + R (I_syn + i_e) with R = tau_m / c_m. \
          When v reaches v_th the neuron spikes, v is reset to v_reset and held there for t_ref. \
          Synaptic input is what the flows' synapses deliver: by the convention of specs/ a weight \
          in mV is the jump of R I_syn (Brian's CUBA `ge += w`), a weight in pA is a jump of I_syn \
          and is converted with R. The time course of I_syn (delta, exponential, alpha) and its \
          time constant belong to each flow's synapse, not to the neuron. Defaults are NEST's \
          iaf_psc_exp; the CUBA preset holds the benchmark values of Brian 2's CUBA example \
          (Vogels & Abbott 2005).",
    params: &[
        TAU_M,
        V_REST,
        V_TH,
        varying(
            "v_reset",
            "mV",
            Dimension::VOLTAGE,
            Some(-70.0),
            V_MIN,
            V_MAX,
            "potential after a spike",
        ),
        T_REF,
        C_M,
        I_E,
        choice(
            "preset",
            &["none", "CUBA"],
            0,
            "a named parameter set; explicit arguments override it",
        ),
    ],
    presets: &[Preset {
        name: "CUBA",
        doc: "CUBA benchmark neuron (Vogels & Abbott 2005; Brian 2 example): pacemaker resting above threshold",
        values: &[
            ("tau_m", 20.0),
            ("v_rest", -49.0),
            ("v_th", -50.0),
            ("v_reset", -60.0),
            ("t_ref", 5.0),
        ],
    }],
    integrator: "Exact integration (Rotter & Diesmann 1999). The subthreshold equation is linear \
                 with constant coefficients, so each step multiplies v - v_rest by exp(-dt/tau_m) \
                 and adds the exactly propagated synaptic and external input (exponential and \
                 alpha currents have closed-form propagators). There is no step-size error below \
                 threshold and the scheme is stable for any dt; threshold crossings are detected at \
                 the end of each step, so spike times lie on the dt grid. This is the scheme of \
                 NEST's iaf_psc_exp and iaf_psc_alpha, which keeps `bra export nest` comparable.",
    references: &[LAPICQUE, ROTTER_DIESMANN, VOGELS_ABBOTT, BRETTE_2007],
    traits: SPIKING,
};

const LIF_COND: Entry = Entry {
    name: "lif_cond",
    aliases: &["iaf_cond"],
    kind: Kind::Neuron,
    summary: "Leaky integrate-and-fire neuron with conductance-based input (NEST iaf_cond_exp, iaf_cond_alpha)",
    doc: "c_m dv/dt = -g_l (v - v_rest) - g_ex (v - e_ex) - g_in (v - e_in) + i_e. A flow whose \
          synapse is in conductance mode adds its weight (nS) to g_ex when positive and its \
          magnitude to g_in when negative, with the synapse's time course; a synapse's own e_rev \
          overrides e_ex or e_in. Current-mode synapses add a current as in lif. Threshold, reset \
          and refractoriness as in lif. Defaults are NEST's iaf_cond_exp (tau_m = c_m / g_l = 15 \
          ms); the COBA preset holds the benchmark of Vogels & Abbott (2005) as in Brette et al. \
          (2007): 20000 um^2 of membrane at 1 uF/cm^2 and 0.05 mS/cm^2.",
    params: &[
        varying(
            "c_m",
            "pF",
            Dimension::CAPACITANCE,
            Some(250.0),
            POS,
            INF,
            "membrane capacitance",
        ),
        varying(
            "g_l",
            "nS",
            Dimension::CONDUCTANCE,
            Some(16.6667),
            POS,
            INF,
            "leak conductance",
        ),
        V_REST,
        V_TH,
        varying(
            "v_reset",
            "mV",
            Dimension::VOLTAGE,
            Some(-60.0),
            V_MIN,
            V_MAX,
            "potential after a spike",
        ),
        T_REF,
        E_EX,
        E_IN,
        I_E,
        choice(
            "preset",
            &["none", "COBA"],
            0,
            "a named parameter set; explicit arguments override it",
        ),
    ],
    presets: &[Preset {
        name: "COBA",
        doc: "COBA benchmark neuron (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1)",
        values: &[
            ("c_m", 200.0),
            ("g_l", 10.0),
            ("v_rest", -60.0),
            ("v_th", -50.0),
            ("v_reset", -60.0),
            ("t_ref", 5.0),
            ("e_ex", 0.0),
            ("e_in", -80.0),
        ],
    }],
    integrator: "Exponential Euler. Within a step the conductances are held at their \
                 start-of-step values, which makes the equation for v linear: v relaxes exactly \
                 toward the conductance-weighted reversal potential with time constant \
                 c_m / (g_l + g_ex + g_in), and the conductances then decay exactly. Stable for \
                 any dt and first-order accurate in the conductance changes; NEST integrates the \
                 same model with adaptive RKF45, so exports agree to O(dt).",
    references: &[VOGELS_ABBOTT, BRETTE_2007, STIMBERG],
    traits: SPIKING_COND,
};

// ---------------------------------------------------------------- Izhikevich

const IZH_PRESET_NAMES: &[&str] = &["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"];

/// The presets of Izhikevich (2003), Fig. 2: (a, b, c, d).
const IZH_PRESETS: &[Preset] = &[
    Preset {
        name: "RS",
        doc: "regular spiking: excitatory cortical cells, adapting tonic firing",
        values: &[("a", 0.02), ("b", 0.2), ("c", -65.0), ("d", 8.0)],
    },
    Preset {
        name: "IB",
        doc: "intrinsically bursting: an initial burst, then tonic spikes (layer 5 pyramidal)",
        values: &[("a", 0.02), ("b", 0.2), ("c", -55.0), ("d", 4.0)],
    },
    Preset {
        name: "CH",
        doc: "chattering: repetitive bursts at high frequency",
        values: &[("a", 0.02), ("b", 0.2), ("c", -50.0), ("d", 2.0)],
    },
    Preset {
        name: "FS",
        doc: "fast spiking: inhibitory basket cells, no adaptation",
        values: &[("a", 0.1), ("b", 0.2), ("c", -65.0), ("d", 2.0)],
    },
    Preset {
        name: "LTS",
        doc: "low-threshold spiking: inhibitory interneurons with adaptation and rebound",
        values: &[("a", 0.02), ("b", 0.25), ("c", -65.0), ("d", 2.0)],
    },
    Preset {
        name: "TC",
        doc: "thalamo-cortical: tonic firing when depolarised, rebound bursts from hyperpolarisation",
        values: &[("a", 0.02), ("b", 0.25), ("c", -65.0), ("d", 0.05)],
    },
    Preset {
        name: "RZ",
        doc: "resonator: damped subthreshold oscillations, fires to inputs at its resonant frequency",
        values: &[("a", 0.1), ("b", 0.26), ("c", -65.0), ("d", 2.0)],
    },
];

const IZH_PRESET: Param = choice(
    "preset",
    IZH_PRESET_NAMES,
    0,
    "firing type of Izhikevich (2003), Fig. 2; sets a, b, c, d",
);
const IZH_A: Param = varying(
    "a",
    "1/ms",
    Dimension::FREQUENCY,
    Some(0.02),
    POS,
    INF,
    "rate of the recovery variable u",
);
const IZH_B: Param = varying(
    "b",
    "",
    Dimension::DIMENSIONLESS,
    Some(0.2),
    -1.0,
    1.0,
    "sensitivity of u to subthreshold v",
);
const IZH_C: Param = varying(
    "c",
    "mV",
    Dimension::VOLTAGE,
    Some(-65.0),
    V_MIN,
    V_MAX,
    "reset value of v after a spike",
);
const IZH_D: Param = varying(
    "d",
    "mV",
    Dimension::VOLTAGE,
    Some(8.0),
    -100.0,
    100.0,
    "jump of u after a spike (u in the paper's mV units)",
);
const IZH_V_PEAK: Param = varying(
    "v_peak",
    "mV",
    Dimension::VOLTAGE,
    Some(30.0),
    V_MIN,
    V_MAX,
    "spike cut-off: v >= v_peak emits a spike (NEST's V_th)",
);
const IZH_I_E: Param = varying(
    "i_e",
    "mV",
    Dimension::VOLTAGE,
    Some(0.0),
    NEG_INF,
    INF,
    "constant input I, in the paper's mV units",
);

const IZH_INTEGRATOR: &str = "Forward Euler on (v, u) with internal sub-steps of at most 0.1 ms \
     (one sub-step at dt = 0.1 ms, ten at dt = 1 ms). The quadratic term makes v stiff near the \
     spike: the paper's reference code runs dt = 1 ms and advances v in two 0.5 ms half-steps for \
     numerical stability; at 0.1 ms forward Euler stays closer to the exact trajectory than that \
     scheme while costing a few multiply-adds per neuron. A spike is detected at the end of a \
     sub-step (v >= v_peak); v is then set to c and u increased by d, so recorded peaks are cut at \
     v_peak as in the paper.";

const IZHIKEVICH: Entry = Entry {
    name: "izhikevich",
    aliases: &[],
    kind: Kind::Neuron,
    summary: "Izhikevich (2003) simple spiking model with the paper's seven firing-type presets",
    doc: "dv/dt = 0.04 v^2 + 5 v + 140 - u + I and du/dt = a (b v - u), with v in mV and t in ms; \
          when v >= v_peak: v <- c, u <- u + d. Units follow the paper, whose equations are written \
          for numbers of mV and ms: u, d and the input I are measured in mV like v (strictly, every \
          term of dv/dt is in mV per ms; the paper leaves the 1/ms implicit), a is a rate in 1/ms \
          and b is dimensionless. I is the sum of i_e and the flows' synaptic \
          input: by the convention of specs/ a weight in mV adds to I, as the paper's network adds \
          the weights S to I; a current in pA adds its number (NEST's convention). Initial state as \
          in the paper: v = -65 mV, u = b v. The paper's 1000-neuron network draws a, b, c, d per \
          neuron, e.g. c = -65 + 15 r^2, d = 8 - 6 r^2 for excitatory cells; write such \
          heterogeneity with laws.",
    params: &[IZH_PRESET, IZH_A, IZH_B, IZH_C, IZH_D, IZH_V_PEAK, IZH_I_E],
    presets: IZH_PRESETS,
    integrator: IZH_INTEGRATOR,
    references: &[IZHIKEVICH_2003, IZHIKEVICH_2004],
    traits: SPIKING,
};

const GAIN_SHEET: Entry = Entry {
    name: "gain_sheet",
    aliases: &["gain"],
    kind: Kind::Neuron,
    summary: "GAIN sheet (Hooper 2025): Izhikevich neurons on a grid, coupled to their neighbours",
    doc: "The GAIN model: Izhikevich (2003) neurons laid out on a rows x cols grid, each interacting \
          with its nearest neighbours instead of with layers. Neuron dynamics, presets and \
          parameters are those of izhikevich; the population has rows x cols neurons, neuron k at \
          row k / cols and column k mod cols (no `* N` size is written). The neighbours of a cell \
          are the cells within Euclidean distance `radius` (in grid cells, the cell itself \
          excluded), on a torus when `wrap` is true. A non-zero `coupling` adds a built-in \
          neighbour coupling: each spike adds `coupling` to the input I of every neighbour one step \
          later (a delta synapse). With coupling = 0, the default, the neighbour interaction is \
          written as an explicit self-flow with connect = grid_neighbourhood(radius: …, wrap: …), \
          whose weight, delay and synapse are then free, as specs/gain_sheet.bra does; its radius \
          and wrap should equal the sheet's.",
    params: &[
        IZH_PRESET,
        int("rows", None, 1.0, INF, "number of grid rows"),
        int("cols", None, 1.0, INF, "number of grid columns"),
        real(
            "radius",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            0.0,
            INF,
            "neighbourhood radius in grid cells (Euclidean; 1 = the 4 nearest, 1.5 = the 8)",
        ),
        flag(
            "wrap",
            false,
            "connect opposite edges (a torus) so that every cell has the same neighbourhood",
        ),
        real(
            "coupling",
            "mV",
            Dimension::VOLTAGE,
            Some(0.0),
            NEG_INF,
            INF,
            "built-in neighbour coupling weight added to I; 0 leaves coupling to explicit flows",
        ),
        IZH_A,
        IZH_B,
        IZH_C,
        IZH_D,
        IZH_V_PEAK,
        IZH_I_E,
    ],
    presets: IZH_PRESETS,
    integrator: "As izhikevich: forward Euler with sub-steps of at most 0.1 ms. The built-in \
                 coupling is a delta input delivered one step after the spike, so all cells are \
                 updated synchronously and the result does not depend on the order in which cells \
                 (or threads) are visited.",
    references: &[HOOPER, IZHIKEVICH_2003],
    traits: Traits {
        grid: true,
        ..SPIKING
    },
};

// ---------------------------------------------------------------- Hodgkin–Huxley

const HH: Entry = Entry {
    name: "hh",
    aliases: &["hodgkin_huxley"],
    kind: Kind::Neuron,
    summary: "Hodgkin–Huxley (1952) squid-axon model with Na+, K+ and leak currents",
    doc: "c_m dv/dt = -g_na m^3 h (v - e_na) - g_k n^4 (v - e_k) - g_l (v - e_l) + i_e + I_syn / \
          area, and dx/dt = alpha_x(v) (1 - x) - beta_x(v) x for x in {m, h, n}, in the modern \
          convention with rest near -65 mV (NEURON's hh, Brian 2's example; v in mV, rates in \
          1/ms, 6.3 degC): alpha_m = 0.1 (v+40) / (1 - exp(-(v+40)/10)), beta_m = 4 exp(-(v+65)/18), \
          alpha_h = 0.07 exp(-(v+65)/20), beta_h = 1 / (1 + exp(-(v+35)/10)), alpha_n = 0.01 (v+55) \
          / (1 - exp(-(v+55)/10)), beta_n = 0.125 exp(-(v+65)/80). Parameters are densities; \
          `area` converts synaptic currents (pA) and conductances (nS) to densities. With the \
          default area of 10^4 um^2 the totals equal NEST's hh_psc_alpha (100 pF, 12 uS, 3.6 uS, \
          30 nS). A spike is emitted when v crosses v_th upwards; refractoriness is intrinsic. \
          Gating variables start at their steady state for the initial v.",
    params: &[
        varying(
            "c_m",
            "uF/cm^2",
            Dimension::CAPACITANCE_DENSITY,
            Some(1.0),
            POS,
            INF,
            "specific membrane capacitance",
        ),
        varying(
            "g_na",
            "mS/cm^2",
            Dimension::CONDUCTANCE_DENSITY,
            Some(120.0),
            0.0,
            INF,
            "maximal sodium conductance density",
        ),
        varying(
            "g_k",
            "mS/cm^2",
            Dimension::CONDUCTANCE_DENSITY,
            Some(36.0),
            0.0,
            INF,
            "maximal potassium conductance density",
        ),
        varying(
            "g_l",
            "mS/cm^2",
            Dimension::CONDUCTANCE_DENSITY,
            Some(0.3),
            0.0,
            INF,
            "leak conductance density",
        ),
        varying(
            "e_na",
            "mV",
            Dimension::VOLTAGE,
            Some(50.0),
            V_MIN,
            V_MAX,
            "sodium reversal potential",
        ),
        varying(
            "e_k",
            "mV",
            Dimension::VOLTAGE,
            Some(-77.0),
            V_MIN,
            V_MAX,
            "potassium reversal potential",
        ),
        varying(
            "e_l",
            "mV",
            Dimension::VOLTAGE,
            Some(-54.387),
            V_MIN,
            V_MAX,
            "leak reversal potential",
        ),
        varying(
            "area",
            "um^2",
            Dimension::AREA,
            Some(10000.0),
            POS,
            INF,
            "membrane area; converts synaptic pA and nS to densities",
        ),
        varying(
            "i_e",
            "uA/cm^2",
            Dimension::CURRENT_DENSITY,
            Some(0.0),
            NEG_INF,
            INF,
            "constant external current density",
        ),
        varying(
            "v_th",
            "mV",
            Dimension::VOLTAGE,
            Some(0.0),
            V_MIN,
            V_MAX,
            "spike detection: an upward crossing of v_th emits a spike",
        ),
        Param {
            default: Some(0.0),
            ..E_EX
        },
        Param {
            default: Some(-80.0),
            ..E_IN
        },
    ],
    presets: &[],
    integrator: "Exponential Euler (Rush & Larsen 1978; NEURON's and Brian 2's exponential_euler). \
                 With v held over the step each gating variable relaxes exactly toward \
                 x_inf = alpha / (alpha + beta) with time constant 1 / (alpha + beta); v, linear \
                 given the gates, then relaxes exactly toward the conductance-weighted reversal \
                 potential. This is stable for any dt, where forward Euler diverges for dt above \
                 about 0.05 ms, and first-order accurate; use dt <= 0.025 ms when spike times must \
                 be right to better than 0.1 ms. The removable singularities of alpha_m and alpha_n \
                 at -40 and -55 mV are evaluated with exprel.",
    references: &[HODGKIN_HUXLEY, RUSH_LARSEN, STIMBERG],
    traits: SPIKING_COND,
};

// ---------------------------------------------------------------- AdEx

const ADEX: Entry = Entry {
    name: "adex",
    aliases: &["aeif"],
    kind: Kind::Neuron,
    summary: "Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005)",
    doc: "c_m dv/dt = -g_l (v - e_l) + g_l delta_t exp((v - v_t) / delta_t) - w + I_syn + i_e and \
          tau_w dw/dt = a (v - e_l) - w. When v >= v_peak: v <- v_reset, w <- w + b, and v is held \
          at v_reset for t_ref. Synapses may be current-based (pA, or mV as R I with R = 1 / g_l) \
          or conductance-based (e_ex, e_in as in lif_cond). Defaults are the paper's fit to a \
          layer-5 pyramidal cell with NEST's aeif_cond_exp reset and cut-off (v_reset -60 mV, \
          v_peak 0 mV; Brian 2's example uses v_reset = e_l and v_peak = v_t + 5 delta_t). The \
          presets are firing patterns of Naud et al. (2008), Table 1.",
    params: &[
        varying(
            "c_m",
            "pF",
            Dimension::CAPACITANCE,
            Some(281.0),
            POS,
            INF,
            "membrane capacitance",
        ),
        varying(
            "g_l",
            "nS",
            Dimension::CONDUCTANCE,
            Some(30.0),
            POS,
            INF,
            "leak conductance",
        ),
        varying(
            "e_l",
            "mV",
            Dimension::VOLTAGE,
            Some(-70.6),
            V_MIN,
            V_MAX,
            "leak reversal (resting) potential",
        ),
        varying(
            "v_t",
            "mV",
            Dimension::VOLTAGE,
            Some(-50.4),
            V_MIN,
            V_MAX,
            "threshold of the exponential term",
        ),
        varying(
            "delta_t",
            "mV",
            Dimension::VOLTAGE,
            Some(2.0),
            POS,
            INF,
            "slope factor: sharpness of spike initiation",
        ),
        varying(
            "tau_w",
            "ms",
            Dimension::TIME,
            Some(144.0),
            POS,
            INF,
            "adaptation time constant",
        ),
        varying(
            "a",
            "nS",
            Dimension::CONDUCTANCE,
            Some(4.0),
            NEG_INF,
            INF,
            "subthreshold adaptation conductance",
        ),
        varying(
            "b",
            "pA",
            Dimension::CURRENT,
            Some(80.5),
            NEG_INF,
            INF,
            "spike-triggered adaptation increment (0.0805 nA)",
        ),
        varying(
            "v_reset",
            "mV",
            Dimension::VOLTAGE,
            Some(-60.0),
            V_MIN,
            V_MAX,
            "potential after a spike",
        ),
        varying(
            "v_peak",
            "mV",
            Dimension::VOLTAGE,
            Some(0.0),
            V_MIN,
            V_MAX,
            "spike cut-off: v >= v_peak emits a spike",
        ),
        varying(
            "t_ref",
            "ms",
            Dimension::TIME,
            Some(0.0),
            0.0,
            INF,
            "absolute refractory period",
        ),
        I_E,
        E_EX,
        E_IN,
        choice(
            "preset",
            &["none", "tonic", "adapting", "initial_burst", "bursting"],
            0,
            "a firing pattern of Naud et al. (2008); explicit arguments override it",
        ),
    ],
    presets: &[
        Preset {
            name: "tonic",
            doc: "tonic spiking (Naud et al. 2008, Table 1)",
            values: &[
                ("c_m", 200.0),
                ("g_l", 10.0),
                ("e_l", -70.0),
                ("v_t", -50.0),
                ("delta_t", 2.0),
                ("a", 2.0),
                ("tau_w", 30.0),
                ("b", 0.0),
                ("v_reset", -58.0),
            ],
        },
        Preset {
            name: "adapting",
            doc: "spike-frequency adaptation (Naud et al. 2008, Table 1)",
            values: &[
                ("c_m", 200.0),
                ("g_l", 12.0),
                ("e_l", -70.0),
                ("v_t", -50.0),
                ("delta_t", 2.0),
                ("a", 2.0),
                ("tau_w", 300.0),
                ("b", 60.0),
                ("v_reset", -58.0),
            ],
        },
        Preset {
            name: "initial_burst",
            doc: "an initial burst, then tonic spikes (Naud et al. 2008, Table 1)",
            values: &[
                ("c_m", 130.0),
                ("g_l", 18.0),
                ("e_l", -58.0),
                ("v_t", -50.0),
                ("delta_t", 2.0),
                ("a", 4.0),
                ("tau_w", 150.0),
                ("b", 120.0),
                ("v_reset", -50.0),
            ],
        },
        Preset {
            name: "bursting",
            doc: "regular bursting (Naud et al. 2008, Table 1)",
            values: &[
                ("c_m", 200.0),
                ("g_l", 10.0),
                ("e_l", -58.0),
                ("v_t", -50.0),
                ("delta_t", 2.0),
                ("a", 2.0),
                ("tau_w", 120.0),
                ("b", 100.0),
                ("v_reset", -46.0),
            ],
        },
    ],
    integrator: "Classical RK4 on (v, w) with internal sub-steps of at most 0.025 ms, v capped at \
                 v_peak inside the stages so that the exponential cannot overflow. The exponential \
                 term makes v diverge in finite time once v passes v_t: forward Euler at 0.1 ms \
                 overshoots and can overflow, while RK4 at 0.025 ms follows the upswing to within a \
                 fraction of a step. A spike is emitted when v >= v_peak at the end of a sub-step; \
                 then v <- v_reset and w <- w + b. NEST's aeif models use adaptive RKF45 with \
                 internal steps <= 0.01 ms and the same cut at V_peak.",
    references: &[BRETTE_GERSTNER, NAUD, STIMBERG],
    traits: SPIKING_COND,
};

// ---------------------------------------------------------------- meta-neuron

const META_NEURON: Entry = Entry {
    name: "meta_neuron",
    aliases: &["meta"],
    kind: Kind::Neuron,
    summary: "Probabilistic meta-neuron with learnable threshold, gain and time constant (Rudnicka, Szczepanski & Pregowska)",
    doc: "A leaky unit that fires stochastically and whose internal parameters are trained \
          together with the weights. Its potential integrates the weighted input, tau du/dt = -u + \
          I (u and I dimensionless, in the units of the trained weights), and in every step the \
          neuron spikes with probability p = sigma(gain (u - theta)), sigma the logistic function; \
          after a spike u returns to 0. The escape-noise form makes the expected spike count \
          differentiable in theta, gain and tau. With learn_internal the trainer treats theta, gain \
          and tau as per-neuron parameters with gradients, as the paper does; otherwise they stay \
          fixed and the unit is a stochastic LIF neuron. p is a per-step probability, so rates \
          depend on dt: keep dt fixed between training and use. The defaults are neutral starting \
          values, not values from the paper.",
    params: &[
        varying(
            "theta",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            NEG_INF,
            INF,
            "threshold: u at which the firing probability is 1/2",
        ),
        varying(
            "gain",
            "",
            Dimension::DIMENSIONLESS,
            Some(5.0),
            0.0,
            INF,
            "slope of the firing probability in u (large gain: nearly deterministic)",
        ),
        varying(
            "tau",
            "ms",
            Dimension::TIME,
            Some(20.0),
            POS,
            INF,
            "integration time constant",
        ),
        flag(
            "learn_internal",
            true,
            "train theta, gain and tau together with the weights",
        ),
    ],
    presets: &[],
    integrator: "Exact exponential update of u with the input held over the step \
                 (u <- I + (u - I) exp(-dt/tau)), then one Bernoulli draw per neuron and step from \
                 the counter-based generator keyed by (seed, population, neuron, step), so spike \
                 trains are bit-identical for any thread count.",
    references: &[RUDNICKA, JOLIVET, SALMON],
    traits: SPIKING,
};

// ---------------------------------------------------------------- rate and state-space units

const RATE: Entry = Entry {
    name: "rate",
    aliases: &["rate_unit"],
    kind: Kind::Neuron,
    summary: "Rate unit: a leaky continuous activation (Hopfield/EP-style components)",
    doc: "tau dr/dt = -r + f(gain I + bias), where I is the weighted sum of the inputs' rates. With \
          tau = 0 the unit is instantaneous, r = f(gain I + bias) in every step: the discrete-time \
          form used by discrete-time equilibrium propagation and Hopfield-style components. \
          Nonlinearities: tanh; sigmoid 1 / (1 + exp(-x)); relu max(0, x); linear x; hard_sigmoid \
          clip(x, 0, 1), the rho of Ernoult et al. (2020).",
    params: &[
        real(
            "tau",
            "ms",
            Dimension::TIME,
            Some(10.0),
            0.0,
            INF,
            "time constant; 0 gives the instantaneous (discrete-time) unit",
        ),
        choice(
            "nonlinearity",
            &["tanh", "sigmoid", "relu", "linear", "hard_sigmoid"],
            0,
            "activation function f",
        ),
        varying(
            "gain",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            NEG_INF,
            INF,
            "input gain",
        ),
        varying(
            "bias",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.0),
            NEG_INF,
            INF,
            "constant added to the input before f",
        ),
    ],
    presets: &[],
    integrator: "Exponential Euler: the input is held over the step and r relaxes exactly toward \
                 f(gain I + bias) with factor exp(-dt/tau), which is stable for any dt; tau = 0 \
                 applies the map directly.",
    references: &[WILSON_COWAN, HOPFIELD_1984, ERNOULT_2020],
    traits: Traits {
        rate: true,
        ..NO_TRAITS
    },
};

const SSM: Entry = Entry {
    name: "ssm",
    aliases: &["mamba"],
    kind: Kind::Neuron,
    summary: "Selective state-space unit (diagonal, input-dependent step; Mamba-style, as in BIM)",
    doc: "Each neuron is one channel with a hidden state h of state_size components. In step t, \
          with input x_t: delta_t = softplus(w x_t + b) is the input-dependent step, B_t and C_t \
          are linear in the input, h_t = exp(delta_t A) h_{t-1} + delta_t B_t x_t (element-wise, \
          A diagonal and negative) and y_t = C_t . h_t + D x_t. b is initialised so that \
          softplus(b) is log-uniform in [dt_min, dt_max], as in Mamba; delta is a dimensionless \
          step in units of the simulation step, not a time. a_init: s4d_real sets A_n = -(n + 1) \
          (S4D-Real, Mamba's default); constant sets A_n = -1/2. Trained online by rtrl (exact \
          RTRL is cheap here because A is diagonal), the Bio-Inspired Mamba set-up.",
    params: &[
        int(
            "state_size",
            Some(16.0),
            1.0,
            4096.0,
            "components of the hidden state per channel (N)",
        ),
        real(
            "dt_min",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.001),
            POS,
            INF,
            "lower end of the initial range of the step delta",
        ),
        real(
            "dt_max",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.1),
            POS,
            INF,
            "upper end of the initial range of the step delta",
        ),
        choice(
            "a_init",
            &["s4d_real", "constant"],
            0,
            "initialisation of the diagonal state matrix A",
        ),
        flag("skip", true, "include the direct term D x_t"),
    ],
    presets: &[],
    integrator: "Zero-order-hold discretisation, one update per simulation step: exp(delta A) is \
                 exact for the diagonal A with the input held over the step, and the input enters \
                 through Mamba's simplified delta B. Stable for any delta because A < 0.",
    references: &[GU_DAO, S4D, BIM],
    traits: Traits {
        rate: true,
        ..NO_TRAITS
    },
};

// ---------------------------------------------------------------- sources

const START: Param = real(
    "start",
    "ms",
    Dimension::TIME,
    Some(0.0),
    0.0,
    INF,
    "time the source switches on",
);
const STOP: Param = real(
    "stop",
    "ms",
    Dimension::TIME,
    Some(INF),
    0.0,
    INF,
    "time the source switches off (default: never)",
);

const POISSON: Entry = Entry {
    name: "poisson",
    aliases: &["poisson_generator"],
    kind: Kind::Neuron,
    summary: "Independent Poisson spike trains at a fixed rate",
    doc: "Each neuron of the source (or, in a stimulus, each target neuron's own afferent) fires as \
          an independent homogeneous Poisson process of the given rate while start <= t < stop. \
          In a stimulus block start and stop may also be written as properties.",
    params: &[
        varying(
            "rate",
            "Hz",
            Dimension::FREQUENCY,
            None,
            0.0,
            INF,
            "firing rate of each train",
        ),
        START,
        STOP,
    ],
    presets: &[],
    integrator: "Nothing to integrate: each step draws the number of spikes in [t, t + dt) from a \
                 Poisson law of mean rate dt, using the counter-based generator (the same trains \
                 for any thread count); a count above one is delivered as one spike of that \
                 multiplicity, as NEST's poisson_generator does.",
    references: &[SOFTKY_KOCH, SALMON, NEST],
    traits: Traits {
        spiking: true,
        source: true,
        ..NO_TRAITS
    },
};

const SPIKE_TIMES: Entry = Entry {
    name: "spike_times",
    aliases: &["spike_generator"],
    kind: Kind::Neuron,
    summary: "Replays spike times read from a file",
    doc: "Reads (neuron, time) pairs from `path`: a CSV file with the columns neuron,time (time \
          in ms; one header line allowed) or a .npy array of shape (n, 2) with the same columns. \
          Neuron indices must lie below the population size. Times are given in a file rather \
          than inline because the parameter types have no list type.",
    params: &[file(
        "path",
        "CSV (neuron,time in ms) or .npy (n x 2) file, relative to the spec",
    )],
    presets: &[],
    integrator: "Nothing to integrate: each spike is delivered in the step that contains its time \
                 (rounded down to the dt grid); several spikes of one neuron in one step are \
                 delivered as one spike of that multiplicity.",
    references: &[NEST],
    traits: Traits {
        spiking: true,
        source: true,
        ..NO_TRAITS
    },
};

const CURRENT_SOURCE: Entry = Entry {
    name: "current_source",
    aliases: &["dc", "dc_generator"],
    kind: Kind::Neuron,
    summary: "A constant current injected between start and stop",
    doc: "Injects `amplitude` into every target neuron while start <= t < stop (NEST's \
          dc_generator with a window). The current adds to the target's external input: lif and \
          lif_cond take it in pA, hh divides it by its area, izhikevich and gain_sheet add its \
          number in pA to I (NEST's convention).",
    params: &[
        real(
            "amplitude",
            "pA",
            Dimension::CURRENT,
            None,
            NEG_INF,
            INF,
            "injected current",
        ),
        START,
        STOP,
    ],
    presets: &[],
    integrator: "Nothing to integrate: the current is constant within each step and enters the \
                 target's integrator as a constant input over the step (exactly, for lif).",
    references: &[NEST],
    traits: Traits {
        source: true,
        ..NO_TRAITS
    },
};

const NOISE_CURRENT: Entry = Entry {
    name: "noise_current",
    aliases: &["noise_generator"],
    kind: Kind::Neuron,
    summary: "A Gaussian noise current, redrawn every interval, independent per target neuron",
    doc: "Injects mean + sd·ξ into every target neuron while start <= t < stop, with ξ a standard \
          normal drawn independently per neuron and redrawn every `interval` (NEST's \
          noise_generator). Izhikevich's (2003) thalamic input is noise_current(sd: 5 pA, interval: \
          1 ms) onto excitatory and sd 2 pA onto inhibitory neurons (I in the model's units, \
          1 pA = 1).",
    params: &[
        real(
            "mean",
            "pA",
            Dimension::CURRENT,
            Some(0.0),
            NEG_INF,
            INF,
            "mean current",
        ),
        real(
            "sd",
            "pA",
            Dimension::CURRENT,
            None,
            0.0,
            INF,
            "standard deviation of the current",
        ),
        real(
            "interval",
            "ms",
            Dimension::TIME,
            Some(1.0),
            0.0,
            INF,
            "how often a new value is drawn (at least one step)",
        ),
        START,
        STOP,
    ],
    presets: &[],
    integrator: "Nothing to integrate: the current is constant between redraws and enters the \
                 target's integrator as a constant input over each step.",
    references: &[NEST],
    traits: Traits {
        source: true,
        ..NO_TRAITS
    },
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[
    LIF,
    LIF_COND,
    IZHIKEVICH,
    GAIN_SHEET,
    HH,
    ADEX,
    META_NEURON,
    RATE,
    SSM,
    POISSON,
    SPIKE_TIMES,
    CURRENT_SOURCE,
    NOISE_CURRENT,
];
