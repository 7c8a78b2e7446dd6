"""Load the outputs of `bra simulate` and compute what a paper needs.

    bra simulate specs/cuba.bra -o out
    python3 examples/analyse_run.py out

Needs numpy (and matplotlib for the optional figure).
"""
import json
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "out"
summary = json.load(open(f"{out}/summary.json"))
print(f"{summary['simulated_s']} s simulated, outcome {summary['outcome']['status']}")
for pop in summary["populations"]:
    name = pop["name"]
    t = np.load(f"{out}/spikes/{name}.times.npy")  # seconds
    i = np.load(f"{out}/spikes/{name}.ids.npy")    # neuron index
    # Population rate in 5 ms bins, and its dominant frequency.
    width = 0.005
    rate, _ = np.histogram(t, bins=np.arange(0, summary["simulated_s"] + width, width))
    rate = rate / (pop["size"] * width)
    spectrum = np.abs(np.fft.rfft(rate - rate.mean())) ** 2
    freqs = np.fft.rfftfreq(len(rate), width)
    peak = freqs[1:][spectrum[1:].argmax()] if len(rate) > 2 else float("nan")
    print(f"{name:<12} {pop['mean_rate_hz']:7.2f} Hz  CV {pop['cv_isi']}  "
          f"{len(np.unique(i))}/{pop['size']} neurons fired  rate peak at {peak:.1f} Hz")
