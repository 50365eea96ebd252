//! When training stops: non-finite losses (before the step that would use
//! them), an overflowing epoch mean (not a stop), the callback's
//! `Control::Stop`; and the metrics the callback sees every epoch.

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Metric, Targets};
use vanillanets::model::{Control, Epoch, Fit, FitOptions, Network, Stop};
use vanillanets::optimizers::{Optimizer, Sgd};

use super::{
    adam, classes_of, classification, params_for, sgd_momentum, train, values, CCE, CLASSIFIER,
    MSE, REGRESSOR,
};
use crate::fixtures::{batches, bits, fit_losses, setup};

/// A NaN target (non-finite inputs are refused: see the last test): the
/// first micro-batch's loss is NaN, its step does not run, the callback
/// sees it, and `fit` returns `Ok` with `NonFiniteLoss`.
#[test]
fn nan_targets_stop_before_any_update() {
    let rows = 6;
    let x = values(rows * 3, 19, 1.0);
    let classes = classes_of(&x, rows);
    let mut one_hot = vec![0.0_f32; rows * 3];
    for (r, &c) in classes.iter().enumerate() {
        one_hot[r * 3 + c] = 1.0;
    }
    one_hot[7] = f32::NAN; // row 2
    let opt = adam();
    let p0 = params_for(&CLASSIFIER, 20);
    let s = setup(&CLASSIFIER, CCE, opt, rows);
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let mut seen: Vec<(usize, f32, f64)> = vec![];
    let fit = model
        .fit(
            &x,
            Targets::OneHot(&one_hot),
            rows,
            FitOptions::epochs(5),
            &mut [],
            |e: &Epoch<'_, '_, '_>| {
                seen.push((e.epoch, e.loss, e.learning_rate));
                Control::Continue
            },
        )
        .unwrap();
    assert_eq!(fit.stop, Stop::NonFiniteLoss);
    assert_eq!(fit.epochs, 0);
    assert!(fit.loss.is_nan());
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, 1);
    assert!(seen[0].1.is_nan());
    assert_eq!(seen[0].2, opt.learning_rate(0));
    assert_eq!(bits(model.parameters()), bits(&p0));
    assert_eq!(model.steps(), 0);
}

/// A NaN target in the last mini-batch: the steps before it ran, its own
/// did not.
#[test]
fn nan_in_a_later_batch_keeps_the_earlier_steps() {
    let rows = 10;
    let clean = values(rows * 3, 21, 1.0);
    let mut y = values(rows * 2, 22, 0.8);
    let x = clean.clone();
    y[9 * 2 + 1] = f32::NAN; // row 9: the third batch of 4
    let p0 = params_for(&REGRESSOR, 23);
    let s = setup(&REGRESSOR, MSE, sgd_momentum(), 2);
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let t = Targets::Values(&y);
    let (fit, calls) = fit_losses(&mut model, &x, t, rows, batches(3, 4));
    assert_eq!(
        (fit.stop, fit.epochs, calls.len()),
        (Stop::NonFiniteLoss, 0, 1)
    );
    assert!(fit.loss.is_nan());
    assert_eq!(model.steps(), 2);
    // The two steps on the first eight rows, and nothing else.
    let eight = train(
        s,
        &p0,
        &clean[..24],
        Targets::Values(&y[..16]),
        8,
        batches(1, 4),
    );
    assert_eq!(bits(model.parameters()), bits(&eight.params));
}

/// A loss that overflows after some epochs (SGD with a huge learning rate
/// on MSE): the parameters are those after the last finite step.
#[test]
fn diverging_training_stops_at_the_first_infinite_loss() {
    let rows = 8;
    let x = values(rows * 3, 24, 2.0);
    let y = values(rows * 2, 25, 1.0);
    const LINEAR: [Layer<'static>; 2] = [
        Layer::Dense(Dense::new(3, 2)),
        Layer::Activation(ActivationKind::Linear),
    ];
    let opt: Optimizer = Sgd::new(5.0, 0.0, 0.0).unwrap().into();
    let p0 = params_for(&LINEAR, 26);
    let s = setup(&LINEAR, MSE, opt, rows);
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let t = Targets::Values(&y);
    let (fit, losses) = fit_losses(&mut model, &x, t, rows, FitOptions::epochs(10_000));
    assert_eq!(fit.stop, Stop::NonFiniteLoss);
    let k = fit.epochs;
    assert!(k > 2 && k < 10_000, "{k}");
    assert_eq!(losses.len(), k + 1);
    assert!(losses[..k].iter().all(|l| l.is_finite()));
    assert!(!losses[k].is_finite());
    assert_eq!(model.steps(), k as u64);
    let finite = train(s, &p0, &x, t, rows, FitOptions::epochs(k));
    assert_eq!(bits(model.parameters()), bits(&finite.params));
    assert_eq!(bits(&losses[..k]), bits(&finite.losses));
}

