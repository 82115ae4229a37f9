#!/usr/bin/env bash
# Peer comparison of the full model: orgsim vs its SimPy implementation
# (simpy_full.py) on full-model.toml (see README.md). Not part of CI. Extra
# arguments go to compare_full.py (e.g. --simpy-reps 30, --check).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

[[ -x "$here/.venv/bin/python" ]] || "$here/setup.sh"
(cd "$root" && cargo build --release --quiet)
exec "$here/.venv/bin/python" "$here/compare_full.py" "$@"
