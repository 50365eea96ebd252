//! The original `vanillanets.metrics.Recall`, streaming.

use super::counts::over_counts;
use super::{ClassCounts, Targets};

/// The original's `Recall`, accumulated over any number of
/// [`update`](Self::update) calls, for labels below `C`.
///
/// - binary rule (at most two distinct labels seen, [`Averaging::Binary`](super::Averaging::Binary)):
///   `tp / (tp + fn + 1e-7)` with positive class **1**:
///   `tp = #(pred = 1 ∧ y = 1)`, `fn = #(pred = 0 ∧ y = 1)`;
/// - otherwise the macro mean over the classes seen of
///   `tp_c / (tp_c + fn_c + 1e-7)`.
///
/// The result is `f64`, like the original's `float64`, with the original's
/// bits; it is computed by [`value`](Self::value) from integer counts
/// ([`ClassCounts`]), so it does not depend on how the rows are split into
/// calls. Never NaN; NaN outputs become labels as
/// [`predicted_class`](super::predicted_class) says.
///
/// ```
/// use vanillanets::metrics::{Recall, Targets};
///
/// let mut recall = Recall::<3>::new();
/// // Argmax 0, 1, 2, 0 against 0, 1, 2, 2: class 2 is found once in two.
/// let p = [0.9_f32, 0.0, 0.1, 0.1, 0.8, 0.1, 0.0, 0.1, 0.9, 0.6, 0.2, 0.2];
/// recall.update(&p, Targets::Classes(&[0, 1, 2, 2]), 4, 3)?;
/// let r = recall.value().unwrap();
/// assert!((r - (1.0 + 1.0 + 0.5) / 3.0).abs() < 1e-7);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Recall<const C: usize> {
    counts: ClassCounts<C>,
}

over_counts!(Recall);

impl<const C: usize> Recall<C> {
    /// The recall ([`ClassCounts::recall`]); `None` before the first
    /// sample.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.counts.recall()
    }
}
