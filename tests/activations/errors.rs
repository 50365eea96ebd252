//! Every error is the one the documented contract predicts, and leaves
//! every buffer unchanged.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::Activation;
use vanillanets::Error;
use vanillanets_test::bits::bits;

use crate::{all_kinds, config, is_row_wise, wild};

// ---------------------------------------------------------------------------
// Expected errors, from the documented contract
// ---------------------------------------------------------------------------

/// `rows * cols`, computed in `u128`; `EmptyShape` first for a row-wise
/// activation with no columns.
pub(crate) fn expected_elements(row_wise: bool, rows: usize, cols: usize) -> Result<usize, Error> {
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
pub(crate) fn expected_lengths(n: usize, args: &[(&'static str, usize)]) -> Result<(), Error> {
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
// Strategies and the property
// ---------------------------------------------------------------------------

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

proptest! {
    #![proptest_config(config())]

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
}
