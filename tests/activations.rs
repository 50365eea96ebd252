//! Host-side property tests of the six activations.
//!
//! Every numeric property compares the crate's `f32` kernels with something
//! the crate does not compute: an `f64` formula written in this file, an
//! explicit Jacobian, central finite differences of an `f64` forward, or
//! hand-checked numbers. The only comparisons of the crate with itself are the
//! bit-for-bit equalities it promises between two forms of one call (in place
//! and out of place, [`ActivationKind`] and the kernel it names, the stateful
//! [`ActivationBuffer`] and the stateless kernels, backward from the inputs and
//! from the output); those compare `to_bits`.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::{
    Activation, ActivationKind, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
};
use vanillanets::{ActivationBuffer, Error};

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// The unit roundoff of `f32`, `2⁻²⁴`.
const U: f64 = 1.0 / 16_777_216.0;

/// The smallest positive `f32` (a subnormal), as `f64`.
fn tiny() -> f64 {
    f64::from(f32::from_bits(1))
}

/// 256 cases per property and no regression files written into the tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn widen(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

/// Binds `$a` to the zero-sized (or slope-carrying) kernel that `$kind`
/// names, then evaluates `$body`. Written out here rather than trusting the
/// crate's own dispatch.
macro_rules! with_kernel {
    ($kind:expr, $a:ident => $body:expr) => {
        match $kind {
            ActivationKind::Linear => {
                let $a = Linear;
                $body
            }
            ActivationKind::ReLU => {
                let $a = ReLU;
                $body
            }
            ActivationKind::LeakyReLU { slope } => {
                let $a = LeakyReLU::with_slope(slope);
                $body
            }
            ActivationKind::Sigmoid => {
                let $a = Sigmoid;
                $body
            }
            ActivationKind::Tanh => {
                let $a = Tanh;
                $body
            }
            ActivationKind::Softmax => {
                let $a = Softmax;
                $body
            }
        }
    };
}

/// The six variants, LeakyReLU with `slope`.
fn all_kinds(slope: f32) -> [ActivationKind; 6] {
    [
        ActivationKind::Linear,
        ActivationKind::ReLU,
        ActivationKind::LeakyReLU { slope },
        ActivationKind::Sigmoid,
        ActivationKind::Tanh,
        ActivationKind::Softmax,
    ]
}

/// A kind with its slope as bits, so that a NaN slope compares equal to
/// itself.
fn kind_bits(kind: ActivationKind) -> (u8, u32) {
    match kind {
        ActivationKind::Linear => (0, 0),
        ActivationKind::ReLU => (1, 0),
        ActivationKind::LeakyReLU { slope } => (2, slope.to_bits()),
        ActivationKind::Sigmoid => (3, 0),
        ActivationKind::Tanh => (4, 0),
        ActivationKind::Softmax => (5, 0),
    }
}

fn is_row_wise(kind: ActivationKind) -> bool {
    matches!(kind, ActivationKind::Softmax)
}

// ---------------------------------------------------------------------------
// f64 references, written from the spec's formulas
// ---------------------------------------------------------------------------

fn relu64(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

fn leaky_relu64(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.1 * x
    }
}

