//! Sums that do not drift: the sizes at which a left-to-right f32 sum went
//! wrong, checked against exact values and f64 sums.

use vanillanets::activations::{Activation, Softmax};
use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss, MeanSquaredError};

/// 2²⁵ samples of loss exactly 1: `np.mean` gives 1.0; a left-to-right f32
/// sum stops at 2²⁴ and gave 0.5.
#[test]
fn mean_of_2_pow_25_unit_losses_is_one() {
    let n = 1 << 25;
    let predictions = vec![0.0_f32; n];
    let targets = vec![1.0_f32; n];
    let mean = MeanSquaredError.calculate(&predictions, &targets, n, 1);
    assert_eq!(mean, Ok(1.0));
}

/// The mean CCE of 10⁶ random samples, against the f64 sum of the same
/// per-sample losses: within 4 ULP (a left-to-right f32 sum was 1.9e-6
/// relative off, about 30 ULP).
#[test]
fn cce_mean_of_a_million_samples_is_within_4_ulp_of_an_f64_sum() {
    let (rows, cols) = (1_000_000, 4);
    let mut state = 0x9e37_79b9_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let mut p = vec![0.0_f32; rows * cols];
    for row in p.chunks_mut(cols) {
        let raw: Vec<f32> = (0..cols).map(|_| (next() >> 8) as f32 + 1.0).collect();
        let total: f32 = raw.iter().sum();
        for (p, r) in row.iter_mut().zip(raw) {
            *p = r / total;
        }
    }
    let labels: Vec<usize> = (0..rows).map(|_| next() as usize % cols).collect();
    let labels = Labels::Classes(&labels);

    let mut per_sample = vec![0.0_f32; rows];
    CategoricalCrossEntropy
        .forward(&p, labels, rows, cols, &mut per_sample)
        .unwrap();
    let exact = per_sample.iter().map(|&l| f64::from(l)).sum::<f64>() / rows as f64;
    let mean = CategoricalCrossEntropy
        .calculate(&p, labels, rows, cols)
        .unwrap();
    // One f32 step at this magnitude: 2^(⌊log₂ exact⌋ - 23).
    let ulp = 2f64.powi(exact.log2().floor() as i32 - 23);
    let off = (f64::from(mean) - exact).abs();
    assert!(off <= 4.0 * ulp, "{mean} vs {exact}: {} ULP", off / ulp);
}

/// A row of 2²⁵ equal logits: every output is exactly 2⁻²⁵ (left to right
/// the sum stopped at 2²⁴ and gave 2⁻²⁴).
#[test]
fn softmax_of_2_pow_25_equal_logits_is_exact() {
    let n = 1 << 25;
    let x = vec![3.5_f32; n];
    let mut y = vec![0.0_f32; n];
    Softmax.forward(&x, 1, n, &mut y).unwrap();
    let want = 2f32.powi(-25);
    assert!(y.iter().all(|&v| v == want), "{}", y[0]);
}

/// The backward's dot product over a long row: `y = 1/k` and `dv = 1` give
/// `s = 1` exactly, so `dx = y - y·1 = 0` exactly.
#[test]
fn softmax_backward_dot_product_does_not_drift() {
    let k = 1 << 25;
    let y = vec![2f32.powi(-25); k];
    let dv = vec![1.0_f32; k];
    let mut dx = vec![9.0_f32; k];
    Softmax.backward(&y, &dv, 1, k, &mut dx).unwrap();
    assert!(dx.iter().all(|&d| d == 0.0), "{}", dx[0]);
}

/// The spec's large finite case, against the explicit Jacobian in f64:
/// `J·dv = [0.375, -0.375]·f32::MAX`, finite.
#[test]
fn softmax_backward_is_finite_where_the_jacobian_is() {
    let (y, dv) = ([0.25_f32, 0.75], [f32::MAX, -f32::MAX]);
    let mut dx = [0.0_f32; 2];
    Softmax.backward(&y, &dv, 1, 2, &mut dx).unwrap();
    for i in 0..2 {
        let jacobian: f64 = (0..2)
            .map(|j| {
                let (yi, yj) = (f64::from(y[i]), f64::from(y[j]));
                let d = if i == j { yi } else { 0.0 };
                (d - yi * yj) * f64::from(dv[j])
            })
            .sum();
        assert!(dx[i].is_finite(), "{dx:?}");
        assert!(
            ((f64::from(dx[i]) - jacobian) / jacobian).abs() < 1e-6,
            "{dx:?} vs {jacobian}"
        );
    }
}
