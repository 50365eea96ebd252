//! The Dense kernels: every slice of the wrong length, named, with the
//! outputs unwritten, and an overflowing shape.

use vanillanets::layers::{Dense, Gradients};
use vanillanets::Error;

use super::{mismatch, sentinel, untouched};

#[test]
fn dense_kernel_length_errors() {
    let d = Dense::new(2, 3);
    let (x, w, b) = ([1.0_f32; 4], [0.5_f32; 6], [0.1_f32; 3]); // 2 rows
    let mismatch = |argument, expected, actual| Err(mismatch(argument, expected, actual));

    let mut y = [sentinel(); 6];
    assert_eq!(
        d.forward(&x, &w[..5], &b, 2, &mut y),
        mismatch("weights", 6, 5)
    );
    assert_eq!(
        d.forward(&x[..3], &w, &b, 2, &mut y),
        mismatch("inputs", 4, 3)
    );
    assert_eq!(
        d.forward(&x, &w, &b, 2, &mut y[..5]),
        mismatch("output", 6, 5)
    );
    assert_eq!(
        d.forward(&x, &w, &b[..2], 2, &mut y),
        mismatch("biases", 3, 2)
    );
    assert!(untouched(&y));

    let dv = [1.0_f32; 6];
    let (mut dw, mut db) = ([sentinel(); 6], [sentinel(); 3]);
    for mode in [Gradients::Overwrite, Gradients::Accumulate] {
        assert_eq!(
            d.backward_parameters(&x, &dv, 2, mode, &mut dw[..5], &mut db),
            mismatch("dweights", 6, 5)
        );
        assert_eq!(
            d.backward_parameters(&x[..2], &dv, 2, mode, &mut dw, &mut db),
            mismatch("inputs", 4, 2)
        );
        assert_eq!(
            d.backward_parameters(&x, &dv[..5], 2, mode, &mut dw, &mut db),
            mismatch("dvalues", 6, 5)
        );
        assert_eq!(
            d.backward_parameters(&x, &dv, 2, mode, &mut dw, &mut db[..2]),
            mismatch("dbiases", 3, 2)
        );
    }
    assert!(untouched(&dw) && untouched(&db));

    let mut dx = [sentinel(); 4];
    assert_eq!(
        d.backward_inputs(&w[..4], &dv, 2, &mut dx),
        mismatch("weights", 6, 4)
    );
    assert_eq!(
        d.backward_inputs(&w, &dv[..3], 2, &mut dx),
        mismatch("dvalues", 6, 3)
    );
    assert_eq!(
        d.backward_inputs(&w, &dv, 2, &mut dx[..3]),
        mismatch("dinputs", 4, 3)
    );
    assert!(untouched(&dx));

    // Overflowing shapes.
    assert_eq!(
        Dense::new(2, 3).forward(&[], &w, &b, usize::MAX, &mut []),
        Err(Error::ShapeOverflow {
            rows: usize::MAX,
            cols: 2
        })
    );
}
