//! Parity of R², MAE and RMSE, in one call and in any chunking, and a
//! 1000-element regression with the original's bits.

use crate::{cases, chunkings, close, feed_regression};

#[test]
fn parity_regression() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| !c.classification) {
        let y = case.target_values();
        assert_eq!(y.len(), case.pred.len(), "{}", case.name);
        let want = [
            case.f32_result("r2_score"),
            case.f32_result("mae"),
            case.f32_result("rmse"),
        ];
        // One call: the original's bits, as rows × cols and as one row.
        for (rows, cols) in [(case.rows, case.cols), (1, case.rows * case.cols)] {
            let (r2, mae, rmse) = feed_regression(&case.pred, y, cols, &[0, rows]);
            let got = [r2.value(), mae.value(), rmse.value()].map(Option::unwrap);
            assert_eq!(
                got.map(f32::to_bits),
                want.map(f32::to_bits),
                "{}",
                case.name
            );
            assert_eq!(mae.elements(), y.len() as u64);
        }
        // Any chunking: within 1e-6 of the original.
        for bounds in chunkings(case.rows) {
            let (r2, mae, rmse) = feed_regression(&case.pred, y, case.cols, &bounds);
            let got = [r2.value(), mae.value(), rmse.value()].map(Option::unwrap);
            for (metric, (g, w)) in ["r2", "mae", "rmse"].iter().zip(got.iter().zip(&want)) {
                assert!(
                    close(f64::from(*g), f64::from(*w), 1e-6),
                    "{} {metric} {bounds:?}: {g} vs {w}",
                    case.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// 1000 elements (250 × 4), so the pairwise sums split and block: the same
/// inputs given to the real library (`R2Score`, `MAE`, `RMSE` of 1.0.1 on
/// NumPy 2.4.6), built from integers in `f64` and rounded to `f32` exactly
/// as here:
/// `y_i = f32((7919 i mod 1000)/37 - 10 + offset)`,
/// `p_i = f32((7919 i mod 1000)/37 - 10 + offset + ((104729 i mod 200) - 100)/300)`.
fn large_regression(offset: f64) -> (Vec<f32>, Vec<f32>) {
    let base = |i: u64| ((i * 7919) % 1000) as f64 / 37.0 - 10.0 + offset;
    let y = (0..1000).map(|i| base(i) as f32).collect();
    let p = (0..1000)
        .map(|i| (base(i) + (((i * 104_729) % 200) as f64 - 100.0) / 300.0) as f32)
        .collect();
    (p, y)
}

#[test]
fn large_regression_has_the_originals_bits() {
    // (offset, R2, MAE, RMSE) bits printed by the real library.
    let expected = [
        (0.0, 0x3f7f_d81f_u32, 0x3e2a_aaaa_u32, 0x3e45_12e6_u32),
        (1000.0, 0x3f7f_d81f, 0x3e2a_aab8, 0x3e45_12e4),
    ];
    for (offset, r2_bits, mae_bits, rmse_bits) in expected {
        let (p, y) = large_regression(offset);
        let (r2, mae, rmse) = feed_regression(&p, &y, 4, &[0, 250]);
        assert_eq!(
            r2.value().map(f32::to_bits),
            Some(r2_bits),
            "offset {offset}"
        );
        assert_eq!(
            mae.value().map(f32::to_bits),
            Some(mae_bits),
            "offset {offset}"
        );
        assert_eq!(
            rmse.value().map(f32::to_bits),
            Some(rmse_bits),
            "offset {offset}"
        );
        // Chunked: within 1e-6 of the original.
        for bounds in chunkings(250) {
            let (r2, mae, rmse) = feed_regression(&p, &y, 4, &bounds);
            for (got, bits) in [
                (r2.value(), r2_bits),
                (mae.value(), mae_bits),
                (rmse.value(), rmse_bits),
            ] {
                let want = f64::from(f32::from_bits(bits));
                let got = f64::from(got.unwrap());
                assert!(
                    close(got, want, 1e-6),
                    "offset {offset} {bounds:?}: {got} vs {want}"
                );
            }
        }
    }
}