/// Finite sample losses whose sum passes `f32::MAX`: the epoch's mean is
/// +inf, as `np.mean` gives in float32, every step runs and training goes
/// on (VanillaNets prints `loss: inf` and continues).
#[test]
fn an_overflowing_epoch_mean_does_not_stop_training() {
    const LINEAR: [Layer<'static>; 2] = [
        Layer::Dense(Dense::new(1, 1)),
        Layer::Activation(ActivationKind::Linear),
    ];
    let x = [1.0_f32, 1.0];
    let y = [1.5e19_f32, 1.5e19];
    // Each sample's MSE is 1.5e19² = 2.25e38 < f32::MAX; the sum is 4.5e38.
    let sample = 1.5e19_f64 * 1.5e19;
    assert!(sample < f64::from(f32::MAX) && 2.0 * sample > f64::from(f32::MAX));
    let opt: Optimizer = Sgd::new(1e-30, 0.0, 0.0).unwrap().into();
    let s = setup(&LINEAR, MSE, opt, 2);
    let mut buffers = s.owned(vec![0.0_f32; 2]);
    let mut model = buffers.model();
    let t = Targets::Values(&y);
    let (fit, losses) = fit_losses(&mut model, &x, t, 2, FitOptions::epochs(3));
    assert_eq!((fit.stop, fit.epochs), (Stop::Finished, 3));
    assert_eq!(losses, [f32::INFINITY; 3]);
    assert_eq!(model.steps(), 3);
    // db = -2·(1.5e19 + 1.5e19) / 2 = -3e19 per step, times 1e-30.
    assert!(model.parameters()[1] > 0.0);
}

/// `Control::Stop` ends `fit` after that epoch; zero epochs do nothing.
#[test]
fn callback_stop_ends_after_that_epoch() {
    let rows = 9;
    let (x, classes, p0) = classification(rows, 27, 1.0);
    let s = setup(&CLASSIFIER, CCE, adam(), rows);
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let t = Targets::Classes(&classes);
    let none = model
        .fit(&x, t, rows, FitOptions::epochs(0), &mut [], |_| {
            panic!("no epoch ran")
        })
        .unwrap();
    assert_eq!((none.epochs, none.stop), (0, Stop::Finished));
    assert!(none.loss.is_nan());
    assert_eq!(bits(model.parameters()), bits(&p0));

    let mut calls = vec![];
    let fit = model
        .fit(&x, t, rows, FitOptions::epochs(50), &mut [], |e| {
            calls.push(e.loss);
            if e.epoch == 3 {
                Control::Stop
            } else {
                Control::Continue
            }
        })
        .unwrap();
    assert_eq!(calls.len(), 3);
    assert_eq!(
        fit,
        Fit {
            epochs: 3,
            loss: calls[2],
            stop: Stop::Callback
        }
    );
    assert_eq!(model.steps(), 3);
    let three = train(s, &p0, &x, t, rows, FitOptions::epochs(3));
    assert_eq!(bits(model.parameters()), bits(&three.params));
    assert_eq!(bits(&calls), bits(&three.losses));
    assert_eq!(three.fit.stop, Stop::Finished);
}

/// The metrics `fit` reports: reset every epoch, fed the same outputs as
/// the loss; Accuracy on a BCE model with two outputs reads the targets by
/// argmax, as the original's `_to_labels` does.
#[test]
fn metrics_are_per_epoch() {
    let rows = 8;
    let x = values(rows * 3, 29, 1.0);
    // Two sigmoid outputs, targets one-hot-like rows.
    const BCE2: [Layer<'static>; 2] = [
        Layer::Dense(Dense::new(3, 2)),
        Layer::Activation(ActivationKind::Sigmoid),
    ];
    let y: Vec<f32> = (0..rows)
        .flat_map(|r| {
            if x[3 * r] > 0.0 {
                [1.0, 0.0]
            } else {
                [0.0, 1.0]
            }
        })
        .collect();
    let opt: Optimizer = Sgd::new(0.5, 0.0, 0.0).unwrap().into();
    let s = setup(&BCE2, LossKind::BinaryCrossEntropy, opt, 3);
    let mut buffers = s.owned(params_for(&BCE2, 30));
    let mut model = buffers.model();
    let mut accuracy = Accuracy::new();
    let mut values_seen = vec![];
    let mut outputs = vec![0.0_f32; rows * 2];
    for _ in 0..3 {
        model.predict(&x, rows, &mut outputs).unwrap();
        let hits = outputs
            .chunks(2)
            .zip(y.chunks(2))
            .filter(|(o, t)| (o[1] > o[0]) == (t[1] > t[0]))
            .count();
        model
            .fit(
                &x,
                Targets::Values(&y),
                rows,
                FitOptions::epochs(1),
                &mut [&mut accuracy],
                |e| {
                    values_seen.push(e.metrics[0].result());
                    Control::Continue
                },
            )
            .unwrap();
        assert_eq!(
            values_seen.last().copied().flatten(),
            Some(hits as f64 / rows as f64)
        );
    }
    assert_eq!(accuracy.name(), "accuracy");
}

