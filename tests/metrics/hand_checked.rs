//! Hand-checked numbers, and nine classes from the real library.

use vanillanets::metrics::{
    Accuracy, Averaging, ClassCounts, ConfusionMatrix, F1Score, Mae, Precision, R2Score, Recall,
    Rmse, Targets,
};

use crate::feed_regression;

#[test]
fn hand_checked_binary() {
    // Predictions 1 1 1 1 0 0 0 0 0 against 1 1 1 0 1 1 0 0 0:
    // tp = 3, fp = 1, fn = 2, tn = 3.
    let p = [0.9_f32, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.5];
    let y = [1usize, 1, 1, 0, 1, 1, 0, 0, 0];
    let t = Targets::Classes(&y);
    let mut counts = ClassCounts::<2>::new();
    counts.update(&p, t, 9, 1).unwrap();
    assert_eq!(counts.true_positives(), &[3, 3]);
    assert_eq!(counts.binary_false_positives(), 1);
    assert_eq!(counts.binary_false_negatives(), 2);
    let precision = 3.0 / (4.0 + 1e-7);
    let recall = 3.0 / (5.0 + 1e-7);
    assert_eq!(counts.precision(), Some(precision));
    assert_eq!(counts.recall(), Some(recall));
    assert_eq!(
        counts.f1(),
        Some(2.0 * precision * recall / (precision + recall + 1e-7))
    );
    assert!((counts.f1().unwrap() - 6.0 / 9.0).abs() < 1e-6); // 2·3/(2·3+1+2)
    let mut accuracy = Accuracy::new();
    accuracy.update(&p, t, 9, 1).unwrap();
    assert_eq!(accuracy.value(), Some(6.0 / 9.0));
    let mut matrix = [0_u32; 4];
    ConfusionMatrix::new(2)
        .update(&p, t, 9, 1, &mut matrix)
        .unwrap();
    assert_eq!(matrix, [3, 1, 2, 3]);
}

