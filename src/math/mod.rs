//! The scalar functions behind the activation kernels (`exp`, `sigmoid` and
//! `tanh` on one `f32`) and the pairwise summation of the crate's
//! reductions ([`sum`]; Dense's forward and parameter gradients sum left to
//! right instead).
//!
//! By default they call [`libm`] (`expf`, `tanhf`). Every slice kernel of
//! the crate goes through these functions, so the activations and this
//! module always agree bit for bit.
//!
//! # The `fast-math` feature
//!
//! With the opt-in cargo feature `fast-math`, [`exp`] and [`tanh`] (and so
//! [`sigmoid`], whose formula does not change) are branch-free polynomial
//! approximations with no tables, written so that LLVM vectorises the slice
//! kernels that call them (Sigmoid, Tanh, Softmax): about 26 vector
//! operations for `exp` on a whole vector of elements, instead of a
//! `libm::expf` call of about 60 instructions per element. They are plain
//! IEEE `f32` additions, multiplications, divisions and bit operations (no
//! fused multiply-add, no platform intrinsics), so they give the same bits
//! on every target, software floating point included.
//!
//! Their accuracy, measured on all 2³² inputs (`cargo run --release
//! --example accuracy`), in ULP of the f32 result against an f64 reference:
//!
//! | function | default (`libm`) | `fast-math` |
//! |---|---|---|
//! | [`exp`] | ≤ 0.92 | ≤ 0.98, and at most 1 step from `libm::expf` (0.2 % of the inputs differ); NaN, `±inf`, the overflow (`x >= 88.72284` → `+inf`) and underflow (`x <= -103.972084` → `0`) thresholds and the subnormal range exactly as `libm` |
//! | [`sigmoid`], outputs `>= 2⁻¹²⁶` | ≤ 2.49 | ≤ 2.49 |
//! | [`tanh`] | ≤ 2.19 | ≤ 1.99 |
//!
//! On a target with SIMD registers the feature also runs Softmax rows of
//! fewer than 16 elements as 16-lane blocks, with the same bits as one row
//! at a time (see `src/activations/softmax/lanes.rs`). The reductions are
//! NumPy's pairwise [`sum`] with or without the feature.

#[cfg(feature = "fast-math")]
mod exp;
mod sum;
#[cfg(feature = "fast-math")]
mod tanh;

pub use sum::sum;
pub(crate) use sum::{sum_of, Stream};

/// `eˣ`, by `libm::expf` (or, with the `fast-math` feature, a vectorisable
/// polynomial within 1 ULP of it).
///
/// NaN → NaN; `+inf` → `+inf`; `-inf` → `0`; overflows to `+inf` from
/// `x = 88.72284` and is exactly `0` from `x = -103.972084` down, with
/// subnormal results in between `-103.97` and `-87.34`.
///
/// ```
/// assert_eq!(vanillanets::math::exp(0.0), 1.0);
/// assert_eq!(vanillanets::math::exp(f32::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
#[must_use]
pub fn exp(x: f32) -> f32 {
    #[cfg(not(feature = "fast-math"))]
    {
        libm::expf(x)
    }
    #[cfg(feature = "fast-math")]
    {
        exp::exp(x)
    }
}

/// The logistic sigmoid `1 / (1 + exp(-x))`, evaluated in that order with
/// [`exp`].
///
/// NaN → NaN; `x < -88.72` → exactly `0` (`exp(-x)` overflows); `x > 16.64`
/// → exactly `1`; every finite input gives a value in `[0, 1]`.
///
/// ```
/// assert_eq!(vanillanets::math::sigmoid(0.0), 0.5);
/// assert_eq!(vanillanets::math::sigmoid(-1000.0), 0.0);
/// ```
#[inline(always)]
#[must_use]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// The hyperbolic tangent, by `libm::tanhf` (or, with the `fast-math`
/// feature, a vectorisable approximation of the same method).
///
/// NaN → NaN; `±inf` → `±1`; `±0` keep their sign; exactly `±1` past
/// `|x| ≈ 9.01`.
///
/// ```
/// assert_eq!(vanillanets::math::tanh(f32::INFINITY), 1.0);
/// assert_eq!(vanillanets::math::tanh(-0.0).to_bits(), (-0.0_f32).to_bits());
/// ```
#[inline(always)]
#[must_use]
pub fn tanh(x: f32) -> f32 {
    #[cfg(not(feature = "fast-math"))]
    {
        libm::tanhf(x)
    }
    #[cfg(feature = "fast-math")]
    {
        tanh::tanh(x)
    }
}
