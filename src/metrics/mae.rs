//! The original `vanillanets.metrics.MAE`, streaming.

use super::residuals::{sum_abs, Total};
use crate::Error;

/// Mean absolute error over every element, `mean(|y - p|)`: the original's
/// `MAE`, accumulated over any number of [`update`](Self::update) calls.
///
/// Each call sums its `|y - p|` in `f32` by NumPy's pairwise summation
/// ([`crate::math::sum`]); the calls' sums are added in `f64`, and
/// [`value`](Self::value) is `f32(total / n)`, the division in `f64` as
/// `np.mean` does it. The result is `f32`, like the original's `float32`.
///
/// **Chunking.** With a single call the result has the original's bits.
/// With `k` calls of at most `c` elements each (`N` in all, `u = 2⁻²⁴`,
/// `m(c) = 25 + max(0, ⌈log₂(c / 128)⌉)` as in [`crate::math::sum`]), let
/// `S = Σ |y - p|` be the exact sum of the same `f32` terms the original
/// sums. Then the total is within `(m(c)·u + k·2⁻⁵³)·S` of `S`, where the
/// original's own sum is within `m(N)·u·S`; the final rounding adds one
/// `u`. So the chunked and one-call results differ by at most
/// `(m(c) + m(N) + 2)·u + k·2⁻⁵³` relative, to first order. Every term is
/// non-negative, so there is no cancellation.
///
/// NaN anywhere gives NaN; an infinite difference gives `+inf` (NaN if
/// `inf - inf` occurs), as in the original.
///
/// ```
/// use vanillanets::metrics::Mae;
///
/// let mut mae = Mae::new();
/// mae.update(&[1.0, 2.0], &[1.5, 2.0], 1, 2)?;
/// mae.update(&[0.0, 3.0], &[-1.0, 3.5], 2, 1)?;
/// assert_eq!(mae.value(), Some(0.5)); // (0.5 + 0 + 1 + 0.5) / 4
/// assert_eq!(mae.elements(), 4);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mae {
    total: Total,
}

impl Mae {
    /// No elements yet; usable in a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            total: Total::new(),
        }
    }

    /// Adds the absolute errors of a `rows × cols` batch (`predictions` and
    /// `targets` both `rows × cols`, every element counted). `rows == 0`
    /// changes nothing.
    ///
    /// # Errors
    /// [`Error::EmptyShape`] for `cols == 0`, [`Error::ShapeOverflow`], and
    /// [`Error::LengthMismatch`] for `predictions` or `targets`, checked
    /// before anything changes.
    pub fn update(
        &mut self,
        predictions: &[f32],
        targets: &[f32],
        rows: usize,
        cols: usize,
    ) -> Result<(), Error> {
        self.total.update(predictions, targets, rows, cols, sum_abs)
    }

    /// `mean(|y - p|)` in `f32`; `None` before the first element (the
    /// original's mean of an empty array is NaN).
    #[must_use]
    pub fn value(&self) -> Option<f32> {
        self.total.mean()
    }

    /// The elements counted (saturating at `u64::MAX`).
    #[must_use]
    pub const fn elements(&self) -> u64 {
        self.total.elements
    }

    /// `Σ |y - p|` so far, in `f64`.
    #[must_use]
    pub const fn sum(&self) -> f64 {
        self.total.sum
    }
}
