//! Class labels for the categorical cross-entropies: indices or one-hot rows.

use crate::shape::check_len;
use crate::Error;

/// The categorical losses' targets: [`crate::targets::Targets`], the
/// canonical type, under this module's earlier name (the same type, not a
/// copy: a value passes to a metric or to the model as it is).
///
/// - [`Labels::Classes`]: one class index per row (`rows` elements), each
///   `< cols`; an index at or past `cols` is [`Error::LabelOutOfRange`], as
///   NumPy raises an `IndexError`.
/// - [`Labels::OneHot`]: `rows × cols` values. The cross-entropy weights the
///   clipped predictions by them as written; the fused backward reduces each
///   row to its argmax, the first maximum winning (a NaN counts as the
///   maximum, as in `np.argmax`).
/// - [`Labels::Values`] (the metrics' one value per row) is not a form
///   these losses take: [`Error::UnsupportedTargets`].
///
/// ```
/// use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss};
///
/// let p = [0.7_f32, 0.2, 0.1, 0.1, 0.8, 0.1];
/// let by_index = CategoricalCrossEntropy.calculate(&p, Labels::Classes(&[0, 1]), 2, 3)?;
/// let one_hot = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
/// let by_rows = CategoricalCrossEntropy.calculate(&p, Labels::OneHot(&one_hot), 2, 3)?;
/// assert_eq!(by_index, by_rows);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub use crate::targets::Targets as Labels;

impl Labels<'_> {
    /// Checks the form, the length against the shape and every class
    /// index against `cols`.
    pub(crate) fn check_labels(self, rows: usize, cols: usize, n: usize) -> Result<(), Error> {
        match self {
            Labels::Classes(classes) => {
                check_len("labels", rows, classes.len())?;
                match classes.iter().position(|&c| c >= cols) {
                    Some(row) => Err(Error::LabelOutOfRange {
                        row,
                        label: classes.get(row).copied().unwrap_or(cols),
                        classes: cols,
                    }),
                    None => Ok(()),
                }
            }
            Labels::OneHot(rows_of_labels) => check_len("labels", n, rows_of_labels.len()),
            Labels::Values(_) => Err(Error::UnsupportedTargets),
        }
    }
}

/// An iterator built from either form of [`Labels`].
pub(crate) enum PerForm<C, O> {
    /// Built from [`Labels::Classes`].
    Classes(C),
    /// Built from [`Labels::OneHot`].
    OneHot(O),
}

impl<C: Iterator, O: Iterator<Item = C::Item>> Iterator for PerForm<C, O> {
    type Item = C::Item;

    #[inline]
    fn next(&mut self) -> Option<C::Item> {
        match self {
            PerForm::Classes(c) => c.next(),
            PerForm::OneHot(o) => o.next(),
        }
    }
}

/// The index of the first maximum of `row`, a NaN counting as the maximum
/// (`np.argmax`); `0` for an empty row.
#[must_use]
pub(crate) fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    let mut best_value = f32::NEG_INFINITY;
    for (j, &v) in row.iter().enumerate() {
        if v.is_nan() {
            return j;
        }
        if v > best_value || j == 0 {
            best = j;
            best_value = v;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_first_maximum_wins_and_nan_is_maximal() {
        assert_eq!(argmax(&[0.0, 1.0, 1.0]), 1);
        assert_eq!(argmax(&[f32::NEG_INFINITY, f32::NEG_INFINITY]), 0);
        assert_eq!(argmax(&[2.0, f32::NAN, 3.0, f32::NAN]), 1);
        assert_eq!(argmax(&[-1.0, -2.0]), 0);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn label_checks() {
        assert_eq!(Labels::Classes(&[0, 2]).check_labels(2, 3, 6), Ok(()));
        assert_eq!(
            Labels::Values(&[0.0, 2.0]).check_labels(2, 3, 6),
            Err(Error::UnsupportedTargets)
        );
        assert_eq!(
            Labels::Classes(&[0, 3]).check_labels(2, 3, 6),
            Err(Error::LabelOutOfRange {
                row: 1,
                label: 3,
                classes: 3
            })
        );
        assert_eq!(
            Labels::Classes(&[0]).check_labels(2, 3, 6),
            Err(Error::LengthMismatch {
                argument: "labels",
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            Labels::OneHot(&[0.0; 5]).check_labels(2, 3, 6),
            Err(Error::LengthMismatch {
                argument: "labels",
                expected: 6,
                actual: 5
            })
        );
    }
}
