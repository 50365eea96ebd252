#!/usr/bin/env bash
# The benchmark tables (ns/element and × memcpy, see benches/report.rs) for
# the four builds: default and `fast-math`, each for the baseline target
# and for `-C target-cpu=native`. Arguments go to the report, e.g.
#
#   bash scripts/bench.sh                       # all sizes, all kernels
#   bash scripts/bench.sh --sizes 100000 --filter softmax
#
# Timings only: nothing here asserts on them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

run() { # label target-dir rustflags features...
    local label=$1 dir=$2 flags=$3
    shift 3
    printf '\n# %s\n' "$label"
    env RUSTFLAGS="$flags" CARGO_TARGET_DIR="$dir" \
        nice -n 10 cargo bench -q --bench report "$@" -- "${ARGS[@]}"
}

ARGS=("$@")
run "default build" target/bench ""
run "--features fast-math" target/bench "" --features fast-math
run "default build, -C target-cpu=native" target/bench-native "-C target-cpu=native"
run "--features fast-math, -C target-cpu=native" target/bench-native "-C target-cpu=native" \
    --features fast-math
