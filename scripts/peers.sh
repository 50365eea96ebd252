#!/usr/bin/env bash
# The same-run comparison with the peers: VanillaNets 1.0.1 on
# NumPy, PyTorch on one thread, and this crate in two builds (default, and
# fast-math with -C target-cpu=native), on the same data and shapes, the
# sides interleaved over several rounds. Prints one markdown table of
# kernels (ns/element) and training epochs (ms/epoch), with medians,
# min-max spreads and ratios to the best peer, then the CPU, the vector
# width, the BLAS kernel, the threads and the load (scripts/peers.py).
#
#   bash scripts/peers.sh                 # 7 rounds: about 2 minutes once built
#   bash scripts/peers.sh --rounds 3      # arguments go to scripts/peers.py
#   PEERS_TORCH=0 bash scripts/peers.sh   # NumPy / VanillaNets only
#
# Builds a venv under target/peers-venv with numpy (>= 2.3), vanillanets
# 1.0.1, threadpoolctl and torch from the package index. torch as published
# for Linux x86-64 is the CUDA build: about 3.0 GB of wheels (torch 540 MB,
# the NVIDIA libraries and triton the rest), 5.4 GB installed; only its CPU
# side is used. CI does not run this. Timings only: nothing is asserted.
#
# Environment: PYTHON (default python3) builds the venv; PEERS_VENV moves
# it; PEERS_TORCH=0 leaves torch out; PEERS_NICE (default 10) is the nice
# level of the installs, the builds and the run. Wait for a quiet machine
# (`uptime` below 1 on 2 cores) before a run whose numbers you keep.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=${PEERS_VENV:-target/peers-venv}
level=${PEERS_NICE:-10}
niced() { nice -n "$level" "$@"; }

mkdir -p "$(dirname "$venv")"
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
pip=("$py" -m pip install --quiet --disable-pip-version-check)
niced "${pip[@]}" 'numpy>=2.3' 'vanillanets==1.0.1' threadpoolctl
torch_args=()
if [ "${PEERS_TORCH:-1}" = 0 ]; then
    torch_args=(--no-torch)
elif ! "$py" -c 'import torch' 2>/dev/null; then
    echo "installing torch: about 3.0 GB of wheels (CUDA build; only its CPU side is used)" >&2
    niced "${pip[@]}" torch
fi

# The crate's bench binary (benches/epochs.rs) in one configuration: prints
# its path. Each configuration has its own target folder, so that neither
# rebuilds the other nor waits on the main target folder's lock.
build() { # dir rustflags cargo-args...
    local dir=$1 flags=$2
    shift 2
    RUSTFLAGS="$flags" CARGO_TARGET_DIR="$dir" niced cargo bench --bench epochs \
        --no-run --message-format=json "$@" |
        "$py" -c '
import json, sys
paths = [m["executable"] for m in map(json.loads, sys.stdin)
         if m.get("reason") == "compiler-artifact" and m.get("executable")
         and m["target"]["name"] == "epochs"]
print(paths[-1])'
}
echo "building the crate's bench binary (default; fast-math + native)" >&2
default_bin=$(build target/peers-default "")
native_bin=$(build target/peers-native "-C target-cpu=native" --features fast-math)

# NumPy's side: the OpenBLAS overrides of this machine removed for this
# command only, every BLAS / OpenMP pool at one thread (threadpoolctl also
# limits it from inside).
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    PEERS_PARENT_OPENBLAS="OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-(unset)}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-(unset)}" \
    PEERS_LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)" \
    nice -n "$level" "$py" scripts/peers.py \
    --crate "fast-math + native=$native_bin" \
    --crate "default=$default_bin" \
    --command "bash scripts/peers.sh $*" \
    "${torch_args[@]}" "$@"
