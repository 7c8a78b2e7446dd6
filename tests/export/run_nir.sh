#!/usr/bin/env bash
# Run a Python script with the `nir` package: run_nir.sh SCRIPT [ARGS...].
# Uses $BRA_NIR_VENV (default: target/nir-venv), creating it with
# `python3 -m venv` and `pip install nir` when needed.
# Exit 77 when nir cannot be installed (no python3 venv, no pip or no
# network): the caller skips.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BRA_NIR_VENV:-$here/target/nir-venv}"
if ! "$venv/bin/python" -c "import nir" >/dev/null 2>&1; then
  python3 -m venv "$venv" >/dev/null 2>&1 || { echo "SKIP: python3 -m venv failed"; exit 77; }
  "$venv/bin/pip" install -q nir >&2 || { echo "SKIP: pip install nir failed (no network?)"; exit 77; }
fi
script="$1"
shift
exec "$venv/bin/python" "$script" "$@"
