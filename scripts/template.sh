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
#   bash scripts/template.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
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
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    # Another apt may be running: wait for it instead of failing on the lock.
    for _ in $(seq 300); do pgrep -x 'apt|apt-get|dpkg' >/dev/null || break; sleep 2; done
    echo "installing: ${missing[*]}"
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
        install -y -qq --no-install-recommends "${missing[@]}"
fi

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

step "done in $((SECONDS - T0)) s; outputs in $OUT"
