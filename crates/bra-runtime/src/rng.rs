//! Counter-based random numbers.
//!
//! Every random draw of a run is a pure function of `(seed, stream, a, b, k)`
//! — for example `(seed, population, neuron, step, k)` — so results do not
//! depend on which thread computes what, or in which order: the same seed
//! gives bit-identical runs for any thread count. The function is the
//! SplitMix64 finaliser applied over the key words (a strong 64-bit mixer;
//! the same construction as the counter-based generators of Salmon et al.
//! 2011, "Parallel random numbers: as easy as 1, 2, 3", at lower cost).

/// Streams: what a draw is for (so that two purposes never share numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Initial state of neurons.
    Init = 1,
    /// Stochastic neuron dynamics (Poisson sources, noise, stochastic firing).
    Dynamics = 2,
    /// Connectivity.
    Connect = 3,
    /// Weights.
    Weight = 4,
    /// Delays.
    Delay = 5,
    /// External inputs.
    Input = 6,
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed generator: `Key::new(seed, stream, id)` then `.u64(a, b)`.
#[derive(Clone, Copy, Debug)]
pub struct Key(u64);

impl Key {
    /// A key for one stream of one object (population, projection, input).
    pub fn new(seed: u64, stream: Stream, id: u64) -> Key {
        Key(mix(
            mix(mix(seed) ^ stream as u64) ^ id.wrapping_mul(0xD6E8_FEB8_6659_FD93)
        ))
    }

    /// 64 random bits for counters `(a, b)`.
    #[inline]
    pub fn u64(self, a: u64, b: u64) -> u64 {
        mix(mix(self.0 ^ a.wrapping_mul(0xA076_1D64_78BD_642F))
            ^ b.wrapping_mul(0xE703_7ED1_A0B4_28DB))
    }

    /// A uniform double in [0, 1) for counters `(a, b)`.
    #[inline]
    pub fn uniform(self, a: u64, b: u64) -> f64 {
        (self.u64(a, b) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform double in (0, 1] (safe for `ln`).
    #[inline]
    pub fn uniform_open0(self, a: u64, b: u64) -> f64 {
        ((self.u64(a, b) >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw for counters `(a, b)` (Box–Muller).
    #[inline]
    pub fn normal(self, a: u64, b: u64) -> f64 {
        let u1 = self.uniform_open0(a, b.wrapping_mul(2));
        let u2 = self.uniform(a, b.wrapping_mul(2).wrapping_add(1));
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A sequential generator over one key and counter `a` (for loops that need
/// many draws, such as connectivity of one presynaptic neuron).
#[derive(Clone, Debug)]
pub struct Seq {
    key: Key,
    a: u64,
    n: u64,
}

impl Seq {
    /// Draws `key.u64(a, 0)`, `key.u64(a, 1)`, …
    pub fn new(key: Key, a: u64) -> Seq {
        Seq { key, a, n: 0 }
    }
    /// Next uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.n += 1;
        self.key.uniform(self.a, self.n)
    }
    /// Next uniform in (0, 1].
    pub fn uniform_open0(&mut self) -> f64 {
        self.n += 1;
        self.key.uniform_open0(self.a, self.n)
    }
    /// Next standard normal.
    pub fn normal(&mut self) -> f64 {
        self.n += 1;
        self.key.normal(self.a, self.n)
    }
    /// Next integer in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.n += 1;
        // Lemire's multiply-shift: unbiased enough for n << 2^64.
        ((self.key.u64(self.a, self.n) as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_draws_are_uniform_and_keyed() {
        let k = Key::new(42, Stream::Dynamics, 3);
        let n = 200_000u64;
        let mean: f64 = (0..n).map(|i| k.uniform(i, 7)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        assert_ne!(k.u64(1, 2), Key::new(43, Stream::Dynamics, 3).u64(1, 2));
        assert_ne!(k.u64(1, 2), Key::new(42, Stream::Init, 3).u64(1, 2));
        assert_eq!(k.u64(1, 2), Key::new(42, Stream::Dynamics, 3).u64(1, 2));
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let k = Key::new(1, Stream::Weight, 0);
        let n = 200_000u64;
        let xs: Vec<f64> = (0..n).map(|i| k.normal(i, 0)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.02,
            "{mean} {var}"
        );
    }
}
