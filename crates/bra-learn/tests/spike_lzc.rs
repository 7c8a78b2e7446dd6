//! Lempel–Ziv complexity (LZ76, Kaspar & Schuster 1987) against hand-computed
//! parsings and the limit for random sequences.

use bra_learn::spike::lzc::{binarise, complexity, features, normalised};
use bra_runtime::rng::{Key, Stream};

fn bits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

#[test]
fn hand_computed_parsings() {
    // Kaspar & Schuster's example: 0 · 001 · 10 · 100 · 1000 · 101.
    assert_eq!(complexity(&bits("0001101001000101")), 6);
    // 0 · 000: a constant sequence is one new symbol and one long copy.
    assert_eq!(complexity(&bits("0000")), 2);
    assert_eq!(complexity(&bits("0000000000000000")), 2);
    // 0 · 1 · 01010101: the rest copies with overlap.
    assert_eq!(complexity(&bits("0101010101")), 3);
    // 0 · 1 · 10.
    assert_eq!(complexity(&bits("0110")), 3);
    // 1 · 0 · 01 · 1101 · 1000 · 010 (the last phrase incomplete: counted).
    assert_eq!(complexity(&bits("1001111011000010")), 6);
    assert_eq!(complexity(&bits("01")), 2);
    assert_eq!(complexity(&bits("1")), 1);
    assert_eq!(complexity::<u8>(&[]), 0);
    // Any alphabet: a b · c counts three phrases for "abc".
    assert_eq!(complexity(b"abc"), 3);
}

#[test]
fn random_sequences_approach_one() {
    // c(n) log2(n) / n → 1 for a fair coin; the convergence is slow
    // (corrections of order log log n / log n), so at n = 2^15 the value
    // lies a few per cent above 1.
    let key = Key::new(11, Stream::Input, 3);
    let n = 1 << 15;
    let s: Vec<u8> = (0..n)
        .map(|k| u8::from(key.uniform(k as u64, 0) < 0.5))
        .collect();
    let v = normalised(&s);
    eprintln!("normalised LZC of {n} fair bits: {v}");
    assert!((v - 1.0).abs() < 0.05, "normalised LZC {v}");
    // A biased coin approaches its entropy rate H(0.1) = 0.469 bits.
    let b: Vec<u8> = (0..n)
        .map(|k| u8::from(key.uniform(k as u64, 1) < 0.1))
        .collect();
    let h = -(0.1f64 * 0.1f64.log2() + 0.9 * 0.9f64.log2());
    let vb = normalised(&b);
    assert!((vb / h - 1.0).abs() < 0.12, "biased: {vb} vs H = {h}");
    // A periodic train has vanishing normalised complexity.
    let p: Vec<u8> = (0..n).map(|k| u8::from(k % 7 == 0)).collect();
    assert!(normalised(&p) < 0.01);
}

#[test]
fn spike_train_features() {
    // Counts per step → bins of 2 steps → windows of 4 bins.
    let counts = [0u8, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1];
    assert_eq!(binarise(&counts, 2), vec![1, 0, 1, 0, 1, 0, 0, 1]);
    let f = features(&counts, 2, 4, false);
    assert_eq!(f, vec![3.0, 3.0]); // 1·0·10 and 1·0·01
    let whole = features(&counts, 2, 0, true);
    assert_eq!(whole.len(), 1);
    assert!((whole[0] - normalised(&[1u8, 0, 1, 0, 1, 0, 0, 1])).abs() < 1e-15);
}
