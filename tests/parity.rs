//! Parity with the real VanillaNets 1.0.1, run on float32 by NumPy.
//!
//! The vectors in `tests/data/parity/` were written by
//! `scripts/parity/kernels.py`, which runs the library's own classes
//! (`bash scripts/parity.sh` regenerates them; the format is in
//! `tests/data/parity/README.md`). Each `#[test]` checks one category and
//! lists every failing element, naming the case, the element and the values.
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
//!   it documents one, and derived below, in the same style, where not.
//!
//! `u = 2⁻²⁴` is the unit roundoff of `f32`.

use vanillanets::activations::{Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy, SparseCategoricalCrossEntropy,
};

const ACTIVATIONS: (&str, &str) = (
    "activations.txt",
    include_str!("data/parity/activations.txt"),
);
const LOSSES: (&str, &str) = ("losses.txt", include_str!("data/parity/losses.txt"));
const FUSED: (&str, &str) = ("fused.txt", include_str!("data/parity/fused.txt"));
const SUMS: (&str, &str) = ("sums.txt", include_str!("data/parity/sums.txt"));

/// Unit roundoff of `f32`.
const U: f64 = 1.0 / 16_777_216.0;
/// The smallest positive subnormal `f32`, `2⁻¹⁴⁹`.
const TINY: f64 = 1.401_298_464_324_817e-45;
/// The smallest positive normal `f32`, `2⁻¹²⁶`.
const MIN_NORMAL: f64 = 1.175_494_350_822_287_5e-38;
/// Headroom for the second-order terms (`O(u²)`) that first-order bounds drop.
const SLACK: f64 = 1.0 + 1e-5;

/// Sigmoid (documented): ≤ 2.5 ULP where the result is a normal `f32`...
const SIGMOID_MAX_ULP: f64 = 2.5;
/// ...and ≤ 2.94e-39 absolute below `2⁻¹²⁶` (the flush to 0 after `exp`
/// overflows).
const SIGMOID_SUBNORMAL_MAX_ABS: f64 = 2.94e-39;
/// Tanh (documented): ≤ 2.2 ULP, ≤ 1.99 with the `fast-math` feature.
const TANH_MAX_ULP: f64 = if cfg!(feature = "fast-math") {
    1.99
} else {
    2.2
};

// ---------------------------------------------------------------------------
// The data files
// ---------------------------------------------------------------------------

/// One field's values: f32 bits (8 hex digits), f64 bits (16 hex digits, for
/// fields whose name ends in `64`) or class indices (`labels`, decimal).
enum Values {
    F32(Vec<f32>),
    F64(Vec<f64>),
    Labels(Vec<usize>),
}

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
    for (index, line) in text.lines().enumerate() {
        let at = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_ascii_whitespace();
        let key = words.next().unwrap_or_default();
        if key == "case" {
            let w: Vec<&str> = words.collect();
            assert_eq!(
                w.len(),
                4,
                "{file}:{at}: want `case <op> <name> <rows> <cols>`"
            );
            let number = |s: &str| -> usize {
                s.parse()
                    .unwrap_or_else(|_| panic!("{file}:{at}: bad number {s:?}"))
            };
            cases.push(Case {
                file,
                line: at,
                op: w[0].to_string(),
                name: w[1].to_string(),
                rows: number(w[2]),
                cols: number(w[3]),
                fields: Vec::new(),
            });
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("{file}:{at}: field {key:?} before the first case"));
        let hex = |w: &str, digits: usize| -> u64 {
            assert_eq!(
                w.len(),
                digits,
                "{file}:{at}: {key}: {w:?} is not {digits} hex digits"
            );
            u64::from_str_radix(w, 16).unwrap_or_else(|_| panic!("{file}:{at}: bad hex {w:?}"))
        };
        let values = if key == "labels" {
            Values::Labels(
                words
                    .map(|w| {
                        w.parse()
                            .unwrap_or_else(|_| panic!("{file}:{at}: bad label {w:?}"))
                    })
                    .collect(),
            )
        } else if key.ends_with("64") {
            Values::F64(words.map(|w| f64::from_bits(hex(w, 16))).collect())
        } else {
            Values::F32(
                words
                    .map(|w| f32::from_bits(u32::try_from(hex(w, 8)).unwrap_or(0)))
                    .collect(),
            )
        };
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

    fn finish(self) {
        const SHOWN: usize = 40;
        if self.failures.is_empty() {
            eprintln!("{}: {} checks passed", self.what, self.checked);
            return;
        }
        let mut text = format!(
            "{}: {} of {} checks failed",
            self.what,
            self.failures.len(),
            self.checked
        );
        for f in self.failures.iter().take(SHOWN) {
            text.push_str("\n  ");
            text.push_str(f);
        }
        if self.failures.len() > SHOWN {
            text.push_str(&format!("\n  ... and {} more", self.failures.len() - SHOWN));
        }
        panic!("{text}");
    }
}