/// `Epoch::line` prints non-finite numbers as Python's `f"{x:.3f}"` does:
/// `nan`, `inf`, `-inf` (the original's line for a NaN loss reads
/// `loss: nan`).
#[test]
fn epoch_line_prints_non_finite_numbers_as_python() {
    let line = |loss: f32, learning_rate: f64| {
        let mut s = String::new();
        Epoch {
            epoch: 3,
            loss,
            learning_rate,
            metrics: &[],
            validation: None,
        }
        .line(&mut s)
        .unwrap();
        s
    };
    assert_eq!(line(f32::NAN, 0.001), "epoch: 3, loss: nan, lr: 0.001000");
    assert_eq!(line(-f32::NAN, 0.001), "epoch: 3, loss: nan, lr: 0.001000");
    assert_eq!(
        line(f32::INFINITY, 0.5),
        "epoch: 3, loss: inf, lr: 0.500000"
    );
    assert_eq!(
        line(f32::NEG_INFINITY, 0.5),
        "epoch: 3, loss: -inf, lr: 0.500000"
    );
    assert_eq!(line(0.0625, f64::NAN), "epoch: 3, loss: 0.062, lr: nan");
    assert_eq!(line(-0.0001, 0.5), "epoch: 3, loss: -0.000, lr: 0.500000");
    // A metric with no value yet prints `nan`.
    let mut acc = Accuracy::new();
    let metrics: [&mut dyn Metric; 1] = [&mut acc];
    let mut s = String::new();
    Epoch {
        epoch: 1,
        loss: 1.0,
        learning_rate: 1.0,
        metrics: &metrics,
        validation: None,
    }
    .line(&mut s)
    .unwrap();
    assert_eq!(s, "epoch: 1, accuracy: nan, loss: 1.000, lr: 1.000000");
}

/// `-inf` through ReLU: the loss stays finite (ReLU maps it to 0), but the
/// first layer's weight gradient would be `-inf · 0 = NaN`, and the
/// parameters NaN after one step. `fit`, `evaluate` and `Model::predict`
/// refuse a non-finite input before anything is written, naming the
/// first one; `Network::predict` keeps NumPy's inference semantics and
/// propagates it.
#[test]
fn non_finite_inputs_are_refused_before_anything_is_written() {
    const NET: [Layer<'static>; 4] = [
        Layer::Dense(Dense::new(2, 2)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(2, 1)),
        Layer::Activation(ActivationKind::Linear),
    ];
    // W1 = all ones, b1 = 0, W2 = ones, b2 = 0.
    let p0 = vec![1.0_f32, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
    let opt: Optimizer = Sgd::new(0.1, 0.0, 0.0).unwrap().into();
    let s = setup(&NET, MSE, opt, 2);
    let y = [1.0_f32, 0.5];
    let cases = [
        ([1.0, 2.0, f32::NEG_INFINITY, 0.5], (1, 0)),
        ([1.0, f32::NAN, 3.0, 0.5], (0, 1)),
        ([1.0, 2.0, 3.0, f32::INFINITY], (1, 1)),
    ];
    for (x, (row, column)) in cases {
        let error = vanillanets::Error::NonFiniteInput { row, column };
        let mut buffers = s.owned(p0.clone());
        let mut model = buffers.model();
        let mut calls = 0;
        let fit = model.fit(
            &x,
            Targets::Values(&y),
            2,
            FitOptions::epochs(3),
            &mut [],
            |_| {
                calls += 1;
                Control::Continue
            },
        );
        assert_eq!(fit, Err(error), "{x:?}");
        assert_eq!(calls, 0);
        assert_eq!(model.steps(), 0);
        assert_eq!(bits(model.parameters()), bits(&p0));
        assert_eq!(
            model.evaluate(&x, Targets::Values(&y), 2, &mut []),
            Err(error)
        );
        let mut out = [7.0_f32; 2];
        assert_eq!(model.predict(&x, 2, &mut out), Err(error));
        assert_eq!(out, [7.0; 2]);
        // Inference alone propagates, as NumPy's forward does: the row
        // with `-inf` gives ReLU(-inf) = 0 downstream, a NaN row gives NaN.
        let mut scratch = vec![0.0_f32; Network::scratch_len(&NET, 2)];
        model
            .network()
            .predict(&x, 2, &mut scratch, &mut out)
            .unwrap();
        assert_eq!(out[row].is_nan(), x[2 * row + column].is_nan());
    }
    // The same data, finite: training runs.
    let mut buffers = s.owned(p0.clone());
    let mut model = buffers.model();
    let x = [1.0, 2.0, -3.0, 0.5];
    let fit = model.fit(
        &x,
        Targets::Values(&y),
        2,
        FitOptions::epochs(3),
        &mut [],
        |_| Control::Continue,
    );
    assert_eq!(fit.map(|f| f.stop), Ok(Stop::Finished));
}
