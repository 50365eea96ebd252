//! The checks and sums the regression metrics share.

use crate::math::sum_of;
use crate::shape::{check_len, elements_with_classes};
use crate::Error;

/// Checks the shape (`cols == 0` is [`Error::EmptyShape`]) and both lengths;
/// returns `rows * cols`.
pub(crate) fn validate(
    predictions: &[f32],
    targets: &[f32],
    rows: usize,
    cols: usize,
) -> Result<usize, Error> {
    let n = elements_with_classes(rows, cols)?;
    check_len("predictions", n, predictions.len())?;
    check_len("targets", n, targets.len())?;
    Ok(n)
}

/// `Σ (y - p)²` in `f32` by NumPy's pairwise summation: the original's
/// `np.sum((y_true - y_pred) ** 2)`, bit for bit.
pub(crate) fn sum_squares(predictions: &[f32], targets: &[f32]) -> f32 {
    sum_of(
        predictions.len(),
        predictions.iter().zip(targets).map(|(&p, &y)| {
            let d = y - p;
            d * d
        }),
    )
}

/// `Σ |y - p|` in `f32` by NumPy's pairwise summation: the sum in the
/// original's `np.mean(np.abs(y_true - y_pred))`, bit for bit.
pub(crate) fn sum_abs(predictions: &[f32], targets: &[f32]) -> f32 {
    sum_of(
        predictions.len(),
        predictions
            .iter()
            .zip(targets)
            .map(|(&p, &y)| libm::fabsf(y - p)),
    )
}

/// `f32(sum / n)` with the division in `f64`: NumPy's `np.mean` of a
/// `float32` array, which divides its `float32` sum by an `intp` count in
/// `float64` and casts back.
pub(crate) fn mean(sum: f64, n: u64) -> f32 {
    (sum / n as f64) as f32
}

/// A running `f64` total of per-call `f32` sums, and the number of elements
/// behind it: the state of MAE and RMSE.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Total {
    pub(crate) sum: f64,
    pub(crate) elements: u64,
}

impl Total {
    /// Nothing yet.
    pub(crate) const fn new() -> Self {
        Self {
            sum: 0.0,
            elements: 0,
        }
    }

    /// Validates a `rows × cols` batch, then adds `sum(predictions,
    /// targets)` (its `f32` total) for its elements.
    pub(crate) fn update(
        &mut self,
        predictions: &[f32],
        targets: &[f32],
        rows: usize,
        cols: usize,
        sum: fn(&[f32], &[f32]) -> f32,
    ) -> Result<(), Error> {
        let n = validate(predictions, targets, rows, cols)?;
        if n > 0 {
            self.sum += f64::from(sum(predictions, targets));
            self.elements = self.elements.saturating_add(n as u64);
        }
        Ok(())
    }

    /// The mean, `None` before the first element.
    pub(crate) fn mean(&self) -> Option<f32> {
        (self.elements > 0).then(|| mean(self.sum, self.elements))
    }
}
