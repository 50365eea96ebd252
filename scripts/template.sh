#!/usr/bin/env bash
# The firmware template (examples/cortex-m) on an emulated Cortex-M4F
# (QEMU mps2-an386): builds both binaries and runs them through the
# template's own cargo runner, then checks that
#   - both exit with success (each exits with a failure on any error),
#   - `train` reached its training-accuracy goal (90 %),
#   - the parameters `train` exports are, bit for bit, the committed
#     src/params.rs (training is deterministic), so `infer` runs exactly
#     what training produces.
# Installs the Debian packages it needs when missing, and uses the rustup
# target instead where that target is installed, as scripts/firmware.sh
# does. Exits non-zero on any failure.
#
#   bash scripts/template.sh            # CI
#   bash scripts/template.sh --stack    # also the stack high-water marks (paint-stack build)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=packages.sh
source "$HERE/packages.sh"
REPO=$(cd "$HERE/.." && pwd)
TPL=$REPO/examples/cortex-m
T=thumbv7em-none-eabihf
OUT=${OUT_DIR:-$TPL/target/template-out}
LLD=/usr/lib/llvm-19/bin/ld.lld
NICE=(nice -n 10)
GOAL=90

# RUSTFLAGS from the caller (e.g. -Dwarnings in CI) would replace the
# template's [target] rustflags (-Tlink.x) and rebuild core for nothing.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS RUSTC RUSTC_WRAPPER RUSTC_BOOTSTRAP CARGO_TARGET_DIR

