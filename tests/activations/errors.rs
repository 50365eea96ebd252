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

/// One property case: the shape, the eight slice lengths, the sentinel fill
/// of every writable slice and the element count the contract computes.
struct Setup<'a> {
    rows: usize,
    cols: usize,
    lens: &'a [usize],
    fill: u32,
    shape: Result<usize, Error>,
}

impl Setup<'_> {
    /// A writable slice of length `lens[i]`, filled with the sentinel.
    fn filled(&self, i: usize) -> Vec<f32> {
        vec![f32::from_bits(self.fill); self.lens[i]]
    }

    /// A read-only slice of length `lens[i]`.
    fn data(&self, i: usize) -> Vec<f32> {
        (0..self.lens[i]).map(|v| v as f32 - 1.5).collect()
    }

    /// `got` is exactly the error the contract predicts for the arguments
    /// `args` (name, index into `lens`, in the documented order), or `Ok`;
    /// on `Err`, `written` is still bit-identical to its sentinel fill.
    fn check(
        &self,
        method: &str,
        got: Result<(), Error>,
        args: &[(&'static str, usize)],
        written: &[f32],
    ) -> Result<(), TestCaseError> {
        let lengths: Vec<(&'static str, usize)> =
            args.iter().map(|&(name, i)| (name, self.lens[i])).collect();
        let want = self.shape.and_then(|n| expected_lengths(n, &lengths));
        let (rows, cols, lens) = (self.rows, self.cols, self.lens);
        prop_assert_eq!(got, want, "{} {}x{} lens {:?}", method, rows, cols, lens);
        if got.is_err() {
            prop_assert_eq!(
                bits(written),
                vec![self.fill; written.len()],
                "{} wrote on error",
                method
            );
        }
        Ok(())
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
    let shape = expected_elements(row_wise, rows, cols);
    let s = Setup {
        rows,
        cols,
        lens,
        fill,
        shape,
    };

    let (inputs, mut output) = (s.data(0), s.filled(1));
    let got = a.forward(&inputs, rows, cols, &mut output);
    s.check("forward", got, &[("inputs", 0), ("output", 1)], &output)?;

    let mut values = s.filled(2);
    let got = a.forward_in_place(rows, cols, &mut values);
    s.check("forward_in_place", got, &[("values", 2)], &values)?;

    let (output, dvalues, mut dinputs) = (s.data(3), s.data(4), s.filled(5));
    let got = a.backward(&output, &dvalues, rows, cols, &mut dinputs);
    let args = [("output", 3), ("dvalues", 4), ("dinputs", 5)];
    s.check("backward", got, &args, &dinputs)?;

    let (output, mut gradient) = (s.data(6), s.filled(7));
    let got = a.backward_in_place(&output, rows, cols, &mut gradient);
    let args = [("output", 6), ("gradient", 7)];
    s.check("backward_in_place", got, &args, &gradient)
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
