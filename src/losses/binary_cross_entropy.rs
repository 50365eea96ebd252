//! Binary cross-entropy, paired with a Sigmoid output.

use super::{check_values, clip, impl_loss, mean_gradient, row_means, LossKernel};
use crate::Error;

/// Binary cross-entropy, for Sigmoid outputs and targets in `[0, 1]`.
///
/// With `c = clip(p)` (see [`super::clip`]):
/// - per sample: `mean_j -(y_j ln c_j + (1 - y_j) ln(1 - c_j))`, the row's
///   pairwise sum divided by `k`. VanillaNets returns the `n·k` element
///   losses here; this returns their row means (`n` values);
/// - [`calculate`](super::Loss::calculate): the mean over samples, which
///   equals VanillaNets' mean over all `n·k` elements up to rounding;
/// - backward: `-(y / c - (1 - y) / (1 - c)) / k / n`, divided in that order.
///
/// The clip keeps every term finite. In f32 the two bounds are not
/// symmetric: `p → 0` with `y = 1` costs at most `-ln(1e-7) = 16.118095`,
/// but `p → 1` with `y = 0` costs at most `-ln(1 - 0.99999988) = -ln(2⁻²³)
/// = 15.942385` (f64: 16.118 both ways). `|dinputs| <= 1/(2⁻²³ · k · n)`
/// for targets in `[0, 1]`. NaN in `p` or `y` propagates. `ln` is `libm::logf`
/// (< 1 ULP).
///
/// ```
/// use vanillanets::losses::{BinaryCrossEntropy, Loss};
///
/// let p = [0.9_f32, 0.2];
/// let y = [1.0_f32, 0.0];
/// let loss = BinaryCrossEntropy.calculate(&p, &y, 1, 2)?;
/// // f64: -(ln 0.9 + ln 0.8) / 2 = 0.164252033486018
/// assert!((loss - 0.164_252_03).abs() < 1e-6);
///
/// let mut dx = [0.0_f32; 2];
/// BinaryCrossEntropy.backward(&p, &y, 1, 2, &mut dx)?;
/// assert!((dx[0] + 1.0 / 0.9 / 2.0).abs() < 1e-6);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BinaryCrossEntropy;

#[inline(always)]
fn element_loss(p: f32, y: f32) -> f32 {
    let c = clip(p);
    -(y * libm::logf(c) + (1.0 - y) * libm::logf(1.0 - c))
}

impl LossKernel for BinaryCrossEntropy {
    fn check_targets(targets: &[f32], _rows: usize, _cols: usize, n: usize) -> Result<(), Error> {
        check_values(targets, n)
    }

    fn samples<'a>(
        &self,
        p: &'a [f32],
        y: &'a [f32],
        cols: usize,
    ) -> impl Iterator<Item = f32> + 'a {
        row_means(p, y, cols, element_loss)
    }

    fn backward_raw(&self, p: &[f32], y: &[f32], rows: usize, cols: usize, dx: &mut [f32]) {
        mean_gradient(p, y, rows, cols, dx, |p, y| {
            let c = clip(p);
            -(y / c - (1.0 - y) / (1.0 - c))
        });
    }
}

impl_loss!(BinaryCrossEntropy, &'a [f32]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::losses::Loss;

    #[test]
    fn clip_boundary_values() {
        // p = 0 with y = 1 hits the lower clip: -ln(1e-7 f32) = 16.118095.
        // p = 1 with y = 0 hits the upper one, and 1 - 0.99999988 is 2^-23 in
        // f32, not 1e-7: -ln(2^-23) = 23 ln 2 = 15.942385 (f64 gives 16.118).
        let mut l = [0.0; 2];
        BinaryCrossEntropy
            .forward(&[0.0, 1.0], &[1.0, 0.0], 2, 1, &mut l)
            .unwrap();
        let low = -(f64::from(1e-7_f32)).ln();
        let high = 23.0 * core::f64::consts::LN_2;
        assert!((f64::from(l[0]) - low).abs() < 2e-6, "{} vs {low}", l[0]);
        assert!((f64::from(l[1]) - high).abs() < 2e-6, "{} vs {high}", l[1]);
        // A perfect prediction still costs -ln(1 - 1e-7) in f32 = 1.19e-7.
        BinaryCrossEntropy
            .forward(&[1.0, 0.0], &[1.0, 0.0], 2, 1, &mut l)
            .unwrap();
        let best = -(f64::from(1.0_f32 - 1e-7)).ln();
        for v in l {
            assert!((f64::from(v) - best).abs() < 1e-12, "{v} vs {best}");
        }
    }

    #[test]
    fn zero_cols_and_zero_rows() {
        assert_eq!(
            BinaryCrossEntropy.calculate(&[], &[], 3, 0),
            Err(Error::EmptyShape { rows: 3, cols: 0 })
        );
        assert_eq!(
            BinaryCrossEntropy.calculate(&[], &[], 0, 3),
            Err(Error::EmptyShape { rows: 0, cols: 3 })
        );
        assert_eq!(BinaryCrossEntropy.backward(&[], &[], 0, 3, &mut []), Ok(()));
    }
}
