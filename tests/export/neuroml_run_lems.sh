#!/usr/bin/env bash
# Load a LEMS simulation with jNeuroML (the jar that pyNeuroML ships) and run
# it, or only load and build it with -norun: neuroml_run_lems.sh LEMS_FILE [-norun].
# Output files land beside the LEMS file. Uses $BRA_NML_VENV (default:
# target/nml-venv), creating it with `python3 -m venv` and
# `pip install pyneuroml` when needed.
# Exit 77 when pyNeuroML or Java is unavailable (no pip, no network, no java:
# apt-get install -y default-jre-headless): the caller skips.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${BRA_NML_VENV:-$here/target/nml-venv}"
command -v java >/dev/null 2>&1 || { echo "SKIP: java not found (apt-get install -y default-jre-headless)"; exit 77; }
if ! [ -x "$venv/bin/jnml" ]; then
  python3 -m venv "$venv" >/dev/null 2>&1 || { echo "SKIP: python3 -m venv failed"; exit 77; }
  "$venv/bin/pip" install -q pyneuroml >&2 || { echo "SKIP: pip install pyneuroml failed (no network?)"; exit 77; }
fi
cd "$(dirname "$1")"
exec "$venv/bin/jnml" "$(basename "$1")" "${2:--nogui}"
