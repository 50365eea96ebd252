//! Errors: each names the right argument and the first offending label;
//! a call fails iff it breaks the contract, and on `Err` nothing is
//! written (no output element, no in-place buffer, no `LossBuffer` cache).

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy, SparseCategoricalCrossEntropy,
};
use vanillanets::{Error, LossBuffer};
use vanillanets_test::bits::bits;

use crate::{config, sentinel, SENTINEL_BITS};

/// `Error::LengthMismatch` for `argument`.
pub(crate) fn mismatch(argument: &'static str, expected: usize, actual: usize) -> Error {
    Error::LengthMismatch {
        argument,
        expected,
        actual,
    }
}

/// The error of a call that must fail.
fn err<T: core::fmt::Debug>(r: Result<T, Error>) -> Error {
    r.expect_err("the call must be refused")
}

#[test]
fn label_out_of_range_names_the_first_offending_row() {
    let p = [0.25_f32; 12];
    let bad = Labels::Classes(&[0, 3, 1, 7]);
    let want = Error::LabelOutOfRange {
        row: 1,
        label: 3,
        classes: 3,
    };
    let mut l = [sentinel(); 4];
    let mut dx = [sentinel(); 12];
    let mut v = p;
    let mut buf: LossBuffer<SoftmaxCrossEntropy, 12> = LossBuffer::new(SoftmaxCrossEntropy);
    for got in [
        err(CategoricalCrossEntropy.forward(&p, bad, 4, 3, &mut l)),
        err(CategoricalCrossEntropy.calculate(&p, bad, 4, 3)),
        err(CategoricalCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SparseCategoricalCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.forward_logits(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.backward_in_place(bad, 4, 3, &mut v)),
        err(buf.backward(&p, bad, 4, 3).map(<[f32]>::len)),
    ] {
        assert_eq!(got, want);
    }
    assert_eq!(bits(&l), vec![SENTINEL_BITS; 4]);
    assert_eq!(bits(&dx), vec![SENTINEL_BITS; 12]);
    assert_eq!(bits(&v), bits(&p));
    assert!(buf.dinputs().is_none());
    // usize::MAX as a label is out of range too (no wrap-around).
    assert_eq!(
        err(CategoricalCrossEntropy.calculate(&p[..3], Labels::Classes(&[usize::MAX]), 1, 3)),
        Error::LabelOutOfRange {
            row: 0,
            label: usize::MAX,
            classes: 3
        }
    );
}

/// Buffers that every failing call below is handed; none may be written.
fn untouched(buffers: &[&[f32]]) {
    for (i, buf) in buffers.iter().enumerate() {
        assert!(
            buf.iter().all(|v| v.to_bits() == SENTINEL_BITS),
            "buffer {i} was written by a failing call: {buf:?}"
        );
    }
}

#[test]
fn wrong_lengths_name_the_argument() {
    let p = [0.5_f32; 6];
    let y = [1.0_f32; 6];
    let mut l2 = [sentinel(); 2];
    let mut l3 = [sentinel(); 3];
    let mut d6 = [sentinel(); 6];
    let mut d5 = [sentinel(); 5];
    let two = Labels::Classes(&[0, 0]);

    let calls = [
        // labels of the wrong length
        (
            err(CategoricalCrossEntropy.calculate(&p, Labels::Classes(&[0, 1, 2]), 2, 3)),
            mismatch("labels", 2, 3),
        ),
        (
            err(CategoricalCrossEntropy.calculate(&p, Labels::OneHot(&y[..5]), 2, 3)),
            mismatch("labels", 6, 5),
        ),
        (
            err(SoftmaxCrossEntropy.backward(&p, Labels::Classes(&[0]), 2, 3, &mut d6)),
            mismatch("labels", 2, 1),
        ),
        // targets of the wrong length
        (
            err(BinaryCrossEntropy.calculate(&p, &y[..5], 2, 3)),
            mismatch("targets", 6, 5),
        ),
        (
            err(MeanSquaredError.backward(&p, &y[..4], 2, 3, &mut d6)),
            mismatch("targets", 6, 4),
        ),
        // predictions of the wrong length (an (n,1) vs (n,) mix-up is refused)
        (
            err(BinaryCrossEntropy.forward(&p[..5], &y[..5], 2, 3, &mut l2)),
            mismatch("predictions", 6, 5),
        ),
        (
            err(MeanSquaredError.calculate(&p[..2], &y[..2], 2, 2)),
            mismatch("predictions", 4, 2),
        ),
        (
            err(CategoricalCrossEntropy.backward(&p[..5], two, 2, 3, &mut d6)),
            mismatch("predictions", 6, 5),
        ),
        // sample_losses must have `rows` elements, not rows * cols
        (
            err(BinaryCrossEntropy.forward(&p, &y, 2, 3, &mut l3)),
            mismatch("sample_losses", 2, 3),
        ),
        (
            err(CategoricalCrossEntropy.forward(&p, two, 2, 3, &mut d6)),
            mismatch("sample_losses", 2, 6),
        ),
        // dinputs must have rows * cols
        (
            err(MeanSquaredError.backward(&p, &y, 2, 3, &mut d5)),
            mismatch("dinputs", 6, 5),
        ),
        (
            err(SoftmaxCrossEntropy.backward(&p, two, 2, 3, &mut d5)),
            mismatch("dinputs", 6, 5),
        ),
        // forward_logits' output
        (
            err(SoftmaxCrossEntropy.forward_logits(&p, two, 2, 3, &mut d5)),
            mismatch("output", 6, 5),
        ),
    ];
    for (i, (got, want)) in calls.into_iter().enumerate() {
        assert_eq!(got, want, "call {i} of the table");
    }
    untouched(&[&l2, &l3, &d6, &d5]);
}

#[test]
fn overflowing_shapes_are_refused() {
    let over = Error::ShapeOverflow {
        rows: usize::MAX,
        cols: 2,
    };
    let none = Labels::Classes(&[]);
    let mut buf: LossBuffer<MeanSquaredError, 4> = LossBuffer::new(MeanSquaredError);
    for got in [
        err(BinaryCrossEntropy.calculate(&[], &[], usize::MAX, 2)),
        err(MeanSquaredError.backward(&[], &[], usize::MAX, 2, &mut [])),
        err(CategoricalCrossEntropy.forward(&[], Labels::OneHot(&[]), usize::MAX, 2, &mut [])),
        err(SoftmaxCrossEntropy.forward_logits(&[], none, usize::MAX, 2, &mut [])),
        err(SoftmaxCrossEntropy.backward_in_place(none, usize::MAX, 2, &mut [])),
        err(buf.backward(&[], &[], usize::MAX, 2).map(<[f32]>::len)),
    ] {
        assert_eq!(got, over);
    }
    assert!(buf.dinputs().is_none());
}

#[test]
fn zero_cols_is_an_empty_shape_whatever_rows_is() {
    let mut d3 = [sentinel(); 3];
    let mut buf: LossBuffer<MeanSquaredError, 4> = LossBuffer::new(MeanSquaredError);
    for rows in [0, 3] {
        let empty = Error::EmptyShape { rows, cols: 0 };
        for got in [
            err(BinaryCrossEntropy.calculate(&[], &[], rows, 0)),
            err(MeanSquaredError.forward(&[], &[], rows, 0, &mut d3[..rows])),
            err(CategoricalCrossEntropy.backward(&[], Labels::OneHot(&[]), rows, 0, &mut [])),
            err(SoftmaxCrossEntropy.backward_in_place(Labels::OneHot(&[]), rows, 0, &mut [])),
            err(buf.backward(&[], &[], rows, 0).map(<[f32]>::len)),
        ] {
            assert_eq!(got, empty, "{rows}x0");
        }
    }
    untouched(&[&d3]);
    assert!(buf.dinputs().is_none());
}

/// `rows == 0`: `calculate` has no mean (`EmptyShape`, never NaN); forward
/// and backward are an empty batch.
#[test]
fn zero_rows_has_no_mean_but_is_an_empty_batch() {
    let none = Labels::Classes(&[]);
    let empty = Error::EmptyShape { rows: 0, cols: 3 };
    for got in [
        err(BinaryCrossEntropy.calculate(&[], &[], 0, 3)),
        err(MeanSquaredError.calculate(&[], &[], 0, 3)),
        err(CategoricalCrossEntropy.calculate(&[], none, 0, 3)),
        err(SoftmaxCrossEntropy.calculate(&[], Labels::OneHot(&[]), 0, 3)),
        err(SoftmaxCrossEntropy.forward_logits(&[], none, 0, 3, &mut [])),
    ] {
        assert_eq!(got, empty);
    }
    assert_eq!(BinaryCrossEntropy.forward(&[], &[], 0, 3, &mut []), Ok(()));
    assert_eq!(
        CategoricalCrossEntropy.backward(&[], none, 0, 3, &mut []),
        Ok(())
    );
    assert_eq!(
        SoftmaxCrossEntropy.backward_in_place(none, 0, 3, &mut []),
        Ok(())
    );
}

// ---------------------------------------------------------------------------
// Err iff the call is invalid: arbitrary, often invalid, calls
// ---------------------------------------------------------------------------

/// The loss under test in the error property.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bce,
    Mse,
    Cce,
    Sce,
}