fn sigmoid64(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Per-row softmax in `f64`: `exp(x - max) / Σ exp(x - max)`.
fn softmax64(x: &[f64], cols: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    for row in x.chunks(cols) {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = row.iter().map(|&v| (v - m).exp()).collect();
        let s: f64 = e.iter().sum();
        out.extend(e.iter().map(|&v| v / s));
    }
    out
}

/// Central finite differences of `L(x) = Σ_i dv_i · reference(x)_i` in `f64`,
/// one coordinate at a time. The difference `L(x + h·e_i) - L(x - h·e_i)` is
/// summed term by term so that unchanged terms cancel exactly, and divided by
/// the step that `f64` actually took.
fn numeric_gradient(
    reference: &dyn Fn(&[f64]) -> Vec<f64>,
    x: &[f32],
    dv: &[f32],
    h: f64,
) -> Vec<f64> {
    let x = widen(x);
    (0..x.len())
        .map(|i| {
            let mut plus = x.clone();
            plus[i] += h;
            let mut minus = x.clone();
            minus[i] -= h;
            let step = plus[i] - minus[i];
            let (yp, ym) = (reference(&plus), reference(&minus));
            let dl: f64 = yp
                .iter()
                .zip(&ym)
                .zip(dv)
                .map(|((p, m), &d)| f64::from(d) * (p - m))
                .sum();
            dl / step
        })
        .collect()
}

/// Runs the crate's forward, then its backward from that output, and checks
/// every `dinputs` element against the finite-difference gradient of the f64
/// reference within `tol(i)`.
#[allow(clippy::too_many_arguments)]
fn check_gradient<A: Activation>(
    act: &A,
    reference: &dyn Fn(&[f64]) -> Vec<f64>,
    rows: usize,
    cols: usize,
    x: &[f32],
    dv: &[f32],
    h: f64,
    tol: &dyn Fn(usize) -> f64,
) -> Result<(), TestCaseError> {
    let mut y = vec![0.0_f32; x.len()];
    prop_assert_eq!(act.forward(x, rows, cols, &mut y), Ok(()));
    let mut dx = vec![0.0_f32; x.len()];
    prop_assert_eq!(act.backward(&y, dv, rows, cols, &mut dx), Ok(()));
    let numeric = numeric_gradient(reference, x, dv, h);
    for (i, (&got, &want)) in dx.iter().zip(&numeric).enumerate() {
        let diff = (f64::from(got) - want).abs();
        let tol = tol(i);
        prop_assert!(
            diff <= tol,
            "element {}: backward {:e} vs finite difference {:e}, |diff| {:e} > tol {:e}\n\
             x = {:?}\ndv = {:?}",
            i,
            got,
            want,
            diff,
            tol,
            x,
            dv
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// A `rows × cols` batch of inputs `x` and upstream gradients `dv`.
fn batch<X, D>(
    rows: std::ops::RangeInclusive<usize>,
    cols: std::ops::RangeInclusive<usize>,
    x: X,
    dv: D,
) -> impl Strategy<Value = (usize, usize, Vec<f32>, Vec<f32>)>
where
    X: Strategy<Value = f32> + Clone,
    D: Strategy<Value = f32> + Clone,
{
    (rows, cols).prop_flat_map(move |(r, c)| {
        (
            Just(r),
            Just(c),
            vec(x.clone(), r * c),
            vec(dv.clone(), r * c),
        )
    })
}

/// Any `f32` bit pattern (NaN with any payload, ±inf, subnormals, ±0), with
/// the special values and ordinary numbers over-weighted.
fn wild() -> impl Strategy<Value = f32> + Clone {
    prop_oneof![
        4 => any::<u32>().prop_map(f32::from_bits),
        2 => -100.0_f32..100.0,
        2 => prop::sample::select(vec![
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001), // signalling-pattern NaN
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::MAX,
            f32::MIN,
            1.0,
            -1.0,
        ]),
    ]
}

/// Finite values of either sign with `|x| >= 0.01`, so that a step of 1e-3
/// never crosses the ReLU / LeakyReLU kink.
fn away_from_zero() -> impl Strategy<Value = f32> + Clone {
    prop_oneof![-5.0_f32..-0.01, 0.01_f32..5.0]
}

/// Every variant, LeakyReLU with the default slope or with any bit pattern.
fn any_kind() -> impl Strategy<Value = ActivationKind> {
    prop_oneof![
        Just(ActivationKind::Linear),
        Just(ActivationKind::ReLU),
        Just(ActivationKind::LeakyReLU {
            slope: LeakyReLU::DEFAULT_SLOPE
        }),
        wild().prop_map(|slope| ActivationKind::LeakyReLU { slope }),
        Just(ActivationKind::Sigmoid),
        Just(ActivationKind::Tanh),
        Just(ActivationKind::Softmax),
    ]
}

/// A positive, finite slope (any bit pattern in that set, subnormals
/// included), for which LeakyReLU's output is `<= 0` exactly where its input
/// is.
fn positive_finite_slope() -> impl Strategy<Value = f32> {
    prop_oneof![
        Just(LeakyReLU::DEFAULT_SLOPE),
        0.0_f32..4.0,
        (1_u32..0x7f80_0000).prop_map(f32::from_bits),
    ]
    .prop_filter("slope must be positive and finite", |s| {
        *s > 0.0 && s.is_finite()
    })
}

/// Shapes for the error tests: small ones (zeros included), and ones whose
/// `rows * cols` overflows or is too large for any slice.
fn error_shape() -> impl Strategy<Value = (usize, usize)> {
    prop_oneof![
        6 => (0_usize..=4, 0_usize..=5),
        1 => prop::sample::select(vec![
            (usize::MAX / 2 + 1, 2),
            (2, usize::MAX / 2 + 1),
            (usize::MAX / 3 + 1, 3),
            (usize::MAX, usize::MAX),
            (usize::MAX, 0),
            (0, usize::MAX),
            (usize::MAX, 1),
            (1, usize::MAX),
        ]),
    ]
}

/// A slice length for a shape: usually the right one, sometimes any other.
fn some_len(rows: usize, cols: usize) -> BoxedStrategy<usize> {
    match rows.checked_mul(cols).filter(|&n| n <= 64) {
        Some(n) => prop_oneof![3 => Just(n), 1 => 0..=n + 2].boxed(),
        None => (0_usize..=4).boxed(),
    }
}

// ---------------------------------------------------------------------------
// Expected errors, from the documented contract
// ---------------------------------------------------------------------------

/// `rows * cols`, computed in `u128`; `EmptyShape` first for a row-wise
/// activation with no columns.
fn expected_elements(row_wise: bool, rows: usize, cols: usize) -> Result<usize, Error> {
    if row_wise && cols == 0 {
        return Err(Error::EmptyShape { rows, cols });
    }
    let n = rows as u128 * cols as u128;
    if n > usize::MAX as u128 {
        Err(Error::ShapeOverflow { rows, cols })
    } else {
        Ok(n as usize)
    }
}

/// The first argument, in the documented parameter order, whose length is not
/// `n`.
fn expected_lengths(n: usize, args: &[(&'static str, usize)]) -> Result<(), Error> {
    for &(argument, actual) in args {
        if actual != n {
            return Err(Error::LengthMismatch {
                argument,
                expected: n,
                actual,
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Property bodies shared by the kernels and ActivationKind
// ---------------------------------------------------------------------------

/// In-place forms equal out-of-place forms bit for bit; `y` is an arbitrary
/// `output` argument for the backward, besides the forward's own output.
fn check_in_place<A: Activation>(
    a: &A,
    x: &[f32],
    y: &[f32],
    dv: &[f32],
    rows: usize,
    cols: usize,
) -> Result<(), TestCaseError> {
    let n = x.len();
    let mut out = vec![0.0_f32; n];
    let r_out = a.forward(x, rows, cols, &mut out);
    let mut inp = x.to_vec();
    let r_in = a.forward_in_place(rows, cols, &mut inp);
    prop_assert_eq!(r_out, r_in);
    if r_out.is_ok() {
        prop_assert_eq!(bits(&out), bits(&inp), "forward vs forward_in_place");
    }
    for output in [&out[..], y] {
        let mut dx = vec![0.0_f32; n];
        let r_out = a.backward(output, dv, rows, cols, &mut dx);
        let mut g = dv.to_vec();
        let r_in = a.backward_in_place(output, rows, cols, &mut g);
        prop_assert_eq!(r_out, r_in);
        if r_out.is_ok() {
            prop_assert_eq!(bits(&dx), bits(&g), "backward vs backward_in_place");
        }
    }
    Ok(())
}

/// All four methods of two activations give the same results, bit for bit.
fn check_same_kernel<A: Activation, B: Activation>(
    a: &A,
    b: &B,
    x: &[f32],
    y: &[f32],
    dv: &[f32],
    rows: usize,
    cols: usize,
) -> Result<(), TestCaseError> {
    let n = x.len();
    let (mut fa, mut fb) = (vec![0.0_f32; n], vec![0.0_f32; n]);
    prop_assert_eq!(
        a.forward(x, rows, cols, &mut fa),
        b.forward(x, rows, cols, &mut fb)
    );
    prop_assert_eq!(bits(&fa), bits(&fb), "forward");

    let (mut ia, mut ib) = (x.to_vec(), x.to_vec());
    prop_assert_eq!(
        a.forward_in_place(rows, cols, &mut ia),
        b.forward_in_place(rows, cols, &mut ib)
    );
    prop_assert_eq!(bits(&ia), bits(&ib), "forward_in_place");

    let (mut da, mut db) = (vec![0.0_f32; n], vec![0.0_f32; n]);
    prop_assert_eq!(
        a.backward(y, dv, rows, cols, &mut da),
        b.backward(y, dv, rows, cols, &mut db)
    );
    prop_assert_eq!(bits(&da), bits(&db), "backward");

    let (mut ga, mut gb) = (dv.to_vec(), dv.to_vec());
    prop_assert_eq!(
        a.backward_in_place(y, rows, cols, &mut ga),
        b.backward_in_place(y, rows, cols, &mut gb)
    );
    prop_assert_eq!(bits(&ga), bits(&gb), "backward_in_place");
    Ok(())
}

/// `ActivationBuffer` gives the stateless kernel's forward output and
/// backward `dinputs`, bit for bit.
fn check_buffer_matches_kernel<A: Activation + Copy>(
    a: A,
    x: &[f32],
    dv: &[f32],
    rows: usize,
    cols: usize,
) -> Result<(), TestCaseError> {
    let n = x.len();
    let mut y = vec![0.0_f32; n];
    a.forward(x, rows, cols, &mut y)
        .map_err(|e| TestCaseError::fail(format!("kernel forward: {e}")))?;
    let mut dx = vec![0.0_f32; n];
    a.backward(&y, dv, rows, cols, &mut dx)
        .map_err(|e| TestCaseError::fail(format!("kernel backward: {e}")))?;

    let mut buffer: ActivationBuffer<A, 24> = ActivationBuffer::new(a);
    let got = buffer
        .forward(x, rows, cols)
        .map_err(|e| TestCaseError::fail(format!("buffer forward: {e}")))?;
    prop_assert_eq!(bits(got), bits(&y), "returned output");
    prop_assert_eq!(bits(buffer.output()), bits(&y), "cached output");
    prop_assert_eq!(buffer.shape(), (rows, cols));
    prop_assert_eq!(buffer.dinputs(), None);
    let got = buffer
        .backward(dv)
        .map_err(|e| TestCaseError::fail(format!("buffer backward: {e}")))?;
    prop_assert_eq!(bits(got), bits(&dx), "returned dinputs");
    prop_assert_eq!(
        buffer.dinputs().map(bits),
        Some(bits(&dx)),
        "cached dinputs"
    );
    Ok(())
}

/// Calls all four methods with the given slice lengths (in the order
/// forward inputs/output, in-place values, backward output/dvalues/dinputs,
/// in-place output/gradient), checks that each returns exactly the error the
/// contract predicts (or `Ok`), and that an `Err` left every writable slice
/// bit-identical to its sentinel fill.
fn check_errors<A: Activation>(
    a: &A,
    row_wise: bool,
    rows: usize,
    cols: usize,
    lens: &[usize],
    fill: u32,
) -> Result<(), TestCaseError> {
    let filled = |len: usize| vec![f32::from_bits(fill); len];
    let data = |len: usize| (0..len).map(|i| i as f32 - 1.5).collect::<Vec<f32>>();
    let shape = expected_elements(row_wise, rows, cols);
    let untouched = |v: &[f32], len: usize| bits(v) == vec![fill; len];

    let inputs = data(lens[0]);
    let mut output = filled(lens[1]);
    let got = a.forward(&inputs, rows, cols, &mut output);
    let want = shape.and_then(|n| expected_lengths(n, &[("inputs", lens[0]), ("output", lens[1])]));
    prop_assert_eq!(got, want, "forward {}x{} lens {:?}", rows, cols, lens);
    if got.is_err() {
        prop_assert!(untouched(&output, lens[1]), "forward wrote on error");
    }

    let mut values = filled(lens[2]);
    let got = a.forward_in_place(rows, cols, &mut values);
    let want = shape.and_then(|n| expected_lengths(n, &[("values", lens[2])]));
    prop_assert_eq!(
        got,
        want,
        "forward_in_place {}x{} lens {:?}",
        rows,
        cols,
        lens
    );
    if got.is_err() {
        prop_assert!(
            untouched(&values, lens[2]),
            "forward_in_place wrote on error"
        );
    }

    let output = data(lens[3]);
    let dvalues = data(lens[4]);
    let mut dinputs = filled(lens[5]);
    let got = a.backward(&output, &dvalues, rows, cols, &mut dinputs);
    let want = shape.and_then(|n| {
        expected_lengths(
            n,
            &[
                ("output", lens[3]),
                ("dvalues", lens[4]),
                ("dinputs", lens[5]),
            ],
        )
    });
    prop_assert_eq!(got, want, "backward {}x{} lens {:?}", rows, cols, lens);
    if got.is_err() {
        prop_assert!(untouched(&dinputs, lens[5]), "backward wrote on error");
    }

    let output = data(lens[6]);
    let mut gradient = filled(lens[7]);
    let got = a.backward_in_place(&output, rows, cols, &mut gradient);
    let want =
        shape.and_then(|n| expected_lengths(n, &[("output", lens[6]), ("gradient", lens[7])]));
    prop_assert_eq!(
        got,
        want,
        "backward_in_place {}x{} lens {:?}",
        rows,
        cols,
        lens
    );
    if got.is_err() {
        prop_assert!(
            untouched(&gradient, lens[7]),
            "backward_in_place wrote on error"
        );
    }
    Ok(())
}

/// One call on an `ActivationBuffer`. Slice contents cycle through `pool`;
/// with `exact` the length is the one the shape asks for.
#[derive(Clone, Debug)]
enum BufferOp {
    Forward {
        rows: usize,
        cols: usize,
        exact: bool,
        len: usize,
        pool: Vec<f32>,
    },
    Backward {
        exact: bool,
        len: usize,
        pool: Vec<f32>,
    },
}

fn buffer_op() -> impl Strategy<Value = BufferOp> {
    let shape = prop_oneof![
        8 => (0_usize..=3, 0_usize..=4),
        1 => prop::sample::select(vec![
            (usize::MAX / 2 + 1, 2),
            (usize::MAX, 0),
            (0, usize::MAX),
            (usize::MAX, 1),
        ]),
    ];
    prop_oneof![
        (shape, any::<bool>(), 0_usize..=13, vec(wild(), 1..=8)).prop_map(
            |((rows, cols), exact, len, pool)| BufferOp::Forward {
                rows,
                cols,
                exact,
                len,
                pool,
            }
        ),
        (any::<bool>(), 0_usize..=9, vec(wild(), 1..=8))
            .prop_map(|(exact, len, pool)| BufferOp::Backward { exact, len, pool }),
    ]
}

fn cycle(pool: &[f32], len: usize) -> Vec<f32> {
    (0..len).map(|i| pool[i % pool.len()]).collect()
}

/// Runs `ops` on an `ActivationBuffer<A, N>` and on a model of it built from
/// the stateless kernel and the documented errors, and compares the result of
/// every call and, after every call, `output()`, `dinputs()` and `shape()`.
fn check_buffer_ops<A: Activation + Copy, const N: usize>(
    a: A,
    row_wise: bool,
    ops: &[BufferOp],
) -> Result<(), TestCaseError> {
    let mut buffer: ActivationBuffer<A, N> = ActivationBuffer::new(a);
    // (rows, cols, output) of the last successful forward, and the dinputs
    // of a backward since then.
    let mut last: Option<(usize, usize, Vec<f32>)> = None;
    let mut dinputs: Option<Vec<f32>> = None;

    prop_assert_eq!(buffer.capacity(), N);
    for op in ops {
        match op {
            BufferOp::Forward {
                rows,
                cols,
                exact,
                len,
                pool,
            } => {
                let (rows, cols) = (*rows, *cols);
                let n = expected_elements(false, rows, cols);
                let len = match n {
                    Ok(n) if *exact && n <= N + 4 => n,
                    _ => *len,
                };
                let x = cycle(pool, len);
                let want = match n {
                    Err(e) => Err(e),
                    Ok(n) if n > N => Err(Error::CapacityExceeded {
                        required: n,
                        capacity: N,
                    }),
                    Ok(_) if row_wise && cols == 0 => Err(Error::EmptyShape { rows, cols }),
                    Ok(n) => expected_lengths(n, &[("inputs", len)]),
                };
                let got = buffer.forward(&x, rows, cols).map(<[f32]>::to_vec);
                match want {
                    Err(e) => prop_assert_eq!(got, Err(e), "forward {}x{} len {}", rows, cols, len),
                    Ok(()) => {
                        let mut y = vec![0.0_f32; len];
                        prop_assert_eq!(a.forward(&x, rows, cols, &mut y), Ok(()));
                        let got = got.map_err(|e| {
                            TestCaseError::fail(format!("forward {rows}x{cols}: {e}"))
                        })?;
                        prop_assert_eq!(bits(&got), bits(&y));
                        last = Some((rows, cols, y));
                        dinputs = None;
                    }
                }
            }
            BufferOp::Backward { exact, len, pool } => {
                let len = match &last {
                    Some((_, _, y)) if *exact => y.len(),
                    _ => *len,
                };
                let dv = cycle(pool, len);
                let got = buffer.backward(&dv).map(<[f32]>::to_vec);
                match &last {
                    None => prop_assert_eq!(got, Err(Error::BackwardBeforeForward)),
                    Some((rows, cols, y)) => match expected_lengths(y.len(), &[("dvalues", len)]) {
                        Err(e) => prop_assert_eq!(got, Err(e)),
                        Ok(()) => {
                            let mut dx = vec![0.0_f32; len];
                            prop_assert_eq!(a.backward(y, &dv, *rows, *cols, &mut dx), Ok(()));
                            let got =
                                got.map_err(|e| TestCaseError::fail(format!("backward: {e}")))?;
                            prop_assert_eq!(bits(&got), bits(&dx));
                            dinputs = Some(dx);
                        }
                    },
                }
            }
        }
        match &last {
            None => {
                prop_assert!(buffer.output().is_empty());
                prop_assert_eq!(buffer.shape(), (0, 0));
            }
            Some((rows, cols, y)) => {
                prop_assert_eq!(bits(buffer.output()), bits(y), "output() after {:?}", op);
                prop_assert_eq!(buffer.shape(), (*rows, *cols), "shape() after {:?}", op);
            }
        }
        prop_assert_eq!(
            buffer.dinputs().map(bits),
            dinputs.as_deref().map(bits),
            "dinputs() after {:?}",
            op
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    // 1. Backward against central finite differences of an f64 forward.

    #[test]
    fn linear_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -5.0_f32..5.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.to_vec();
        let tol = |i: usize| 1e-9 * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Linear, &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn relu_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| relu64(v)).collect::<Vec<_>>();
        let tol = |i: usize| 1e-9 * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&ReLU, &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn leaky_relu_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| leaky_relu64(v)).collect::<Vec<_>>();
        // One f32 rounding, and the f32 slope 0.1 is 0.25 u away from 0.1.
        let tol = |i: usize| 2.0 * U * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&LeakyReLU::new(), &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn leaky_relu_with_slope_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, away_from_zero(), -10.0_f32..10.0),
        slope in 0.0_f32..2.0,
    ) {
        let s = f64::from(slope);
        let reference = |x: &[f64]| {
            x.iter().map(|&v| if v > 0.0 { v } else { s * v }).collect::<Vec<_>>()
        };
        // One f32 rounding of dv · slope (at most u relative).
        let tol = |i: usize| U * f64::from(dv[i].abs()) * (1.0 + s) + 1e-12;
        check_gradient(&LeakyReLU::with_slope(slope), &reference, rows, cols, &x, &dv, 1e-3, &tol)?;
    }

    #[test]
    fn sigmoid_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -20.0_f32..20.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| sigmoid64(v)).collect::<Vec<_>>();
        // y carries a few u of relative error; 1 - y turns that into an
        // absolute error of a few u, so the bound is absolute in |dv|.
        let tol = |i: usize| (16.0 * U + 1e-8) * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Sigmoid, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }

    #[test]
    fn tanh_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -10.0_f32..10.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| x.iter().map(|&v| v.tanh()).collect::<Vec<_>>();
        let tol = |i: usize| (16.0 * U + 1e-8) * f64::from(dv[i].abs()) + 1e-12;
        check_gradient(&Tanh, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }

    #[test]
    fn softmax_backward_matches_finite_differences(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, -5.0_f32..5.0, -10.0_f32..10.0)
    ) {
        let reference = |x: &[f64]| softmax64(x, cols);
        let y = softmax64(&widen(&x), cols);
        let x64 = widen(&x);
        let dv64 = widen(&dv);
        let k = cols as f64;
        let tol = |i: usize| {
            let row = i / cols * cols..(i / cols + 1) * cols;
            let spread = x64[row.clone()].iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))
                - x64[row.clone()].iter().fold(f64::INFINITY, |m, &v| m.min(v));
            // the documented relative error of each y_j, propagated through
            // y_i (dv_i - Σ dv_j y_j), plus the dot product's own rounding
            let eps = (spread + k + 4.0) * U;
            let sum_ydv: f64 = row.clone().map(|j| (y[j] * dv64[j]).abs()).sum();
            let sum_dv: f64 = dv64[row].iter().map(|v| v.abs()).sum();
            4.0 * eps * ((y[i] * dv64[i]).abs() + 2.0 * y[i] * sum_ydv) + 1e-8 * sum_dv + 1e-12
        };
        check_gradient(&Softmax, &reference, rows, cols, &x, &dv, 1e-4, &tol)?;
    }

    // 2. Softmax: rows sum to 1 within k·2u, and each output is within the
    //    documented relative bound of an f64 softmax of the same f32 inputs.

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
            let want = softmax64(&x64, cols);
            let m = x64.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for j in 0..cols {
                let got = f64::from(yr[j]);
                if xr[j] == f32::NEG_INFINITY {
                    prop_assert_eq!(yr[j].to_bits(), 0.0_f32.to_bits(), "-inf beside a finite max");
                    continue;
                }
                // Relative bound, plus a few subnormal steps for outputs that
                // underflow below f32::MIN_POSITIVE.
                let bound = ((x64[j] - m).abs() + k + 4.0) * U * want[j] + 4.0 * tiny();
                prop_assert!(
                    (got - want[j]).abs() <= bound,
                    "row {:?}: y[{}] = {:e}, f64 softmax {:e}, |diff| {:e} > bound {:e}",
                    xr, j, got, want[j], (got - want[j]).abs(), bound
                );
            }
        }
    }

    // 3. Softmax backward against the explicit Jacobian (diag(y) - y yᵀ) dv.

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
                    + 4.0 * k * tiny();
                let diff = (f64::from(dxr[i]) - jdv).abs();
                prop_assert!(
                    diff <= tol,
                    "y = {:?}, dv = {:?}: dx[{}] = {:e}, J@dv = {:e}, |diff| {:e} > {:e}",
                    yr, dvr, i, dxr[i], jdv, diff, tol
                );
            }
        }
    }

    // 4. In-place forms equal out-of-place forms, bit for bit, on any bits.

    #[test]
    fn in_place_equals_out_of_place(
        kind in any_kind(),
        (rows, cols, x, dv) in batch(0..=4, 0..=6, wild(), wild()),
        y_seed in vec(wild(), 24),
    ) {
        let y = &y_seed[..x.len()];
        check_in_place(&kind, &x, y, &dv, rows, cols)?;
        with_kernel!(kind, a => check_in_place(&a, &x, y, &dv, rows, cols))?;
    }

    // 5. ActivationKind::X equals the kernel X; ActivationBuffer equals the
    //    stateless kernels.

    #[test]
    fn activation_kind_equals_its_kernel(
        kind in any_kind(),
        (rows, cols, x, dv) in batch(0..=4, 0..=6, wild(), wild()),
        y_seed in vec(wild(), 24),
    ) {
        let y = &y_seed[..x.len()];
        with_kernel!(kind, a => {
            prop_assert_eq!(kind_bits(ActivationKind::from(a)), kind_bits(kind));
            check_same_kernel(&kind, &a, &x, y, &dv, rows, cols)
        })?;
    }

    #[test]
    fn activation_buffer_equals_stateless_kernels(
        kind in any_kind(),
        (rows, cols, x, dv) in batch(1..=4, 1..=6, wild(), wild()),
    ) {
        check_buffer_matches_kernel(kind, &x, &dv, rows, cols)?;
        with_kernel!(kind, a => check_buffer_matches_kernel(a, &x, &dv, rows, cols))?;
    }

    // 6. ReLU and LeakyReLU: backward from the inputs equals backward from the
    //    output, bit for bit.

    #[test]
    fn relu_backward_from_inputs_equals_from_output(
        (rows, cols, x, dv) in batch(1..=4, 1..=6, wild(), wild()),
        slope in positive_finite_slope(),
    ) {
        fn check<A: Activation>(
            a: &A, x: &[f32], dv: &[f32], rows: usize, cols: usize,
        ) -> Result<(), TestCaseError> {
            let mut y = vec![0.0_f32; x.len()];
            prop_assert_eq!(a.forward(x, rows, cols, &mut y), Ok(()));
            let (mut from_x, mut from_y) = (vec![0.0_f32; x.len()], vec![0.0_f32; x.len()]);
            prop_assert_eq!(a.backward(x, dv, rows, cols, &mut from_x), Ok(()));
            prop_assert_eq!(a.backward(&y, dv, rows, cols, &mut from_y), Ok(()));
            prop_assert_eq!(bits(&from_x), bits(&from_y), "x = {:?}, y = {:?}", x, y);
            Ok(())
        }
        check(&ReLU, &x, &dv, rows, cols)?;
        check(&LeakyReLU::new(), &x, &dv, rows, cols)?;
        check(&LeakyReLU::with_slope(slope), &x, &dv, rows, cols)?;
        check(&ActivationKind::ReLU, &x, &dv, rows, cols)?;
        check(&ActivationKind::LeakyReLU { slope }, &x, &dv, rows, cols)?;
    }

    // 7. Outputs stay in their ranges, on any bits; the exact activations
    //    match their f64 definitions exactly and the others within a few u.

    #[test]
    fn outputs_stay_in_range(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, wild(), Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut s, mut t, mut r) = (vec![0.0_f32; n], vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Sigmoid.forward(&x, rows, cols, &mut s), Ok(()));
        prop_assert_eq!(Tanh.forward(&x, rows, cols, &mut t), Ok(()));
        prop_assert_eq!(ReLU.forward(&x, rows, cols, &mut r), Ok(()));
        for i in 0..n {
            let xi = x[i];
            prop_assert_eq!(s[i].is_nan(), xi.is_nan(), "Sigmoid({:e}) = {:e}", xi, s[i]);
            prop_assert_eq!(t[i].is_nan(), xi.is_nan(), "Tanh({:e}) = {:e}", xi, t[i]);
            prop_assert_eq!(r[i].is_nan(), xi.is_nan(), "ReLU({:e}) = {:e}", xi, r[i]);
            if !xi.is_nan() {
                prop_assert!((0.0..=1.0).contains(&s[i]), "Sigmoid({:e}) = {:e}", xi, s[i]);
                prop_assert!((-1.0..=1.0).contains(&t[i]), "Tanh({:e}) = {:e}", xi, t[i]);
                prop_assert_eq!(
                    t[i].is_sign_negative(), xi.is_sign_negative(), "Tanh({:e}) = {:e}", xi, t[i]
                );
                prop_assert!(r[i] >= 0.0, "ReLU({:e}) = {:e}", xi, r[i]);
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

    #[test]
    fn exact_activations_match_their_definitions(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, wild(), Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut lin, mut relu, mut leaky) = (vec![0.0_f32; n], vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Linear.forward(&x, rows, cols, &mut lin), Ok(()));
        prop_assert_eq!(ReLU.forward(&x, rows, cols, &mut relu), Ok(()));
        prop_assert_eq!(LeakyReLU::new().forward(&x, rows, cols, &mut leaky), Ok(()));
        prop_assert_eq!(bits(&lin), bits(&x), "Linear passes every bit");
        for i in 0..n {
            let xi = x[i];
            if xi.is_nan() {
                prop_assert!(relu[i].is_nan() && leaky[i].is_nan());
                prop_assert_eq!(relu[i].to_bits(), xi.to_bits(), "ReLU keeps the NaN");
                continue;
            }
            // np.maximum(0, x): +0.0 where x < 0, else x (-0.0 stays -0.0:
            // NumPy returns the second argument when the two compare equal)
            let want_relu = if xi < 0.0 { 0.0 } else { xi };
            prop_assert_eq!(relu[i].to_bits(), want_relu.to_bits(), "ReLU({:e})", xi);
            // np.where(x > 0, x, 0.1 * x) on float32, 0.1 cast to f32 (NEP 50):
            // the f64 product of two f32 values is exact, so one rounding.
            let want_leaky = if xi > 0.0 {
                xi
            } else {
                (f64::from(0.1_f32) * f64::from(xi)) as f32
            };
            prop_assert_eq!(leaky[i].to_bits(), want_leaky.to_bits(), "LeakyReLU({:e})", xi);
        }
    }

    #[test]
    fn sigmoid_and_tanh_match_f64(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, -100.0_f32..100.0, Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut s, mut t) = (vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Sigmoid.forward(&x, rows, cols, &mut s), Ok(()));
        prop_assert_eq!(Tanh.forward(&x, rows, cols, &mut t), Ok(()));
        for i in 0..n {
            let xi = f64::from(x[i]);
            let (ws, wt) = (sigmoid64(xi), xi.tanh());
            let bs = 8.0 * U * ws + 2.0 * tiny();
            let bt = 8.0 * U * wt.abs() + 2.0 * tiny();
            // exp(-x) overflows f32 below x ≈ -88.72 and the spec then gives
            // exactly 0; keep clear of the boundary on either side.
            let e = (-xi).exp();
            let f32_max = f64::from(f32::MAX);
            if e > 1.001 * f32_max {
                prop_assert_eq!(s[i].to_bits(), 0.0_f32.to_bits(), "Sigmoid({:e})", xi);
            } else if e < 0.999 * f32_max {
                prop_assert!(
                    (f64::from(s[i]) - ws).abs() <= bs,
                    "Sigmoid({:e}) = {:e}, f64 {:e}", xi, s[i], ws
                );
            }
            prop_assert!(
                (f64::from(t[i]) - wt).abs() <= bt,
                "Tanh({:e}) = {:e}, f64 {:e}", xi, t[i], wt
            );
        }
    }

    // 8. Every error is the predicted one and leaves every buffer unchanged.

    #[test]
    fn errors_are_predicted_and_leave_buffers_unchanged(
        (rows, cols, lens) in error_shape().prop_flat_map(|(rows, cols)| {
            (Just(rows), Just(cols), vec(some_len(rows, cols), 8))
        }),
        fill in any::<u32>(),
        slope in wild(),
    ) {
        for kind in all_kinds(slope) {
            let row_wise = is_row_wise(kind);
            check_errors(&kind, row_wise, rows, cols, &lens, fill)?;
            with_kernel!(kind, a => check_errors(&a, row_wise, rows, cols, &lens, fill))?;
        }
    }

    #[test]
    fn activation_buffer_follows_its_model(
        kind in any_kind(),
        ops in vec(buffer_op(), 1..=12),
    ) {
        let row_wise = is_row_wise(kind);
        check_buffer_ops::<_, 8>(kind, row_wise, &ops)?;
        with_kernel!(kind, a => check_buffer_ops::<_, 8>(a, row_wise, &ops))?;
        check_buffer_ops::<_, 0>(kind, row_wise, &ops)?;
    }
}

