#!/usr/bin/env bash
# One command for the speed comparison of README: installs Brian2 and NEST
# from PyPI into bench/.venv, builds bra in release mode, runs the
# Vogels-Abbott CUBA network in all three and prints one table.
#
#   bench/run.sh            # full matrix: N = 4000, 16000 (p = 0.02), 64000 (in-degree 80); 1 s and 10 s
#   bench/run.sh --quick    # N = 4000, 1 s only
#   bench/run.sh --repeat 5 # runs per tool and configuration (median shown; default 3)
#   bench/run.sh --only 64000:10 --no-nest   # one configuration, bra and Brian2 only
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
# brian2 2.9 fails to import with numpy 2.4 (ndarray.ptp was removed).
bench/.venv/bin/pip install -q 'brian2>=2.9' 'numpy<2.4' 'nest-simulator>=3.6'
# Brian2's standalone build compiles with -march=native; give bra the same
# instruction set (a separate target folder keeps the portable build intact).
RUSTFLAGS="-C target-cpu=native" cargo build --release -q -p bra-cli --target-dir target/native
BRA_BIN=target/native/release/bra exec bench/.venv/bin/python bench/cuba.py "$@"
