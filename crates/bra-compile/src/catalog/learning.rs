//! Catalog entries: learning rules (`learning = …` on a component or flow).
//!
//! Online rules (the STDP family) run inside `bra simulate`; gradient- and
//! energy-based rules (BPTT, EP, RTRL, backprop diffusion) run in `bra train`.
//! Rules on a component apply to the excitatory synapses onto it; rules on a
//! flow apply to that flow, which is how per-layer settings are written.
//!
//! Weight bounds carry the dimension of the flow's weight (unit `same`). STDP
//! amplitudes are dimensionless and relative to a reference weight w_ref:
//! w_max when it is finite, otherwise the flow's mean initial |weight|.

use super::neurons::{
    BIM, ERNOULT_2020, GUTIG, INF, NEG_INF, NO_TRAITS, POS, RUDNICKA, choice, flag, int, real, same,
};
use super::{Entry, Kind, Param, ParamType, Preset};
use bra_units::Dimension;

const BI_POO_1998: &str = "Bi GQ, Poo MM (1998). Synaptic modifications in cultured hippocampal neurons: dependence on spike timing, synaptic strength, and postsynaptic cell type. J Neurosci 18(24):10464–10472. doi:10.1523/JNEUROSCI.18-24-10464.1998";
const BI_POO_2001: &str = "Bi GQ, Poo MM (2001). Synaptic modification by correlated activity: Hebb's postulate revisited. Annu Rev Neurosci 24:139–166. doi:10.1146/annurev.neuro.24.1.139";
const SONG_2000: &str = "Song S, Miller KD, Abbott LF (2000). Competitive Hebbian learning through spike-timing-dependent synaptic plasticity. Nat Neurosci 3(9):919–926. doi:10.1038/78829";
const VAN_ROSSUM: &str = "van Rossum MCW, Bi GQ, Turrigiano GG (2000). Stable Hebbian learning from spike timing-dependent plasticity. J Neurosci 20(23):8812–8821. doi:10.1523/JNEUROSCI.20-23-08812.2000";
const MORRISON_2008: &str = "Morrison A, Diesmann M, Gerstner W (2008). Phenomenological models of synaptic plasticity based on spike timing. Biol Cybern 98(6):459–478. doi:10.1007/s00422-008-0233-1";
const MASQUELIER: &str = "Masquelier T, Guyonneau R, Thorpe SJ (2008). Spike timing dependent plasticity finds the start of repeating patterns in continuous spike trains. PLoS ONE 3(1):e1377. doi:10.1371/journal.pone.0001377";
const PFISTER_GERSTNER: &str = "Pfister JP, Gerstner W (2006). Triplets of spikes in a model of spike timing-dependent plasticity. J Neurosci 26(38):9673–9682. doi:10.1523/JNEUROSCI.1425-06.2006";
const IZHIKEVICH_2007: &str = "Izhikevich EM (2007). Solving the distal reward problem through linkage of STDP and dopamine signaling. Cereb Cortex 17(10):2443–2452. doi:10.1093/cercor/bhl152";
const FREMAUX: &str = "Frémaux N, Gerstner W (2016). Neuromodulated spike-timing-dependent plasticity, and theory of three-factor learning rules. Front Neural Circuits 9:85. doi:10.3389/fncir.2015.00085";
const NEFTCI: &str = "Neftci EO, Mostafa H, Zenke F (2019). Surrogate gradient learning in spiking neural networks. IEEE Signal Process Mag 36(6):51–63. doi:10.1109/MSP.2019.2931595";
const ZENKE_GANGULI: &str = "Zenke F, Ganguli S (2018). SuperSpike: supervised learning in multilayer spiking neural networks. Neural Comput 30(6):1514–1541. doi:10.1162/neco_a_01086";
const WERBOS: &str = "Werbos PJ (1990). Backpropagation through time: what it does and how to do it. Proc IEEE 78(10):1550–1560. doi:10.1109/5.58337";
const KINGMA_BA: &str = "Kingma DP, Ba J (2015). Adam: a method for stochastic optimization. ICLR 2015. arXiv:1412.6980. doi:10.48550/arXiv.1412.6980";
const SCELLIER_BENGIO: &str = "Scellier B, Bengio Y (2017). Equilibrium propagation: bridging the gap between energy-based models and backpropagation. Front Comput Neurosci 11:24. doi:10.3389/fncom.2017.00024";
const ERNOULT_2019: &str = "Ernoult M, Grollier J, Querlioz D, Bengio Y, Scellier B (2019). Updates of equilibrium prop match gradients of backprop through time in an RNN with static input. NeurIPS 2019. arXiv:1905.13633. doi:10.48550/arXiv.1905.13633";
const WILLIAMS_ZIPSER: &str = "Williams RJ, Zipser D (1989). A learning algorithm for continually running fully recurrent neural networks. Neural Comput 1(2):270–280. doi:10.1162/neco.1989.1.2.270";
const BELLEC: &str = "Bellec G, Scherr F, Subramoney A, et al. (2020). A solution to the learning dilemma for recurrent networks of spiking neurons. Nat Commun 11:3625. doi:10.1038/s41467-020-17236-y";
const BETTI_GORI: &str = "Betti A, Gori M (2020). Backprop diffusion is biologically plausible. arXiv:1912.04635. doi:10.48550/arXiv.1912.04635";
const RUMELHART: &str = "Rumelhart DE, Hinton GE, Williams RJ (1986). Learning representations by back-propagating errors. Nature 323:533–536. doi:10.1038/323533a0";
const MANCHEV: &str = "Manchev N, Spratling M (2022). On the biological plausibility of orthogonal initialisation for solving gradient instability in deep neural networks. arXiv:2211.08408. doi:10.48550/arXiv.2211.08408";
const SAXE: &str = "Saxe AM, McClelland JL, Ganguli S (2014). Exact solutions to the nonlinear dynamics of learning in deep linear neural networks. ICLR 2014. arXiv:1312.6120. doi:10.48550/arXiv.1312.6120";
const OJA: &str = "Oja E (1989). Neural networks, principal components, and subspaces. Int J Neural Syst 1(1):61–68. doi:10.1142/S0129065789000475";
const MEZZADRI: &str = "Mezzadri F (2007). How to generate random matrices from the classical compact groups. Notices AMS 54(5):592–604. arXiv:math-ph/0609050. doi:10.48550/arXiv.math-ph/0609050";

