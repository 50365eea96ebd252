//! The Dense kernels' loops: one multiply-accumulate loop ([`mac`]) over
//! a tile of sums held in a local array, fed three ways.
//!
//! Every sum of the three kernels is one lane of a tile `[[f32; L]; M]`
//! and runs in the order documented on [`super::Dense`]: from `+0.0` (or
//! the old gradient), adding its products one at a time in a fixed order.
//! The lanes of a tile are independent sums of the same shape, so the
//! compiler may run them in vector lanes of any width (or one at a time on
//! a scalar FPU) and the bits stay the same: the tile shape changes the
//! speed only.
//!
//! - forward, `y_r[j] = (Σ_k x_r[k]·W_k[j]) + b_j`: one row, lanes over
//!   [`N`] consecutive outputs (a row of `W` is one vector load); the
//!   outputs left over in narrower tiles of [`RN`] rows;
//! - weight gradients, `dW_k[j] (+)= Σ_r x_r[k]·dv_r[j]`: [`T`] inputs,
//!   lanes over [`N`] consecutive outputs (a row of `dv`); an output left
//!   over takes lanes over the inputs instead (a row of `x`);
//! - input gradients, `dx_r[k] = Σ_j dv_r[j]·W_k[j]`: [`T`] rows, lanes
//!   over consecutive inputs, so each block of [`N`] outputs × [`N`]
//!   inputs of `W` is first copied transposed into an array on the stack
//!   (1 KiB), once per [`BLOCK`] rows; a scalar FPU walks [`DIRECT`] rows
//!   of `W` side by side instead (no copy, no stack).
//!
//! The loops are plain: no intrinsics, no target-specific code, and three
//! constants that depend on the target's registers ([`N`], [`T`], [`RN`]),
//! each with its reason. The copies that transpose run one element at a
//! time ([`scalar`]), so that no gather or scatter instruction is emitted
//! on any target (CI checks an AVX-512 build). No slice indexing but
//! fixed arrays with constant bounds, and no division: `get`,
//! `first_chunk` and [`crate::shape::batch_rows`], so no panic path at any
//! opt-level. `tests` below compares all three with plain loops written
//! from the documented order, bit for bit.

use crate::shape::{batch_rows, batch_rows_mut};
use core::borrow::Borrow;

/// Lanes per tile with SIMD registers: one 512-bit vector, two 256-bit
/// or four 128-bit.
#[cfg(vanillanets_simd)]
const N: usize = 16;
/// Lanes per tile on a scalar FPU: eight, so that two tiles of sums and
/// the eight values they multiply fit a Cortex-M4F's 32 single-precision
/// registers (sixteen lanes leave no room for the values and LLVM
/// shuffles registers on every step).
#[cfg(not(vanillanets_simd))]
const N: usize = 8;

/// Tiles of [`N`] sums worked on at once (rows of the input gradients,
/// inputs of the weight gradients): enough independent additions to hide
/// the adder's latency, few enough to stay in registers. Two on a scalar
/// FPU (16 of 32 registers) and with 128-bit vectors (8 of 16); one or
/// four were slower with SSE2.
#[cfg(not(vanillanets_wide))]
const T: usize = 2;
/// Four with 256-bit (or wider) vectors: 8 of 16 registers (4 of 32
/// with AVX-512); two were slower with AVX2.
#[cfg(vanillanets_wide)]
const T: usize = 4;

/// `acc[m][l] += s[m] · v[l]` for every `(s, v)` of `feed`, in feed order:
/// the only multiply-accumulate loop of the kernels.
#[inline(always)]
fn mac<const M: usize, const L: usize, S: Borrow<[f32; M]>, V: Borrow<[f32; L]>>(
    acc: &mut [[f32; L]; M],
    feed: impl Iterator<Item = (S, V)>,
) {
    for (s, v) in feed {
        let (s, v): (&[f32; M], &[f32; L]) = (s.borrow(), v.borrow());
        for m in 0..M {
            for l in 0..L {
                acc[m][l] += s[m] * v[l];
            }
        }
    }
}

/// The `L` values from `start` of each row of a row-major matrix with
/// `cols` columns (a column block), while they are there.
#[inline(always)]
fn strided<const L: usize>(
    values: &[f32],
    start: usize,
    cols: usize,
) -> impl Iterator<Item = &[f32; L]> {
    batch_rows(values, cols).map_while(move |row| row.get(start..)?.first_chunk::<L>())
}

