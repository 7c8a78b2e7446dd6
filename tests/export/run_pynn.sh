#!/usr/bin/env bash
# Run an exported PyNN script with PyNN's NEST backend: run_pynn.sh SCRIPT OUTDIR.
# Uses $BRA_PYNN_VENV (default: target/pynn-venv), creating it with
# `python3 -m venv` and installing the pinned versions below when needed.
# Exit 77 when PyNN cannot be installed (no pip or no network): the caller skips.
#
# Versions: PyPI has one NEST wheel, nest-simulator 3.10.0, and PyNN 0.13.0 is the
# release whose NEST backend imports and runs with it (it needs NEST >= 3.4; older
# PyNN releases expect NEST 3.4-3.8 interfaces). On import, pyNN.nest tries to
# build its optional C++ extensions (stochastic synapses) with nest-config, which
# the wheel does not ship: it warns "Unable to build extensions" and carries on;
# bra's exports use no extension. numpy < 2.4 as for every venv of this repo
# (brian2 2.9 fails with 2.4; NEST 3.10 works with 2.3).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BRA_PYNN_VENV:-$here/target/pynn-venv}"
pins=(pynn==0.13.0 nest-simulator==3.10.0 'numpy<2.4')
if ! "$venv/bin/python" -c "import pyNN.nest" >/dev/null 2>&1; then
  python3 -m venv "$venv" >/dev/null 2>&1 || { echo "SKIP: python3 -m venv failed"; exit 77; }
  "$venv/bin/pip" install -q "${pins[@]}" >&2 || { echo "SKIP: pip install ${pins[*]} failed (no network?)"; exit 77; }
fi
export BRA_PYNN_SIMULATOR="${BRA_PYNN_SIMULATOR:-nest}"
exec "$venv/bin/python" "$1" "$2"