// ---------------------------------------------------------------------------
// 9. Zero rows and zero columns, as documented in `activations/mod.rs`
// ---------------------------------------------------------------------------

#[test]
fn zero_rows_is_an_empty_batch_for_every_activation() {
    for kind in all_kinds(0.1) {
        for cols in [0, 1, 5, usize::MAX] {
            let want = if is_row_wise(kind) && cols == 0 {
                Err(Error::EmptyShape { rows: 0, cols })
            } else {
                Ok(())
            };
            let mut empty: [f32; 0] = [];
            assert_eq!(kind.forward(&[], 0, cols, &mut empty), want, "{kind:?}");
            assert_eq!(kind.forward_in_place(0, cols, &mut empty), want, "{kind:?}");
            assert_eq!(
                kind.backward(&[], &[], 0, cols, &mut empty),
                want,
                "{kind:?}"
            );
            assert_eq!(
                kind.backward_in_place(&[], 0, cols, &mut empty),
                want,
                "{kind:?}"
            );
        }
    }
}

#[test]
fn zero_cols_is_empty_for_elementwise_and_an_error_for_softmax() {
    for kind in all_kinds(0.1) {
        for rows in [0, 1, 3, usize::MAX] {
            let mut empty: [f32; 0] = [];
            let got = [
                kind.forward(&[], rows, 0, &mut empty),
                kind.forward_in_place(rows, 0, &mut empty),
                kind.backward(&[], &[], rows, 0, &mut empty),
                kind.backward_in_place(&[], rows, 0, &mut empty),
            ];
            let want = if is_row_wise(kind) {
                Err(Error::EmptyShape { rows, cols: 0 })
            } else {
                Ok(())
            };
            assert_eq!(got, [want; 4], "{kind:?} with {rows} rows");
        }
    }
    // A slice that is not empty is still checked against the empty shape.
    let mut out = [5.0_f32; 1];
    assert_eq!(
        ReLU.forward(&[1.0], 3, 0, &mut out),
        Err(Error::LengthMismatch {
            argument: "inputs",
            expected: 0,
            actual: 1
        })
    );
    assert_eq!(out, [5.0]);
}