/// The `i`-th element of each of `M` slices, for `i = 0, 1, …` while all
/// of them have one.
struct Columns<'a, const M: usize> {
    rows: [&'a [f32]; M],
    i: usize,
    n: usize,
}

/// [`Columns`] of `rows`.
#[inline(always)]
fn columns<const M: usize>(rows: [&[f32]; M]) -> Columns<'_, M> {
    let n = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    // Each row cut to the common length, so that the compiler sees every
    // `i < n` in bounds and checks nothing per element.
    let rows = rows.map(|r| r.get(..n).unwrap_or(&[]));
    Columns { rows, i: 0, n }
}

impl<const M: usize> Iterator for Columns<'_, M> {
    type Item = [f32; M];

    #[inline(always)]
    fn next(&mut self) -> Option<[f32; M]> {
        if self.i >= self.n {
            return None;
        }
        let i = self.i;
        self.i += 1;
        Some(self.rows.map(|r| r.get(i).copied().unwrap_or(0.0)))
    }
}

/// Walks `x` (rows of `x_cols`) and `y` (rows of `y_cols`) together, `M`
/// rows at a time (`tile`), then the rows left over one at a time
/// (`one`). A saturated product only leaves every row to `one`.
#[inline(always)]
fn row_tiles<const M: usize>(
    x: &[f32],
    x_cols: usize,
    y: &mut [f32],
    y_cols: usize,
    mut tile: impl FnMut([&[f32]; M], [&mut [f32]; M]),
    mut one: impl FnMut(&[f32], &mut [f32]),
) {
    if M == 1 {
        // One copy of the loops, not two.
        for (x, y) in batch_rows(x, x_cols).zip(batch_rows_mut(y, y_cols)) {
            one(x, y);
        }
        return;
    }
    let mut xp = batch_rows(x, M.saturating_mul(x_cols));
    let mut yp = batch_rows_mut(y, M.saturating_mul(y_cols));
    for (x, y) in (&mut xp).zip(&mut yp) {
        let mut xr = batch_rows(x, x_cols);
        let mut yr = batch_rows_mut(y, y_cols);
        let xs: [&[f32]; M] = core::array::from_fn(|_| xr.next().unwrap_or(&[]));
        let ys: [&mut [f32]; M] = core::array::from_fn(|_| yr.next().unwrap_or(&mut []));
        tile(xs, ys);
    }
    for (x, y) in
        batch_rows(xp.remainder(), x_cols).zip(batch_rows_mut(yp.into_remainder(), y_cols))
    {
        one(x, y);
    }
}

/// Rows per block of the weight and input gradients: a kernel finishes a
/// block of rows before the next, so that the rows it walks again for
/// every tile stay in the caches, and the input gradients copy each block
/// of `W` once per this many rows. The weight gradients take the blocks in
/// row order and store their partial sums (exactly) between blocks, and
/// the rows of the input gradients are independent: the bits do not
/// depend on it.
const BLOCK: usize = 128;

/// Calls `f` on consecutive blocks of [`BLOCK`] rows of `a` (rows of
/// `a_cols`) and `b` (rows of `b_cols`), then once on the rows left over
/// (none, if the blocks took them all), with `first` true for the first
/// call only.
#[inline(always)]
fn blocks(
    a: &[f32],
    a_cols: usize,
    b: &[f32],
    b_cols: usize,
    mut f: impl FnMut(&[f32], &[f32], bool),
) {
    let mut ap = batch_rows(a, BLOCK.saturating_mul(a_cols));
    let mut bp = batch_rows(b, BLOCK.saturating_mul(b_cols));
    let mut first = true;
    for (a, b) in (&mut ap).zip(&mut bp) {
        f(a, b, first);
        first = false;
    }
    f(ap.remainder(), bp.remainder(), first);
}

