#!/usr/bin/env bash
# Fuzzing smoke run: every target for a short while (30 s each by default),
# starting from the committed seeds. Exits non-zero on any crash, panic or
# failed invariant. Runs from any directory.
#
#   bash fuzz/smoke.sh            # 30 s per target
#   SECONDS_PER_TARGET=600 bash fuzz/smoke.sh
#
# Needs a nightly toolchain (`cargo +nightly`); installs cargo-fuzz with
# `cargo install` if it is missing. New corpus entries go to a temporary
# directory, so the committed corpus stays as it is.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
secs="${SECONDS_PER_TARGET:-30}"
targets=(activations buffer losses model)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$fuzz_dir"
echo "==> building the fuzz targets"
cargo +nightly fuzz build

failed=()
for t in "${targets[@]}"; do
    echo "==> fuzzing $t for ${secs} s"
    mkdir -p "$work/$t"
    if cargo +nightly fuzz run "$t" "$work/$t" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 >"$work/$t.log" 2>&1; then
        grep -E '^stat::number_of_executed_units' "$work/$t.log" | sed "s/^/    $t: /" || true
    else
        echo "!!! $t failed; its output ends with:"
        tail -n 60 "$work/$t.log"
        failed+=("$t")
    fi
done

if ((${#failed[@]})); then
    echo "==> fuzz smoke run FAILED: ${failed[*]} (crash inputs are in $fuzz_dir/artifacts/)"
    exit 1
fi
echo "==> fuzz smoke run passed"
