//! The Dense kernels as plain loops: the reference that the library's
//! tiled kernels (`src/layers/kernels.rs`) must match bit for bit, written
//! from the order documented on `Dense`: `y_row += x_k · W_k` over the
//! inputs, then the bias; `dW_k += x_k · dv_row` and `db += dv_row` over
//! the rows; `dx_k` from `+0.0`, the products `dv_j · W_kj` in `j` order.
//! The training firmware times both per multiply-accumulate and exits with
//! a failure if any bit differs; `tests/firmware_training.rs` compares
//! them on 1 400 shapes with NaN, ±inf, ±0 and subnormals.

/// `y = x W + b` for `x.len() / inputs` rows.
pub fn forward(inputs: usize, outputs: usize, x: &[f32], w: &[f32], b: &[f32], y: &mut [f32]) {
    let (inputs, outputs) = (inputs.max(1), outputs.max(1));
    for (x, y) in x.chunks_exact(inputs).zip(y.chunks_exact_mut(outputs)) {
        y.fill(0.0);
        for (&xk, wk) in x.iter().zip(w.chunks_exact(outputs)) {
            for (y, &w) in y.iter_mut().zip(wk) {
                *y += xk * w;
            }
        }
        for (y, &b) in y.iter_mut().zip(b) {
            *y += b;
        }
    }
}

/// `dW (+)= xᵀ dv`, `db (+)= Σ_rows dv`, the rows in order.
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
    if overwrite {
        dw.fill(0.0);
        db.fill(0.0);
    }
    for (x, dv) in x.chunks_exact(inputs).zip(dv.chunks_exact(outputs)) {
        for (&xk, dwk) in x.iter().zip(dw.chunks_exact_mut(outputs)) {
            for (dw, &dv) in dwk.iter_mut().zip(dv) {
                *dw += xk * dv;
            }
        }
        for (db, &dv) in db.iter_mut().zip(dv) {
            *db += dv;
        }
    }
}

/// `dx = dv Wᵀ`: each element from `+0.0`, its products `dv_j · W_kj`
/// added in `j` order.
pub fn backward_inputs(inputs: usize, outputs: usize, w: &[f32], dv: &[f32], dx: &mut [f32]) {
    if outputs == 0 {
        dx.fill(0.0);
        return;
    }
    let inputs = inputs.max(1);
    for (dvr, dxr) in dv.chunks_exact(outputs).zip(dx.chunks_exact_mut(inputs)) {
        for (d, wk) in dxr.iter_mut().zip(w.chunks_exact(outputs)) {
            let mut sum = 0.0_f32;
            for (&g, &w) in dvr.iter().zip(wk) {
                sum += g * w;
            }
            *d = sum;
        }
    }
}
