//! Error paths: the predicted error, with every accumulator and matrix
//! unchanged.

use vanillanets::metrics::{
    Accuracy, ClassCounts, ConfusionMatrix, F1Score, Mae, Precision, R2Score, Recall, Rmse, Targets,
};
use vanillanets::Error;

use crate::feed_regression;

/// Accumulators that already hold two rows, to see that an error keeps them.
fn primed() -> (Accuracy, ClassCounts<3>, F1Score<3>, R2Score, Mae, Rmse) {
    let p = [0.9_f32, 0.05, 0.05, 0.1, 0.1, 0.8];
    let t = Targets::Classes(&[0, 1]);
    let mut accuracy = Accuracy::new();
    accuracy.update(&p, t, 2, 3).unwrap();
    let mut counts = ClassCounts::new();
    counts.update(&p, t, 2, 3).unwrap();
    let mut f1 = F1Score::new();
    f1.update(&p, t, 2, 3).unwrap();
    let (r2, mae, rmse) = feed_regression(&[1.0, 2.0, 3.5], &[1.5, 2.0, 3.0], 1, &[0, 2, 3]);
    (accuracy, counts, f1, r2, mae, rmse)
}

/// Runs one bad classification call on every classification accumulator
/// and the confusion matrix, and checks the error and that nothing changed.
fn refuse_classification(
    predictions: &[f32],
    targets: Targets<'_>,
    rows: usize,
    cols: usize,
    want: Error,
    accuracy_accepts: bool,
) {
    let (accuracy0, counts0, f10, ..) = primed();
    let (mut accuracy, mut counts, mut f1) = (accuracy0, counts0, f10);
    let mut precision = Precision::<3>::new();
    let mut recall = Recall::<3>::new();
    let accuracy_result = accuracy.update(predictions, targets, rows, cols);
    if accuracy_accepts {
        assert_eq!(accuracy_result, Ok(()));
    } else {
        assert_eq!(accuracy_result, Err(want));
        assert_eq!(accuracy, accuracy0);
    }
    assert_eq!(counts.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(counts, counts0);
    assert_eq!(f1.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(f1, f10);
    assert_eq!(
        precision.update(predictions, targets, rows, cols),
        Err(want)
    );
    assert_eq!(precision, Precision::new());
    assert_eq!(recall.update(predictions, targets, rows, cols), Err(want));
    assert_eq!(recall, Recall::new());
    let mut matrix = [5_u32; 9];
    assert_eq!(
        ConfusionMatrix::new(3).update(predictions, targets, rows, cols, &mut matrix),
        Err(want)
    );
    assert_eq!(matrix, [5; 9]);
}

#[test]
fn classification_shape_errors() {
    let p = [0.5_f32; 6];
    // Wrong lengths.
    refuse_classification(
        &p[..5],
        Targets::Classes(&[0, 1]),
        2,
        3,
        Error::LengthMismatch {
            argument: "predictions",
            expected: 6,
            actual: 5,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::Classes(&[0]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 2,
            actual: 1,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::Values(&[0.0, 1.0, 2.0]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 2,
            actual: 3,
        },
        false,
    );
    refuse_classification(
        &p,
        Targets::OneHot(&[0.0; 5]),
        2,
        3,
        Error::LengthMismatch {
            argument: "targets",
            expected: 6,
            actual: 5,
        },
        false,
    );
    // Overflowing shape.
    refuse_classification(
        &p,
        Targets::Classes(&[0, 1]),
        usize::MAX,
        2,
        Error::ShapeOverflow {
            rows: usize::MAX,
            cols: 2,
        },
        false,
    );
    // Zero columns, even with zero rows.
    for rows in [0, 2] {
        refuse_classification(
            &[],
            Targets::Classes(&[0, 1][..rows]),
            rows,
            0,
            Error::EmptyShape { rows, cols: 0 },
            false,
        );
    }
}

#[test]
fn labels_out_of_range() {
    // A class index at or past C = 3 in the last row: nothing counted.
    let p = [0.9_f32, 0.05, 0.05, 0.1, 0.8, 0.1];
    refuse_classification(
        &p,
        Targets::Classes(&[0, 3]),
        2,
        3,
        Error::LabelOutOfRange {
            row: 1,
            label: 3,
            classes: 3,
        },
        true,
    );
    // One-column predictions, values that truncate to no class.
    let p1 = [0.9_f32, 0.1, 0.7];
    for bad in [-1.0, -2.5, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30] {
        refuse_classification(
            &p1,
            Targets::Values(&[1.0, 0.0, bad]),
            3,
            1,
            Error::LabelOutOfRange {
                row: 2,
                label: usize::MAX,
                classes: 3,
            },
            true,
        );
    }
    // A value that truncates past C.
    refuse_classification(
        &p1,
        Targets::OneHot(&[1.0, 3.5, 0.0]),
        3,
        1,
        Error::LabelOutOfRange {
            row: 1,
            label: 3,
            classes: 3,
        },
        true,
    );
    // A predicted class past C: four outputs, argmax 3.
    let p4 = [0.1_f32, 0.2, 0.3, 0.4];
    refuse_classification(
        &p4,
        Targets::Classes(&[0]),
        1,
        4,
        Error::LabelOutOfRange {
            row: 0,
            label: 3,
            classes: 3,
        },
        true,
    );
    // Accuracy counts those rows as misses, as the original does.
    let mut accuracy = Accuracy::new();
    accuracy
        .update(&p1, Targets::Values(&[1.0, -0.5, f32::NAN]), 3, 1)
        .unwrap();
    assert_eq!((accuracy.correct(), accuracy.samples()), (2, 3));
}

#[test]
fn confusion_matrix_errors() {
    let p = [0.9_f32, 0.2];
    let t = Targets::Values(&[1.0, 0.0]);
    // Wrong matrix length; classes² overflowing.
    let mut matrix = [1_u32; 5];
    assert_eq!(
        ConfusionMatrix::new(2).update(&p, t, 2, 1, &mut matrix),
        Err(Error::LengthMismatch {
            argument: "matrix",
            expected: 4,
            actual: 5
        })
    );
    assert_eq!(matrix, [1; 5]);
    assert_eq!(
        ConfusionMatrix::new(usize::MAX).update(&p, t, 2, 1, &mut matrix),
        Err(Error::ShapeOverflow {
            rows: usize::MAX,
            cols: usize::MAX
        })
    );
    assert_eq!(
        ConfusionMatrix::new(2).used_classes(&matrix),
        Err(Error::LengthMismatch {
            argument: "matrix",
            expected: 4,
            actual: 5
        })
    );
    // Capacity: a cell at u32::MAX cannot take one more.
    let cm = ConfusionMatrix::new(2);
    let mut matrix = [0, 0, 0, u32::MAX];
    assert_eq!(
        cm.update(&p, t, 2, 1, &mut matrix),
        Err(Error::CapacityExceeded {
            required: usize::try_from(1_u64 << 32).unwrap_or(usize::MAX),
            capacity: u32::MAX as usize
        })
    );
    assert_eq!(matrix, [0, 0, 0, u32::MAX]);
    // Within `rows` of the limit but fitting: the exact check lets it pass.
    let mut matrix = [0, 0, 0, u32::MAX - 1];
    cm.update(&p, t, 2, 1, &mut matrix).unwrap();
    assert_eq!(matrix, [1, 0, 0, u32::MAX]);
    // Two rows into a cell with room for one: refused, unchanged.
    let mut matrix = [0, 0, 0, u32::MAX - 1];
    let twice = Targets::Values(&[1.0, 1.0]);
    assert_eq!(
        cm.update(&[0.9, 0.8], twice, 2, 1, &mut matrix),
        Err(Error::CapacityExceeded {
            required: usize::try_from(1_u64 << 32).unwrap_or(usize::MAX),
            capacity: u32::MAX as usize
        })
    );
    assert_eq!(matrix, [0, 0, 0, u32::MAX - 1]);
}

/// `(predictions, targets, rows, cols, the error expected)`.
type RegressionCall<'a> = (&'a [f32], &'a [f32], usize, usize, Error);

#[test]
fn regression_errors() {
    let (_, _, _, r2_0, mae_0, rmse_0) = primed();
    let p = [1.0_f32; 6];
    let cases: [RegressionCall<'_>; 6] = [
        (
            &p[..5],
            &p,
            2,
            3,
            Error::LengthMismatch {
                argument: "predictions",
                expected: 6,
                actual: 5,
            },
        ),
        (
            &p,
            &p[..4],
            2,
            3,
            Error::LengthMismatch {
                argument: "targets",
                expected: 6,
                actual: 4,
            },
        ),
        (
            &p,
            &p,
            3,
            3,
            Error::LengthMismatch {
                argument: "predictions",
                expected: 9,
                actual: 6,
            },
        ),
        (
            &p,
            &p,
            usize::MAX,
            3,
            Error::ShapeOverflow {
                rows: usize::MAX,
                cols: 3,
            },
        ),
        (&[], &[], 2, 0, Error::EmptyShape { rows: 2, cols: 0 }),
        (&[], &[], 0, 0, Error::EmptyShape { rows: 0, cols: 0 }),
    ];
    for (predictions, targets, rows, cols, want) in cases {
        let (mut r2, mut mae, mut rmse) = (r2_0, mae_0, rmse_0);
        assert_eq!(r2.update(predictions, targets, rows, cols), Err(want));
        assert_eq!(mae.update(predictions, targets, rows, cols), Err(want));
        assert_eq!(rmse.update(predictions, targets, rows, cols), Err(want));
        assert_eq!((r2, mae, rmse), (r2_0, mae_0, rmse_0));
    }
}
