//! What [`super::Model::fit`] takes besides the data, and what it reports.

use crate::metrics::Metric;

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
}

impl FitOptions<'_> {
    /// `epochs` full-batch epochs in order, as the original's `fit`.
    #[must_use]
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            batch_size: None,
            shuffle: None,
        }
    }
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
pub struct Epoch<'e, 'm> {
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
}

impl Epoch<'_, '_> {
    /// The original's line: `epoch: E, <name>: v.vvv, ..., loss: x.xxx,
    /// lr: 0.000000`, each number as Python's `f"{x:.3f}"` (`.6f` for the
    /// learning rate) prints it: NaN as `nan` (a metric with no value yet
    /// too), infinities as `inf` and `-inf`.
    ///
    /// ```
    /// use vanillanets::model::Epoch;
    ///
    /// let mut line = String::new();
    /// Epoch { epoch: 2, loss: f32::NAN, learning_rate: 0.001, metrics: &[] }.line(&mut line)?;
    /// assert_eq!(line, "epoch: 2, loss: nan, lr: 0.001000");
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
        fixed(out, self.learning_rate, 6)
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
