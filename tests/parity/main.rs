//! Parity with the real VanillaNets 1.0.1, run on float32 by NumPy, one
//! module per topic:
//!
//! | module | what it checks |
//! |---|---|
//! | `activations` | every activation's forward and backward against `activations.txt`: bit for bit, or within the documented bound of the f64 value |
//! | `losses` | BCE, MSE, CCE and SCCE per-sample forward, `calculate` and backward against `losses.txt` |
//! | `fused` | the fused Softmax + cross-entropy backward against `fused.txt`, bit for bit |
//! | `sums` | `np.sum` / `np.mean` in `sums.txt` against NumPy's pairwise order, and the crate's `math::sum` against them |
//!
//! The vectors in `tests/data/parity/` were written by
//! `scripts/parity/kernels.py`, which runs the library's own classes
//! (`bash scripts/parity.sh` regenerates them; the format is in
//! `tests/data/parity/README.md`). Each `#[test]` checks one category (the
//! losses' test three, one report each) and lists every failing element,
//! naming the case, the element and the values.
//! This file holds what the topics share: the parser of the data files,
//! [`Case`], [`Report`] and the comparisons; the ULP measure, the measured
//! bounds and NumPy's sum come from the shared test support
//! (`tests/support`, the `vanillanets-test` crate).
//!
//! Two kinds of check:
//!
//! - **bit identity** (NaN compared as NaN-ness only, signed zeros by their
//!   bits) wherever the crate evaluates the same correctly rounded IEEE
//!   operations in the same order as NumPy: ReLU, LeakyReLU and Linear
//!   forward; every activation backward except Softmax's, fed the
//!   reference's own forward output; every loss backward; the fused
//!   Softmax + cross-entropy backward;
//! - **an error bound** around an f64 value that the script computed from
//!   the same f32 inputs (fields ending in `64`) everywhere else: Sigmoid,
//!   Tanh and Softmax forward, the Softmax backward, the losses' per-sample
//!   values and `calculate`. The bounds are the crate's documented ones where
//!   it documents one, and derived in the topic modules, in the same style,
//!   where not.
//!
//! `u = 2⁻²⁴` is the unit roundoff of `f32`.

use vanillanets_test::bits::same;
use vanillanets_test::parity::{self, Values};

/// Headroom for the second-order terms (`O(u²)`) that first-order bounds drop.
const SLACK: f64 = 1.0 + 1e-5;

// ---------------------------------------------------------------------------
// The data files
// ---------------------------------------------------------------------------

/// One `case <op> <name> <rows> <cols>` block.
struct Case {
    file: &'static str,
    line: usize,
    op: String,
    name: String,
    rows: usize,
    cols: usize,
    fields: Vec<(String, Values)>,
}

fn parse(file: &'static str, text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for (at, words) in parity::records(text) {
        let (key, rest) = (words[0], &words[1..]);
        if key == "case" {
            assert_eq!(
                rest.len(),
                4,
                "{file}:{at}: want `case <op> <name> <rows> <cols>`"
            );
            cases.push(Case {
                file,
                line: at,
                op: rest[0].to_string(),
                name: rest[1].to_string(),
                rows: parity::decimal(rest[2]),
                cols: parity::decimal(rest[3]),
                fields: Vec::new(),
            });
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("{file}:{at}: field {key:?} before the first case"));
        // f32 bits, f64 bits for fields whose name ends in `64`, or class
        // indices (`labels`).
        let values = parity::values(key, "64", rest);
        assert!(
            case.fields.iter().all(|(k, _)| k != key),
            "{file}:{at}: field {key:?} twice in one case"
        );
        case.fields.push((key.to_string(), values));
    }
    cases
}

