//! Element-wise activations from two scalar functions: the public
//! [`Elementwise`] trait, and the one loop shape that turns it into the four
//! slice kernels of [`super::Activation`] (for the five built-in element-wise
//! activations and for yours alike). The loops are zipped iterators, so they
//! have no bounds checks and LLVM can vectorise them.

use super::sealed::Kernel;
use super::Activation;

/// What an activation's backward reads, besides the upstream gradient.
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
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
        rewrite(v, None, |x, _| self.apply(x));
    }

    #[inline]
    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], _cols: usize) {
        for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
            *dx = self.gradient(y, dv);
        }
    }

    #[inline]
    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], _cols: usize) {
        rewrite(g, Some(y), |g, y| self.gradient(y, g));
    }

    #[inline]
    fn gradient_over_cache_raw(&self, c: &mut [f32], dv: &[f32], _cols: usize) {
        rewrite(c, Some(dv), |c, dv| self.gradient(c, dv));
    }
}

/// `v[i] = f(v[i], other[i])` (`f(v[i], 0.0)` without `other`), over the
/// shorter of the two.
///
/// With 256-bit vectors (x86 AVX) LLVM turns an in-place select such as
/// ReLU's `if x < 0 { 0 } else { x }` into masked stores (`vmaskmovps`),
/// which on AVX2 cores such as Zen 3 took 0.50 ns per element where the
/// same loop without them took 0.16 (a 100 000-element side test): so
/// there each block of 16 results is built in a local array and stored
/// whole, the array passed through `black_box` so that LLVM keeps the
/// plain stores. The values and their order are the same either way.
#[inline(always)]
fn rewrite(v: &mut [f32], other: Option<&[f32]>, f: impl Fn(f32, f32) -> f32) {
    let n = other.map_or(v.len(), |o| o.len().min(v.len()));
    let v = v.get_mut(..n).unwrap_or(&mut []);
    let other = other.and_then(|o| o.get(..n));
    #[cfg(vanillanets_wide)]
    let (v, other) = {
        let mut blocks = v.chunks_exact_mut(16);
        let mut others = other.map(|o| o.chunks_exact(16));
        for b in &mut blocks {
            let o = others.as_mut().and_then(Iterator::next);
            let mut t = [0.0_f32; 16];
            match o {
                Some(o) => {
                    for ((t, &x), &o) in t.iter_mut().zip(b.iter()).zip(o) {
                        *t = f(x, o);
                    }
                }
                None => {
                    for (t, &x) in t.iter_mut().zip(b.iter()) {
                        *t = f(x, 0.0);
                    }
                }
            }
            if let Some(b) = b.first_chunk_mut::<16>() {
                *b = *core::hint::black_box(&t);
            }
        }
        (blocks.into_remainder(), others.map(|o| o.remainder()))
    };
    match other {
        Some(o) => {
            for (v, &o) in v.iter_mut().zip(o) {
                *v = f(*v, o);
            }
        }
        None => {
            for v in v.iter_mut() {
                *v = f(*v, 0.0);
            }
        }
    }
}

impl<T: Elementwise> Activation for T {}
