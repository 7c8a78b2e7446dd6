//! Encoders: data values in [0, 1] become spike trains (`poisson_rate`,
//! `latency` in the catalog). Every draw comes from the counter-based
//! generator, keyed by the caller (seed, purpose, epoch, sample), so an
//! encoding is a pure function of its key.

use bra_compile::ir::Instance;
use bra_runtime::rng::Key;

/// The spike trains of one trial on a grid of `steps` steps of `dt`: events
/// `(step, afferent)` sorted by step then afferent; a spike of multiplicity
/// `k` appears `k` times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trial {
    /// Number of steps.
    pub steps: usize,
    /// Step, s.
    pub dt: f64,
    /// Afferents.
    pub inputs: usize,
    /// The events.
    pub events: Vec<(u32, u32)>,
}

impl Trial {
    /// Events as `(time, afferent)`, the time being the start of the step.
    pub fn times(&self) -> Vec<(f64, u32)> {
        self.events
            .iter()
            .map(|&(s, i)| (s as f64 * self.dt, i))
            .collect()
    }

    /// Index of the first event of every step (`steps + 1` offsets).
    pub fn offsets(&self) -> Vec<usize> {
        let mut off = vec![0usize; self.steps + 1];
        for &(s, _) in &self.events {
            if (s as usize) < self.steps {
                off[s as usize + 1] += 1;
            }
        }
        for k in 0..self.steps {
            off[k + 1] += off[k];
        }
        off
    }
}

/// How values become spikes.
#[derive(Clone, Debug, PartialEq)]
pub enum Encoder {
    /// Poisson rate coding: value `x` fires at `x · max_rate` (Hz) for `duration` (s).
    Poisson {
        /// Rate of a value of 1, Hz.
        max_rate: f64,
        /// Presentation time, s.
        duration: f64,
    },
    /// Latency coding: one spike at `t_max (1 - x)`; none below `threshold`.
    Latency {
        /// Latency of a value of 0, s (also the trial length).
        t_max: f64,
        /// Values below it do not fire.
        threshold: f64,
    },
}

impl Encoder {
    /// The encoder of a compiled `encoding = …` instance (catalog defaults
    /// when absent).
    pub fn from_instance(inst: Option<&Instance>) -> Result<Encoder, String> {
        let Some(inst) = inst else {
            return Ok(Encoder::Poisson {
                max_rate: 63.75,
                duration: 0.35,
            });
        };
        let p = super::Params(inst);
        match inst.kind.as_str() {
            "poisson_rate" => Ok(Encoder::Poisson {
                max_rate: p.real("max_rate", 63.75),
                duration: p.real("duration", 0.35),
            }),
            "latency" => Ok(Encoder::Latency {
                t_max: p.real("t_max", 0.05),
                threshold: p.real("threshold", 0.01),
            }),
            other => Err(format!(
                "`{other}` is not an encoding of data into spikes (use poisson_rate or latency)"
            )),
        }
    }

    /// Trial length, s.
    pub fn duration(&self) -> f64 {
        match self {
            Encoder::Poisson { duration, .. } => *duration,
            Encoder::Latency { t_max, .. } => *t_max,
        }
    }

    /// Steps of `dt` in a trial (at least 1).
    pub fn steps(&self, dt: f64) -> usize {
        ((self.duration() / dt).round() as usize).max(1)
    }

    /// Encode one sample (values in [0, 1]) with the draws of `key`.
    pub fn encode(&self, x: &[f64], dt: f64, key: Key) -> Trial {
        let steps = self.steps(dt);
        let mut events = Vec::new();
        match *self {
            Encoder::Poisson { max_rate, .. } => {
                // Per afferent and step, a Poisson count of mean rate·dt drawn by
                // inversion from one uniform, as the runtime's poisson source does.
                let lam: Vec<f64> = x
                    .iter()
                    .map(|v| v.clamp(0.0, 1.0) * max_rate * dt)
                    .collect();
                let p0: Vec<f64> = lam.iter().map(|l| (-l).exp()).collect();
                for s in 0..steps {
                    for (i, &l) in lam.iter().enumerate() {
                        if l <= 0.0 {
                            continue;
                        }
                        let u = key.uniform(i as u64, s as u64);
                        let k = poisson_inverse(u, l, p0[i]);
                        for _ in 0..k {
                            events.push((s as u32, i as u32));
                        }
                    }
                }
            }
            Encoder::Latency { t_max, threshold } => {
                for (i, v) in x.iter().enumerate() {
                    let v = v.clamp(0.0, 1.0);
                    if v < threshold {
                        continue;
                    }
                    // Rounded down to the grid; a value of 0 fires in the last step.
                    let s = ((t_max * (1.0 - v) / dt).floor() as usize).min(steps - 1);
                    events.push((s as u32, i as u32));
                }
                events.sort_unstable();
            }
        }
        Trial {
            steps,
            dt,
            inputs: x.len(),
            events,
        }
    }
}

/// The Poisson count of mean `lam` for the uniform `u` (inversion; `p0 = e^{-lam}`).
pub fn poisson_inverse(u: f64, lam: f64, p0: f64) -> u32 {
    let (mut k, mut p, mut cdf) = (0u32, p0, p0);
    while u >= cdf && k < 1000 {
        k += 1;
        p *= lam / k as f64;
        cdf += p;
        if p <= 0.0 {
            break;
        }
    }
    k
}
