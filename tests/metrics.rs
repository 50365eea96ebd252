//! The streaming metrics against the real VanillaNets 1.0.1.
//!
//! - Parity: every case of `tests/data/parity/metrics/` (written by
//!   `scripts/parity/metrics.py` from the real library; format in that
//!   folder's README.md), parsed here by hand. Counts and confusion
//!   matrices must be equal; the ratios must have the original's bits
//!   (which implies the required `1e-6`), fed in one call; fed in any other
//!   chunking, the classification results must be the same bits and the
//!   regression results within `1e-6` of the original and within their
//!   documented bounds.
//! - Every error path, with the accumulator or matrix unchanged.
//! - Hand-checked numbers, and a few values taken from the real library
//!   where the committed cases do not reach (nine classes, a 1000-element
//!   regression).
//! - Properties: random chunkings give equal counts; the regression sums
//!   stay within their documented bounds of an `f64` reference.

use std::fs;
use std::path::{Path, PathBuf};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

use vanillanets::losses::Labels;
use vanillanets::metrics::{
    predicted_class, truncated_class, Accuracy, Averaging, ClassCounts, ConfusionMatrix, F1Score,
    Mae, Precision, R2Score, Recall, Rmse, Targets,
};
use vanillanets::Error;

/// Unit roundoff of f32.
const U: f64 = 1.0 / 16_777_216.0;
/// Unit roundoff of f64.
const U64: f64 = 1.0 / 9_007_199_254_740_992.0;
/// Class capacity used for the parity cases (their labels are all below 4).
const CAP: usize = 8;

// ---------------------------------------------------------------------------
// The parity files
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

/// One `result` line.
#[derive(Debug, Clone)]
enum Expected {
    F64(f64),
    F32(f32),
    Matrix { n: usize, cells: Vec<u32> },
    Raises(String),
}

#[derive(Debug, Clone)]
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
                vec![
                    Targets::OneHot(values),
                    Targets::from(Labels::OneHot(values)),
                ]
            }
            Truth::Flat(values) => vec![Targets::Values(values)],
            Truth::Ints(labels) => vec![
                Targets::Classes(labels),
                Targets::from(Labels::Classes(labels)),
            ],
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

fn parse_hex_f32(s: &str) -> f32 {
    f32::from_bits(u32::from_str_radix(s, 16).unwrap_or_else(|e| panic!("{s}: {e}")))
}

fn parse_hex_f64(s: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(s, 16).unwrap_or_else(|e| panic!("{s}: {e}")))
}

fn parse_usize(s: &str) -> usize {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// `<name> <rows> <cols> <values...>` → (rows, cols, values).
fn array<'a>(words: &[&'a str]) -> (usize, usize, Vec<&'a str>) {
    let rows = parse_usize(words[1]);
    let cols = parse_usize(words[2]);
    let values: Vec<&str> = words[3..].to_vec();
    assert_eq!(values.len(), rows * cols, "{}", words[0]);
    (rows, cols, values)
}

