//! The Dense kernels' loops: register tiles.
//!
//! `y = x W + b` keeps a tile of 1 row × 4 outputs, and `dW (+)= xᵀ dv` a
//! tile of 4 inputs × 4 outputs, in registers over the whole inner loop
//! instead of loading and storing an output for every multiply-accumulate;
//! each sum still starts at `+0.0` (or the old `dW`), adds its products in
//! input order (forward) or row order (weight gradients), then the bias:
//! the order documented on [`super::Dense`], so the same bits on every
//! target. On a Cortex-M4F that is about 3 and 2.2 instructions per
//! multiply-accumulate instead of 5.6 and 7.4 (docs/firmware.md). Outputs
//! and inputs left over take 1-wide tiles. No slice indexing: zipped
//! iterators, `get` and `first_chunk`, so no panic path.

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
/// keeps it under, at about 3 (docs/firmware.md).
const R: usize = 1;
/// Inputs per weight-gradient tile (training code, where speed matters
/// more than size): four, so 16 sums stay in registers over the rows.
const K: usize = 4;

/// `acc[r][j] = Σ_k x_r[k] · W[k][j0 + j]`, each sum from `+0.0` in `k`
/// order, for `M` rows (1 here; the 4-row arm is kept for a wider `R`).
#[inline(always)]
fn tile<const M: usize, const N: usize>(
    xs: [&[f32]; M],
    w: &[f32],
    outputs: usize,
    j0: usize,
) -> [[f32; N]; M] {
    let mut acc = [[0.0_f32; N]; M];
    let rows = w.chunks_exact(outputs.max(1));
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
    let (inputs, outputs) = (inputs.max(1), outputs.max(1));
    // `max(1)`: never 0, even if the product saturates, so `chunks_exact`
    // keeps no panic path.
    let mut xp = x.chunks_exact(R.saturating_mul(inputs).max(1));
    let mut yp = y.chunks_exact_mut(R.saturating_mul(outputs).max(1));
    for (x, y) in (&mut xp).zip(&mut yp) {
        let mut xr = x.chunks_exact(inputs);
        let mut yr = y.chunks_exact_mut(outputs);
        let xs: [&[f32]; R] = core::array::from_fn(|_| xr.next().unwrap_or(&[]));
        let ys: [&mut [f32]; R] = core::array::from_fn(|_| yr.next().unwrap_or(&mut []));
        rows::<R>(xs, w, b, outputs, ys);
    }
    for (x, y) in xp
        .remainder()
        .chunks_exact(inputs)
        .zip(yp.into_remainder().chunks_exact_mut(outputs))
    {
        rows::<1>([x], w, b, outputs, [y]);
    }
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
    for (xr, dvr) in x.chunks_exact(inputs).zip(dv.chunks_exact(outputs)) {
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

/// The output columns of the inputs `k0..k0 + K`: tiles of [`C`], then
/// one at a time.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn gradient_rows<const K: usize>(
    inputs: usize,
    outputs: usize,
    x: &[f32],
    dv: &[f32],
    k0: usize,
    overwrite: bool,
    dw: &mut [f32],
) {
    let mut j0 = 0;
    while j0 + C <= outputs {
        gradient_tile::<K, C>(inputs, outputs, x, dv, k0, j0, overwrite, dw);
        j0 += C;
    }
    while j0 < outputs {
        gradient_tile::<K, 1>(inputs, outputs, x, dv, k0, j0, overwrite, dw);
        j0 += 1;
    }
}

/// `dW (+)= xᵀ dv`, `db (+)= Σ_rows dv`, as
/// `Dense::backward_parameters_raw` (`overwrite`: `Gradients::Overwrite`):
/// per weight, the sum starts at `+0.0` (or the old `dW`) and adds the
/// rows' products in row order, as the library's does; a tile of 4
/// inputs × 4 outputs keeps its 16 sums in registers over the rows.
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
    let mut k0 = 0;
    while k0 + K <= inputs {
        gradient_rows::<K>(inputs, outputs, x, dv, k0, overwrite, dw);
        k0 += K;
    }
    while k0 < inputs {
        gradient_rows::<1>(inputs, outputs, x, dv, k0, overwrite, dw);
        k0 += 1;
    }
    // As the library: row by row, each bias gradient from `+0.0` (or its
    // old value) in row order.
    if overwrite {
        for d in db.iter_mut() {
            *d = 0.0;
        }
    }
    for dvr in dv.chunks_exact(outputs) {
        for (d, &g) in db.iter_mut().zip(dvr) {
            *d += g;
        }
    }
}
