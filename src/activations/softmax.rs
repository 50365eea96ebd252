//! Softmax: per-row normalised exponentials, for multiclass outputs.

use super::sealed::Kernel;
use super::Activation;
use crate::shape::{batch_rows, batch_rows_mut};

/// Softmax over each row, for multiclass-classification outputs.
///
/// - forward, per row: `m = max(x)`, `e_j = exp(x_j - m)`,
///   `y_j = e_j / Σ e`, with `libm::expf` and a left-to-right f32 sum;
/// - backward, per row: `dx_i = y_i · (dv_i - Σ_j dv_j · y_j)`. This is the
///   Jacobian product `(diag(y) - y yᵀ) · dv` of the original library in
///   O(cols) work per row instead of O(cols²), equal to it up to rounding.
///
/// Edge values, as NumPy gives them: subtracting the row max makes large
/// inputs safe (`[1000, 1001, 1002]` → `[0.0900306, 0.2447285, 0.6652410]`).
/// A row that is all `-inf`, or holds a `+inf`, or holds any `NaN`, comes out
/// all `NaN`. Each finite row's outputs are in `[0, 1]`.
///
/// Error bounds, with `u = 2⁻²⁴` and `k = cols`: each row sums to 1 within
/// `k · 2u`, and each output is within a relative `(|x_j - m| + k + 4) · u`
/// of the exact softmax of the f32 inputs (the `|x_j - m|` term is the
/// rounding of the f32 subtraction `x_j - m`, magnified by `exp`; NumPy on
/// f32 has the same term). The crate's tests check both on random rows.
///
/// Shapes: `cols == 0` is [`crate::Error::EmptyShape`] (a row needs a class);
/// `rows == 0` is an empty batch.
///
/// ```
/// use vanillanets::activations::{Activation, Softmax};
///
/// let mut y = [0.0_f32; 6];
/// Softmax.forward(&[1000.0, 1001.0, 1002.0, 0.0, 0.0, f32::NAN], 2, 3, &mut y)?;
/// assert!((y[2] - 0.665_241).abs() < 1e-6);
/// assert!(y[3..].iter().all(|v| v.is_nan()));
///
/// // A perfect upstream gradient along the output gives zero.
/// let mut dx = [0.0_f32; 3];
/// Softmax.backward(&[0.5, 0.25, 0.25], &[1.0, 1.0, 1.0], 1, 3, &mut dx)?;
/// assert_eq!(dx, [0.0, 0.0, 0.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softmax;

/// The row maximum, ignoring NaN. A NaN anywhere in the row still makes the
/// whole row NaN through `exp(NaN)` in the sum, so it need not be tracked here;
/// an all `-inf` row keeps `m = -inf` and `-inf - -inf` is NaN, as in NumPy.
#[inline(always)]
fn row_max(x: &[f32]) -> f32 {
    x.iter()
        .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m })
}

/// `y = exp(x - max)` for one row and the sum of `y`; `x` and `y` may be the
/// same values (the in-place form passes a copy-free view through
/// [`exp_row_in_place`]).
#[inline(always)]
fn exp_row(x: &[f32], y: &mut [f32]) -> f32 {
    let m = row_max(x);
    let mut sum = 0.0_f32;
    for (y, &x) in y.iter_mut().zip(x) {
        let e = crate::math::exp(x - m);
        *y = e;
        sum += e;
    }
    sum
}

#[inline(always)]
fn exp_row_in_place(v: &mut [f32]) -> f32 {
    let m = row_max(v);
    let mut sum = 0.0_f32;
    for v in v.iter_mut() {
        let e = crate::math::exp(*v - m);
        *v = e;
        sum += e;
    }
    sum
}

#[inline(always)]
fn normalise(y: &mut [f32], sum: f32) {
    for y in y.iter_mut() {
        *y /= sum;
    }
}

/// `Σ_j dv_j · y_j`, left to right.
#[inline(always)]
fn dot(y: &[f32], dv: &[f32]) -> f32 {
    y.iter().zip(dv).fold(0.0, |s, (&y, &dv)| s + dv * y)
}

impl Kernel for Softmax {
    #[inline]
    fn is_row_wise(&self) -> bool {
        true
    }

    fn forward_raw(&self, x: &[f32], y: &mut [f32], cols: usize) {
        for (x, y) in batch_rows(x, cols).zip(batch_rows_mut(y, cols)) {
            let sum = exp_row(x, y);
            normalise(y, sum);
        }
    }

    fn forward_in_place_raw(&self, v: &mut [f32], cols: usize) {
        for v in batch_rows_mut(v, cols) {
            let sum = exp_row_in_place(v);
            normalise(v, sum);
        }
    }

    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], cols: usize) {
        let pairs = batch_rows(y, cols).zip(batch_rows(dv, cols));
        for ((y, dv), dx) in pairs.zip(batch_rows_mut(dx, cols)) {
            let s = dot(y, dv);
            for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
                *dx = y * (dv - s);
            }
        }
    }

    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], cols: usize) {
        for (y, g) in batch_rows(y, cols).zip(batch_rows_mut(g, cols)) {
            let s = dot(y, g);
            for (g, &y) in g.iter_mut().zip(y) {
                *g = y * (*g - s);
            }
        }
    }
}

impl Activation for Softmax {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn spec_rows() {
        let x = [
            1000.0,
            1001.0,
            1002.0, //
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY, //
            f32::INFINITY,
            0.0,
            1.0, //
            f32::NAN,
            0.0,
            1.0, //
            f32::NEG_INFINITY,
            0.0,
            f32::NEG_INFINITY, //
        ];
        let mut y = [9.0; 15];
        Softmax.forward(&x, 5, 3, &mut y).unwrap();
        // hand-checked in f64: e^-2/(1+e^-1+e^-2), e^-1/(...), 1/(...)
        let expect = [
            0.090_030_573_170_380_46,
            0.244_728_471_054_797_64,
            0.665_240_955_774_821_8,
        ];
        for (got, want) in y[..3].iter().zip(expect) {
            assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
        }
        assert!(y[3..12].iter().all(|v| v.is_nan()), "{y:?}");
        // -inf entries beside a finite max are exact zeros.
        assert_eq!(&y[12..], &[0.0, 1.0, 0.0]);
    }

    #[test]
    fn zero_cols_is_empty_shape_and_zero_rows_is_ok() {
        let mut y: [f32; 0] = [];
        assert_eq!(
            Softmax.forward(&[], 2, 0, &mut y),
            Err(Error::EmptyShape { rows: 2, cols: 0 })
        );
        assert_eq!(
            Softmax.backward_in_place(&[], &mut y, 0, 0),
            Err(Error::EmptyShape { rows: 0, cols: 0 })
        );
        assert_eq!(Softmax.forward(&[], 0, 4, &mut y), Ok(()));
    }

    #[test]
    fn backward_matches_hand_computed_jacobian() {
        // y = [0.5, 0.3, 0.2], dv = [1, 0, 0]:
        // J = diag(y) - y yᵀ, first column = [0.25, -0.15, -0.1]
        let mut dx = [0.0_f32; 3];
        Softmax
            .backward(&[0.5, 0.3, 0.2], &[1.0, 0.0, 0.0], 1, 3, &mut dx)
            .unwrap();
        for (got, want) in dx.iter().zip([0.25, -0.15, -0.1]) {
            assert!((got - want).abs() < 1e-7, "{got} vs {want}");
        }
    }
}
