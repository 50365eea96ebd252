//! Softmax: per-row normalised exponentials, for multiclass outputs.

use super::sealed::Kernel;
use super::Activation;
#[cfg(feature = "fast-math")]
use crate::math::lanes::LANES;
use crate::math::{self, lanes};
use crate::shape::{batch_rows, batch_rows_mut};

/// Softmax over each row, for multiclass-classification outputs.
///
/// - forward, per row: `m = max(x)`, `e_j = exp(x_j - m)`,
///   `y_j = e_j / Σ e`, with `libm::expf` and a left-to-right f32 sum;
/// - backward, per row: `dx_i = y_i · (dv_i - Σ_j dv_j · y_j)`. This is the
///   Jacobian product `(diag(y) - y yᵀ) · dv` of the original library in
///   O(cols) work per row instead of O(cols²), equal to it up to rounding.
///
/// Edge values, as NumPy gives them: subtracting the row max makes large
/// inputs safe (`[1000, 1001, 1002]` → `[0.0900306, 0.2447285, 0.6652410]`).
/// A row that is all `-inf`, or holds a `+inf`, or holds any `NaN`, comes out
/// all `NaN`. Each finite row's outputs are in `[0, 1]`.
///
/// Error bounds, with `u = 2⁻²⁴` and `k = cols`: each row sums to 1 within
/// `k · 2u`, and each output is within a relative `(|x_j - m| + k + 4) · u`
/// plus an absolute `2 · 2⁻¹⁴⁹` (for subnormal outputs) of the exact
/// softmax of the f32 inputs (the `|x_j - m|` term is the
/// rounding of the f32 subtraction `x_j - m`, magnified by `exp`; NumPy on
/// f32 has the same term). The crate's tests check both on random rows.
///
/// With the `fast-math` feature, `exp` is [`crate::math::exp`]'s
/// approximation (within 1 ULP of `libm::expf`), and both `Σ e` and the
/// backward's `Σ_j dv_j · y_j` are summed in 16 partial sums instead of
/// left to right in rows of 16 or more, so that they vectorise: element `j`
/// of the row's whole blocks of 16 into sum `j mod 16`, the `r < 16`
/// elements after them into sums `16 - r .. 16`, then a fixed pairwise tree
/// (`s_i += s_{i+8}`, `+4`, `+2`, `+1`). That changes their rounding, not
/// the bounds above, and the results are the same on every target and
/// wherever the row sits in the batch. Shorter rows are summed left to
/// right.
///
/// Shapes: `cols == 0` is [`crate::Error::EmptyShape`] (a row needs a class);
/// `rows == 0` is an empty batch.
///
/// ```
/// use vanillanets::activations::{Activation, Softmax};
///
/// let mut y = [0.0_f32; 6];
/// Softmax.forward(&[1000.0, 1001.0, 1002.0, 0.0, 0.0, f32::NAN], 2, 3, &mut y)?;
/// assert!((y[2] - 0.665_241).abs() < 1e-6);
/// assert!(y[3..].iter().all(|v| v.is_nan()));
///
/// // A perfect upstream gradient along the output gives zero.
/// let mut dx = [0.0_f32; 3];
/// Softmax.backward(&[0.5, 0.25, 0.25], &[1.0, 1.0, 1.0], 1, 3, &mut dx)?;
/// assert_eq!(dx, [0.0, 0.0, 0.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softmax;

/// The row maximum, ignoring NaN. A NaN anywhere in the row still makes the
/// whole row NaN through `exp(NaN)` in the sum, so it need not be tracked here;
/// an all `-inf` row keeps `m = -inf` and `-inf - -inf` is NaN, as in NumPy.
/// It is taken in 16 lanes, so that it vectorises; the outputs are the same
/// bits as with a left-to-right maximum (see [`lanes::max`]).
#[inline(always)]
fn row_max(x: &[f32]) -> f32 {
    lanes::max(x)
}

// ---------------------------------------------------------------------------
// Left to right: the default build's rows, and `fast-math`'s rows of fewer
// than 16 elements.
// ---------------------------------------------------------------------------

