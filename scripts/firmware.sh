#!/usr/bin/env bash
# Proves vanillanets on microcontrollers (tests/firmware):
#   - builds the test firmware for thumbv7em-none-eabihf, thumbv7m-none-eabi and
#     thumbv6m-none-eabi, runs it under QEMU mps2-an386 (Cortex-M4F) and
#     mps2-an385 (Cortex-M3), twice each, and checks that every result's bits
#     equal the host's (tests/firmware_parity.rs) and the other targets';
#   - reports each kernel's cost in instructions per element (qemu -icount);
#   - links three firmware whose panic handler calls an undefined symbol
#     (src/proof.rs: every public function, an inference firmware, a training
#     firmware), so any reachable panic fails the link, at opt-levels 3 and
#     "s" (and, in the default build, 2 and "z") on thumbv7em and thumbv6m,
#     and checks that a deliberate panic does fail it;
#   - builds the library for riscv32imac-unknown-none-elf;
#   - prints the crate's flash and static RAM at opt-level "s", and an
#     Error's flash by how it is printed (code, message, Display, Debug).
# Installs the Debian packages it needs when missing, and uses the rustup
# target instead wherever that target is installed. Exits non-zero on any
# failure.
#
#   bash scripts/firmware.sh [--features fast-math]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=packages.sh
source "$HERE/packages.sh"
REPO=$(cd "$HERE/.." && pwd)
FW=$REPO/tests/firmware
LIB=$REPO
FEATURES=()                           # e.g. --features fast-math
[ "${1:-}" = --features ] && FEATURES=(--features "$2")
OUT=${OUT_DIR:-$FW/target/fw-out${2:+-$2}}
LLD=/usr/lib/llvm-19/bin/ld.lld
NICE=(nice -n 10)
PANIC_SYM=__panic_path_survived_optimisation_see_tests_firmware

export CARGO_TARGET_DIR=$FW/target
# RUSTFLAGS from the caller (e.g. -Dwarnings in CI) would rebuild core for nothing.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS RUSTC RUSTC_WRAPPER RUSTC_BOOTSTRAP

