//! Softmax: per-row normalised exponentials, for multiclass outputs.
//!
//! - `rows.rs`: one row at a time, the path of every build;
//! - `lanes.rs`: short rows as 16-lane blocks, only under
//!   `cfg(vanillanets_lanes)` (`fast-math` on a SIMD target, see `build.rs`);
//! - here: the type, its documentation and the dispatch between the two.

#[cfg(vanillanets_lanes)]
mod lanes;
mod rows;

use super::sealed::Kernel;
use super::{Activation, Cache};
use crate::shape::{batch_rows, batch_rows_mut};

/// Softmax over each row, for multiclass-classification outputs.
///
/// - forward, per row: `m = max(x)`, `e_j = exp(x_j - m)`,
///   `y_j = e_j / Σ e`, with [`crate::math::exp`] and [`crate::math::sum`]
///   (NumPy's pairwise summation);
/// - backward, per row: `dx_i = y_i·dv_i - y_i·s` with `s = Σ_j y_j·dv_j`
///   (pairwise). This is the original's Jacobian product
///   `(diag(y) - y yᵀ) · dv` in O(cols) work per row instead of O(cols²).
///
/// The backward differs from the Jacobian's by rounding, and where it is
/// finite this one is too as long as `s` is (finite `dv`, `y` summing to 1
/// within rounding): with `y = [0.25, 0.75]` and `dv = [f32::MAX, -f32::MAX]`
/// both give `±1.276e38`. Otherwise: an infinite `dv` gives NaN in its row
/// (`inf - inf`) where the Jacobian gives `±inf`, and a zero result may have
/// the other sign.
///
/// Edge values, as NumPy gives them: subtracting the row max makes large
/// inputs safe (`[1000, 1001, 1002]` → `[0.0900306, 0.2447285, 0.6652410]`).
/// A row that is all `-inf`, or holds a `+inf`, or holds any `NaN`, comes out
/// all `NaN`. Each finite row's outputs are in `[0, 1]`.
///
/// Error bounds, with `u = 2⁻²⁴` and `k = cols`: each row sums to 1 within
/// `k · 2u`, and each output is within a relative `(|x_j - m| + k + 4) · u`
/// plus an absolute `2 · 2⁻¹⁴⁹` (for subnormal outputs) of the exact
/// softmax of the f32 inputs (the `|x_j - m|` term is the rounding of the
/// f32 subtraction `x_j - m`, magnified by `exp`; NumPy on f32 has the same
/// term). The crate's tests check both on random rows. The results do not
/// depend on where a row sits in the batch, nor (but for `exp`, see
/// [`crate::math`]) on the `fast-math` feature or the target.
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
/// // An upstream gradient along the output's direction gives zero.
/// let mut dx = [0.0_f32; 3];
/// Softmax.backward(&[0.5, 0.25, 0.25], &[1.0, 1.0, 1.0], 1, 3, &mut dx)?;
/// assert_eq!(dx, [0.0, 0.0, 0.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softmax;

impl Kernel for Softmax {
    #[inline]
    fn is_row_wise(&self) -> bool {
        true
    }

    #[inline]
    fn reads(&self) -> Cache {
        Cache::Output
    }

    fn forward_raw(&self, x: &[f32], y: &mut [f32], cols: usize) {
        #[cfg(vanillanets_lanes)]
        if cols < lanes::LANES {
            return lanes::forward(x, y, cols);
        }
        for (x, y) in batch_rows(x, cols).zip(batch_rows_mut(y, cols)) {
            rows::forward(x, y);
        }
    }

