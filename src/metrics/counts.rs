//! Per-class counts behind Precision, Recall and F1, and the rule that turns
//! them into the original's values.

use super::labels::{check_classes, label_pairs, validate, Targets};
use crate::math::sum_of;
use crate::Error;

/// The `1e-7` added to the denominators of Precision, Recall and F1, as the
/// original's Python float (so the ratios are `f64`, like its `float64`
/// results).
pub(crate) const EPSILON: f64 = 1e-7;

/// How [`ClassCounts`] averages, decided from the classes seen so far as the
/// original decides from `np.unique(np.concatenate([pred, y]))`.
///
/// ```
/// use vanillanets::metrics::{Averaging, ClassCounts, Targets};
///
/// // Argmax 1, 2 against 2, 1: labels {1, 2}, so the binary rule, where
/// // neither row is a false positive (that needs a true 0).
/// let mut counts = ClassCounts::<3>::new();
/// counts.update(&[0.0, 0.9, 0.1, 0.0, 0.1, 0.9], Targets::Classes(&[2, 1]), 2, 3)?;
/// assert_eq!(counts.averaging(), Averaging::Binary);
/// assert_eq!(counts.precision(), Some(0.0)); // tp = 0
/// // A third label, in a later chunk, switches to the macro mean.
/// counts.update(&[0.9, 0.0, 0.1], Targets::Classes(&[0]), 1, 3)?;
/// assert_eq!(counts.averaging(), Averaging::Macro);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Averaging {
    /// At most two distinct labels among the predictions and targets: the
    /// original's binary rule, **hard-wired to the labels 0 and 1**:
    /// `tp = #(pred = 1 ∧ y = 1)`, `fp = #(pred = 1 ∧ y = 0)`,
    /// `fn = #(pred = 0 ∧ y = 1)`. Other labels count as neither positive
    /// nor negative, so labels {1, 2} give a precision near 1 whatever the
    /// 2s do, and labels {0, 2} give 0.
    Binary,
    /// Three or more distinct labels: the unweighted mean over the labels
    /// that occur (as a prediction or a target) of the per-class ratios.
    Macro,
}

/// Per-class counts of predicted and true labels, with a fixed capacity of
/// `C` classes (labels `0..C`) and no heap: the state behind
/// [`Precision`](super::Precision), [`Recall`](super::Recall) and
/// [`F1Score`](super::F1Score), which can all be read from one
/// `ClassCounts`.
///
/// For each class `c` it keeps `tp_c = #(pred = c ∧ y = c)`,
/// `predicted_c = #(pred = c)` and `actual_c = #(y = c)` (so
/// `fp_c = predicted_c - tp_c`, `fn_c = actual_c - tp_c`), plus the two
/// cross counts of the binary rule, `#(pred = 1 ∧ y = 0)` and
/// `#(pred = 0 ∧ y = 1)`, and the number of samples. The counts are
/// integers, so any chunking of the same rows gives the same counts and the
/// same ratios, bit for bit.
///
/// Labels come from [`Targets`] and the predictions by the original's
/// `_to_labels` rules ([`predicted_class`](super::predicted_class)).
///
/// Counts are `u64` and saturate at `u64::MAX` (2⁶⁴ samples, which no
/// device reaches); as `f64` they are exact up to 2⁵³.
///
/// ```
/// use vanillanets::metrics::{Averaging, ClassCounts, Targets};
///
/// // Three classes, argmax predictions 0, 1, 2, 2 against 0, 1, 1, 2.
/// let p = [0.8_f32, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8];
/// let mut counts = ClassCounts::<3>::new();
/// counts.update(&p, Targets::Classes(&[0, 1, 1, 2]), 4, 3)?;
/// assert_eq!(counts.true_positives(), &[1, 1, 1]);
/// assert_eq!(counts.predicted(), &[1, 1, 2]);
/// assert_eq!(counts.actual(), &[1, 2, 1]);
/// assert_eq!(counts.averaging(), Averaging::Macro);
/// let precision = counts.precision().unwrap(); // (1 + 1 + 1/2) / 3
/// assert!((precision - 2.5 / 3.0).abs() < 1e-7);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClassCounts<const C: usize> {
    true_positives: [u64; C],
    predicted: [u64; C],
    actual: [u64; C],
    predicted_one_actual_zero: u64,
    predicted_zero_actual_one: u64,
    samples: u64,
}

