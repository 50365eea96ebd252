//! One interface over every metric, for a model's `fit` and `evaluate`.

use super::labels::{label_pairs_of_targets, Targets};
use super::{Accuracy, F1Score, Mae, Precision, R2Score, Recall, Rmse};
use crate::shape::{check_len, elements_with_classes};
use crate::Error;

/// A metric that a model updates with each chunk of its outputs, as the
/// original's `Model` calls `metric.calculate(output, y)` every epoch.
///
/// [`check`](Metric::check) says before training starts whether every
/// chunk of these targets will be accepted, so that `fit` can refuse the
/// call instead of failing halfway; [`observe`](Metric::observe) then adds
/// a chunk. The classification metrics take [`Targets`] of any form; the
/// regression ones take [`Targets::Values`] of `rows × cols` values.
///
/// ```
/// use vanillanets::metrics::{Accuracy, Metric, Targets};
///
/// let mut m = Accuracy::new();
/// m.observe(&[0.9, 0.2], Targets::Values(&[1.0, 1.0]), 2, 1)?;
/// assert_eq!((m.name(), m.result()), ("accuracy", Some(0.5)));
/// m.reset();
/// assert_eq!(m.result(), None);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub trait Metric {
    /// The original's name for it (`"accuracy"`, `"precision"`, ...), as
    /// its epoch lines print it.
    fn name(&self) -> &'static str;

    /// Forgets every chunk.
    fn reset(&mut self);

    /// Whether [`observe`](Metric::observe) will accept these targets for
    /// any `rows × cols` predictions.
    ///
    /// # Errors
    /// What `observe` would refuse: wrong lengths, a label at or past the
    /// metric's class capacity (or `cols` past it), targets of a form the
    /// metric does not take ([`Error::UnsupportedTargets`]).
    fn check(&self, targets: Targets<'_>, rows: usize, cols: usize) -> Result<(), Error>;

    /// Adds one chunk of `rows × cols` predictions and their targets.
    ///
    /// # Errors
    /// As the metric's own `update`; on error nothing changes.
    fn observe(
        &mut self,
        predictions: &[f32],
        targets: Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<(), Error>;

    /// The value so far as `f64`, `None` before the first element.
    fn result(&self) -> Option<f64>;
}

/// `check` for the per-class metrics of capacity `classes`: the
/// predictions' labels are below `max(cols, 2)`, the targets' must be below
/// `classes`.
fn check_classes(
    targets: Targets<'_>,
    rows: usize,
    cols: usize,
    classes: usize,
) -> Result<(), Error> {
    let n = elements_with_classes(rows, cols)?;
    targets.check(rows, n)?;
    let predicted = cols.max(2);
    if predicted > classes {
        return Err(Error::LabelOutOfRange {
            row: 0,
            label: predicted - 1,
            classes,
        });
    }
    super::labels::check_classes(label_pairs_of_targets(targets, rows, cols), classes)
}

/// `check` for the regression metrics: `rows × cols` values.
fn check_values(targets: Targets<'_>, rows: usize, cols: usize) -> Result<&[f32], Error> {
    let n = elements_with_classes(rows, cols)?;
    match targets {
        Targets::Values(t) => {
            check_len("targets", n, t.len())?;
            Ok(t)
        }
        _ => Err(Error::UnsupportedTargets),
    }
}

impl Metric for Accuracy {
    fn name(&self) -> &'static str {
        "accuracy"
    }
    fn reset(&mut self) {
        *self = Self::new();
    }
    fn check(&self, targets: Targets<'_>, rows: usize, cols: usize) -> Result<(), Error> {
        let n = elements_with_classes(rows, cols)?;
        targets.check(rows, n)
    }
    fn observe(
        &mut self,
        p: &[f32],
        t: Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<(), Error> {
        self.update(p, t, rows, cols)
    }
    fn result(&self) -> Option<f64> {
        self.value()
    }
}

/// `Metric` for a per-class metric of capacity `C`.
macro_rules! per_class {
    ($ty:ident, $name:literal) => {
        impl<const C: usize> Metric for $ty<C> {
            fn name(&self) -> &'static str {
                $name
            }
            fn reset(&mut self) {
                *self = Self::new();
            }
            fn check(&self, targets: Targets<'_>, rows: usize, cols: usize) -> Result<(), Error> {
                check_classes(targets, rows, cols, C)
            }
            fn observe(
                &mut self,
                p: &[f32],
                t: Targets<'_>,
                rows: usize,
                cols: usize,
            ) -> Result<(), Error> {
                self.update(p, t, rows, cols)
            }
            fn result(&self) -> Option<f64> {
                self.value()
            }
        }
    };
}

per_class!(Precision, "precision");
per_class!(Recall, "recall");
per_class!(F1Score, "f1score");

/// `Metric` for a regression metric.
macro_rules! regression {
    ($ty:ident, $name:literal) => {
        impl Metric for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn reset(&mut self) {
                *self = Self::new();
            }
            fn check(&self, targets: Targets<'_>, rows: usize, cols: usize) -> Result<(), Error> {
                check_values(targets, rows, cols).map(|_| ())
            }
            fn observe(
                &mut self,
                p: &[f32],
                t: Targets<'_>,
                rows: usize,
                cols: usize,
            ) -> Result<(), Error> {
                let t = check_values(t, rows, cols)?;
                self.update(p, t, rows, cols)
            }
            fn result(&self) -> Option<f64> {
                self.value().map(f64::from)
            }
        }
    };
}

regression!(R2Score, "r2score");
regression!(Mae, "mae");
regression!(Rmse, "rmse");
