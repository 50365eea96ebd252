//! In-place forms equal out-of-place forms, bit for bit, on any bits.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::Activation;
use vanillanets_test::bits::bits;

use crate::{config, kind_and_batch, Batch};

/// In-place forms equal out-of-place forms bit for bit; the backward is
/// checked with the forward's own output and with the batch's arbitrary `y`.
fn check_in_place<A: Activation>(a: &A, b: &Batch) -> Result<(), TestCaseError> {
    let (rows, cols, x, dv) = (b.rows, b.cols, &b.x[..], &b.dv[..]);
    let n = x.len();
    let mut out = vec![0.0_f32; n];
    let r_out = a.forward(x, rows, cols, &mut out);
    let mut inp = x.to_vec();
    let r_in = a.forward_in_place(rows, cols, &mut inp);
    prop_assert_eq!(r_out, r_in);
    if r_out.is_ok() {
        prop_assert_eq!(bits(&out), bits(&inp), "forward vs forward_in_place");
    }
    for output in [&out[..], &b.y] {
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
    fn in_place_equals_out_of_place((kind, b) in kind_and_batch()) {
        check_in_place(&kind, &b)?;
        with_kernel!(kind, a => check_in_place(&a, &b))?;
    }
}
