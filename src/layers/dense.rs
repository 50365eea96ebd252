//! The fully connected layer: `y = x W + b`, forward and backward, as
//! stateless kernels on slices.

use crate::shape::{check_len, elements};
use crate::Error;

/// A fully connected layer from `inputs` to `outputs` features: the shape
/// only. Its weights (`inputs × outputs`, row-major, as the original's
/// `weights`) and biases (`outputs`) are slices the caller or the model owns.
///
/// - [`forward`](Dense::forward): `y = x W + b`, per element
///   `y_ij = (Σ_k x_ik·W_kj) + b_j`, the sum over `k` left to right;
/// - [`backward_parameters`](Dense::backward_parameters): `dW = xᵀ dv`
///   and `db = Σ_rows dv`, each sum over the rows left to right, written
///   over or added to the caller's `dW`/`db` ([`Gradients`]);
/// - [`backward_inputs`](Dense::backward_inputs): `dx = dv Wᵀ`, per
///   element `Σ_j dv_ij·W_kj` from `+0.0`, the sum over `j` left to right.
///
/// Summing over the rows left to right makes gradients that are
/// [`Gradients::Accumulate`]d over consecutive micro-batches the same bits
/// as one pass over the whole batch. Every element is one sum of its own
/// in that fixed order, so the kernels may compute many side by side in
/// vector lanes of any width: the bits do not depend on the target's
/// vector width or on the tile shape. NumPy's `np.dot` (BLAS) sums in an
/// order of its own, so results differ from VanillaNets' by rounding (a
/// few units in the last place; the parity tests bound it). Every
/// operation is an IEEE `f32` operation with no fused multiply-add: the
/// same bits on every target. NaN and infinities propagate as IEEE says.
///
/// ```
/// use vanillanets::layers::{Dense, Gradients};
///
/// let dense = Dense::new(2, 3);
/// let w = [1.0_f32, 0.0, -1.0, 0.5, 2.0, 0.0]; // 2 × 3
/// let b = [0.0_f32, 1.0, 0.0];
/// let x = [2.0_f32, 4.0]; // one sample
/// let mut y = [0.0_f32; 3];
/// dense.forward(&x, &w, &b, 1, &mut y)?;
/// assert_eq!(y, [4.0, 9.0, -2.0]);
///
/// let dv = [1.0_f32, 0.0, 1.0];
/// let (mut dw, mut db) = ([0.0_f32; 6], [0.0_f32; 3]);
/// dense.backward_parameters(&x, &dv, 1, Gradients::Overwrite, &mut dw, &mut db)?;
/// assert_eq!(dw, [2.0, 0.0, 2.0, 4.0, 0.0, 4.0]);
/// let mut dx = [0.0_f32; 2];
/// dense.backward_inputs(&w, &dv, 1, &mut dx)?;
/// assert_eq!(dx, [0.0, 0.5]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dense {
    inputs: usize,
    outputs: usize,
}

/// Whether a backward writes the parameter gradients or adds to them.
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gradients {
    /// `dW = xᵀ dv`, `db = Σ dv`: the first (or only) micro-batch.
    Overwrite,
    /// `dW += xᵀ dv`, `db += Σ dv`: the next micro-batches of one step.
    Accumulate,
}

impl Dense {
    /// A layer from `inputs` to `outputs` features.
    #[must_use]
    pub const fn new(inputs: usize, outputs: usize) -> Self {
        Self { inputs, outputs }
    }

    /// The number of input features (`n_inputs`, fan-in).
    #[must_use]
    pub const fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of output features (`n_neurons`, fan-out).
    #[must_use]
    pub const fn outputs(&self) -> usize {
        self.outputs
    }

    /// `inputs × outputs` weights, or `None` if that overflows.
    #[must_use]
    pub const fn weights_len(&self) -> Option<usize> {
        self.inputs.checked_mul(self.outputs)
    }

    /// Weights and biases together, `(inputs + 1) × outputs`, or `None` if
    /// that overflows.
    #[must_use]
    pub const fn parameter_len(&self) -> Option<usize> {
        match self.inputs.checked_add(1) {
            Some(rows) => rows.checked_mul(self.outputs),
            None => None,
        }
    }

