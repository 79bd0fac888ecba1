#!/usr/bin/env bash
# Creates .venv with the Python oracles the tests compare against (ml_dtypes, numpy).
# With --torch it adds PyTorch too, for the benchmark's baseline (a large install).
# --retries 0: the public index is unreachable on the course machines; pip then uses the local wheels at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
packages=(ml_dtypes numpy)
[ "${1:-}" = "--torch" ] && packages+=(torch)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --retries 0 --disable-pip-version-check "${packages[@]}"
.venv/bin/python -c "import ml_dtypes, numpy; print('python oracles: ml_dtypes', ml_dtypes.__version__, 'numpy', numpy.__version__)"