const fn time(name: &'static str, default: f64, doc: &'static str) -> Param {
    real(name, "ms", Dimension::TIME, Some(default), POS, INF, doc)
}

const fn amplitude(name: &'static str, default: f64, doc: &'static str) -> Param {
    real(
        name,
        "",
        Dimension::DIMENSIONLESS,
        Some(default),
        0.0,
        INF,
        doc,
    )
}

const fn rate(name: &'static str, default: f64, doc: &'static str) -> Param {
    real(
        name,
        "",
        Dimension::DIMENSIONLESS,
        Some(default),
        POS,
        INF,
        doc,
    )
}

const W_MIN: Param = same(
    "w_min",
    ParamType::Real,
    Some(0.0),
    NEG_INF,
    INF,
    "lower weight bound, in the unit of the flow's weight",
);
const W_MAX: Param = same(
    "w_max",
    ParamType::Real,
    Some(INF),
    NEG_INF,
    INF,
    "upper weight bound and reference weight w_ref (default: unbounded, w_ref = mean initial |weight|)",
);
const OPTIMISER: Param = choice(
    "optimiser",
    &["adam", "sgd"],
    0,
    "update of the weights from their gradients (Adam with beta1 0.9, beta2 0.999)",
);

const STDP: Entry = Entry {
    name: "stdp",
    aliases: &["pair_stdp"],
    kind: Kind::Learning,
    summary: "Pair-based spike-timing-dependent plasticity, additive or multiplicative",
    doc: "Each synapse keeps a pre-synaptic trace x (jumps by 1 per pre spike, decays with \
          tau_plus) and a post-synaptic trace y (per post spike, tau_minus). On a post spike the \
          weight grows, on a pre spike it shrinks. Additive bounds (Song, Miller & Abbott 2000): \
          dw = +a_plus w_ref x, dw = -a_minus w_ref y, then w is clipped to [w_min, w_max]. \
          Multiplicative bounds (van Rossum, Bi & Turrigiano 2000): dw = +a_plus (w_max - w) x, \
          dw = -a_minus (w - w_min) y, which needs a finite w_max. Pairing all_to_all sums over \
          all earlier spikes (traces add up, NEST's stdp_synapse); nearest uses only the latest \
          (traces reset to 1; symmetric nearest-neighbour, NEST's stdp_nn_symm_synapse); \
          restricted is the reduced nearest-neighbour scheme of Morrison, Diesmann & Gerstner \
          (2008): a post spike pairs with the latest pre spike only if that came after the \
          previous post spike, a pre spike with the latest post spike only if no pre spike came \
          in between, so each spike enters at most one potentiating and one depressing pair \
          (NEST's stdp_nn_restr_synapse; the rule of Masquelier et al. 2008). The time constants are the fits to Bi & Poo's data (Bi & Poo \
          2001); the amplitudes, with depression 5 % stronger than potentiation, are those of \
          Song et al. (2000).",
    params: &[
        amplitude(
            "a_plus",
            0.005,
            "potentiation per pre-before-post pair, relative to w_ref",
        ),
        amplitude(
            "a_minus",
            0.00525,
            "depression per post-before-pre pair, relative to w_ref",
        ),
        time(
            "tau_plus",
            16.8,
            "decay of the pre-synaptic trace (potentiation window)",
        ),
        time(
            "tau_minus",
            33.7,
            "decay of the post-synaptic trace (depression window)",
        ),
        W_MIN,
        W_MAX,
        choice(
            "bounds",
            &["additive", "multiplicative"],
            0,
            "weight dependence of the updates",
        ),
        choice(
            "pairing",
            &["all_to_all", "nearest", "restricted"],
            0,
            "which spike pairs interact: all, the nearest (symmetric), or each spike in at most one pair each way (restricted)",
        ),
    ],
    presets: &[],
    integrator: "Event-driven: traces are decayed analytically from the time of their last \
                 update when a spike arrives, so the rule has no step-size error; updates are \
                 applied in the step of the spike, after the delay to the synapse.",
    references: &[
        BI_POO_1998,
        BI_POO_2001,
        SONG_2000,
        VAN_ROSSUM,
        MORRISON_2008,
        MASQUELIER,
    ],
    traits: NO_TRAITS,
};