impl<const C: usize> Default for ClassCounts<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const C: usize> ClassCounts<C> {
    /// No samples yet; usable in a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            true_positives: [0; C],
            predicted: [0; C],
            actual: [0; C],
            predicted_one_actual_zero: 0,
            predicted_zero_actual_one: 0,
            samples: 0,
        }
    }

    /// Counts the labels of a `rows × cols` batch of outputs against their
    /// targets. `rows == 0` changes nothing.
    ///
    /// NaN outputs follow [`predicted_class`](super::predicted_class) (class
    /// `0` for one output, the first NaN's index for several).
    ///
    /// # Errors
    /// Checked in this order, before any count changes (on `Err` the counts
    /// are as they were):
    /// - [`Error::EmptyShape`] for `cols == 0`, [`Error::ShapeOverflow`]
    ///   when `rows * cols` overflows;
    /// - [`Error::LengthMismatch`] for `predictions` (`rows × cols`) or
    ///   `targets` ([`Targets`]);
    /// - [`Error::LabelOutOfRange`] `{ row, label, classes: C }` for the
    ///   first row (of this call) whose target, then prediction, is not a
    ///   class below `C`; `label` is `usize::MAX` for a target value that
    ///   truncates to no class (negative, NaN, `±inf`, too large). The
    ///   original counts negative labels as classes (and raises nothing);
    ///   here they have no class.
    pub fn update(
        &mut self,
        predictions: &[f32],
        targets: Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<(), Error> {
        validate(predictions, targets, rows, cols)?;
        check_classes(label_pairs(predictions, targets, cols), C)?;
        for (predicted, target) in label_pairs(predictions, targets, cols) {
            // Every target is `Some` below `C` after the check.
            let Some(target) = target else { continue };
            bump(self.predicted.get_mut(predicted));
            bump(self.actual.get_mut(target));
            if predicted == target {
                bump(self.true_positives.get_mut(target));
            }
            match (predicted, target) {
                (1, 0) => bump(Some(&mut self.predicted_one_actual_zero)),
                (0, 1) => bump(Some(&mut self.predicted_zero_actual_one)),
                _ => {}
            }
            bump(Some(&mut self.samples));
        }
        Ok(())
    }

    /// The number of samples counted.
    #[must_use]
    pub const fn samples(&self) -> u64 {
        self.samples
    }

    /// `tp_c = #(pred = c ∧ y = c)` for each class `c < C`.
    #[must_use]
    pub const fn true_positives(&self) -> &[u64; C] {
        &self.true_positives
    }

    /// `#(pred = c)` for each class `c < C` (`tp_c + fp_c`).
    #[must_use]
    pub const fn predicted(&self) -> &[u64; C] {
        &self.predicted
    }

    /// `#(y = c)` for each class `c < C` (`tp_c + fn_c`).
    #[must_use]
    pub const fn actual(&self) -> &[u64; C] {
        &self.actual
    }

    /// `#(pred = 1 ∧ y = 0)`: the false positives of the binary rule.
    #[must_use]
    pub const fn binary_false_positives(&self) -> u64 {
        self.predicted_one_actual_zero
    }

    /// `#(pred = 0 ∧ y = 1)`: the false negatives of the binary rule.
    #[must_use]
    pub const fn binary_false_negatives(&self) -> u64 {
        self.predicted_zero_actual_one
    }

    /// The number of distinct labels seen, as a prediction or a target
    /// (the original's `len(np.unique(...))`).
    #[must_use]
    pub fn classes_present(&self) -> usize {
        self.present().count()
    }

    /// [`Averaging::Binary`] while at most two distinct labels have been
    /// seen, else [`Averaging::Macro`]: the original's
    /// `len(classes) <= 2`.
    #[must_use]
    pub fn averaging(&self) -> Averaging {
        if self.present().nth(2).is_some() {
            Averaging::Macro
        } else {
            Averaging::Binary
        }
    }

    /// The original's `Precision`, in `f64` like its `float64`:
    /// - [`Averaging::Binary`]: `tp / (tp + fp + 1e-7)` with `tp = tp_1`,
    ///   `fp = #(pred = 1 ∧ y = 0)`;
    /// - [`Averaging::Macro`]: the mean over the classes seen of
    ///   `tp_c / (tp_c + fp_c + 1e-7)`, summed in class order by NumPy's
    ///   pairwise float64 summation and divided by their number
    ///   (`np.mean(scores)`).
    ///
    /// Each count sum is an integer converted once to `f64`, then `1e-7` is
    /// added, then the division: the operations of the original, so the
    /// result has its bits. `None` before the first sample (the original
    /// returns `0.0` on empty arrays). Never NaN: every denominator is at
    /// least `1e-7`.
    #[must_use]
    pub fn precision(&self) -> Option<f64> {
        self.ratio(self.predicted_one_actual_zero, &self.predicted)
    }

    /// The original's `Recall`, as [`precision`](Self::precision) with
    /// `fn = #(pred = 0 ∧ y = 1)` for `fp` (binary rule) and
    /// `tp_c / (tp_c + fn_c + 1e-7)` per class (macro).
    #[must_use]
    pub fn recall(&self) -> Option<f64> {
        self.ratio(self.predicted_zero_actual_one, &self.actual)
    }

    /// The original's `F1Score`: `2 p r / (p + r + 1e-7)` from
    /// [`precision`](Self::precision) `p` and [`recall`](Self::recall) `r`
    /// (both macro or both binary), evaluated as `((2 p) r) / ((p + r) +
    /// 1e-7)` in `f64`, the original's order. Not the mean of per-class F1
    /// scores. `0.0` when `p = r = 0`; `None` before the first sample.
    #[must_use]
    pub fn f1(&self) -> Option<f64> {
        let p = self.precision()?;
        let r = self.recall()?;
        Some(2.0 * p * r / (p + r + EPSILON))
    }

    /// The classes seen as a prediction or a target, ascending.
    fn present(&self) -> impl Iterator<Item = usize> + '_ {
        self.predicted
            .iter()
            .zip(&self.actual)
            .enumerate()
            .filter(|(_, (&p, &a))| p > 0 || a > 0)
            .map(|(c, _)| c)
    }

    /// Precision (`wrong = #(pred=1 ∧ y=0)`, `totals = predicted`) or
    /// recall (`#(pred=0 ∧ y=1)`, `actual`) by the original's rule.
    fn ratio(&self, binary_wrong: u64, totals: &[u64; C]) -> Option<f64> {
        if self.samples == 0 {
            return None;
        }
        Some(match self.averaging() {
            Averaging::Binary => {
                let tp = self.true_positives.get(1).copied().unwrap_or(0);
                score(tp, tp.saturating_add(binary_wrong))
            }
            Averaging::Macro => {
                let classes = self.classes_present();
                let scores = self.present().map(|c| {
                    let tp = self.true_positives.get(c).copied().unwrap_or(0);
                    score(tp, totals.get(c).copied().unwrap_or(0))
                });
                sum_of(classes, scores) / classes as f64
            }
        })
    }
}