/// `y = softmax(x)` for one row: `e = exp(x - max)`, `Σ e` left to right,
/// `y = e / Σ e`.
///
/// On x86 the `exp` calls run 16 at a time with nothing but `max` live
/// across them, and the sum adds each 16 after they are stored: an
/// accumulator live across the `libm::expf` call can sit in the register
/// that `expf`'s `cvtsi2ss` writes, whose false dependency then chains every
/// call to the previous call's result (measured 2.5 times slower). The same
/// additions in the same order as adding while going, so the same bits.
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
#[inline(always)]
fn forward_row_sequential(x: &[f32], y: &mut [f32]) {
    let m = row_max(x);
    let mut sum = 0.0_f32;
    for (x, y) in x.chunks(16).zip(y.chunks_mut(16)) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = math::exp(x - m);
        }
        sum = y.iter().fold(sum, |s, &e| s + e);
    }
    divide(y, sum);
}

/// [`forward_row_sequential`] with `x` and `y` the same slice.
#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
#[inline(always)]
fn forward_row_in_place_sequential(v: &mut [f32]) {
    let m = row_max(v);
    let mut sum = 0.0_f32;
    for v in v.chunks_mut(16) {
        for v in v.iter_mut() {
            *v = math::exp(*v - m);
        }
        sum = v.iter().fold(sum, |s, &e| s + e);
    }
    divide(v, sum);
}

/// `y = softmax(x)` for one row, adding each `e` as it goes (not x86).
#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
#[inline(always)]
fn forward_row_sequential(x: &[f32], y: &mut [f32]) {
    let m = row_max(x);
    let mut sum = 0.0_f32;
    for (y, &x) in y.iter_mut().zip(x) {
        let e = math::exp(x - m);
        *y = e;
        sum += e;
    }
    divide(y, sum);
}

/// [`forward_row_sequential`] with `x` and `y` the same slice (not x86).
#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
#[inline(always)]
fn forward_row_in_place_sequential(v: &mut [f32]) {
    let m = row_max(v);
    let mut sum = 0.0_f32;
    for v in v.iter_mut() {
        let e = math::exp(*v - m);
        *v = e;
        sum += e;
    }
    divide(v, sum);
}

/// `e /= sum`.
#[inline(always)]
fn divide(e: &mut [f32], sum: f32) {
    for e in e.iter_mut() {
        *e /= sum;
    }
}

/// `dx = y ⊙ (dv - Σ_j dv_j · y_j)` for one row, the sum left to right.
#[inline(always)]
fn backward_row_sequential(y: &[f32], dv: &[f32], dx: &mut [f32]) {
    let s = dot_sequential(y, dv);
    for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
        *dx = y * (dv - s);
    }
}

/// [`backward_row_sequential`] with `dv` and `dx` the same slice.
#[inline(always)]
fn backward_row_in_place_sequential(y: &[f32], g: &mut [f32]) {
    let s = dot_sequential(y, g);
    for (g, &y) in g.iter_mut().zip(y) {
        *g = y * (*g - s);
    }
}

/// `Σ_j dv_j · y_j`, left to right.
#[inline(always)]
fn dot_sequential(y: &[f32], dv: &[f32]) -> f32 {
    y.iter().zip(dv).fold(0.0, |s, (&y, &dv)| s + dv * y)
}

#[cfg(not(feature = "fast-math"))]
use {
    backward_row_in_place_sequential as backward_row_in_place,
    backward_row_sequential as backward_row,
    forward_row_in_place_sequential as forward_row_in_place, forward_row_sequential as forward_row,
};

// ---------------------------------------------------------------------------
// `fast-math`: the inlined `exp`, and every row of 16 elements or more in
// whole blocks of 16: the blocks from the row's start, then the row's last
// 16 elements, which may overlap the last block (its lanes already counted
// are masked out of the sums, and rewrite the same values). Sums are 16
// partial sums: element `j` of the blocks into sum `j mod 16`, the `r`
// elements after the last whole block into sums `16 - r .. 16`, then
// `lanes::total`'s fixed tree. Shorter rows go left to right, as above
// (their forward as one block per row, with the same bits).
// ---------------------------------------------------------------------------