/// An arbitrary, often invalid, call.
#[derive(Clone, Debug)]
struct Call {
    kind: Kind,
    rows: usize,
    cols: usize,
    one_hot: bool,
    predictions: Vec<f32>,
    /// f32 targets, or one-hot rows.
    values: Vec<f32>,
    classes: Vec<usize>,
    sample_losses_len: usize,
    dinputs_len: usize,
    /// Prime the `LossBuffer` with a good call first.
    primed: bool,
}

impl Call {
    fn labels(&self) -> Labels<'_> {
        if self.one_hot {
            Labels::OneHot(&self.values)
        } else {
            Labels::Classes(&self.classes)
        }
    }
    fn uses_labels(&self) -> bool {
        matches!(self.kind, Kind::Cce | Kind::Sce)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Api {
    Forward,
    Calculate,
    Backward,
    ForwardLogits,
    BackwardInPlace,
    Buffer,
}

const CAP: usize = 6;

/// Every error the call deserves, computed from the contract alone; empty
/// iff the call is valid. Which of several applicable errors comes back is
/// not specified, so the result must be one of them.
fn deserved(c: &Call, api: Api) -> Vec<Error> {
    let mut errs = Vec::new();
    let (rows, cols) = (c.rows, c.cols);
    if cols == 0 {
        errs.push(Error::EmptyShape { rows, cols });
    }
    if matches!(api, Api::Calculate | Api::ForwardLogits) && rows == 0 {
        errs.push(Error::EmptyShape { rows, cols });
    }
    if c.uses_labels() && !c.one_hot {
        if c.classes.len() != rows {
            errs.push(mismatch("labels", rows, c.classes.len()));
        }
        if let Some(row) = c.classes.iter().position(|&l| l >= cols) {
            errs.push(Error::LabelOutOfRange {
                row,
                label: c.classes[row],
                classes: cols,
            });
        }
    }
    if api == Api::Forward && c.sample_losses_len != rows {
        errs.push(mismatch("sample_losses", rows, c.sample_losses_len));
    }
    match rows.checked_mul(cols) {
        None => errs.push(Error::ShapeOverflow { rows, cols }),
        Some(n) => {
            if c.predictions.len() != n {
                // each entry point names its own parameter
                let name = match api {
                    Api::BackwardInPlace => "values",
                    Api::ForwardLogits => "inputs",
                    _ => "predictions",
                };
                errs.push(mismatch(name, n, c.predictions.len()));
            }
            if c.values.len() != n && (!c.uses_labels() || c.one_hot) {
                let name = if c.uses_labels() { "labels" } else { "targets" };
                errs.push(mismatch(name, n, c.values.len()));
            }
            match api {
                Api::Backward if c.dinputs_len != n => {
                    errs.push(mismatch("dinputs", n, c.dinputs_len));
                }
                Api::ForwardLogits if c.dinputs_len != n => {
                    errs.push(mismatch("output", n, c.dinputs_len));
                }
                Api::Buffer if n > CAP => errs.push(Error::CapacityExceeded {
                    required: n,
                    capacity: CAP,
                }),
                _ => {}
            }
        }
    }
    errs
}

/// Evaluates `$call` with `$loss` bound to the loss `$c.kind` names and `$y`
/// to its targets (BCE, MSE) or labels (CCE, the fused loss).
macro_rules! on_loss {
    ($c:expr, |$loss:ident, $y:ident| $call:expr) => {
        match $c.kind {
            Kind::Bce => {
                let ($loss, $y) = (BinaryCrossEntropy, &$c.values[..]);
                $call
            }
            Kind::Mse => {
                let ($loss, $y) = (MeanSquaredError, &$c.values[..]);
                $call
            }
            Kind::Cce => {
                let ($loss, $y) = (CategoricalCrossEntropy, $c.labels());
                $call
            }
            Kind::Sce => {
                let ($loss, $y) = (SoftmaxCrossEntropy, $c.labels());
                $call
            }
        }
    };
}

fn run_forward(c: &Call, out: &mut [f32]) -> Result<(), Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    on_loss!(c, |loss, y| loss.forward(p, y, r, k, out))
}

