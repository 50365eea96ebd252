//! Backward vs finite differences of an `f64` reference of `calculate`, and
//! `forward` / `calculate` against the same reference.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
};
use vanillanets_test::bits::widen;

use crate::{ce_case, clip64, close, config, fd_grad, one_hot, sentinel, shape};

// ---------------------------------------------------------------------------
// Independent f64 references
// ---------------------------------------------------------------------------

/// BCE mean over all `n·k` elements.
fn bce_ref(p: &[f64], y: &[f64]) -> f64 {
    let sum: f64 = p
        .iter()
        .zip(y)
        .map(|(&p, &y)| {
            let c = clip64(p);
            -(y * c.ln() + (1.0 - y) * (1.0 - c).ln())
        })
        .sum();
    sum / p.len() as f64
}

/// CCE with class indices: mean over rows of `-ln clip(p[row, t])`.
fn cce_classes_ref(p: &[f64], t: &[usize], cols: usize) -> f64 {
    let sum: f64 = p
        .chunks(cols)
        .zip(t)
        .map(|(row, &t)| -clip64(row[t]).ln())
        .sum();
    sum / t.len() as f64
}

/// CCE with one-hot rows: mean over rows of `-ln Σ_j clip(p_j) y_j`.
fn cce_onehot_ref(p: &[f64], y: &[f64], cols: usize) -> f64 {
    let rows = p.len() / cols;
    let sum: f64 = p
        .chunks(cols)
        .zip(y.chunks(cols))
        .map(|(p, y)| {
            -p.iter()
                .zip(y)
                .map(|(&p, &y)| clip64(p) * y)
                .sum::<f64>()
                .ln()
        })
        .sum();
    sum / rows as f64
}

/// MSE: mean over rows of the row mean of squares = mean over all elements.
fn mse_ref(p: &[f64], y: &[f64]) -> f64 {
    let sum: f64 = p.iter().zip(y).map(|(&p, &y)| (y - p) * (y - p)).sum();
    sum / p.len() as f64
}

proptest! {
    #![proptest_config(config(256))]

    /// BCE gradient and mean vs FD / the f64 formula. The gradient is a
    /// difference of two quotients, so its rounding error scales with
    /// `(|y|/c + |1-y|/(1-c)) / (n k)`, not with the (possibly cancelled)
    /// result: the tolerance is `2e-5` (≈ 300 u) of that scale. FD error with
    /// h = 1e-6 and c >= 1e-3 is below 1e-6 of the same scale.
    #[test]
    fn bce_backward_matches_finite_differences(
        (rows, cols, p, _t) in ce_case(),
        y_pool in vec(prop_oneof![Just(0.0_f32), Just(1.0_f32), 0.0_f32..=1.0], 20),
    ) {
        let n = rows * cols;
        let y: Vec<f32> = y_pool.iter().copied().cycle().take(n).collect();
        let y64 = widen(&y);
        let mut dx = vec![sentinel(); n];
        BinaryCrossEntropy.backward(&p, &y, rows, cols, &mut dx).unwrap();
        let fd = fd_grad(&p, 1e-6, |p| bce_ref(p, &y64));
        let nk = n as f64;
        for i in 0..n {
            let c = f64::from(p[i]);
            let scale = (y64[i].abs() / c + (1.0 - y64[i]).abs() / (1.0 - c)) / nk;
            prop_assert!(
                (f64::from(dx[i]) - fd[i]).abs() <= 2e-5 * scale,
                "i={i}: got {} fd {} (p={}, y={})", dx[i], fd[i], p[i], y[i]
            );
        }
        let mean = BinaryCrossEntropy.calculate(&p, &y, rows, cols).unwrap();
        let want = bce_ref(&widen(&p), &y64);
        prop_assert!(close(mean, want, 1e-5, 1e-6), "calculate {mean} vs {want}");
    }

    /// CCE with class indices and with one-hot rows (exact 0/1 rows, where
    /// `-y/clip(p)/n` is the true gradient of `-ln Σ clip(p)·y`): the gradient
    /// is one division chain per element (≤ 3 roundings), so `1e-5` relative
    /// plus `1e-9` absolute (for the off-label zeros) is generous.
    #[test]
    fn cce_backward_matches_finite_differences((rows, cols, p, t) in ce_case()) {
        let n = rows * cols;
        let y = one_hot(&t, cols);
        let y64 = widen(&y);
        let fd_classes = fd_grad(&p, 1e-6, |p| cce_classes_ref(p, &t, cols));
        let fd_onehot = fd_grad(&p, 1e-6, |p| cce_onehot_ref(p, &y64, cols));
        for (labels, fd) in [
            (Labels::Classes(&t), &fd_classes),
            (Labels::OneHot(&y), &fd_onehot),
        ] {
            let mut dx = vec![sentinel(); n];
            CategoricalCrossEntropy.backward(&p, labels, rows, cols, &mut dx).unwrap();
            for i in 0..n {
                prop_assert!(
                    close(dx[i], fd[i], 1e-5, 1e-9),
                    "{labels:?} i={i}: got {} fd {}", dx[i], fd[i]
                );
            }
            let mean = CategoricalCrossEntropy.calculate(&p, labels, rows, cols).unwrap();
            let want = cce_classes_ref(&widen(&p), &t, cols);
            prop_assert!(close(mean, want, 1e-5, 1e-7), "calculate {mean} vs {want}");
        }
    }

    /// MSE: quadratic, so central FD is exact up to f64 rounding. The f32
    /// gradient `-2 (y - p) / k / n` has ≤ 3 roundings after an exact
    /// widening: `2e-6` relative (≈ 34 u) plus `1e-8` absolute.
    #[test]
    fn mse_backward_matches_finite_differences(
        (rows, cols) in shape(),
        pool in vec(-10.0_f32..10.0, 40),
    ) {
        let n = rows * cols;
        let p: Vec<f32> = pool[..n].to_vec();
        let y: Vec<f32> = pool[20..20 + n].to_vec();
        let y64 = widen(&y);
        let mut dx = vec![sentinel(); n];
        MeanSquaredError.backward(&p, &y, rows, cols, &mut dx).unwrap();
        let fd = fd_grad(&p, 1e-3, |p| mse_ref(p, &y64));
        for i in 0..n {
            prop_assert!(close(dx[i], fd[i], 2e-6, 1e-8), "i={i}: {} vs {}", dx[i], fd[i]);
        }
        let mut per_sample = vec![sentinel(); rows];
        MeanSquaredError.forward(&p, &y, rows, cols, &mut per_sample).unwrap();
        for (r, (&got, (p, y))) in per_sample
            .iter()
            .zip(p.chunks(cols).zip(y.chunks(cols)))
            .enumerate()
        {
            let want = mse_ref(&widen(p), &widen(y));
            prop_assert!(close(got, want, 2e-6, 1e-12), "row {r}: {got} vs {want}");
        }
        let mean = MeanSquaredError.calculate(&p, &y, rows, cols).unwrap();
        let want = mse_ref(&widen(&p), &y64);
        prop_assert!(close(mean, want, 2e-6, 1e-12), "calculate {mean} vs {want}");
    }
}
