//! The original `vanillanets.metrics.RMSE`, streaming.

use super::residuals::{sum_squares, Total};
use crate::Error;

/// Root mean squared error over every element, `sqrt(mean((y - p)²))`: the
/// original's `RMSE`, accumulated over any number of
/// [`update`](Self::update) calls.
///
/// Each call sums its `(y - p)²` in `f32` by NumPy's pairwise summation
/// ([`crate::math::sum`]); the calls' sums are added in `f64`, and
/// [`value`](Self::value) is `sqrt(f32(total / n))`, the division in `f64`
/// as `np.mean` does it and the square root in `f32` (correctly rounded, as
/// `np.sqrt`). The result is `f32`, like the original's `float32`.
///
/// **Chunking.** With a single call the result has the original's bits.
/// With `k` calls of at most `c` elements each (`N` in all, `u = 2⁻²⁴`,
/// `m(c)` as in [`crate::math::sum`]), the total of squares is within
/// `(m(c)·u + k·2⁻⁵³)·S` of the exact sum `S` of the same `f32` squares,
/// where the original's is within `m(N)·u·S`. The mean adds one `u` and the
/// square root halves the relative error and adds one `u`: chunked and
/// one-call results differ by at most `((m(c) + m(N))/2 + 3)·u + k·2⁻⁵³`
/// relative, to first order. No cancellation: every term is non-negative.
///
/// NaN anywhere gives NaN; a difference whose square overflows `f32` gives
/// `+inf`, as in the original.
///
/// ```
/// use vanillanets::metrics::Rmse;
///
/// let mut rmse = Rmse::new();
/// rmse.update(&[0.0, 0.0], &[3.0, 4.0], 2, 1)?;
/// rmse.update(&[1.0, 1.0], &[1.0, 1.0], 1, 2)?;
/// assert_eq!(rmse.value(), Some(2.5)); // sqrt((9 + 16 + 0 + 0) / 4)
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rmse {
    total: Total,
}

impl Rmse {
    /// No elements yet; usable in a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            total: Total::new(),
        }
    }

    /// Adds the squared errors of a `rows × cols` batch (`predictions` and
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
        self.total
            .update(predictions, targets, rows, cols, sum_squares)
    }

    /// `sqrt(mean((y - p)²))` in `f32`; `None` before the first element
    /// (the original's mean of an empty array is NaN).
    #[must_use]
    pub fn value(&self) -> Option<f32> {
        self.total.mean().map(libm::sqrtf)
    }

    /// The elements counted (saturating at `u64::MAX`).
    #[must_use]
    pub const fn elements(&self) -> u64 {
        self.total.elements
    }

    /// `Σ (y - p)²` so far, in `f64`.
    #[must_use]
    pub const fn sum_squares(&self) -> f64 {
        self.total.sum
    }
}
