//! NaN propagation: a NaN prediction or target poisons its own sample (and
//! the mean) and nothing else.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy,
};

use crate::{ce_case, close, config, one_hot, sentinel};

proptest! {
    #![proptest_config(config(256))]

    /// A NaN prediction at `(r, j)` makes sample `r`'s loss and the mean NaN
    /// and leaves every other sample finite; the gradient is NaN at that
    /// element only. With class indices NumPy only reads `p[r, t_r]`, so a
    /// NaN elsewhere in the row is ignored by the loss (but not by the
    /// element-wise gradient, `-0/NaN = NaN`).
    #[test]
    fn nan_prediction_poisons_its_sample_only(
        (rows, cols, p, t) in ce_case(),
        at in any::<prop::sample::Index>(),
        y_pool in vec(0.0_f32..=1.0, 20),
    ) {
        let n = rows * cols;
        let i = at.index(n);
        let (r, j) = (i / cols, i % cols);
        let mut p = p;
        p[i] = f32::NAN;
        let y: Vec<f32> = y_pool.iter().copied().cycle().take(n).collect();
        let oh = one_hot(&t, cols);

        let check_losses = |what: &str, l: &[f32], nan_row: bool| -> Result<(), TestCaseError> {
            for (row, v) in l.iter().enumerate() {
                if row == r && nan_row {
                    prop_assert!(v.is_nan(), "{what}: row {row} = {v}");
                } else {
                    prop_assert!(v.is_finite(), "{what}: row {row} = {v}");
                }
            }
            Ok(())
        };
        let check_grad = |what: &str, g: &[f32]| -> Result<(), TestCaseError> {
            for (e, v) in g.iter().enumerate() {
                prop_assert_eq!(v.is_nan(), e == i, "{}: element {} = {}", what, e, v);
            }
            Ok(())
        };
        let mut l = vec![sentinel(); rows];
        let mut g = vec![sentinel(); n];

        BinaryCrossEntropy.forward(&p, &y, rows, cols, &mut l).unwrap();
        check_losses("bce", &l, true)?;
        prop_assert!(BinaryCrossEntropy.calculate(&p, &y, rows, cols).unwrap().is_nan());
        BinaryCrossEntropy.backward(&p, &y, rows, cols, &mut g).unwrap();
        check_grad("bce", &g)?;

        MeanSquaredError.forward(&p, &y, rows, cols, &mut l).unwrap();
        check_losses("mse", &l, true)?;
        prop_assert!(MeanSquaredError.calculate(&p, &y, rows, cols).unwrap().is_nan());
        MeanSquaredError.backward(&p, &y, rows, cols, &mut g).unwrap();
        check_grad("mse", &g)?;

        CategoricalCrossEntropy.forward(&p, Labels::OneHot(&oh), rows, cols, &mut l).unwrap();
        check_losses("cce one-hot", &l, true)?;
        CategoricalCrossEntropy.backward(&p, Labels::OneHot(&oh), rows, cols, &mut g).unwrap();
        check_grad("cce one-hot", &g)?;

        let read = j == t[r];
        CategoricalCrossEntropy.forward(&p, Labels::Classes(&t), rows, cols, &mut l).unwrap();
        check_losses("cce classes", &l, read)?;
        let mean = CategoricalCrossEntropy.calculate(&p, Labels::Classes(&t), rows, cols).unwrap();
        prop_assert_eq!(mean.is_nan(), read);
        CategoricalCrossEntropy.backward(&p, Labels::Classes(&t), rows, cols, &mut g).unwrap();
        check_grad("cce classes", &g)?;

        for labels in [Labels::Classes(&t), Labels::OneHot(&oh)] {
            SoftmaxCrossEntropy.backward(&p, labels, rows, cols, &mut g).unwrap();
            check_grad("fused", &g)?;
        }
    }
}

#[test]
fn nan_targets_poison_their_sample() {
    let p = [0.5_f32, 0.5, 0.25, 0.75];
    let y = [1.0, f32::NAN, 0.0, 1.0];
    let mut l = [sentinel(); 2];
    BinaryCrossEntropy.forward(&p, &y, 2, 2, &mut l).unwrap();
    assert!(l[0].is_nan());
    // row 1: -(ln 0.75 + ln 0.75)/2 = -ln 0.75
    assert!(close(l[1], -0.75_f64.ln(), 1e-6, 0.0), "{}", l[1]);
    MeanSquaredError.forward(&p, &y, 2, 2, &mut l).unwrap();
    assert!(l[0].is_nan());
    // row 1: (0.25² + 0.25²)/2 = 0.0625
    assert_eq!(l[1], 0.0625);
    let oh = [f32::NAN, 0.0, 0.0, 1.0];
    CategoricalCrossEntropy
        .forward(&p, Labels::OneHot(&oh), 2, 2, &mut l)
        .unwrap();
    assert!(l[0].is_nan());
    assert!(close(l[1], -0.75_f64.ln(), 1e-6, 0.0), "{}", l[1]);
}
