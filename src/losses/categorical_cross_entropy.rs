//! Categorical cross-entropy, paired with a Softmax output.

use super::labels::PerForm;
use super::{clip, impl_loss, Labels, LossKernel};
use crate::math::sum_of;
use crate::shape::{batch_rows, batch_rows_mut};
use crate::Error;

/// Categorical cross-entropy, for Softmax outputs (probabilities per row).
///
/// With `c = clip(p)` (see [`super::clip`]):
/// - per sample, [`Labels::OneHot`] `y`: `-ln(Σ_j c_j · y_j)`, summed
///   pairwise;
/// - per sample, [`Labels::Classes`] `t`: `-ln(c[t])`;
/// - [`calculate`](super::Loss::calculate): the mean over samples;
/// - backward: `-y / c / n`, with class indices expanded to rows of the
///   identity (so the other classes get `-0.0`, as in NumPy).
///
/// The loss of a sample is at most `-ln(1e-7) = 16.118095` (f32) and at
/// least `-ln(0.99999988) = 1.19e-7`: a perfect prediction is not free (in
/// f64 it costs `1e-7`). NaN in `p` or in one-hot labels propagates. `ln` is
/// `libm::logf` (< 1 ULP).
///
/// When the predictions come from Softmax, prefer the fused
/// [`super::SoftmaxCrossEntropy`] backward: it is cheaper, and it keeps its
/// gradient where the clip makes this one vanish (true-class probability
/// below `1e-7`).
///
/// ```
/// use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss};
///
/// let p = [0.7_f32, 0.2, 0.1];
/// let loss = CategoricalCrossEntropy.calculate(&p, Labels::Classes(&[0]), 1, 3)?;
/// assert!((loss - 0.356_675).abs() < 1e-6); // -ln 0.7
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CategoricalCrossEntropy;

impl LossKernel for CategoricalCrossEntropy {
    fn check_targets(labels: Labels<'_>, rows: usize, cols: usize, n: usize) -> Result<(), Error> {
        labels.check_labels(rows, cols, n)
    }

    fn samples<'a>(
        &self,
        p: &'a [f32],
        labels: Labels<'a>,
        cols: usize,
    ) -> impl Iterator<Item = f32> + 'a {
        let samples = batch_rows(p, cols);
        match labels {
            Labels::Classes(classes) => PerForm::Classes(samples.zip(classes).map(|(p, &t)| {
                let c = p.get(t).map_or(f32::NAN, |&p| clip(p));
                -libm::logf(c)
            })),
            // `Values` was refused by the check; never reached.
            Labels::OneHot(y) | Labels::Values(y) => {
                PerForm::OneHot(samples.zip(batch_rows(y, cols)).map(move |(p, y)| {
                    let weighted = p.iter().zip(y).map(|(&p, &y)| clip(p) * y);
                    -libm::logf(sum_of(cols, weighted))
                }))
            }
        }
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
        match labels {
            Labels::Classes(classes) => {
                let batch = batch_rows(p, cols).zip(batch_rows_mut(dx, cols));
                for ((p, dx), &t) in batch.zip(classes) {
                    for (j, (dx, &p)) in dx.iter_mut().zip(p).enumerate() {
                        let y = if j == t { 1.0 } else { 0.0 };
                        *dx = -y / clip(p) / n;
                    }
                }
            }
            // `Values` was refused by the check; never reached.
            Labels::OneHot(y) | Labels::Values(y) => {
                for ((dx, &p), &y) in dx.iter_mut().zip(p).zip(y) {
                    *dx = -y / clip(p) / n;
                }
            }
        }
    }
}

impl_loss!(CategoricalCrossEntropy, Labels<'a>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::losses::Loss;

    #[test]
    fn clip_boundary_values() {
        // True class at probability 0: -ln(1e-7 f32) = 16.118095...
        let mut l = [0.0; 2];
        CategoricalCrossEntropy
            .forward(
                &[0.0, 1.0, 1.0, 0.0],
                Labels::Classes(&[0, 0]),
                2,
                2,
                &mut l,
            )
            .unwrap();
        let worst = -(f64::from(1e-7_f32)).ln();
        let best = -(f64::from(1.0_f32 - 1e-7)).ln();
        assert!((f64::from(l[0]) - worst).abs() < 2e-6, "{}", l[0]);
        assert!((f64::from(l[1]) - best).abs() < 1e-12, "{}", l[1]);
        // and the gradient of the clipped class is -1 / 1e-7 / n
        let mut dx = [0.0; 4];
        CategoricalCrossEntropy
            .backward(
                &[0.0, 1.0, 1.0, 0.0],
                Labels::Classes(&[0, 0]),
                2,
                2,
                &mut dx,
            )
            .unwrap();
        assert_eq!(dx[0], -1.0 / 1e-7 / 2.0);
        assert_eq!(
            dx[1].to_bits(),
            (-0.0_f32).to_bits(),
            "other classes get -0.0"
        );
    }

    #[test]
    fn out_of_range_label_writes_nothing() {
        let mut dx = [7.0; 4];
        assert_eq!(
            CategoricalCrossEntropy.backward(&[0.5; 4], Labels::Classes(&[1, 2]), 2, 2, &mut dx),
            Err(Error::LabelOutOfRange {
                row: 1,
                label: 2,
                classes: 2
            })
        );
        assert_eq!(dx, [7.0; 4]);
    }
}
