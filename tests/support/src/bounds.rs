//! The error bounds and saturation thresholds of `math::exp`, `sigmoid` and
//! `tanh`, as measured over all 2³² inputs by `examples/accuracy.rs`, and
//! the documented error bound of Softmax. One copy, for that sweep, for
//! `tests/accuracy.rs` and for the fuzz harness, so the three always hold
//! the crate to the same figures.
//!
//! The figures depend on the crate's `fast-math` feature. This crate has no
//! features: each caller picks the figures of its own build,
//!
//! ```ignore
//! use vanillanets_test::Bounds;
//! const BOUNDS: Bounds = Bounds::of(cfg!(feature = "fast-math"));
//! ```
//!
//! and forwards `fast-math` to the crate (the crate's own tests and
//! examples get it from the crate; the fuzz crate has a feature that
//! forwards it).

use crate::ulp::{TINY, U};

/// The measured figures of one build of the crate's `math` module.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Whether these are the `fast-math` build's figures.
    pub fast_math: bool,
    /// Largest distance, in `f32` steps, between `math::exp` and
    /// `libm::expf` (an `f64`, so that comparing with the default build's
    /// 0 is not a comparison with `u64::MIN`).
    pub exp_max_steps_vs_libm: f64,
    /// Largest ULP error of `math::exp` against `f64::exp`.
    pub exp_max_ulp: f64,
    /// Largest ULP error of `math::sigmoid` where the reference is a normal
    /// `f32` (`r >= 2⁻¹²⁶`).
    pub sigmoid_max_ulp: f64,
    /// Largest absolute error of `math::sigmoid` where the reference is
    /// below `2⁻¹²⁶`: the flush to exactly `0` once `exp(-x)` overflows,
    /// where the reference is still a subnormal.
    pub sigmoid_subnormal_max_abs: f64,
    /// Largest ULP error of `math::tanh`, everywhere.
    pub tanh_max_ulp: f64,
    /// Smallest `x` with `sigmoid(x) == 1`.
    pub sigmoid_one_from: f32,
    /// Largest `x` with `sigmoid(x) == 0`.
    pub sigmoid_zero_up_to: f32,
    /// Smallest `x` with `tanh(x) == 1` (and `tanh(-x) == -1`).
    pub tanh_one_from: f32,
}

impl Bounds {
    /// The default build: `libm::expf` and `libm::tanhf`.
    pub const LIBM: Bounds = Bounds {
        fast_math: false,
        exp_max_steps_vs_libm: 0.0,
        exp_max_ulp: 0.92,
        sigmoid_max_ulp: 2.5,
        sigmoid_subnormal_max_abs: 3.0e-39,
        tanh_max_ulp: 2.2,
        sigmoid_one_from: 16.635532,
        sigmoid_zero_up_to: -88.72284,
        tanh_one_from: 9.010914,
    };

    /// The build with the crate's `fast-math` feature: its polynomial `exp`
    /// and `tanh`.
    pub const FAST_MATH: Bounds = Bounds {
        fast_math: true,
        exp_max_steps_vs_libm: 1.0,
        exp_max_ulp: 0.98,
        sigmoid_max_ulp: 2.5,
        sigmoid_subnormal_max_abs: 3.0e-39,
        tanh_max_ulp: 1.99,
        sigmoid_one_from: 16.635532,
        sigmoid_zero_up_to: -88.72284,
        tanh_one_from: 9.010914,
    };

    /// [`Bounds::FAST_MATH`] if `fast_math`, else [`Bounds::LIBM`]: pass
    /// `cfg!(feature = "fast-math")` of the calling crate.
    pub const fn of(fast_math: bool) -> Bounds {
        if fast_math {
            Bounds::FAST_MATH
        } else {
            Bounds::LIBM
        }
    }
}

/// Softmax: the absolute floor added to the documented relative bound
/// ([`softmax_rel_bound`]), for subnormal outputs.
pub const SOFTMAX_ABS_FLOOR: f64 = 2.0 * TINY;

/// Softmax's documented relative error bound for output `j` of a row of `k`
/// elements with maximum `m`: `(|x_j - m| + k + 4) · u`.
pub fn softmax_rel_bound(x_j: f64, m: f64, k: usize) -> f64 {
    ((x_j - m).abs() + k as f64 + 4.0) * U
}

/// Softmax's documented bound on `|Σ_j y_j - 1|` for a row of `k`
/// elements: `k · 2u`.
pub fn softmax_sum_bound(k: usize) -> f64 {
    k as f64 * 2.0 * U
}