/// [`blocks`] with `b` written.
#[inline(always)]
fn blocks_mut(
    a: &[f32],
    a_cols: usize,
    b: &mut [f32],
    b_cols: usize,
    mut f: impl FnMut(&[f32], &mut [f32]),
) {
    let mut ap = batch_rows(a, BLOCK.saturating_mul(a_cols));
    let mut bp = batch_rows_mut(b, BLOCK.saturating_mul(b_cols));
    for (a, b) in (&mut ap).zip(&mut bp) {
        f(a, b);
    }
    f(ap.remainder(), bp.into_remainder());
}

/// Runs `$tile` for consecutive column blocks `j0..j0 + L` covering
/// `$j_start..$n` (fewer than [`N`] columns): on SIMD targets one each of
/// 8, 4 and 2 where they fit, so that a narrow layer (a classifier's 3
/// or 10 outputs) still fills vector lanes, then single columns. On a
/// scalar FPU lanes gain nothing and the extra copies would cost flash:
/// single columns only.
macro_rules! tail {
    ($n:expr, $j_start:expr, |$l:ident, $j0:ident| $tile:block) => {{
        let n: usize = $n;
        let mut $j0: usize = $j_start;
        #[cfg(vanillanets_simd)]
        {
            if n - $j0 >= 8 {
                const $l: usize = 8;
                $tile
                $j0 += 8;
            }
            if n - $j0 >= 4 {
                const $l: usize = 4;
                $tile
                $j0 += 4;
            }
            if n - $j0 >= 2 {
                const $l: usize = 2;
                $tile
                $j0 += 2;
            }
        }
        while $j0 < n {
            const $l: usize = 1;
            $tile
            $j0 += 1;
        }
    }};
}

/// The start of each whole tile of [`N`] columns of `n`, and where the
/// columns left over start.
#[inline(always)]
fn whole_tiles(n: usize) -> (impl Iterator<Item = usize>, usize) {
    let whole = n - n % N;
    ((0..whole).step_by(N), whole)
}

/// Rows per forward tile for the columns left over after the whole tiles:
/// four on SIMD targets, so that four sums run side by side however few
/// columns are left; one on a scalar FPU (flash).
#[cfg(vanillanets_simd)]
const RN: usize = 4;
/// Rows per forward tile for the columns left over (scalar FPU).
#[cfg(not(vanillanets_simd))]
const RN: usize = 1;

/// `y = x W + b` for `x.len() / inputs` rows (validated slices, as
/// `Dense::forward_raw` takes them): tiles of [`T`] rows × [`N`] outputs.
pub(super) fn forward(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    w: &[f32],
    b: &[f32],
    y: &mut [f32],
) {
    let (_, rest) = whole_tiles(outputs);
    if rest > 0 {
        for (x, y) in batch_rows(x, inputs).zip(batch_rows_mut(y, outputs)) {
            whole_rows(x, w, b, outputs, y);
        }
    }
    if rest < outputs {
        row_tiles::<RN>(
            x,
            inputs,
            y,
            outputs,
            |xs, ys| rest_rows::<RN>(xs, w, b, (outputs, rest), ys),
            |x, y| rest_rows::<1>([x], w, b, (outputs, rest), [y]),
        );
    }
}

/// The whole tiles of [`N`] outputs of one row. One row per tile: more
/// rows share each load of `W` but were slower with 128- and 256-bit
/// vectors alike (more sums than registers), and cost a Cortex-M4F
/// inference firmware flash.
#[inline(always)]
fn whole_rows(x: &[f32], w: &[f32], b: &[f32], outputs: usize, y: &mut [f32]) {
    for j0 in whole_tiles(outputs).0 {
        forward_tile::<1, N>([x], w, b, outputs, j0, [&mut *y]);
    }
}

/// The outputs `rest..outputs` of `M` rows.
#[inline(always)]
fn rest_rows<const M: usize>(
    xs: [&[f32]; M],
    w: &[f32],
    b: &[f32],
    (outputs, rest): (usize, usize),
    mut ys: [&mut [f32]; M],
) {
    tail!(outputs, rest, |L, j0| {
        forward_tile::<M, L>(xs, w, b, outputs, j0, ys.each_mut().map(|y| &mut **y));
    });
}

