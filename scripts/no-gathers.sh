#!/usr/bin/env bash
# The codegen gate against gathers and scatters: builds the library for
# x86-64-v4 (AVX-512: any x86 host can compile for it, nothing runs) with
# and without fast-math, and fails if its machine code holds any gather or
# scatter instruction (vgather*, vpgather*, vscatter*, vpscatter*), naming
# the function and the source line. LLVM turns strided loads and stores
# into them on AVX-512, where they are slower than the elements one at a
# time; the Dense kernels are written so that it has none to make
# (src/layers/kernels.rs).
#
#   bash scripts/no-gathers.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=packages.sh
source "$HERE/packages.sh"
cd "$HERE/.."
command -v objdump >/dev/null || install_missing binutils

status=0
for features in "" "fast-math"; do
    dir=target/x86-64-v4
    RUSTFLAGS="-C target-cpu=x86-64-v4 -g" CARGO_TARGET_DIR=$dir \
        cargo build --release --lib --quiet ${features:+--features "$features"}
    found=$(objdump -d -l -C "$dir/release/libvanillanets.rlib" 2>/dev/null |
        awk '/^\/.*:[0-9]+/ { line = $1 }
             /^[0-9a-f]+ <.*>:$/ { fn = $0 }
             /\tv(p)?(gather|scatter)[a-z]+/ { print "  " fn " " line ": " $NF " " $(NF - 1) }')
    count=$(grep -c . <<<"$found" || true)
    echo "x86-64-v4${features:+ + $features}: $count gather/scatter instructions"
    if [ "$count" -gt 0 ]; then
        echo "$found" | sort | uniq -c
        status=1
    fi
done
exit "$status"