fn run_calculate(c: &Call) -> Result<f32, Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    on_loss!(c, |loss, y| loss.calculate(p, y, r, k))
}

fn run_backward(c: &Call, out: &mut [f32]) -> Result<(), Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    on_loss!(c, |loss, y| loss.backward(p, y, r, k, out))
}

/// A `LossBuffer`'s observable state: `(dinputs, shape)`.
type BufState = (Option<Vec<u32>>, (usize, usize));

/// Runs the call on a `LossBuffer` (primed with a good 1×2 call or not);
/// returns the result and the buffer's state before and after.
fn run_buffer(c: &Call) -> (Result<Vec<u32>, Error>, BufState, BufState) {
    macro_rules! go {
        ($loss:expr, $targets:expr, $prime:expr) => {{
            let mut b = LossBuffer::<_, CAP>::new($loss);
            if c.primed {
                b.backward(&[0.75, 0.25], $prime, 1, 2).unwrap();
            }
            let before = (b.dinputs().map(bits), b.shape());
            let result = b
                .backward(&c.predictions[..], $targets, c.rows, c.cols)
                .map(bits);
            let after = (b.dinputs().map(bits), b.shape());
            (result, before, after)
        }};
    }
    match c.kind {
        Kind::Bce => go!(BinaryCrossEntropy, &c.values[..], &[1.0, 0.0]),
        Kind::Mse => go!(MeanSquaredError, &c.values[..], &[1.0, 0.0]),
        Kind::Cce => go!(CategoricalCrossEntropy, c.labels(), Labels::Classes(&[1])),
        Kind::Sce => go!(SoftmaxCrossEntropy, c.labels(), Labels::Classes(&[1])),
    }
}

