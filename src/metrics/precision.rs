//! The original `vanillanets.metrics.Precision`, streaming.

use super::counts::over_counts;
use super::{ClassCounts, Targets};

/// The original's `Precision`, accumulated over any number of
/// [`update`](Self::update) calls, for labels below `C`.
///
/// - binary rule (at most two distinct labels seen, [`Averaging::Binary`](super::Averaging::Binary)):
///   `tp / (tp + fp + 1e-7)` with positive class **1**:
///   `tp = #(pred = 1 ∧ y = 1)`, `fp = #(pred = 1 ∧ y = 0)`;
/// - otherwise the macro mean over the classes seen of
///   `tp_c / (tp_c + fp_c + 1e-7)`.
///
/// The result is `f64`, like the original's `float64`, with the original's
/// bits; it is computed by [`value`](Self::value) from integer counts
/// ([`ClassCounts`]), so it does not depend on how the rows are split into
/// calls. Never NaN (every denominator is at least `1e-7`); NaN outputs
/// become labels as [`predicted_class`](super::predicted_class) says.
///
/// ```
/// use vanillanets::metrics::{Precision, Targets};
///
/// let mut precision = Precision::<2>::new();
/// // Predicted 1, 1, 0, 1 against 1, 0, 0, 1: tp = 2, fp = 1.
/// let p = [0.9_f32, 0.8, 0.1, 0.7];
/// precision.update(&p[..2], Targets::Values(&[1.0, 0.0]), 2, 1)?;
/// precision.update(&p[2..], Targets::Values(&[0.0, 1.0]), 2, 1)?;
/// assert_eq!(precision.value(), Some(2.0 / (3.0 + 1e-7)));
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Precision<const C: usize> {
    counts: ClassCounts<C>,
}

over_counts!(Precision);

impl<const C: usize> Precision<C> {
    /// The precision ([`ClassCounts::precision`]); `None` before the first
    /// sample.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.counts.precision()
    }
}