    fn forward_in_place_raw(&self, v: &mut [f32], cols: usize) {
        #[cfg(vanillanets_lanes)]
        if cols < lanes::LANES {
            return lanes::forward_in_place(v, cols);
        }
        for v in batch_rows_mut(v, cols) {
            rows::forward_in_place(v);
        }
    }

    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], cols: usize) {
        let pairs = batch_rows(y, cols).zip(batch_rows(dv, cols));
        for ((y, dv), dx) in pairs.zip(batch_rows_mut(dx, cols)) {
            rows::backward(y, dv, dx);
        }
    }

    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], cols: usize) {
        for (y, g) in batch_rows(y, cols).zip(batch_rows_mut(g, cols)) {
            rows::backward_in_place(y, g);
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
            Softmax.backward_in_place(&[], 0, 0, &mut y),
            Err(Error::EmptyShape { rows: 0, cols: 0 })
        );
        assert_eq!(Softmax.forward(&[], 0, 4, &mut y), Ok(()));
    }

    /// Deterministic logits in `[-10, 10)`.
    fn logits<const N: usize>() -> [f32; N] {
        core::array::from_fn(|i| ((i * 7919) % 1000) as f32 / 50.0 - 10.0)
    }

    #[test]
    fn every_row_length_is_accurate_and_position_free() {
        // Lengths around the 16-lane blocks of the `fast-math` rows.
        let x: [f32; 300] = logits();
        let dv: [f32; 300] = core::array::from_fn(|i| ((i * 31) % 17) as f32 / 8.0 - 1.0);
        for cols in [1, 2, 3, 15, 16, 17, 31, 32, 33, 47, 100] {
            let n = 3 * cols;
            let (x, dv) = (&x[..n], &dv[..n]);
            let mut y = [0.0_f32; 300];
            let y = &mut y[..n];
            Softmax.forward(x, 3, cols, y).unwrap();
            let mut v = [0.0_f32; 300];
            let v = &mut v[..n];
            v.copy_from_slice(x);
            Softmax.forward_in_place(3, cols, v).unwrap();
            assert_eq!(y, v, "in place, cols {cols}");
            // The middle row alone gives the same bits.
            let mut alone = [0.0_f32; 100];
            let alone = &mut alone[..cols];
            Softmax.forward(&x[cols..2 * cols], 1, cols, alone).unwrap();
            assert_eq!(alone, &y[cols..2 * cols], "row alone, cols {cols}");

            for ((x, y), (dv, _)) in x
                .chunks(cols)
                .zip(y.chunks(cols))
                .zip(dv.chunks(cols).zip(0..))
            {
                let m = x
                    .iter()
                    .fold(f64::NEG_INFINITY, |m, &v| m.max(f64::from(v)));
                let sum: f64 = x.iter().map(|&v| (f64::from(v) - m).exp()).sum();
                let dot: f64 = y
                    .iter()
                    .zip(dv)
                    .map(|(&y, &d)| f64::from(y) * f64::from(d))
                    .sum();
                for (&xj, &yj) in x.iter().zip(y) {
                    let exact = (f64::from(xj) - m).exp() / sum;
                    let bound = ((f64::from(xj) - m).abs() + cols as f64 + 4.0) * 2f64.powi(-24);
                    let err = (f64::from(yj) - exact).abs() / exact;
                    assert!(err <= bound, "cols {cols}: {yj} vs {exact}");
                }
                let mut dx = [0.0_f32; 100];
                let dx = &mut dx[..cols];
                Softmax.backward(y, dv, 1, cols, dx).unwrap();
                let mut g = [0.0_f32; 100];
                let g = &mut g[..cols];
                g.copy_from_slice(dv);
                Softmax.backward_in_place(y, 1, cols, g).unwrap();
                assert_eq!(dx, g, "backward in place, cols {cols}");
                for ((&d, &yj), &dvj) in dx.iter().zip(y).zip(dv) {
                    let exact = f64::from(yj) * (f64::from(dvj) - dot);
                    assert!(
                        (f64::from(d) - exact).abs() < 1e-6,
                        "cols {cols}: {d} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn edge_values_anywhere_in_long_rows() {
        // 20 columns: 16 in the first block, 4 in the last, overlapping one.
        for at in [0, 3, 15, 16, 19] {
            for (special, all_nan) in [
                (f32::NAN, true),
                (f32::INFINITY, true),
                (f32::NEG_INFINITY, false),
            ] {
                let mut x: [f32; 20] = logits();
                x[at] = special;
                let mut y = [9.0_f32; 20];
                Softmax.forward(&x, 1, 20, &mut y).unwrap();
                if all_nan {
                    assert!(y.iter().all(|v| v.is_nan()), "{special} at {at}: {y:?}");
                } else {
                    assert_eq!(y[at].to_bits(), 0, "{special} at {at}");
                    let sum: f32 = y.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-5, "{y:?}");
                }
            }
        }
        let mut y = [9.0_f32; 40];
        Softmax
            .forward(&[f32::NEG_INFINITY; 40], 2, 20, &mut y)
            .unwrap();
        assert!(y.iter().all(|v| v.is_nan()));
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
