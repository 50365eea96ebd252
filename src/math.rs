//! The scalar functions behind the activation kernels: `exp`, `sigmoid` and
//! `tanh` on one `f32`.
//!
//! By default they call [`libm`] (`expf`, `tanhf`). Every slice kernel of
//! the crate goes through these functions, so the activations and this
//! module always agree bit for bit.

/// `eˣ`, by `libm::expf`.
///
/// NaN → NaN; `+inf` → `+inf`; `-inf` → `0`; overflows to `+inf` above
/// `x ≈ 88.72` and underflows to `0` below `x ≈ -103.97`.
///
/// ```
/// assert_eq!(vanillanets::math::exp(0.0), 1.0);
/// assert_eq!(vanillanets::math::exp(f32::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
#[must_use]
pub fn exp(x: f32) -> f32 {
    libm::expf(x)
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

/// The hyperbolic tangent, by `libm::tanhf`.
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
    libm::tanhf(x)
}
