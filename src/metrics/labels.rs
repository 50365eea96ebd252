//! Outputs and targets turned into class labels, as the original's
//! `_to_labels` does, and the checks every classification metric shares.

use core::slice::Iter;

use crate::losses::argmax;
use crate::shape::{batch_rows, check_len, elements_with_classes, Rows};
use crate::Error;

/// How the classification metrics read [`Targets`] (this module's
/// re-export of [`crate::targets::Targets`], the canonical path), as the
/// original's `_to_labels` does.
///
/// | variant | length | label of a row | the original's `y` |
/// |---|---|---|---|
/// | [`Targets::Classes`] | `rows` | the index as it is | an int `(n,)` array |
/// | [`Targets::Values`] | `rows` | [`truncated_class`] of the value | a float `(n,)` array, `y.astype(int)` |
/// | [`Targets::OneHot`], `cols > 1` | `rows × cols` | the row's argmax (first maximum, a NaN counts as the maximum) | a 2-D `(n, k)` array, `np.argmax(y, axis=1)` |
/// | [`Targets::OneHot`], `cols == 1` | `rows` | [`truncated_class`] of the value | a 2-D `(n, 1)` array, flattened, then `astype(int)` |
///
/// `cols` is the predictions' column count: with one column the original
/// flattens a 2-D `y` instead of taking its argmax, so a column of targets
/// with single-output predictions is read as values, whichever of
/// [`Targets::Values`] and [`Targets::OneHot`] holds it. With several
/// output columns the original would also take a 2-D `(n, 1)` `y` and reduce
/// each one-element row by argmax to class 0, whatever it holds; here a
/// [`Targets::OneHot`] of `rows` values with `cols > 1` is a length mismatch
/// (pass the column as [`Targets::Values`]).
///
/// A value that truncates to no class (negative after truncation, NaN,
/// `±inf`, or past `usize`) is a label of no class: [`crate::metrics::Accuracy`]
/// counts it as a wrong prediction, as the original's comparison with
/// `astype(int)`'s `-1` or `INT64_MIN` does; the metrics that count per
/// class refuse it with [`Error::LabelOutOfRange`] (`label: usize::MAX`).
///
/// `losses::Labels` is the same type, so the categorical losses' targets
/// pass to a metric as they are.
///
/// ```
/// use vanillanets::losses::Labels;
/// use vanillanets::metrics::{Accuracy, Targets};
///
/// let p = [0.7_f32, 0.3, 0.2, 0.8, 0.6, 0.4]; // argmax 0, 1, 0
/// let mut by_index = Accuracy::new();
/// by_index.update(&p, Labels::Classes(&[0, 1, 1]), 3, 2)?;
/// let mut by_rows = Accuracy::new();
/// by_rows.update(&p, Targets::OneHot(&[1.0, 0.0, 0.0, 1.0, 0.0, 1.0]), 3, 2)?;
/// let mut by_values = Accuracy::new();
/// by_values.update(&p, Targets::Values(&[0.0, 1.9, 1.0]), 3, 2)?; // 1.9 -> 1
/// assert_eq!(by_index.correct(), 2);
/// assert_eq!(by_rows, by_index);
/// assert_eq!(by_values, by_index);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub use crate::targets::Targets;

impl<'a> Targets<'a> {
    /// Checks the length against the shape (`n = rows * cols`).
    pub(crate) fn check(self, rows: usize, n: usize) -> Result<(), Error> {
        let (expected, actual) = match self {
            Targets::Classes(t) => (rows, t.len()),
            Targets::Values(t) => (rows, t.len()),
            Targets::OneHot(t) => (n, t.len()),
        };
        check_len("targets", expected, actual)
    }

    /// Each row's label, in row order; `None` for a value that truncates
    /// to no class.
    fn labels(self, cols: usize) -> TargetLabels<'a> {
        match self {
            Targets::Classes(t) => TargetLabels::Classes(t.iter()),
            Targets::Values(t) => TargetLabels::Values(t.iter()),
            Targets::OneHot(t) if cols == 1 => TargetLabels::Values(t.iter()),
            Targets::OneHot(t) => TargetLabels::OneHot(batch_rows(t, cols)),
        }
    }
}