fn parse_case(path: &Path) -> Case {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut case = Case {
        name: String::new(),
        classification: false,
        pred: Vec::new(),
        rows: 0,
        cols: 0,
        truth: Truth::Flat(Vec::new()),
        pred_labels: Vec::new(),
        true_labels: Vec::new(),
        classes: Vec::new(),
        rule: None,
        results: Vec::new(),
    };
    let mut have_pred = false;
    let mut have_truth = false;
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split(' ').collect();
        match words[0] {
            "case" => case.name = words[1].to_string(),
            "kind" => case.classification = words[1] == "classification",
            "pred" | "pred_flat" => {
                let (rows, cols, values) = array(&words);
                case.rows = rows;
                case.cols = cols;
                case.pred = values.into_iter().map(parse_hex_f32).collect();
                have_pred = true;
            }
            "y" => {
                let (_, cols, values) = array(&words);
                let values = values.into_iter().map(parse_hex_f32).collect();
                case.truth = Truth::Rows { values, cols };
                have_truth = true;
            }
            "y_flat" => {
                let (_, _, values) = array(&words);
                case.truth = Truth::Flat(values.into_iter().map(parse_hex_f32).collect());
                have_truth = true;
            }
            "labels" => {
                let (_, _, values) = array(&words);
                case.truth = Truth::Ints(values.into_iter().map(parse_usize).collect());
                have_truth = true;
            }
            "pred_labels" => {
                case.pred_labels = array(&words).2.into_iter().map(parse_usize).collect()
            }
            "true_labels" => {
                case.true_labels = array(&words).2.into_iter().map(parse_usize).collect()
            }
            "classes" => case.classes = array(&words).2.into_iter().map(parse_usize).collect(),
            "precision_rule" => case.rule = Some(words[1].to_string()),
            "result" => {
                let metric = words[1].to_string();
                let expected = match words[2] {
                    "numpy.float64" => {
                        let v = parse_hex_f64(words[4]);
                        Expected::F64(v)
                    }
                    "numpy.float32" => {
                        let v = parse_hex_f32(words[5]);
                        assert_eq!(f64::from(v).to_bits(), parse_hex_f64(words[4]).to_bits());
                        Expected::F32(v)
                    }
                    "numpy.ndarray[int64]" => {
                        let n = parse_usize(words[3]);
                        assert_eq!(parse_usize(words[4]), n);
                        let cells: Vec<u32> = words[5..]
                            .iter()
                            .map(|w| w.parse().unwrap_or_else(|e| panic!("{w}: {e}")))
                            .collect();
                        assert_eq!(cells.len(), n * n);
                        Expected::Matrix { n, cells }
                    }
                    "error" => Expected::Raises(words[3].to_string()),
                    other => panic!("{}: unknown result type {other}", path.display()),
                };
                case.results.push((metric, expected));
            }
            other => panic!("{}: unknown line {other}", path.display()),
        }
    }
    assert!(have_pred && have_truth, "{}", path.display());
    assert_eq!(case.pred.len(), case.rows * case.cols);
    case
}

fn cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/parity/metrics");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()).unwrap_or_default())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
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

// ---------------------------------------------------------------------------
// Parity: classification
// ---------------------------------------------------------------------------

#[test]
fn parity_labels_follow_to_labels() {
    for case in cases().iter().filter(|c| c.classification) {
        let predicted: Vec<usize> = case
            .pred
            .chunks(case.cols)
            .map(|row| predicted_class(row).unwrap())
            .collect();
        assert_eq!(predicted, case.pred_labels, "{}", case.name);
        let truth: Vec<usize> = match &case.truth {
            Truth::Rows { values, cols: 1 } | Truth::Flat(values) => values
                .iter()
                .map(|&v| truncated_class(v).unwrap())
                .collect(),
            Truth::Rows { values, cols } => values
                .chunks(*cols)
                .map(|row| predicted_class(row).unwrap())
                .collect(),
            Truth::Ints(labels) => labels.clone(),
        };
        assert_eq!(truth, case.true_labels, "{}", case.name);
    }
}