/// `y = softmax(x)` for one row, with `Σ e` in 16 partial sums.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn forward_row(x: &[f32], y: &mut [f32]) {
    let Some(&last) = lanes::last_block(x) else {
        return forward_row_sequential(x, y);
    };
    let m = row_max(x);
    let mut acc = [0.0_f32; LANES];
    for (x, y) in x.chunks_exact(LANES).zip(y.chunks_exact_mut(LANES)) {
        for ((y, &x), a) in y.iter_mut().zip(x).zip(acc.iter_mut()) {
            let e = math::exp(x - m);
            *y = e;
            *a += e;
        }
    }
    let last = exp_last_block(last, m, x.len() % LANES, &mut acc);
    normalise(y, last, &acc);
}

/// [`forward_row`] with `x` and `y` the same slice.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn forward_row_in_place(v: &mut [f32]) {
    // Read before the blocks overwrite the overlap.
    let Some(&last) = lanes::last_block(v) else {
        return forward_row_in_place_sequential(v);
    };
    let m = row_max(v);
    let mut acc = [0.0_f32; LANES];
    for v in v.chunks_exact_mut(LANES) {
        for (v, a) in v.iter_mut().zip(acc.iter_mut()) {
            let e = math::exp(*v - m);
            *v = e;
            *a += e;
        }
    }
    let last = exp_last_block(last, m, v.len() % LANES, &mut acc);
    normalise(v, last, &acc);
}

/// `exp(last - m)`, the row's last 16 elements, added to `acc` in the lanes
/// that the whole blocks did not cover (`16 - rem ..`); `None` if they
/// covered them all (`rem = 0`).
#[cfg(feature = "fast-math")]
#[inline(always)]
fn exp_last_block(
    mut last: [f32; LANES],
    m: f32,
    rem: usize,
    acc: &mut [f32; LANES],
) -> Option<[f32; LANES]> {
    if rem == 0 {
        return None;
    }
    for (i, (l, a)) in last.iter_mut().zip(acc.iter_mut()).enumerate() {
        let e = math::exp(*l - m);
        *l = e;
        *a += uncounted(e, i, rem);
    }
    Some(last)
}

/// `y /= Σ acc` over the whole blocks of `y` (one flat loop: as nested
/// blocks, LLVM vectorises across the blocks with gathers), then `y`'s last
/// 16 elements from `last / sum` (the overlap gets the same values again).
#[cfg(feature = "fast-math")]
#[inline(always)]
fn normalise(y: &mut [f32], last: Option<[f32; LANES]>, acc: &[f32; LANES]) {
    let sum = lanes::total(*acc);
    let whole = y.len() - y.len() % LANES;
    for y in y.iter_mut().take(whole) {
        *y /= sum;
    }
    if let (Some(mut last), Some(y)) = (last, lanes::last_block_mut(y)) {
        for l in last.iter_mut() {
            *l /= sum;
        }
        *y = last;
    }
}

/// `dx = y ⊙ (dv - Σ_j dv_j · y_j)` for one row, the sum in 16 partial
/// sums.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn backward_row(y: &[f32], dv: &[f32], dx: &mut [f32]) {
    let (Some(y_last), Some(dv_last)) = (lanes::last_block(y), lanes::last_block(dv)) else {
        return backward_row_sequential(y, dv, dx);
    };
    let s = dot(y, dv, y_last, dv_last);
    let rem = y.len() % LANES;
    for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv).take(y.len() - rem) {
        *dx = y * (dv - s);
    }
    if let (true, Some(dx)) = (rem != 0, lanes::last_block_mut(dx)) {
        *dx = jacobian_block(y_last, dv_last, s);
    }
}

/// [`backward_row`] with `dv` and `dx` the same slice.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn backward_row_in_place(y: &[f32], g: &mut [f32]) {
    // Read before the blocks overwrite the overlap.
    let (Some(y_last), Some(&g_last)) = (lanes::last_block(y), lanes::last_block(g)) else {
        return backward_row_in_place_sequential(y, g);
    };
    let s = dot(y, g, y_last, &g_last);
    let rem = y.len() % LANES;
    for (g, &y) in g.iter_mut().zip(y).take(y.len() - rem) {
        *g = y * (*g - s);
    }
    if let (true, Some(g)) = (rem != 0, lanes::last_block_mut(g)) {
        *g = jacobian_block(y_last, &g_last, s);
    }
}

