"""Vogels & Abbott (2005) CUBA network in bra, Brian2 (cpp_standalone) and NEST.

Each run is a fresh process (Brian2 with a fresh project folder); each
configuration runs --repeat times (default 3; once when a run takes over
60 s), the tools taking turns (bra, Brian2, NEST, bra, ...) so that a
change in the shared machine's speed affects them alike, and the table
shows the median. "time to result" is a process's wall time,
from start to spikes written (compilation included), "run" is the
simulation phase as the tool itself reports it. Peak memory is the maximum
resident set of the process (GNU time). The network, in every tool:

  N LIF neurons, 80 % excitatory; tau_m 20 ms, E_L -49 mV, V_th -50 mV,
  V_reset -60 mV, refractory 5 ms; exponential current synapses, tau 5 ms
  (E) and 10 ms (I); weights 1.62 mV and -9 mV as jumps of the synaptic
  variable (Brian's ge += we; NEST pA = mV * C_m / tau_m); connections
  with p = 0.02 (N = 4000, 16000) or fixed in-degree 80 (64 E + 16 I) at
  N = 64000; delay one step; dt 0.1 ms; v uniform in [V_reset, V_th].
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRA = os.environ.get("BRA_BIN") or os.path.join(ROOT, "target", "release", "bra")
BRA = BRA if os.path.isabs(BRA) else os.path.join(ROOT, BRA)
PY = sys.executable


def timed(cmd, env=None, cwd=None):
    """Run cmd under GNU time; return (wall seconds, peak RSS bytes, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed:\n{p.stderr[-2000:]}")
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb * 1024, p.stdout


def bra_spec(n, duration, indegree):
    ne, ni = int(n * 0.8), n - int(n * 0.8)
    if indegree:
        ce, ci = f"fixed_indegree(k: {int(indegree * 0.8)})", f"fixed_indegree(k: {indegree - int(indegree * 0.8)})"
    else:
        ce = ci = "fixed_probability(p: 0.02)"
    return textwrap.dedent(f"""
    project CUBA "CUBA benchmark" {{ tlf = "sustain activity", roi = [Net], allow = [SCID901] }}
    reference va2005 {{ doi = "10.1523/JNEUROSCI.3508-05.2005", type = Article }}
    circuit Net {{
      circuit E {{ uniform, transmitter = Glutamate, modulation = Excitatory }}
      circuit I {{ uniform, transmitter = GABA, modulation = Inhibitory }}
    }}
    connection E -> Net {{ reference = va2005 }}
    connection I -> Net {{ reference = va2005 }}
    component E {{
      neurons = lif(tau_m: 20 ms, v_rest: -49 mV, v_th: -50 mV, v_reset: -60 mV, t_ref: 5 ms) * {ne}
      v_init = uniform(low: -60 mV, high: -50 mV)
    }}
    component I {{
      neurons = lif(tau_m: 20 ms, v_rest: -49 mV, v_th: -50 mV, v_reset: -60 mV, t_ref: 5 ms) * {ni}
      v_init = uniform(low: -60 mV, high: -50 mV)
    }}
    flow E -> E {{ connect = {ce}, weight = 1.62 mV, delay = 0.1 ms, synapse = exponential(tau: 5 ms) }}
    flow E -> I {{ connect = {ce}, weight = 1.62 mV, delay = 0.1 ms, synapse = exponential(tau: 5 ms) }}
    flow I -> E {{ connect = {ci}, weight = -9 mV, delay = 0.1 ms, synapse = exponential(tau: 10 ms) }}
    flow I -> I {{ connect = {ci}, weight = -9 mV, delay = 0.1 ms, synapse = exponential(tau: 10 ms) }}
    function sustain "sustain activity" {{ parts = [E, I] }}
    simulate {{ duration = {duration} s, dt = 0.1 ms, seed = 1, record = [spikes(E, I)] }}
    """)


def run_bra(n, duration, indegree, tmp, threads=2):
    spec = os.path.join(tmp, f"cuba_{n}.bra")
    with open(spec, "w") as f:
        f.write(bra_spec(n, duration, indegree))
    out = os.path.join(tmp, f"bra_{n}_{duration}")
    wall, rss, _ = timed([BRA, "simulate", spec, "-o", out, "--threads", str(threads)])
    s = json.load(open(os.path.join(out, "summary.json")))
    spikes = sum(p["spikes"] for p in s["populations"])
    return dict(ttr=wall, run=s["run_wall_s"], spikes=spikes, rate=spikes / (n * duration), rss=rss,
                bps=s["synapse_bytes"] / max(s["synapses"], 1))


BRIAN = r'''
import json, sys, time, numpy as np
from brian2 import *
n, duration, indegree, outdir = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
set_device("cpp_standalone", directory=outdir)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1*ms
taum, taue, taui = 20*ms, 5*ms, 10*ms
Vt, Vr, El = -50*mV, -60*mV, -49*mV
eqs = """dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt"""
P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5*ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
ne = int(0.8*n)
we, wi = (60*0.27/10)*mV, (-20*4.5/10)*mV
Ce = Synapses(P, P, on_pre="ge += we")
Ci = Synapses(P, P, on_pre="gi += wi")
if indegree:
    rng = np.random.default_rng(1)
    ke = int(indegree*0.8); ki = indegree - ke
    post = np.repeat(np.arange(n), ke); pre = rng.integers(0, ne, size=n*ke)
    Ce.connect(i=pre, j=post)
    post = np.repeat(np.arange(n), ki); pre = rng.integers(ne, n, size=n*ki)
    Ci.connect(i=pre, j=post)
else:
    Ce.connect("i<ne", p=0.02)
    Ci.connect("i>=ne", p=0.02)
s_mon = SpikeMonitor(P)
run(duration*second)
print(json.dumps(dict(run=device._last_run_time, spikes=int(s_mon.num_spikes))))
'''

NEST = r'''
import json, sys, time, numpy as np
n, duration, indegree, threads = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
import nest
nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": threads, "rng_seed": 1})
ne = int(0.8*n)
params = dict(tau_m=20.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0, C_m=250.0,
              tau_syn_ex=5.0, tau_syn_in=10.0, I_e=0.0)
P = nest.Create("iaf_psc_exp", n, params=params)
P.V_m = nest.random.uniform(-60.0, -50.0)
E, I = P[:ne], P[ne:]
scale = 250.0/20.0  # pA per mV of the synaptic variable: C_m / tau_m
we, wi = 1.62*scale, -9.0*scale
if indegree:
    ke = int(indegree*0.8); ki = indegree - ke
    nest.Connect(E, P, {"rule": "fixed_indegree", "indegree": ke}, {"weight": we, "delay": 0.1})
    nest.Connect(I, P, {"rule": "fixed_indegree", "indegree": ki}, {"weight": wi, "delay": 0.1})
else:
    nest.Connect(E, P, {"rule": "pairwise_bernoulli", "p": 0.02}, {"weight": we, "delay": 0.1})
    nest.Connect(I, P, {"rule": "pairwise_bernoulli", "p": 0.02}, {"weight": wi, "delay": 0.1})
rec = nest.Create("spike_recorder")
nest.Connect(P, rec)
t0 = time.perf_counter()
nest.Simulate(duration*1000.0)
run = time.perf_counter() - t0
ev = rec.get("events")
np.save(sys.argv[5], np.asarray(ev["times"]))
print(json.dumps(dict(run=run, spikes=int(len(ev["times"])))))
'''


def run_py(script, args, tmp, n, duration):
    path = os.path.join(tmp, "peer.py")
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    wall, rss, out = timed([PY, path] + [str(a) for a in args], env=env, cwd=tmp)
    r = json.loads(out.strip().splitlines()[-1])
    return dict(ttr=wall, run=r["run"], spikes=r["spikes"], rate=r["spikes"] / (n * duration), rss=rss, bps=None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="N = 4000, 1 s only")
    ap.add_argument("--no-nest2", action="store_true", help="skip NEST with 2 threads (slow on a loaded 2-core machine)")
    ap.add_argument("--no-nest", action="store_true", help="skip NEST altogether")
    ap.add_argument("--only", action="append", metavar="N:T",
                    help="run only this configuration (neurons:seconds, e.g. 64000:10); repeatable")
    ap.add_argument("--json", help="also write the rows to this file")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per tool and configuration; the table shows medians (a run over 60 s is not repeated)")
    args = ap.parse_args()
    configs = [(4000, 1.0, 0)] if args.quick else [
        (4000, 1.0, 0), (4000, 10.0, 0), (16000, 1.0, 0), (16000, 10.0, 0), (64000, 1.0, 80), (64000, 10.0, 80)]
    if args.only:
        want = set()
        for o in args.only:
            try:
                n, t = o.split(":")
                want.add((int(n), float(t)))
            except ValueError:
                sys.exit(f"--only {o}: expected neurons:seconds, e.g. 64000:10")
        configs = [c for c in configs if (c[0], c[1]) in want]
        if not configs:
            sys.exit("--only matches none of 4000:1 4000:10 16000:1 16000:10 64000:1 64000:10")
    rows = []
    hdr = f"{'N':>6} {'T/s':>4} {'tool':<18} {'runs':>4} {'result/s':>9} {'run/s':>8} {'spikes':>9} {'rate/Hz':>8} {'peak MB':>8} {'B/syn':>6} {'result÷bra':>10} {'run÷bra':>8}"
    print(hdr)
    print("-" * len(hdr), flush=True)

    def show(r):
        bps = f"{r['bps']:.1f}" if r["bps"] else "-"
        print(f"{r['n']:>6} {r['duration']:>4.0f} {r['tool']:<18} {r['runs']:>4} {r['ttr']:>9.2f} {r['run']:>8.2f} {r['spikes']:>9} "
              f"{r['rate']:>8.2f} {r['rss']/2**20:>8.0f} {bps:>6} {r['ttr_ratio']:>10.2f} {r['run_ratio']:>8.2f}", flush=True)

    def medians(tools):
        """Run every tool up to args.repeat times, interleaved (bra, Brian2,
        NEST, bra, Brian2, ...), so that a change in the shared machine's
        speed during the command affects every tool alike; a tool whose
        first run takes over 60 s runs once. Per tool: the run with the
        median time to result, its median run phase, and how many runs."""
        runs = {name: [] for name in tools}
        for k in range(max(args.repeat, 1)):
            for name, run in tools.items():
                rs = runs[name]
                if rs is None or (k > 0 and rs[0]["ttr"] >= 60):
                    continue
                try:
                    rs.append(run())
                except Exception as e:  # report, do not hide
                    print(f"{name} failed: {e}", file=sys.stderr)
                    runs[name] = None
        out = {}
        for name, rs in runs.items():
            if not rs:
                continue
            rs.sort(key=lambda r: r["ttr"])
            r = dict(rs[len(rs) // 2])
            phase = sorted(x["run"] for x in rs)
            r["run"] = phase[len(phase) // 2]
            r["runs"] = len(rs)
            out[name] = r
        return out

    for n, duration, indeg in configs:
        with tempfile.TemporaryDirectory() as tmp:
            tools = {
                "bra (2 thr)": lambda: run_bra(n, duration, indeg, tmp),
                "bra (1 thr)": lambda: run_bra(n, duration, indeg, tmp, threads=1),
                # A fresh project folder each run: compilation is part of the time to result.
                "Brian2 standalone": lambda: run_py(
                    BRIAN, [n, duration, indeg, tempfile.mkdtemp(prefix="brian", dir=tmp)], tmp, n, duration),
            }
            for th in (() if args.no_nest else (1,) if args.no_nest2 else (1, 2)):
                tools[f"NEST ({th} thr)"] = (lambda th=th: run_py(
                    NEST, [n, duration, indeg, th, os.path.join(tmp, "nest.npy")], tmp, n, duration))
            res = medians(tools)
            if "bra (2 thr)" not in res:
                sys.exit(f"bra failed for N={n}")
            base = res["bra (2 thr)"]
            for tool, r in res.items():
                row = dict(n=n, duration=duration, tool=tool, **r,
                           ttr_ratio=r["ttr"] / base["ttr"], run_ratio=r["run"] / base["run"])
                rows.append(row)
                show(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
