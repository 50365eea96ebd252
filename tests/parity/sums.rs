//! NumPy's sums in `sums.txt`: the pairwise order that the data README
//! states (as `vanillanets_test::numpy::np_sum` and `np_mean` implement it)
//! against NumPy's own output, [`depth`](crate::depth), and the crate's
//! `math::sum` against `np.sum`.

use vanillanets_test::bits::same;
use vanillanets_test::numpy::{np_mean, np_sum};

use crate::{depth, parse, show, Report};

const SUMS: (&str, &str) = ("sums.txt", include_str!("../data/parity/sums.txt"));

/// Checks the data of `sums.txt` against the summation order that the
/// README states, `np.sum = 0.0 + pairwise_sum` and `np.mean = np.sum / n`
/// in f32 (the shared references `np_sum` and `np_mean`), so that the
/// statement the crate's sums rely on, and the references the other tests
/// use, are pinned to NumPy's own output; and that the vectors tell that
/// order from a left-to-right sum.
#[test]
fn numpy_sums_are_pairwise() {
    let mut report = Report::new("NumPy sums (data self-check)");
    let mut told_apart = 0;
    let parsed = parse(SUMS.0, SUMS.1);
    assert!(parsed.iter().any(|c| c.op == "sum") && parsed.iter().any(|c| c.op == "rowsum"));
    for case in &parsed {
        let (rows, k) = (case.rows, case.cols);
        let x = case.f32s("x", case.n());
        let (sums, means) = (case.f32s("sum", rows), case.f32s("mean", rows));
        for (r, row) in x.chunks(k).enumerate() {
            let sum = np_sum(row);
            let mean = np_mean(row);
            let sequential = row.iter().fold(0.0_f32, |s, &v| s + v);
            if !same(sequential, sums[r]) {
                told_apart += 1;
            }
            report.check(same(sum, sums[r]), || {
                format!(
                    "{} row {r}: pairwise {}, np.sum {}",
                    case.id(),
                    show(sum),
                    show(sums[r])
                )
            });
            report.check(same(mean, means[r]), || {
                format!(
                    "{} row {r}: pairwise / n {}, np.mean {}",
                    case.id(),
                    show(mean),
                    show(means[r])
                )
            });
        }
    }
    report.check(told_apart > 10, || {
        format!("only {told_apart} sums differ from a left-to-right sum")
    });
    report.finish();
}

#[test]
fn depth_counts_numpys_roundings() {
    // n < 8: left to right; 8..=128: (n/8 - 1) + 3 + n % 8; above: halves.
    assert_eq!(depth(1), 0);
    assert_eq!(depth(7), 6);
    assert_eq!(depth(8), 3);
    assert_eq!(depth(15), 10);
    assert_eq!(depth(16), 4);
    assert_eq!(depth(128), 18);
    // 129 = 64 + 65: 1 + max(10, 11).
    assert_eq!(depth(129), 12);
    assert!(depth(1 << 25) < 40);
}

/// The crate's one summation gives `np.sum`'s bits on every vector and row
/// of `sums.txt`, and `sum / n` gives `np.mean`'s.
#[test]
fn crate_sums_are_numpys_bits() {
    let mut report = Report::new("vanillanets::math::sum against np.sum");
    for case in &parse(SUMS.0, SUMS.1) {
        let (rows, k) = (case.rows, case.cols);
        let x = case.f32s("x", case.n());
        let (sums, means) = (case.f32s("sum", rows), case.f32s("mean", rows));
        for (r, row) in x.chunks(k).enumerate() {
            let sum = vanillanets::math::sum(row);
            report.check(same(sum, sums[r]), || {
                format!(
                    "{} row {r}: {} vs np.sum {}",
                    case.id(),
                    show(sum),
                    show(sums[r])
                )
            });
            let mean = sum / k as f32;
            report.check(same(mean, means[r]), || {
                format!(
                    "{} row {r}: {} vs np.mean {}",
                    case.id(),
                    show(mean),
                    show(means[r])
                )
            });
        }
    }
    report.finish();
}