/// `y_m[j0 + l] = (Σ_k x_m[k] · W_k[j0 + l]) + b[j0 + l]`.
#[inline(always)]
fn forward_tile<const M: usize, const L: usize>(
    xs: [&[f32]; M],
    w: &[f32],
    b: &[f32],
    outputs: usize,
    j0: usize,
    ys: [&mut [f32]; M],
) {
    let mut acc = [[0.0_f32; L]; M];
    mac(&mut acc, columns(xs).zip(strided::<L>(w, j0, outputs)));
    let Some(bias) = b.get(j0..).and_then(|b| b.first_chunk::<L>()) else {
        return;
    };
    for (y, acc) in ys.into_iter().zip(acc) {
        if let Some(y) = y.get_mut(j0..).and_then(|y| y.first_chunk_mut::<L>()) {
            for ((y, a), &b) in y.iter_mut().zip(acc).zip(bias) {
                *y = a + b;
            }
        }
    }
}

/// `dW (+)= xᵀ dv`, `db (+)= Σ_rows dv`, as
/// `Dense::backward_parameters_raw` (`overwrite`: `Gradients::Overwrite`):
/// per weight from `+0.0` (or the old `dW`), the rows' products added in
/// row order; tiles of [`T`] inputs × [`N`] outputs.
pub(super) fn backward_parameters(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    dv: &[f32],
    overwrite: bool,
    dw: &mut [f32],
    db: &mut [f32],
) {
    blocks(x, inputs, dv, outputs, |x, dv, first| {
        let g = Grad {
            inputs,
            outputs,
            x,
            dv,
            overwrite: overwrite && first,
        };
        let (whole, rest) = whole_tiles(outputs);
        for j0 in whole {
            g.columns::<N>(j0, dw);
        }
        for j0 in rest..outputs {
            // One output: lanes over inputs instead.
            let (whole, rest) = whole_tiles(inputs);
            for k0 in whole {
                g.column::<N>(k0, j0, dw);
            }
            tail!(inputs, rest, |K, k0| {
                g.column::<K>(k0, j0, dw);
            });
        }
    });
    // Row by row, each bias gradient from `+0.0` (or its old value) in row
    // order.
    if overwrite {
        db.fill(0.0);
    }
    for dvr in batch_rows(dv, outputs) {
        for (d, &g) in db.iter_mut().zip(dvr) {
            *d += g;
        }
    }
}

/// One block of rows of the weight gradients: `dW (+)= xᵀ dv`.
struct Grad<'a> {
    inputs: usize,
    outputs: usize,
    x: &'a [f32],
    dv: &'a [f32],
    /// Start from `+0.0`, not from the old `dW`.
    overwrite: bool,
}

impl Grad<'_> {
    /// The outputs `j0..j0 + L`: tiles of [`T`] inputs, then one at a time.
    #[inline(always)]
    fn columns<const L: usize>(&self, j0: usize, dw: &mut [f32]) {
        let mut k0 = 0;
        while self.inputs - k0 >= T {
            self.tile::<T, L>(k0, j0, dw);
            k0 += T;
        }
        while k0 < self.inputs {
            self.tile::<1, L>(k0, j0, dw);
            k0 += 1;
        }
    }

    /// `dW_{k0 + m}[j0 + l] (+)= Σ_r x_r[k0 + m] · dv_r[j0 + l]`.
    #[inline(always)]
    fn tile<const M: usize, const L: usize>(&self, k0: usize, j0: usize, dw: &mut [f32]) {
        let outputs = self.outputs;
        let mut rows = batch_rows(dw.get(k0 * outputs..).unwrap_or(&[]), outputs);
        // Element by element, not a loop over `acc`: the sums stay in
        // registers.
        let mut acc: [[f32; L]; M] = core::array::from_fn(|_| match rows.next() {
            Some(d) if !self.overwrite => d
                .get(j0..)
                .and_then(|d| d.first_chunk::<L>())
                .copied()
                .unwrap_or([0.0; L]),
            _ => [0.0; L],
        });
        let xs = strided::<M>(self.x, k0, self.inputs);
        mac(&mut acc, xs.zip(strided::<L>(self.dv, j0, outputs)));
        let rows = batch_rows_mut(dw.get_mut(k0 * outputs..).unwrap_or(&mut []), outputs);
        for (acc, d) in acc.iter().zip(rows) {
            if let Some(d) = d.get_mut(j0..).and_then(|d| d.first_chunk_mut::<L>()) {
                *d = *acc;
            }
        }
    }

    /// `dW_{k0 + l}[j0] (+)= Σ_r dv_r[j0] · x_r[k0 + l]`: one output, lanes
    /// over `K` inputs (a row of `x`), for the outputs left over after the
    /// whole tiles.
    #[inline(always)]
    fn column<const K: usize>(&self, k0: usize, j0: usize, dw: &mut [f32]) {
        let outputs = self.outputs;
        let start = k0 * outputs;
        let mut old = [0.0_f32; K];
        if !self.overwrite {
            let rows = batch_rows(dw.get(start..).unwrap_or(&[]), outputs);
            for (a, d) in old.iter_mut().zip(rows) {
                *a = d.get(j0).copied().unwrap_or(0.0);
                scalar(a);
            }
        }
        // A copy, so that the sums stay in registers.
        let mut acc = [old];
        let xs = strided::<K>(self.x, k0, self.inputs);
        mac(&mut acc, strided::<1>(self.dv, j0, outputs).zip(xs));
        let [sums] = acc;
        let rows = batch_rows_mut(dw.get_mut(start..).unwrap_or(&mut []), outputs);
        for (&a, d) in sums.iter().zip(rows) {
            if let Some(d) = d.get_mut(j0) {
                *d = a;
                scalar(d);
            }
        }
    }
}

