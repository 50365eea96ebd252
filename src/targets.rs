//! [`Targets`]: the true values of a batch, in one type for the losses,
//! the metrics and the model.
//!
//! This is the canonical path. `losses::Labels` and `metrics::Targets` are
//! re-exports of this same type under their earlier names, so code written
//! against them compiles unchanged, and a value passes between a loss, a
//! metric and [`crate::model::Model::fit`] as it is.

/// The true values of a batch of `rows` samples with `cols` outputs, in
/// the forms the original accepts.
///
/// | variant | length | categorical losses | classification metrics | [`Model`](crate::model::Model) |
/// |---|---|---|---|---|
/// | [`Targets::Classes`] | `rows` | the class of each row (each `< cols`) | the class as it is | class indices (categorical losses only) |
/// | [`Targets::OneHot`] | `rows × cols` | weights of the clipped predictions, normally one-hot; the fused backward takes each row's argmax | each row's argmax (`cols == 1`: the value, as [`Targets::Values`]) | one-hot rows, or the values of BCE and MSE |
/// | [`Targets::Values`] | `rows` (metrics), `rows × cols` (model) | not taken ([`crate::Error::UnsupportedTargets`]) | each value truncated to a class ([`crate::metrics::truncated_class`]); the regression metrics take the values | the target values of BCE and MSE (as `OneHot` for the categorical losses) |
///
/// The details of each reading are on [`crate::losses::CategoricalCrossEntropy`],
/// [`crate::metrics`] and [`crate::model::Model`]. BCE and MSE take their
/// targets as a plain `&[f32]` of the predictions' shape.
///
/// ```
/// use vanillanets::losses::{CategoricalCrossEntropy, Loss};
/// use vanillanets::metrics::{Accuracy, Metric};
/// use vanillanets::targets::Targets;
///
/// let p = [0.7_f32, 0.3, 0.2, 0.8];
/// let t = Targets::Classes(&[0, 0]);
/// let loss = CategoricalCrossEntropy.calculate(&p, t, 2, 2)?;
/// let mut accuracy = Accuracy::new();
/// accuracy.update(&p, t, 2, 2)?;
/// assert!(loss > 0.0);
/// assert_eq!(accuracy.correct(), 1);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Targets<'a> {
    /// One class index per row.
    Classes(&'a [usize]),
    /// One number per row for the metrics, truncated toward zero into a
    /// class index ([`crate::metrics::truncated_class`]), or `rows × cols`
    /// target values for the model's BCE and MSE.
    Values(&'a [f32]),
    /// One row of `cols` values per sample: one-hot rows (the metrics
    /// reduce each to its argmax; with `cols == 1`, one value per row read
    /// as [`Targets::Values`]), or the weights of a categorical loss.
    OneHot(&'a [f32]),
}
