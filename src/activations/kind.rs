//! A runtime-selected activation, for firmware that picks it from
//! configuration instead of generics.

use super::sealed::Kernel;
use super::{Activation, Cache, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh};

/// One of the six activations, chosen at run time.
///
/// It implements [`Activation`] by dispatching once per call (not per
/// element) to the kernel of the chosen activation, so its results are
/// bit-identical to that activation's. It can be stored in a `const`, read
/// from configuration, and used in a [`crate::ActivationBuffer`].
///
/// ```
/// use vanillanets::activations::{Activation, ActivationKind};
///
/// const HIDDEN: ActivationKind = ActivationKind::LeakyReLU { slope: 0.1 };
/// let mut y = [0.0_f32; 2];
/// HIDDEN.forward(&[-1.0, 1.0], 1, 2, &mut y)?;
/// assert_eq!(y, [-0.1, 1.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ActivationKind {
    /// [`Linear`].
    Linear,
    /// [`ReLU`].
    ReLU,
    /// [`LeakyReLU`] with this slope (the original's is
    /// [`LeakyReLU::DEFAULT_SLOPE`], `0.1`): finite and `> 0`, else a
    /// model or network refuses the layer.
    LeakyReLU {
        /// The negative-side slope.
        slope: f32,
    },
    /// [`Sigmoid`].
    Sigmoid,
    /// [`Tanh`].
    Tanh,
    /// [`Softmax`].
    Softmax,
}

/// Calls `$body` with `$k` bound to the chosen activation's kernel.
macro_rules! dispatch {
    ($self:expr, $k:ident => $body:expr) => {
        match *$self {
            ActivationKind::Linear => {
                let $k = Linear;
                $body
            }
            ActivationKind::ReLU => {
                let $k = ReLU;
                $body
            }
            ActivationKind::LeakyReLU { slope } => {
                let $k = LeakyReLU::with_slope(slope);
                $body
            }
            ActivationKind::Sigmoid => {
                let $k = Sigmoid;
                $body
            }
            ActivationKind::Tanh => {
                let $k = Tanh;
                $body
            }
            ActivationKind::Softmax => {
                let $k = Softmax;
                $body
            }
        }
    };
}

impl Kernel for ActivationKind {
    #[inline]
    fn is_row_wise(&self) -> bool {
        dispatch!(self, k => k.is_row_wise())
    }

    #[inline]
    fn reads(&self) -> Cache {
        dispatch!(self, k => k.reads())
    }

    fn forward_raw(&self, x: &[f32], y: &mut [f32], cols: usize) {
        dispatch!(self, k => k.forward_raw(x, y, cols));
    }

    fn forward_in_place_raw(&self, v: &mut [f32], cols: usize) {
        dispatch!(self, k => k.forward_in_place_raw(v, cols));
    }

    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], cols: usize) {
        dispatch!(self, k => k.backward_raw(y, dv, dx, cols));
    }

    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], cols: usize) {
        dispatch!(self, k => k.backward_in_place_raw(y, g, cols));
    }

    fn gradient_over_cache_raw(&self, c: &mut [f32], dv: &[f32], cols: usize) {
        dispatch!(self, k => k.gradient_over_cache_raw(c, dv, cols));
    }
}

impl Activation for ActivationKind {}

impl From<Linear> for ActivationKind {
    fn from(_: Linear) -> Self {
        ActivationKind::Linear
    }
}

impl From<ReLU> for ActivationKind {
    fn from(_: ReLU) -> Self {
        ActivationKind::ReLU
    }
}

impl From<LeakyReLU> for ActivationKind {
    fn from(a: LeakyReLU) -> Self {
        ActivationKind::LeakyReLU { slope: a.slope() }
    }
}

impl From<Sigmoid> for ActivationKind {
    fn from(_: Sigmoid) -> Self {
        ActivationKind::Sigmoid
    }
}

impl From<Tanh> for ActivationKind {
    fn from(_: Tanh) -> Self {
        ActivationKind::Tanh
    }
}

impl From<Softmax> for ActivationKind {
    fn from(_: Softmax) -> Self {
        ActivationKind::Softmax
    }
}
