//! The streaming metrics against the real VanillaNets 1.0.1, one module
//! per topic:
//!
//! | module | what it checks |
//! |---|---|
//! | `classification` | every classification case of `tests/data/parity/metrics/`: labels, counts and confusion matrices equal; accuracy, precision, recall and F1 with the original's bits (which implies the required `1e-6`), fed in one call or in any chunking |
//! | `regression` | every regression case: R², MAE and RMSE with the original's bits in one call, and in other chunkings within `1e-6` of the original and within their documented bounds; a 1000-element regression from the real library |
//! | `hand_checked` | hand-checked numbers, and nine classes from the real library where the committed cases do not reach |
//! | `errors` | every error path, with the accumulator or matrix unchanged |
//! | `properties` | random chunkings give equal counts; the regression sums stay within their documented bounds of an `f64` reference |
//!
//! The parity cases were written by `scripts/parity/metrics.py` from the
//! real library (format in that folder's README.md); this file holds what
//! the topics share: the reader of those cases (on the shared parity reader
//! of `tests/support`), [`Case`], and the feeding and comparison helpers.

use std::path::Path;

use vanillanets::metrics::{
    Accuracy, ClassCounts, ConfusionMatrix, F1Score, Mae, Precision, R2Score, Recall, Rmse, Targets,
};
use vanillanets_test::parity::{self, decimal, f32_hex, f64_hex};

/// Unit roundoff of f32.
const U: f64 = 1.0 / 16_777_216.0;
/// Unit roundoff of f64.
const U64: f64 = 1.0 / 9_007_199_254_740_992.0;
/// Class capacity used for the parity cases (their labels are all below 4).
const CAP: usize = 8;

// ---------------------------------------------------------------------------
// The parity cases
// ---------------------------------------------------------------------------

/// The targets as the original received them.
#[derive(Debug, Clone)]
enum Truth {
    /// `y <rows> <cols>`: a 2-D float32 array.
    Rows { values: Vec<f32>, cols: usize },
    /// `y_flat`: a 1-D float32 array.
    Flat(Vec<f32>),
    /// `labels`: a 1-D int64 array.
    Ints(Vec<usize>),
}

impl Default for Truth {
    fn default() -> Self {
        Truth::Flat(Vec::new())
    }
}

/// One `result` line.
#[derive(Debug, Clone)]
enum Expected {
    F64(f64),
    F32(f32),
    Matrix { n: usize, cells: Vec<u32> },
    Raises(String),
}

#[derive(Debug, Clone, Default)]
struct Case {
    name: String,
    classification: bool,
    pred: Vec<f32>,
    rows: usize,
    cols: usize,
    truth: Truth,
    pred_labels: Vec<usize>,
    true_labels: Vec<usize>,
    classes: Vec<usize>,
    rule: Option<String>,
    results: Vec<(String, Expected)>,
}

impl Case {
    fn result(&self, metric: &str) -> &Expected {
        self.results
            .iter()
            .find(|(m, _)| m == metric)
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("{}: no result {metric}", self.name))
    }

    fn f64_result(&self, metric: &str) -> f64 {
        match self.result(metric) {
            Expected::F64(v) => *v,
            other => panic!("{}: {metric} is {other:?}", self.name),
        }
    }

    fn f32_result(&self, metric: &str) -> f32 {
        match self.result(metric) {
            Expected::F32(v) => *v,
            other => panic!("{}: {metric} is {other:?}", self.name),
        }
    }

    /// Every way the crate can be given these targets (a column of floats
    /// is both `Values` and one-column `OneHot`).
    fn targets(&self) -> Vec<Targets<'_>> {
        match &self.truth {
            Truth::Rows { values, cols: 1 } => {
                vec![Targets::Values(values), Targets::OneHot(values)]
            }
            Truth::Rows { values, cols } => {
                assert_eq!(*cols, self.cols, "{}", self.name);
                // (`losses::Labels` is this same type: no second form.)
                vec![Targets::OneHot(values)]
            }
            Truth::Flat(values) => vec![Targets::Values(values)],
            Truth::Ints(labels) => vec![Targets::Classes(labels)],
        }
    }

    /// The targets as one flat f32 slice (regression).
    fn target_values(&self) -> &[f32] {
        match &self.truth {
            Truth::Rows { values, .. } | Truth::Flat(values) => values,
            Truth::Ints(_) => panic!("{}: integer regression targets", self.name),
        }
    }
}

