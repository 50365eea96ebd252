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
//! | [`SparseCategoricalCrossEntropy`] | the same (a subclass in 1.0.1) | the same | `sparse_categorical_cross_entropy.rs` |
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
mod sparse_categorical_cross_entropy;

pub use binary_cross_entropy::BinaryCrossEntropy;
pub use categorical_cross_entropy::CategoricalCrossEntropy;
pub(crate) use labels::argmax;
pub use labels::Labels;
pub use mean_squared_error::MeanSquaredError;
pub use softmax_cross_entropy::SoftmaxCrossEntropy;
pub use sparse_categorical_cross_entropy::SparseCategoricalCrossEntropy;

use crate::activations::ActivationKind;
use crate::math::sum_of;
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
/// Sums (a row's mean, a one-hot row's weighted sum, `calculate`'s mean)
/// are NumPy's pairwise [`crate::math::sum`]: their error grows with
/// `log n`, so the mean of 2²⁵ unit losses is exactly `1.0`.
///
/// This trait is sealed (the empty marker `private::Sealed`): the crate's
/// losses are its only implementors.
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
pub trait Loss: private::Sealed {
    /// What the loss compares the predictions with: `&[f32]` targets of
    /// the predictions' shape ([`BinaryCrossEntropy`], [`MeanSquaredError`])
    /// or [`Labels`] (the categorical losses: [`crate::targets::Targets`],
    /// the one target type of the crate, under its earlier name here).
    type Targets<'a>: Copy;

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
    ) -> Result<(), Error>;

    /// The mean of the per-sample losses ([`crate::math::sum`] divided by
    /// `rows`).
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
    ) -> Result<f32, Error>;

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
    ) -> Result<(), Error>;
}

pub(crate) mod private {
    /// The seal of [`super::Loss`]: an empty marker that only the crate's
    /// losses implement.
    pub trait Sealed {}
}

/// The unchecked kernels behind [`Loss`], which [`impl_loss!`] implements
/// it with. Callers have validated the shape (`cols > 0`), every length and
/// every label.
pub(crate) trait LossKernel: Loss {
    /// Checks the targets against the shape (`n = rows * cols`).
    fn check_targets(
        targets: Self::Targets<'_>,
        rows: usize,
        cols: usize,
        n: usize,
    ) -> Result<(), Error>;
    /// Each row's loss, in row order.
    fn samples<'a>(
        &self,
        p: &'a [f32],
        targets: Self::Targets<'a>,
        cols: usize,
    ) -> impl Iterator<Item = f32> + 'a;
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

/// `impl Loss for $loss` with `Targets = $targets`, through its
/// [`LossKernel`] and the one validation below.
macro_rules! impl_loss {
    ($loss:ty, $targets:ty) => {
        impl $crate::losses::private::Sealed for $loss {}

        impl $crate::losses::Loss for $loss {
            type Targets<'a> = $targets;

            fn forward(
                &self,
                predictions: &[f32],
                targets: Self::Targets<'_>,
                rows: usize,
                cols: usize,
                sample_losses: &mut [f32],
            ) -> Result<(), $crate::Error> {
                $crate::losses::forward(self, predictions, targets, rows, cols, sample_losses)
            }

            fn calculate(
                &self,
                predictions: &[f32],
                targets: Self::Targets<'_>,
                rows: usize,
                cols: usize,
            ) -> Result<f32, $crate::Error> {
                $crate::losses::calculate(self, predictions, targets, rows, cols)
            }

            fn backward(
                &self,
                predictions: &[f32],
                targets: Self::Targets<'_>,
                rows: usize,
                cols: usize,
                dinputs: &mut [f32],
            ) -> Result<(), $crate::Error> {
                $crate::losses::backward(self, predictions, targets, rows, cols, dinputs)
            }
        }
    };
}
pub(crate) use impl_loss;

/// [`Loss::forward`].
fn forward<'a, L: LossKernel>(
    loss: &L,
    predictions: &'a [f32],
    targets: L::Targets<'a>,
    rows: usize,
    cols: usize,
    sample_losses: &mut [f32],
) -> Result<(), Error> {
    validate::<L>("predictions", predictions, targets, rows, cols)?;
    check_len("sample_losses", rows, sample_losses.len())?;
    for (slot, loss) in sample_losses
        .iter_mut()
        .zip(loss.samples(predictions, targets, cols))
    {
        *slot = loss;
    }
    Ok(())
}

/// [`Loss::calculate`].
fn calculate<'a, L: LossKernel>(
    loss: &L,
    predictions: &'a [f32],
    targets: L::Targets<'a>,
    rows: usize,
    cols: usize,
) -> Result<f32, Error> {
    validate::<L>("predictions", predictions, targets, rows, cols)?;
    if rows == 0 {
        return Err(Error::EmptyShape { rows, cols });
    }
    Ok(sum_of(rows, loss.samples(predictions, targets, cols)) / rows as f32)
}

/// [`Loss::backward`].
fn backward<L: LossKernel>(
    loss: &L,
    predictions: &[f32],
    targets: L::Targets<'_>,
    rows: usize,
    cols: usize,
    dinputs: &mut [f32],
) -> Result<(), Error> {
    let n = validate::<L>("predictions", predictions, targets, rows, cols)?;
    check_len("dinputs", n, dinputs.len())?;
    loss.backward_raw(predictions, targets, rows, cols, dinputs);
    Ok(())
}

/// Checks the shape, the length of `values` (the predictions, or the logits,
/// named `argument` in the error) and the targets; returns `rows * cols`.
fn validate<L: LossKernel>(
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

/// Checks `f32` targets: the same length as the predictions.
fn check_values(targets: &[f32], n: usize) -> Result<(), Error> {
    check_len("targets", n, targets.len())
}

/// Each row's mean of `loss(p_j, y_j)`: a pairwise sum divided by `cols`
/// (BCE and MSE per sample).
#[inline(always)]
fn row_means<'a>(
    p: &'a [f32],
    y: &'a [f32],
    cols: usize,
    loss: impl Fn(f32, f32) -> f32 + Copy + 'a,
) -> impl Iterator<Item = f32> + 'a {
    let k = cols as f32;
    batch_rows(p, cols)
        .zip(batch_rows(y, cols))
        .map(move |(p, y)| sum_of(cols, p.iter().zip(y).map(|(&p, &y)| loss(p, y))) / k)
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
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LossKind {
    /// [`BinaryCrossEntropy`].
    BinaryCrossEntropy,
    /// [`CategoricalCrossEntropy`].
    CategoricalCrossEntropy,
    /// [`SparseCategoricalCrossEntropy`].
    SparseCategoricalCrossEntropy,
    /// [`MeanSquaredError`].
    MeanSquaredError,
}

/// How a model's last activation and its loss run backward.
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
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
