//! Mean squared error, paired with a Linear output.

use super::{check_values, impl_loss, mean_gradient, row_means, LossKernel};
use crate::Error;

/// Mean squared error, for regression with a Linear output.
///
/// - per sample: `mean_j (y_j - p_j)²`, the row's pairwise sum divided by
///   `k`;
/// - [`calculate`](super::Loss::calculate): the mean over samples;
/// - backward: `-2 (y - p) / k / n`, evaluated in that order.
///
/// No clipping: `±inf` or NaN in `p` or `y` gives `inf` or NaN losses, and a
/// difference above `1.8e19` overflows its square to `inf`. Every operation is
/// a correctly rounded f32 operation; a per-sample loss is within
/// `(k + 2) · 2⁻²⁴` relative of the exact value of its f32 inputs.
///
/// ```
/// use vanillanets::losses::{Loss, MeanSquaredError};
///
/// let mut dx = [0.0_f32; 2];
/// MeanSquaredError.backward(&[3.0, 1.0], &[1.0, 1.0], 1, 2, &mut dx)?;
/// assert_eq!(dx, [2.0, 0.0]); // -2 * (1 - 3) / 2 / 1
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MeanSquaredError;

impl LossKernel for MeanSquaredError {
    fn check_targets(targets: &[f32], _rows: usize, _cols: usize, n: usize) -> Result<(), Error> {
        check_values(targets, n)
    }

    fn samples<'a>(
        &self,
        p: &'a [f32],
        y: &'a [f32],
        cols: usize,
    ) -> impl Iterator<Item = f32> + 'a {
        row_means(p, y, cols, |p, y| (y - p) * (y - p))
    }

    fn backward_raw(&self, p: &[f32], y: &[f32], rows: usize, cols: usize, dx: &mut [f32]) {
        mean_gradient(p, y, rows, cols, dx, |p, y| -2.0 * (y - p));
    }
}

impl_loss!(MeanSquaredError, &'a [f32]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::losses::Loss;

    #[test]
    fn hand_checked() {
        // rows [1,2] vs [0,0]: (1 + 4) / 2 = 2.5; [3, -1] vs [1, 1]: (4 + 4) / 2 = 4
        let p = [1.0, 2.0, 3.0, -1.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let mut l = [0.0; 2];
        MeanSquaredError.forward(&p, &y, 2, 2, &mut l).unwrap();
        assert_eq!(l, [2.5, 4.0]);
        assert_eq!(MeanSquaredError.calculate(&p, &y, 2, 2), Ok(3.25));
        let mut dx = [0.0; 4];
        MeanSquaredError.backward(&p, &y, 2, 2, &mut dx).unwrap();
        // -2 (y - p) / 2 / 2
        assert_eq!(dx, [0.5, 1.0, 1.0, -1.0]);
    }
}
