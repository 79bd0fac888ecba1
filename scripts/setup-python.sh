#!/usr/bin/env bash
# Creates .venv with what the tests use: the Python oracles (ml_dtypes, numpy) and the Jupyter stack the
# lessons are tested with (requirements-jupyter.txt, plus nbclient to execute notebooks).
# With --torch it adds PyTorch too, for the benchmark's baseline (a large install).
# --retries 0: the public index is unreachable on the course machines; pip then uses the local wheels at once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
packages=(ml_dtypes numpy nbclient==0.11.0 -r requirements-jupyter.txt)
[ "${1:-}" = "--torch" ] && packages+=(torch)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --retries 0 --disable-pip-version-check "${packages[@]}"
.venv/bin/python -c "import ml_dtypes, numpy, jupyterlab, nbclient; print('python: ml_dtypes', ml_dtypes.__version__, 'numpy', numpy.__version__, 'jupyterlab', jupyterlab.__version__, 'nbclient', nbclient.__version__)"