/// The `new`, `update` and `counts` of a metric that wraps
/// `ClassCounts<C>` in a field `counts` (Precision, Recall, F1Score).
macro_rules! over_counts {
    ($metric:ident) => {
        impl<const C: usize> $metric<C> {
            /// No samples yet; usable in a `static`.
            #[must_use]
            pub const fn new() -> Self {
                Self {
                    counts: ClassCounts::new(),
                }
            }

            /// Counts a `rows × cols` batch ([`ClassCounts::update`]).
            ///
            /// # Errors
            /// As [`ClassCounts::update`]: shape, lengths, and
            /// [`Error::LabelOutOfRange`](crate::Error::LabelOutOfRange) for a
            /// label `>= C`; on `Err` nothing changes.
            pub fn update(
                &mut self,
                predictions: &[f32],
                targets: Targets<'_>,
                rows: usize,
                cols: usize,
            ) -> Result<(), crate::Error> {
                self.counts.update(predictions, targets, rows, cols)
            }

            /// The counts behind it.
            #[must_use]
            pub const fn counts(&self) -> &ClassCounts<C> {
                &self.counts
            }
        }
    };
}
pub(crate) use over_counts;

/// `tp / (total + 1e-7)` with the integer `total = tp + fp` (or `tp + fn`)
/// converted once: the original's `tp / (tp + fp + 1e-7)` on int64 counts.
#[inline]
fn score(tp: u64, total: u64) -> f64 {
    tp as f64 / (total as f64 + EPSILON)
}

/// Adds one to a count, saturating.
#[inline]
fn bump(count: Option<&mut u64>) {
    if let Some(count) = count {
        *count = count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_saturate() {
        let mut c = ClassCounts::<2>::new();
        c.samples = u64::MAX;
        c.predicted = [u64::MAX, 0];
        assert_eq!(c.update(&[0.1], Targets::Classes(&[0]), 1, 1), Ok(()));
        assert_eq!(c.samples(), u64::MAX);
        assert_eq!(c.predicted(), &[u64::MAX, 0]);
        assert_eq!(c.actual(), &[1, 0]);
    }
}
