//! What `fit` promises beyond the original, on nets and data made here:
//! micro-batches, mini-batches and shuffling, inference with [`Network`],
//! export and reload, non-finite losses, early stopping.

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Metric, Targets};
use vanillanets::model::{Control, Epoch, Fit, FitOptions, Model, Network, Shuffle, Stop};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};

/// 3 → 5 (Tanh) → 4 (LeakyReLU) → 3 (Softmax): the fused path.
const CLASSIFIER: [Layer<'static>; 6] = [
    Layer::Dense(Dense::new(3, 5)),
    Layer::Activation(ActivationKind::Tanh),
    Layer::Dense(Dense::new(5, 4)),
    Layer::Activation(ActivationKind::LeakyReLU { slope: 0.1 }),
    Layer::Dense(Dense::new(4, 3)),
    Layer::Activation(ActivationKind::Softmax),
];

/// 3 → 4 (Sigmoid) → 2 (Linear): MSE, the chained path.
const REGRESSOR: [Layer<'static>; 4] = [
    Layer::Dense(Dense::new(3, 4)),
    Layer::Activation(ActivationKind::Sigmoid),
    Layer::Dense(Dense::new(4, 2)),
    Layer::Activation(ActivationKind::Linear),
];

/// Deterministic values in about `[-scale, scale]`.
fn values(n: usize, seed: u32, scale: f32) -> Vec<f32> {
    (0..n)
        .map(|i| scale * libm::sinf(1.7 * i as f32 + 0.61 * seed as f32 + 0.3))
        .collect()
}