/// An opaque step (`black_box`) between the elements of a transposing
/// copy: LLVM cannot merge the element copies around it into one gather
/// or scatter, which AVX-512 has and which are slower there than the
/// elements one at a time (CI checks the x86-64-v4 build for them).
#[inline(always)]
fn scalar<T: ?Sized>(x: &mut T) {
    core::hint::black_box(x);
}

/// `dx = dv Wᵀ` (validated slices, as `Dense::backward_inputs_raw` takes
/// them): per element from `+0.0`, the products `dv_r[j] · W_k[j]` added
/// over the outputs left to right.
pub(super) fn backward_inputs(
    inputs: usize,
    outputs: usize,
    w: &[f32],
    dv: &[f32],
    dx: &mut [f32],
) {
    dx.fill(0.0);
    // On a scalar FPU lanes gain nothing, and the stack block would cost
    // `fit` 256 B of stack.
    if cfg!(vanillanets_simd) {
        blocks_mut(dv, outputs, dx, inputs, |dv, dx| {
            transposed_inputs(inputs, outputs, w, dv, dx);
        });
    } else {
        direct_inputs(inputs, outputs, w, dv, dx);
    }
}

/// [`backward_inputs`] on a scalar FPU: each
/// row's dot products walk [`DIRECT`] rows of `W` side by side with the
/// row of `dv`, one zipped loop (one counter, no bounds check), no copy
/// and no stack.
fn direct_inputs(inputs: usize, outputs: usize, w: &[f32], dv: &[f32], dx: &mut [f32]) {
    for (dv, dx) in batch_rows(dv, outputs).zip(batch_rows_mut(dx, inputs)) {
        let mut wk = batch_rows(w, outputs);
        let mut dxs = dx.chunks_exact_mut(DIRECT);
        for dx in &mut dxs {
            let (Some(w0), Some(w1), Some(w2), Some(w3)) =
                (wk.next(), wk.next(), wk.next(), wk.next())
            else {
                break;
            };
            let mut acc = [0.0_f32; DIRECT];
            for ((((&g, &a), &b), &c), &d) in dv.iter().zip(w0).zip(w1).zip(w2).zip(w3) {
                acc[0] += g * a;
                acc[1] += g * b;
                acc[2] += g * c;
                acc[3] += g * d;
            }
            for (dx, a) in dx.iter_mut().zip(acc) {
                *dx = a;
            }
        }
        for (dx, wk) in dxs.into_remainder().iter_mut().zip(wk) {
            let mut acc = 0.0_f32;
            for (&g, &a) in dv.iter().zip(wk) {
                acc += g * a;
            }
            *dx = acc;
        }
    }
}

/// Rows of `W` per step of [`direct_inputs`]: four sums and five
/// pointers fit a Cortex-M4's registers.
const DIRECT: usize = 4;

