//! `ActivationKind::X` equals the kernel `X` in all four methods, bit for
//! bit, and converts from it.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::{
    Activation, ActivationKind, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
};
use vanillanets_test::bits::bits;
use vanillanets_test::kind_bits;

use crate::{config, kind_and_batch, Batch};

/// All four methods of two activations give the same results, bit for bit.
fn check_same_kernel<A: Activation, B: Activation>(
    a: &A,
    b: &B,
    batch: &Batch,
) -> Result<(), TestCaseError> {
    let (rows, cols, x, y, dv) = (
        batch.rows,
        batch.cols,
        &batch.x[..],
        &batch.y[..],
        &batch.dv[..],
    );
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

proptest! {
    #![proptest_config(config())]

    #[test]
    fn activation_kind_equals_its_kernel((kind, b) in kind_and_batch()) {
        with_kernel!(kind, a => {
            prop_assert_eq!(kind_bits!(ActivationKind::from(a)), kind_bits!(kind));
            check_same_kernel(&kind, &a, &b)
        })?;
    }
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
