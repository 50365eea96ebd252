//! `LossBuffer`: the stateless gradient bit for bit, and its state (the
//! cached gradient and shape) through refused and accepted calls.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{BinaryCrossEntropy, Loss, MeanSquaredError};
use vanillanets::{Error, LossBuffer};
use vanillanets_test::bits::bits;

use crate::errors::mismatch;
use crate::{config, sentinel, shape};

proptest! {
    #![proptest_config(config(256))]

    /// `LossBuffer` gives the stateless gradient bit for bit for the
    /// value-target losses too.
    #[test]
    fn loss_buffer_matches_stateless(
        (rows, cols) in shape(),
        pool in vec(0.0_f32..=1.0, 40),
    ) {
        let n = rows * cols;
        let (p, y) = (&pool[..n], &pool[20..20 + n]);
        let mut want = vec![sentinel(); n];
        BinaryCrossEntropy.backward(p, y, rows, cols, &mut want).unwrap();
        let mut b: LossBuffer<BinaryCrossEntropy, 20> = LossBuffer::new(BinaryCrossEntropy);
        prop_assert_eq!(bits(b.backward(p, y, rows, cols).unwrap()), bits(&want));
        prop_assert_eq!(b.shape(), (rows, cols));
        MeanSquaredError.backward(p, y, rows, cols, &mut want).unwrap();
        let mut m: LossBuffer<MeanSquaredError, 20> = LossBuffer::new(MeanSquaredError);
        prop_assert_eq!(bits(m.backward(p, y, rows, cols).unwrap()), bits(&want));
        prop_assert_eq!(bits(m.dinputs().unwrap()), bits(&want));
    }
}

#[test]
fn loss_buffer_state() {
    let mut buf: LossBuffer<MeanSquaredError, 4> = LossBuffer::new(MeanSquaredError);
    assert_eq!(buf.capacity(), 4);
    assert_eq!(*buf.loss(), MeanSquaredError);
    assert!(
        buf.dinputs().is_none(),
        "no gradient before the first backward"
    );
    assert_eq!(buf.shape(), (0, 0));
    // An error before the first backward leaves it without a gradient.
    assert_eq!(
        buf.backward(&[0.0; 6], &[0.0; 6], 2, 3).map(|_| ()),
        Err(Error::CapacityExceeded {
            required: 6,
            capacity: 4
        })
    );
    assert_eq!(
        buf.backward(&[0.0; 2], &[0.0; 3], 1, 2).map(|_| ()),
        Err(mismatch("targets", 2, 3))
    );
    assert!(buf.dinputs().is_none());
    assert_eq!(buf.shape(), (0, 0));
    // -2 (y - p) / k / n with p = [3, 1], y = [1, 1], k = 2, n = 1: [2, 0]
    let g = buf
        .backward(&[3.0, 1.0], &[1.0, 1.0], 1, 2)
        .unwrap()
        .to_vec();
    assert_eq!(g, [2.0, 0.0]);
    assert_eq!(buf.dinputs(), Some(&[2.0_f32, 0.0][..]));
    assert_eq!(buf.shape(), (1, 2));
    // A refused call keeps the previous gradient and shape.
    for result in [
        buf.backward(&[0.0; 5], &[0.0; 5], 5, 1).map(|_| ()),
        buf.backward(&[0.0; 3], &[0.0; 4], 1, 4).map(|_| ()),
        buf.backward(&[], &[], 2, 0).map(|_| ()),
        buf.backward(&[], &[], usize::MAX, 3).map(|_| ()),
    ] {
        assert!(result.is_err());
        assert_eq!(buf.dinputs(), Some(&[2.0_f32, 0.0][..]));
        assert_eq!(buf.shape(), (1, 2));
    }
    // Exactly at capacity is fine; an empty batch gives an empty gradient.
    assert!(buf.backward(&[1.0; 4], &[1.0; 4], 2, 2).is_ok());
    assert_eq!(buf.dinputs().map(<[f32]>::len), Some(4));
    assert_eq!(buf.backward(&[], &[], 0, 3).map(<[f32]>::len), Ok(0));
    assert_eq!(buf.dinputs(), Some(&[][..]));
    assert_eq!(buf.shape(), (0, 3));
}
