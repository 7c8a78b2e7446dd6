//! Lempel–Ziv (1976) complexity of binary sequences, with the algorithm of
//! Kaspar & Schuster (1987), and the LZC features of spike trains (`lzc` in
//! the catalog).
//!
//! The complexity `c(n)` of a sequence of length `n` is the number of
//! phrases of its exhaustive production history: each phrase is the
//! shortest word that cannot be copied from the text before it. The classic
//! example `0001101001000101` parses as `0·001·10·100·1000·101`, so
//! `c = 6`. For a random sequence `c(n) → n / log2 n`, so the normalised
//! value `c(n) log2(n) / n` tends to 1 (more generally to the entropy rate
//! in bits per symbol, Amigó et al. 2004).

/// The Lempel–Ziv (1976) complexity of a sequence: its number of phrases,
/// counting a final incomplete phrase (Kaspar & Schuster 1987). Any two
/// distinct values count as distinct symbols; an empty sequence has 0.
pub fn complexity<T: PartialEq>(s: &[T]) -> usize {
    let n = s.len();
    if n == 0 {
        return 0;
    }
    if n == 1 {
        return 1;
    }
    // Kaspar & Schuster's scheme: `l` is the length of the text parsed so
    // far, `i` a candidate start of a copy inside it, `k` the length of the
    // current match and `k_max` the longest match found from any `i`.
    let (mut c, mut l, mut i, mut k, mut k_max) = (1usize, 1usize, 0usize, 1usize, 1usize);
    loop {
        if s[i + k - 1] == s[l + k - 1] {
            k += 1;
            if l + k > n {
                c += 1;
                break;
            }
        } else {
            k_max = k_max.max(k);
            i += 1;
            if i == l {
                // No earlier start reproduces more: a new phrase of k_max symbols.
                c += 1;
                l += k_max;
                if l + 1 > n {
                    break;
                }
                i = 0;
                k = 1;
                k_max = 1;
            } else {
                k = 1;
            }
        }
    }
    c
}

/// `c(n) log2(n) / n`: the complexity relative to that of a random binary
/// sequence of the same length (→ 1 for long random sequences; 0 for `n < 2`).
pub fn normalised<T: PartialEq>(s: &[T]) -> f64 {
    let n = s.len();
    if n < 2 {
        return 0.0;
    }
    complexity(s) as f64 * (n as f64).log2() / n as f64
}

/// Binarise a spike train given as per-step spike counts: bins of `bin_steps`
/// steps, 1 when the bin holds at least one spike.
pub fn binarise(counts: &[u8], bin_steps: usize) -> Vec<u8> {
    let b = bin_steps.max(1);
    counts
        .chunks(b)
        .map(|c| u8::from(c.iter().any(|&x| x > 0)))
        .collect()
}

/// The LZC features of one spike train (per-step counts): binarised in bins
/// of `bin_steps`, cut into windows of `window_bins` bins (0: one window),
/// one value per window, normalised or raw.
pub fn features(counts: &[u8], bin_steps: usize, window_bins: usize, normalise: bool) -> Vec<f64> {
    let bits = binarise(counts, bin_steps);
    let w = if window_bins == 0 {
        bits.len().max(1)
    } else {
        window_bins
    };
    bits.chunks(w)
        .map(|c| {
            if normalise {
                normalised(c)
            } else {
                complexity(c) as f64
            }
        })
        .collect()
}
