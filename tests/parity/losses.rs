//! The losses against `losses.txt`: BinaryCrossEntropy, MeanSquaredError,
//! CategoricalCrossEntropy and SparseCategoricalCrossEntropy, their
//! per-sample forward and `calculate` within the bounds below of the f64
//! values, their backward bit for bit.
//!
//! Bounds of the per-sample losses, to first order in u, around the f64
//! value of the same formula on the same f32 inputs. The f64 value keeps the
//! f32 steps that both NumPy and the crate take before anything is rounded
//! differently: the f32 clip bounds (1e-7 -> 1.00000001e-7, 1 - 1e-7 ->
//! 0.99999988) and BCE's `1 - clip(p)` and `1 - y` in f32.
//!
//! - `ln` is `libm::logf`, < 1 ULP, and 1 ULP <= 2u·|result| for a normal
//!   result, so each `ln` term costs 2u relative;
//! - a row mean of k terms, each within `e·u` of its own magnitude `A_j`,
//!   summed as NumPy sums (`depth(k)` roundings per term at most) and divided
//!   by k: `(e + depth(k) + 1)·u·mean_j A_j`;
//!   - BCE element: `ln`, a product, and the sum of the two products:
//!     e = 4, with `A_j = |y ln c| + |(1-y) ln(1-c)|`;
//!   - MSE element `(y - p)²`: a subtraction and a square: e = 3;
//! - CCE with class indices: `-ln(clip(p_t))`: 2u·|result|;
//! - CCE with label rows: `s = Σ_j clip(p_j)·y_j`, a product and the sum's
//!   roundings per term, then `ln`: `(depth(k) + 2)·u·Σ_j|c_j y_j| / s +
//!   2u·|result|`;
//! - `calculate`, the mean of n per-sample losses `l_r` each within `B_r`:
//!   `mean_r B_r + (depth(n) + 1)·u·mean_r |l_r|`. NumPy's `np.mean` sums
//!   pairwise, so the bound grows like log n; a left-to-right sum can lose
//!   every small loss after a large one and is held to the same bound.
//!
//! Where the reference's own f32 value is NaN or infinite (an overflow in
//! f32 arithmetic that f64 does not have), the crate must give the same.

use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SparseCategoricalCrossEntropy,
};
use vanillanets_test::bits::same;
use vanillanets_test::ulp::{steps, TINY, U};

use crate::{cases, depth, show, within, Case, Report, SLACK};

const LOSSES: (&str, &str) = ("losses.txt", include_str!("../data/parity/losses.txt"));

/// A non-finite reference value (NaN, or an overflow inside the f32
/// computation, such as `(1e19 + 1e19)²` in MeanSquaredError, that the f64
/// value does not have) wants the same non-finite value; otherwise
/// [`within`] the bound of the f64 value.
fn loss_within(got: f32, reference: f32, exact: f64, bound: f64) -> bool {
    if !reference.is_finite() {
        return same(got, reference);
    }
    within(got, exact, bound)
}

/// The crate's per-sample losses, `calculate` and backward; `None` after
/// reporting a failed check if any of the three returned an error.
macro_rules! run_loss {
    ($report:expr, $loss:expr, $case:expr, $p:expr, $targets:expr) => {{
        let (rows, cols) = ($case.rows, $case.cols);
        let mut per_sample = vec![f32::NAN; rows];
        let mut dx = vec![f32::NAN; rows * cols];
        let forward = $loss.forward($p, $targets, rows, cols, &mut per_sample);
        let calculate = $loss.calculate($p, $targets, rows, cols);
        let backward = $loss.backward($p, $targets, rows, cols, &mut dx);
        match (forward, calculate, backward) {
            (Ok(()), Ok(calc), Ok(())) => Some((per_sample, calc, dx)),
            (f, c, b) => {
                $report.check(false, || {
                    format!(
                        "case {}: forward {f:?}, calculate {c:?}, backward {b:?}",
                        $case.id()
                    )
                });
                None
            }
        }
    }};
}

/// What one category checks of a loss's results.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Forward,
    Calculate,
    Backward,
}

/// The crate's results on one loss case, with the per-row bounds `B_r` and
/// the exact per-sample losses; checks `part`.
struct LossCheck<'a> {
    case: &'a Case,
    per_sample: Vec<f32>,
    calc: f32,
    dx: Vec<f32>,
    row_bound: Vec<f64>,
    row_exact: Vec<f64>,
}

