//! The original `vanillanets.metrics.Accuracy`, streaming.

use super::labels::{label_pairs, validate, Targets};
use crate::Error;

/// The fraction of rows whose predicted class equals the target class:
/// `mean(pred == y)`, the original's `Accuracy`, accumulated over any number
/// of [`update`](Self::update) calls.
///
/// Labels follow the original's `_to_labels`: one output column → `p > 0.5`
/// (NaN → class 0), several → the row's argmax
/// ([`predicted_class`](super::predicted_class)); targets per [`Targets`].
/// Any label is accepted, none is an error: a target that no prediction can
/// equal (an index past the predicted classes, a value that truncates to a
/// negative number, NaN, `±inf`) simply never matches, as in the original.
///
/// It keeps two integer counts, so the result does not depend on how the
/// rows are split into calls, bit for bit: [`value`](Self::value) is
/// `correct as f64 / samples as f64`, the original's `float64` mean of a
/// boolean array (exact counts up to 2⁵³). Counts saturate at `u64::MAX`.
///
/// ```
/// use vanillanets::metrics::{Accuracy, Targets};
///
/// let mut accuracy = Accuracy::new();
/// // One output column: 0.5 itself is class 0.
/// accuracy.update(&[0.9, 0.5], Targets::Values(&[1.0, 1.0]), 2, 1)?;
/// accuracy.update(&[0.2, 0.7], Targets::Values(&[0.0, 0.9]), 2, 1)?; // 0.9 -> 0
/// assert_eq!((accuracy.correct(), accuracy.samples()), (2, 4));
/// assert_eq!(accuracy.value(), Some(0.5));
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Accuracy {
    correct: u64,
    samples: u64,
}

impl Accuracy {
    /// No samples yet; usable in a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            correct: 0,
            samples: 0,
        }
    }

    /// Counts the rows of a `rows × cols` batch of outputs whose class
    /// matches its target. `rows == 0` changes nothing.
    ///
    /// # Errors
    /// [`Error::EmptyShape`] for `cols == 0`, [`Error::ShapeOverflow`], and
    /// [`Error::LengthMismatch`] for `predictions` (`rows × cols`) or
    /// `targets` ([`Targets`]), checked before anything changes.
    pub fn update(
        &mut self,
        predictions: &[f32],
        targets: Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<(), Error> {
        validate(predictions, targets, rows, cols)?;
        for (predicted, target) in label_pairs(predictions, targets, cols) {
            if target == Some(predicted) {
                self.correct = self.correct.saturating_add(1);
            }
            self.samples = self.samples.saturating_add(1);
        }
        Ok(())
    }

    /// `correct / samples` in `f64`; `None` before the first sample (the
    /// original's mean of an empty array is NaN).
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        if self.samples == 0 {
            None
        } else {
            Some(self.correct as f64 / self.samples as f64)
        }
    }

    /// The rows whose predicted class matched.
    #[must_use]
    pub const fn correct(&self) -> u64 {
        self.correct
    }

    /// The rows counted.
    #[must_use]
    pub const fn samples(&self) -> u64 {
        self.samples
    }
}