#[test]
fn hand_checked_binary_rule_on_other_labels() {
    // Labels {1, 2}: a true 2 predicted 1 is no false positive here.
    let p = [0.0_f32, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
    let mut precision = Precision::<3>::new();
    precision
        .update(&p, Targets::Classes(&[1, 2, 2]), 3, 3)
        .unwrap();
    assert_eq!(precision.counts().averaging(), Averaging::Binary);
    assert_eq!(precision.value(), Some(1.0 / (1.0 + 1e-7)));
    // Labels {0, 2}: class 1 never occurs, so everything is 0.
    let p = [1.0_f32, 0.0, 0.0, 0.0, 0.0, 1.0];
    let mut f1 = F1Score::<3>::new();
    f1.update(&p, Targets::Classes(&[0, 2]), 2, 3).unwrap();
    assert_eq!(f1.value(), Some(0.0));
    // A third label switches to macro when it arrives, in a later chunk.
    f1.update(&[0.0, 1.0, 0.0], Targets::Classes(&[1]), 1, 3)
        .unwrap();
    assert_eq!(f1.counts().averaging(), Averaging::Macro);
    assert!((f1.value().unwrap() - 1.0).abs() < 1e-6);
}

#[test]
fn nine_classes_from_the_real_library() {
    // Macro over nine classes: np.mean's pairwise float64 tree has a block
    // of eight. Values printed by the real 1.0.1 on one-hot predictions.
    let predicted = [
        1, 4, 5, 2, 5, 4, 4, 6, 5, 3, 0, 3, 0, 4, 6, 2, 6, 8, 7, 7, 6, 1, 6, 4, 5, 8, 0, 5, 1, 6,
        6, 8, 5, 0, 0, 7, 8, 6, 7, 0,
    ];
    let truth = [
        4, 7, 5, 0, 0, 7, 2, 7, 1, 8, 1, 5, 4, 1, 3, 3, 2, 3, 1, 5, 8, 3, 4, 6, 8, 1, 1, 3, 8, 4,
        0, 3, 8, 1, 2, 8, 0, 6, 4, 7,
    ];
    let mut p = vec![0.0_f32; 40 * 9];
    for (row, &c) in predicted.iter().enumerate() {
        p[row * 9 + c] = 1.0;
    }
    let mut counts = ClassCounts::<9>::new();
    let mut accuracy = Accuracy::new();
    for r in 0..40 {
        let t = Targets::Classes(&truth[r..r + 1]);
        counts.update(&p[r * 9..(r + 1) * 9], t, 1, 9).unwrap();
        accuracy.update(&p[r * 9..(r + 1) * 9], t, 1, 9).unwrap();
    }
    assert_eq!(counts.classes_present(), 9);
    assert_eq!(
        accuracy.value().map(f64::to_bits),
        Some(0x3fa9_9999_9999_999a)
    );
    assert_eq!(
        counts.precision().map(f64::to_bits),
        Some(0x3fa0_97b4_21c8_8d22)
    );
    assert_eq!(
        counts.recall().map(f64::to_bits),
        Some(0x3fb7_b425_dbcd_dc68)
    );
    assert_eq!(counts.f1().map(f64::to_bits), Some(0x3fa8_94e3_a2b5_5398));
}

#[test]
fn hand_checked_regression() {
    let y = [1.0_f32, 2.0, 3.0, 4.0];
    let p = [1.0_f32, 2.0, 3.0, 5.0];
    let (r2, mae, rmse) = feed_regression(&p, &y, 1, &[0, 4]);
    assert_eq!(r2.ss_res(), 1.0);
    assert_eq!(r2.ss_tot(), 5.0);
    assert_eq!(r2.value(), Some(1.0 - 1.0 / (5.0 + 1e-7_f32)));
    assert_eq!(mae.value(), Some(0.25));
    assert_eq!(rmse.value(), Some(0.5));
    // Row by row: the corrected merge gives the same exact sums.
    let (r2, _, _) = feed_regression(&p, &y, 1, &[0, 1, 2, 3, 4]);
    assert_eq!(r2.ss_tot(), 5.0);
    assert_eq!(r2.value(), Some(1.0 - 1.0 / (5.0 + 1e-7_f32)));
    // A constant target: ss_tot = 0, R2 = 1 - ss_res / f32(1e-7).
    let (r2, _, _) = feed_regression(&[1.0, 3.0], &[2.0, 2.0], 1, &[0, 1, 2]);
    assert_eq!(r2.ss_tot(), 0.0);
    assert_eq!(r2.value(), Some(1.0 - 2.0 / 1e-7_f32));
    // NaN and infinities propagate as in the original.
    let (r2, mae, rmse) = feed_regression(&[f32::NAN, 1.0], &[1.0, 2.0], 1, &[0, 2]);
    assert!(r2.value().unwrap().is_nan() && mae.value().unwrap().is_nan());
    assert!(rmse.value().unwrap().is_nan());
    let (r2, mae, _) = feed_regression(&[f32::INFINITY, 1.0], &[1.0, 2.0], 1, &[0, 1, 2]);
    assert_eq!(r2.value(), Some(f32::NEG_INFINITY));
    assert_eq!(mae.value(), Some(f32::INFINITY));
}

#[test]
fn empty_accumulators_have_no_value() {
    assert_eq!(Accuracy::new().value(), None);
    assert_eq!(Precision::<2>::new().value(), None);
    assert_eq!(Recall::<2>::new().value(), None);
    assert_eq!(F1Score::<2>::new().value(), None);
    assert_eq!(R2Score::new().value(), None);
    assert_eq!(Mae::new().value(), None);
    assert_eq!(Rmse::new().value(), None);
    // Zero rows is an empty chunk, not an error, and counts nothing.
    let mut accuracy = Accuracy::new();
    accuracy.update(&[], Targets::Classes(&[]), 0, 3).unwrap();
    assert_eq!(accuracy, Accuracy::new());
    let mut r2 = R2Score::new();
    r2.update(&[], &[], 0, 2).unwrap();
    assert_eq!(r2, R2Score::new());
    let mut matrix = [0_u32; 4];
    ConfusionMatrix::new(2)
        .update(&[], Targets::Values(&[]), 0, 1, &mut matrix)
        .unwrap();
    assert_eq!(matrix, [0; 4]);
    assert_eq!(ConfusionMatrix::new(2).used_classes(&matrix), Ok(0));
}
