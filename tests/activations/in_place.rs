//! In-place forms equal out-of-place forms, bit for bit, on any bits.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::Activation;
use vanillanets_test::bits::bits;

use crate::{any_kind, batch, config, wild};

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

proptest! {
    #![proptest_config(config())]

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
}