/// `<name> <rows> <cols> <values...>` → (rows, cols, values).
fn array<'a>(words: &[&'a str]) -> (usize, usize, Vec<&'a str>) {
    let rows = decimal(words[1]);
    let cols = decimal(words[2]);
    let values: Vec<&str> = words[3..].to_vec();
    assert_eq!(values.len(), rows * cols, "{}", words[0]);
    (rows, cols, values)
}

/// The values of an array line in decimal.
fn decimals(words: &[&str]) -> Vec<usize> {
    array(words).2.into_iter().map(decimal).collect()
}

/// One `result <metric> <type> ...` line.
fn expected(path: &Path, words: &[&str]) -> Expected {
    match words[2] {
        "numpy.float64" => Expected::F64(f64_hex(words[4])),
        "numpy.float32" => {
            let v = f32_hex(words[5]);
            assert_eq!(f64::from(v).to_bits(), f64_hex(words[4]).to_bits());
            Expected::F32(v)
        }
        "numpy.ndarray[int64]" => {
            let n = decimal(words[3]);
            assert_eq!(decimal(words[4]), n);
            let cells: Vec<u32> = words[5..]
                .iter()
                .map(|w| u32::try_from(decimal(w)).unwrap_or_else(|e| panic!("{w}: {e}")))
                .collect();
            assert_eq!(cells.len(), n * n);
            Expected::Matrix { n, cells }
        }
        "error" => Expected::Raises(words[3].to_string()),
        other => panic!("{}: unknown result type {other}", path.display()),
    }
}

fn parse_case(path: &Path) -> Case {
    let text = parity::read(path);
    let mut case = Case::default();
    let (mut have_pred, mut have_truth) = (false, false);
    let f32s = |words: &[&str]| -> Vec<f32> { array(words).2.into_iter().map(f32_hex).collect() };
    for (_, words) in parity::records(&text) {
        match words[0] {
            "case" => case.name = words[1].to_string(),
            "kind" => case.classification = words[1] == "classification",
            "pred" | "pred_flat" => {
                (case.rows, case.cols) = (decimal(words[1]), decimal(words[2]));
                case.pred = f32s(&words);
                have_pred = true;
            }
            "y" => {
                let cols = decimal(words[2]);
                case.truth = Truth::Rows {
                    values: f32s(&words),
                    cols,
                };
                have_truth = true;
            }
            "y_flat" => {
                case.truth = Truth::Flat(f32s(&words));
                have_truth = true;
            }
            "labels" => {
                case.truth = Truth::Ints(decimals(&words));
                have_truth = true;
            }
            "pred_labels" => case.pred_labels = decimals(&words),
            "true_labels" => case.true_labels = decimals(&words),
            "classes" => case.classes = decimals(&words),
            "precision_rule" => case.rule = Some(words[1].to_string()),
            "result" => case
                .results
                .push((words[1].to_string(), expected(path, &words))),
            other => panic!("{}: unknown line {other}", path.display()),
        }
    }
    assert!(have_pred && have_truth, "{}", path.display());
    assert_eq!(case.pred.len(), case.rows * case.cols);
    case
}

fn cases() -> Vec<Case> {
    let paths = parity::txt_files(&parity::folder("metrics"));
    let cases: Vec<Case> = paths.iter().map(|p| parse_case(p)).collect();
    assert!(cases.len() >= 23, "only {} parity cases", cases.len());
    cases
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The targets of rows `r0..r1`.
fn chunk<'a>(targets: Targets<'a>, cols: usize, r0: usize, r1: usize) -> Targets<'a> {
    match targets {
        Targets::Classes(t) => Targets::Classes(&t[r0..r1]),
        Targets::Values(t) => Targets::Values(&t[r0..r1]),
        Targets::OneHot(t) => Targets::OneHot(&t[r0 * cols..r1 * cols]),
    }
}

