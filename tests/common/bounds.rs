//! The error bounds and saturation thresholds of `math::exp`, `sigmoid` and
//! `tanh`, as measured over all 2³² inputs by `examples/accuracy.rs`. One
//! copy, included with `#[path]` by that sweep, by `tests/accuracy.rs` and by
//! the fuzz harness, so the three always hold the crate to the same figures.
//! The values depend on the crate's `fast-math` feature, which each includer
//! forwards.
#![allow(dead_code)]

use super::ulp::TINY;

/// Whether the crate is built with its `fast-math` feature.
pub const FAST_MATH: bool = cfg!(feature = "fast-math");

/// `default` without the `fast-math` feature, `fast_math` with it.
const fn by_feature(default: f64, fast_math: f64) -> f64 {
    if FAST_MATH {
        fast_math
    } else {
        default
    }
}

/// `default` without the `fast-math` feature, `fast_math` with it.
const fn by_feature_f32(default: f32, fast_math: f32) -> f32 {
    if FAST_MATH {
        fast_math
    } else {
        default
    }
}

/// Largest distance, in `f32` steps, between `math::exp` and `libm::expf`.
pub const EXP_MAX_STEPS_VS_LIBM: f64 = by_feature(0.0, 1.0);
/// Largest ULP error of `math::exp` against `f64::exp`.
pub const EXP_MAX_ULP: f64 = by_feature(0.92, 0.98);
/// Largest ULP error of `math::sigmoid` where the reference is a normal
/// `f32` (`r >= 2⁻¹²⁶`).
pub const SIGMOID_MAX_ULP: f64 = by_feature(2.5, 2.5);
/// Largest absolute error of `math::sigmoid` where the reference is below
/// `2⁻¹²⁶`: the flush to exactly `0` once `exp(-x)` overflows, where the
/// reference is still a subnormal.
pub const SIGMOID_SUBNORMAL_MAX_ABS: f64 = by_feature(3.0e-39, 3.0e-39);
/// Largest ULP error of `math::tanh`, everywhere.
pub const TANH_MAX_ULP: f64 = by_feature(2.2, 1.99);
/// Smallest `x` with `sigmoid(x) == 1`.
pub const SIGMOID_ONE_FROM: f32 = by_feature_f32(16.635532, 16.635532);
/// Largest `x` with `sigmoid(x) == 0`.
pub const SIGMOID_ZERO_UP_TO: f32 = by_feature_f32(-88.72284, -88.72284);
/// Smallest `x` with `tanh(x) == 1` (and `tanh(-x) == -1`).
pub const TANH_ONE_FROM: f32 = by_feature_f32(9.010914, 9.010914);
/// Softmax: the absolute floor added to the documented relative bound
/// `(|x_j - m| + k + 4) · u`, for subnormal outputs.
pub const SOFTMAX_ABS_FLOOR: f64 = 2.0 * TINY;