impl LossCheck<'_> {
    /// Per-sample values against `row_exact` (and, where the reference's
    /// per-sample values are per row, their class when not finite).
    fn forward(&self, report: &mut Report, reference_rows: Option<&[f32]>) {
        for (r, &g) in self.per_sample.iter().enumerate() {
            let (e, b) = (self.row_exact[r], self.row_bound[r]);
            let reference = reference_rows.map_or(f32::from_bits(0), |v| v[r]);
            report.check(loss_within(g, reference, e, b), || {
                format!(
                    "{}: got {}, f64 {e:e}, bound {b:.3e}{}",
                    self.case.row(r),
                    show(g),
                    reference_rows
                        .map_or(String::new(), |_| format!(", NumPy {}", show(reference)))
                )
            });
        }
    }

    fn calculate(&self, report: &mut Report) {
        let n = self.case.rows;
        let reference = self.case.f32s("calc", 1)[0];
        let exact = self.case.f64s("calc64", 1)[0];
        let mean_bound = self.row_bound.iter().sum::<f64>() / n as f64;
        let mean_abs = self.row_exact.iter().map(|v| v.abs()).sum::<f64>() / n as f64;
        let b = (mean_bound + (depth(n) as f64 + 1.0) * U * mean_abs) * SLACK + TINY;
        report.check(loss_within(self.calc, reference, exact, b), || {
            format!(
                "case {}: calculate got {}, f64 {exact:e} (error {:.3e}), bound {b:.3e}, NumPy {}",
                self.case.id(),
                show(self.calc),
                (f64::from(self.calc) - exact).abs(),
                show(reference)
            )
        });
    }

    fn backward(&self, report: &mut Report) {
        let want = self.case.f32s("dx", self.case.n());
        let p = self.case.f32s("p", self.case.n());
        report.check_bits(&self.dx, want, |i| {
            format!("{}: p = {}", self.case.at(i), show(p[i]))
        });
    }
}

/// `np.clip(p, 1e-7, 1 - 1e-7)` in f32, NaN passing.
fn clip32(p: f32) -> f32 {
    p.clamp(1e-7, 1.0 - 1e-7)
}

/// Row means of the per-element f64 values `v` (n×k).
fn row_means(v: &[f64], k: usize) -> Vec<f64> {
    v.chunks(k)
        .map(|r| r.iter().sum::<f64>() / k as f64)
        .collect()
}

/// The bound `B_r` of each row mean of k terms, each within `e·u` of its
/// own magnitude `A_j` (given n×k, row by row): `(e + depth(k) + 1)·u·mean_j A_j`.
fn row_mean_bounds(magnitude: impl Iterator<Item = f64>, k: usize, e: f64) -> Vec<f64> {
    let magnitude: Vec<f64> = magnitude.collect();
    row_means(&magnitude, k)
        .iter()
        .map(|m| (e + depth(k) as f64 + 1.0) * U * m * SLACK + TINY)
        .collect()
}

/// BinaryCrossEntropy, every case, for `part`. VanillaNets' forward returns
/// the n×k per-element losses; the crate's returns each row's mean, which is
/// compared with the row mean of the f64 elements, and with the row mean of
/// NumPy's f32 elements within the bound plus NumPy's own mean distance from
/// the f64 elements.
fn bce(report: &mut Report, part: Part) {
    for case in cases(LOSSES, "bce") {
        let (n, k) = (case.n(), case.cols);
        let (p, t) = (case.f32s("p", n), case.f32s("t", n));
        let (elements, elements64) = (case.f32s("loss", n), case.f64s("loss64", n));
        let result = run_loss!(report, BinaryCrossEntropy, case, p, t);
        let Some((per_sample, calc, dx)) = result else {
            continue;
        };
        // e = 4: `ln`, a product, and the sum of the two products.
        let magnitude = p.iter().zip(t).map(|(&p, &y)| {
            let c = clip32(p);
            let (w, d) = (1.0 - y, 1.0 - c);
            (f64::from(y) * f64::from(c).ln()).abs() + (f64::from(w) * f64::from(d).ln()).abs()
        });
        let row_bound = row_mean_bounds(magnitude, k, 4.0);
        let check = LossCheck {
            case: &case,
            row_exact: row_means(elements64, k),
            per_sample,
            calc,
            dx,
            row_bound,
        };
        match part {
            Part::Forward => {
                check.forward(report, None);
                // Against NumPy's own elements.
                let reference: Vec<f64> = row_means(
                    &elements.iter().map(|&v| f64::from(v)).collect::<Vec<_>>(),
                    k,
                );
                let deviation: Vec<f64> = row_means(
                    &elements
                        .iter()
                        .zip(elements64)
                        .map(|(&v, &e)| (f64::from(v) - e).abs())
                        .collect::<Vec<_>>(),
                    k,
                );
                for (r, &g) in check.per_sample.iter().enumerate() {
                    let b = check.row_bound[r] + deviation[r] * SLACK;
                    let want = reference[r];
                    let ok = if want.is_finite() {
                        within(g, want, b)
                    } else {
                        g.is_nan() == want.is_nan() && (g.is_nan() || f64::from(g) == want)
                    };
                    report.check(ok, || {
                        format!(
                            "{}: got {}, row mean of NumPy's elements {want:e}, bound {b:.3e}",
                            case.row(r),
                            show(g)
                        )
                    });
                }
            }
            Part::Calculate => check.calculate(report),
            Part::Backward => check.backward(report),
        }
    }
}