mkdir -p "$OUT"
T0=$SECONDS
step() { printf '\n=== [%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

# ---------------------------------------------------------------- toolchain
rustup_has() {   # rustup_has TRIPLE: the rustup toolchain has that target's rust-std
    command -v rustup >/dev/null 2>&1 &&
        (cd "$FW" && rustup target list --installed 2>/dev/null) | grep -qx "$1"
}
RUSTUP_CARGO=
command -v rustup >/dev/null 2>&1 && RUSTUP_CARGO="$(dirname "$(command -v rustup)")/cargo"

ARM_TARGETS=(thumbv7em-none-eabihf thumbv7m-none-eabi thumbv6m-none-eabi)
ALL_TARGETS=("${ARM_TARGETS[@]}" riscv32imac-unknown-none-elf)

# cargo_build TRIPLE ARGS... : rustup toolchain if it has TRIPLE, else Debian rustc + build-std.
cargo_build() {
    local t=$1; shift
    if rustup_has "$t"; then
        "${NICE[@]}" "$RUSTUP_CARGO" build --target "$t" "$@"
    else
        local linker_var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$t")_LINKER"
        env RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 "$linker_var=$LLD" \
            "${NICE[@]}" /usr/bin/cargo build -Zbuild-std=core --target "$t" "$@"
    fi
}

step "packages"
pkgs=(qemu-system-arm binutils)
for t in "${ALL_TARGETS[@]}"; do
    if ! rustup_has "$t"; then pkgs+=(rustc-web cargo-web rust-web-src lld-19); break; fi
done
install_missing "${pkgs[@]}"
for t in "${ALL_TARGETS[@]}"; do
    if rustup_has "$t"; then echo "$t: rustup toolchain"; else echo "$t: /usr/bin/rustc $(/usr/bin/rustc -V | cut -d' ' -f2) + -Zbuild-std=core + ld.lld-19"; fi
done

# ---------------------------------------------------------------- builds
cd "$FW"
for t in thumbv7em-none-eabihf thumbv7m-none-eabi thumbv6m-none-eabi; do
    step "build $t release (kernel, nopanic, size bins)"
    cargo_build "$t" --release --features "nopanic${FEATURES[1]:+,${FEATURES[1]}}"
done

step "no-panic negative control: a deliberate bounds check must fail the link"
if cargo_build thumbv7em-none-eabihf --release --features nopanic,canary --bin nopanic \
        >"$OUT/nopanic-canary.log" 2>&1; then
    die "canary linked: the no-panic check does not detect panics"
fi
grep -q "undefined symbol: $PANIC_SYM" "$OUT/nopanic-canary.log" ||
    { cat "$OUT/nopanic-canary.log"; die "canary failed for another reason"; }
echo "canary link failed as expected (undefined symbol: $PANIC_SYM)"
# (the nopanic binaries built above without `canary` linked: that is the proof)

# The size profile (opt-level "s") also links the no-panic proofs.
PROOF_BINS=(--bin nopanic --bin nopanic_infer --bin nopanic_train)
for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
    step "build $t profile size (size bins, no-panic proofs at opt-level s)"
    cargo_build "$t" --profile size --bin size_base --bin size_lib "${PROOF_BINS[@]}" \
        --features "nopanic${FEATURES[1]:+,${FEATURES[1]}}"
done

# The other opt-levels firmware is built at: the proofs must link there too
# (inlining differs, so a panic path the optimiser removes at 3 can survive
# at "s" or "z"). Default build only, for CI's time.
if [ ${#FEATURES[@]} -eq 0 ]; then
    for prof in proof-2 proof-z; do
        for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
            step "no-panic proofs: $t profile $prof"
            cargo_build "$t" --profile "$prof" "${PROOF_BINS[@]}" --features nopanic
        done
    done
fi

step "build library alone for riscv32imac-unknown-none-elf (no cortex-m-rt there)"
(cd "$LIB" && cargo_build riscv32imac-unknown-none-elf --release --lib "${FEATURES[@]}")

# ---------------------------------------------------------------- QEMU
qemu() {  # qemu NAME CPU MACHINE ELF  -> $OUT/NAME.txt, fails on non-zero exit
    local rc=0
    timeout 60 qemu-system-arm -cpu "$2" -machine "$3" -nographic \
        -semihosting-config enable=on,target=native -icount shift=0 \
        -kernel "$4" </dev/null >"$OUT/$1.txt" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$OUT/$1.txt"; die "$1: qemu exit $rc (124 = timeout)"; }
}
check_calib() {  # 200000 instructions must be 5000 +- 1 ticks (40 instr/tick)
    local n
    n=$(sed -n 's/^calib ticks(200000 instr) = //p' "$OUT/$1.txt")
    [ -n "$n" ] && [ "$n" -ge 4999 ] && [ "$n" -le 5001 ] || die "$1: calibration $n ticks, expected 5000"
}

R=target
for board in "an386 cortex-m4 thumbv7em-none-eabihf" "an385 cortex-m3 thumbv7m-none-eabi" \
             "an385 cortex-m3 thumbv6m-none-eabi"; do
    read -r m cpu t <<<"$board"
    step "run $t on mps2-$m"
    qemu "kernel-$t" "$cpu" "mps2-$m" "$R/$t/release/kernel"
    qemu "kernel-$t.run2" "$cpu" "mps2-$m" "$R/$t/release/kernel"
    cmp -s "$OUT/kernel-$t.txt" "$OUT/kernel-$t.run2.txt" ||
        { diff "$OUT/kernel-$t.txt" "$OUT/kernel-$t.run2.txt"; die "$t: two runs differ"; }
    check_calib "kernel-$t"
    for p in nopanic nopanic_infer nopanic_train; do
        qemu "$p-$t" "$cpu" "mps2-$m" "$R/$t/release/$p"
        grep -qx 'nopanic ok' "$OUT/$p-$t.txt" || die "$p-$t: no 'nopanic ok'"
    done
    grep -q '^suite done$' "$OUT/kernel-$t.txt" || die "kernel-$t: suite did not finish"
    grep -E '^(calib|cost) ' "$OUT/kernel-$t.txt"
done

step "results: bit-identical across targets and to the host"
for t in thumbv7m-none-eabi thumbv6m-none-eabi; do
    diff <(grep -Ev '^(calib|cost) ' "$OUT/kernel-thumbv7em-none-eabihf.txt") \
         <(grep -Ev '^(calib|cost) ' "$OUT/kernel-$t.txt") ||
        die "results differ between thumbv7em-none-eabihf and $t"
done
echo "$(grep -cEv '^(calib|cost) ' "$OUT/kernel-thumbv7em-none-eabihf.txt") result lines identical on thumbv7em, thumbv7m and thumbv6m"
# The host runs the same suite (tests/firmware/src/suite.rs) and compares.
(cd "$REPO" && env -u CARGO_TARGET_DIR VANILLANETS_FIRMWARE_OUTPUT="$OUT/kernel-thumbv7em-none-eabihf.txt" \
    "${NICE[@]}" cargo test --quiet --test firmware_parity "${FEATURES[@]}")
# ...and so does a host build for this CPU (AVX-512 here): no FMA contraction
# or wider vectors may change a bit.
(cd "$REPO" && env -u CARGO_TARGET_DIR VANILLANETS_FIRMWARE_OUTPUT="$OUT/kernel-thumbv7em-none-eabihf.txt" \
    RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR="$REPO/target/native" \
    "${NICE[@]}" cargo test --quiet --test firmware_parity "${FEATURES[@]}")

# ---------------------------------------------------------------- sizes
elf_mem() {  # elf_mem ELF -> "FLASH RAM" in bytes (RAM = .data + .bss + .uninit, stack excluded)
    local flash=0 ram=0 name type addr off size es flg rest
    while read -r name type addr off size es flg rest; do
        [[ $flg == *A* ]] || continue
        if [[ $type == NOBITS ]]; then
            ram=$((ram + 16#$size))
        else
            flash=$((flash + 16#$size))   # .vector_table .text .rodata + .data's load image
            if [[ $flg == *W* ]] || ((16#$addr >= 0x20000000)); then ram=$((ram + 16#$size)); fi
        fi
    done < <(readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p')
    echo "$flash $ram"
}
step "sizes (opt-level s): library = size_lib - size_base"
{
    printf '%-24s %10s %10s %10s %10s %10s %10s\n' target flash_base flash_lib flash_delta ram_base ram_lib ram_delta
    for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
        read -r fb rb < <(elf_mem "$R/$t/size/size_base")
        read -r fl rl < <(elf_mem "$R/$t/size/size_lib")
        printf '%-24s %10d %10d %10d %10d %10d %10d\n' "$t" "$fb" "$fl" $((fl - fb)) "$rb" "$rl" $((rl - rb))
    done
} | tee "$OUT/sizes.txt"

step "an Error's flash by how it is printed (M4F, opt-level s): err_* - err_base"
ERR_BINS=(err_base err_code err_message err_display err_debug)
cargo_build thumbv7em-none-eabihf --profile size "${ERR_BINS[@]/#/--bin=}" "${FEATURES[@]}"
{
    printf '%-12s %-34s %8s %8s\n' firmware 'prints the Error through' flash delta
    read -r eb _ < <(elf_mem "$R/thumbv7em-none-eabihf/size/err_base")
    for b in "${ERR_BINS[@]}"; do
        case $b in
            err_base) how='(a fixed line instead)' ;;
            err_code) how='Error::code, two hex digits' ;;
            err_message) how='Error::message, write_all' ;;
            err_display) how='Display, writeln!' ;;
            err_debug) how='Debug, writeln!' ;;
        esac
        read -r f _ < <(elf_mem "$R/thumbv7em-none-eabihf/size/$b")
        printf '%-12s %-34s %8d %8d\n' "$b" "$how" "$f" $((f - eb))
    done
} | tee "$OUT/error-sizes.txt"
# An Error printed through its code costs under 200 B of flash on the M4F
# (docs/firmware.md), default build.
if [ ${#FEATURES[@]} -eq 0 ]; then
    code=$(awk '$1 == "err_code" { print $NF }' "$OUT/error-sizes.txt")
    echo "an Error printed through its code: $code B (limit 200 B)"
    # A failed measurement (no line, or an ELF that did not read) must not pass.
    [[ $code =~ ^[0-9]+$ ]] && ((code > 0)) || die "no error size measured for err_code: '$code'"
    ((code < 200)) || die "printing an Error's code takes $code B, over 200 B"
fi

step "cost per element, instructions (qemu -icount shift=0, 16 x 16 batches)"
python3 "$HERE/cost_table.py" "$OUT" | tee "$OUT/costs.md"

# ---------------------------------------------------------------- training
# On-device training (tests/firmware/src/training.rs, src/bin/train.rs):
# two nets train from static memory in shuffled mini-batches; every epoch's
# loss and the final parameters, and the predictions of the exported spiral
# weights run with Network::predict (src/bin/infer.rs), must be the same
# bits on all three targets and on the host (tests/firmware_training.rs).
# The train firmware also measures its costs, stack and memory, and fails
# if an accuracy goal is missed or a plain-loop kernel (src/plain.rs)
# changes a bit. Built by the release step above; see docs/firmware.md.
T_TRAIN=$SECONDS
NOT_RESULTS='^(calib|cost|mem|stack) '
for board in "an386 cortex-m4 thumbv7em-none-eabihf" "an385 cortex-m3 thumbv7m-none-eabi" \
             "an385 cortex-m3 thumbv6m-none-eabi"; do
    read -r m cpu t <<<"$board"
    step "train and infer: $t on mps2-$m"
    qemu "train-$t" "$cpu" "mps2-$m" "$R/$t/release/train"
    grep -qx 'training done' "$OUT/train-$t.txt" || die "train-$t: training did not finish"
    check_calib "train-$t"
    qemu "infer-$t" "$cpu" "mps2-$m" "$R/$t/release/infer"
    grep -qx 'inference done' "$OUT/infer-$t.txt" || die "infer-$t: inference did not finish"
    grep -E '^(spiral|circle) evaluate|^stack .*fit' "$OUT/train-$t.txt"
done

step "training and inference: bit-identical across targets and to the host"
for t in thumbv7m-none-eabi thumbv6m-none-eabi; do
    for f in train infer; do
        diff <(grep -Ev "$NOT_RESULTS" "$OUT/$f-thumbv7em-none-eabihf.txt") \
             <(grep -Ev "$NOT_RESULTS" "$OUT/$f-$t.txt") ||
            die "$f: results differ between thumbv7em-none-eabihf and $t"
    done
done
echo "$(grep -cEv "$NOT_RESULTS" "$OUT/train-thumbv7em-none-eabihf.txt") training lines and" \
     "$(grep -cEv "$NOT_RESULTS" "$OUT/infer-thumbv7em-none-eabihf.txt") inference lines identical on thumbv7em, thumbv7m and thumbv6m"
# The host trains and predicts with the same code and compares, in a
# baseline build and one for this CPU.
(cd "$REPO" && env -u CARGO_TARGET_DIR \
    VANILLANETS_TRAINING_OUTPUT="$OUT/train-thumbv7em-none-eabihf.txt" \
    VANILLANETS_INFERENCE_OUTPUT="$OUT/infer-thumbv7em-none-eabihf.txt" \
    "${NICE[@]}" cargo test --quiet --test firmware_training "${FEATURES[@]}" -- --nocapture)
(cd "$REPO" && env -u CARGO_TARGET_DIR \
    VANILLANETS_TRAINING_OUTPUT="$OUT/train-thumbv7em-none-eabihf.txt" \
    VANILLANETS_INFERENCE_OUTPUT="$OUT/infer-thumbv7em-none-eabihf.txt" \
    RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR="$REPO/target/native" \
    "${NICE[@]}" cargo test --quiet --test firmware_training "${FEATURES[@]}")

step "training and inference firmware: flash and RAM (opt-level s)"
SIZE_BINS=(train infer infer_size infer_size_match infer_size_static)
for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
    cargo_build "$t" --profile size "${SIZE_BINS[@]/#/--bin=}" "${FEATURES[@]}"
    nm -S --size-sort -C "$R/$t/size/infer_size" >"$OUT/infer_size-$t.nm"
done
{
    printf '%-24s %-18s %10s %10s %12s\n' target firmware flash ram flash-base
    for t in thumbv7em-none-eabihf thumbv6m-none-eabi; do
        read -r fb _ < <(elf_mem "$R/$t/size/size_base")
        for b in "${SIZE_BINS[@]}"; do
            read -r f r < <(elf_mem "$R/$t/size/$b")
            printf '%-24s %-18s %10d %10d %12d\n' "$t" "$b" "$f" "$r" $((f - fb))
        done
        read -r f r < <(elf_mem "$R/$t/release/train")
        printf '%-24s %-18s %10d %10d %12d\n' "$t" "train (opt 3)" "$f" "$r" $((f - fb))
    done
    echo "(flash-base: minus size_base; infer_size* hold the 396 B of weights)"
} | tee "$OUT/training-sizes.txt"
# The 2-16-3 inference firmware's crate code stays within its limit on the
# M4F (docs/firmware.md, "Flash"), default build. The goal is 4 KiB; it is
# 4 264 B with the Dense kernels of src/layers/kernels.rs (one forward tile
# of 8 lanes, single columns for the rest), so the limit is 4.25 KiB.
LIMIT=4352
if [ ${#FEATURES[@]} -eq 0 ]; then
    read -r fb _ < <(elf_mem "$R/thumbv7em-none-eabihf/size/size_base")
    read -r finfer _ < <(elf_mem "$R/thumbv7em-none-eabihf/size/infer_size")
    code=$((finfer - fb - 396))
    ((fb > 0 && finfer > fb)) || die "inference size not measured (base $fb B, firmware $finfer B)"
    echo "crate code of the 2-16-3 inference firmware (M4F): $code B (limit $LIMIT B)"
    ((code <= LIMIT)) || die "inference crate code $code B is over $LIMIT B"
fi

step "training costs (qemu -icount shift=0)"
python3 "$HERE/training_table.py" "$OUT" | tee "$OUT/training.md"

# Every cost above repeats exactly: hold each to its committed budget
# (tests/firmware/budgets.txt), default build. Fails past +10 %, naming
# the cost with its old and new figure; after a deliberate change,
# `python3 scripts/budgets.py update "$OUT"` and commit the file with it.
if [ ${#FEATURES[@]} -eq 0 ]; then
    step "instruction budgets (Cortex-M4F): within 10 % of tests/firmware/budgets.txt"
    python3 "$HERE/budgets.py" check "$OUT"
fi
echo "training steps: $((SECONDS - T_TRAIN)) s"

step "done; outputs in $OUT"