#[test]
fn activation_buffer_zero_shapes() {
    let mut relu: ActivationBuffer<ReLU, 4> = ActivationBuffer::new(ReLU);
    assert_eq!(relu.forward(&[], 0, 7), Ok(&[][..]));
    assert_eq!(relu.shape(), (0, 7));
    assert_eq!(relu.backward(&[]), Ok(&[][..]));
    assert_eq!(relu.dinputs(), Some(&[][..]));

    let mut softmax: ActivationBuffer<Softmax, 4> = ActivationBuffer::new(Softmax);
    assert_eq!(
        softmax.forward(&[], 3, 0),
        Err(Error::EmptyShape { rows: 3, cols: 0 })
    );
    assert_eq!(softmax.backward(&[]), Err(Error::BackwardBeforeForward));
    assert_eq!(softmax.forward(&[], 0, 3), Ok(&[][..]));
    assert_eq!(softmax.shape(), (0, 3));
}

// ---------------------------------------------------------------------------
// ActivationBuffer errors, spelled out
// ---------------------------------------------------------------------------

#[test]
fn activation_buffer_errors_leave_it_unchanged() {
    let mut buf: ActivationBuffer<Sigmoid, 4> = ActivationBuffer::new(Sigmoid);
    assert_eq!(buf.backward(&[]), Err(Error::BackwardBeforeForward));
    assert_eq!(
        buf.forward(&[0.0; 5], 1, 5),
        Err(Error::CapacityExceeded {
            required: 5,
            capacity: 4
        })
    );
    assert_eq!(
        buf.backward(&[]),
        Err(Error::BackwardBeforeForward),
        "a failed forward is not a forward"
    );

    assert_eq!(buf.forward(&[0.0, 0.0], 2, 1), Ok(&[0.5, 0.5][..]));
    assert_eq!(buf.backward(&[4.0, -8.0]), Ok(&[1.0, -2.0][..]));
    let snapshot = |b: &ActivationBuffer<Sigmoid, 4>| {
        (
            bits(b.output()),
            b.dinputs().map(bits),
            b.shape(),
            b.capacity(),
        )
    };
    let before = snapshot(&buf);

    let errors = [
        (
            buf.forward(&[0.0; 5], 5, 1).map(<[f32]>::to_vec),
            Error::CapacityExceeded {
                required: 5,
                capacity: 4,
            },
        ),
        (
            buf.forward(&[], usize::MAX / 2 + 1, 2).map(<[f32]>::to_vec),
            Error::ShapeOverflow {
                rows: usize::MAX / 2 + 1,
                cols: 2,
            },
        ),
        (
            buf.forward(&[1.0; 3], 2, 2).map(<[f32]>::to_vec),
            Error::LengthMismatch {
                argument: "inputs",
                expected: 4,
                actual: 3,
            },
        ),
        (
            buf.backward(&[1.0; 3]).map(<[f32]>::to_vec),
            Error::LengthMismatch {
                argument: "dvalues",
                expected: 2,
                actual: 3,
            },
        ),
    ];
    for (got, want) in errors {
        assert_eq!(got, Err(want));
    }
    assert_eq!(snapshot(&buf), before);

    // A new forward drops the old gradient.
    assert_eq!(buf.forward(&[0.0], 1, 1), Ok(&[0.5][..]));
    assert_eq!(buf.dinputs(), None);
    assert_eq!(buf.shape(), (1, 1));
}