/// [`backward_inputs`] for one block of rows: lanes over inputs, [`N`]
/// at a time, then narrower blocks for the inputs left over.
fn transposed_inputs(inputs: usize, outputs: usize, w: &[f32], dv: &[f32], dx: &mut [f32]) {
    let (whole, rest) = whole_tiles(inputs);
    for k0 in whole {
        input_lanes::<N>(outputs, inputs, w, dv, dx, k0);
    }
    tail!(inputs, rest, |K, k0| {
        input_lanes::<K>(outputs, inputs, w, dv, dx, k0);
    });
}

/// `dx_r[k0 + l] += Σ_j dv_r[j] · W_{k0 + l}[j]` for `l < K`: for each
/// block of [`N`] outputs, the block of `W` is copied transposed to the
/// stack (`block[j][l] = W_{k0 + l}[j0 + j]`), then tiles of [`T`] rows add
/// its products. Storing a partial sum to `dx` and loading it back is
/// exact, so the blocks give the bits of one sum per element.
#[inline(always)]
fn input_lanes<const K: usize>(
    outputs: usize,
    inputs: usize,
    w: &[f32],
    dv: &[f32],
    dx: &mut [f32],
    k0: usize,
) {
    let mut block = [[0.0_f32; K]; N];
    let mut j0 = 0;
    while j0 < outputs {
        let jn = (outputs - j0).min(N);
        let mut rows = batch_rows(w.get(k0 * outputs..).unwrap_or(&[]), outputs);
        let wk: [&[f32]; K] = core::array::from_fn(|_| {
            let row = rows.next().unwrap_or(&[]);
            row.get(j0..).unwrap_or(&[])
        });
        for (j, b) in block.iter_mut().take(jn).enumerate() {
            for (b, wk) in b.iter_mut().zip(&wk) {
                *b = wk.get(j).copied().unwrap_or(0.0);
            }
            scalar(b);
        }
        let block = block.get(..jn).unwrap_or(&[]);
        row_tiles::<T>(
            dv,
            outputs,
            dx,
            inputs,
            |dvs, dxs| input_tile(dvs, dxs, block, (j0, jn), k0),
            |dv, dx| input_tile([dv], [dx], block, (j0, jn), k0),
        );
        j0 += jn;
    }
}