#[test]
fn parity_classification_one_call() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            let fed = feed(case, targets, &[0, case.rows], CAP);
            let name = &case.name;
            assert_bits(
                name,
                "accuracy",
                fed.accuracy.value(),
                case.f64_result("accuracy"),
            );
            assert_bits(
                name,
                "precision",
                fed.precision.value(),
                case.f64_result("precision"),
            );
            assert_bits(
                name,
                "recall",
                fed.recall.value(),
                case.f64_result("recall"),
            );
            assert_bits(
                name,
                "f1_score",
                fed.f1.value(),
                case.f64_result("f1_score"),
            );
            // The shared counts give the same three.
            assert_eq!(fed.counts.precision(), fed.precision.value());
            assert_eq!(fed.counts.recall(), fed.recall.value());
            assert_eq!(fed.counts.f1(), fed.f1.value());
            assert_eq!(fed.counts.samples(), case.rows as u64);
            assert_eq!(fed.accuracy.samples(), case.rows as u64);
            // The rule and the classes it iterates.
            assert_eq!(fed.counts.classes_present(), case.classes.len(), "{name}");
            let rule = match fed.counts.averaging() {
                Averaging::Binary => "binary",
                Averaging::Macro => "macro",
            };
            assert_eq!(Some(rule), case.rule.as_deref(), "{name}");
            for c in 0..CAP {
                let tp = (0..case.rows)
                    .filter(|&r| case.pred_labels[r] == c && case.true_labels[r] == c)
                    .count() as u64;
                assert_eq!(fed.counts.true_positives()[c], tp, "{name} tp_{c}");
                let predicted = case.pred_labels.iter().filter(|&&l| l == c).count() as u64;
                assert_eq!(fed.counts.predicted()[c], predicted, "{name}");
                let actual = case.true_labels.iter().filter(|&&l| l == c).count() as u64;
                assert_eq!(fed.counts.actual()[c], actual, "{name}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn parity_confusion_matrices() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            for (metric, expected) in &case.results {
                let Some(suffix) = metric.strip_prefix("confusion_matrix") else {
                    continue;
                };
                let name = format!("{} {metric}", case.name);
                if suffix.is_empty() {
                    // Without num_classes: the original sizes it max + 1.
                    let Expected::Matrix { n, cells } = expected else {
                        panic!("{name}: {expected:?}");
                    };
                    let fed = feed(case, targets, &[0, case.rows], *n);
                    assert_eq!(&fed.matrix, cells, "{name}");
                    let cm = ConfusionMatrix::new(*n);
                    assert_eq!(cm.used_classes(&fed.matrix), Ok(*n), "{name}");
                    // A larger matrix holds the same counts in its corner.
                    let big = feed(case, targets, &[0, case.rows], CAP);
                    assert_eq!(ConfusionMatrix::new(CAP).used_classes(&big.matrix), Ok(*n));
                    for y in 0..CAP {
                        for p in 0..CAP {
                            let want = if y < *n && p < *n {
                                cells[y * n + p]
                            } else {
                                0
                            };
                            assert_eq!(big.matrix[y * CAP + p], want, "{name} [{y}, {p}]");
                        }
                    }
                    checked += 1;
                    continue;
                }
                let classes = parse_usize(suffix.trim_start_matches("_num_classes_"));
                let cm = ConfusionMatrix::new(classes);
                let mut matrix = vec![7_u32; classes * classes];
                let result = cm.update(&case.pred, targets, case.rows, case.cols, &mut matrix);
                match expected {
                    Expected::Matrix { n, cells } => {
                        assert_eq!(*n, classes);
                        assert_eq!(result, Ok(()), "{name}");
                        let counted: Vec<u32> = matrix.iter().map(|&c| c - 7).collect();
                        assert_eq!(&counted, cells, "{name}");
                    }
                    Expected::Raises(exception) => {
                        assert_eq!(exception, "IndexError", "{name}");
                        assert!(
                            matches!(result, Err(Error::LabelOutOfRange { classes: c, .. }) if c == classes),
                            "{name}: {result:?}"
                        );
                        assert!(matrix.iter().all(|&c| c == 7), "{name}: matrix changed");
                    }
                    other => panic!("{name}: {other:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn parity_classification_any_chunking() {
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            let whole = feed(case, targets, &[0, case.rows], CAP);
            for bounds in chunkings(case.rows) {
                let fed = feed(case, targets, &bounds, CAP);
                // Counts, matrices and so every ratio: equal, bit for bit.
                assert_eq!(fed, whole, "{} {bounds:?}", case.name);
                assert_eq!(
                    fed.f1.value().map(f64::to_bits),
                    Some(case.f64_result("f1_score").to_bits())
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Parity: regression
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Hand-checked numbers, and nine classes from the real library
// ---------------------------------------------------------------------------

#[test]
fn hand_checked_binary() {
    // Predictions 1 1 1 1 0 0 0 0 0 against 1 1 1 0 1 1 0 0 0:
    // tp = 3, fp = 1, fn = 2, tn = 3.
    let p = [0.9_f32, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.5];
    let y = [1usize, 1, 1, 0, 1, 1, 0, 0, 0];
    let t = Targets::Classes(&y);
    let mut counts = ClassCounts::<2>::new();
    counts.update(&p, t, 9, 1).unwrap();
    assert_eq!(counts.true_positives(), &[3, 3]);
    assert_eq!(counts.binary_false_positives(), 1);
    assert_eq!(counts.binary_false_negatives(), 2);
    let precision = 3.0 / (4.0 + 1e-7);
    let recall = 3.0 / (5.0 + 1e-7);
    assert_eq!(counts.precision(), Some(precision));
    assert_eq!(counts.recall(), Some(recall));
    assert_eq!(
        counts.f1(),
        Some(2.0 * precision * recall / (precision + recall + 1e-7))
    );
    assert!((counts.f1().unwrap() - 6.0 / 9.0).abs() < 1e-6); // 2·3/(2·3+1+2)
    let mut accuracy = Accuracy::new();
    accuracy.update(&p, t, 9, 1).unwrap();
    assert_eq!(accuracy.value(), Some(6.0 / 9.0));
    let mut matrix = [0_u32; 4];
    ConfusionMatrix::new(2)
        .update(&p, t, 9, 1, &mut matrix)
        .unwrap();
    assert_eq!(matrix, [3, 1, 2, 3]);
}

#[test]
fn hand_checked_binary_rule_on_other_labels() {
    // Labels {1, 2}: a true 2 predicted 1 is no false positive here.
    let p = [0.0_f32, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let mut precision = Precision::<3>::new();
    precision
        .update(&p, Targets::Classes(&[1, 2, 2]), 3, 3)
        .unwrap();
    assert_eq!(precision.counts().averaging(), Averaging::Binary);
    assert_eq!(precision.value(), Some(1.0 / (1.0 + 1e-7)));
    // Labels {0, 2}: class 1 never occurs, so everything is 0.
    let p = [1.0_f32, 0.0, 0.0, 0.0, 0.0, 1.0];
    let mut f1 = F1Score::<3>::new();
    f1.update(&p, Targets::Classes(&[0, 2]), 2, 3).unwrap();
    assert_eq!(f1.value(), Some(0.0));
    // A third label switches to macro when it arrives, in a later chunk.
    f1.update(&[0.0, 1.0, 0.0], Targets::Classes(&[1]), 1, 3)
        .unwrap();
    assert_eq!(f1.counts().averaging(), Averaging::Macro);
    assert!((f1.value().unwrap() - 1.0).abs() < 1e-6);
}

#[test]
fn nine_classes_from_the_real_library() {
    // Macro over nine classes: np.mean's pairwise float64 tree has a block
    // of eight. Values printed by the real 1.0.1 on one-hot predictions.
    let predicted = [
        1, 4, 5, 2, 5, 4, 4, 6, 5, 3, 0, 3, 0, 4, 6, 2, 6, 8, 7, 7, 6, 1, 6, 4, 5, 8, 0, 5, 1, 6,
        6, 8, 5, 0, 0, 7, 8, 6, 7, 0,
    ];
    let truth = [
        4, 7, 5, 0, 0, 7, 2, 7, 1, 8, 1, 5, 4, 1, 3, 3, 2, 3, 1, 5, 8, 3, 4, 6, 8, 1, 1, 3, 8, 4,
        0, 3, 8, 1, 2, 8, 0, 6, 4, 7,
    ];
    let mut p = vec![0.0_f32; 40 * 9];
    for (row, &c) in predicted.iter().enumerate() {
        p[row * 9 + c] = 1.0;
    }
    let mut counts = ClassCounts::<9>::new();
    let mut accuracy = Accuracy::new();
    for r in 0..40 {
        let t = Targets::Classes(&truth[r..r + 1]);
        counts.update(&p[r * 9..(r + 1) * 9], t, 1, 9).unwrap();
        accuracy.update(&p[r * 9..(r + 1) * 9], t, 1, 9).unwrap();
    }
    assert_eq!(counts.classes_present(), 9);
    assert_eq!(
        accuracy.value().map(f64::to_bits),
        Some(0x3fa9_9999_9999_999a)
    );
    assert_eq!(
        counts.precision().map(f64::to_bits),
        Some(0x3fa0_97b4_21c8_8d22)
    );
    assert_eq!(
        counts.recall().map(f64::to_bits),
        Some(0x3fb7_b425_dbcd_dc68)
    );
    assert_eq!(counts.f1().map(f64::to_bits), Some(0x3fa8_94e3_a2b5_5398));
}

#[test]
fn hand_checked_regression() {
    let y = [1.0_f32, 2.0, 3.0, 4.0];
    let p = [1.0_f32, 2.0, 3.0, 5.0];
    let (r2, mae, rmse) = feed_regression(&p, &y, 1, &[0, 4]);
    assert_eq!(r2.ss_res(), 1.0);
    assert_eq!(r2.ss_tot(), 5.0);
    assert_eq!(r2.value(), Some(1.0 - 1.0 / (5.0 + 1e-7_f32)));
    assert_eq!(mae.value(), Some(0.25));
    assert_eq!(rmse.value(), Some(0.5));
    // Row by row: the corrected merge gives the same exact sums.
    let (r2, _, _) = feed_regression(&p, &y, 1, &[0, 1, 2, 3, 4]);
    assert_eq!(r2.ss_tot(), 5.0);
    assert_eq!(r2.value(), Some(1.0 - 1.0 / (5.0 + 1e-7_f32)));
    // A constant target: ss_tot = 0, R2 = 1 - ss_res / f32(1e-7).
    let (r2, _, _) = feed_regression(&[1.0, 3.0], &[2.0, 2.0], 1, &[0, 1, 2]);
    assert_eq!(r2.ss_tot(), 0.0);
    assert_eq!(r2.value(), Some(1.0 - 2.0 / 1e-7_f32));
    // NaN and infinities propagate as in the original.
    let (r2, mae, rmse) = feed_regression(&[f32::NAN, 1.0], &[1.0, 2.0], 1, &[0, 2]);
    assert!(r2.value().unwrap().is_nan() && mae.value().unwrap().is_nan());
    assert!(rmse.value().unwrap().is_nan());
    let (r2, mae, _) = feed_regression(&[f32::INFINITY, 1.0], &[1.0, 2.0], 1, &[0, 1, 2]);
    assert_eq!(r2.value(), Some(f32::NEG_INFINITY));
    assert_eq!(mae.value(), Some(f32::INFINITY));
}

#[test]
fn empty_accumulators_have_no_value() {
    assert_eq!(Accuracy::new().value(), None);
    assert_eq!(Precision::<2>::new().value(), None);
    assert_eq!(Recall::<2>::new().value(), None);
    assert_eq!(F1Score::<2>::new().value(), None);
    assert_eq!(R2Score::new().value(), None);
    assert_eq!(Mae::new().value(), None);
    assert_eq!(Rmse::new().value(), None);
    // Zero rows is an empty chunk, not an error, and counts nothing.
    let mut accuracy = Accuracy::new();
    accuracy.update(&[], Targets::Classes(&[]), 0, 3).unwrap();
    assert_eq!(accuracy, Accuracy::new());
    let mut r2 = R2Score::new();
    r2.update(&[], &[], 0, 2).unwrap();
    assert_eq!(r2, R2Score::new());
    let mut matrix = [0_u32; 4];
    ConfusionMatrix::new(2)
        .update(&[], Targets::Values(&[]), 0, 1, &mut matrix)
        .unwrap();
    assert_eq!(matrix, [0; 4]);
    assert_eq!(ConfusionMatrix::new(2).used_classes(&matrix), Ok(0));
}

// ---------------------------------------------------------------------------
// Error paths: the predicted error, nothing changed
// ---------------------------------------------------------------------------

/// Accumulators that already hold two rows, to see that an error keeps them.
fn primed() -> (Accuracy, ClassCounts<3>, F1Score<3>, R2Score, Mae, Rmse) {
    let p = [0.9_f32, 0.05, 0.05, 0.1, 0.1, 0.8];
    let t = Targets::Classes(&[0, 1]);
    let mut accuracy = Accuracy::new();
    accuracy.update(&p, t, 2, 3).unwrap();
    let mut counts = ClassCounts::new();
    counts.update(&p, t, 2, 3).unwrap();
    let mut f1 = F1Score::new();
    f1.update(&p, t, 2, 3).unwrap();
    let (r2, mae, rmse) = feed_regression(&[1.0, 2.0, 3.5], &[1.5, 2.0, 3.0], 1, &[0, 2, 3]);
    (accuracy, counts, f1, r2, mae, rmse)
}

/// Runs one bad classification call on every classification accumulator
/// and the confusion matrix, and checks the error and that nothing changed.
fn refuse_classification(
    predictions: &[f32],
    targets: Targets<'_>,
    rows: usize,
    cols: usize,
    want: Error,
    accuracy_accepts: bool,
) {
    let (accuracy0, counts0, f10, ..) = primed();
    let (mut accuracy, mut counts, mut f1) = (accuracy0, counts0, f10);
    let mut precision = Precision::<3>::new();
    let mut recall = Recall::<3>::new();
    let accuracy_result = accuracy.update(predictions, targets, rows, cols);
    if accuracy_accepts {
        assert_eq!(accuracy_result, Ok(()));
    } else {
        assert_eq!(accuracy_result, Err(want));
        assert_eq!(accuracy, accuracy0);
    }
    assert_eq!(counts.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(counts, counts0);
    assert_eq!(f1.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(f1, f10);
    assert_eq!(
        precision.update(predictions, targets, rows, cols),
        Err(want)
    );
    assert_eq!(precision, Precision::new());
    assert_eq!(recall.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(recall, Recall::new());
    let mut matrix = [5_u32; 9];
    assert_eq!(
        ConfusionMatrix::new(3).update(predictions, targets, rows, cols, &mut matrix),
        Err(want)
    );
    assert_eq!(matrix, [5; 9]);
}

#[test]
fn classification_shape_errors() {
    let p = [0.5_f32; 6];
    // Wrong lengths.
    refuse_classification(
        &p[..5],
        Targets::Classes(&[0, 1]),
        2,
        3,
        Error::LengthMismatch {
            argument: "predictions",
            expected: 6,
            actual: 5,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::Classes(&[0]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 2,
            actual: 1,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::Values(&[0.0, 1.0, 2.0]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 2,
            actual: 3,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::OneHot(&[0.0; 5]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 6,
            actual: 5,
        },
        false,
    );
    // Overflowing shape.
    refuse_classification(
        &p,
        Targets::Classes(&[0, 1]),
        usize::MAX,
        2,
        Error::ShapeOverflow {
            rows: usize::MAX,
            cols: 2,
        },
        false,
    );
    // Zero columns, even with zero rows.
    for rows in [0, 2] {
        refuse_classification(
            &[],
            Targets::Classes(&[0, 1][..rows]),
            rows,
            0,
            Error::EmptyShape { rows, cols: 0 },
            false,
        );
    }
}

#[test]
fn labels_out_of_range() {
    // A class index at or past C = 3 in the last row: nothing counted.
    let p = [0.9_f32, 0.05, 0.05, 0.1, 0.8, 0.1];
    refuse_classification(
        &p,
        Targets::Classes(&[0, 3]),
        2,
        3,
        Error::LabelOutOfRange {
            row: 1,
            label: 3,
            classes: 3,
        },
        true,
    );
    // One-column predictions, values that truncate to no class.
    let p1 = [0.9_f32, 0.1, 0.7];
    for bad in [-1.0, -2.5, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30] {
        refuse_classification(
            &p1,
            Targets::Values(&[1.0, 0.0, bad]),
            3,
            1,
            Error::LabelOutOfRange {
                row: 2,
                label: usize::MAX,
                classes: 3,
            },
            true,
        );
    }
    // A value that truncates past C.
    refuse_classification(
        &p1,
        Targets::OneHot(&[1.0, 3.5, 0.0]),
        3,
        1,
        Error::LabelOutOfRange {
            row: 1,
            label: 3,
            classes: 3,
        },
        true,
    );
    // A predicted class past C: four outputs, argmax 3.
    let p4 = [0.1_f32, 0.2, 0.3, 0.4];
    refuse_classification(
        &p4,
        Targets::Classes(&[0]),
        1,
        4,
        Error::LabelOutOfRange {
            row: 0,
            label: 3,
            classes: 3,
        },
        true,
    );
    // Accuracy counts those rows as misses, as the original does.
    let mut accuracy = Accuracy::new();
    accuracy
        .update(&p1, Targets::Values(&[1.0, -0.5, f32::NAN]), 3, 1)
        .unwrap();
    assert_eq!((accuracy.correct(), accuracy.samples()), (2, 3));
}

#[test]
fn confusion_matrix_errors() {
    let p = [0.9_f32, 0.2];
    let t = Targets::Values(&[1.0, 0.0]);
    // Wrong matrix length; classes² overflowing.
    let mut matrix = [1_u32; 5];
    assert_eq!(
        ConfusionMatrix::new(2).update(&p, t, 2, 1, &mut matrix),
        Err(Error::LengthMismatch {
            argument: "matrix",
            expected: 4,
            actual: 5
        })
    );
    assert_eq!(matrix, [1; 5]);
    assert_eq!(
        ConfusionMatrix::new(usize::MAX).update(&p, t, 2, 1, &mut matrix),
        Err(Error::ShapeOverflow {
            rows: usize::MAX,
            cols: usize::MAX
        })
    );
    assert_eq!(
        ConfusionMatrix::new(2).used_classes(&matrix),
        Err(Error::LengthMismatch {
            argument: "matrix",
            expected: 4,
            actual: 5
        })
    );
    // Capacity: a cell at u32::MAX cannot take one more.
    let cm = ConfusionMatrix::new(2);
    let mut matrix = [0, 0, 0, u32::MAX];
    assert_eq!(
        cm.update(&p, t, 2, 1, &mut matrix),
        Err(Error::CapacityExceeded {
            required: usize::try_from(1_u64 << 32).unwrap_or(usize::MAX),
            capacity: u32::MAX as usize
        })
    );
    assert_eq!(matrix, [0, 0, 0, u32::MAX]);
    // Within `rows` of the limit but fitting: the exact check lets it pass.
    let mut matrix = [0, 0, 0, u32::MAX - 1];
    cm.update(&p, t, 2, 1, &mut matrix).unwrap();
    assert_eq!(matrix, [1, 0, 0, u32::MAX]);
    // Two rows into a cell with room for one: refused, unchanged.
    let mut matrix = [0, 0, 0, u32::MAX - 1];
    let twice = Targets::Values(&[1.0, 1.0]);
    assert_eq!(
        cm.update(&[0.9, 0.8], twice, 2, 1, &mut matrix),
        Err(Error::CapacityExceeded {
            required: usize::try_from(1_u64 << 32).unwrap_or(usize::MAX),
            capacity: u32::MAX as usize
        })
    );
    assert_eq!(matrix, [0, 0, 0, u32::MAX - 1]);
}

/// `(predictions, targets, rows, cols, the error expected)`.
type RegressionCall<'a> = (&'a [f32], &'a [f32], usize, usize, Error);

#[test]
fn regression_errors() {
    let (_, _, _, r2_0, mae_0, rmse_0) = primed();
    let p = [1.0_f32; 6];
    let cases: [RegressionCall<'_>; 6] = [
        (
            &p[..5],
            &p,
            2,
            3,
            Error::LengthMismatch {
                argument: "predictions",
                expected: 6,
                actual: 5,
            },
        ),
        (
            &p,
            &p[..4],
            2,
            3,
            Error::LengthMismatch {
                argument: "targets",
                expected: 6,
                actual: 4,
            },
        ),
        (
            &p,
            &p,
            3,
            3,
            Error::LengthMismatch {
                argument: "predictions",
                expected: 9,
                actual: 6,
            },
        ),
        (
            &p,
            &p,
            usize::MAX,
            3,
            Error::ShapeOverflow {
                rows: usize::MAX,
                cols: 3,
            },
        ),
        (&[], &[], 2, 0, Error::EmptyShape { rows: 2, cols: 0 }),
        (&[], &[], 0, 0, Error::EmptyShape { rows: 0, cols: 0 }),
    ];
    for (predictions, targets, rows, cols, want) in cases {
        let (mut r2, mut mae, mut rmse) = (r2_0, mae_0, rmse_0);
        assert_eq!(r2.update(predictions, targets, rows, cols), Err(want));
        assert_eq!(mae.update(predictions, targets, rows, cols), Err(want));
        assert_eq!(rmse.update(predictions, targets, rows, cols), Err(want));
        assert_eq!((r2, mae, rmse), (r2_0, mae_0, rmse_0));
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

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
            truth: Truth::Flat(Vec::new()),
            pred_labels: Vec::new(),
            true_labels: Vec::new(),
            classes: Vec::new(),
            rule: None,
            results: Vec::new(),
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