// ---------------------------------------------------------------------------
// Edge values from the spec that the unit tests in `src/` do not cover
// ---------------------------------------------------------------------------

#[test]
fn relu_backward_zeroes_masked_gradients_even_nan_and_inf() {
    // NumPy: dinputs = dvalues.copy(); dinputs[inputs <= 0] = 0, which
    // overwrites a NaN or infinite upstream gradient with 0.
    let x = [0.0_f32, -0.0, -1.0, f32::NEG_INFINITY, 2.0, f32::NAN];
    let dv = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::NAN,
        f32::INFINITY,
    ];
    let mut dx = [9.0_f32; 6];
    ReLU.backward(&x, &dv, 2, 3, &mut dx).unwrap();
    assert_eq!(bits(&dx[..4]), [0.0_f32.to_bits(); 4]);
    assert!(dx[4].is_nan());
    assert_eq!(dx[5], f32::INFINITY);

    // LeakyReLU scales them instead: NaN·0.1 is NaN, inf·0.1 is inf.
    LeakyReLU::new().backward(&x, &dv, 2, 3, &mut dx).unwrap();
    assert!(dx[0].is_nan());
    assert_eq!(dx[1], f32::INFINITY);
    assert_eq!(dx[2], f32::NEG_INFINITY);
    assert!(dx[3].is_nan());
}

