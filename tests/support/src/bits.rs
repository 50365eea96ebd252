//! Bit patterns of `f32` values: for "bit for bit", for "nothing changed",
//! and for walking the floats one at a time.

/// The exact bits of each element: for "bit for bit" and for "nothing
/// changed" after an error.
pub fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The bits with every NaN made one NaN: for "bit for bit" between two
/// computations of one value. Rust does not specify NaN payloads (a `*` with
/// a NaN operand may return either operand's payload, and the compiler may
/// commute it), so two forms of one kernel can differ there and only there.
pub fn canon(v: &[f32]) -> Vec<u32> {
    v.iter()
        .map(|x| if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() })
        .collect()
}

/// Same bits, or both NaN (NaN payloads are not part of the contract).
pub fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Each element as `f64` (exact).
pub fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

/// The `f32` just above `x` (`-0` and `+0` both step to `2⁻¹⁴⁹`); NaN and
/// `+inf` stay as they are.
pub fn next_up(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        x
    } else if x == 0.0 {
        f32::from_bits(1)
    } else if x.is_sign_negative() {
        f32::from_bits(x.to_bits() - 1)
    } else {
        f32::from_bits(x.to_bits() + 1)
    }
}

/// The `f32` just below `x`.
pub fn next_down(x: f32) -> f32 {
    -next_up(-x)
}