/// A length: the right one (when it is small) four times in five, else
/// any of 0..10.
fn length(choice: (bool, usize), right: Option<usize>) -> usize {
    match (choice, right) {
        ((true, _), Some(n)) if n <= 20 => n,
        ((_, any), _) => any,
    }
}

fn call() -> impl Strategy<Value = Call> {
    let rows = prop_oneof![
        8 => 0_usize..4,
        1 => Just(usize::MAX),
        1 => Just(usize::MAX / 2 + 1),
    ];
    let kind = prop_oneof![
        Just(Kind::Bce),
        Just(Kind::Mse),
        Just(Kind::Cce),
        Just(Kind::Sce)
    ];
    let len = || (prop::bool::weighted(0.8), 0_usize..10);
    (
        (rows, 0_usize..4, kind, any::<bool>(), any::<bool>()),
        (len(), len(), len(), len(), len()),
        vec((0_u8..5, 0_usize..64), 20),
        vec(0.0_f32..1.0, 20),
    )
        .prop_map(
            |((rows, cols, kind, one_hot, primed), (lp, lv, lc, ls, ld), raw, pool)| {
                let n = rows.checked_mul(cols);
                let take =
                    |len: usize| -> Vec<f32> { pool.iter().copied().cycle().take(len).collect() };
                let classes = raw
                    .iter()
                    .take(length(lc, Some(rows)))
                    .map(|&(bad, r)| {
                        if bad == 0 {
                            cols + r % 2
                        } else {
                            r % cols.max(1)
                        }
                    })
                    .collect();
                Call {
                    kind,
                    rows,
                    cols,
                    one_hot,
                    predictions: take(length(lp, n)),
                    values: take(length(lv, n)),
                    classes,
                    sample_losses_len: length(ls, Some(rows)),
                    dinputs_len: length(ld, n),
                    primed,
                }
            },
        )
}