const TRIPLET_STDP: Entry = Entry {
    name: "triplet_stdp",
    aliases: &["stdp_triplet"],
    kind: Kind::Learning,
    summary: "Triplet STDP (Pfister & Gerstner 2006): pair terms plus triplet terms",
    doc: "Pre-synaptic traces r1 (tau_plus) and r2 (tau_x) and post-synaptic traces o1 \
          (tau_minus) and o2 (tau_y) jump by 1 per spike. On a post spike, dw = +w_ref r1 (a2_plus + \
          a3_plus o2), with o2 taken just before its own jump; on a pre spike, dw = -w_ref o1 \
          (a2_minus + a3_minus r2), r2 taken just before its jump; w is clipped to [w_min, w_max]. \
          The triplet terms reproduce the frequency dependence of plasticity that pair STDP \
          misses. Defaults are the all-to-all full model fitted to visual-cortex data (Pfister & \
          Gerstner 2006, Table 4; also NEST's stdp_triplet_synapse defaults).",
    params: &[
        amplitude("a2_plus", 5e-10, "pair potentiation amplitude"),
        amplitude("a3_plus", 6.2e-3, "triplet potentiation amplitude"),
        amplitude("a2_minus", 7e-3, "pair depression amplitude"),
        amplitude("a3_minus", 2.3e-4, "triplet depression amplitude"),
        time("tau_plus", 16.8, "decay of the fast pre-synaptic trace r1"),
        time(
            "tau_minus",
            33.7,
            "decay of the fast post-synaptic trace o1",
        ),
        time("tau_x", 101.0, "decay of the slow pre-synaptic trace r2"),
        time("tau_y", 125.0, "decay of the slow post-synaptic trace o2"),
        W_MIN,
        W_MAX,
        choice(
            "preset",
            &["visual_all_to_all", "visual_minimal"],
            0,
            "a parameter set of Pfister & Gerstner (2006), Table 4",
        ),
    ],
    presets: &[
        Preset {
            name: "visual_all_to_all",
            doc: "visual cortex, all-to-all interactions, full model (the defaults)",
            values: &[
                ("a2_plus", 5e-10),
                ("a3_plus", 6.2e-3),
                ("a2_minus", 7e-3),
                ("a3_minus", 2.3e-4),
                ("tau_x", 101.0),
                ("tau_y", 125.0),
            ],
        },
        Preset {
            name: "visual_minimal",
            doc: "visual cortex, all-to-all interactions, minimal model (no pair potentiation, no triplet depression)",
            values: &[
                ("a2_plus", 0.0),
                ("a3_plus", 6.5e-3),
                ("a2_minus", 7.1e-3),
                ("a3_minus", 0.0),
                ("tau_y", 125.0),
            ],
        },
    ],
    integrator: "Event-driven, as stdp: the four traces are decayed analytically between spikes.",
    references: &[PFISTER_GERSTNER],
    traits: NO_TRAITS,
};

