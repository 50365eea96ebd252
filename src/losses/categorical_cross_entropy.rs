//! Categorical cross-entropy (and its sparse alias), paired with a Softmax
//! output.

use super::sealed::LossKernel;
use super::{clip, Labels, Loss};
use crate::shape::{batch_rows, batch_rows_mut};
use crate::Error;

/// Categorical cross-entropy, for Softmax outputs (probabilities per row).
///
/// With `c = clip(p)` (see [`super::clip`]):
/// - per sample, [`Labels::OneHot`] `y`: `-ln(Σ_j c_j · y_j)`, summed left to
///   right;
/// - per sample, [`Labels::Classes`] `t`: `-ln(c[t])`;
/// - [`calculate`](Loss::calculate): the mean over samples;
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

/// Sparse categorical cross-entropy: in VanillaNets 1.0.1 an alias of
/// [`CategoricalCrossEntropy`], and so here. Pass [`Labels::Classes`].
///
/// ```
/// use vanillanets::losses::{Labels, Loss, SparseCategoricalCrossEntropy};
///
/// let loss = SparseCategoricalCrossEntropy.calculate(&[0.25, 0.75], Labels::Classes(&[1]), 1, 2)?;
/// assert!((loss - 0.287_682).abs() < 1e-6); // -ln 0.75
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub type SparseCategoricalCrossEntropy = CategoricalCrossEntropy;

/// The value of [`SparseCategoricalCrossEntropy`](type@SparseCategoricalCrossEntropy), so that the alias reads
/// like the unit struct it names.
#[allow(non_upper_case_globals)]
pub const SparseCategoricalCrossEntropy: SparseCategoricalCrossEntropy = CategoricalCrossEntropy;

impl LossKernel for CategoricalCrossEntropy {
    type Targets<'a> = Labels<'a>;

    fn check_targets(labels: Labels<'_>, rows: usize, cols: usize, n: usize) -> Result<(), Error> {
        labels.check(rows, cols, n)
    }

    fn for_each_sample(
        &self,
        p: &[f32],
        labels: Labels<'_>,
        cols: usize,
        mut sink: impl FnMut(f32),
    ) {
        let samples = batch_rows(p, cols);
        match labels {
            Labels::Classes(classes) => {
                for (p, &t) in samples.zip(classes) {
                    let c = p.get(t).map_or(f32::NAN, |&p| clip(p));
                    sink(-libm::logf(c));
                }
            }
            Labels::OneHot(y) => {
                for (p, y) in samples.zip(batch_rows(y, cols)) {
                    let confidence = p.iter().zip(y).fold(0.0_f32, |s, (&p, &y)| s + clip(p) * y);
                    sink(-libm::logf(confidence));
                }
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
            Labels::OneHot(y) => {
                for ((dx, &p), &y) in dx.iter_mut().zip(p).zip(y) {
                    *dx = -y / clip(p) / n;
                }
            }
        }
    }
}

impl Loss for CategoricalCrossEntropy {}

#[cfg(test)]
mod tests {
    use super::*;

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
