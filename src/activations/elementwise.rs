//! Element-wise activations from two scalar functions: the public
//! [`Elementwise`] trait, and the one loop shape that turns it into the four
//! slice kernels of [`super::Activation`] (for the five built-in element-wise
//! activations and for yours alike). The loops are zipped iterators, so they
//! have no bounds checks and LLVM can vectorise them.

use super::sealed::Kernel;
use super::Activation;

/// What an activation's backward reads, besides the upstream gradient.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Cache {
    /// The forward output `y` (every built-in activation): the backward
    /// works after an in-place forward, and a buffer keeps only `y`.
    #[default]
    Output,
    /// The forward input `x`, for a gradient that cannot be told from `y`
    /// (GELU, for one, is not monotonic).
    Inputs,
}

/// An element-wise activation given by two scalar functions. Implement it
/// for your own type and that type is an [`Activation`]: the crate's
/// validation (which you cannot skip or override), the in-place forms,
/// [`crate::ActivationBuffer`] and the no-panic guarantee come with it, as
/// long as your two functions do not panic.
///
/// - [`apply`](Elementwise::apply): `y = f(x)` for one element;
/// - [`gradient`](Elementwise::gradient): `dx = f'(x) · dv` for one element,
///   from the cached value that [`CACHE`](Elementwise::CACHE) names: the
///   output `y` (the default) or the input `x`.
///
/// The built-in [`super::Linear`], [`super::ReLU`], [`super::LeakyReLU`],
/// [`super::Sigmoid`] and [`super::Tanh`] are implemented this way.
///
/// ```
/// use vanillanets::activations::{Activation, Cache, Elementwise};
/// use vanillanets::ActivationBuffer;
///
/// /// ELU with α = 1: `x` for `x > 0`, else `eˣ - 1`.
/// #[derive(Clone, Copy)]
/// struct Elu;
///
/// impl Elementwise for Elu {
///     // f'(x) is 1 for x > 0, else eˣ = y + 1: the output suffices.
///     const CACHE: Cache = Cache::Output;
///     fn apply(&self, x: f32) -> f32 {
///         if x > 0.0 { x } else { vanillanets::math::exp(x) - 1.0 }
///     }
///     fn gradient(&self, y: f32, dv: f32) -> f32 {
///         if y > 0.0 { dv } else { dv * (y + 1.0) }
///     }
/// }
///
/// let mut y = [0.0_f32; 2];
/// Elu.forward(&[2.0, 0.0], 1, 2, &mut y)?;
/// assert_eq!(y, [2.0, 0.0]);
/// // The same validation as every activation:
/// assert!(Elu.forward(&[1.0], 1, 2, &mut y).is_err());
///
/// let mut buffer: ActivationBuffer<Elu, 4> = ActivationBuffer::new(Elu);
/// buffer.forward(&[1.0, -1.0], 1, 2)?;
/// assert_eq!(buffer.backward(&[1.0, 1.0])?[0], 1.0);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub trait Elementwise {
    /// What [`gradient`](Elementwise::gradient) receives as `cached`.
    const CACHE: Cache = Cache::Output;

    /// The forward of one element.
    fn apply(&self, x: f32) -> f32;

    /// The backward of one element: `∂L/∂x` from the cached value (the
    /// element's output `y`, or its input `x`, as [`CACHE`](Self::CACHE)
    /// says) and the upstream gradient `dv = ∂L/∂y`.
    fn gradient(&self, cached: f32, dv: f32) -> f32;
}

impl<T: Elementwise> Kernel for T {
    #[inline]
    fn is_row_wise(&self) -> bool {
        false
    }

    #[inline]
    fn reads(&self) -> Cache {
        T::CACHE
    }

    #[inline]
    fn forward_raw(&self, x: &[f32], y: &mut [f32], _cols: usize) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = self.apply(x);
        }
    }

    #[inline]
    fn forward_in_place_raw(&self, v: &mut [f32], _cols: usize) {
        for v in v.iter_mut() {
            *v = self.apply(*v);
        }
    }

    #[inline]
    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], _cols: usize) {
        for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
            *dx = self.gradient(y, dv);
        }
    }

    #[inline]
    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], _cols: usize) {
        for (g, &y) in g.iter_mut().zip(y) {
            *g = self.gradient(y, *g);
        }
    }

    #[inline]
    fn gradient_over_cache_raw(&self, c: &mut [f32], dv: &[f32], _cols: usize) {
        for (c, &dv) in c.iter_mut().zip(dv) {
            *c = self.gradient(*c, dv);
        }
    }
}

impl<T: Elementwise> Activation for T {}
