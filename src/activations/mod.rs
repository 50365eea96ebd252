//! The six activations of VanillaNets, forward and backward, on flat `f32`
//! slices in row-major order.
//!
//! | type | forward | backward | file |
//! |---|---|---|---|
//! | [`Linear`] | `y = x` | `dx = dv` | `linear.rs` |
//! | [`ReLU`] | `y = maximum(0, x)` | `dx = dv`, `0` where `x <= 0` | `relu.rs` |
//! | [`LeakyReLU`] | `y = x > 0 ? x : 0.1·x` | `dx = dv`, `0.1·dv` where `x <= 0` | `leaky_relu.rs` |
//! | [`Sigmoid`] | `y = 1 / (1 + exp(-x))` | `dx = dv·(1 - y)·y` | `sigmoid.rs` |
//! | [`Tanh`] | `y = tanh(x)` | `dx = dv·(1 - y²)` | `tanh.rs` |
//! | [`Softmax`] | per row `y = exp(x - max) / Σ exp(x - max)` | per row `dx = y ⊙ dv - y·⟨dv, y⟩` | `softmax/` |
//!
//! Each type is a small `Copy` value that implements [`Activation`], which gives
//! four **stateless kernels**. Every method takes what it reads first, then
//! `rows, cols`, then the one slice it writes, last:
//!
//! - [`Activation::forward`]`(inputs, rows, cols, output)`;
//! - [`Activation::forward_in_place`]`(rows, cols, values)`;
//! - [`Activation::backward`]`(output, dvalues, rows, cols, dinputs)`;
//! - [`Activation::backward_in_place`]`(output, rows, cols, gradient)`.
//!
//! Every built-in backward takes the **forward output**. For ReLU and
//! LeakyReLU the original library masks on the inputs (`x <= 0`); the output
//! is `<= 0` at exactly the same elements (NaN included), so passing either
//! gives bit-identical gradients, and a layer that ran `forward_in_place` can
//! still run its backward.
//!
//! The **original interface** (`forward(inputs)` caches, `backward(dvalues)`
//! reads the cache) is [`crate::ActivationBuffer`], and the
//! **runtime-selected** activation is [`ActivationKind`].
//!
//! **Your own activation** (GELU, ELU, HardSwish, ...): implement
//! [`Elementwise`] with its scalar forward and gradient, and it is an
//! [`Activation`], with the same validation, in-place forms and
//! [`crate::ActivationBuffer`] support as the built-in ones.

mod elementwise;
mod kind;
mod leaky_relu;
mod linear;
mod relu;
mod sigmoid;
mod softmax;
mod tanh;

pub use elementwise::{Cache, Elementwise};
pub use kind::ActivationKind;
pub use leaky_relu::LeakyReLU;
pub use linear::Linear;
pub use relu::ReLU;
pub use sigmoid::Sigmoid;
pub use softmax::Softmax;
pub use tanh::Tanh;

use crate::shape::{check_len, elements, elements_with_classes};
use crate::Error;

/// An activation's forward and backward kernels over a row-major
/// `rows × cols` batch.
///
/// All four methods validate every argument first and write second: on
/// `Err`, no element of any slice has changed. They never panic and never
/// allocate. `rows == 0` is an empty batch and succeeds without touching
/// anything; `cols == 0` is an empty batch for the element-wise activations
/// and [`Error::EmptyShape`] for [`Softmax`], whose rows need a class.
///
/// This trait is sealed: it is implemented by the crate's six activations,
/// [`ActivationKind`], and every type that implements [`Elementwise`]. So the
/// validation cannot be skipped or overridden, and the unchecked kernels
/// behind it cannot be called from outside the crate, not even through a
/// generic bound:
///
/// ```compile_fail,E0624
/// use vanillanets::activations::Activation;
///
/// fn unchecked<A: Activation>(a: &A, values: &mut [f32]) {
///     a.forward_in_place_raw(values, 3); // private method
/// }
/// ```
///
/// ```
/// use vanillanets::activations::{Activation, Sigmoid};
///
/// let x = [0.0_f32, 2.0, -2.0, f32::NEG_INFINITY];
/// let mut y = [0.0; 4];
/// Sigmoid.forward(&x, 2, 2, &mut y)?;
/// assert_eq!(y[0], 0.5);
/// assert_eq!(y[3], 0.0);
///
/// let dv = [1.0_f32; 4];
/// let mut dx = [0.0; 4];
/// Sigmoid.backward(&y, &dv, 2, 2, &mut dx)?;
/// assert_eq!(dx[0], 0.25);
/// # Ok::<(), vanillanets::Error>(())
/// ```
// The kernel trait is crate-private on purpose: a `pub` trait in a private
// module would let `A: Activation` bounds call its unchecked methods.
#[allow(private_bounds)]
pub trait Activation: sealed::Kernel {
    /// `output = f(inputs)`, both `rows × cols`.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::EmptyShape`] (Softmax with
    /// `cols == 0`), or [`Error::LengthMismatch`] for `inputs` or `output`.
    fn forward(
        &self,
        inputs: &[f32],
        rows: usize,
        cols: usize,
        output: &mut [f32],
    ) -> Result<(), Error> {
        let n = checked_elements(self, rows, cols)?;
        check_len("inputs", n, inputs.len())?;
        check_len("output", n, output.len())?;
        self.forward_raw(inputs, output, cols);
        Ok(())
    }