    /// Checks `rows` and the lengths (argument name, length) of the weights
    /// (or their gradient, `inputs × outputs`), the `rows × inputs` slice
    /// `x` and the `rows × outputs` slice `y`.
    fn check(
        &self,
        weights: (&'static str, usize),
        rows: usize,
        x: (&'static str, usize),
        y: (&'static str, usize),
    ) -> Result<(), Error> {
        let n_in = elements(rows, self.inputs)?;
        let n_out = elements(rows, self.outputs)?;
        let weights_len = self.weights_len().ok_or(Error::ShapeOverflow {
            rows: self.inputs,
            cols: self.outputs,
        })?;
        check_len(weights.0, weights_len, weights.1)?;
        check_len(x.0, n_in, x.1)?;
        check_len(y.0, n_out, y.1)
    }

    /// `output = inputs · weights + biases` for `rows` samples.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], or [`Error::LengthMismatch`] for
    /// `weights` (`inputs × outputs`), `biases` (`outputs`), `inputs`
    /// (`rows × inputs`) or `output` (`rows × outputs`). On error nothing
    /// is written.
    pub fn forward(
        &self,
        inputs: &[f32],
        weights: &[f32],
        biases: &[f32],
        rows: usize,
        output: &mut [f32],
    ) -> Result<(), Error> {
        self.check(
            ("weights", weights.len()),
            rows,
            ("inputs", inputs.len()),
            ("output", output.len()),
        )?;
        check_len("biases", self.outputs, biases.len())?;
        self.forward_raw(inputs, weights, biases, output);
        Ok(())
    }

    /// [`forward`](Self::forward) on validated slices.
    pub(crate) fn forward_raw(&self, x: &[f32], w: &[f32], b: &[f32], y: &mut [f32]) {
        super::kernels::forward(self.inputs, self.outputs, x, w, b, y);
    }

    /// `dweights = inputsᵀ · dvalues` and `dbiases = Σ_rows dvalues`,
    /// written over or added to the caller's slices.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], or [`Error::LengthMismatch`] for `inputs`
    /// (`rows × inputs`), `dvalues` (`rows × outputs`), `dweights`
    /// (`inputs × outputs`) or `dbiases` (`outputs`). On error nothing is
    /// written.
    pub fn backward_parameters(
        &self,
        inputs: &[f32],
        dvalues: &[f32],
        rows: usize,
        mode: Gradients,
        dweights: &mut [f32],
        dbiases: &mut [f32],
    ) -> Result<(), Error> {
        self.check(
            ("dweights", dweights.len()),
            rows,
            ("inputs", inputs.len()),
            ("dvalues", dvalues.len()),
        )?;
        check_len("dbiases", self.outputs, dbiases.len())?;
        self.backward_parameters_raw(inputs, dvalues, mode, dweights, dbiases);
        Ok(())
    }

    /// [`backward_parameters`](Self::backward_parameters) on validated
    /// slices.
    pub(crate) fn backward_parameters_raw(
        &self,
        x: &[f32],
        dv: &[f32],
        mode: Gradients,
        dw: &mut [f32],
        db: &mut [f32],
    ) {
        let overwrite = mode == Gradients::Overwrite;
        super::kernels::backward_parameters(self.inputs, self.outputs, x, dv, overwrite, dw, db);
    }

    /// `dinputs = dvalues · weightsᵀ`.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], or [`Error::LengthMismatch`] for
    /// `weights`, `dvalues` (`rows × outputs`) or `dinputs`
    /// (`rows × inputs`). On error nothing is written.
    pub fn backward_inputs(
        &self,
        weights: &[f32],
        dvalues: &[f32],
        rows: usize,
        dinputs: &mut [f32],
    ) -> Result<(), Error> {
        self.check(
            ("weights", weights.len()),
            rows,
            ("dinputs", dinputs.len()),
            ("dvalues", dvalues.len()),
        )?;
        self.backward_inputs_raw(weights, dvalues, dinputs);
        Ok(())
    }

    /// [`backward_inputs`](Self::backward_inputs) on validated slices.
    pub(crate) fn backward_inputs_raw(&self, w: &[f32], dv: &[f32], dx: &mut [f32]) {
        super::kernels::backward_inputs(self.inputs, self.outputs, w, dv, dx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accumulated_micro_batches_equal_one_batch() {
        let dense = Dense::new(3, 2);
        let x: [f32; 12] = core::array::from_fn(|i| libm::sinf(i as f32 * 0.37));
        let dv: [f32; 8] = core::array::from_fn(|i| libm::cosf(i as f32 * 1.3) / 3.0);
        let (mut dw, mut db) = ([0.0_f32; 6], [0.0_f32; 2]);
        dense
            .backward_parameters(&x, &dv, 4, Gradients::Overwrite, &mut dw, &mut db)
            .unwrap();
        let (mut dw2, mut db2) = ([9.0_f32; 6], [9.0_f32; 2]);
        dense
            .backward_parameters(
                &x[..3],
                &dv[..2],
                1,
                Gradients::Overwrite,
                &mut dw2,
                &mut db2,
            )
            .unwrap();
        dense
            .backward_parameters(
                &x[3..],
                &dv[2..],
                3,
                Gradients::Accumulate,
                &mut dw2,
                &mut db2,
            )
            .unwrap();
        assert_eq!(dw, dw2);
        assert_eq!(db, db2);
    }

    #[test]
    fn errors_write_nothing() {
        let dense = Dense::new(2, 2);
        let mut y = [7.0_f32; 2];
        assert_eq!(
            dense.forward(&[1.0, 2.0], &[0.0; 3], &[0.0; 2], 1, &mut y),
            Err(Error::LengthMismatch {
                argument: "weights",
                expected: 4,
                actual: 3
            })
        );
        assert_eq!(
            dense.forward(&[1.0, 2.0], &[0.0; 4], &[0.0; 1], 1, &mut y),
            Err(Error::LengthMismatch {
                argument: "biases",
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            Dense::new(usize::MAX, 2).forward(&[], &[], &[], 0, &mut []),
            Err(Error::ShapeOverflow {
                rows: usize::MAX,
                cols: 2
            })
        );
        assert_eq!(y, [7.0; 2]);
        assert_eq!(Dense::new(usize::MAX, 1).parameter_len(), None);
        assert_eq!(Dense::new(3, 4).parameter_len(), Some(16));
    }
}
