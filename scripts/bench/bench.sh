#!/usr/bin/env bash
# Compares Nexo's analytics with NetworkX and igraph (see compare.py).
# Usage: bash scripts/bench/bench.sh [--sizes 1000,10000,100000] [...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
	python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
exec "$here/.venv/bin/python" "$here/compare.py" "$@"
