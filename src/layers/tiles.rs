//! The Dense kernels' loops: register tiles.
//!
//! `y = x W + b` keeps a tile of rows × [`C`] outputs, and `dW (+)= xᵀ dv`
//! a tile of 4 inputs × [`C`] outputs, in registers over the whole inner
//! loop instead of loading and storing an output for every
//! multiply-accumulate; each sum still starts at `+0.0` (or the old `dW`),
//! adds its products in input order (forward) or row order (weight
//! gradients), then the bias: the order documented on [`super::Dense`],
//! so the same bits on every target. On a Cortex-M4F (1 row × 4 outputs,
//! 4 × 4) that is about 3 and 2.2 instructions per multiply-accumulate
//! instead of 5.6 and 7.4 (docs/firmware.md). Outputs and inputs left
//! over take narrower tiles: one output column at a time (over [`KN`]
//! inputs for the weight gradients), one input at a time; on SIMD targets
//! layers of 1–4 outputs take `RN` rows × all their outputs.
//!
//! `dx = dv Wᵀ` is one pairwise dot product per element (`math::dots`): on
//! SIMD targets a tile of 2 rows × 2 inputs runs four of them side by
//! side, each with its eight partial sums in one vector, so a block of
//! `dv` and of `W` is loaded once for two dots; below eight outputs the
//! tree is a left-to-right sum, run with the width a constant.
//!
//! No slice indexing: zipped iterators, `get` and `first_chunk`, so no
//! panic path.

use crate::math::dots;
use crate::shape::{batch_rows, batch_rows_mut};

/// Output columns per tile: 4 on scalar FPUs (a Cortex-M4F has 32
/// single-precision registers), 16 on SIMD targets, where the 16 sums are
/// four or two vector registers. The width changes no result: each sum's
/// operations and their order are the same.
#[cfg(not(vanillanets_simd))]
const C: usize = 4;
/// Output columns per tile (SIMD targets).
#[cfg(vanillanets_simd)]
const C: usize = 16;
/// Rows per forward tile. Four rows (16 sums in registers) reach about 2
/// instructions per multiply-accumulate on a Cortex-M4F, but their extra
/// code puts a small inference firmware past 4 KiB of crate code; one row
/// keeps it under, at about 3 (docs/firmware.md). With 128-bit vectors
/// one row is also best (four rows of 16 sums spill the 16 registers).
#[cfg(not(vanillanets_wide))]
const R: usize = 1;
/// Rows per forward tile with 256-bit vectors: four rows of 16 sums are
/// eight registers, and each block of `W` is loaded once for four rows.
#[cfg(vanillanets_wide)]
const R: usize = 4;
/// Rows per forward tile when every output is left over (fewer than [`C`]
/// outputs, such as a classifier's last layer): four rows give four
/// independent sums per output instead of one chain of dependent
/// additions. SIMD targets only, for the same code-size reason.
#[cfg(vanillanets_simd)]
const RN: usize = 4;
/// Inputs per weight-gradient tile (training code, where speed matters
/// more than size): four, so 16 sums stay in registers over the rows.
const K: usize = 4;
/// Inputs per weight-gradient tile of a single output column (the columns
/// left over): on SIMD targets sixteen, one or two vectors of consecutive
/// inputs times one `dv` element per row.
#[cfg(vanillanets_simd)]
const KN: usize = 16;
/// Inputs per single-column weight-gradient tile (scalar FPUs).
#[cfg(not(vanillanets_simd))]
const KN: usize = 4;
/// Rows × inputs per input-gradient tile: each of the `DR · DK` dot
/// products keeps its eight partial sums in one 8-lane vector (two 4-lane
/// ones), and every block of eight of `dv` and `W` is loaded once for the
/// whole tile. Scalar FPUs run one dot at a time (eight partial sums
/// already fill a quarter of a Cortex-M4F's registers).
#[cfg(vanillanets_simd)]
const DR: usize = 2;
/// Inputs per input-gradient tile (SIMD targets).
#[cfg(vanillanets_simd)]
const DK: usize = 2;
/// Rows per input-gradient tile (scalar FPUs).
#[cfg(not(vanillanets_simd))]
const DR: usize = 1;
/// Inputs per input-gradient tile (scalar FPUs).
#[cfg(not(vanillanets_simd))]
const DK: usize = 1;

