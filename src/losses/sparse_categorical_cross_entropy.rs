//! Sparse categorical cross-entropy: the categorical cross-entropy under the
//! name that suits class-index labels.

use super::{impl_loss, CategoricalCrossEntropy, Labels, LossKernel};
use crate::Error;

/// Sparse categorical cross-entropy: in VanillaNets 1.0.1 a subclass of
/// [`CategoricalCrossEntropy`] that changes nothing, and here a type of its
/// own with the same results, bit for bit. Pass [`Labels::Classes`] (one
/// class index per row); [`Labels::OneHot`] works too.
///
/// ```
/// use vanillanets::losses::{Labels, Loss, SparseCategoricalCrossEntropy};
///
/// let loss = SparseCategoricalCrossEntropy.calculate(&[0.25, 0.75], Labels::Classes(&[1]), 1, 2)?;
/// assert!((loss - 0.287_682).abs() < 1e-6); // -ln 0.75
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SparseCategoricalCrossEntropy;

impl LossKernel for SparseCategoricalCrossEntropy {
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
        CategoricalCrossEntropy.backward_raw(p, labels, rows, cols, dx);
    }
}

impl_loss!(SparseCategoricalCrossEntropy, Labels<'a>);
