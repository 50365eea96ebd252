//! `Model::fit` and `Model::evaluate`: data of the wrong shape, targets
//! the loss cannot take, bad options and metrics that cannot count the
//! classes; every refusal before any callback, with nothing changed.

use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Mae, Precision, Targets};
use vanillanets::model::{FitOptions, Shuffle};
use vanillanets::Error;

use crate::fixtures::{batches, bits, setup};

use super::{
    adam, assert_epoch_fails, assert_fit_fails, assert_metrics_fail, classes, initial, inputs,
    mismatch, observe, with_trained_model, NET, ROWS,
};

/// Inputs of no rows, of the wrong length, or of a size that overflows.
#[test]
fn fit_refuses_bad_inputs() {
    with_trained_model(LossKind::CategoricalCrossEntropy, |model, x, t| {
        // No rows.
        let empty = Error::EmptyShape { rows: 0, cols: 2 };
        assert_epoch_fails(model, &[], Targets::Classes(&[]), 0, empty);
        assert_eq!(
            model.evaluate(&[], Targets::Classes(&[]), 0, &mut []),
            Err(empty)
        );
        // Inputs of the wrong length.
        assert_epoch_fails(model, &x[..11], t, ROWS, mismatch("inputs", 12, 11));
        // More rows than the data has.
        assert_epoch_fails(model, x, t, ROWS + 1, mismatch("inputs", 14, 12));
        // Rows whose size overflows.
        let overflow = Error::ShapeOverflow {
            rows: usize::MAX,
            cols: 2,
        };
        assert_epoch_fails(model, x, t, usize::MAX, overflow);
    });
}

/// Labels too few or past the classes, one-hot rows of the wrong length.
#[test]
fn fit_refuses_bad_targets() {
    let c = classes();
    with_trained_model(LossKind::CategoricalCrossEntropy, |model, x, _| {
        // Labels: too few, and one past the classes.
        let few = Targets::Classes(&c[..5]);
        assert_epoch_fails(model, x, few, ROWS, mismatch("targets", 6, 5));
        let bad = [0, 1, 2, 3, 0, 1];
        let out_of_range = Error::LabelOutOfRange {
            row: 3,
            label: 3,
            classes: 3,
        };
        assert_epoch_fails(model, x, Targets::Classes(&bad), ROWS, out_of_range);
        assert_eq!(
            model.evaluate(x, Targets::Classes(&bad), ROWS, &mut []),
            Err(out_of_range)
        );
        // One-hot rows of the wrong length.
        let onehot = vec![0.0_f32; ROWS * 3 - 1];
        let t = Targets::OneHot(&onehot);
        assert_epoch_fails(model, x, t, ROWS, mismatch("targets", 18, 17));
    });
}

#[test]
fn class_labels_need_a_categorical_loss() {
    let x = inputs();
    let c = classes();
    for loss in [LossKind::MeanSquaredError, LossKind::BinaryCrossEntropy] {
        let s = setup(&NET, loss, adam(), ROWS);
        let mut buffers = s.owned(initial());
        let mut model = buffers.model();
        let before = observe(&mut model);
        assert_epoch_fails(
            &mut model,
            &x,
            Targets::Classes(&c),
            ROWS,
            Error::UnsupportedTargets,
        );
        assert_eq!(
            model.evaluate(&x, Targets::Classes(&c), ROWS, &mut []),
            Err(Error::UnsupportedTargets)
        );
        let after = observe(&mut model);
        assert_eq!(after.params, before.params);
        assert_eq!(after.steps, 0);
        // Values of the wrong length.
        let y = vec![0.5_f32; ROWS * 3 + 1];
        assert_epoch_fails(
            &mut model,
            &x,
            Targets::Values(&y),
            ROWS,
            mismatch("targets", 18, 19),
        );
        assert_eq!(bits(model.parameters()), before.params);
    }
}

#[test]
fn fit_option_errors() {
    with_trained_model(LossKind::SparseCategoricalCrossEntropy, |model, x, t| {
        assert_fit_fails(
            model,
            x,
            t,
            ROWS,
            batches(1, 0),
            &mut [],
            Error::InvalidHyperparameter { name: "batch_size" },
        );
        for len in [ROWS - 1, ROWS + 1, 0] {
            let mut indices = vec![77_usize; len];
            assert_fit_fails(
                model,
                x,
                t,
                ROWS,
                FitOptions {
                    shuffle: Some(Shuffle {
                        indices: &mut indices,
                        seed: 3,
                    }),
                    ..batches(1, 2)
                },
                &mut [],
                mismatch("indices", ROWS, len),
            );
            assert!(indices.iter().all(|&i| i == 77), "indices untouched");
        }
    });
}

#[test]
fn metric_errors() {
    let x = inputs();
    let c = classes();
    let onehot: Vec<f32> = c
        .iter()
        .flat_map(|&k| (0..3).map(move |j| if j == k { 1.0 } else { 0.0 }))
        .collect();
    with_trained_model(LossKind::CategoricalCrossEntropy, |model, _, _| {
        // A per-class metric with room for two classes, on three.
        let mut precision = Precision::<2>::new();
        precision
            .update(&[0.9, 0.2], Targets::Classes(&[1, 0]), 2, 1)
            .unwrap();
        let kept = precision.value();
        for t in [Targets::Classes(&c), Targets::OneHot(&onehot)] {
            assert_metrics_fail(
                model,
                (&x, t),
                &mut [&mut precision],
                Error::LabelOutOfRange {
                    row: 0,
                    label: 2,
                    classes: 2,
                },
            );
        }
        assert_eq!(precision.value(), kept, "the metric keeps its counts");
        // A regression metric on class labels.
        let mut mae = Mae::new();
        assert_metrics_fail(
            model,
            (&x, Targets::Classes(&c)),
            &mut [&mut mae],
            Error::UnsupportedTargets,
        );
        assert_eq!(mae.value(), None);
        // One bad metric among good ones refuses the call too.
        let mut accuracy = Accuracy::new();
        let mut precision3 = Precision::<3>::new();
        assert_metrics_fail(
            model,
            (&x, Targets::Classes(&c)),
            &mut [&mut accuracy, &mut precision3, &mut precision],
            Error::LabelOutOfRange {
                row: 0,
                label: 2,
                classes: 2,
            },
        );
        assert_eq!(accuracy.value(), None);
        assert_eq!(
            model.evaluate(&x, Targets::Classes(&c), ROWS, &mut [&mut precision]),
            Err(Error::LabelOutOfRange {
                row: 0,
                label: 2,
                classes: 2
            })
        );
    });
}