/// Row boundaries: one call, row by row, two halves, and an uneven split.
fn chunkings(rows: usize) -> Vec<Vec<usize>> {
    let mut out = vec![vec![0, rows], (0..=rows).collect()];
    out.push(vec![0, rows / 2, rows]);
    out.push(vec![
        0,
        0,
        1.min(rows),
        (rows * 2 / 3).max(1.min(rows)),
        rows,
        rows,
    ]);
    out
}

/// `|a - b|` relative to `|b|`, or absolute when `|b| < 1e-6`.
fn close(a: f64, b: f64, tol: f64) -> bool {
    let d = (a - b).abs();
    if b.abs() < 1e-6 {
        d <= tol
    } else {
        d <= tol * b.abs()
    }
}

/// The most additions an element goes through in `math::sum` of `n`
/// elements, as its documentation gives it.
fn m_of(n: usize) -> f64 {
    let extra = if n > 128 {
        (n as f64 / 128.0).log2().ceil()
    } else {
        0.0
    };
    25.0 + extra
}

/// All four classification accumulators (and the counts) after feeding
/// the batch with the given row boundaries.
#[derive(Debug, PartialEq)]
struct Fed {
    accuracy: Accuracy,
    counts: ClassCounts<CAP>,
    precision: Precision<CAP>,
    recall: Recall<CAP>,
    f1: F1Score<CAP>,
    matrix: Vec<u32>,
}

fn feed(case: &Case, targets: Targets<'_>, bounds: &[usize], classes: usize) -> Fed {
    let mut fed = Fed {
        accuracy: Accuracy::new(),
        counts: ClassCounts::new(),
        precision: Precision::new(),
        recall: Recall::new(),
        f1: F1Score::new(),
        matrix: vec![0; classes * classes],
    };
    let cm = ConfusionMatrix::new(classes);
    let k = case.cols;
    for w in bounds.windows(2) {
        let (r0, r1) = (w[0], w[1]);
        let p = &case.pred[r0 * k..r1 * k];
        let t = chunk(targets, k, r0, r1);
        let rows = r1 - r0;
        fed.accuracy.update(p, t, rows, k).unwrap();
        fed.counts.update(p, t, rows, k).unwrap();
        fed.precision.update(p, t, rows, k).unwrap();
        fed.recall.update(p, t, rows, k).unwrap();
        fed.f1.update(p, t, rows, k).unwrap();
        cm.update(p, t, rows, k, &mut fed.matrix).unwrap();
    }
    fed
}

fn assert_bits(name: &str, metric: &str, got: Option<f64>, want: f64) {
    let got = got.unwrap_or_else(|| panic!("{name}: {metric} is None"));
    assert!(close(got, want, 1e-6), "{name}: {metric} {got} vs {want}");
    assert_eq!(
        got.to_bits(),
        want.to_bits(),
        "{name}: {metric} {got:e} vs the original's {want:e}"
    );
}

/// R2, MAE and RMSE after feeding the rows with the given boundaries.
fn feed_regression(p: &[f32], y: &[f32], cols: usize, bounds: &[usize]) -> (R2Score, Mae, Rmse) {
    let (mut r2, mut mae, mut rmse) = (R2Score::new(), Mae::new(), Rmse::new());
    for w in bounds.windows(2) {
        let (a, b) = (w[0] * cols, w[1] * cols);
        let rows = w[1] - w[0];
        r2.update(&p[a..b], &y[a..b], rows, cols).unwrap();
        mae.update(&p[a..b], &y[a..b], rows, cols).unwrap();
        rmse.update(&p[a..b], &y[a..b], rows, cols).unwrap();
    }
    (r2, mae, rmse)
}

mod classification;
mod errors;
mod hand_checked;
mod properties;
mod regression;