const REWARD_STDP: Entry = Entry {
    name: "reward_stdp",
    aliases: &["r_stdp", "da_stdp"],
    kind: Kind::Learning,
    summary: "Reward-modulated STDP: an eligibility trace gated by dopamine (three-factor rule)",
    doc: "STDP does not change the weight directly but an eligibility trace c per synapse \
          (Izhikevich 2007): c jumps by +a_plus exp(-dt/tau_plus) for pre-before-post pairs and \
          -a_minus exp(-dt/tau_minus) for post-before-pre pairs, and decays with tau_e. A dopamine \
          trace d jumps by d_jump for every spike arriving on the component's modulatory \
          (dopaminergic) input flows and decays with tau_d. The weight follows dw/dt = lr w_ref c \
          d, clipped to [w_min, w_max], so only pairings followed by reward within about tau_e are \
          reinforced. Defaults: Izhikevich (2007) (tau_e = tau_c = 1 s, tau_d = 0.2 s, a_plus 1.0, \
          a_minus 1.5, 0.5 per reward). lr sets how fast weights move and depends on the reward \
          statistics, so it is required.",
    params: &[
        amplitude(
            "a_plus",
            1.0,
            "eligibility increment per pre-before-post pair",
        ),
        amplitude(
            "a_minus",
            1.5,
            "eligibility decrement per post-before-pre pair",
        ),
        time("tau_plus", 20.0, "potentiation window"),
        time("tau_minus", 20.0, "depression window"),
        time(
            "tau_e",
            1000.0,
            "decay of the eligibility trace (tau_c of Izhikevich 2007)",
        ),
        time("tau_d", 200.0, "decay of the dopamine trace"),
        amplitude("d_jump", 0.5, "dopamine increment per modulatory spike"),
        real(
            "lr",
            "1/s",
            Dimension::FREQUENCY,
            None,
            POS,
            INF,
            "learning rate: relative weight change per second at unit eligibility and dopamine",
        ),
        W_MIN,
        W_MAX,
    ],
    presets: &[],
    integrator: "Traces decay exactly (factor exp(-dt/tau) per step); the weight is advanced by \
                 forward Euler of dw/dt = lr w_ref c d each step, which is accurate because c and \
                 d vary on the scale of tau_d >> dt.",
    references: &[IZHIKEVICH_2007, FREMAUX],
    traits: NO_TRAITS,
};

const TEMPOTRON: Entry = Entry {
    name: "tempotron",
    aliases: &[],
    kind: Kind::Learning,
    summary: "Tempotron (Gütig & Sompolinsky 2006): learns to fire or stay silent for spike patterns",
    doc: "A neuron classifies a spike pattern by firing (target) or not (null). Its potential is \
          V(t) = sum_i w_i sum_{t_i} K(t - t_i) with K(t) = V0 (exp(-t/tau) - exp(-t/tau_s)), V0 \
          normalising the peak of K to 1, and it fires if V reaches v_th (V_rest = 0). After an \
          error, each weight changes by dw_i = +/- lr sum_{t_i < t_max} K(t_max - t_i), t_max being \
          the time of the maximal potential: + for a missed target, - for a false alarm. Weights \
          and v_th are in units of the normalised potential. Rudnicka, Szczepanski & Pregowska \
          compare it with STDP and surrogate-gradient training.",
    params: &[
        time("tau", 15.0, "membrane time constant of the kernel"),
        time(
            "tau_s",
            3.75,
            "synaptic time constant of the kernel (tau / 4)",
        ),
        real(
            "v_th",
            "",
            Dimension::DIMENSIONLESS,
            Some(1.0),
            POS,
            INF,
            "firing threshold of the normalised potential",
        ),
        rate("lr", 1e-3, "learning rate lambda"),
    ],
    presets: &[],
    integrator: "Exact: the kernel is the difference of two exponentials, propagated exactly; \
                 t_max is the step of the largest V in the trial.",
    references: &[GUTIG, RUDNICKA],
    traits: NO_TRAITS,
};

