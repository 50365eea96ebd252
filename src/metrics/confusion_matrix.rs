//! The original `vanillanets.metrics.ConfusionMatrix`, streaming into a
//! caller's matrix.

use super::labels::{check_classes, label_pairs, validate, Targets};
use crate::shape::{batch_rows, check_len, elements};
use crate::Error;

/// The confusion matrix of `classes` classes, counted into the caller's
/// `&mut [u32]` of `classes × classes` cells, row-major: **rows are the true
/// label, columns the predicted label** (`matrix[y * classes + pred]`), as
/// the original's `cm[true_label, pred_label] += 1`.
///
/// [`update`](Self::update) adds a batch's counts to what the matrix
/// holds, so any chunking of the same rows gives the same matrix; start
/// from zeros. `classes` plays the original's `num_classes`; a label at or
/// past it is an error, where the original raises `IndexError`. Without
/// `num_classes` the original sizes the matrix `max(label) + 1`:
/// [`used_classes`](Self::used_classes) gives that size from the counts.
///
/// Labels follow the original's `_to_labels`
/// ([`predicted_class`](super::predicted_class), [`Targets`]); NaN outputs
/// give class 0 (one column) or the first NaN's index (several).
///
/// ```
/// use vanillanets::metrics::{ConfusionMatrix, Targets};
///
/// let cm = ConfusionMatrix::new(2);
/// let mut matrix = [0_u32; 4];
/// // Predicted 1, 0, 1 against true 1, 1, 0.
/// cm.update(&[0.9, 0.2, 0.6], Targets::Values(&[1.0, 1.0, 0.0]), 3, 1, &mut matrix)?;
/// assert_eq!(matrix, [0, 1, 1, 1]); // [[tn, fp], [fn, tp]]
/// assert_eq!(cm.used_classes(&matrix), Ok(2));
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConfusionMatrix {
    classes: usize,
}

impl ConfusionMatrix {
    /// A confusion matrix of `classes × classes` cells (the original's
    /// `num_classes`).
    #[must_use]
    pub const fn new(classes: usize) -> Self {
        Self { classes }
    }

    /// The number of classes (rows, and columns).
    #[must_use]
    pub const fn classes(&self) -> usize {
        self.classes
    }

    /// Adds the `(true, predicted)` label of each row of a `rows × cols`
    /// batch to `matrix`. `rows == 0` changes nothing.
    ///
    /// # Errors
    /// Checked in this order, before any cell changes (on `Err` the matrix
    /// is as it was):
    /// - [`Error::EmptyShape`] for `cols == 0`, [`Error::ShapeOverflow`]
    ///   when `rows * cols` overflows;
    /// - [`Error::LengthMismatch`] for `predictions` (`rows × cols`),
    ///   `targets` ([`Targets`]) or `matrix` (`classes²`;
    ///   [`Error::ShapeOverflow`] if that overflows);
    /// - [`Error::LabelOutOfRange`] `{ row, label, classes }` for the first
    ///   row (of this call) whose target, then prediction, is not below
    ///   `classes`, with `label: usize::MAX` for a target value that
    ///   truncates to no class (negative, NaN, `±inf`, too large; NumPy
    ///   would index a negative label from the end);
    /// - [`Error::CapacityExceeded`] `{ required, capacity }` when a cell
    ///   would pass `u32::MAX`: `required` is the count it would reach
    ///   (saturated to `usize`), `capacity` is `u32::MAX`. The check is
    ///   exact; it costs one extra pass over the batch for each row that
    ///   lands in a cell within `rows` of `u32::MAX`, none otherwise.
    pub fn update(
        &self,
        predictions: &[f32],
        targets: Targets<'_>,
        rows: usize,
        cols: usize,
        matrix: &mut [u32],
    ) -> Result<(), Error> {
        let classes = self.classes;
        validate(predictions, targets, rows, cols)?;
        check_len("matrix", elements(classes, classes)?, matrix.len())?;
        check_classes(label_pairs(predictions, targets, cols), classes)?;
        let cells = || {
            label_pairs(predictions, targets, cols).map(move |(predicted, target)| {
                target
                    .unwrap_or(0)
                    .saturating_mul(classes)
                    .saturating_add(predicted)
            })
        };
        let headroom = u32::try_from(rows).unwrap_or(u32::MAX);
        for cell in cells() {
            let count = matrix.get(cell).copied().unwrap_or(0);
            if count > u32::MAX - headroom {
                let landing = cells().filter(|&other| other == cell).count();
                let reached = u64::from(count).saturating_add(landing as u64);
                if reached > u64::from(u32::MAX) {
                    return Err(Error::CapacityExceeded {
                        required: usize::try_from(reached).unwrap_or(usize::MAX),
                        capacity: usize::try_from(u32::MAX).unwrap_or(usize::MAX),
                    });
                }
            }
        }
        for cell in cells() {
            if let Some(count) = matrix.get_mut(cell) {
                *count = count.saturating_add(1);
            }
        }
        Ok(())
    }

    /// The size the original gives the matrix without `num_classes`,
    /// `max(label) + 1`: one more than the largest class whose row or
    /// column holds a count; `0` for a matrix of zeros.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `matrix` is not `classes²` long
    /// ([`Error::ShapeOverflow`] if that overflows).
    pub fn used_classes(&self, matrix: &[u32]) -> Result<usize, Error> {
        let classes = self.classes;
        check_len("matrix", elements(classes, classes)?, matrix.len())?;
        let mut used = 0;
        for (y, row) in batch_rows(matrix, classes).enumerate() {
            for (predicted, &count) in row.iter().enumerate() {
                if count > 0 {
                    used = used.max(y.max(predicted).saturating_add(1));
                }
            }
        }
        Ok(used)
    }
}