/// Initial parameters for `layers`, small and deterministic.
fn params_for(layers: &[Layer<'_>], seed: u32) -> Vec<f32> {
    values(Network::parameter_len(layers), seed, 0.8)
}

/// A class per row from the inputs (so it is learnable).
fn classes_of(x: &[f32], rows: usize) -> Vec<usize> {
    (0..rows)
        .map(|r| {
            let s = x[3 * r] + 0.5 * x[3 * r + 1] - x[3 * r + 2];
            if s < -0.3 {
                0
            } else if s < 0.3 {
                1
            } else {
                2
            }
        })
        .collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The result of one `fit`.
#[derive(Debug)]
struct Trained {
    losses: Vec<f32>,
    learning_rates: Vec<f64>,
    params: Vec<f32>,
    predictions: Vec<f32>,
    steps: u64,
    fit: Fit,
}

/// Trains `layers` from `params` on `(x, targets)` with `options`, in
/// micro-batches of `micro` rows.
#[allow(clippy::too_many_arguments)]
fn train(
    layers: &[Layer<'_>],
    loss: LossKind,
    optimizer: Optimizer,
    micro: usize,
    params: &[f32],
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    options: FitOptions<'_>,
) -> Trained {
    let mut params = params.to_vec();
    let mut memory = vec![0.0_f32; Model::training_len(layers, &optimizer, micro)];
    let mut model = Model::new(layers, loss, optimizer, micro, &mut params, &mut memory).unwrap();
    let (mut losses, mut learning_rates) = (vec![], vec![]);
    let fit = model
        .fit(x, targets, rows, options, &mut [], |e| {
            losses.push(e.loss);
            learning_rates.push(e.learning_rate);
            Control::Continue
        })
        .unwrap();
    let outputs = model.network().outputs();
    let mut predictions = vec![0.0_f32; rows * outputs];
    model.predict(x, rows, &mut predictions).unwrap();
    Trained {
        losses,
        learning_rates,
        steps: model.steps(),
        params: model.parameters().to_vec(),
        predictions,
        fit,
    }
}

fn adam() -> Optimizer {
    Adam::new(0.02, 0.01, 1e-7, 0.9, 0.999).unwrap().into()
}

fn sgd_momentum() -> Optimizer {
    Sgd::new(0.3, 0.05, 0.8).unwrap().into()
}

/// Full batch in one micro-batch, or in micro-batches of 1, 3, 5, 7, 11
/// (some partial): the gradients add up to the same bits, so every
/// parameter, prediction and learning rate is the same bits, and the epoch
/// loss too: the per-sample losses of all the micro-batches go through one
/// pairwise tree over the epoch's rows.
#[test]
fn micro_batches_accumulate_to_the_full_batch() {
    let rows = 12;
    let x = values(rows * 3, 1, 1.5);
    let classes = classes_of(&x, rows);
    let y = values(rows * 2, 2, 1.0);
    let runs: [(&[Layer<'static>], LossKind, Optimizer, Targets<'_>); 3] = [
        (
            &CLASSIFIER,
            LossKind::CategoricalCrossEntropy,
            adam(),
            Targets::Classes(&classes),
        ),
        (
            &REGRESSOR,
            LossKind::MeanSquaredError,
            sgd_momentum(),
            Targets::Values(&y),
        ),
        (
            &REGRESSOR,
            LossKind::MeanSquaredError,
            adam(),
            Targets::Values(&y),
        ),
    ];
    for (layers, loss, optimizer, targets) in runs {
        let p0 = params_for(layers, 3);
        let full = train(
            layers,
            loss,
            optimizer,
            rows,
            &p0,
            &x,
            targets,
            rows,
            FitOptions::epochs(25),
        );
        assert_eq!(full.steps, 25);
        for micro in [1, 3, 5, 7, 11] {
            let part = train(
                layers,
                loss,
                optimizer,
                micro,
                &p0,
                &x,
                targets,
                rows,
                FitOptions::epochs(25),
            );
            assert_eq!(
                bits(&part.params),
                bits(&full.params),
                "{loss:?} micro {micro}"
            );
            assert_eq!(
                bits(&part.predictions),
                bits(&full.predictions),
                "{loss:?} micro {micro}"
            );
            assert_eq!(part.learning_rates, full.learning_rates);
            assert_eq!(part.steps, full.steps);
            assert_eq!(
                bits(&part.losses),
                bits(&full.losses),
                "{loss:?} micro {micro}: epoch losses"
            );
        }
    }
}

/// 10 samples in batches of 4: three steps per epoch, the last on the two
/// samples left, with its gradient their mean (the same bits as a
/// full-batch fit on those two samples alone, continuing the same
/// optimizer state).
#[test]
fn mini_batches_use_the_last_partial_batch() {
    let rows = 10;
    let x = values(rows * 3, 4, 1.2);
    let classes = classes_of(&x, rows);
    let p0 = params_for(&CLASSIFIER, 5);
    let opt = adam();
    let mini = train(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        4,
        &p0,
        &x,
        Targets::Classes(&classes),
        rows,
        FitOptions {
            epochs: 1,
            batch_size: Some(4),
            shuffle: None,
        },
    );
    assert_eq!(mini.steps, 3);
    assert_eq!(mini.fit.epochs, 1);
    // The learning rate reported is the last step's (step 2, decayed).
    assert_eq!(mini.learning_rates, vec![opt.learning_rate(2)]);

    // The same three steps as three full-batch fits of one model.
    let mut params = p0.clone();
    let mut memory = vec![0.0_f32; Model::training_len(&CLASSIFIER, &opt, 4)];
    let mut model = Model::new(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        4,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let mut batch_losses = vec![];
    for (start, len) in [(0, 4), (4, 4), (8, 2)] {
        let fit = model
            .fit(
                &x[start * 3..(start + len) * 3],
                Targets::Classes(&classes[start..start + len]),
                len,
                FitOptions::epochs(1),
                &mut [],
                |_| Control::Continue,
            )
            .unwrap();
        batch_losses.push((fit.loss, len));
    }
    assert_eq!(model.steps(), 3);
    assert_eq!(bits(model.parameters()), bits(&mini.params));
    // The epoch loss is the mean over all ten samples, each before its step.
    let mean: f64 = batch_losses
        .iter()
        .map(|&(l, n)| f64::from(l) * n as f64)
        .sum::<f64>()
        / rows as f64;
    assert!(
        (f64::from(mini.losses[0]) - mean).abs() <= 1e-6 * mean,
        "{} vs {mean}",
        mini.losses[0]
    );

    // Five epochs: fifteen steps.
    let five = train(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        3,
        &p0,
        &x,
        Targets::Classes(&classes),
        rows,
        FitOptions {
            epochs: 5,
            batch_size: Some(4),
            shuffle: None,
        },
    );
    assert_eq!(five.steps, 15);
    assert_eq!(five.losses.len(), 5);
    // A batch larger than the data set is the full batch.
    let big = |micro| {
        train(
            &CLASSIFIER,
            LossKind::CategoricalCrossEntropy,
            opt,
            micro,
            &p0,
            &x,
            Targets::Classes(&classes),
            rows,
            FitOptions {
                epochs: 4,
                batch_size: Some(64),
                shuffle: None,
            },
        )
    };
    let full = train(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        rows,
        &p0,
        &x,
        Targets::Classes(&classes),
        rows,
        FitOptions::epochs(4),
    );
    let big = big(rows);
    assert_eq!(big.steps, 4);
    assert_eq!(bits(&big.params), bits(&full.params));
    assert_eq!(bits(&big.losses), bits(&full.losses));
}

/// Shuffled mini-batches: the same seed gives the same bits, the index
/// buffer holds a permutation, and one shuffled epoch is the in-order epoch
/// on the permuted data.
#[test]
fn shuffling_is_deterministic_per_seed() {
    let rows = 10;
    let x = values(rows * 3, 6, 1.2);
    let y = values(rows * 2, 7, 1.0);
    let p0 = params_for(&REGRESSOR, 8);
    let opt = sgd_momentum();
    let run = |seed: u64, epochs: usize| {
        let mut order = [usize::MAX; 10];
        let t = train(
            &REGRESSOR,
            LossKind::MeanSquaredError,
            opt,
            3,
            &p0,
            &x,
            Targets::Values(&y),
            rows,
            FitOptions {
                epochs,
                batch_size: Some(4),
                shuffle: Some(Shuffle {
                    indices: &mut order,
                    seed,
                }),
            },
        );
        (t, order)
    };
    let (a, order_a) = run(11, 6);
    let (b, order_b) = run(11, 6);
    assert_eq!(a.steps, 18);
    assert_eq!(bits(&a.params), bits(&b.params));
    assert_eq!(bits(&a.losses), bits(&b.losses));
    assert_eq!(order_a, order_b);
    let mut sorted = order_a;
    sorted.sort_unstable();
    assert_eq!(sorted, core::array::from_fn(|i| i));
    let (c, _) = run(12, 6);
    assert_ne!(
        bits(&a.params),
        bits(&c.params),
        "another seed, another order"
    );

    // One epoch: the order it used is the one left in the buffer.
    let (one, order) = run(5, 1);
    assert_ne!(
        order,
        core::array::from_fn(|i| i),
        "seed 5 permutes 10 items"
    );
    let xs: Vec<f32> = order
        .iter()
        .flat_map(|&i| x[3 * i..3 * i + 3].to_vec())
        .collect();
    let ys: Vec<f32> = order
        .iter()
        .flat_map(|&i| y[2 * i..2 * i + 2].to_vec())
        .collect();
    let in_order = train(
        &REGRESSOR,
        LossKind::MeanSquaredError,
        opt,
        3,
        &p0,
        &xs,
        Targets::Values(&ys),
        rows,
        FitOptions {
            epochs: 1,
            batch_size: Some(4),
            shuffle: None,
        },
    );
    assert_eq!(bits(&one.params), bits(&in_order.params));
    assert_eq!(bits(&one.losses), bits(&in_order.losses));
}

/// `Network::new(layers, model.parameters())` and `model.network()` predict
/// the same bits as `model.predict`, whatever the model's micro-batch.
#[test]
fn network_predicts_the_models_bits() {
    let rows = 9;
    let x = values(rows * 3, 9, 1.3);
    let classes = classes_of(&x, rows);
    for micro in [rows, 4, 1] {
        let mut params = params_for(&CLASSIFIER, 10);
        let opt = adam();
        let mut memory = vec![0.0_f32; Model::training_len(&CLASSIFIER, &opt, micro)];
        let mut model = Model::new(
            &CLASSIFIER,
            LossKind::CategoricalCrossEntropy,
            opt,
            micro,
            &mut params,
            &mut memory,
        )
        .unwrap();
        model
            .fit(
                &x,
                Targets::Classes(&classes),
                rows,
                FitOptions::epochs(10),
                &mut [],
                |_| Control::Continue,
            )
            .unwrap();
        let mut from_model = vec![0.0_f32; rows * 3];
        model.predict(&x, rows, &mut from_model).unwrap();
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
    let opt = adam();
    let mut params = params_for(&REGRESSOR, 14);
    let mut memory = vec![0.0_f32; Model::training_len(&REGRESSOR, &opt, rows)];
    let mut model = Model::new(
        &REGRESSOR,
        LossKind::MeanSquaredError,
        opt,
        rows,
        &mut params,
        &mut memory,
    )
    .unwrap();
    model
        .fit(
            &x,
            Targets::Values(&y),
            rows,
            FitOptions::epochs(30),
            &mut [],
            |_| Control::Continue,
        )
        .unwrap();
    let mut expected = vec![0.0_f32; rows * 2];
    model.predict(&x, rows, &mut expected).unwrap();
    let trained_loss = model
        .evaluate(&x, Targets::Values(&y), rows, &mut [])
        .unwrap();

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

    let mut params2 = reloaded.to_vec();
    let mut memory2 = vec![0.0_f32; Model::training_len(&REGRESSOR, &opt, 3)];
    let mut model2 = Model::new(
        &REGRESSOR,
        LossKind::MeanSquaredError,
        opt,
        3,
        &mut params2,
        &mut memory2,
    )
    .unwrap();
    let mut out2 = vec![0.0_f32; rows * 2];
    model2.predict(&x, rows, &mut out2).unwrap();
    assert_eq!(bits(&out2), bits(&expected));
    assert_eq!(model2.steps(), 0);
    // `evaluate` sums per micro-batch (3, 3, 2 rows here): within rounding.
    let loss2 = model2
        .evaluate(&x, Targets::Values(&y), rows, &mut [])
        .unwrap();
    assert!((loss2 - trained_loss).abs() <= 4.0 * f32::EPSILON * trained_loss);
}

/// `evaluate` gives the loss the next epoch of `fit` reports (same
/// parameters, same micro-batches), and changes nothing.
#[test]
fn evaluate_is_the_next_epochs_loss() {
    let rows = 11;
    let x = values(rows * 3, 15, 1.1);
    let classes = classes_of(&x, rows);
    let opt = sgd_momentum();
    let mut params = params_for(&CLASSIFIER, 16);
    let mut memory = vec![0.0_f32; Model::training_len(&CLASSIFIER, &opt, 4)];
    let mut model = Model::new(
        &CLASSIFIER,
        LossKind::SparseCategoricalCrossEntropy,
        opt,
        4,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let t = Targets::Classes(&classes);
    model
        .fit(&x, t, rows, FitOptions::epochs(5), &mut [], |_| {
            Control::Continue
        })
        .unwrap();
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
    let x = values(rows * 3, 17, 1.0);
    let classes = classes_of(&x, rows);
    let opt = adam();
    let p0 = params_for(&CLASSIFIER, 18);
    let run = |fill: f32, extra: usize| {
        let mut params = p0.clone();
        let mut memory = vec![fill; Model::training_len(&CLASSIFIER, &opt, 3) + extra];
        let mut model = Model::new(
            &CLASSIFIER,
            LossKind::CategoricalCrossEntropy,
            opt,
            3,
            &mut params,
            &mut memory,
        )
        .unwrap();
        let mut losses = vec![];
        model
            .fit(
                &x,
                Targets::Classes(&classes),
                rows,
                FitOptions::epochs(8),
                &mut [],
                |e| {
                    losses.push(e.loss);
                    Control::Continue
                },
            )
            .unwrap();
        (model.parameters().to_vec(), losses)
    };
    let (p, l) = run(0.0, 0);
    let (q, m) = run(f32::NAN, 5);
    assert_eq!(bits(&p), bits(&q));
    assert_eq!(bits(&l), bits(&m));
}

/// NaN inputs: the first micro-batch's loss is NaN, its step does not run,
/// the callback sees it, and `fit` returns `Ok` with `NonFiniteLoss`.
#[test]
fn nan_inputs_stop_before_any_update() {
    let rows = 6;
    let mut x = values(rows * 3, 19, 1.0);
    x[7] = f32::NAN;
    let classes = classes_of(&values(rows * 3, 19, 1.0), rows);
    let opt = adam();
    let p0 = params_for(&CLASSIFIER, 20);
    let mut params = p0.clone();
    let mut memory = vec![0.0_f32; Model::training_len(&CLASSIFIER, &opt, rows)];
    let mut model = Model::new(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        rows,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let mut seen: Vec<(usize, f32, f64)> = vec![];
    let fit = model
        .fit(
            &x,
            Targets::Classes(&classes),
            rows,
            FitOptions::epochs(5),
            &mut [],
            |e: &Epoch<'_, '_>| {
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

/// A NaN in the last mini-batch: the steps before it ran, its own did not.
#[test]
fn nan_in_a_later_batch_keeps_the_earlier_steps() {
    let rows = 10;
    let clean = values(rows * 3, 21, 1.0);
    let y = values(rows * 2, 22, 0.8);
    let mut x = clean.clone();
    x[9 * 3 + 1] = f32::NAN; // row 9: the third batch of 4
    let opt = sgd_momentum();
    let p0 = params_for(&REGRESSOR, 23);
    let options = || FitOptions {
        epochs: 3,
        batch_size: Some(4),
        shuffle: None,
    };
    let mut params = p0.clone();
    let mut memory = vec![0.0_f32; Model::training_len(&REGRESSOR, &opt, 2)];
    let mut model = Model::new(
        &REGRESSOR,
        LossKind::MeanSquaredError,
        opt,
        2,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let mut calls = 0;
    let fit = model
        .fit(&x, Targets::Values(&y), rows, options(), &mut [], |_| {
            calls += 1;
            Control::Continue
        })
        .unwrap();
    assert_eq!((fit.stop, fit.epochs, calls), (Stop::NonFiniteLoss, 0, 1));
    assert!(fit.loss.is_nan());
    assert_eq!(model.steps(), 2);
    // The two steps on the first eight rows, and nothing else.
    let eight = train(
        &REGRESSOR,
        LossKind::MeanSquaredError,
        opt,
        2,
        &p0,
        &clean[..24],
        Targets::Values(&y[..16]),
        8,
        FitOptions {
            epochs: 1,
            batch_size: Some(4),
            shuffle: None,
        },
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
    let mut params = p0.clone();
    let mut memory = vec![0.0_f32; Model::training_len(&LINEAR, &opt, rows)];
    let mut model = Model::new(
        &LINEAR,
        LossKind::MeanSquaredError,
        opt,
        rows,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let mut losses = vec![];
    let fit = model
        .fit(
            &x,
            Targets::Values(&y),
            rows,
            FitOptions::epochs(10_000),
            &mut [],
            |e| {
                losses.push(e.loss);
                Control::Continue
            },
        )
        .unwrap();
    assert_eq!(fit.stop, Stop::NonFiniteLoss);
    let k = fit.epochs;
    assert!(k > 2 && k < 10_000, "{k}");
    assert_eq!(losses.len(), k + 1);
    assert!(losses[..k].iter().all(|l| l.is_finite()));
    assert!(!losses[k].is_finite());
    assert_eq!(model.steps(), k as u64);
    let finite = train(
        &LINEAR,
        LossKind::MeanSquaredError,
        opt,
        rows,
        &p0,
        &x,
        Targets::Values(&y),
        rows,
        FitOptions::epochs(k),
    );
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
    let mut params = [0.0_f32; 2];
    let mut memory = vec![0.0_f32; Model::training_len(&LINEAR, &opt, 2)];
    let mut model = Model::new(
        &LINEAR,
        LossKind::MeanSquaredError,
        opt,
        2,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let mut losses = vec![];
    let fit = model
        .fit(
            &x,
            Targets::Values(&y),
            2,
            FitOptions::epochs(3),
            &mut [],
            |e| {
                losses.push(e.loss);
                Control::Continue
            },
        )
        .unwrap();
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
    let x = values(rows * 3, 27, 1.0);
    let classes = classes_of(&x, rows);
    let opt = adam();
    let p0 = params_for(&CLASSIFIER, 28);
    let mut params = p0.clone();
    let mut memory = vec![0.0_f32; Model::training_len(&CLASSIFIER, &opt, rows)];
    let mut model = Model::new(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        rows,
        &mut params,
        &mut memory,
    )
    .unwrap();
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
    let three = train(
        &CLASSIFIER,
        LossKind::CategoricalCrossEntropy,
        opt,
        rows,
        &p0,
        &x,
        t,
        rows,
        FitOptions::epochs(3),
    );
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
    let mut params = params_for(&BCE2, 30);
    let mut memory = vec![0.0_f32; Model::training_len(&BCE2, &opt, 3)];
    let mut model = Model::new(
        &BCE2,
        LossKind::BinaryCrossEntropy,
        opt,
        3,
        &mut params,
        &mut memory,
    )
    .unwrap();
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