/// `Ok` iff `deserved` is empty, and an `Err` is one of the deserved ones.
fn check_result<T: core::fmt::Debug>(
    api: &str,
    result: &Result<T, Error>,
    deserved: &[Error],
) -> Result<(), TestCaseError> {
    match result {
        Ok(v) => prop_assert!(
            deserved.is_empty(),
            "{api}: Ok({v:?}) but expected one of {deserved:?}"
        ),
        Err(e) => prop_assert!(
            deserved.contains(e),
            "{api}: {e:?} is not one of {deserved:?}"
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    /// Err iff the call breaks the contract; on Err no output element (nor
    /// the in-place buffer, nor a `LossBuffer`'s cache) has changed; on Ok
    /// every output element was written.
    #[test]
    fn errors_iff_invalid_and_outputs_untouched(c in call()) {
        let untouched = |x: &[f32]| x.iter().all(|v| v.to_bits() == SENTINEL_BITS);
        let written = |x: &[f32]| x.iter().all(|v| v.to_bits() != SENTINEL_BITS);

        let mut out = vec![sentinel(); c.sample_losses_len];
        let r = run_forward(&c, &mut out);
        check_result("forward", &r, &deserved(&c, Api::Forward))?;
        let ok = if r.is_ok() { written(&out) } else { untouched(&out) };
        prop_assert!(ok, "out written on error or left unwritten");

        let r = run_calculate(&c);
        check_result("calculate", &r, &deserved(&c, Api::Calculate))?;

        let mut dx = vec![sentinel(); c.dinputs_len];
        let r = run_backward(&c, &mut dx);
        check_result("backward", &r, &deserved(&c, Api::Backward))?;
        let ok = if r.is_ok() { written(&dx) } else { untouched(&dx) };
        prop_assert!(ok, "dx written on error or left unwritten");
        let stateless = r.is_ok().then(|| bits(&dx));

        let (r, before, after) = run_buffer(&c);
        check_result("LossBuffer::backward", &r, &deserved(&c, Api::Buffer))?;
        match &r {
            Err(_) => prop_assert_eq!(&before, &after, "buffer changed on error"),
            Ok(g) => {
                prop_assert_eq!(&after, &(Some(g.clone()), (c.rows, c.cols)));
                if let Some(s) = &stateless {
                    prop_assert_eq!(g, s);
                }
            }
        }
        if c.primed {
            prop_assert!(before.0.is_some());
        } else {
            prop_assert_eq!(&before, &(None, (0, 0)));
        }

        if matches!(c.kind, Kind::Sce) {
            let mut output = vec![sentinel(); c.dinputs_len];
            let r = SoftmaxCrossEntropy
                .forward_logits(&c.predictions, c.labels(), c.rows, c.cols, &mut output);
            check_result("forward_logits", &r, &deserved(&c, Api::ForwardLogits))?;
            let ok = if r.is_ok() { written(&output) } else { untouched(&output) };
        prop_assert!(ok, "output written on error or left unwritten");

            let mut values = c.predictions.clone();
            let r = SoftmaxCrossEntropy.backward_in_place(c.labels(), c.rows, c.cols, &mut values);
            check_result("backward_in_place", &r, &deserved(&c, Api::BackwardInPlace))?;
            match (&r, &stateless) {
                (Err(_), _) => prop_assert_eq!(bits(&values), bits(&c.predictions)),
                (Ok(()), Some(s)) => prop_assert_eq!(&bits(&values), s),
                (Ok(()), None) => {}
            }
        }
    }
}
