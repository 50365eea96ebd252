//! The fused Softmax + categorical cross-entropy: the original
//! `Activation_Softmax_Loss_CategoricalCrossentropy`.

use super::labels::argmax;
use super::{impl_loss, CategoricalCrossEntropy, Labels, Loss, LossKernel};
use crate::activations::{Activation, Softmax};
use crate::shape::{batch_rows, batch_rows_mut, check_len};
use crate::Error;

/// Softmax followed by categorical cross-entropy, with the fused backward.
///
/// As a [`Loss`], its predictions are the **softmax output** `p` and its
/// gradient is w.r.t. the **logits** (the Softmax inputs):
/// - per sample and [`calculate`](Loss::calculate): exactly
///   [`CategoricalCrossEntropy`] of `p`;
/// - backward: `dx = p`; `dx[row, t_row] -= 1`; `dx /= n`, where `t_row` is
///   the class index, or the argmax of a one-hot row (first maximum wins).
///
/// [`forward_logits`](Self::forward_logits) runs the Softmax and the mean
/// loss in one call, and [`backward_in_place`](Self::backward_in_place)
/// turns the softmax output into the gradient without a second buffer.
///
/// This replaces CCE backward followed by Softmax backward: it is O(k) per
/// row with no division by `p`, and equal to the chain up to rounding while
/// every probability is above `1e-7`. Below the clip the chain's gradient
/// vanishes (`clip` has zero slope there) while the fused one stays at about
/// `-1/n` for the true class, which is why the original prefers it.
///
/// Each element costs one subtraction (true class only) and one division:
/// ≤ 1 ULP from the exact value of its f32 inputs. NaN in `p` stays in its
/// element.
///
/// ```
/// use vanillanets::losses::{Labels, SoftmaxCrossEntropy};
///
/// let logits = [2.0_f32, 1.0, 0.1];
/// let mut p = [0.0_f32; 3];
/// let loss = SoftmaxCrossEntropy.forward_logits(&logits, Labels::Classes(&[0]), 1, 3, &mut p)?;
/// assert!((loss - 0.417_029_7).abs() < 1e-6); // f64: -ln softmax(x)[0]
///
/// SoftmaxCrossEntropy.backward_in_place(Labels::Classes(&[0]), 1, 3, &mut p)?;
/// assert!((p[0] - (0.659_001_1 - 1.0)).abs() < 1e-6);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SoftmaxCrossEntropy;

impl SoftmaxCrossEntropy {
    /// Softmax of `inputs` into `output` (both `rows × cols`), then the mean
    /// cross-entropy of `output` against `labels`.
    ///
    /// # Errors
    /// Everything [`Softmax`]'s forward and [`Loss::calculate`] refuse,
    /// checked before `output` is written; `rows == 0` is
    /// [`Error::EmptyShape`].
    pub fn forward_logits(
        &self,
        inputs: &[f32],
        labels: Labels<'_>,
        rows: usize,
        cols: usize,
        output: &mut [f32],
    ) -> Result<f32, Error> {
        // Validate the loss's side (labels, rows > 0) against the inputs,
        // which have the output's length, before Softmax writes anything.
        let n = super::validate::<Self>("inputs", inputs, labels, rows, cols)?;
        if rows == 0 {
            return Err(Error::EmptyShape { rows, cols });
        }
        check_len("output", n, output.len())?;
        Softmax.forward(inputs, rows, cols, output)?;
        self.calculate(output, labels, rows, cols)
    }

    /// The fused backward in place: `values` holds the softmax output on
    /// entry and the logits' gradient on return (`rows × cols`).
    /// Bit-identical to [`Loss::backward`].
    ///
    /// # Errors
    /// As [`Loss::backward`].
    pub fn backward_in_place(
        &self,
        labels: Labels<'_>,
        rows: usize,
        cols: usize,
        values: &mut [f32],
    ) -> Result<(), Error> {
        super::validate::<Self>("values", values, labels, rows, cols)?;
        let n = rows as f32;
        for_each_row_class(batch_rows_mut(values, cols), labels, cols, |row, t| {
            for (j, v) in row.iter_mut().enumerate() {
                *v = fused(*v, j == t, n);
            }
        });
        Ok(())
    }
}