/// `dx_m[k0 + l] += Σ_j dv_m[j0 + j] · block[j][l]` for `j < jn`.
#[inline(always)]
fn input_tile<const M: usize, const K: usize>(
    dvs: [&[f32]; M],
    dxs: [&mut [f32]; M],
    block: &[[f32; K]],
    (j0, jn): (usize, usize),
    k0: usize,
) {
    let mut dxs = dxs.map(|dx| dx.get_mut(k0..).and_then(|dx| dx.first_chunk_mut::<K>()));
    let mut acc = [[0.0_f32; K]; M];
    for (acc, dx) in acc.iter_mut().zip(&dxs) {
        if let Some(dx) = dx {
            *acc = **dx;
        }
    }
    let dvs = dvs.map(|dv| dv.get(j0..j0 + jn).unwrap_or(&[]));
    mac(&mut acc, columns(dvs).zip(block));
    for (dx, acc) in dxs.iter_mut().zip(acc) {
        if let Some(dx) = dx {
            **dx = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    //! The kernels against plain loops written from the documented order
    //! (one sum per element, no tiles), bit for bit, on shapes around
    //! every tile edge and on values with NaN, ±inf, ±0 and subnormals.
    extern crate std;
    use super::*;
    use std::vec;
    use std::vec::Vec;

    fn plain_forward(n_in: usize, n_out: usize, x: &[f32], w: &[f32], b: &[f32]) -> Vec<f32> {
        let rows = x.len() / n_in;
        let mut y = vec![0.0; rows * n_out];
        for r in 0..rows {
            for j in 0..n_out {
                let mut s = 0.0_f32;
                for k in 0..n_in {
                    s += x[r * n_in + k] * w[k * n_out + j];
                }
                y[r * n_out + j] = s + b[j];
            }
        }
        y
    }

    fn plain_parameters(n_in: usize, n_out: usize, x: &[f32], dv: &[f32], dw: &mut [f32]) {
        let rows = dv.len() / n_out;
        for k in 0..n_in {
            for j in 0..n_out {
                let mut s = dw[k * n_out + j];
                for r in 0..rows {
                    s += x[r * n_in + k] * dv[r * n_out + j];
                }
                dw[k * n_out + j] = s;
            }
        }
    }

    fn plain_inputs(n_in: usize, n_out: usize, w: &[f32], dv: &[f32]) -> Vec<f32> {
        let rows = dv.len() / n_out;
        let mut dx = vec![0.0; rows * n_in];
        for r in 0..rows {
            for k in 0..n_in {
                let mut s = 0.0_f32;
                for j in 0..n_out {
                    s += dv[r * n_out + j] * w[k * n_out + j];
                }
                dx[r * n_in + k] = s;
            }
        }
        dx
    }

    /// Deterministic values with the occasional special one.
    fn values(n: usize, seed: u32, special: bool) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                let v = (s >> 8) as f32 / (1 << 24) as f32 * 4.0 - 2.0;
                match (special, s % 97) {
                    (true, 0) => f32::NAN,
                    (true, 1) => f32::INFINITY,
                    (true, 2) => f32::NEG_INFINITY,
                    (true, 3) => -0.0,
                    (true, 4) => 1e-41,
                    _ => v,
                }
            })
            .collect()
    }

    fn same(a: &[f32], b: &[f32]) -> bool {
        // Any NaN equals any NaN: which operand's payload an addition of
        // two NaNs keeps is the hardware's choice.
        let bits = |(x, y): (&f32, &f32)| x.to_bits() == y.to_bits() || x.is_nan() && y.is_nan();
        a.len() == b.len() && a.iter().zip(b).all(bits)
    }

    const SIZES: [usize; 12] = [1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 33, 64];

    #[test]
    fn kernels_equal_plain_loops_bit_for_bit() {
        let mut cases = 0;
        for &n_in in &SIZES {
            for &n_out in &SIZES {
                for rows in [1, 2, 3, 5, 8, 9, 33, 70] {
                    for special in [false, true] {
                        let seed = (n_in * 1000 + n_out * 10 + rows) as u32;
                        let x = values(rows * n_in, seed, special);
                        let w = values(n_in * n_out, seed + 1, special);
                        let b = values(n_out, seed + 2, special);
                        let dv = values(rows * n_out, seed + 3, special);

                        let mut y = vec![7.0; rows * n_out];
                        forward(n_in, n_out, &x, &w, &b, &mut y);
                        assert!(same(&y, &plain_forward(n_in, n_out, &x, &w, &b)));

                        let old = values(n_in * n_out, seed + 4, false);
                        for overwrite in [true, false] {
                            let mut dw = old.clone();
                            let mut db = vec![1.5; n_out];
                            backward_parameters(n_in, n_out, &x, &dv, overwrite, &mut dw, &mut db);
                            let mut want = if overwrite {
                                vec![0.0; dw.len()]
                            } else {
                                old.clone()
                            };
                            plain_parameters(n_in, n_out, &x, &dv, &mut want);
                            assert!(same(&dw, &want), "dW {n_in}x{n_out} x{rows}");
                        }

                        let want = plain_inputs(n_in, n_out, &w, &dv);
                        let mut dx = vec![7.0; rows * n_in];
                        backward_inputs(n_in, n_out, &w, &dv, &mut dx);
                        assert!(same(&dx, &want), "dx {n_in}x{n_out} x{rows}");
                        // The scalar FPUs' walk, on this host too.
                        let mut dx = vec![7.0; rows * n_in];
                        direct_inputs(n_in, n_out, &w, &dv, &mut dx);
                        assert!(same(&dx, &want), "dx direct {n_in}x{n_out} x{rows}");
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 12 * 12 * 8 * 2);
    }

    #[test]
    fn no_outputs_give_zero_input_gradients() {
        let mut dx = [7.0_f32; 6];
        backward_inputs(2, 0, &[], &[], &mut dx);
        assert_eq!(dx, [0.0; 6]);
    }

    #[test]
    fn input_gradients_sum_left_to_right() {
        // 1e8 + 1 - 1e8 is 0 left to right in f32, 1 in a pairwise or
        // other order that adds the two 1e8 first.
        let w = [1e8_f32, 1.0, -1e8];
        let dv = [1.0_f32, 1.0, 1.0];
        let mut dx = [9.0_f32];
        backward_inputs(1, 3, &w, &dv, &mut dx);
        assert_eq!(dx, [0.0]);
    }
}