#[test]
fn leaky_relu_edge_values_backward_from_output() {
    // -inf stays -inf and keeps the slope; -0.0 stays -0.0 and keeps it too.
    let x = [f32::NEG_INFINITY, -0.0, 0.0, f32::INFINITY];
    let mut y = [9.0_f32; 4];
    LeakyReLU::new().forward(&x, 1, 4, &mut y).unwrap();
    assert_eq!(y[0], f32::NEG_INFINITY);
    assert_eq!(y[1].to_bits(), (-0.0_f32).to_bits());
    assert_eq!(y[2].to_bits(), 0.0_f32.to_bits());
    assert_eq!(y[3], f32::INFINITY);
    let mut dx = [9.0_f32; 4];
    LeakyReLU::new()
        .backward(&y, &[10.0; 4], 1, 4, &mut dx)
        .unwrap();
    assert_eq!(dx, [1.0, 1.0, 1.0, 10.0]);
}

#[test]
fn sigmoid_saturation_and_backward_edges() {
    let x = [-89.0_f32, -88.0, 17.0, 16.0, -0.0, 88.8];
    let mut y = [9.0_f32; 6];
    Sigmoid.forward(&x, 1, 6, &mut y).unwrap();
    // exp(89) overflows f32 (max ≈ e^88.72): 1 / inf is exactly +0.
    assert_eq!(y[0].to_bits(), 0.0_f32.to_bits());
    // exp(88) does not: 1/(1+e^88) ≈ 6.05e-39, a subnormal, not 0.
    let want = sigmoid64(-88.0);
    assert!(y[1] > 0.0 && (f64::from(y[1]) - want).abs() <= 8.0 * U * want + 2.0 * tiny());
    // 1 + e^-17 rounds to 1; 1 + e^-16 does not (e^-16 > 2^-24).
    assert_eq!(y[2], 1.0);
    assert!(y[3] < 1.0);
    assert_eq!(y[4], 0.5);
    assert_eq!(y[5], 1.0);

    // dv · y · (1 - y) vanishes at both ends and propagates NaN.
    let y = [0.0_f32, 1.0, f32::NAN, 0.5];
    let mut dx = [9.0_f32; 4];
    Sigmoid
        .backward(&y, &[3.0, 3.0, 3.0, f32::NAN], 2, 2, &mut dx)
        .unwrap();
    assert_eq!(&dx[..2], &[0.0, 0.0]);
    assert!(dx[2].is_nan());
    assert!(dx[3].is_nan());
}

