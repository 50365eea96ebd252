//! One target type, `vanillanets::targets::Targets`, for the losses, the
//! metrics and the model; `losses::Labels` and `metrics::Targets` are the
//! same type under their old paths.

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss, LossKind};
use vanillanets::metrics::Accuracy;
use vanillanets::model::{Control, FitOptions, Model, Network};
use vanillanets::optimizers::{Optimizer, Sgd};
use vanillanets::targets::Targets;
use vanillanets::Error;

#[test]
fn one_value_serves_the_loss_the_metric_and_the_model() {
    // Two rows of three classes: p = (0.5, 0.25, 0.25) and (0.25, 0.5,
    // 0.25), classes 0 and 2: CCE = (ln 2 + ln 4) / 2 = 1.5 ln 2; argmax
    // 0 and 1, so accuracy 1/2.
    let p = [0.5_f32, 0.25, 0.25, 0.25, 0.5, 0.25];
    let t = Targets::Classes(&[0, 2]);
    let loss = CategoricalCrossEntropy.calculate(&p, t, 2, 3).unwrap();
    assert!((f64::from(loss) - 1.5 * core::f64::consts::LN_2).abs() < 1e-6);
    let mut acc = Accuracy::new();
    acc.update(&p, t, 2, 3).unwrap();
    assert_eq!(acc.value(), Some(0.5));
    // The old paths name the same type: values pass between them as is.
    let old: Labels<'_> = t;
    let metrics_old: vanillanets::metrics::Targets<'_> = old;
    assert_eq!(metrics_old, t);
    // And the model takes it.
    const NET: [Layer<'static>; 2] = [
        Layer::Dense(Dense::new(1, 3)),
        Layer::Activation(ActivationKind::Softmax),
    ];
    let sgd: Optimizer = Sgd::new(0.1, 0.0, 0.0).unwrap().into();
    let mut params = [0.0_f32; Network::parameter_len(&NET)];
    let mut memory = vec![0.0_f32; Model::training_len(&NET, &sgd, 2)];
    let mut model = Model::new(
        &NET,
        LossKind::CategoricalCrossEntropy,
        sgd,
        2,
        &mut params,
        &mut memory,
    )
    .unwrap();
    // Zero weights: every output is 1/3, loss ln 3.
    let fit = model
        .fit(&[1.0, -1.0], t, 2, FitOptions::epochs(1), &mut [], |_| {
            Control::Continue
        })
        .unwrap();
    assert!((f64::from(fit.loss) - 3f64.ln()).abs() < 1e-6);
}

/// The categorical losses take class indices or one-hot rows; float
/// values (one per row, the metrics' reading) are not a form they take.
#[test]
fn categorical_losses_refuse_values() {
    let p = [0.5_f32, 0.5];
    assert_eq!(
        CategoricalCrossEntropy.calculate(&p, Targets::Values(&[1.0]), 1, 2),
        Err(Error::UnsupportedTargets)
    );
}
