//! The activations against `activations.txt`: Linear, ReLU and LeakyReLU
//! forward and every backward but Softmax's bit for bit; Sigmoid, Tanh and
//! Softmax forward and the Softmax backward within their bounds of the f64
//! values.

use vanillanets::activations::{Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets_test::bounds::{softmax_rel_bound, SOFTMAX_ABS_FLOOR};
use vanillanets_test::ulp::{ulp_at, MIN_NORMAL, TINY, U};
use vanillanets_test::Bounds;

use crate::{cases, show, within, Report, SLACK};

const ACTIVATIONS: (&str, &str) = (
    "activations.txt",
    include_str!("../data/parity/activations.txt"),
);

/// The measured bounds of this build (`fast-math` or not): Sigmoid ≤ 2.5
/// ULP where the result is a normal `f32`; Tanh ≤ 2.2 ULP, ≤ 1.99 with
/// `fast-math`.
const BOUNDS: Bounds = Bounds::of(cfg!(feature = "fast-math"));

/// Sigmoid below `2⁻¹²⁶` (the flush to 0 after `exp` overflows): ≤ 2.94e-39
/// absolute, as the crate documents it (`src/activations/sigmoid.rs`,
/// `docs/accuracy.md`). Deliberately not `BOUNDS.sigmoid_subnormal_max_abs`
/// (3.0e-39, the sweep's rounded-up figure): parity keeps the documented,
/// tighter bound.
const SIGMOID_SUBNORMAL_MAX_ABS: f64 = 2.94e-39;
const _: () = assert!(SIGMOID_SUBNORMAL_MAX_ABS <= BOUNDS.sigmoid_subnormal_max_abs);

/// The crate's forward on every case of `op` that has inputs, bit for bit.
fn forward_bits(report: &mut Report, act: &dyn Activation, op: &str) {
    for case in cases(ACTIVATIONS, op) {
        if !case.has("x") {
            continue;
        }
        let n = case.n();
        let (x, want) = (case.f32s("x", n), case.f32s("y", n));
        let mut got = vec![f32::NAN; n];
        let ok = act.forward(x, case.rows, case.cols, &mut got).is_ok();
        report.check(ok, || format!("case {}: forward returned Err", case.id()));
        report.check_bits(&got, want, |i| {
            format!("{}: x = {}", case.at(i), show(x[i]))
        });
    }
}

/// The crate's backward, fed the reference's forward output `y` and `dv`,
/// against the reference's `dx`, bit for bit.
fn backward_bits(report: &mut Report, act: &dyn Activation, op: &str) {
    for case in cases(ACTIVATIONS, op) {
        let n = case.n();
        let (y, dv, want) = (case.f32s("y", n), case.f32s("dv", n), case.f32s("dx", n));
        let mut got = vec![f32::NAN; n];
        let ok = act.backward(y, dv, case.rows, case.cols, &mut got).is_ok();
        report.check(ok, || format!("case {}: backward returned Err", case.id()));
        report.check_bits(&got, want, |i| {
            format!("{}: y = {}, dv = {}", case.at(i), show(y[i]), show(dv[i]))
        });
    }
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

/// Linear, ReLU and LeakyReLU forward, which evaluate the same IEEE
/// operations as NumPy, and every backward but Softmax's, fed the
/// reference's own forward output, bit for bit. One report for the forwards
/// and one for the backwards, each naming every failing case (and so its op).
#[test]
fn exact_kernels_are_bit_identical() {
    let mut forward = Report::new("Linear, ReLU and LeakyReLU forward");
    let mut backward = Report::new("Linear, ReLU, LeakyReLU, Sigmoid and Tanh backward");
    // (kernel, op in the file, whether its forward is exact too)
    let kernels: [(&dyn Activation, &str, bool); 5] = [
        (&Linear, "linear", true),
        (&ReLU, "relu", true),
        (&LeakyReLU::new(), "leaky_relu", true),
        (&Sigmoid, "sigmoid", false),
        (&Tanh, "tanh", false),
    ];
    for (act, op, exact_forward) in kernels {
        if exact_forward {
            forward_bits(&mut forward, act, op);
        }
        backward_bits(&mut backward, act, op);
    }
    Report::finish_all([forward, backward]);
}

/// Documented: ≤ 2.5 ULP where the result is a normal f32, ≤ 2.94e-39
/// absolute below 2⁻¹²⁶.
#[test]
fn sigmoid_forward_is_within_its_documented_bound() {
    forward_bounded(
        &Sigmoid,
        "sigmoid",
        "Sigmoid forward (2.5 ULP)",
        ulps(BOUNDS.sigmoid_max_ulp, SIGMOID_SUBNORMAL_MAX_ABS),
    );
}

/// Documented: ≤ 2.2 ULP (1.99 with `fast-math`).
#[test]
fn tanh_forward_is_within_its_documented_bound() {
    forward_bounded(
        &Tanh,
        "tanh",
        "Tanh forward (2.2 ULP)",
        ulps(BOUNDS.tanh_max_ulp, 0.0),
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
            softmax_rel_bound(x, m, row.len()) * exact.abs()
        };
        relative + SOFTMAX_ABS_FLOOR
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