fn show(v: f32) -> String {
    format!("{v:e} [{:08x}]", v.to_bits())
}

/// Equal bits, or both NaN.
fn same_bits(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// The `f32` spacing at `r`: `2^(e-23)` for normal `|r|`, `2⁻¹⁴⁹` below.
fn ulp_at(r: f64) -> f64 {
    let a = r.abs();
    if a < MIN_NORMAL {
        return TINY;
    }
    let e = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    2.0_f64.powi(e - 23)
}

/// Whether `got` is within `bound` of `exact`. A NaN `exact` wants a NaN; an
/// `exact` that rounds to an infinity wants that infinity.
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

/// For the losses: a non-finite reference value (NaN, or an overflow inside
/// the f32 computation, such as `(1e19 + 1e19)²` in MeanSquaredError, that
/// the f64 value does not have) wants the same non-finite value; otherwise
/// [`within`] the bound of the f64 value.
fn loss_within(got: f32, reference: f32, exact: f64, bound: f64) -> bool {
    if !reference.is_finite() {
        return same_bits(got, reference);
    }
    within(got, exact, bound)
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

// ---------------------------------------------------------------------------
// Activations
// ---------------------------------------------------------------------------

/// The crate's forward on every case of `op` that has inputs, bit for bit.
fn forward_bits(act: &impl Activation, op: &str, what: &'static str) {
    let mut report = Report::new(what);
    for case in cases(ACTIVATIONS, op) {
        if !case.has("x") {
            continue;
        }
        let n = case.n();
        let (x, want) = (case.f32s("x", n), case.f32s("y", n));
        let mut got = vec![f32::NAN; n];
        let ok = act.forward(x, case.rows, case.cols, &mut got).is_ok();
        report.check(ok, || format!("case {}: forward returned Err", case.id()));
        for (i, ((&g, &w), &x)) in got.iter().zip(want).zip(x).enumerate() {
            report.check(same_bits(g, w), || {
                format!(
                    "{}: x = {}: got {}, NumPy {}",
                    case.at(i),
                    show(x),
                    show(g),
                    show(w)
                )
            });
        }
    }
    report.finish();
}

/// The crate's backward, fed the reference's forward output `y` and `dv`,
/// against the reference's `dx`, bit for bit.
fn backward_bits(act: &impl Activation, op: &str, what: &'static str) {
    let mut report = Report::new(what);
    for case in cases(ACTIVATIONS, op) {
        let n = case.n();
        let (y, dv, want) = (case.f32s("y", n), case.f32s("dv", n), case.f32s("dx", n));
        let mut got = vec![f32::NAN; n];
        let ok = act.backward(y, dv, case.rows, case.cols, &mut got).is_ok();
        report.check(ok, || format!("case {}: backward returned Err", case.id()));
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            report.check(same_bits(g, w), || {
                format!(
                    "{}: y = {}, dv = {}: got {}, NumPy {}",
                    case.at(i),
                    show(y[i]),
                    show(dv[i]),
                    show(g),
                    show(w)
                )
            });
        }
    }
    report.finish();
}

/// The crate's forward against `y64` with a per-element bound (in absolute
/// terms) from `bound(x, exact, row of x)`.
fn forward_bounded(
    act: &impl Activation,
    op: &str,
    what: &'static str,
    bound: impl Fn(f64, f64, &[f32]) -> f64,
) {
    let mut report = Report::new(what);
    for case in cases(ACTIVATIONS, op) {
        if !case.has("x") {
            continue;
        }
        let n = case.n();
        let (x, reference, exact) = (case.f32s("x", n), case.f32s("y", n), case.f64s("y64", n));
        let mut got = vec![f32::NAN; n];
        let ok = act.forward(x, case.rows, case.cols, &mut got).is_ok();
        report.check(ok, || format!("case {}: forward returned Err", case.id()));
        for (i, (&g, &e)) in got.iter().zip(exact).enumerate() {
            let row = &x[i - i % case.cols..][..case.cols];
            let b = bound(f64::from(x[i]), e, row);
            report.check(within(g, e, b), || {
                format!(
                    "{}: x = {}: got {}, f64 {e:e} (error {:.3} ULP, bound {b:.3e} = {:.3} ULP), \
                     NumPy {}",
                    case.at(i),
                    show(x[i]),
                    show(g),
                    (f64::from(g) - e).abs() / ulp_at(e),
                    b / ulp_at(e),
                    show(reference[i])
                )
            });
        }
    }
    report.finish();
}

/// An ULP bound, with an absolute one below `2⁻¹²⁶`.
fn ulps(max_ulp: f64, subnormal_abs: f64) -> impl Fn(f64, f64, &[f32]) -> f64 {
    move |_, exact, _| {
        if exact.abs() < MIN_NORMAL {
            subnormal_abs.max(max_ulp * TINY)
        } else {
            max_ulp * ulp_at(exact)
        }
    }
}

#[test]
fn linear_forward_is_bit_identical() {
    forward_bits(&Linear, "linear", "Linear forward");
}

#[test]
fn linear_backward_is_bit_identical() {
    backward_bits(&Linear, "linear", "Linear backward");
}

#[test]
fn relu_forward_is_bit_identical() {
    forward_bits(&ReLU, "relu", "ReLU forward");
}

#[test]
fn relu_backward_is_bit_identical() {
    backward_bits(&ReLU, "relu", "ReLU backward");
}

#[test]
fn leaky_relu_forward_is_bit_identical() {
    forward_bits(&LeakyReLU::new(), "leaky_relu", "LeakyReLU forward");
}

#[test]
fn leaky_relu_backward_is_bit_identical() {
    backward_bits(&LeakyReLU::new(), "leaky_relu", "LeakyReLU backward");
}

#[test]
fn sigmoid_backward_is_bit_identical() {
    backward_bits(&Sigmoid, "sigmoid", "Sigmoid backward");
}

#[test]
fn tanh_backward_is_bit_identical() {
    backward_bits(&Tanh, "tanh", "Tanh backward");
}

/// Documented: ≤ 2.5 ULP where the result is a normal f32, ≤ 2.94e-39
/// absolute below 2⁻¹²⁶.
#[test]
fn sigmoid_forward_is_within_its_documented_bound() {
    forward_bounded(
        &Sigmoid,
        "sigmoid",
        "Sigmoid forward (2.5 ULP)",
        ulps(SIGMOID_MAX_ULP, SIGMOID_SUBNORMAL_MAX_ABS),
    );
}

/// Documented: ≤ 2.2 ULP (1.99 with `fast-math`).
#[test]
fn tanh_forward_is_within_its_documented_bound() {
    forward_bounded(
        &Tanh,
        "tanh",
        "Tanh forward (2.2 ULP)",
        ulps(TANH_MAX_ULP, 0.0),
    );
}

/// Documented: each output within a relative `(|x_j - m| + k + 4)·u` plus
/// an absolute `2·2⁻¹⁴⁹` of the exact softmax of the f32 inputs.
#[test]
fn softmax_forward_is_within_its_documented_bound() {
    forward_bounded(&Softmax, "softmax", "Softmax forward", |x, exact, row| {
        let m = row
            .iter()
            .fold(f64::NEG_INFINITY, |m, &v| m.max(f64::from(v)));
        let relative = if exact == 0.0 {
            0.0
        } else {
            ((x - m).abs() + row.len() as f64 + 4.0) * U * exact.abs()
        };
        relative + 2.0 * TINY
    });
}

/// The crate computes `dx_i = y_i·(dv_i - s)`, `s = Σ_j dv_j·y_j`: `s` has
/// at most `k` roundings per term (a product, then at most `k - 1`
/// additions, left to right or pairwise), then one subtraction and one
/// product. To first order, with the exact `s` of the same f32 `y` and `dv`:
/// `|dx_i - exact_i| <= (k + 3)·u·|y_i|·(|dv_i| + Σ_j |dv_j·y_j|)`, plus
/// `2⁻¹⁴⁹` for subnormal results. NumPy's Jacobian product meets the same
/// bound on these vectors (at up to 0.92 of it). It holds wherever the exact result is finite, including
/// `dv = ±f32::MAX`, where `dv_i - s` must not overflow.
#[test]
fn softmax_backward_is_within_bound() {
    let mut report = Report::new("Softmax backward");
    for case in cases(ACTIVATIONS, "softmax") {
        let (n, k) = (case.n(), case.cols);
        let (y, dv, reference, exact) = (
            case.f32s("y", n),
            case.f32s("dv", n),
            case.f32s("dx", n),
            case.f64s("dx64", n),
        );
        let mut got = vec![f32::NAN; n];
        let ok = Softmax.backward(y, dv, case.rows, k, &mut got).is_ok();
        report.check(ok, || format!("case {}: backward returned Err", case.id()));
        for (r, ((y, dv), got)) in y.chunks(k).zip(dv.chunks(k)).zip(got.chunks(k)).enumerate() {
            let dot: f64 = y
                .iter()
                .zip(dv)
                .map(|(&y, &d)| (f64::from(y) * f64::from(d)).abs())
                .sum();
            for (j, &g) in got.iter().enumerate() {
                let i = r * k + j;
                let b = (k as f64 + 3.0)
                    * U
                    * f64::from(y[j]).abs()
                    * (f64::from(dv[j]).abs() + dot)
                    * SLACK
                    + TINY;
                report.check(within(g, exact[i], b), || {
                    format!(
                        "{}: y = {}, dv = {}: got {}, f64 {:e}, bound {b:.3e}, NumPy {}",
                        case.at(i),
                        show(y[j]),
                        show(dv[j]),
                        show(g),
                        exact[i],
                        show(reference[i])
                    )
                });
            }
        }
    }
    report.finish();
}

// ---------------------------------------------------------------------------
// Losses
// ---------------------------------------------------------------------------
//
// Bounds of the per-sample losses, to first order in u, around the f64
// value of the same formula on the same f32 inputs. The f64 value keeps the
// f32 steps that both NumPy and the crate take before anything is rounded
// differently: the f32 clip bounds (1e-7 -> 1.00000001e-7, 1 - 1e-7 ->
// 0.99999988) and BCE's `1 - clip(p)` and `1 - y` in f32.
//
// - `ln` is `libm::logf`, < 1 ULP, and 1 ULP <= 2u·|result| for a normal
//   result, so each `ln` term costs 2u relative;
// - a row mean of k terms, each within `e·u` of its own magnitude `A_j`,
//   summed as NumPy sums (`depth(k)` roundings per term at most) and divided
//   by k: `(e + depth(k) + 1)·u·mean_j A_j`;
//   - BCE element: `ln`, a product, and the sum of the two products:
//     e = 4, with `A_j = |y ln c| + |(1-y) ln(1-c)|`;
//   - MSE element `(y - p)²`: a subtraction and a square: e = 3;
// - CCE with class indices: `-ln(clip(p_t))`: 2u·|result|;
// - CCE with label rows: `s = Σ_j clip(p_j)·y_j`, a product and the sum's
//   roundings per term, then `ln`: `(depth(k) + 2)·u·Σ_j|c_j y_j| / s +
//   2u·|result|`;
// - `calculate`, the mean of n per-sample losses `l_r` each within `B_r`:
//   `mean_r B_r + (depth(n) + 1)·u·mean_r |l_r|`. NumPy's `np.mean` sums
//   pairwise, so the bound grows like log n; a left-to-right sum can lose
//   every small loss after a large one and is held to the same bound.
//
// Where the reference's own f32 value is NaN or infinite (an overflow in
// f32 arithmetic that f64 does not have), the crate must give the same.

/// The crate's per-sample losses, `calculate` and backward, or the first
/// error.
macro_rules! run_loss {
    ($loss:expr, $case:expr, $p:expr, $targets:expr) => {{
        let (rows, cols) = ($case.rows, $case.cols);
        let mut per_sample = vec![f32::NAN; rows];
        let mut dx = vec![f32::NAN; rows * cols];
        let forward = $loss.forward($p, $targets, rows, cols, &mut per_sample);
        let calculate = $loss.calculate($p, $targets, rows, cols);
        let backward = $loss.backward($p, $targets, rows, cols, &mut dx);
        match (forward, calculate, backward) {
            (Ok(()), Ok(calc), Ok(())) => Ok((per_sample, calc, dx)),
            (f, c, b) => Err(format!(
                "case {}: forward {f:?}, calculate {c:?}, backward {b:?}",
                $case.id()
            )),
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
        for (i, (&g, &w)) in self.dx.iter().zip(want).enumerate() {
            report.check(same_bits(g, w), || {
                format!(
                    "{}: p = {}: got {}, NumPy {}",
                    self.case.at(i),
                    show(p[i]),
                    show(g),
                    show(w)
                )
            });
        }
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

/// BinaryCrossEntropy, every case, for `part`. VanillaNets' forward returns
/// the n×k per-element losses; the crate's returns each row's mean, which is
/// compared with the row mean of the f64 elements, and with the row mean of
/// NumPy's f32 elements within the bound plus NumPy's own mean distance from
/// the f64 elements.
fn bce(part: Part, what: &'static str) {
    let mut report = Report::new(what);
    for case in cases(LOSSES, "bce") {
        let (n, k) = (case.n(), case.cols);
        let (p, t) = (case.f32s("p", n), case.f32s("t", n));
        let (elements, elements64) = (case.f32s("loss", n), case.f64s("loss64", n));
        let (per_sample, calc, dx) = match run_loss!(BinaryCrossEntropy, case, p, t) {
            Ok(v) => v,
            Err(e) => {
                report.check(false, || e);
                continue;
            }
        };
        let magnitude: Vec<f64> = p
            .iter()
            .zip(t)
            .map(|(&p, &y)| {
                let c = clip32(p);
                let (w, d) = (1.0 - y, 1.0 - c);
                (f64::from(y) * f64::from(c).ln()).abs() + (f64::from(w) * f64::from(d).ln()).abs()
            })
            .collect();
        let row_bound: Vec<f64> = row_means(&magnitude, k)
            .iter()
            .map(|m| (5.0 + depth(k) as f64) * U * m * SLACK + TINY)
            .collect();
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
                check.forward(&mut report, None);
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
            Part::Calculate => check.calculate(&mut report),
            Part::Backward => check.backward(&mut report),
        }
    }
    report.finish();
}

#[test]
fn bce_forward_is_within_bound() {
    bce(Part::Forward, "BinaryCrossEntropy forward (row means)");
}

#[test]
fn bce_calculate_is_within_bound() {
    bce(Part::Calculate, "BinaryCrossEntropy calculate");
}

#[test]
fn bce_backward_is_bit_identical() {
    bce(Part::Backward, "BinaryCrossEntropy backward");
}

/// MeanSquaredError, every case, for `part`.
fn mse(part: Part, what: &'static str) {
    let mut report = Report::new(what);
    for case in cases(LOSSES, "mse") {
        let (n, k) = (case.n(), case.cols);
        let (p, t) = (case.f32s("p", n), case.f32s("t", n));
        let reference = case.f32s("loss", case.rows);
        let (per_sample, calc, dx) = match run_loss!(MeanSquaredError, case, p, t) {
            Ok(v) => v,
            Err(e) => {
                report.check(false, || e);
                continue;
            }
        };
        let squares: Vec<f64> = p
            .iter()
            .zip(t)
            .map(|(&p, &y)| (f64::from(y) - f64::from(p)).powi(2))
            .collect();
        let row_bound = row_means(&squares, k)
            .iter()
            .map(|m| (4.0 + depth(k) as f64) * U * m * SLACK + TINY)
            .collect();
        let check = LossCheck {
            case: &case,
            row_exact: case.f64s("loss64", case.rows).to_vec(),
            per_sample,
            calc,
            dx,
            row_bound,
        };
        match part {
            Part::Forward => check.forward(&mut report, Some(reference)),
            Part::Calculate => check.calculate(&mut report),
            Part::Backward => check.backward(&mut report),
        }
    }
    report.finish();
}

#[test]
fn mse_forward_is_within_bound() {
    mse(Part::Forward, "MeanSquaredError forward");
}

#[test]
fn mse_calculate_is_within_bound() {
    mse(Part::Calculate, "MeanSquaredError calculate");
}

#[test]
fn mse_backward_is_bit_identical() {
    mse(Part::Backward, "MeanSquaredError backward");
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
fn cce(op: &str, sparse: bool, part: Part, what: &'static str) {
    let mut report = Report::new(what);
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
            run_loss!(SparseCategoricalCrossEntropy, case, p, labels)
        } else {
            run_loss!(CategoricalCrossEntropy, case, p, labels)
        };
        let (per_sample, calc, dx) = match result {
            Ok(v) => v,
            Err(e) => {
                report.check(false, || e);
                continue;
            }
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
            Part::Forward => check.forward(&mut report, Some(reference)),
            Part::Calculate => check.calculate(&mut report),
            Part::Backward => {
                check.backward(&mut report);
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
    report.finish();
}

/// Distance in `f32` steps (`-0` and `+0` one step apart); `u64::MAX` if
/// only one is NaN.
fn steps(a: f32, b: f32) -> u64 {
    let ordered = |x: f32| -> i64 {
        let b = x.to_bits();
        if b & 0x8000_0000 != 0 {
            -i64::from(b & 0x7fff_ffff) - 1
        } else {
            i64::from(b)
        }
    };
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0,
        (false, false) => ordered(a).abs_diff(ordered(b)),
        _ => u64::MAX,
    }
}

#[test]
fn cce_forward_is_within_bound() {
    cce(
        "cce",
        false,
        Part::Forward,
        "CategoricalCrossEntropy forward",
    );
}

#[test]
fn cce_calculate_is_within_bound() {
    cce(
        "cce",
        false,
        Part::Calculate,
        "CategoricalCrossEntropy calculate",
    );
}

#[test]
fn cce_backward_is_bit_identical() {
    cce(
        "cce",
        false,
        Part::Backward,
        "CategoricalCrossEntropy backward",
    );
}

#[test]
fn scce_forward_is_within_bound() {
    cce(
        "scce",
        true,
        Part::Forward,
        "SparseCategoricalCrossEntropy forward",
    );
}

#[test]
fn scce_calculate_is_within_bound() {
    cce(
        "scce",
        true,
        Part::Calculate,
        "SparseCategoricalCrossEntropy calculate",
    );
}

#[test]
fn scce_backward_is_bit_identical() {
    cce(
        "scce",
        true,
        Part::Backward,
        "SparseCategoricalCrossEntropy backward",
    );
}

/// The fused Softmax + CategoricalCrossEntropy backward from the softmax
/// output, with class indices and with one-hot rows (argmax, first maximum,
/// NaN counting as the maximum), bit for bit.
#[test]
fn fused_backward_is_bit_identical() {
    let mut report = Report::new("fused Softmax + CategoricalCrossEntropy backward");
    for case in cases(FUSED, "fused") {
        let n = case.n();
        let y = case.f32s("y", n);
        let runs = [
            ("class indices", Labels::Classes(case.labels()), "dx"),
            (
                "one-hot rows",
                Labels::OneHot(case.f32s("onehot", n)),
                "dx_onehot",
            ),
        ];
        for (form, labels, field) in runs {
            let want = case.f32s(field, n);
            let mut got = vec![f32::NAN; n];
            let result = SoftmaxCrossEntropy.backward(y, labels, case.rows, case.cols, &mut got);
            report.check(result.is_ok(), || {
                format!("case {} ({form}): {result:?}", case.id())
            });
            for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
                report.check(same_bits(g, w), || {
                    format!(
                        "{} ({form}): y = {}: got {}, NumPy {}",
                        case.at(i),
                        show(y[i]),
                        show(g),
                        show(w)
                    )
                });
            }
        }
    }
    report.finish();
}

// ---------------------------------------------------------------------------
// NumPy's sums
// ---------------------------------------------------------------------------

/// NumPy's `pairwise_sum` on float32, as the data README states it.
fn pairwise(x: &[f32]) -> f32 {
    let n = x.len();
    if n < 8 {
        x.iter().fold(0.0, |s, &v| s + v)
    } else if n <= 128 {
        let mut r = [0.0_f32; 8];
        r.copy_from_slice(&x[..8]);
        let whole = n - n % 8;
        for block in x[8..whole].chunks_exact(8) {
            for (r, &v) in r.iter_mut().zip(block) {
                *r += v;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        x[whole..].iter().fold(res, |s, &v| s + v)
    } else {
        let half = n / 2 - (n / 2) % 8;
        pairwise(&x[..half]) + pairwise(&x[half..])
    }
}

/// Checks the data of `sums.txt` against the summation order that the
/// README states, `np.sum = 0.0 + pairwise_sum` and `np.mean = np.sum / n`
/// in f32, so that the statement the crate's sums rely on is pinned to
/// NumPy's own output; and that the vectors tell that order from a
/// left-to-right sum.
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
            let sum = 0.0 + pairwise(row);
            let mean = sum / k as f32;
            let sequential = row.iter().fold(0.0_f32, |s, &v| s + v);
            if !same_bits(sequential, sums[r]) {
                told_apart += 1;
            }
            report.check(same_bits(sum, sums[r]), || {
                format!(
                    "{} row {r}: pairwise {}, np.sum {}",
                    case.id(),
                    show(sum),
                    show(sums[r])
                )
            });
            report.check(same_bits(mean, means[r]), || {
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
            report.check(same_bits(sum, sums[r]), || {
                format!(
                    "{} row {r}: {} vs np.sum {}",
                    case.id(),
                    show(sum),
                    show(sums[r])
                )
            });
            let mean = sum / k as f32;
            report.check(same_bits(mean, means[r]), || {
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