mkdir -p "$OUT"
T0=$SECONDS
step() { printf '\n=== [%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

# ---------------------------------------------------------------- toolchain
RUSTUP=no
if command -v rustup >/dev/null 2>&1 &&
    (cd "$TPL" && rustup target list --installed 2>/dev/null) | grep -qx "$T"; then
    RUSTUP=yes
fi

step "packages"
pkgs=(qemu-system-arm)
[ "$RUSTUP" = yes ] || pkgs+=(rustc-web cargo-web rust-web-src lld-19)
install_missing "${pkgs[@]}"

# The README's two ways: the rustup toolchain if it has the target, else
# Debian's rustc with -Zbuild-std=core and ld.lld-19.
if [ "$RUSTUP" = yes ]; then
    echo "$T: rustup toolchain"
    CARGO=("$(dirname "$(command -v rustup)")/cargo")
    BUILD_STD=()
else
    echo "$T: /usr/bin/rustc $(/usr/bin/rustc -V | cut -d' ' -f2) + -Zbuild-std=core + ld.lld-19"
    CARGO=(env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
           CARGO_TARGET_THUMBV7EM_NONE_EABIHF_LINKER="$LLD" /usr/bin/cargo)
    BUILD_STD=(-Zbuild-std=core)
fi

# ---------------------------------------------------------------- build
step "build (release, both binaries)"
T_BUILD=$SECONDS
(cd "$TPL" && "${NICE[@]}" "${CARGO[@]}" build "${BUILD_STD[@]}" --release --locked --bins)
echo "build: $((SECONDS - T_BUILD)) s"

# ---------------------------------------------------------------- run
run() {  # run BIN -> $OUT/BIN.txt, through the template's runner (QEMU); fails on non-zero exit
    local rc=0
    (cd "$TPL" && timeout 120 "${CARGO[@]}" run "${BUILD_STD[@]}" --release --locked --bin "$1") \
        </dev/null >"$OUT/$1.txt" 2>"$OUT/$1.err" || rc=$?
    cat "$OUT/$1.txt"
    [ "$rc" = 0 ] || { cat "$OUT/$1.err"; die "$1: exit $rc (124 = timeout)"; }
}

step "run train"
run train
read -r correct samples < <(sed -n 's|^training accuracy: \([0-9]*\)/\([0-9]*\),.*|\1 \2|p' "$OUT/train.txt")
[ -n "${samples:-}" ] || die "train printed no training accuracy"
((correct * 100 >= GOAL * samples)) || die "train: accuracy $correct/$samples is below $GOAL %"
echo "training accuracy $correct/$samples: goal $GOAL % reached"

step "the exported parameters are the committed src/params.rs"
sed -n '/^\/\/ begin src\/params.rs$/,/^\/\/ end src\/params.rs$/p' "$OUT/train.txt" |
    sed '1d;$d' >"$OUT/params.rs"
[ -s "$OUT/params.rs" ] || die "train exported no parameters"
diff -u "$TPL/src/params.rs" "$OUT/params.rs" ||
    die "src/params.rs differs from what train exports: cp $OUT/params.rs $TPL/src/params.rs"
echo "identical ($(grep -c from_bits "$OUT/params.rs") parameters)"

step "run infer (the committed parameters, from flash)"
run infer
grep -q '^accuracy on [0-9]* fresh points: ' "$OUT/infer.txt" || die "infer printed no accuracy"

# ---------------------------------------------------------------- stack
# The stack's high-water mark, without unsafe code in the template: the
# paint-stack feature makes cortex-m-rt paint the stack with 0xCCCC_CCCC at
# reset and the program halt where it would exit; QEMU's monitor then saves
# the RAM and the deepest overwritten word below _stack_start is counted.
# (Its own target directory: the same binaries' names with other features.)
if [ "${1:-}" != --stack ]; then
    step "done in $((SECONDS - T0)) s (bash scripts/template.sh --stack also measures the stack)"
    exit 0
fi
step "stack high-water marks (--features paint-stack)"
PAINT_DIR=$TPL/target/paint-stack
(cd "$TPL" && "${NICE[@]}" "${CARGO[@]}" build "${BUILD_STD[@]}" --release --locked --bins \
    --features paint-stack --target-dir "$PAINT_DIR")
stack_used() {  # stack_used BIN: prints "BIN: stack N B of M B painted"
    local elf=$PAINT_DIR/$T/release/$1 sock=$OUT/$1.monitor rc=0
    rm -f "$sock" "$OUT/$1.ram"
    timeout 120 qemu-system-arm -cpu cortex-m4 -machine mps2-an386 -nographic \
        -semihosting-config enable=on,target=native -monitor "unix:$sock,server,nowait" \
        -kernel "$elf" </dev/null >"$OUT/$1.paint.txt" 2>&1 &
    local pid=$!
    python3 - "$sock" "$OUT/$1.paint.txt" "$OUT/$1.ram" <<'PY' || rc=$?
import socket, sys, time
sock, log, dump = sys.argv[1:]
for _ in range(1200):  # the program prints "halted (...)" when done
    time.sleep(0.1)
    text = open(log, errors="replace").read()
    if "halted (" in text:
        break
else:
    sys.exit("no 'halted' line: " + text[-500:])
if "halted (ok)" not in text:
    sys.exit("the program failed: " + text[-500:])
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
# The monitor runs one command after the other; QEMU closes the socket on quit.
s.sendall(f'pmemsave 0x20000000 0x400000 "{dump}"\nquit\n'.encode())
while s.recv(4096):
    pass
PY
    ((rc == 0)) || kill "$pid" 2>/dev/null || true
    wait "$pid" || true
    ((rc == 0)) || die "$1: stack measurement failed"
    local start end
    start=$(nm "$elf" | awk '$3 == "_stack_start" {print $1}')
    end=$(nm "$elf" | awk '$3 == "_stack_end" {print $1}')
    python3 - "$OUT/$1.ram" "$start" "$end" "$1" <<'PY'
import struct, sys
dump, start, end, name = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), sys.argv[4]
ram = open(dump, "rb").read()
base = 0x20000000
words = struct.unpack(f"<{(start - end) // 4}I", ram[end - base:start - base])
deepest = next(i for i, w in enumerate(words) if w != 0xCCCCCCCC)
print(f"{name}: stack {start - (end + 4 * deepest)} B of {start - end} B painted")
PY
    rm -f "$OUT/$1.ram"
}
for b in train infer; do stack_used "$b"; done | tee "$OUT/stack.txt"

step "done in $((SECONDS - T0)) s; outputs in $OUT"