/// `acc[r][j] = Σ_k x_r[k] · W[k][j0 + j]`, each sum from `+0.0` in `k`
/// order, for `M` rows: one, or four (the `RN` and wide [`R`] tiles).
#[inline(always)]
fn tile<const M: usize, const N: usize>(
    xs: [&[f32]; M],
    w: &[f32],
    outputs: usize,
    j0: usize,
) -> [[f32; N]; M] {
    let mut acc = [[0.0_f32; N]; M];
    let rows = batch_rows(w, outputs);
    match xs.as_slice() {
        // Zipped slice iterators: no bounds check survives in the loop.
        [x0, x1, x2, x3] => {
            let xk = x0.iter().zip(*x1).zip(*x2).zip(*x3);
            for ((((&a0, &a1), &a2), &a3), wk) in xk.zip(rows) {
                let Some(wq) = wk.get(j0..).and_then(|s| s.first_chunk::<N>()) else {
                    continue;
                };
                for (a, acc) in [a0, a1, a2, a3].into_iter().zip(acc.iter_mut()) {
                    for (acc, &w) in acc.iter_mut().zip(wq) {
                        *acc += a * w;
                    }
                }
            }
        }
        [x0] => {
            for (&a, wk) in x0.iter().zip(rows) {
                let Some(wq) = wk.get(j0..).and_then(|s| s.first_chunk::<N>()) else {
                    continue;
                };
                if let Some(acc) = acc.first_mut() {
                    for (acc, &w) in acc.iter_mut().zip(wq) {
                        *acc += a * w;
                    }
                }
            }
        }
        _ => {}
    }
    acc
}

/// `y_r[j0 + j] = acc[r][j] + b[j0 + j]`.
#[inline(always)]
fn store<const M: usize, const N: usize>(
    acc: [[f32; N]; M],
    b: &[f32],
    j0: usize,
    ys: [&mut [f32]; M],
) {
    let Some(bq) = b.get(j0..).and_then(|s| s.first_chunk::<N>()) else {
        return;
    };
    for (y, acc) in ys.into_iter().zip(acc) {
        if let Some(yq) = y.get_mut(j0..).and_then(|s| s.first_chunk_mut::<N>()) {
            for ((y, &a), &b) in yq.iter_mut().zip(&acc).zip(bq) {
                *y = a + b;
            }
        }
    }
}