    /// `values = f(values)` in place, `rows × cols`. Bit-identical to
    /// [`forward`](Activation::forward), except for the sign and payload of
    /// a NaN, which IEEE 754 leaves open.
    ///
    /// # Errors
    /// As [`forward`](Activation::forward), for `values`.
    fn forward_in_place(&self, rows: usize, cols: usize, values: &mut [f32]) -> Result<(), Error> {
        let n = checked_elements(self, rows, cols)?;
        check_len("values", n, values.len())?;
        self.forward_in_place_raw(values, cols);
        Ok(())
    }

    /// `dinputs = ∂L/∂inputs` from the forward `output` and the upstream
    /// gradient `dvalues = ∂L/∂output`, all `rows × cols`. For an activation
    /// whose [`cache`](Activation::cache) is [`Cache::Inputs`], pass the
    /// forward *inputs* as `output`.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::EmptyShape`] (Softmax with
    /// `cols == 0`), or [`Error::LengthMismatch`] for `output`, `dvalues` or
    /// `dinputs`.
    fn backward(
        &self,
        output: &[f32],
        dvalues: &[f32],
        rows: usize,
        cols: usize,
        dinputs: &mut [f32],
    ) -> Result<(), Error> {
        let n = checked_elements(self, rows, cols)?;
        check_len("output", n, output.len())?;
        check_len("dvalues", n, dvalues.len())?;
        check_len("dinputs", n, dinputs.len())?;
        self.backward_raw(output, dvalues, dinputs, cols);
        Ok(())
    }

    /// The backward in place: `gradient` holds `dvalues` on entry and
    /// `dinputs` on return. Bit-identical to
    /// [`backward`](Activation::backward), NaN payloads aside.
    ///
    /// # Errors
    /// As [`backward`](Activation::backward), for `output` and `gradient`.
    fn backward_in_place(
        &self,
        output: &[f32],
        rows: usize,
        cols: usize,
        gradient: &mut [f32],
    ) -> Result<(), Error> {
        let n = checked_elements(self, rows, cols)?;
        check_len("output", n, output.len())?;
        check_len("gradient", n, gradient.len())?;
        self.backward_in_place_raw(output, gradient, cols);
        Ok(())
    }

    /// What [`backward`](Activation::backward) reads besides `dvalues`:
    /// [`Cache::Output`] for every built-in activation, or what an
    /// [`Elementwise`] implementation declares.
    fn cache(&self) -> Cache {
        self.reads()
    }
}

/// `rows * cols`, refusing overflow, and `cols == 0` for row-wise kernels.
fn checked_elements<K: sealed::Kernel + ?Sized>(
    kernel: &K,
    rows: usize,
    cols: usize,
) -> Result<usize, Error> {
    if kernel.is_row_wise() {
        elements_with_classes(rows, cols)
    } else {
        elements(rows, cols)
    }
}

pub(crate) mod sealed {
    use super::Cache;

    /// The unchecked kernels behind [`super::Activation`]. Callers guarantee
    /// that every slice has the same length, a multiple of `cols`, and that
    /// `cols > 0` for row-wise kernels. Mismatched lengths cannot make these
    /// panic (they walk zipped iterators), only compute a prefix.
    pub(crate) trait Kernel {
        /// True for Softmax, whose rows need at least one column.
        fn is_row_wise(&self) -> bool;
        /// What the backward reads besides the upstream gradient.
        fn reads(&self) -> Cache;
        fn forward_raw(&self, x: &[f32], y: &mut [f32], cols: usize);
        fn forward_in_place_raw(&self, v: &mut [f32], cols: usize);
        fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], cols: usize);
        fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], cols: usize);
        /// The backward with the cache as the buffer written: `c` holds the
        /// cached values on entry and the gradient on return. Only called
        /// when [`Kernel::reads`] is [`Cache::Inputs`], which only an
        /// element-wise activation can declare; elsewhere it does nothing.
        fn gradient_over_cache_raw(&self, c: &mut [f32], dv: &[f32], cols: usize) {
            let _ = (c, dv, cols);
        }
    }
}
