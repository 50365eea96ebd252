#!/usr/bin/env bash
# Instructions per element of every benchmark case, counted by callgrind:
# a noise-free figure, unlike the timings. Each case runs ITERS times at N
# elements inside `measured` (benches/report.rs --callgrind), and only the
# instructions executed inside it, callees included, are counted.
#
#   bash scripts/callgrind.sh                          # default build, N = 100000
#   bash scripts/callgrind.sh --features fast-math [N]
#   RUSTFLAGS="-C target-cpu=x86-64-v3" bash scripts/callgrind.sh --features fast-math
#   bash scripts/callgrind.sh --budgets check     # default build, N = 10000: against
#   bash scripts/callgrind.sh --budgets update    #   benches/budgets-x86.txt (CI checks)
#
# Valgrind has no AVX-512, so `-C target-cpu=native` on an AVX-512 machine
# crashes under it; x86-64-v3 (AVX2, 8 lanes) is the widest it runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=packages.sh
source scripts/packages.sh
install_missing valgrind

FEATURES=()
BUDGETS=
if [ "${1:-}" = --budgets ]; then BUDGETS=$2; shift 2; set -- 10000; fi
if [ "${1:-}" = --features ]; then FEATURES=(--features "$2"); shift 2; fi
N=${1:-100000}
ITERS=${ITERS:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/callgrind${RUSTFLAGS:+-$(tr -c 'a-zA-Z0-9' _ <<<"$RUSTFLAGS")}}

BIN=$(nice -n 10 cargo bench --no-run --bench report "${FEATURES[@]}" 2>&1 |
    sed -n 's/.*Executable benches\/report.rs (\(.*\))/\1/p')
[ -x "$BIN" ] || { echo "no report binary" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

{
printf '\n## Instructions per element (callgrind, N = %s, %s, RUSTFLAGS=%s)\n\n' \
    "$N" "${FEATURES[*]:-default build}" "${RUSTFLAGS:-}"
echo "| kernel | instructions/element |"
echo "|---|---:|"
for c in $("$BIN" --list); do
    valgrind --tool=callgrind --toggle-collect='*measured*' \
        --callgrind-out-file="$OUT/$c.out" "$BIN" --callgrind "$c" "$N" "$ITERS" \
        >/dev/null 2>"$OUT/$c.log" || { echo "| $c | valgrind failed: $(tail -1 "$OUT/$c.log") |"; continue; }
    ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$OUT/$c.out" | head -1)
    [ -n "$ir" ] && [ "$ir" -gt 0 ] || { echo "| $c | no instructions counted |"; continue; }
    awk -v ir="$ir" -v n="$N" -v it="$ITERS" -v c="$c" \
        'BEGIN { printf "| %s | %.2f |\n", c, ir / (n * it) }'
done
} | tee "$OUT/table.md"

# The counts repeat exactly for one toolchain and build: hold them to the
# committed budgets (default build only; another rustc may move them).
if [ -n "$BUDGETS" ]; then
    python3 scripts/budgets.py "$BUDGETS" --x86 "$OUT/table.md"
fi
