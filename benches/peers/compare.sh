#!/usr/bin/env bash
# Peer comparison: orgsim vs SimPy on M/M/1 and M/M/16 (see README.md).
# Not part of CI. Extra arguments go to compare.py (e.g. --simpy-reps 5).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

[[ -x "$here/.venv/bin/python" ]] || "$here/setup.sh"
(cd "$root" && cargo build --release --quiet)
exec "$here/.venv/bin/python" "$here/compare.py" "$@"
