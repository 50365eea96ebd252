//! The losses of VanillaNets on flat `f32` slices, and the fused Softmax +
//! cross-entropy backward.
//!
//! `n` = rows (samples), `k` = cols (outputs or classes), `p` = predictions,
//! `y` = targets, `clip(p) = min(max(p, 1e-7), 1 - 1e-7)` (NaN passes).
//!
//! | type | per-sample loss | backward w.r.t. `p` | file |
//! |---|---|---|---|
//! | [`BinaryCrossEntropy`] | `mean_j -(y ln clip(p) + (1-y) ln(1-clip(p)))` | `-(y/clip(p) - (1-y)/(1-clip(p))) / k / n` | `binary_cross_entropy.rs` |
//! | [`CategoricalCrossEntropy`] | `-ln(Σ_j clip(p_j) y_j)` | `-y / clip(p) / n` | `categorical_cross_entropy.rs` |
//! | [`SparseCategoricalCrossEntropy`](type@SparseCategoricalCrossEntropy) | the same (an alias, as in 1.0.1) | the same | `categorical_cross_entropy.rs` |
//! | [`MeanSquaredError`] | `mean_j (y_j - p_j)²` | `-2 (y - p) / k / n` | `mean_squared_error.rs` |
//! | [`SoftmaxCrossEntropy`] | CCE of the softmax output | w.r.t. the *logits*: `(p - onehot(y)) / n` | `softmax_cross_entropy.rs` |
//!
//! Every loss implements [`Loss`]: a per-sample [`forward`](Loss::forward)
//! into a caller slice of `rows` elements, the mean
//! [`calculate`](Loss::calculate), and a [`backward`](Loss::backward) into
//! `dinputs` (`rows × cols`). [`crate::LossBuffer`] caches the gradient for
//! the original stateful interface. [`backward_path`] says when the fused
//! backward replaces the chained one, as the original `Model.finalize()`
//! does.
//!
//! Shapes: `cols == 0` is [`Error::EmptyShape`] for every loss (no outputs to
//! average, no classes); `rows == 0` is an empty batch for `forward` and
//! `backward`, and [`Error::EmptyShape`] for `calculate`, whose mean over zero
//! samples would be NaN.

mod binary_cross_entropy;
mod categorical_cross_entropy;
mod labels;
mod mean_squared_error;
mod softmax_cross_entropy;

pub use binary_cross_entropy::BinaryCrossEntropy;
pub use categorical_cross_entropy::{CategoricalCrossEntropy, SparseCategoricalCrossEntropy};
pub use labels::Labels;
pub use mean_squared_error::MeanSquaredError;
pub use softmax_cross_entropy::SoftmaxCrossEntropy;

use crate::activations::ActivationKind;
use crate::shape::{batch_rows, check_len, elements_with_classes};
use crate::Error;

/// The lower clip bound, `1e-7` in f32 (`1.00000001e-7`).
pub const CLIP_MIN: f32 = 1e-7;
/// The upper clip bound, `1 - 1e-7` rounded to f32: `0.99999988`
/// (`1 - 1.19e-7`), where f64 has `0.9999999`. The largest per-sample
/// cross-entropy is therefore `-ln(1e-7 as f32) = 16.118095` and a perfect
/// prediction costs `-ln(0.99999988) = 1.19e-7` (f64: `1.0e-7`).
pub const CLIP_MAX: f32 = 1.0 - 1e-7;

/// `min(max(p, 1e-7), 1 - 1e-7)` as NumPy's `np.clip`: NaN stays NaN.
///
/// ```
/// use vanillanets::losses::{clip, CLIP_MAX, CLIP_MIN};
/// assert_eq!(clip(0.0), CLIP_MIN);
/// assert_eq!(clip(1.0), CLIP_MAX);
/// assert_eq!(clip(0.5), 0.5);
/// assert!(clip(f32::NAN).is_nan());
/// ```
#[inline(always)]
#[must_use]
pub fn clip(p: f32) -> f32 {
    // `clamp` keeps NaN; its `min <= max` assertion folds away on constants.
    p.clamp(CLIP_MIN, CLIP_MAX)
}

