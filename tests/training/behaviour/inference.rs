//! Inference and evaluation of a trained model: `Network` predicts its
//! bits, exported parameters reload, `evaluate` is the next epoch's loss,
//! and the training memory starts zeroed whatever it held.

use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::{Control, FitOptions, Network};

use super::{
    adam, classes_of, classification, fit_then_predict, params_for, sgd_momentum, values, CCE,
    CLASSIFIER, MSE, REGRESSOR,
};
use crate::fixtures::{bits, fit_losses, setup};

/// `Network::new(layers, model.parameters())` and `model.network()` predict
/// the same bits as `model.predict`, whatever the model's micro-batch.
#[test]
fn network_predicts_the_models_bits() {
    let rows = 9;
    let x = values(rows * 3, 9, 1.3);
    let classes = classes_of(&x, rows);
    for micro in [rows, 4, 1] {
        let s = setup(&CLASSIFIER, CCE, adam(), micro);
        let mut buffers = s.owned(params_for(&CLASSIFIER, 10));
        let mut model = buffers.model();
        let t = Targets::Classes(&classes);
        let from_model = fit_then_predict(&mut model, &x, t, rows, 10);
        let mut scratch = vec![0.0_f32; Network::scratch_len(&CLASSIFIER, rows)];
        let mut from_network = vec![f32::NAN; rows * 3];
        Network::new(&CLASSIFIER, model.parameters())
            .unwrap()
            .predict(&x, rows, &mut scratch, &mut from_network)
            .unwrap();
        assert_eq!(bits(&from_network), bits(&from_model), "micro {micro}");
        let mut from_view = vec![f32::NAN; rows * 3];
        model
            .network()
            .predict(&x, rows, &mut scratch, &mut from_view)
            .unwrap();
        assert_eq!(bits(&from_view), bits(&from_model));
        // Softmax rows.
        for row in from_model.chunks(3) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
    }
}

/// Export (copy the parameters out), reload into a fixed-size array as
/// firmware would, and run: the same outputs; a new `Model` on the exported
/// parameters (other micro-batch, fresh optimizer state at step 0) predicts
/// the same bits and evaluates to the same loss up to summation order.
#[test]
fn export_and_reload_give_the_same_outputs() {
    const N: usize = Network::parameter_len(&REGRESSOR);
    let rows = 8;
    let x = values(rows * 3, 12, 1.0);
    let y = values(rows * 2, 13, 0.7);
    let s = setup(&REGRESSOR, MSE, adam(), rows);
    let mut buffers = s.owned(params_for(&REGRESSOR, 14));
    let mut model = buffers.model();
    let t = Targets::Values(&y);
    let expected = fit_then_predict(&mut model, &x, t, rows, 30);
    let trained_loss = model.evaluate(&x, t, rows, &mut []).unwrap();

    let mut exported = [0.0_f32; N];
    exported.copy_from_slice(model.parameters());
    let reloaded: [f32; N] = exported; // e.g. a `const` in flash
    let mut scratch = [0.0_f32; Network::scratch_len(&REGRESSOR, 8)];
    let mut out = [0.0_f32; 16];
    Network::new(&REGRESSOR, &reloaded)
        .unwrap()
        .predict(&x, rows, &mut scratch, &mut out)
        .unwrap();
    assert_eq!(bits(&out), bits(&expected));

    let s2 = setup(&REGRESSOR, MSE, adam(), 3);
    let mut buffers2 = s2.owned(reloaded.to_vec());
    let mut model2 = buffers2.model();
    let mut out2 = vec![0.0_f32; rows * 2];
    model2.predict(&x, rows, &mut out2).unwrap();
    assert_eq!(bits(&out2), bits(&expected));
    assert_eq!(model2.steps(), 0);
    // `evaluate` sums per micro-batch (3, 3, 2 rows here): within rounding.
    let loss2 = model2.evaluate(&x, t, rows, &mut []).unwrap();
    assert!((loss2 - trained_loss).abs() <= 4.0 * f32::EPSILON * trained_loss);
}

/// `evaluate` gives the loss the next epoch of `fit` reports (same
/// parameters, same micro-batches), and changes nothing.
#[test]
fn evaluate_is_the_next_epochs_loss() {
    let rows = 11;
    let x = values(rows * 3, 15, 1.1);
    let classes = classes_of(&x, rows);
    let s = setup(
        &CLASSIFIER,
        LossKind::SparseCategoricalCrossEntropy,
        sgd_momentum(),
        4,
    );
    let mut buffers = s.owned(params_for(&CLASSIFIER, 16));
    let mut model = buffers.model();
    let t = Targets::Classes(&classes);
    fit_losses(&mut model, &x, t, rows, FitOptions::epochs(5));
    let before = model.parameters().to_vec();
    let mut accuracy = Accuracy::new();
    let loss = model.evaluate(&x, t, rows, &mut [&mut accuracy]).unwrap();
    assert_eq!(bits(model.parameters()), bits(&before));
    assert_eq!(model.steps(), 5);
    let acc = accuracy.value().unwrap();
    let fit = model
        .fit(
            &x,
            t,
            rows,
            FitOptions::epochs(1),
            &mut [&mut accuracy],
            |e| {
                assert_eq!(e.metrics[0].result(), Some(acc));
                Control::Continue
            },
        )
        .unwrap();
    assert_eq!(fit.loss.to_bits(), loss.to_bits());
}

/// `Model::new` zeroes the training memory: garbage in it changes nothing,
/// nor does memory beyond `training_len`.
#[test]
fn training_memory_is_zeroed() {
    let rows = 7;
    let (x, classes, p0) = classification(rows, 17, 1.0);
    let s = setup(&CLASSIFIER, CCE, adam(), 3);
    let run = |fill: f32, extra: usize| {
        let mut params = p0.clone();
        let mut memory = vec![fill; s.memory().len() + extra];
        let mut model = s.model(&mut params, &mut memory);
        let t = Targets::Classes(&classes);
        let (_, losses) = fit_losses(&mut model, &x, t, rows, FitOptions::epochs(8));
        (model.parameters().to_vec(), losses)
    };
    let (p, l) = run(0.0, 0);
    let (q, m) = run(f32::NAN, 5);
    assert_eq!(bits(&p), bits(&q));
    assert_eq!(bits(&l), bits(&m));
}
