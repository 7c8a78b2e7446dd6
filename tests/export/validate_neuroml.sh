#!/usr/bin/env bash
# Validate a NeuroML 2 file: validate_neuroml.sh FILE.
# Uses $BRA_NML_VENV (default: target/nml-venv), creating it with
# `python3 -m venv` and `pip install pyneuroml` when needed.
# Exit 77 when pyNeuroML or Java is unavailable (no pip, no network, no java):
# the caller skips.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BRA_NML_VENV:-$here/target/nml-venv}"
command -v java >/dev/null 2>&1 || { echo "SKIP: java not found (pynml needs it)"; exit 77; }
if ! [ -x "$venv/bin/pynml" ]; then
  python3 -m venv "$venv" >/dev/null 2>&1 || { echo "SKIP: python3 -m venv failed"; exit 77; }
  "$venv/bin/pip" install -q pyneuroml >&2 || { echo "SKIP: pip install pyneuroml failed (no network?)"; exit 77; }
fi
exec "$venv/bin/pynml" -validate "$1"
