//! The one loop shape shared by the five element-wise activations: each
//! supplies a scalar forward and a scalar backward, and this file turns them
//! into the four slice kernels. The loops are zipped iterators, so they have
//! no bounds checks and LLVM can vectorise them.

use super::sealed::Kernel;

/// A per-element activation: `y = apply(x)` and `dx = derive(y, dv)`.
pub(crate) trait Elementwise {
    /// The forward of one element.
    fn apply(&self, x: f32) -> f32;
    /// The backward of one element from its forward output `y` and the
    /// upstream gradient `dv`.
    fn derive(&self, y: f32, dv: f32) -> f32;
}

impl<T: Elementwise> Kernel for T {
    #[inline]
    fn is_row_wise(&self) -> bool {
        false
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
            *dx = self.derive(y, dv);
        }
    }

    #[inline]
    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], _cols: usize) {
        for (g, &y) in g.iter_mut().zip(y) {
            *g = self.derive(y, *g);
        }
    }
}