const BPTT: Entry = Entry {
    name: "bptt",
    aliases: &["surrogate_gradient"],
    kind: Kind::Learning,
    summary: "Backpropagation through time with surrogate gradients for spikes",
    doc: "Unrolls the network over the trial and backpropagates the loss through time (Werbos \
          1990). The spike nonlinearity has no useful derivative, so the backward pass uses a \
          surrogate of x = (v - v_th) / (v_th - v_reset), the normalised distance to threshold \
          (Neftci, Mostafa & Zenke 2019): fast_sigmoid 1 / (1 + slope |x|)^2 (SuperSpike, Zenke \
          & Ganguli 2018); atan 1 / (1 + (pi slope x / 2)^2); triangle max(0, 1 - slope |x|). \
          Internal neuron parameters marked learnable (meta_neuron's learn_internal) are trained \
          alongside the weights. Memory grows with trial length times network size.",
    params: &[
        choice(
            "surrogate",
            &["fast_sigmoid", "atan", "triangle"],
            0,
            "surrogate derivative of the spike function",
        ),
        rate(
            "slope",
            25.0,
            "steepness of the surrogate (25 is snnTorch's fast_sigmoid default)",
        ),
        rate("lr", 1e-3, "learning rate (step size)"),
        OPTIMISER,
    ],
    presets: &[],
    integrator: "The forward pass uses each neuron's own integrator; the backward pass is the exact \
                 adjoint of the discrete-time forward pass.",
    references: &[WERBOS, NEFTCI, ZENKE_GANGULI, KINGMA_BA],
    traits: NO_TRAITS,
};

const EP: Entry = Entry {
    name: "ep",
    aliases: &["equilibrium_propagation"],
    kind: Kind::Learning,
    summary: "Equilibrium propagation, discrete-time, with continual (C-EP) and asymmetric variants",
    doc: "For energy-based networks of rate units fed a static input. Free phase: t_free steps of \
          the network dynamics to a fixed point s0. Nudged phase: t_nudge more steps with the \
          outputs pulled toward the target with strength beta, reaching s_beta. Update: dW = (lr / \
          beta) (rho(s_beta) rho(s_beta)^T - rho(s0) rho(s0)^T), local in space (Scellier & Bengio \
          2017). With continual (C-EP, Ernoult et al. 2020) the weights are instead updated in \
          every step of the nudged phase from consecutive states, local in time too; for small \
          beta and lr the updates follow the gradients of BPTT (their Theorem 1). With symmetric \
          false the forward and backward weights are separate (the vector-field variant). \
          Defaults: one hidden layer of Ernoult et al. (2020) without continual updates; rates per \
          layer are written per flow (they used twice the rate for each layer further from the \
          output).",
    params: &[
        real(
            "beta",
            "",
            Dimension::DIMENSIONLESS,
            Some(0.2),
            NEG_INF,
            INF,
            "nudging strength toward the target",
        ),
        rate("lr", 0.003, "learning rate of the weights"),
        int(
            "t_free",
            Some(40.0),
            1.0,
            INF,
            "steps of the free phase (T)",
        ),
        int(
            "t_nudge",
            Some(15.0),
            1.0,
            INF,
            "steps of the nudged phase (K)",
        ),
        flag(
            "continual",
            false,
            "update the weights in every step of the nudged phase (C-EP)",
        ),
        flag(
            "symmetric",
            true,
            "tie forward and backward weights (false: vector-field EP)",
        ),
        choice(
            "preset",
            &["none", "cep_1h", "cep_2h", "vf_1h"],
            0,
            "a set-up of Ernoult et al. (2020) on MNIST",
        ),
    ],
    presets: &[
        Preset {
            name: "cep_1h",
            doc: "C-EP, one hidden layer of 512 (output-layer rate; 0.006 below)",
            values: &[
                ("beta", 0.2),
                ("lr", 0.003),
                ("t_free", 40.0),
                ("t_nudge", 15.0),
                ("continual", 1.0),
                ("symmetric", 1.0),
            ],
        },
        Preset {
            name: "cep_2h",
            doc: "C-EP, two hidden layers of 512 (output-layer rate; 0.0018 and 0.01 below)",
            values: &[
                ("beta", 0.5),
                ("lr", 0.00018),
                ("t_free", 100.0),
                ("t_nudge", 20.0),
                ("continual", 1.0),
                ("symmetric", 1.0),
            ],
        },
        Preset {
            name: "vf_1h",
            doc: "vector-field EP with asymmetric weights, one hidden layer (output-layer rate; 0.15 below)",
            values: &[
                ("beta", 0.1),
                ("lr", 0.075),
                ("t_free", 30.0),
                ("t_nudge", 10.0),
                ("continual", 0.0),
                ("symmetric", 0.0),
            ],
        },
    ],
    integrator: "Discrete time: one application of the network's update map per step \
                 (s <- rho(W s + input), rate units with tau = 0), as in Ernoult et al. (2020).",
    references: &[SCELLIER_BENGIO, ERNOULT_2020, ERNOULT_2019],
    traits: NO_TRAITS,
};

