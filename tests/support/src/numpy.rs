//! What NumPy, and so the original library, does where the crate must do
//! the same, written from NumPy's documented behaviour and the crate's spec
//! (`docs/semantics.md`), in plain `f32` / `f64`.

/// `np.argmax` of one row: the first NaN if there is one (NaN compares as
/// the maximum), else the first maximum.
pub fn np_argmax(row: &[f32]) -> usize {
    if let Some(j) = row.iter().position(|v| v.is_nan()) {
        return j;
    }
    let mut best = 0;
    for (j, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = j;
        }
    }
    best
}

/// Does the spec make this Softmax row all NaN? All `-inf`, or any `+inf`,
/// or any NaN.
pub fn softmax_row_is_nan(x: &[f32]) -> bool {
    x.iter().all(|&v| v == f32::NEG_INFINITY) || x.iter().any(|&v| v == f32::INFINITY || v.is_nan())
}

/// The softmax of one row in `f64`: `exp(x - max) / Σ exp(x - max)`.
pub fn softmax64(x: &[f64]) -> Vec<f64> {
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|&v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|&v| v / s).collect()
}

/// `np.sum` of a contiguous `float32` array: NumPy's reduction starts from
/// its identity `0.0` and adds `pairwise_sum` of the elements
/// (`numpy/_core/src/umath/loops_utils.h.src`), so that eight or more
/// `-0.0` sum to `+0.0`.
pub fn np_sum(x: &[f32]) -> f32 {
    0.0 + pairwise_sum(x)
}

/// NumPy's `pairwise_sum` on `float32`: fewer than 8 elements left to
/// right; up to 128 in eight interleaved partial sums, combined as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the remaining
/// `n % 8` left to right; more than 128 split at `n/2` rounded down to a
/// multiple of 8, each half summed so, then added.
fn pairwise_sum(x: &[f32]) -> f32 {
    let n = x.len();
    if n < 8 {
        let mut res = 0.0_f32;
        for &v in x {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0_f32; 8];
        r.copy_from_slice(&x[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for j in 0..8 {
                r[j] += x[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &x[i..] {
            res += v;
        }
        res
    } else {
        let n2 = n / 2;
        let n2 = n2 - n2 % 8;
        pairwise_sum(&x[..n2]) + pairwise_sum(&x[n2..])
    }
}

/// `np.mean` of a contiguous `float32` array: [`np_sum`] divided by the
/// count in `float32`. NaN for an empty slice (`0 / 0`).
pub fn np_mean(x: &[f32]) -> f32 {
    np_sum(x) / x.len() as f32
}