/// The output columns of `M` rows: tiles of [`C`], then one at a time.
#[inline(always)]
fn rows<const M: usize>(
    xs: [&[f32]; M],
    w: &[f32],
    b: &[f32],
    outputs: usize,
    mut ys: [&mut [f32]; M],
) {
    let mut j0 = 0;
    while j0 + C <= outputs {
        let acc = tile::<M, C>(xs, w, outputs, j0);
        store(acc, b, j0, ys.each_mut().map(|y| &mut **y));
        j0 += C;
    }
    while j0 < outputs {
        let acc = tile::<M, 1>(xs, w, outputs, j0);
        store(acc, b, j0, ys.each_mut().map(|y| &mut **y));
        j0 += 1;
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

/// `y = x W + b` for `x.len() / inputs` rows (validated slices, as
/// `Dense::forward_raw` takes them): the same bits.
pub(super) fn forward(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    w: &[f32],
    b: &[f32],
    y: &mut [f32],
) {
    let outputs = outputs.max(1);
    // Narrow layers (SIMD targets only: on a scalar FPU a second copy of
    // the loops would cost the inference firmware's flash).
    #[cfg(vanillanets_simd)]
    {
        match outputs {
            1 => return narrow_forward::<1>(inputs, x, w, b, y),
            2 => return narrow_forward::<2>(inputs, x, w, b, y),
            3 => return narrow_forward::<3>(inputs, x, w, b, y),
            4 => return narrow_forward::<4>(inputs, x, w, b, y),
            _ => {}
        }
        if outputs < C {
            return forward_rows::<RN>(inputs, outputs, x, w, b, y);
        }
    }
    forward_rows::<R>(inputs, outputs, x, w, b, y);
}

/// [`forward`] in tiles of `M` rows, then the rows left over one at a time.
#[inline(always)]
fn forward_rows<const M: usize>(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    w: &[f32],
    b: &[f32],
    y: &mut [f32],
) {
    row_tiles::<M>(
        x,
        inputs,
        y,
        outputs,
        |xs, ys| rows::<M>(xs, w, b, outputs, ys),
        |x, y| rows::<1>([x], w, b, outputs, [y]),
    );
}

/// [`forward`] for `N` outputs, all of them in one tile of `RN` rows.
#[cfg(vanillanets_simd)]
#[inline(always)]
fn narrow_forward<const N: usize>(inputs: usize, x: &[f32], w: &[f32], b: &[f32], y: &mut [f32]) {
    row_tiles::<RN>(
        x,
        inputs,
        y,
        N,
        |xs, ys| store(tile::<RN, N>(xs, w, N, 0), b, 0, ys),
        |x, y| store(tile::<1, N>([x], w, N, 0), b, 0, [y]),
    );
}

/// `dW[k0 + a][j0 + j]` for a tile of `K` inputs × `N` outputs: from
/// `+0.0` (`overwrite`) or the old value, add `x_r[k0 + a] · dv_r[j0 + j]`
/// for the rows `r` in order.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn gradient_tile<const K: usize, const N: usize>(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    dv: &[f32],
    k0: usize,
    j0: usize,
    overwrite: bool,
    dw: &mut [f32],
) {
    let mut acc = [[0.0_f32; N]; K];
    let at = |a: usize| (k0 + a) * outputs + j0;
    if !overwrite {
        for (a, acc) in acc.iter_mut().enumerate() {
            if let Some(d) = dw.get(at(a)..).and_then(|s| s.first_chunk::<N>()) {
                *acc = *d;
            }
        }
    }
    for (xr, dvr) in batch_rows(x, inputs).zip(batch_rows(dv, outputs)) {
        let (Some(xq), Some(dq)) = (
            xr.get(k0..).and_then(|s| s.first_chunk::<K>()),
            dvr.get(j0..).and_then(|s| s.first_chunk::<N>()),
        ) else {
            continue;
        };
        for (acc, &a) in acc.iter_mut().zip(xq) {
            for (acc, &g) in acc.iter_mut().zip(dq) {
                *acc += a * g;
            }
        }
    }
    for (a, acc) in acc.iter().enumerate() {
        if let Some(d) = dw.get_mut(at(a)..).and_then(|s| s.first_chunk_mut::<N>()) {
            *d = *acc;
        }
    }
}

/// All inputs of the output columns `j0..j0 + N`: tiles of `KI` inputs,
/// then one at a time.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn gradient_columns<const KI: usize, const N: usize>(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    dv: &[f32],
    j0: usize,
    overwrite: bool,
    dw: &mut [f32],
) {
    let mut k0 = 0;
    while k0 + KI <= inputs {
        gradient_tile::<KI, N>(inputs, outputs, x, dv, k0, j0, overwrite, dw);
        k0 += KI;
    }
    while k0 < inputs {
        gradient_tile::<1, N>(inputs, outputs, x, dv, k0, j0, overwrite, dw);
        k0 += 1;
    }
}

/// `dW (+)= xᵀ dv`, `db (+)= Σ_rows dv`, as
/// `Dense::backward_parameters_raw` (`overwrite`: `Gradients::Overwrite`):
/// per weight, the sum starts at `+0.0` (or the old `dW`) and adds the
/// rows' products in row order, as the library's does; a tile of [`K`]
/// inputs × [`C`] outputs keeps its sums in registers over the rows, and
/// each column left over takes [`KN`] inputs at a time.
pub(super) fn backward_parameters(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    dv: &[f32],
    overwrite: bool,
    dw: &mut [f32],
    db: &mut [f32],
) {
    let (inputs, outputs) = (inputs.max(1), outputs.max(1));
    let mut j0 = 0;
    while j0 + C <= outputs {
        gradient_columns::<K, C>(inputs, outputs, x, dv, j0, overwrite, dw);
        j0 += C;
    }
    while j0 < outputs {
        gradient_columns::<KN, 1>(inputs, outputs, x, dv, j0, overwrite, dw);
        j0 += 1;
    }
    // As the library: row by row, each bias gradient from `+0.0` (or its
    // old value) in row order.
    if overwrite {
        for d in db.iter_mut() {
            *d = 0.0;
        }
    }
    for dvr in batch_rows(dv, outputs) {
        for (d, &g) in db.iter_mut().zip(dvr) {
            *d += g;
        }
    }
}

