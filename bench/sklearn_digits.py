#!/usr/bin/env python3
"""Reference for README's "Learning results": scikit-learn's MLPClassifier
(backprop) on the same digits split that bra trains on, printed beside bra's
figures with the ratio of accuracy and of wall time per epoch.

Set-up and run (from the repository root):

    python3 -m venv bench/.venv && bench/.venv/bin/pip install scikit-learn
    cargo test --release -p bra-learn --test grad_results -- --ignored --nocapture
    bench/.venv/bin/python bench/sklearn_digits.py

The split: bra's `Dataset::split` (stratified, 80/20, shuffled by a
counter-based SplitMix64 stream keyed by the train block's seed) is
re-implemented below bit for bit; when the Rust harness has written
`target/grad-results/split_seed{N}.json` the script checks that both agree
and stops if they do not. Features are scaled into [0, 1] by the training
set's per-feature range, as bra does. Three seeds (1, 2, 3); medians.

Options: --epochs N (default 30, as the specs), --hidden N (default 256, the
hidden layer of specs/ep_digits.bra), --results PATH (bra's results.json).
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

M64 = (1 << 64) - 1


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Key:
    """bra_runtime::rng::Key."""

    def __init__(self, seed, stream, ident):
        self.k = mix(mix(mix(seed) ^ stream) ^ ((ident * 0xD6E8FEB86659FD93) & M64))

    def u64(self, a, b):
        return mix(mix(self.k ^ ((a * 0xA0761D6478BD642F) & M64)) ^ ((b * 0xE7037ED1A0B428DB) & M64))

    def uniform(self, a, b):
        return (self.u64(a, b) >> 11) * (1.0 / (1 << 53))


def split(labels, fraction, seed):
    """bra_learn::data::Dataset::split as row indices (train, test)."""
    key = Key(seed, 6, 0xDA7A)  # Stream::Input
    train, test = [], []
    for c in range(int(labels.max()) + 1):
        idx = [i for i in range(len(labels)) if labels[i] == c]
        for k in range(len(idx) - 1, 0, -1):
            j = int(key.uniform(c, k) * (k + 1))
            j = min(j, k)
            idx[k], idx[j] = idx[j], idx[k]
        n_train = int(math.floor(len(idx) * fraction + 0.5))
        train += idx[:n_train]
        test += idx[n_train:]
    return sorted(train), sorted(test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "digits.csv"))
    ap.add_argument("--results", default=os.path.join(root, "target", "grad-results", "results.json"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--seeds", default="1,2,3")
    args = ap.parse_args()

    from sklearn.neural_network import MLPClassifier
    import warnings
    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    raw = np.loadtxt(args.data, delimiter=",", skiprows=1)
    x, y = raw[:, :-1], raw[:, -1].astype(int)
    accs, per_epoch = [], []
    for seed in [int(s) for s in args.seeds.split(",")]:
        tr, te = split(y, 0.8, seed)
        exported = os.path.join(os.path.dirname(args.results), f"split_seed{seed}.json")
        if os.path.exists(exported):
            with open(exported) as f:
                e = json.load(f)
            if e["train"] != tr or e["test"] != te:
                sys.exit(f"the split of seed {seed} differs from bra's ({exported})")
            print(f"seed {seed}: split identical to bra's export ({len(tr)} train, {len(te)} test)")
        lo, hi = x[tr].min(axis=0), x[tr].max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        scale = lambda a: np.where(hi > lo, np.clip((a - lo) / span, 0.0, 1.0), 0.0)
        clf = MLPClassifier(
            hidden_layer_sizes=(args.hidden,),
            solver="adam",
            learning_rate_init=1e-3,
            batch_size=16,
            max_iter=args.epochs,
            n_iter_no_change=args.epochs + 1,
            random_state=seed,
        )
        t0 = time.perf_counter()
        clf.fit(scale(x[tr]), y[tr])
        wall = time.perf_counter() - t0
        acc = clf.score(scale(x[te]), y[te])
        accs.append(acc)
        per_epoch.append(wall / clf.n_iter_)
        print(f"seed {seed}: MLPClassifier 64-{args.hidden}-10 test accuracy {acc:.4f}, {wall / clf.n_iter_ * 1e3:.1f} ms/epoch ({clf.n_iter_} epochs)")
    sk_acc, sk_t = float(np.median(accs)), float(np.median(per_epoch))
    print(f"\nscikit-learn MLPClassifier (backprop, Adam): median test accuracy {sk_acc:.4f}, {sk_t * 1e3:.1f} ms/epoch\n")
    if not os.path.exists(args.results):
        print(f"(no {args.results}: run the Rust harness first to print bra's figures beside)")
        return
    with open(args.results) as f:
        rows = json.load(f)
    print(f"{'bra variant':<20}{'acc':>8}{'s/epoch':>10}{'acc / sklearn':>15}{'time / sklearn':>16}")
    print(f"{'sklearn MLP (ref.)':<20}{sk_acc:>8.4f}{sk_t:>10.3f}{1.0:>15.3f}{1.0:>16.1f}")
    for r in rows:
        # Training time per epoch (without the per-epoch evaluation), as for scikit-learn.
        a = r["median_test_accuracy"]
        t = r.get("median_train_s_per_epoch", r["median_wall_s_per_epoch"])
        print(f"{r['variant']:<20}{a:>8.4f}{t:>10.3f}{a / sk_acc:>15.3f}{t / sk_t:>16.1f}")


if __name__ == "__main__":
    main()
