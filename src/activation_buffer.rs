//! Fixed-capacity caches for the original `forward` / `backward` interface.

use crate::activations::{Activation, Cache};
use crate::state::State;
use crate::Error;

/// An activation with its forward output and input gradient cached in
/// fixed-capacity arrays: the original library's
/// `forward(inputs)` → `output`, `backward(dvalues)` → `dinputs` interface,
/// with no heap.
///
/// `N` is the capacity in elements (`rows * cols` of the largest batch). The
/// buffer holds `2 · N` floats: the output, which backward reads and the next
/// layer consumes, and the input gradient. It does not copy the inputs: every
/// backward in this crate needs only the output (see
/// [`crate::activations`]), and the inputs already live with the caller.
///
/// [`ActivationBuffer::new`] is a `const fn`, so firmware can keep the buffer
/// in a `static`, or on the stack.
///
/// An activation whose backward reads its inputs ([`Cache::Inputs`], a
/// user-defined [`crate::activations::Elementwise`]) has them copied into the
/// gradient array by `forward`, and its backward turns them into the
/// gradient there: it can run once per forward, and a second backward is
/// [`Error::BackwardBeforeForward`].
///
/// Data flows one way: `inputs` → [`forward`](Self::forward) →
/// [`output`](Self::output) (cached) → [`backward`](Self::backward) →
/// [`dinputs`](Self::dinputs).
///
/// ```
/// use vanillanets::activations::ReLU;
/// use vanillanets::{ActivationBuffer, Error};
///
/// let mut relu: ActivationBuffer<ReLU, 8> = ActivationBuffer::new(ReLU);
/// assert_eq!(relu.backward(&[]), Err(Error::BackwardBeforeForward));
///
/// relu.forward(&[-1.0, 2.0, 0.0, 3.0], 2, 2)?;
/// assert_eq!(relu.output(), &[0.0, 2.0, 0.0, 3.0]);
/// relu.backward(&[1.0, 1.0, 1.0, 1.0])?;
/// assert_eq!(relu.dinputs(), Some(&[0.0, 1.0, 0.0, 1.0][..]));
///
/// // Nine elements do not fit in eight: refused, nothing changes.
/// assert_eq!(
///     relu.forward(&[0.0; 9], 3, 3),
///     Err(Error::CapacityExceeded { required: 9, capacity: 8 })
/// );
/// assert_eq!(relu.output(), &[0.0, 2.0, 0.0, 3.0]);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ActivationBuffer<A, const N: usize> {
    activation: A,
    output: [f32; N],
    dinputs: [f32; N],
    rows: usize,
    cols: usize,
    state: State,
}

impl<A: Activation, const N: usize> ActivationBuffer<A, N> {
    /// An empty buffer for `activation`, usable in a `static`:
    ///
    /// ```
    /// use vanillanets::activations::{ActivationKind, Softmax};
    /// use vanillanets::ActivationBuffer;
    ///
    /// static OUTPUT: ActivationBuffer<Softmax, 64> = ActivationBuffer::new(Softmax);
    /// const HIDDEN: ActivationBuffer<ActivationKind, 16> =
    ///     ActivationBuffer::new(ActivationKind::ReLU);
    /// assert_eq!(OUTPUT.capacity(), 64);
    /// assert!(HIDDEN.output().is_empty());
    /// ```
    pub const fn new(activation: A) -> Self {
        Self {
            activation,
            output: [0.0; N],
            dinputs: [0.0; N],
            rows: 0,
            cols: 0,
            state: State::Empty,
        }
    }

    /// Runs the activation's forward over `inputs` (`rows × cols`), caches
    /// the output and returns it. The previous gradient is dropped:
    /// [`dinputs`](Self::dinputs) is `None` until the next backward.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::CapacityExceeded`] when
    /// `rows * cols > N`, and the activation's own errors
    /// ([`Activation::forward`]). On error the buffer is unchanged.
    pub fn forward(&mut self, inputs: &[f32], rows: usize, cols: usize) -> Result<&[f32], Error> {
        let n = crate::shape::elements(rows, cols)?;
        let output = self.output.get_mut(..n).ok_or(Error::CapacityExceeded {
            required: n,
            capacity: N,
        })?;
        self.activation.forward(inputs, rows, cols, output)?;
        if self.activation.cache() == Cache::Inputs {
            // Same length as `output`, which the forward has checked.
            if let Some(cached) = self.dinputs.get_mut(..n) {
                crate::shape::copy(inputs, cached);
            }
        }
        self.rows = rows;
        self.cols = cols;
        self.state = State::Forwarded;
        Ok(output)
    }

