//! Every backward against central finite differences of an `f64` forward,
//! run through the crate's forward and backward from its output.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::{Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets_test::bits::widen;
use vanillanets_test::ulp::U;

use crate::{batch, config, sigmoid64, softmax_rows64};

fn relu64(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

fn leaky_relu64(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.1 * x
    }
}

/// Central finite differences of `L(x) = Σ_i dv_i · reference(x)_i` in `f64`,
/// one coordinate at a time. The difference `L(x + h·e_i) - L(x - h·e_i)` is
/// summed term by term so that unchanged terms cancel exactly, and divided by
/// the step that `f64` actually took.
fn numeric_gradient(
    reference: &dyn Fn(&[f64]) -> Vec<f64>,
    x: &[f32],
    dv: &[f32],
    h: f64,
) -> Vec<f64> {
    let x = widen(x);
    (0..x.len())
        .map(|i| {
            let mut plus = x.clone();
            plus[i] += h;
            let mut minus = x.clone();
            minus[i] -= h;
            let step = plus[i] - minus[i];
            let (yp, ym) = (reference(&plus), reference(&minus));
            let dl: f64 = yp
                .iter()
                .zip(&ym)
                .zip(dv)
                .map(|((p, m), &d)| f64::from(d) * (p - m))
                .sum();
            dl / step
        })
        .collect()
}

/// Runs the crate's forward, then its backward from that output, and checks
/// every `dinputs` element against the finite-difference gradient of the f64
/// reference within `tol(i)`.
#[allow(clippy::too_many_arguments)]
fn check_gradient<A: Activation>(
    act: &A,
    reference: &dyn Fn(&[f64]) -> Vec<f64>,
    rows: usize,
    cols: usize,
    x: &[f32],
    dv: &[f32],
    h: f64,
    tol: &dyn Fn(usize) -> f64,
) -> Result<(), TestCaseError> {
    let mut y = vec![0.0_f32; x.len()];
    prop_assert_eq!(act.forward(x, rows, cols, &mut y), Ok(()));
    let mut dx = vec![0.0_f32; x.len()];
    prop_assert_eq!(act.backward(&y, dv, rows, cols, &mut dx), Ok(()));
    let numeric = numeric_gradient(reference, x, dv, h);
    for (i, (&got, &want)) in dx.iter().zip(&numeric).enumerate() {
        let diff = (f64::from(got) - want).abs();
        let tol = tol(i);
        prop_assert!(
            diff <= tol,
            "element {}: backward {:e} vs finite difference {:e}, |diff| {:e} > tol {:e}\n\
             x = {:?}\ndv = {:?}",
            i,
            got,
            want,
            diff,
            tol,
            x,
            dv
        );
    }
    Ok(())
}

/// Finite values of either sign with `|x| >= 0.01`, so that a step of 1e-3
/// never crosses the ReLU / LeakyReLU kink.
fn away_from_zero() -> impl Strategy<Value = f32> + Clone {
    prop_oneof![-5.0_f32..-0.01, 0.01_f32..5.0]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn linear_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -5.0_f32..5.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.to_vec();
        let tol = |i: usize| 1e-9 * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Linear, &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn relu_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| relu64(v)).collect::<Vec<_>>();
        let tol = |i: usize| 1e-9 * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&ReLU, &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn leaky_relu_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| leaky_relu64(v)).collect::<Vec<_>>();
        // One f32 rounding, and the f32 slope 0.1 is 0.25 u away from 0.1.
        let tol = |i: usize| 2.0 * U * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&LeakyReLU::new(), &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn leaky_relu_with_slope_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0),
        slope in 0.0_f32..2.0,
    ) {
        let s = f64::from(slope);
        let reference = |x: &[f64]| {
            x.iter().map(|&v| if v > 0.0 { v } else { s * v }).collect::<Vec<_>>()
        };
        // One f32 rounding of dv · slope (at most u relative).
        let tol = |i: usize| U * f64::from(dv[i].abs()) * (1.0 + s) + 1e-12;
        check_gradient(&LeakyReLU::with_slope(slope), &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn sigmoid_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -20.0_f32..20.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| sigmoid64(v)).collect::<Vec<_>>();
        // y carries a few u of relative error; 1 - y turns that into an
        // absolute error of a few u, so the bound is absolute in |dv|.
        let tol = |i: usize| (16.0 * U + 1e-8) * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Sigmoid, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }

    #[test]
    fn tanh_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -10.0_f32..10.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| v.tanh()).collect::<Vec<_>>();
        let tol = |i: usize| (16.0 * U + 1e-8) * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Tanh, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }

    #[test]
    fn softmax_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -5.0_f32..5.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| softmax_rows64(x, cols);
        let y = softmax_rows64(&widen(&x), cols);
        let x64 = widen(&x);
        let dv64 = widen(&dv);
        let k = cols as f64;
        let tol = |i: usize| {
            let row = i / cols * cols..(i / cols + 1) * cols;
            let spread = x64[row.clone()].iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))
                - x64[row.clone()].iter().fold(f64::INFINITY, |m, &v| m.min(v));
            // the documented relative error of each y_j, propagated through
            // y_i (dv_i - Σ dv_j y_j), plus the dot product's own rounding
            let eps = (spread + k + 4.0) * U;
            let sum_ydv: f64 = row.clone().map(|j| (y[j] * dv64[j]).abs()).sum();
            let sum_dv: f64 = dv64[row].iter().map(|v| v.abs()).sum();
            4.0 * eps * ((y[i] * dv64[i]).abs() + 2.0 * y[i] * sum_ydv) + 1e-8 * sum_dv + 1e-12
        };
        check_gradient(&Softmax, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }
}
