//! `eˣ` without branches or tables, for the `fast-math` feature.
//!
//! The method is `libm::expf`'s, with a polynomial where it divides:
//!
//! 1. `x = k·ln 2 + r` with `k = round(x / ln 2)` and `|r| <= ln 2 / 2`.
//!    `k` comes from the shift trick: adding `1.5·2²³` rounds `x·log2(e)` to
//!    an integer, whose low bits are `k`; no float-to-int conversion. `r` is
//!    Cody–Waite: `ln 2 = LN2_HI + LN2_LO`, where `LN2_HI` has 15
//!    significant bits, so `k·LN2_HI` and `x - k·LN2_HI` are exact.
//! 2. `eʳ = 1 + s` with `s = r + r²·q(r)` and `q` of degree 4, fitted (by
//!    Lawson's weighted least squares, then rounded to `f32`) for the
//!    relative error of `eʳ` on `[-ln 2 / 2, ln 2 / 2]`: `2^-28.3`.
//! 3. `eˣ = (1 + s)·2^k1·2^k2` with `k1 + k2 = k`: both factors are normal
//!    powers of two, so the first product is exact and the second rounds
//!    once, also when the result is subnormal (as `libm`'s `scalbnf`).
//!
//! `x` is first clamped to `[-104, 89]`, which keeps `k` in `[-150, 129]`,
//! and the results outside `libm`'s thresholds are then replaced by `+inf`
//! and `0` with selects, so that overflow and underflow happen at exactly
//! the same inputs as `libm::expf`. NaN is never clamped (a comparison with
//! NaN is false) and runs through the arithmetic to a NaN result.
//!
//! Against `libm::expf` over all 2³² inputs: at most 1 step apart. Every
//! operation is an IEEE `f32` operation, so the result is the same on every
//! target; integer operations wrap, so nothing can panic.

/// `log2(e)`, rounded to `f32`.
const LOG2_E: f32 = core::f32::consts::LOG2_E;
/// `1.5·2²³`: added to `|v| < 2²²`, it leaves `round(v)` in the low bits.
const SHIFT: f32 = 12_582_912.0;
/// `ln 2` to 15 significant bits (`0x3f317200`), so `k·LN2_HI` is exact for
/// `|k| < 512`.
const LN2_HI: f32 = 0.693_145_75;
/// `ln 2 - LN2_HI` (`0x35bfbe8e`).
const LN2_LO: f32 = 1.428_606_8e-6;
/// `libm::expf` overflows to `+inf` from here on (`0x42b17218`).
const OVERFLOW: f32 = 88.722_84;
/// `libm::expf` is exactly `0` from here down (`0xc2cff1b5`).
const UNDERFLOW: f32 = -103.972_084;
/// `q(r) = Q2 + r·(Q3 + r·(Q4 + r·(Q5 + r·Q6)))`, near `1/2!, ..., 1/6!`.
const Q2: f32 = 0.499_999_94;
const Q3: f32 = 0.166_665_21;
const Q4: f32 = 0.041_668_39;
const Q5: f32 = 0.008_368_716;
const Q6: f32 = 0.001_381_460_3;

/// `(k, s)` with `v = k·ln 2 + r` and `eʳ = 1 + s`, for `|v| <= 2²¹`
/// (callers clamp). `s` is `expm1(r)`, accurate to its own rounding, which
/// [`super::tanh`] uses for `expm1(v) = 2^k·s + (2^k - 1)`.
#[inline(always)]
pub(super) fn reduce(v: f32) -> (i32, f32) {
    let shifted = v * LOG2_E + SHIFT;
    let kf = shifted - SHIFT;
    let k = (shifted.to_bits() as i32).wrapping_sub(SHIFT.to_bits() as i32);
    let r = (v - kf * LN2_HI) - kf * LN2_LO;
    let q = Q2 + r * (Q3 + r * (Q4 + r * (Q5 + r * Q6)));
    (k, r + (r * r) * q)
}

/// `2^k` for `-126 <= k <= 127`, from its bits.
#[inline(always)]
pub(super) fn pow2(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// `eˣ` within 1 ULP of `libm::expf`, with its special values.
#[inline(always)]
pub(super) fn exp(x: f32) -> f32 {
    let v = if x < -104.0 { -104.0 } else { x };
    let v = if v > 89.0 { 89.0 } else { v };
    let (k, s) = reduce(v);
    let k1 = k >> 1;
    let y = (1.0 + s) * pow2(k1) * pow2(k.wrapping_sub(k1));
    let y = if x >= OVERFLOW { f32::INFINITY } else { y };
    if x <= UNDERFLOW {
        0.0
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps between two floats of the same sign (`0` if equal).
    fn steps(a: f32, b: f32) -> u32 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn constants_have_the_documented_bits() {
        assert_eq!(LOG2_E.to_bits(), 0x3fb8_aa3b);
        assert_eq!(LN2_HI.to_bits(), 0x3f31_7200);
        assert_eq!(LN2_LO.to_bits(), 0x35bf_be8e);
        assert_eq!(OVERFLOW.to_bits(), 0x42b1_7218);
        assert_eq!(UNDERFLOW.to_bits(), 0xc2cf_f1b5);
    }

    #[test]
    fn special_values_match_libm() {
        let cases = [
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            OVERFLOW,
            f32::from_bits(OVERFLOW.to_bits() - 1),
            UNDERFLOW,
            f32::from_bits(UNDERFLOW.to_bits() - 1),
            -87.336_55,
            -100.0,
            f32::MAX,
            f32::MIN,
            1e-45,
            -1e-45,
        ];
        for x in cases {
            let (ours, theirs) = (exp(x), libm::expf(x));
            assert!(steps(ours, theirs) <= 1, "{x}: {ours:e} vs {theirs:e}");
            assert_eq!(ours == 0.0, theirs == 0.0, "{x}");
            assert_eq!(ours.is_infinite(), theirs.is_infinite(), "{x}");
        }
        assert!(exp(f32::NAN).is_nan());
        assert!(exp(-f32::NAN).is_nan());
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(f32::NEG_INFINITY).to_bits(), 0);
        assert_eq!(exp(UNDERFLOW).to_bits(), 0);
        assert!(exp(f32::from_bits(UNDERFLOW.to_bits() - 1)) > 0.0);
        assert_eq!(exp(OVERFLOW), f32::INFINITY);
        assert!(exp(f32::from_bits(OVERFLOW.to_bits() - 1)).is_finite());
    }

    #[test]
    fn within_one_step_of_libm_on_a_grid() {
        // The exhaustive proof is `cargo run --release --features fast-math
        // --example accuracy`; this is its smoke test.
        let mut bits = 0_u32;
        while let Some(next) = bits.checked_add(0x0001_0001) {
            let x = f32::from_bits(bits);
            let (ours, theirs) = (exp(x), libm::expf(x));
            if theirs.is_nan() {
                assert!(ours.is_nan(), "{x}");
            } else {
                assert!(steps(ours, theirs) <= 1, "{x}: {ours:e} vs {theirs:e}");
            }
            bits = next;
        }
    }
}