#[test]
fn tanh_saturation_tiny_inputs_and_backward_edges() {
    let x = [9.1_f32, -9.1, 1e-30, -1e-45, f32::MIN_POSITIVE, 2.0];
    let mut y = [9.0_f32; 6];
    Tanh.forward(&x, 2, 3, &mut y).unwrap();
    assert_eq!(y[0], 1.0);
    assert_eq!(y[1], -1.0);
    // tanh(x) = x - x³/3 + ...: for tiny x the correctly rounded result is x.
    assert_eq!(y[2], 1e-30);
    assert_eq!(y[3].to_bits(), (-1e-45_f32).to_bits());
    assert_eq!(y[4], f32::MIN_POSITIVE);
    // f64: tanh(2) = 0.964027580075817
    assert!((f64::from(y[5]) - 0.964_027_580_075_817).abs() < 1e-7);

    // dv · (1 - y²): zero at ±1, NaN for NaN, and inf·0 = NaN as in NumPy.
    let y = [1.0_f32, -1.0, f32::NAN, 1.0];
    let mut dx = [9.0_f32; 4];
    Tanh.backward(&y, &[5.0, 5.0, 5.0, f32::INFINITY], 1, 4, &mut dx)
        .unwrap();
    assert_eq!(&dx[..2], &[0.0, 0.0]);
    assert!(dx[2].is_nan());
    assert!(dx[3].is_nan());
}

