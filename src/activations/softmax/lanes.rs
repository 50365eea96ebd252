//! The lane path: Softmax rows of fewer than 16 elements, each as one
//! 16-lane block, so that the `fast-math` `exp` runs on whole vectors
//! instead of one short row at a time. Compiled only under
//! `cfg(vanillanets_lanes)` (the `fast-math` feature on a target with SIMD
//! registers), one of the three vector switches `build.rs` emits (with
//! `vanillanets_simd` and `vanillanets_wide`).
//!
//! Each row is read as the 16 elements from its start. The lanes past the
//! row belong to the next rows: they are masked out of the maximum, summed
//! with none of the row's own, and their outputs are overwritten by the
//! next rows (in place, written back unchanged). The row's own lanes go
//! through the same operations as [`super::rows::forward`], so the results
//! are the same bits. Rows closer than 16 elements to the batch's end take
//! [`super::rows`]. Nothing here can panic: blocks are taken with `get` and
//! `try_into`, and lanes are paired with iterators, never by index.

use super::rows::{self, keep_larger};
use crate::math::{exp, sum};

/// The block width, and the row length below which this path is taken.
pub(super) const LANES: usize = 16;

/// `y = softmax(x)` row by row, `cols < LANES`.
#[inline(always)]
pub(super) fn forward(x: &[f32], y: &mut [f32], cols: usize) {
    let rows = x.len().min(y.len()) / cols.max(1);
    for start in (0..rows).map(|r| r * cols) {
        if let (Some(xb), Some(yb)) = (block_at(x, start), block_at_mut(y, start)) {
            // The lanes past the row are the next rows' outputs, written
            // after: no need to keep them (nor to load them, which would
            // wait for this store to land, misaligned over the last one).
            *yb = softmax_block(xb, cols);
        } else if let (Some(x), Some(y)) = (row(x, start, cols), row_mut(y, start, cols)) {
            rows::forward(x, y);
        }
    }
}

/// [`forward`] with `x` and `y` the same slice.
#[inline(always)]
pub(super) fn forward_in_place(v: &mut [f32], cols: usize) {
    let rows = v.len() / cols.max(1);
    for start in (0..rows).map(|r| r * cols) {
        if let Some(vb) = block_at_mut(v, start) {
            *vb = first(cols, &softmax_block(vb, cols), vb);
        } else if let Some(v) = row_mut(v, start, cols) {
            rows::forward_in_place(v);
        }
    }
}

/// The softmax of the first `cols` lanes of `x` (the others are garbage).
#[inline(always)]
fn softmax_block(x: &[f32; LANES], cols: usize) -> [f32; LANES] {
    let m = max_of(first(cols, x, &[f32::NEG_INFINITY; LANES]));
    let mut e = [0.0_f32; LANES];
    for (e, &x) in e.iter_mut().zip(x) {
        *e = exp(x - m);
    }
    let total = sum(e.get(..cols).unwrap_or(&[]));
    for e in e.iter_mut() {
        *e /= total;
    }
    e
}

/// The largest non-NaN lane, as a pairwise tree: lane `i` against lane
/// `i + 8`, then `i + 4`, then `(0, 2)` and `(1, 3)`, then the two.
#[inline(always)]
fn max_of(acc: [f32; LANES]) -> f32 {
    let mut m8 = [0.0_f32; 8];
    for (m, (&a, &b)) in m8.iter_mut().zip(acc.iter().zip(acc.iter().skip(8))) {
        *m = keep_larger(a, b);
    }
    let mut m4 = [0.0_f32; 4];
    for (m, (&a, &b)) in m4.iter_mut().zip(m8.iter().zip(m8.iter().skip(4))) {
        *m = keep_larger(a, b);
    }
    let [a0, a1, a2, a3] = m4;
    keep_larger(keep_larger(a0, a2), keep_larger(a1, a3))
}

/// `new` in the lanes `i < n`, `old` in the others: a bit-mask select, so
/// that it stays one vector blend instead of a branch per lane.
#[inline(always)]
fn first(n: usize, new: &[f32; LANES], old: &[f32; LANES]) -> [f32; LANES] {
    let mut out = [0.0_f32; LANES];
    for (i, (o, (&new, &old))) in out.iter_mut().zip(new.iter().zip(old)).enumerate() {
        let keep = 0_u32.wrapping_sub(u32::from(i < n));
        *o = f32::from_bits((new.to_bits() & keep) | (old.to_bits() & !keep));
    }
    out
}

/// The 16 elements of `x` from `start`, if it has them.
#[inline(always)]
fn block_at(x: &[f32], start: usize) -> Option<&[f32; LANES]> {
    x.get(start..)?.get(..LANES)?.try_into().ok()
}

/// The 16 elements of `x` from `start`, if it has them, to write.
#[inline(always)]
fn block_at_mut(x: &mut [f32], start: usize) -> Option<&mut [f32; LANES]> {
    x.get_mut(start..)?.get_mut(..LANES)?.try_into().ok()
}

/// The row of `cols` elements from `start`.
#[inline(always)]
fn row(x: &[f32], start: usize, cols: usize) -> Option<&[f32]> {
    x.get(start..)?.get(..cols)
}

/// The row of `cols` elements from `start`, to write.
#[inline(always)]
fn row_mut(x: &mut [f32], start: usize, cols: usize) -> Option<&mut [f32]> {
    x.get_mut(start..)?.get_mut(..cols)
}
