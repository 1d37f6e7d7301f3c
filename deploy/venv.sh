#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment .venv and install a pinned requirements
# file into it:   bash deploy/venv.sh requirements.txt      (the app)
#                 bash deploy/venv.sh requirements-dev.txt  (the app, tests and benchmarks)
# Stock Debian refuses `pip install` into the system Python (externally-managed-environment)
# and ships `venv` without ensurepip, so python3-venv is installed first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
python="${PYTHON:-python3}"

if ! "$python" -c "import ensurepip, venv" >/dev/null 2>&1; then
  echo "== apt-get install python3-venv"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv </dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== $python -m venv .venv"
  "$python" -m venv .venv
fi
echo "== .venv/bin/pip install -r $requirements"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements" </dev/null