    /// Runs the activation's backward from the cached output and the upstream
    /// gradient `dvalues` (same shape as the last forward), caches the input
    /// gradient and returns it. It may run again with other `dvalues`
    /// (except for a [`Cache::Inputs`] activation, see above).
    ///
    /// # Errors
    /// [`Error::BackwardBeforeForward`], or [`Error::LengthMismatch`] for
    /// `dvalues`. On error the buffer is unchanged.
    pub fn backward(&mut self, dvalues: &[f32]) -> Result<&[f32], Error> {
        let reads_inputs = self.activation.cache() == Cache::Inputs;
        let cached = match self.state {
            State::Forwarded => true,
            State::Backwarded => !reads_inputs,
            State::Empty => false,
        };
        let n = self.len();
        let (true, Some(output), Some(dinputs)) =
            (cached, self.output.get(..n), self.dinputs.get_mut(..n))
        else {
            return Err(Error::BackwardBeforeForward);
        };
        let (rows, cols) = (self.rows, self.cols);
        if reads_inputs {
            // The inputs are in `dinputs`: the gradient replaces them.
            crate::shape::check_len("dvalues", n, dvalues.len())?;
            self.activation
                .gradient_over_cache_raw(dinputs, dvalues, cols);
        } else {
            self.activation
                .backward(output, dvalues, rows, cols, dinputs)?;
        }
        self.state = State::Backwarded;
        Ok(dinputs)
    }

    /// The output of the last forward, `rows × cols` elements (empty before
    /// the first forward).
    pub fn output(&self) -> &[f32] {
        self.output.get(..self.len()).unwrap_or(&[])
    }

    /// The input gradient of the last backward, `rows × cols` elements, or
    /// `None` when no backward has run since the last forward.
    pub fn dinputs(&self) -> Option<&[f32]> {
        match self.state {
            State::Backwarded => self.dinputs.get(..self.len()),
            _ => None,
        }
    }

    /// The activation this buffer runs.
    pub const fn activation(&self) -> &A {
        &self.activation
    }

    /// `(rows, cols)` of the last forward; `(0, 0)` before the first.
    pub const fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The capacity `N` in elements.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// `rows * cols` of the last forward (checked against `N` there).
    fn len(&self) -> usize {
        self.rows.saturating_mul(self.cols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activations::Elementwise;

    /// `y = x²`: its gradient `2x` cannot be told from `y` (the sign is
    /// lost), so it reads the inputs.
    struct Square;

    impl Elementwise for Square {
        const CACHE: Cache = Cache::Inputs;
        fn apply(&self, x: f32) -> f32 {
            x * x
        }
        fn gradient(&self, x: f32, dv: f32) -> f32 {
            2.0 * x * dv
        }
    }

    #[test]
    fn an_inputs_cache_gives_the_gradient_from_the_inputs_once() {
        let mut b: ActivationBuffer<Square, 4> = ActivationBuffer::new(Square);
        assert_eq!(b.forward(&[-2.0, 3.0], 1, 2), Ok(&[4.0, 9.0][..]));
        // A wrong dvalues length changes nothing, and the inputs stay cached.
        assert_eq!(
            b.backward(&[1.0]),
            Err(Error::LengthMismatch {
                argument: "dvalues",
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(b.dinputs(), None);
        // d(x²)/dx · dv = 2x · dv: -4 · 1 and 6 · 0.5.
        assert_eq!(b.backward(&[1.0, 0.5]), Ok(&[-4.0, 3.0][..]));
        assert_eq!(b.output(), &[4.0, 9.0]);
        // The inputs were turned into the gradient: a second backward needs
        // a forward first.
        assert_eq!(b.backward(&[1.0, 1.0]), Err(Error::BackwardBeforeForward));
        assert_eq!(b.dinputs(), Some(&[-4.0, 3.0][..]));
        b.forward(&[1.0, -1.0], 2, 1).unwrap();
        assert_eq!(b.backward(&[1.0, 1.0]), Ok(&[2.0, -2.0][..]));
    }
}