/// `dx_r[k] = Σ_j dv_r[j] · W_k[j]` (`math::dots`) for the `M` rows `dvs`:
/// tiles of [`DK`] inputs, then one at a time.
#[inline(always)]
fn input_rows<const M: usize>(
    outputs: usize,
    w: &[f32],
    dvs: [&[f32]; M],
    mut dxs: [&mut [f32]; M],
) {
    let mut wk = batch_rows(w, outputs);
    let mut k0 = 0;
    loop {
        let wq: [&[f32]; DK] = core::array::from_fn(|_| wk.next().unwrap_or(&[]));
        if wq.iter().any(|w| w.is_empty()) {
            break;
        }
        for (dx, d) in dxs.iter_mut().zip(dots(dvs, wq, outputs)) {
            if let Some(dx) = dx.get_mut(k0..).and_then(|s| s.first_chunk_mut::<DK>()) {
                *dx = d;
            }
        }
        k0 += DK;
    }
    // The inputs left over (`wk` has moved past at most `DK - 1` of them).
    for (k, wk) in batch_rows(w, outputs).enumerate().skip(k0) {
        for (dx, [d]) in dxs.iter_mut().zip(dots(dvs, [wk], outputs)) {
            if let Some(dx) = dx.get_mut(k) {
                *dx = d;
            }
        }
    }
}

/// `dx = dv Wᵀ` (validated slices, as `Dense::backward_inputs_raw` takes
/// them): per element the bits of `math::sum` of `dv_row · W_row`'s
/// products, in tiles of [`DR`] rows × [`DK`] inputs.
pub(super) fn backward_inputs(
    inputs: usize,
    outputs: usize,
    w: &[f32],
    dv: &[f32],
    dx: &mut [f32],
) {
    let outputs = outputs.max(1);
    if outputs < 8 {
        narrow_inputs(inputs, outputs, w, dv, dx);
        return;
    }
    row_tiles::<DR>(
        dv,
        outputs,
        dx,
        inputs,
        |dvs, dxs| input_rows::<DR>(outputs, w, dvs, dxs),
        |dv, dx| input_rows::<1>(outputs, w, [dv], [dx]),
    );
}

/// `dx = dv Wᵀ` for fewer than eight outputs, where `math::sum`'s tree is
/// one left-to-right sum from `0.0` per element: on SIMD targets with the
/// width a constant, so that LLVM runs consecutive inputs in the lanes.
fn narrow_inputs(inputs: usize, outputs: usize, w: &[f32], dv: &[f32], dx: &mut [f32]) {
    #[cfg(vanillanets_simd)]
    match outputs {
        1 => return narrow(inputs, 1, w, dv, dx),
        2 => return narrow(inputs, 2, w, dv, dx),
        3 => return narrow(inputs, 3, w, dv, dx),
        4 => return narrow(inputs, 4, w, dv, dx),
        _ => {}
    }
    narrow(inputs, outputs, w, dv, dx);
}

/// [`narrow_inputs`]' loop; inlined where `outputs` is a constant.
#[inline(always)]
fn narrow(inputs: usize, outputs: usize, w: &[f32], dv: &[f32], dx: &mut [f32]) {
    for (dv, dx) in batch_rows(dv, outputs).zip(batch_rows_mut(dx, inputs)) {
        for (dx, wk) in dx.iter_mut().zip(batch_rows(w, outputs)) {
            let mut res = 0.0_f32;
            for (&a, &b) in dv.iter().zip(wk) {
                res += a * b;
            }
            *dx = 0.0 + res;
        }
    }
}