/// `Σ_j dv_j · y_j` in 16 partial sums, given the row's last 16 elements.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn dot(y: &[f32], dv: &[f32], y_last: &[f32; LANES], dv_last: &[f32; LANES]) -> f32 {
    let mut acc = block_dots(y, dv);
    let rem = y.len() % LANES;
    if rem != 0 {
        let last = y_last.iter().zip(dv_last);
        for (i, (a, (&y, &dv))) in acc.iter_mut().zip(last).enumerate() {
            *a += uncounted(dv * y, i, rem);
        }
    }
    lanes::total(acc)
}

/// `v` in lane `i` of a row's last 16 elements if the whole blocks did not
/// cover it (`i >= 16 - rem`; none when `rem = 0`), else `+0.0`, which
/// leaves a partial sum (never `-0.0`) unchanged. A bit mask, not an `if`,
/// so that it stays one vector operation instead of a branch per lane.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn uncounted(v: f32, i: usize, rem: usize) -> f32 {
    let keep = 0_u32.wrapping_sub(u32::from(i + rem >= LANES));
    f32::from_bits(v.to_bits() & keep)
}

/// The 16 partial sums of `dv_j · y_j` over the whole blocks.
///
/// Not inlined: compiled with the code around it, LLVM vectorises this loop
/// across blocks, four lanes wide with shuffles, instead of one 16-lane
/// multiply and add per block.
#[cfg(feature = "fast-math")]
#[inline(never)]
fn block_dots(y: &[f32], dv: &[f32]) -> [f32; LANES] {
    let mut acc = [0.0_f32; LANES];
    for (y, dv) in y.chunks_exact(LANES).zip(dv.chunks_exact(LANES)) {
        for ((a, &y), &dv) in acc.iter_mut().zip(y).zip(dv) {
            *a += dv * y;
        }
    }
    acc
}

/// `y ⊙ (dv - s)` on one block.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn jacobian_block(y: &[f32; LANES], dv: &[f32; LANES], s: f32) -> [f32; LANES] {
    let mut dx = [0.0_f32; LANES];
    for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
        *dx = y * (dv - s);
    }
    dx
}

/// `fast-math`, rows of fewer than 16 elements: each row as one 16-lane
/// block read from the batch at the row's start. The lanes past the row
/// belong to the next rows: they are masked out of the maximum, and their
/// outputs are overwritten by the next rows (in place, written back
/// unchanged). Sums are left to right over the row's lanes, so the bits are
/// those of [`forward_row_sequential`], which takes the last rows, those
/// closer than 16 elements to the batch's end.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn forward_short_rows(x: &[f32], y: &mut [f32], cols: usize) {
    let rows = x.len().min(y.len()) / cols.max(1);
    for start in (0..rows).map(|r| r * cols) {
        if let (Some(xb), Some(yb)) = (lanes::block_at(x, start), lanes::block_at_mut(y, start)) {
            // The lanes past the row are the next rows' outputs, written
            // after: no need to keep them (nor to load them, which would
            // wait for this store to land, misaligned over the last one).
            *yb = softmax_short_block(xb, cols);
        } else if let (Some(x), Some(y)) = (row(x, start, cols), row_mut(y, start, cols)) {
            forward_row_sequential(x, y);
        }
    }
}

/// [`forward_short_rows`] with `x` and `y` the same slice.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn forward_short_rows_in_place(v: &mut [f32], cols: usize) {
    let rows = v.len() / cols.max(1);
    for start in (0..rows).map(|r| r * cols) {
        if let Some(vb) = lanes::block_at_mut(v, start) {
            *vb = lanes::first(cols, &softmax_short_block(vb, cols), vb);
        } else if let Some(v) = row_mut(v, start, cols) {
            forward_row_in_place_sequential(v);
        }
    }
}

/// The softmax of the first `cols` lanes of `x` (the others are garbage).
#[cfg(feature = "fast-math")]
#[inline(always)]
fn softmax_short_block(x: &[f32; LANES], cols: usize) -> [f32; LANES] {
    let m = lanes::max_of(lanes::first(cols, x, &[f32::NEG_INFINITY; LANES]));
    let mut e = [0.0_f32; LANES];
    for (e, &x) in e.iter_mut().zip(x) {
        *e = math::exp(x - m);
    }
    let sum = e.iter().take(cols).fold(0.0_f32, |s, &e| s + e);
    for e in e.iter_mut() {
        *e /= sum;
    }
    e
}

