//! What [`super::Model::fit`] takes besides the data, and what it reports.

use crate::metrics::Metric;
use crate::targets::Targets;

/// How [`super::Model::fit`] walks the data.
///
/// The default is the original's: one optimizer step per epoch over the
/// whole data set (`batch_size: None`), in order.
///
/// ```
/// use vanillanets::model::{FitOptions, Shuffle};
///
/// let full_batch = FitOptions::epochs(300);
/// let mut order = [0_usize; 8];
/// let mini = FitOptions {
///     epochs: 50,
///     batch_size: Some(4),
///     shuffle: Some(Shuffle { indices: &mut order, seed: 7 }),
///     validation: None,
/// };
/// assert_eq!(full_batch.batch_size, None);
/// assert_eq!(mini.batch_size, Some(4));
/// ```
#[derive(Debug, Default)]
pub struct FitOptions<'a> {
    /// Passes over the data set.
    pub epochs: usize,
    /// Samples per optimizer step: `None` for the whole data set (the
    /// original's full batch), else `Some(b)` with `b > 0`. The last batch
    /// of an epoch takes the samples that are left, however few: none is
    /// dropped. Each batch runs in micro-batches of at most the model's
    /// micro-batch rows, whose gradients add up to the batch's.
    pub batch_size: Option<usize>,
    /// Visit the samples in a new random order every epoch (the original
    /// has no shuffling). `None`: in order.
    pub shuffle: Option<Shuffle<'a>>,
    /// Data to evaluate after each epoch's last optimizer step, with its
    /// own metrics (the original's `validation_data`): its loss and metrics
    /// are in the [`Epoch`] report and its line. `None`: no validation.
    pub validation: Option<Validation<'a>>,
}

impl FitOptions<'_> {
    /// `epochs` full-batch epochs in order, as the original's `fit`.
    #[must_use]
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            batch_size: None,
            shuffle: None,
            validation: None,
        }
    }
}

/// Validation data for [`super::Model::fit`]: `rows` samples of `inputs`
/// (`rows × inputs`) and their `targets`, as [`super::Model::evaluate`]
/// takes them, evaluated after every epoch's last step with `metrics`
/// (reset each time). Checked with the training data, before anything is
/// written.
///
/// ```
/// use vanillanets::metrics::{Accuracy, Metric};
/// use vanillanets::model::{FitOptions, Validation};
/// use vanillanets::targets::Targets;
///
/// let (x_val, y_val) = ([0.5_f32, -0.5], [1_usize, 0]);
/// let mut accuracy = Accuracy::new();
/// let mut metrics: [&mut dyn Metric; 1] = [&mut accuracy];
/// let options = FitOptions {
///     validation: Some(Validation {
///         inputs: &x_val,
///         targets: Targets::Classes(&y_val),
///         rows: 2,
///         metrics: &mut metrics,
///     }),
///     ..FitOptions::epochs(10)
/// };
/// assert_eq!(options.validation.map(|v| v.rows), Some(2));
/// ```
pub struct Validation<'a> {
    /// `rows × inputs` values, finite.
    pub inputs: &'a [f32],
    /// Their targets, as for training.
    pub targets: Targets<'a>,
    /// The number of samples (at least one).
    pub rows: usize,
    /// The validation metrics: the original prints the training metrics
    /// again, on this data, as `val_<name>`.
    pub metrics: &'a mut [&'a mut dyn Metric],
}

impl core::fmt::Debug for Validation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Validation")
            .field("inputs", &self.inputs.len())
            .field("rows", &self.rows)
            .field("metrics", &self.metrics.len())
            .finish_non_exhaustive()
    }
}

/// The validation part of an [`Epoch`] report.
pub struct Validated<'e, 'v> {
    /// The mean loss over the validation samples, after the epoch's last
    /// step (summed as [`super::Model::evaluate`] sums it).
    pub loss: f32,
    /// The validation metrics, updated with the same outputs.
    pub metrics: &'e [&'v mut dyn Metric],
}

/// Shuffling through a caller-provided index buffer of one `usize` per
/// sample, permuted in place each epoch (Fisher–Yates with
/// [`crate::random::Pcg32`] seeded by `seed` at the start of `fit`).
#[derive(Debug)]
pub struct Shuffle<'a> {
    /// One slot per sample (`rows`); `fit` overwrites it.
    pub indices: &'a mut [usize],
    /// The generator's seed: the same seed gives the same orders.
    pub seed: u64,
}

