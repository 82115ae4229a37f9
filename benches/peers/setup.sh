#!/usr/bin/env bash
# Create benches/peers/.venv with a pinned SimPy. Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SIMPY_VERSION="4.1.2"

if [[ ! -x "$here/.venv/bin/python" ]]; then
    python3 -m venv "$here/.venv"
fi
if ! "$here/.venv/bin/python" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
    "$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION"
fi
echo "simpy $("$here/.venv/bin/python" -c 'import simpy; print(simpy.__version__)') in $here/.venv"