/// The row of `cols` elements from `start`.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn row(x: &[f32], start: usize, cols: usize) -> Option<&[f32]> {
    x.get(start..)?.get(..cols)
}

/// The row of `cols` elements from `start`, to write.
#[cfg(feature = "fast-math")]
#[inline(always)]
fn row_mut(x: &mut [f32], start: usize, cols: usize) -> Option<&mut [f32]> {
    x.get_mut(start..)?.get_mut(..cols)
}

impl Kernel for Softmax {
    #[inline]
    fn is_row_wise(&self) -> bool {
        true
    }

    fn forward_raw(&self, x: &[f32], y: &mut [f32], cols: usize) {
        #[cfg(feature = "fast-math")]
        if cols < LANES {
            return forward_short_rows(x, y, cols);
        }
        for (x, y) in batch_rows(x, cols).zip(batch_rows_mut(y, cols)) {
            forward_row(x, y);
        }
    }

    fn forward_in_place_raw(&self, v: &mut [f32], cols: usize) {
        #[cfg(feature = "fast-math")]
        if cols < LANES {
            return forward_short_rows_in_place(v, cols);
        }
        for v in batch_rows_mut(v, cols) {
            forward_row_in_place(v);
        }
    }

    fn backward_raw(&self, y: &[f32], dv: &[f32], dx: &mut [f32], cols: usize) {
        let pairs = batch_rows(y, cols).zip(batch_rows(dv, cols));
        for ((y, dv), dx) in pairs.zip(batch_rows_mut(dx, cols)) {
            backward_row(y, dv, dx);
        }
    }

    fn backward_in_place_raw(&self, y: &[f32], g: &mut [f32], cols: usize) {
        for (y, g) in batch_rows(y, cols).zip(batch_rows_mut(g, cols)) {
            backward_row_in_place(y, g);
        }
    }
}

impl Activation for Softmax {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn spec_rows() {
        let x = [
            1000.0,
            1001.0,
            1002.0, //
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY, //
            f32::INFINITY,
            0.0,
            1.0, //
            f32::NAN,
            0.0,
            1.0, //
            f32::NEG_INFINITY,
            0.0,
            f32::NEG_INFINITY, //
        ];
        let mut y = [9.0; 15];
        Softmax.forward(&x, 5, 3, &mut y).unwrap();
        // hand-checked in f64: e^-2/(1+e^-1+e^-2), e^-1/(...), 1/(...)
        let expect = [
            0.090_030_573_170_380_46,
            0.244_728_471_054_797_64,
            0.665_240_955_774_821_8,
        ];
        for (got, want) in y[..3].iter().zip(expect) {
            assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
        }
        assert!(y[3..12].iter().all(|v| v.is_nan()), "{y:?}");
        // -inf entries beside a finite max are exact zeros.
        assert_eq!(&y[12..], &[0.0, 1.0, 0.0]);
    }

    #[test]
    fn zero_cols_is_empty_shape_and_zero_rows_is_ok() {
        let mut y: [f32; 0] = [];
        assert_eq!(
            Softmax.forward(&[], 2, 0, &mut y),
            Err(Error::EmptyShape { rows: 2, cols: 0 })
        );
        assert_eq!(
            Softmax.backward_in_place(&[], &mut y, 0, 0),
            Err(Error::EmptyShape { rows: 0, cols: 0 })
        );
        assert_eq!(Softmax.forward(&[], 0, 4, &mut y), Ok(()));
    }

    /// Deterministic logits in `[-10, 10)`.
    fn logits<const N: usize>() -> [f32; N] {
        core::array::from_fn(|i| ((i * 7919) % 1000) as f32 / 50.0 - 10.0)
    }