/// What the per-epoch callback of [`super::Model::fit`] sees, after the
/// epoch's last optimizer step (or before the step that found a
/// non-finite loss).
///
/// [`Epoch::line`] writes the original's `print_every` line.
pub struct Epoch<'e, 'm, 'v> {
    /// The epoch, counting from 1.
    pub epoch: usize,
    /// The mean loss over the epoch's samples, each computed before the
    /// step that used it, summed as one pairwise tree over the epoch's
    /// rows whatever the micro-batches (full batch: the original's
    /// `data_loss`, `np.mean` of the per-sample losses). When the epoch
    /// stopped on a non-finite loss, that loss (NaN or `±inf`).
    pub loss: f32,
    /// The learning rate of the epoch's last step (the original's
    /// `current_learning_rate`).
    pub learning_rate: f64,
    /// The metrics, updated with the same outputs as the loss.
    pub metrics: &'e [&'m mut dyn Metric],
    /// The validation loss and metrics, when [`FitOptions::validation`]
    /// is set and the epoch completed.
    pub validation: Option<Validated<'e, 'v>>,
}

impl Epoch<'_, '_, '_> {
    /// The original's line: `epoch: E, <name>: v.vvv, ..., loss: x.xxx,
    /// lr: 0.000000`, then with validation data `, val_loss: x.xxx,
    /// val_<name>: v.vvv, ...`, each number as Python's `f"{x:.3f}"`
    /// (`.6f` for the learning rate) prints it: NaN as `nan` (a metric with
    /// no value yet too), infinities as `inf` and `-inf`.
    ///
    /// ```
    /// use vanillanets::model::{Epoch, Validated};
    ///
    /// let mut line = String::new();
    /// let validation = Some(Validated { loss: 0.25, metrics: &[] });
    /// Epoch { epoch: 2, loss: f32::NAN, learning_rate: 0.001, metrics: &[], validation }
    ///     .line(&mut line)?;
    /// assert_eq!(line, "epoch: 2, loss: nan, lr: 0.001000, val_loss: 0.250");
    /// # Ok::<(), core::fmt::Error>(())
    /// ```
    ///
    /// # Errors
    /// Whatever `out` returns.
    pub fn line(&self, out: &mut impl core::fmt::Write) -> core::fmt::Result {
        write!(out, "epoch: {}", self.epoch)?;
        for m in self.metrics {
            write!(out, ", {}: ", m.name())?;
            fixed(out, m.result().unwrap_or(f64::NAN), 3)?;
        }
        out.write_str(", loss: ")?;
        fixed(out, f64::from(self.loss), 3)?;
        out.write_str(", lr: ")?;
        fixed(out, self.learning_rate, 6)?;
        if let Some(v) = &self.validation {
            out.write_str(", val_loss: ")?;
            fixed(out, f64::from(v.loss), 3)?;
            for m in v.metrics {
                write!(out, ", val_{}: ", m.name())?;
                fixed(out, m.result().unwrap_or(f64::NAN), 3)?;
            }
        }
        Ok(())
    }
}

/// `x` with `decimals` digits after the point, as Python's
/// `f"{x:.{decimals}f}"`: Rust prints the same digits (the exact value,
/// rounded half to even) and `inf` / `-inf`, but NaN as `NaN` where
/// Python prints `nan` (whatever its sign).
fn fixed(out: &mut impl core::fmt::Write, x: f64, decimals: usize) -> core::fmt::Result {
    if x.is_nan() {
        out.write_str("nan")
    } else {
        write!(out, "{x:.decimals$}")
    }
}

/// The callback's answer: go on, or stop after this epoch (early stopping).
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Control {
    /// Run the next epoch.
    Continue,
    /// Return from `fit` now.
    Stop,
}

/// Why [`super::Model::fit`] returned.
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stop {
    /// Every epoch ran.
    Finished,
    /// The callback returned [`Control::Stop`].
    Callback,
    /// A sample's loss was NaN or infinite. Its step did not run: the
    /// parameters, the optimizer's state and its step count are those
    /// after the last finite step; the gradient buffer holds the partial
    /// sums of the refused step. (An epoch mean that overflows while every
    /// sample's loss is finite does not stop training; see [`super::Model::fit`].)
    NonFiniteLoss,
}

/// What [`super::Model::fit`] did.
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// The epochs that completed (a refused epoch does not count).
    pub epochs: usize,
    /// The last epoch's loss: the last completed one's mean, or the first
    /// non-finite per-sample loss, which stopped training (NaN for zero
    /// epochs).
    pub loss: f32,
    /// Why it returned.
    pub stop: Stop,
}
