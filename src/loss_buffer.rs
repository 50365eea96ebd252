//! A fixed-capacity gradient cache for the original loss interface.

use crate::losses::Loss;
use crate::state::State;
use crate::Error;

/// A loss with its gradient cached in a fixed-capacity array: the original
/// `loss.calculate(output, y)` / `loss.backward(dvalues, y)` →
/// `loss.dinputs` interface, with no heap.
///
/// `N` is the capacity in elements (`rows * cols` of the largest batch); the
/// buffer holds `N` floats. [`LossBuffer::new`] is a `const fn`, so firmware
/// can keep it in a `static`.
///
/// ```
/// use vanillanets::losses::{Labels, SoftmaxCrossEntropy};
/// use vanillanets::LossBuffer;
///
/// let mut loss: LossBuffer<SoftmaxCrossEntropy, 6> = LossBuffer::new(SoftmaxCrossEntropy);
/// let p = [0.7_f32, 0.2, 0.1, 0.1, 0.1, 0.8];
/// let labels = Labels::Classes(&[0, 2]);
/// let mean = loss.calculate(&p, labels, 2, 3)?;
/// assert!((mean - 0.289_909).abs() < 1e-6); // -(ln 0.7 + ln 0.8) / 2
/// loss.backward(&p, labels, 2, 3)?;
/// assert!((loss.dinputs().unwrap()[0] + 0.15).abs() < 1e-7);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct LossBuffer<L, const N: usize> {
    loss: L,
    dinputs: [f32; N],
    rows: usize,
    cols: usize,
    state: State,
}

impl<L: Loss, const N: usize> LossBuffer<L, N> {
    /// An empty buffer for `loss`, usable in a `static`.
    pub const fn new(loss: L) -> Self {
        Self {
            loss,
            dinputs: [0.0; N],
            rows: 0,
            cols: 0,
            state: State::Empty,
        }
    }

    /// The mean loss ([`Loss::calculate`]); nothing is cached.
    ///
    /// # Errors
    /// As [`Loss::calculate`].
    pub fn calculate(
        &self,
        predictions: &[f32],
        targets: L::Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<f32, Error> {
        self.loss.calculate(predictions, targets, rows, cols)
    }

    /// Runs [`Loss::backward`] into the cache and returns the gradient.
    ///
    /// # Errors
    /// [`Error::CapacityExceeded`] when `rows * cols > N`, and everything
    /// [`Loss::backward`] refuses. On error the buffer is unchanged.
    pub fn backward(
        &mut self,
        predictions: &[f32],
        targets: L::Targets<'_>,
        rows: usize,
        cols: usize,
    ) -> Result<&[f32], Error> {
        let n = crate::shape::elements(rows, cols)?;
        let dinputs = self.dinputs.get_mut(..n).ok_or(Error::CapacityExceeded {
            required: n,
            capacity: N,
        })?;
        self.loss
            .backward(predictions, targets, rows, cols, dinputs)?;
        self.rows = rows;
        self.cols = cols;
        self.state = State::Backwarded;
        Ok(dinputs)
    }

    /// The gradient of the last backward (`rows × cols`), or `None` before
    /// the first.
    pub fn dinputs(&self) -> Option<&[f32]> {
        match self.state {
            State::Backwarded => self.dinputs.get(..self.rows.saturating_mul(self.cols)),
            _ => None,
        }
    }

    /// The loss this buffer runs.
    pub const fn loss(&self) -> &L {
        &self.loss
    }

    /// `(rows, cols)` of the last backward; `(0, 0)` before the first.
    pub const fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The capacity `N` in elements.
    pub const fn capacity(&self) -> usize {
        N
    }
}