    #[test]
    fn every_row_length_is_accurate_and_position_free() {
        // Lengths around the 16-lane blocks of the `fast-math` rows.
        let x: [f32; 300] = logits();
        let dv: [f32; 300] = core::array::from_fn(|i| ((i * 31) % 17) as f32 / 8.0 - 1.0);
        for cols in [1, 2, 3, 15, 16, 17, 31, 32, 33, 47, 100] {
            let n = 3 * cols;
            let (x, dv) = (&x[..n], &dv[..n]);
            let mut y = [0.0_f32; 300];
            let y = &mut y[..n];
            Softmax.forward(x, 3, cols, y).unwrap();
            let mut v = [0.0_f32; 300];
            let v = &mut v[..n];
            v.copy_from_slice(x);
            Softmax.forward_in_place(v, 3, cols).unwrap();
            assert_eq!(y, v, "in place, cols {cols}");
            // The middle row alone gives the same bits.
            let mut alone = [0.0_f32; 100];
            let alone = &mut alone[..cols];
            Softmax.forward(&x[cols..2 * cols], 1, cols, alone).unwrap();
            assert_eq!(alone, &y[cols..2 * cols], "row alone, cols {cols}");

            for ((x, y), (dv, _)) in x
                .chunks(cols)
                .zip(y.chunks(cols))
                .zip(dv.chunks(cols).zip(0..))
            {
                let m = x
                    .iter()
                    .fold(f64::NEG_INFINITY, |m, &v| m.max(f64::from(v)));
                let sum: f64 = x.iter().map(|&v| (f64::from(v) - m).exp()).sum();
                let dot: f64 = y
                    .iter()
                    .zip(dv)
                    .map(|(&y, &d)| f64::from(y) * f64::from(d))
                    .sum();
                for (&xj, &yj) in x.iter().zip(y) {
                    let exact = (f64::from(xj) - m).exp() / sum;
                    let bound = ((f64::from(xj) - m).abs() + cols as f64 + 4.0) * 2f64.powi(-24);
                    let err = (f64::from(yj) - exact).abs() / exact;
                    assert!(err <= bound, "cols {cols}: {yj} vs {exact}");
                }
                let mut dx = [0.0_f32; 100];
                let dx = &mut dx[..cols];
                Softmax.backward(y, dv, 1, cols, dx).unwrap();
                let mut g = [0.0_f32; 100];
                let g = &mut g[..cols];
                g.copy_from_slice(dv);
                Softmax.backward_in_place(y, g, 1, cols).unwrap();
                assert_eq!(dx, g, "backward in place, cols {cols}");
                for ((&d, &yj), &dvj) in dx.iter().zip(y).zip(dv) {
                    let exact = f64::from(yj) * (f64::from(dvj) - dot);
                    assert!(
                        (f64::from(d) - exact).abs() < 1e-6,
                        "cols {cols}: {d} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn edge_values_anywhere_in_long_rows() {
        // 20 columns: 16 in the first block, 4 in the last, overlapping one.
        for at in [0, 3, 15, 16, 19] {
            for (special, all_nan) in [
                (f32::NAN, true),
                (f32::INFINITY, true),
                (f32::NEG_INFINITY, false),
            ] {
                let mut x: [f32; 20] = logits();
                x[at] = special;
                let mut y = [9.0_f32; 20];
                Softmax.forward(&x, 1, 20, &mut y).unwrap();
                if all_nan {
                    assert!(y.iter().all(|v| v.is_nan()), "{special} at {at}: {y:?}");
                } else {
                    assert_eq!(y[at].to_bits(), 0, "{special} at {at}");
                    let sum: f32 = y.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-5, "{y:?}");
                }
            }
        }
        let mut y = [9.0_f32; 40];
        Softmax
            .forward(&[f32::NEG_INFINITY; 40], 2, 20, &mut y)
            .unwrap();
        assert!(y.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn backward_matches_hand_computed_jacobian() {
        // y = [0.5, 0.3, 0.2], dv = [1, 0, 0]:
        // J = diag(y) - y yᵀ, first column = [0.25, -0.15, -0.1]
        let mut dx = [0.0_f32; 3];
        Softmax
            .backward(&[0.5, 0.3, 0.2], &[1.0, 0.0, 0.0], 1, 3, &mut dx)
            .unwrap();
        for (got, want) in dx.iter().zip([0.25, -0.15, -0.1]) {
            assert!((got - want).abs() < 1e-7, "{got} vs {want}");
        }
    }
}
