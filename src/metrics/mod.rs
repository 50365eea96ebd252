//! The metrics of VanillaNets (`vanillanets.metrics`) as streaming
//! accumulators, so a data set larger than RAM can be evaluated in chunks.
//!
//! Each metric is a small `Copy` struct with a `const fn new()` (usable in a
//! `static`), an `update` that takes one chunk of rows and a `value` that
//! reads the result. `update` validates everything first: on `Err` the
//! accumulator (or the caller's matrix) is unchanged. Nothing allocates or
//! panics.
//!
//! | type | the original's | formula | result |
//! |---|---|---|---|
//! | [`Accuracy`] | `Accuracy` | `mean(pred == y)` | `f64` |
//! | [`Precision<C>`] | `Precision` | binary `tp / (tp + fp + 1e-7)`, else the macro mean of it | `f64` |
//! | [`Recall<C>`] | `Recall` | binary `tp / (tp + fn + 1e-7)`, else the macro mean of it | `f64` |
//! | [`F1Score<C>`] | `F1Score` | `2 p r / (p + r + 1e-7)` of the two above | `f64` |
//! | [`ConfusionMatrix`] | `ConfusionMatrix` | `cm[y, pred] += 1` into the caller's `&mut [u32]` | counts |
//! | [`R2Score`] | `R2Score` | `1 - Σ(y - p)² / (Σ(y - ȳ)² + 1e-7)` | `f32` |
//! | [`Mae`] | `MAE` | `mean(abs(y - p))` | `f32` |
//! | [`Rmse`] | `RMSE` | `sqrt(mean((y - p)²))` | `f32` |
//!
//! The result types are the original's on `float32` inputs: `float64` for
//! the four classification ratios, `float32` for the three regression
//! metrics. `value` is `None` until an element has been counted (the
//! original gives NaN for an empty mean, and `0.0` for an empty
//! precision, recall or F1).
//!
//! # Labels
//!
//! The classification metrics turn a `rows × cols` batch of outputs into
//! one class per row as the original's `_to_labels` does
//! ([`predicted_class`]): one column → `p > 0.5` (strict; NaN is class 0),
//! several → the row's argmax (first maximum; a NaN counts as the maximum).
//! Targets are [`Targets`]: class indices, float values truncated toward
//! zero like `astype(int)` ([`truncated_class`]), or one-hot rows reduced by
//! argmax. The per-class metrics hold `C` classes in fixed arrays
//! ([`ClassCounts`]) and refuse a label `>= C` with
//! [`Error::LabelOutOfRange`](crate::Error::LabelOutOfRange), like the
//! confusion matrix (the original raises `IndexError` there). A float
//! target that truncates to no class (negative, NaN, infinite, too large)
//! is refused the same way, with `label: usize::MAX`; [`Accuracy`] counts it
//! as a miss, as the original does.
//!
//! Precision, Recall and F1 apply the original's rule when they are read:
//! **binary** while at most two distinct labels have been seen, with the
//! positive class hard-wired to **1** (so labels {1, 2} give about 1 and
//! {0, 2} give 0, as in the original), **macro** otherwise ([`Averaging`]).
//!
//! # Chunking
//!
//! Feeding the same rows in any chunks gives the same counts, and so the
//! same [`Accuracy`], [`Precision`], [`Recall`], [`F1Score`] and confusion
//! matrix, bit for bit. The regression metrics sum each chunk in `f32` by
//! NumPy's pairwise summation ([`crate::math::sum`]) and add the chunks in
//! `f64`: one chunk gives the original's bits, several give a result within
//! the bounds documented on [`Mae`], [`Rmse`] and [`R2Score`].
//!
//! Counts are `u64` and saturate at `u64::MAX` (2⁶⁴ samples: out of reach);
//! the confusion matrix's `u32` cells are checked exactly and refuse to pass
//! `u32::MAX` ([`Error::CapacityExceeded`](crate::Error::CapacityExceeded)).
//!
//! ```
//! use vanillanets::metrics::{Accuracy, ConfusionMatrix, F1Score, Targets};
//!
//! // Two chunks of a three-class evaluation, one-hot targets.
//! let chunks: [(&[f32], &[f32]); 2] = [
//!     (&[0.7, 0.2, 0.1, 0.1, 0.8, 0.1], &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
//!     (&[0.2, 0.2, 0.6, 0.5, 0.4, 0.1], &[0.0, 0.0, 1.0, 0.0, 0.0, 1.0]),
//! ];
//! let mut accuracy = Accuracy::new();
//! let mut f1 = F1Score::<3>::new();
//! let cm = ConfusionMatrix::new(3);
//! let mut matrix = [0_u32; 9];
//! for (p, y) in chunks {
//!     accuracy.update(p, Targets::OneHot(y), 2, 3)?;
//!     f1.update(p, Targets::OneHot(y), 2, 3)?;
//!     cm.update(p, Targets::OneHot(y), 2, 3, &mut matrix)?;
//! }
//! assert_eq!(accuracy.value(), Some(0.75));
//! assert_eq!(matrix, [1, 0, 0, 0, 1, 0, 1, 0, 1]);
//! assert!(f1.value().unwrap() > 0.7);
//! # Ok::<(), vanillanets::Error>(())
//! ```

mod accuracy;
mod confusion_matrix;
mod counts;
mod f1;
mod labels;
mod mae;
mod metric;
mod precision;
mod r2;
mod recall;
mod residuals;
mod rmse;

pub use accuracy::Accuracy;
pub use confusion_matrix::ConfusionMatrix;
pub use counts::{Averaging, ClassCounts};
pub use f1::F1Score;
pub use labels::{predicted_class, truncated_class, Targets};
pub use mae::Mae;
pub use metric::Metric;
pub use precision::Precision;
pub use r2::R2Score;
pub use recall::Recall;
pub use rmse::Rmse;
