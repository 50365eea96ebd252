//! Softmax against `f64`: rows sum to 1 within `k·2u`, each output is within
//! the documented relative bound of an `f64` softmax of the same `f32`
//! inputs, finite rows stay in `[0, 1]`, and the backward matches the
//! explicit Jacobian `(diag(y) - y yᵀ) dv`.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::activations::{Activation, Softmax};
use vanillanets_test::bits::widen;
use vanillanets_test::ulp::{TINY, U};

use crate::{batch, config, softmax_rows64};

proptest! {
    #![proptest_config(config())]

    #[test]
    fn softmax_forward_matches_f64_within_documented_bounds(
        (rows, cols, x) in (1_usize..=4, 1_usize..=16).prop_flat_map(|(r, c)| {
            let n = r * c;
            (Just(r), Just(c), prop_oneof![
                vec(-50.0_f32..50.0, n),
                vec((-20.0_f32..20.0).prop_map(|d| 1000.0 + d), n),
                vec((-20.0_f32..20.0).prop_map(|d| -3000.0 + d), n),
                vec(-1.0e4_f32..1.0e4, n),
                vec(prop_oneof![5 => -50.0_f32..50.0, 1 => Just(f32::NEG_INFINITY)], n),
            ])
        })
    ) {
        let mut y = vec![9.0_f32; x.len()];
        prop_assert_eq!(Softmax.forward(&x, rows, cols, &mut y), Ok(()));
        let k = cols as f64;
        for (xr, yr) in x.chunks(cols).zip(y.chunks(cols)) {
            if xr.iter().all(|&v| v == f32::NEG_INFINITY) {
                prop_assert!(yr.iter().all(|v| v.is_nan()), "all -inf row gives NaN: {:?}", yr);
                continue;
            }
            let sum: f64 = yr.iter().map(|&v| f64::from(v)).sum();
            prop_assert!(
                (sum - 1.0).abs() <= k * 2.0 * U,
                "row {:?} sums to {} (|err| {:e} > k·2u = {:e})",
                xr, sum, (sum - 1.0).abs(), k * 2.0 * U
            );
            let x64 = widen(xr);
            let want = softmax_rows64(&x64, cols);
            let m = x64.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for j in 0..cols {
                let got = f64::from(yr[j]);
                if xr[j] == f32::NEG_INFINITY {
                    prop_assert_eq!(yr[j].to_bits(), 0.0_f32.to_bits(), "-inf beside a finite max");
                    continue;
                }
                // Relative bound, plus a few subnormal steps for outputs that
                // underflow below f32::MIN_POSITIVE.
                let bound = ((x64[j] - m).abs() + k + 4.0) * U * want[j] + 4.0 * TINY;
                prop_assert!(
                    (got - want[j]).abs() <= bound,
                    "row {:?}: y[{}] = {:e}, f64 softmax {:e}, |diff| {:e} > bound {:e}",
                    xr, j, got, want[j], (got - want[j]).abs(), bound
                );
            }
        }
    }

    #[test]
    fn softmax_backward_matches_explicit_jacobian(
        (rows, cols, x, dv) in batch(1..=4, 1..=8, -20.0_f32..20.0, -100.0_f32..100.0)
    ) {
        let mut y = vec![0.0_f32; x.len()];
        prop_assert_eq!(Softmax.forward(&x, rows, cols, &mut y), Ok(()));
        let mut dx = vec![0.0_f32; x.len()];
        prop_assert_eq!(Softmax.backward(&y, &dv, rows, cols, &mut dx), Ok(()));
        let k = cols as f64;
        for ((yr, dvr), dxr) in y.chunks(cols).zip(dv.chunks(cols)).zip(dx.chunks(cols)) {
            let (y64, dv64) = (widen(yr), widen(dvr));
            let sum_ydv: f64 = y64.iter().zip(&dv64).map(|(a, b)| (a * b).abs()).sum();
            for i in 0..cols {
                let jdv: f64 = (0..cols)
                    .map(|j| {
                        let diag = if i == j { y64[i] } else { 0.0 };
                        (diag - y64[i] * y64[j]) * dv64[j]
                    })
                    .sum();
                let tol = 8.0 * k * U * ((y64[i] * dv64[i]).abs() + y64[i].abs() * sum_ydv)
                    + 4.0 * k * TINY;
                let diff = (f64::from(dxr[i]) - jdv).abs();
                prop_assert!(
                    diff <= tol,
                    "y = {:?}, dv = {:?}: dx[{}] = {:e}, J@dv = {:e}, |diff| {:e} > {:e}",
                    yr, dvr, i, dxr[i], jdv, diff, tol
                );
            }
        }
    }

    #[test]
    fn softmax_of_finite_rows_is_in_unit_interval(
        (rows, cols, x, _dv) in batch(
            1..=4,
            1..=8,
            any::<u32>().prop_map(f32::from_bits).prop_filter("finite", |v| v.is_finite()),
            Just(0.0_f32),
        ),
    ) {
        let mut y = vec![0.0_f32; x.len()];
        prop_assert_eq!(Softmax.forward(&x, rows, cols, &mut y), Ok(()));
        for (xi, yi) in x.iter().zip(&y) {
            prop_assert!((0.0..=1.0).contains(yi), "x = {:e} gives {:e}; row data {:?}", xi, yi, x);
        }
    }
}
