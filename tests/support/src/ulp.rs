//! Error measurement in units in the last place of `f32`, and distances in
//! `f32` steps. It measures; it never calls the crate.
//!
//! ULP error is `|y - r| / ulp(r)`, with `r` the `f64` reference (not
//! rounded) and `ulp(r)` the spacing of the `f32` values in the binade of
//! `r`: `2^(e - 23)` for `2^e <= |r| < 2^(e + 1)`, `e >= -126`, and the
//! subnormal spacing `2⁻¹⁴⁹` for `|r| < 2⁻¹²⁶`. A result that is `r`
//! correctly rounded to `f32` has error at most 0.5.

/// The unit roundoff of `f32`, `2⁻²⁴`.
pub const U: f64 = 1.0 / 16_777_216.0;
/// The smallest positive subnormal `f32`, `2⁻¹⁴⁹`.
pub const TINY: f64 = 1.401_298_464_324_817e-45;
/// The smallest positive normal `f32`, `2⁻¹²⁶`.
pub const MIN_NORMAL: f64 = 1.175_494_350_822_287_5e-38;

/// The `f32` spacing in the binade of `r`: `2^(e-23)` for normal `|r|`,
/// `2⁻¹⁴⁹` below `2⁻¹²⁶`.
pub fn ulp_at(r: f64) -> f64 {
    let a = r.abs();
    if a < MIN_NORMAL {
        return TINY;
    }
    let e = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    2.0_f64.powi(e - 23)
}

/// `|y - r| / ulp(r)`; 0 when `y` and `r` are both NaN or equal infinities,
/// and infinite when only one is NaN. A reference beyond the `f32` range
/// counts as correct when `y` is `r` rounded to `f32` (an infinity).
pub fn ulp_err(y: f32, r: f64) -> f64 {
    if y.is_nan() || r.is_nan() {
        return if y.is_nan() && r.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if y.is_infinite() || r.abs() > f64::from(f32::MAX) {
        return if y == r as f32 { 0.0 } else { f64::INFINITY };
    }
    (f64::from(y) - r).abs() / ulp_at(r)
}

/// `f32` bits mapped to integers in the order of the values (`-0` and `+0`
/// one step apart).
pub fn ordered(x: f32) -> i64 {
    let b = x.to_bits();
    if b & 0x8000_0000 != 0 {
        -i64::from(b & 0x7fff_ffff) - 1
    } else {
        i64::from(b)
    }
}

/// Distance in `f32` steps; 0 for two NaNs, `u64::MAX` for one.
pub fn steps(a: f32, b: f32) -> u64 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0,
        (false, false) => ordered(a).abs_diff(ordered(b)),
        _ => u64::MAX,
    }
}

/// The IEEE class of an `f32`, for "the same NaN, infinity, zero and
/// subnormal results" between two implementations of one function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Nan,
    Infinite,
    Zero,
    Subnormal,
    Normal,
}

/// The class of `v`.
pub fn class(v: f32) -> Class {
    if v.is_nan() {
        Class::Nan
    } else if v.is_infinite() {
        Class::Infinite
    } else if v == 0.0 {
        Class::Zero
    } else if v.is_subnormal() {
        Class::Subnormal
    } else {
        Class::Normal
    }
}