/// MeanSquaredError, every case, for `part`.
fn mse(report: &mut Report, part: Part) {
    for case in cases(LOSSES, "mse") {
        let (n, k) = (case.n(), case.cols);
        let (p, t) = (case.f32s("p", n), case.f32s("t", n));
        let reference = case.f32s("loss", case.rows);
        let result = run_loss!(report, MeanSquaredError, case, p, t);
        let Some((per_sample, calc, dx)) = result else {
            continue;
        };
        // e = 3: a subtraction and a square.
        let squares = t
            .iter()
            .zip(p)
            .map(|(&y, &p)| (f64::from(y) - f64::from(p)).powi(2));
        let row_bound = row_mean_bounds(squares, k, 3.0);
        let check = LossCheck {
            case: &case,
            row_exact: case.f64s("loss64", case.rows).to_vec(),
            per_sample,
            calc,
            dx,
            row_bound,
        };
        match part {
            Part::Forward => check.forward(report, Some(reference)),
            Part::Calculate => check.calculate(report),
            Part::Backward => check.backward(report),
        }
    }
}

/// CategoricalCrossEntropy (`op` "cce") or SparseCategoricalCrossEntropy
/// ("scce"), every case, for `part`. Cases have class indices (`labels`) or
/// label rows (`t`).
///
/// With class indices VanillaNets' backward expands the labels with
/// `np.eye`, which is float64, so its gradient is float64 (`dx64`); `dx` is
/// the same class's float32 result for the same labels as float32 one-hot
/// rows, which the crate must match bit for bit, and the crate must also be
/// within one f32 step of the float64 gradient.
fn cce(report: &mut Report, op: &str, sparse: bool, part: Part) {
    for case in cases(LOSSES, op) {
        let (n, k) = (case.n(), case.cols);
        let p = case.f32s("p", n);
        let reference = case.f32s("loss", case.rows);
        let exact = case.f64s("loss64", case.rows).to_vec();
        let by_class = case.has("labels");
        let labels = if by_class {
            Labels::Classes(case.labels())
        } else {
            Labels::OneHot(case.f32s("t", n))
        };
        let result = if sparse {
            run_loss!(report, SparseCategoricalCrossEntropy, case, p, labels)
        } else {
            run_loss!(report, CategoricalCrossEntropy, case, p, labels)
        };
        let Some((per_sample, calc, dx)) = result else {
            continue;
        };
        let row_bound: Vec<f64> = match labels {
            Labels::Classes(_) => exact.iter().map(|e| 2.0 * U * e.abs() + TINY).collect(),
            Labels::OneHot(t) => p
                .chunks(k)
                .zip(t.chunks(k))
                .zip(&exact)
                .map(|((p, t), e)| {
                    let terms = p
                        .iter()
                        .zip(t)
                        .map(|(&p, &y)| f64::from(clip32(p)) * f64::from(y));
                    let (s, s_abs) = terms.fold((0.0, 0.0), |(s, a), v| (s + v, a + v.abs()));
                    ((depth(k) as f64 + 2.0) * U * s_abs / s.abs() + 2.0 * U * e.abs()) * SLACK
                        + TINY
                })
                .collect(),
            Labels::Values(_) => unreachable!("the cases hold classes or one-hot rows"),
        };
        let check = LossCheck {
            case: &case,
            per_sample,
            calc,
            dx,
            row_bound,
            row_exact: exact,
        };
        match part {
            Part::Forward => check.forward(report, Some(reference)),
            Part::Calculate => check.calculate(report),
            Part::Backward => {
                check.backward(report);
                if by_class {
                    let wide = case.f64s("dx64", n);
                    for (i, (&g, &w)) in check.dx.iter().zip(wide).enumerate() {
                        let ok = (g.is_nan() && w.is_nan()) || steps(g, w as f32) <= 1;
                        report.check(ok, || {
                            format!(
                                "{}: got {}, NumPy's float64 gradient {w:e}: more than one f32 \
                                 step apart",
                                case.at(i),
                                show(g)
                            )
                        });
                    }
                }
            }
        }
    }
}

/// BinaryCrossEntropy, MeanSquaredError, CategoricalCrossEntropy and
/// SparseCategoricalCrossEntropy, every case: the per-sample forward and
/// `calculate` within their bounds, the backward bit for bit. One report per
/// part, each naming every failing case (and so its op); the test fails once,
/// listing all three.
#[test]
fn losses_match_numpy() {
    let parts = [
        (Part::Forward, "per-sample forward (BCE row means)"),
        (Part::Calculate, "calculate"),
        (Part::Backward, "backward"),
    ];
    let reports = parts.map(|(part, what)| {
        let mut report = Report::new(what);
        bce(&mut report, part);
        mse(&mut report, part);
        cce(&mut report, "cce", false, part);
        cce(&mut report, "scce", true, part);
        report
    });
    Report::finish_all(reports);
}