#[test]
fn softmax_more_edge_rows() {
    let inf = f32::INFINITY;
    let x = [
        inf,
        inf, // two +inf
        inf,
        -inf, // +inf beside -inf
        f32::MAX,
        f32::MIN, // x - max overflows to -inf: exp gives 0
        f32::NAN,
        -inf, // NaN beside -inf
        2.0,
        2.0, // equal values
    ];
    let mut y = [9.0_f32; 10];
    Softmax.forward(&x, 5, 2, &mut y).unwrap();
    assert!(y[..4].iter().all(|v| v.is_nan()), "{y:?}");
    assert_eq!(&y[4..6], &[1.0, 0.0]);
    assert!(y[6..8].iter().all(|v| v.is_nan()), "{y:?}");
    assert_eq!(&y[8..], &[0.5, 0.5]);

    // One column: every finite value gives exactly 1, -inf and +inf give NaN.
    let x = [f32::MAX, f32::MIN, 0.0, -1e-45, -inf, inf, f32::NAN];
    let mut y = [9.0_f32; 7];
    Softmax.forward(&x, 7, 1, &mut y).unwrap();
    assert_eq!(&y[..4], &[1.0; 4]);
    assert!(y[4..].iter().all(|v| v.is_nan()), "{y:?}");

    // The spec row in place, against e^-2/(1+e^-1+e^-2) etc. written in f64.
    let mut v = [1000.0_f32, 1001.0, 1002.0, 0.0, 0.0, 0.0];
    Softmax.forward_in_place(2, 3, &mut v).unwrap();
    let s = 1.0 + (-1.0_f64).exp() + (-2.0_f64).exp();
    let want = [(-2.0_f64).exp() / s, (-1.0_f64).exp() / s, 1.0 / s];
    for (got, want) in v[..3].iter().zip(want) {
        assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
    }
    // spec's printed values, to the digits printed
    for (got, printed) in v[..3].iter().zip([0.0900306_f64, 0.2447285, 0.6652410]) {
        assert!(
            (f64::from(*got) - printed).abs() < 1e-7,
            "{got} vs {printed}"
        );
    }
    let third = 1.0_f32 / 3.0;
    assert_eq!(&v[3..], &[third; 3]);
}

#[test]
fn softmax_backward_hand_checked() {
    // y = [1/4; 4], dv = e_0: the first column of diag(y) - y yᵀ is
    // [1/4 - 1/16, -1/16, -1/16, -1/16], exact in binary.
    let mut dx = [9.0_f32; 4];
    Softmax
        .backward(&[0.25; 4], &[1.0, 0.0, 0.0, 0.0], 1, 4, &mut dx)
        .unwrap();
    assert_eq!(dx, [0.1875, -0.0625, -0.0625, -0.0625]);

    // A one-hot output has a zero Jacobian: any dv gives zero.
    let mut g = [3.0_f32, -7.0, 11.0];
    Softmax
        .backward_in_place(&[0.0, 1.0, 0.0], 1, 3, &mut g)
        .unwrap();
    assert_eq!(g, [0.0; 3]);

    // A NaN in dv spreads across its row through Σ dv_j y_j, and only there.
    let mut dx = [9.0_f32; 4];
    Softmax
        .backward(
            &[0.5, 0.5, 0.5, 0.5],
            &[f32::NAN, 1.0, 2.0, 1.0],
            2,
            2,
            &mut dx,
        )
        .unwrap();
    assert!(dx[0].is_nan() && dx[1].is_nan());
    assert_eq!(&dx[2..], &[0.25, -0.25]);
}

#[test]
fn kinds_convert_from_their_kernels() {
    assert_eq!(ActivationKind::from(Linear), ActivationKind::Linear);
    assert_eq!(ActivationKind::from(ReLU), ActivationKind::ReLU);
    assert_eq!(
        ActivationKind::from(LeakyReLU::new()),
        ActivationKind::LeakyReLU { slope: 0.1 }
    );
    assert_eq!(
        ActivationKind::from(LeakyReLU::with_slope(0.25)),
        ActivationKind::LeakyReLU { slope: 0.25 }
    );
    assert_eq!(ActivationKind::from(Sigmoid), ActivationKind::Sigmoid);
    assert_eq!(ActivationKind::from(Tanh), ActivationKind::Tanh);
    assert_eq!(ActivationKind::from(Softmax), ActivationKind::Softmax);
    assert_eq!(LeakyReLU::default(), LeakyReLU::new());
    assert_eq!(LeakyReLU::new().slope(), 0.1);
}
