#!/usr/bin/env bash
# Run an exported NEST script: run_nest.sh SCRIPT OUTDIR.
# Uses $BRA_NEST_VENV (default: target/nest-venv), creating it with
# `python3 -m venv` and `pip install nest-simulator 'numpy<2.4'` when needed.
# Exit 77 when NEST cannot be installed (no pip or no network): the caller skips.
# $BRA_NEST_LAUNCH, when set, is put before python (e.g.
# "mpirun --allow-run-as-root --oversubscribe -np 2"); exit 77 when its
# program is missing (mpirun: apt-get install -y openmpi-bin).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BRA_NEST_VENV:-$here/target/nest-venv}"
if [ -x "$here/bench/.venv/bin/python" ] && "$here/bench/.venv/bin/python" -c "import nest" >/dev/null 2>&1 && [ -z "${BRA_NEST_VENV:-}" ]; then
  venv="$here/bench/.venv"
fi
if ! "$venv/bin/python" -c "import nest" >/dev/null 2>&1; then
  python3 -m venv "$venv" >/dev/null 2>&1 || { echo "SKIP: python3 -m venv failed"; exit 77; }
  "$venv/bin/pip" install -q nest-simulator 'numpy<2.4' >&2 || { echo "SKIP: pip install nest-simulator failed (no network?)"; exit 77; }
fi
launch=()
if [ -n "${BRA_NEST_LAUNCH:-}" ]; then
  read -r -a launch <<<"$BRA_NEST_LAUNCH"
  command -v "${launch[0]}" >/dev/null 2>&1 || { echo "SKIP: ${launch[0]} not found (apt-get install -y openmpi-bin)"; exit 77; }
fi
exec "${launch[@]}" "$venv/bin/python" "$1" "$2"
