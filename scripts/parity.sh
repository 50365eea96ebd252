#!/usr/bin/env bash
# Parity data from the real VanillaNets 1.0.1, the reference the parity
# tests compare against.
#
# Builds a venv under target/parity-venv with numpy (>= 2.3) and
# vanillanets==1.0.1 from the package index, then runs every
# scripts/parity/*.py with that venv's python, from the repository root.
# The scripts write the vectors under tests/data/parity/ that the parity
# tests read (`cargo test --test parity`); commit what they write.
# Each script seeds its own random data, so a rerun with the same NumPy
# writes the same files. The committed files name the NumPy that made them;
# to repeat it exactly: NUMPY_SPEC='numpy==2.4.6' bash scripts/parity.sh
#
# Environment: PYTHON (default python3) builds the venv; PARITY_VENV moves
# it; NUMPY_SPEC overrides the numpy requirement.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=${PARITY_VENV:-target/parity-venv}
numpy_spec=${NUMPY_SPEC:-numpy>=2.3}
start=$(date +%s)

mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check "$numpy_spec" 'vanillanets==1.0.1'
"$py" - <<'EOF'
import sys
from importlib.metadata import version
print(f"python {sys.version.split()[0]}, numpy {version('numpy')}, vanillanets {version('vanillanets')}")
EOF

shopt -s nullglob
scripts=(scripts/parity/*.py)
if [ ${#scripts[@]} -eq 0 ]; then
    echo "no scripts/parity/*.py to run" >&2
    exit 1
fi
for script in "${scripts[@]}"; do
    echo "==> $script"
    "$py" "$script"
done

du -sh tests/data/parity
echo "parity data written in $(($(date +%s) - start)) s; check it with: cargo test --test parity"