const RTRL: Entry = Entry {
    name: "rtrl",
    aliases: &[],
    kind: Kind::Learning,
    summary: "Real-time recurrent learning: online gradients, exact or e-prop approximation",
    doc: "Computes gradients forward in time, so weights can be updated online without storing \
          the trial (Williams & Zipser 1989). exact carries the full sensitivity of every state to \
          every weight: affordable for diagonal recurrences such as ssm (the Bio-Inspired Mamba \
          set-up, combined there with STDP-like local rules) but O(n^4) per step for a dense \
          recurrent population, which the resource check reports. eprop keeps only each synapse's \
          eligibility trace and combines it with a broadcast learning signal (Bellec et al. 2020), \
          O(n^2) per step.",
    params: &[
        rate("lr", 1e-3, "learning rate (step size)"),
        choice(
            "approximation",
            &["exact", "eprop"],
            0,
            "full RTRL, or e-prop's local eligibility traces",
        ),
        OPTIMISER,
    ],
    presets: &[],
    integrator: "Sensitivities and eligibility traces are propagated with the same discrete-time \
                 update as the neuron state, one step at a time.",
    references: &[WILLIAMS_ZIPSER, BELLEC, BIM],
    traits: NO_TRAITS,
};

const BACKPROP_DIFFUSION: Entry = Entry {
    name: "backprop_diffusion",
    aliases: &[],
    kind: Kind::Learning,
    summary: "Backprop as a diffusion of forward and backward waves through delayed neurons (Betti & Gori)",
    doc: "Each layer responds to its input after `delay`, so activity travels forward one layer per \
          delay and errors travel back the same way; each weight is updated locally from the \
          forward activity and the backward error that meet at it. Betti & Gori show that this \
          diffusion is the backprop update of a network with time-delayed neurons and approximates \
          the gradient well when the input changes slowly relative to depth x delay.",
    params: &[
        time("delay", 1.0, "response delay of each layer"),
        rate("lr", 1e-3, "learning rate"),
    ],
    presets: &[],
    integrator: "Discrete time with one layer of propagation per delay (delay rounded to whole \
                 steps).",
    references: &[BETTI_GORI, RUMELHART],
    traits: NO_TRAITS,
};

const ORTHOGONAL_INIT: Entry = Entry {
    name: "orthogonal_init",
    aliases: &["orthogonal"],
    kind: Kind::Learning,
    summary: "Orthogonal initial weights, by QR factorisation or by a local pre-training rule",
    doc: "Orthogonal weight matrices keep gradients from vanishing or exploding (Saxe et al. \
          2014). qr: factor a Gaussian matrix as QR and use Q with the signs of R's diagonal \
          (Haar-uniform, Mezzadri 2007), times gain. local: before training, the weights evolve \
          under Oja's subspace rule dW = lr (y x^T - y y^T W), y = W x, driven by white random \
          inputs x; its mean is lr (W - W W^T W), whose stable fixed points are the orthogonal \
          matrices, and it uses only pre- and post-synaptic activity, the biologically plausible \
          route of Manchev & Spratling. It stops when every entry of W W^T - I is within \
          tolerance, or after max_iter steps.",
    params: &[
        choice(
            "method",
            &["qr", "local"],
            0,
            "factorisation, or the local pre-training rule",
        ),
        rate("gain", 1.0, "scale of the orthogonal matrix"),
        rate(
            "tolerance",
            1e-3,
            "largest accepted entry of |W W^T - I| (local)",
        ),
        rate("lr", 0.01, "learning rate of the local rule"),
        int(
            "max_iter",
            Some(10000.0),
            1.0,
            INF,
            "largest number of local updates",
        ),
    ],
    presets: &[],
    integrator: "",
    references: &[MANCHEV, SAXE, OJA, MEZZADRI],
    traits: NO_TRAITS,
};

/// The entries of this file.
pub static ENTRIES: &[Entry] = &[
    STDP,
    TRIPLET_STDP,
    REWARD_STDP,
    TEMPOTRON,
    BPTT,
    EP,
    RTRL,
    BACKPROP_DIFFUSION,
    ORTHOGONAL_INIT,
];