/// A loss over a `rows × cols` batch of predictions.
///
/// All methods validate every argument first and write second: on `Err` no
/// element of any slice has changed. They never panic or allocate.
///
/// NaN in the predictions or targets propagates to the affected samples'
/// losses and gradients; a shape that makes no sense is an error, never a
/// NaN.
///
/// ```
/// use vanillanets::losses::{Loss, MeanSquaredError};
///
/// let p = [1.0_f32, 2.0, 3.0, 5.0];
/// let y = [1.0_f32, 2.0, 3.0, 3.0];
/// let mut per_sample = [0.0_f32; 2];
/// MeanSquaredError.forward(&p, &y, 2, 2, &mut per_sample)?;
/// assert_eq!(per_sample, [0.0, 2.0]);
/// assert_eq!(MeanSquaredError.calculate(&p, &y, 2, 2)?, 1.0);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub trait Loss: sealed::LossKernel {
    /// Per-sample losses into `sample_losses` (`rows` elements).
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::EmptyShape`] for `cols == 0`,
    /// [`Error::LengthMismatch`] for any slice, and
    /// [`Error::LabelOutOfRange`] for a class index `>= cols`.
    fn forward(
        &self,
        predictions: &[f32],
        targets: Self::Targets<'_>,
        rows: usize,
        cols: usize,
        sample_losses: &mut [f32],
    ) -> Result<(), Error> {
        validate::<Self>("predictions", predictions, targets, rows, cols)?;
        check_len("sample_losses", rows, sample_losses.len())?;
        let mut out = sample_losses.iter_mut();
        self.for_each_sample(predictions, targets, cols, |loss| {
            if let Some(slot) = out.next() {
                *slot = loss;
            }
        });
        Ok(())
    }

    /// The mean of the per-sample losses, summed left to right in f32.
    ///
    /// # Errors
    /// As [`forward`](Loss::forward), and [`Error::EmptyShape`] for
    /// `rows == 0`.
    fn calculate(
        &self,
        predictions: &[f32],
        targets: Self::Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<f32, Error> {
        validate::<Self>("predictions", predictions, targets, rows, cols)?;
        if rows == 0 {
            return Err(Error::EmptyShape { rows, cols });
        }
        let mut sum = 0.0_f32;
        self.for_each_sample(predictions, targets, cols, |loss| sum += loss);
        Ok(sum / rows as f32)
    }

    /// The gradient of [`calculate`](Loss::calculate) w.r.t. the predictions
    /// into `dinputs` (`rows × cols`).
    ///
    /// # Errors
    /// As [`forward`](Loss::forward), for `dinputs` instead of
    /// `sample_losses`.
    fn backward(
        &self,
        predictions: &[f32],
        targets: Self::Targets<'_>,
        rows: usize,
        cols: usize,
        dinputs: &mut [f32],
    ) -> Result<(), Error> {
        let n = validate::<Self>("predictions", predictions, targets, rows, cols)?;
        check_len("dinputs", n, dinputs.len())?;
        self.backward_raw(predictions, targets, rows, cols, dinputs);
        Ok(())
    }
}

/// Checks the shape, the length of `values` (the predictions, or the logits,
/// named `argument` in the error) and the targets; returns `rows * cols`.
fn validate<L: sealed::LossKernel + ?Sized>(
    argument: &'static str,
    values: &[f32],
    targets: L::Targets<'_>,
    rows: usize,
    cols: usize,
) -> Result<usize, Error> {
    let n = elements_with_classes(rows, cols)?;
    check_len(argument, n, values.len())?;
    L::check_targets(targets, rows, cols, n)?;
    Ok(n)
}

pub(crate) mod sealed {
    use crate::Error;

    /// The unchecked loss kernels behind [`super::Loss`]. Callers have
    /// validated the shape (`cols > 0`), every length and every label.
    pub trait LossKernel {
        /// What the loss compares the predictions with: `&[f32]` targets or
        /// [`super::Labels`].
        type Targets<'a>: Copy;
        /// Checks the targets against the shape (`n = rows * cols`).
        fn check_targets(
            targets: Self::Targets<'_>,
            rows: usize,
            cols: usize,
            n: usize,
        ) -> Result<(), Error>;
        /// Calls `sink` with each row's loss, in row order.
        fn for_each_sample(
            &self,
            p: &[f32],
            targets: Self::Targets<'_>,
            cols: usize,
            sink: impl FnMut(f32),
        );
        /// Writes the gradient of the mean loss w.r.t. `p` into `dx`.
        fn backward_raw(
            &self,
            p: &[f32],
            targets: Self::Targets<'_>,
            rows: usize,
            cols: usize,
            dx: &mut [f32],
        );
    }
}

/// Checks `f32` targets: the same length as the predictions.
fn check_values(targets: &[f32], n: usize) -> Result<(), Error> {
    check_len("targets", n, targets.len())
}

/// Calls `sink` with each row's mean of `loss(p_j, y_j)`: a left-to-right
/// f32 sum divided by `cols` (BCE and MSE per sample).
#[inline(always)]
fn row_means(
    p: &[f32],
    y: &[f32],
    cols: usize,
    loss: impl Fn(f32, f32) -> f32,
    mut sink: impl FnMut(f32),
) {
    let k = cols as f32;
    for (p, y) in batch_rows(p, cols).zip(batch_rows(y, cols)) {
        let sum = p.iter().zip(y).fold(0.0_f32, |s, (&p, &y)| s + loss(p, y));
        sink(sum / k);
    }
}

/// `dx = grad(p, y) / k / n` per element, divided in that order (the BCE
/// and MSE backward).
#[inline(always)]
fn mean_gradient(
    p: &[f32],
    y: &[f32],
    rows: usize,
    cols: usize,
    dx: &mut [f32],
    grad: impl Fn(f32, f32) -> f32,
) {
    let (k, n) = (cols as f32, rows as f32);
    for ((dx, &p), &y) in dx.iter_mut().zip(p).zip(y) {
        *dx = grad(p, y) / k / n;
    }
}

/// Which loss a model ends with, for [`backward_path`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LossKind {
    /// [`BinaryCrossEntropy`].
    BinaryCrossEntropy,
    /// [`CategoricalCrossEntropy`].
    CategoricalCrossEntropy,
    /// [`SparseCategoricalCrossEntropy`](type@SparseCategoricalCrossEntropy).
    SparseCategoricalCrossEntropy,
    /// [`MeanSquaredError`].
    MeanSquaredError,
}

/// How a model's last activation and its loss run backward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackwardPath {
    /// [`SoftmaxCrossEntropy::backward`] straight from the softmax output to
    /// the logits' gradient; the Softmax backward is never called.
    Fused,
    /// The loss's backward, then the activation's backward.
    Chained,
}

/// The original `Model.finalize()` rule: Softmax last with a categorical
/// cross-entropy (CCE or SCCE) runs [`BackwardPath::Fused`]; every other
/// pairing runs [`BackwardPath::Chained`].
///
/// ```
/// use vanillanets::activations::ActivationKind;
/// use vanillanets::losses::{backward_path, BackwardPath, LossKind};
///
/// assert_eq!(
///     backward_path(ActivationKind::Softmax, LossKind::SparseCategoricalCrossEntropy),
///     BackwardPath::Fused
/// );
/// assert_eq!(
///     backward_path(ActivationKind::Sigmoid, LossKind::BinaryCrossEntropy),
///     BackwardPath::Chained
/// );
/// ```
#[must_use]
pub const fn backward_path(last: ActivationKind, loss: LossKind) -> BackwardPath {
    match (last, loss) {
        (
            ActivationKind::Softmax,
            LossKind::CategoricalCrossEntropy | LossKind::SparseCategoricalCrossEntropy,
        ) => BackwardPath::Fused,
        _ => BackwardPath::Chained,
    }
}