/// One element of the fused gradient: `(p - [is_true]) / n`.
#[inline(always)]
fn fused(p: f32, is_true: bool, n: f32) -> f32 {
    (if is_true { p - 1.0 } else { p }) / n
}

/// Calls `f(row, class)` for each row with its class index: the label, or
/// the argmax of its one-hot row.
#[inline(always)]
fn for_each_row_class<'r, R: 'r>(
    items: impl Iterator<Item = R>,
    labels: Labels<'_>,
    cols: usize,
    mut f: impl FnMut(R, usize),
) {
    match labels {
        Labels::Classes(classes) => {
            for (row, &t) in items.zip(classes) {
                f(row, t);
            }
        }
        // `Values` was refused by the check; never reached.
        Labels::OneHot(y) | Labels::Values(y) => {
            for (row, y) in items.zip(batch_rows(y, cols)) {
                f(row, argmax(y));
            }
        }
    }
}

impl LossKernel for SoftmaxCrossEntropy {
    fn check_targets(labels: Labels<'_>, rows: usize, cols: usize, n: usize) -> Result<(), Error> {
        CategoricalCrossEntropy::check_targets(labels, rows, cols, n)
    }

    fn samples<'a>(
        &self,
        p: &'a [f32],
        labels: Labels<'a>,
        cols: usize,
    ) -> impl Iterator<Item = f32> + 'a {
        CategoricalCrossEntropy.samples(p, labels, cols)
    }

    fn backward_raw(
        &self,
        p: &[f32],
        labels: Labels<'_>,
        rows: usize,
        cols: usize,
        dx: &mut [f32],
    ) {
        let n = rows as f32;
        let batch = batch_rows(p, cols).zip(batch_rows_mut(dx, cols));
        for_each_row_class(batch, labels, cols, |(p, dx), t| {
            for (j, (dx, &p)) in dx.iter_mut().zip(p).enumerate() {
                *dx = fused(p, j == t, n);
            }
        });
    }
}

impl_loss!(SoftmaxCrossEntropy, Labels<'a>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_formula_by_hand() {
        // p rows [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]; labels 0 and 2; n = 2
        let p = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8];
        let mut dx = [0.0; 6];
        SoftmaxCrossEntropy
            .backward(&p, Labels::Classes(&[0, 2]), 2, 3, &mut dx)
            .unwrap();
        let want = [-0.15, 0.1, 0.05, 0.05, 0.05, -0.1];
        for (g, w) in dx.iter().zip(want) {
            assert!((g - w).abs() < 1e-7, "{dx:?}");
        }
        // one-hot rows, reduced by argmax, give the same bits
        let onehot = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        let mut dx2 = [0.0; 6];
        SoftmaxCrossEntropy
            .backward(&p, Labels::OneHot(&onehot), 2, 3, &mut dx2)
            .unwrap();
        assert_eq!(dx, dx2);
    }

    #[test]
    fn forward_logits_validates_before_writing() {
        let mut out = [5.0; 4];
        assert_eq!(
            SoftmaxCrossEntropy.forward_logits(&[0.0; 4], Labels::Classes(&[0, 9]), 2, 2, &mut out),
            Err(Error::LabelOutOfRange {
                row: 1,
                label: 9,
                classes: 2
            })
        );
        assert_eq!(
            SoftmaxCrossEntropy.forward_logits(&[], Labels::Classes(&[]), 0, 2, &mut []),
            Err(Error::EmptyShape { rows: 0, cols: 2 })
        );
        assert_eq!(out, [5.0; 4]);
    }
}
