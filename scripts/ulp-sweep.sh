#!/usr/bin/env bash
# The exhaustive accuracy proof of vanillanets::math (scripts/ulp-sweep):
# exp, sigmoid and tanh on all 2^32 f32 inputs, without and with the
# `fast-math` feature. A few minutes each on two cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/ulp-sweep"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-../../target/ulp-sweep}
nice -n 10 cargo run -q --release
nice -n 10 cargo run -q --release --features fast-math