/// The labels of [`Targets::labels`].
enum TargetLabels<'a> {
    Classes(Iter<'a, usize>),
    Values(Iter<'a, f32>),
    OneHot(Rows<'a, f32>),
}

impl Iterator for TargetLabels<'_> {
    type Item = Option<usize>;

    #[inline]
    fn next(&mut self) -> Option<Option<usize>> {
        match self {
            TargetLabels::Classes(t) => t.next().map(|&c| Some(c)),
            TargetLabels::Values(t) => t.next().map(|&v| truncated_class(v)),
            TargetLabels::OneHot(t) => t.next().map(|row| Some(argmax(row))),
        }
    }
}

/// `value` truncated toward zero as a class index, as NumPy's
/// `astype(int)`: `Some(trunc(value))` when that is a non-negative integer
/// that fits in a `usize`; `None` for NaN, `±inf`, values `<= -1` and values
/// `>= 2^usize::BITS`. `-0.5` truncates to `0`, as in NumPy.
///
/// The original turns those `None` cases into `INT64_MIN` (NaN, infinities,
/// out of range) or a negative label; here they are labels of no class.
///
/// ```
/// use vanillanets::metrics::truncated_class;
///
/// assert_eq!(truncated_class(0.99), Some(0));
/// assert_eq!(truncated_class(2.7), Some(2));
/// assert_eq!(truncated_class(-0.5), Some(0));
/// assert_eq!(truncated_class(-1.0), None);
/// assert_eq!(truncated_class(f32::NAN), None);
/// assert_eq!(truncated_class(f32::INFINITY), None);
/// ```
#[inline]
#[must_use]
pub fn truncated_class(value: f32) -> Option<usize> {
    // `usize::MAX as f32` rounds up to 2^BITS, so below it the cast is the
    // exact truncation; NaN fails the first comparison.
    if value > -1.0 && value < usize::MAX as f32 {
        Some(value as usize)
    } else {
        None
    }
}

/// The class a row of model outputs predicts, as the original's
/// `_to_labels`: with one output, `1` when it is `> 0.5` (strict; NaN and
/// `0.5` give `0`), else `0`; with several, the index of the first maximum,
/// a NaN counting as the maximum (`np.argmax`). `None` for an empty row.
///
/// ```
/// use vanillanets::metrics::predicted_class;
///
/// assert_eq!(predicted_class(&[0.5]), Some(0));
/// assert_eq!(predicted_class(&[0.500_000_06]), Some(1));
/// assert_eq!(predicted_class(&[f32::NAN]), Some(0));
/// assert_eq!(predicted_class(&[0.2, 0.4, 0.4]), Some(1));
/// assert_eq!(predicted_class(&[0.2, f32::NAN, 0.9]), Some(1));
/// assert_eq!(predicted_class(&[]), None);
/// ```
#[inline]
#[must_use]
pub fn predicted_class(output_row: &[f32]) -> Option<usize> {
    match output_row {
        [] => None,
        [p] => Some(usize::from(*p > 0.5)),
        row => Some(argmax(row)),
    }
}

/// Checks the shape (`cols == 0` is [`Error::EmptyShape`]), the length of
/// the predictions and that of the targets; returns `rows * cols`.
pub(crate) fn validate(
    predictions: &[f32],
    targets: Targets<'_>,
    rows: usize,
    cols: usize,
) -> Result<usize, Error> {
    let n = elements_with_classes(rows, cols)?;
    check_len("predictions", n, predictions.len())?;
    targets.check(rows, n)?;
    Ok(n)
}

/// `(predicted, target)` labels of each row, in row order. The predictions
/// and targets have been validated.
pub(crate) fn label_pairs<'a>(
    predictions: &'a [f32],
    targets: Targets<'a>,
    cols: usize,
) -> impl Iterator<Item = (usize, Option<usize>)> + 'a {
    batch_rows(predictions, cols)
        .map(|row| predicted_class(row).unwrap_or(0))
        .zip(targets.labels(cols))
}

/// `(0, target)` labels of each row: [`check_classes`] on the targets alone
/// (the predicted label 0 is below any capacity). The targets have been
/// validated.
pub(crate) fn label_pairs_of_targets(
    targets: Targets<'_>,
    rows: usize,
    cols: usize,
) -> impl Iterator<Item = (usize, Option<usize>)> + '_ {
    core::iter::repeat(0).zip(targets.labels(cols)).take(rows)
}

/// Checks that every label of `pairs` is a class below `classes`: the first
/// row whose target (checked first) or prediction is not gives
/// [`Error::LabelOutOfRange`], with `label: usize::MAX` for a value that
/// truncates to no class.
pub(crate) fn check_classes(
    pairs: impl Iterator<Item = (usize, Option<usize>)>,
    classes: usize,
) -> Result<(), Error> {
    for (row, (predicted, target)) in pairs.enumerate() {
        let target = target.unwrap_or(usize::MAX);
        for label in [target, predicted] {
            if label >= classes {
                return Err(Error::LabelOutOfRange {
                    row,
                    label,
                    classes,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_edges() {
        assert_eq!(truncated_class(-0.999_999_94), Some(0));
        assert_eq!(truncated_class(-0.0), Some(0));
        assert_eq!(truncated_class(16_777_216.0), Some(16_777_216));
        assert_eq!(truncated_class(f32::NEG_INFINITY), None);
        assert_eq!(truncated_class(usize::MAX as f32), None);
        let below = f32::from_bits((usize::MAX as f32).to_bits() - 1);
        assert_eq!(truncated_class(below), Some(below as usize));
    }

    #[test]
    fn one_column_one_hot_targets_are_values() {
        let pairs: [(usize, Option<usize>); 3] = {
            let mut it = label_pairs(&[0.9, 0.1, 0.6], Targets::OneHot(&[1.0, 0.9, -3.0]), 1);
            [
                it.next().unwrap_or((9, None)),
                it.next().unwrap_or((9, None)),
                it.next().unwrap_or((9, None)),
            ]
        };
        assert_eq!(pairs, [(1, Some(1)), (0, Some(0)), (1, None)]);
    }

    #[test]
    fn class_check_reports_target_before_prediction() {
        let pairs = [(0, Some(0)), (5, Some(4)), (0, None)];
        assert_eq!(
            check_classes(pairs.into_iter(), 3),
            Err(Error::LabelOutOfRange {
                row: 1,
                label: 4,
                classes: 3
            })
        );
        assert_eq!(
            check_classes(pairs.into_iter(), 5),
            Err(Error::LabelOutOfRange {
                row: 1,
                label: 5,
                classes: 5
            })
        );
        assert_eq!(
            check_classes(pairs.into_iter(), 6),
            Err(Error::LabelOutOfRange {
                row: 2,
                label: usize::MAX,
                classes: 6
            })
        );
    }
}
