//! Zero rows and zero columns, as documented in `activations/mod.rs`: zero
//! rows is an empty batch for every activation; zero columns is an empty
//! batch for the element-wise ones and `EmptyShape` for Softmax.

use vanillanets::activations::{Activation, ReLU, Softmax};
use vanillanets::{ActivationBuffer, Error};

use crate::{all_kinds, is_row_wise};

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