/// The cases of `op` in a file; at least one, so that a renamed op cannot
/// pass by checking nothing.
fn cases((file, text): (&'static str, &str), op: &str) -> Vec<Case> {
    let found: Vec<Case> = parse(file, text)
        .into_iter()
        .filter(|c| c.op == op)
        .collect();
    assert!(!found.is_empty(), "{file}: no `{op}` case");
    found
}

impl Case {
    fn id(&self) -> String {
        format!(
            "{}/{} ({}x{}, {}:{})",
            self.op, self.name, self.rows, self.cols, self.file, self.line
        )
    }

    /// "case relu/edge (8x8, file:line) element 9 (row 1, col 1)".
    fn at(&self, i: usize) -> String {
        format!(
            "case {} element {i} (row {}, col {})",
            self.id(),
            i / self.cols.max(1),
            i % self.cols.max(1)
        )
    }

    /// "case mse/edge (...) row 3".
    fn row(&self, r: usize) -> String {
        format!("case {} row {r}", self.id())
    }

    fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == name)
    }

    fn field(&self, name: &str, len: usize) -> &Values {
        let values = self
            .fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("case {}: no field {name:?}", self.id()));
        let actual = match values {
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Labels(v) => v.len(),
        };
        assert_eq!(actual, len, "case {}: field {name:?} length", self.id());
        values
    }

    fn f32s(&self, name: &str, len: usize) -> &[f32] {
        match self.field(name, len) {
            Values::F32(v) => v,
            _ => panic!("case {}: field {name:?} is not f32", self.id()),
        }
    }

    fn f64s(&self, name: &str, len: usize) -> &[f64] {
        match self.field(name, len) {
            Values::F64(v) => v,
            _ => panic!("case {}: field {name:?} is not f64", self.id()),
        }
    }

    fn labels(&self) -> &[usize] {
        match self.field("labels", self.rows) {
            Values::Labels(v) => v,
            _ => unreachable!(),
        }
    }

    fn n(&self) -> usize {
        self.rows * self.cols
    }
}

// ---------------------------------------------------------------------------
// Comparisons and failure reports
// ---------------------------------------------------------------------------

/// Collects every failed check of one category, then fails once.
struct Report {
    what: &'static str,
    checked: usize,
    failures: Vec<String>,
}

impl Report {
    fn new(what: &'static str) -> Self {
        Report {
            what,
            checked: 0,
            failures: Vec::new(),
        }
    }

    fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            self.failures.push(message());
        }
    }

    /// `got` against NumPy's `want`, element by element, bit for bit (NaN as
    /// NaN-ness only); `describe(i)` names element `i` and its inputs.
    fn check_bits(&mut self, got: &[f32], want: &[f32], describe: impl Fn(usize) -> String) {
        assert_eq!(got.len(), want.len(), "{}: lengths", self.what);
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            self.check(same(g, w), || {
                format!("{}: got {}, NumPy {}", describe(i), show(g), show(w))
            });
        }
    }

    fn finish(self) {
        Report::finish_all([self]);
    }

    /// Prints each report's count of passed checks, then fails once, with
    /// the failures of every report that has any.
    fn finish_all(reports: impl IntoIterator<Item = Report>) {
        const SHOWN: usize = 40;
        let mut text = String::new();
        for report in reports {
            if report.failures.is_empty() {
                eprintln!("{}: {} checks passed", report.what, report.checked);
                continue;
            }
            text.push_str(&format!(
                "\n{}: {} of {} checks failed",
                report.what,
                report.failures.len(),
                report.checked
            ));
            for f in report.failures.iter().take(SHOWN) {
                text.push_str("\n  ");
                text.push_str(f);
            }
            if report.failures.len() > SHOWN {
                text.push_str(&format!(
                    "\n  ... and {} more",
                    report.failures.len() - SHOWN
                ));
            }
        }
        assert!(text.is_empty(), "{text}");
    }
}

/// A value with its bits: `1e0 [3f800000]`.
fn show(v: f32) -> String {
    format!("{v:e} [{:08x}]", v.to_bits())
}

/// Whether `got` is within `bound` of `exact`. A NaN `exact` wants a NaN; an
/// `exact` that rounds to an infinity wants that infinity. An absolute bound
/// rather than `vanillanets_test::ulp::ulp_err`, because the bounds here mix
/// ULP terms with absolute floors for subnormal results.
fn within(got: f32, exact: f64, bound: f64) -> bool {
    if exact.is_nan() {
        return got.is_nan();
    }
    let rounded = exact as f32;
    if rounded.is_infinite() {
        return got == rounded;
    }
    got.is_finite() && (f64::from(got) - exact).abs() <= bound
}

/// The most roundings that any one summand goes through in NumPy's pairwise
/// sum of `n` values (`pairwise_sum`, see the data README): left to right
/// below 8; in one of 8 partial sums, the 3-level tree and the `n % 8`
/// tail up to 128; one more per halving above. NumPy's error bound for a
/// sum is `depth(n)·u·Σ|x|`, growing like `log n`; a left-to-right sum's is
/// `(n - 1)·u·Σ|x|`.
fn depth(n: usize) -> usize {
    match n {
        0 | 1 => 0,
        2..=7 => n - 1,
        8..=128 => (n / 8 - 1) + 3 + n % 8,
        _ => {
            let half = n / 2 - (n / 2) % 8;
            1 + depth(half).max(depth(n - half))
        }
    }
}

mod activations;
mod fused;
mod losses;
mod sums;
