//! Properties: random chunkings give equal counts; the regression sums stay
//! within their documented bounds of an `f64` reference.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use vanillanets::metrics::Targets;

use crate::{feed, feed_regression, m_of, Case, CAP, U, U64};

/// Row boundaries from chunk sizes (0 allowed: empty chunks), ending at
/// `rows`.
fn bounds_from(rows: usize, sizes: &[usize]) -> Vec<usize> {
    let mut bounds = vec![0];
    let mut at = 0;
    for &s in sizes {
        at = (at + s).min(rows);
        bounds.push(at);
    }
    bounds.push(rows);
    bounds
}

/// `Σ (y - ȳ)²` of the f32 values in f64, two-pass: error about
/// `n·2⁻⁵³·T`, far below the f32 bounds checked against it.
fn ss_tot_f64(y: &[f32]) -> f64 {
    let n = y.len() as f64;
    let mean = y.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    y.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Any chunking gives the same counts, matrix and ratios as one call.
    #[test]
    fn classification_chunking_is_exact(
        cols in 1usize..5,
        rows_raw in vec((vec(-1.0f32..2.0, 4), 0usize..4, -0.5f32..3.9), 0..60),
        sizes in vec(0usize..9, 0..12),
        nan_row in proptest::option::of(0usize..60),
    ) {
        let rows = rows_raw.len();
        let mut p = Vec::new();
        let mut classes = Vec::new();
        let mut values = Vec::new();
        for (i, (outputs, class, value)) in rows_raw.iter().enumerate() {
            let mut outputs = outputs[..cols].to_vec();
            if nan_row == Some(i) {
                outputs[cols - 1] = f32::NAN;
            }
            p.extend(outputs);
            classes.push(class % cols.max(2));
            values.push(*value);
        }
        let one_hot: Vec<f32> = classes
            .iter()
            .flat_map(|&c| (0..cols).map(move |j| if j == c { 1.0 } else { 0.0 }))
            .collect();
        let mut all_targets = vec![Targets::Classes(&classes), Targets::Values(&values)];
        if cols > 1 {
            all_targets.push(Targets::OneHot(&one_hot));
        }
        let case = Case {
            name: "random".into(),
            classification: true,
            pred: p,
            rows,
            cols,
            ..Case::default()
        };
        for targets in all_targets {
            let whole = feed(&case, targets, &[0, rows], CAP);
            let chunked = feed(&case, targets, &bounds_from(rows, &sizes), CAP);
            prop_assert_eq!(&chunked, &whole);
            let by_row: Vec<usize> = (0..=rows).collect();
            prop_assert_eq!(&feed(&case, targets, &by_row, CAP), &whole);
            prop_assert_eq!(whole.accuracy.samples(), rows as u64);
        }
    }

    /// Chunked regression sums stay within their documented bounds of an
    /// f64 reference, and one call has the original's two-pass bound.
    #[test]
    fn regression_chunking_bounds(
        centre_exp in 0i32..5,
        spread in 0.01f64..10.0,
        z in vec(-1.0f64..1.0, 2..600),
        noise in vec(-1.0f64..1.0, 600),
        sizes in vec(1usize..200, 1..20),
    ) {
        let centre = 10f64.powi(centre_exp);
        let y: Vec<f32> = z.iter().map(|&z| (centre + spread * z) as f32).collect();
        let p: Vec<f32> = y
            .iter()
            .zip(&noise)
            .map(|(&y, &e)| (f64::from(y) + spread * 0.1 * e) as f32)
            .collect();
        let n = y.len();
        let bounds = bounds_from(n, &sizes);
        let k = bounds.windows(2).filter(|w| w[1] > w[0]).count() as f64;
        let c = bounds.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let (r2, mae, rmse) = feed_regression(&p, &y, 1, &bounds);
        let (r2_one, _, _) = feed_regression(&p, &y, 1, &[0, n]);

        // Exact sums of the same f32 terms the original adds.
        let abs_terms: f64 = p.iter().zip(&y).map(|(&p, &y)| f64::from((y - p).abs())).sum();
        let sq_terms: f64 = p.iter().zip(&y).map(|(&p, &y)| f64::from((y - p) * (y - p))).sum();
        let slack = n as f64 * U64; // the f64 reference's own rounding
        let sum_bound = m_of(c) * U + k * U64 + slack;
        prop_assert!((mae.sum() - abs_terms).abs() <= sum_bound * abs_terms);
        prop_assert!((rmse.sum_squares() - sq_terms).abs() <= sum_bound * sq_terms);
        prop_assert!((r2.ss_res() - sq_terms).abs() <= sum_bound * sq_terms);

        let t = ss_tot_f64(&y);
        prop_assume!(t > 0.0);
        let mean = y.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
        let kappa = mean.abs() / (t / n as f64).sqrt();
        let m = m_of(c);
        // Several calls: ((2m + 5)u + (4κ + 5)k·2⁻⁵³)·T, to first order.
        // (One call is the original's value, checked below.)
        if k > 1.0 {
            let bound = (2.0 * m + 5.0) * U + (4.0 * kappa + 5.0) * k * U64 + slack;
            let err = (r2.ss_tot() - t).abs();
            prop_assert!(
                err <= bound * t,
                "chunked ss_tot {} vs {}: {} > {}", r2.ss_tot(), t, err / t, bound
            );
        } else {
            prop_assert_eq!(r2.ss_tot().to_bits(), r2_one.ss_tot().to_bits());
        }
        // One call: the original's (m(N) + 3)u·T + (m(N) + 1)²u²κ²·T.
        let mn = m_of(n);
        let bound_one = (mn + 3.0) * U + ((mn + 1.0) * U * kappa).powi(2) + slack;
        let err_one = (r2_one.ss_tot() - t).abs();
        prop_assert!(err_one <= bound_one * t, "one-call ss_tot: {} > {}", err_one / t, bound_one);
    }
}
