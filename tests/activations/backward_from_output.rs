//! ReLU and LeakyReLU: backward from the inputs equals backward from the
//! output, bit for bit (the masks `x <= 0` and `y <= 0` pick the same
//! elements for any positive, finite slope).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::{Activation, ActivationKind, LeakyReLU, ReLU};
use vanillanets_test::bits::bits;

use crate::{batch, config, wild};

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

proptest! {
    #![proptest_config(config())]

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
}
