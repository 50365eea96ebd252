//! The original `vanillanets.metrics.F1Score`, streaming.

use super::counts::over_counts;
use super::{ClassCounts, Targets};

/// The original's `F1Score`, accumulated over any number of
/// [`update`](Self::update) calls, for labels below `C`:
/// `2 p r / (p + r + 1e-7)` where `p` and `r` are the
/// [`Precision`](super::Precision) and [`Recall`](super::Recall) of the same
/// counts (both binary or both macro). It is **not** the mean of per-class
/// F1 scores: that is what the original computes.
///
/// The result is `f64` with the original's bits (evaluated as
/// `((2 p) r) / ((p + r) + 1e-7)`), from integer counts, so it does not
/// depend on how the rows are split into calls. `0.0` when `p = r = 0`;
/// never NaN.
///
/// ```
/// use vanillanets::metrics::{F1Score, Targets};
///
/// let mut f1 = F1Score::<2>::new();
/// // tp = 2, fp = 1, fn = 1: p = r = 2/3.
/// let p = [0.9_f32, 0.8, 0.1, 0.7];
/// f1.update(&p, Targets::Classes(&[1, 0, 1, 1]), 4, 1)?;
/// assert!((f1.value().unwrap() - 2.0 / 3.0).abs() < 1e-6);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct F1Score<const C: usize> {
    counts: ClassCounts<C>,
}

over_counts!(F1Score);

impl<const C: usize> F1Score<C> {
    /// The F1 score ([`ClassCounts::f1`]); `None` before the first sample.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.counts.f1()
    }
}
