//! One-hot rows reduced by `np.argmax` in the fused backward: ties (the
//! first maximum), NaN (the first NaN), infinities, all-zero rows.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{Labels, Loss, SoftmaxCrossEntropy};
use vanillanets_test::bits::bits;
use vanillanets_test::numpy::np_argmax;
use vanillanets_test::ulp::U;

use crate::{close, config, sentinel, shape};

#[test]
fn fused_one_hot_ties_and_nan_by_hand() {
    let nan = f32::NAN;
    let ninf = f32::NEG_INFINITY;
    // (one-hot row, class np.argmax picks)
    let rows: [([f32; 4], usize); 8] = [
        ([0.0, 1.0, 1.0, 0.0], 1),     // tie: first maximum
        ([1.0, 1.0, 1.0, 1.0], 0),     // all tied
        ([0.0, 0.0, 0.0, 0.0], 0),     // all-zero row
        ([0.5, nan, 1.0, 0.0], 1),     // NaN counts as the maximum
        ([2.0, 3.0, nan, nan], 2),     // first NaN
        ([nan, 0.0, 0.0, 0.0], 0),     //
        ([ninf, ninf, ninf, ninf], 0), // all -inf
        ([-1.0, -2.0, -0.5, -0.5], 2), // negative, tied
    ];
    let p = [0.1_f32, 0.2, 0.3, 0.4];
    let n = rows.len();
    let mut probs = Vec::new();
    let mut y = Vec::new();
    for (row, _) in &rows {
        probs.extend(p);
        y.extend(row);
    }
    let mut dx = vec![sentinel(); 4 * n];
    SoftmaxCrossEntropy
        .backward(&probs, Labels::OneHot(&y), n, 4, &mut dx)
        .unwrap();
    for (r, &(row, t)) in rows.iter().enumerate() {
        assert_eq!(np_argmax(&row), t, "the reference itself, row {r}");
        for j in 0..4 {
            let delta = if j == t { 1.0 } else { 0.0 };
            let want = (f64::from(p[j]) - delta) / n as f64;
            assert!(
                close(dx[4 * r + j], want, 3.0 * U, 0.0),
                "row {r} {row:?}, col {j}: {} vs {want}",
                dx[4 * r + j]
            );
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Random rows with many ties, NaNs and infinities: the fused backward
    /// with one-hot rows equals the one with `np_argmax` of each row, bit for
    /// bit, in both the out-of-place and the in-place form.
    #[test]
    fn fused_one_hot_uses_np_argmax(
        (rows, cols) in shape(),
        y_pool in vec(
            prop_oneof![
                Just(0.0_f32), Just(1.0_f32), Just(0.5_f32), Just(-0.0_f32),
                Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY),
            ],
            20,
        ),
        p_pool in vec(0.0_f32..=1.0, 20),
    ) {
        let n = rows * cols;
        let y = &y_pool[..n];
        let p = &p_pool[..n];
        let t: Vec<usize> = y.chunks(cols).map(np_argmax).collect();
        let mut a = vec![sentinel(); n];
        SoftmaxCrossEntropy.backward(p, Labels::OneHot(y), rows, cols, &mut a).unwrap();
        let mut b = vec![sentinel(); n];
        SoftmaxCrossEntropy.backward(p, Labels::Classes(&t), rows, cols, &mut b).unwrap();
        prop_assert_eq!(bits(&a), bits(&b), "labels {:?} -> {:?}", y, t);
        let mut c = p.to_vec();
        SoftmaxCrossEntropy.backward_in_place(Labels::OneHot(y), rows, cols, &mut c).unwrap();
        prop_assert_eq!(bits(&c), bits(&b));
    }
}
