//! Dense kernels proposed for the library (`src/layers/dense.rs`): the same
//! IEEE operations, in the same order for every output element, as
//! `forward_raw`, `backward_parameters_raw` and (with fewer than 8
//! outputs) `backward_inputs_raw`, so the same bits (the host test
//! `tests/firmware_training.rs` checks them against the library on many
//! shapes and on NaN, ±inf, ±0 and subnormals), with the sums kept in
//! registers instead of being loaded and stored for every
//! multiply-accumulate. The training firmware measures both
//! (docs/firmware.md). Safe Rust, no panic path (no slice indexing:
//! zipped iterators, `get` and `first_chunk`).
//!
//! The library's forward walks `y_row += x_k · W_k` for each input `k`:
//! every multiply-accumulate loads and stores its `y_j`. Here a tile of 4
//! rows × 4 outputs keeps its 16 sums in FPU registers over the whole `k`
//! loop: per `k`, 4 loads of `x`, 4 of `W`, 16 multiply-adds. Each sum
//! still starts at `+0.0`, adds `x_k·W_kj` for `k = 0, 1, ...` in order,
//! and then the bias: the library's order. Rows and outputs left over take
//! 1-row and 1-column tiles.

/// Output columns per tile.
const C: usize = 4;
/// Rows per tile.
const R: usize = 4;

/// `acc[r][j] = Σ_k x_r[k] · W[k][j0 + j]`, each sum from `+0.0` in `k`
/// order, for `M` (4 or 1) rows.
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
            for j in 0..N {
                yq[j] = acc[j] + bq[j];
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
pub fn forward(inputs: usize, outputs: usize, x: &[f32], w: &[f32], b: &[f32], y: &mut [f32]) {
    let (inputs, outputs) = (inputs.max(1), outputs.max(1));
    let mut xp = x.chunks_exact(R * inputs);
    let mut yp = y.chunks_exact_mut(R * outputs);
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
pub fn backward_parameters(
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
    while k0 + R <= inputs {
        gradient_rows::<R>(inputs, outputs, x, dv, k0, overwrite, dw);
        k0 += R;
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

/// `dx = dv Wᵀ`, as `Dense::backward_inputs_raw`, when `outputs < 8`:
/// there `math::sum`'s tree is a left-to-right sum from `+0.0`, which this
/// runs directly (then `0.0 + sum`, as `dot` returns), without the tree's
/// set-up for every element. (`outputs >= 8` is left to the library.)
/// Returns `false`, writing nothing, for `outputs >= 8`.
pub fn backward_inputs_narrow(
    inputs: usize,
    outputs: usize,
    w: &[f32],
    dv: &[f32],
    dx: &mut [f32],
) -> bool {
    if outputs >= 8 {
        return false;
    }
    let (inputs, outputs) = (inputs.max(1), outputs.max(1));
    for (dvr, dxr) in dv.chunks_exact(outputs).zip(dx.chunks_exact_mut(inputs)) {
        for (d, wk) in dxr.iter_mut().zip(w.chunks_exact(outputs)) {
            let mut acc = 0.0_f32;
            for (&g, &w) in dvr.iter().zip(wk) {
                acc += g * w;
            }
            *d = 0.0 + acc;
        }
    }
    true
}
