# Shared by scripts/run and scripts/test: make .venv with Python 3.11+ and install the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# True when the interpreter runs and is 3.11 or newer. Its errors are not shown: a name on
# the PATH may be a shim for a version that is not installed (pyenv prints "command not
# found" for those), which only means "try the next one".
python_fits() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

if [ -e .venv ] && ! python_fits .venv/bin/python; then
  echo "The .venv here was made by a Python that is missing now or older than 3.11." >&2
  echo "Remove it (rm -rf .venv) and run this again: it is made afresh." >&2
  exit 1
fi
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_fits "$candidate"; then
      PYTHON=$candidate; break
    fi
  done
fi
[ -n "$PYTHON" ] || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.installed-$(cat pyproject.toml | cksum | cut -d' ' -f1)-$1
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$2"
  touch "$stamp"
fi
