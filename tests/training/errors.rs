//! Every error of the training API: the exact `Error`, and that nothing
//! changed (the caller's slices, the parameters, the step count, the
//! predictions, and the optimizer state as seen by training on afterwards).

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{initialize, Dense, Distribution, Gradients, Init, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Mae, Metric, Precision, Targets};
use vanillanets::model::{Control, FitOptions, Model, Network, Shuffle};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets::random::{Pcg32, Rng};
use vanillanets::Error;

/// 2 → 4 (Tanh) → 3 (Softmax).
const NET: [Layer<'static>; 4] = [
    Layer::Dense(Dense::new(2, 4)),
    Layer::Activation(ActivationKind::Tanh),
    Layer::Dense(Dense::new(4, 3)),
    Layer::Activation(ActivationKind::Softmax),
];
const P: usize = Network::parameter_len(&NET); // (2 + 1)·4 + (4 + 1)·3
const ROWS: usize = 6;

/// A value no computation here produces: "never written".
fn sentinel() -> f32 {
    f32::from_bits(0x7fc0_1234)
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn adam() -> Optimizer {
    Adam::new(0.05, 0.01, 1e-7, 0.9, 0.999).unwrap().into()
}

fn inputs() -> Vec<f32> {
    (0..ROWS * 2)
        .map(|i| libm::sinf(i as f32 * 1.3 + 0.2))
        .collect()
}

fn classes() -> Vec<usize> {
    vec![0, 1, 2, 1, 0, 2]
}

fn initial() -> Vec<f32> {
    (0..P).map(|i| 0.5 * libm::cosf(i as f32 * 0.7)).collect()
}

/// `Model::new` fails with `expected`, and `params` and `memory` keep
/// their sentinel contents.
fn assert_new_fails(
    layers: &[Layer<'_>],
    params_len: usize,
    memory_len: usize,
    micro: usize,
    expected: Error,
) {
    let mut params = vec![sentinel(); params_len];
    let mut memory = vec![sentinel(); memory_len];
    let result = Model::new(
        layers,
        LossKind::CategoricalCrossEntropy,
        adam(),
        micro,
        &mut params,
        &mut memory,
    );
    assert_eq!(result.err(), Some(expected), "{layers:?}");
    assert!(params.iter().all(|p| p.to_bits() == sentinel().to_bits()));
    assert!(memory.iter().all(|m| m.to_bits() == sentinel().to_bits()));
}

#[test]
fn model_new_errors() {
    let enough = Model::training_len(&NET, &adam(), ROWS);
    // A Dense layer that does not take the width the one before gives.
    let mismatch = [
        Layer::Dense(Dense::new(2, 4)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(5, 3)),
    ];
    assert_new_fails(
        &mismatch,
        100,
        enough,
        ROWS,
        Error::LayerMismatch {
            layer: 2,
            expected: 4,
            actual: 5,
        },
    );
    // No Dense layer at all, or no layer.
    assert_new_fails(
        &[Layer::Activation(ActivationKind::ReLU)],
        0,
        enough,
        ROWS,
        Error::NoDenseLayer,
    );
    assert_new_fails(&[], 0, enough, ROWS, Error::NoDenseLayer);
    // A Dense layer with no inputs or no outputs.
    assert_new_fails(
        &[Layer::Dense(Dense::new(0, 3))],
        3,
        enough,
        ROWS,
        Error::EmptyShape { rows: 0, cols: 3 },
    );
    assert_new_fails(
        &[
            Layer::Dense(Dense::new(2, 4)),
            Layer::Dense(Dense::new(4, 0)),
        ],
        12,
        enough,
        ROWS,
        Error::EmptyShape { rows: 4, cols: 0 },
    );
    // Sizes that overflow.
    assert_new_fails(
        &[Layer::Dense(Dense::new(usize::MAX, 2))],
        0,
        enough,
        ROWS,
        Error::ShapeOverflow {
            rows: usize::MAX,
            cols: 2,
        },
    );
    // The parameter slice's length.
    for len in [P - 1, P + 1, 0] {
        assert_new_fails(
            &NET,
            len,
            enough,
            ROWS,
            Error::LengthMismatch {
                argument: "params",
                expected: P,
                actual: len,
            },
        );
    }
    // Too little training memory.
    assert_new_fails(
        &NET,
        P,
        enough - 1,
        ROWS,
        Error::ArenaTooSmall {
            needed: enough,
            given: enough - 1,
        },
    );
    assert_new_fails(
        &NET,
        P,
        0,
        ROWS,
        Error::ArenaTooSmall {
            needed: enough,
            given: 0,
        },
    );
    // A zero micro-batch.
    assert_new_fails(
        &NET,
        P,
        enough,
        0,
        Error::InvalidHyperparameter {
            name: "micro_batch",
        },
    );
    // The sizes: 27 gradients + 54 Adam moments + 6 × (2 inputs + 3
    // targets + the two Dense outputs 4 + 3, the activations in place on
    // them + 2 gradient buffers of the widest layer, 4).
    assert_eq!(P, 27);
    assert_eq!(enough, 27 + 54 + ROWS * (2 + 3 + 4 + 3 + 2 * 4));
    let sgd: Optimizer = Sgd::new(0.1, 0.0, 0.0).unwrap().into();
    let momentum: Optimizer = Sgd::new(0.1, 0.0, 0.5).unwrap().into();
    assert_eq!(Model::training_len(&NET, &sgd, 1), 27 + 20);
    assert_eq!(Model::training_len(&NET, &momentum, 1), 27 + 27 + 20);
    // Exactly `training_len` is enough.
    let mut params = initial();
    let mut memory = vec![0.0; enough];
    assert!(Model::new(
        &NET,
        LossKind::CategoricalCrossEntropy,
        adam(),
        ROWS,
        &mut params,
        &mut memory
    )
    .is_ok());
}

#[test]
fn network_new_and_initialize_errors() {
    let params = initial();
    assert_eq!(
        Network::new(&NET, &params[..P - 1]).err(),
        Some(Error::LengthMismatch {
            argument: "params",
            expected: P,
            actual: P - 1
        })
    );
    assert_eq!(
        Network::new(&[Layer::Activation(ActivationKind::Tanh)], &[]).err(),
        Some(Error::NoDenseLayer)
    );
    let mismatch = [
        Layer::Dense(Dense::new(2, 4)),
        Layer::Dense(Dense::new(3, 1)),
    ];
    assert_eq!(
        Network::new(&mismatch, &params).err(),
        Some(Error::LayerMismatch {
            layer: 1,
            expected: 4,
            actual: 3
        })
    );

    // `initialize`: nothing written, and the generator not advanced.
    for len in [P - 1, P + 1] {
        let mut p = vec![sentinel(); len];
        let mut rng = Pcg32::new(9);
        assert_eq!(
            initialize(
                &NET,
                &mut p,
                Init::Auto,
                Distribution::Normal,
                0.0,
                &mut rng
            ),
            Err(Error::LengthMismatch {
                argument: "params",
                expected: P,
                actual: len
            })
        );
        assert!(p.iter().all(|v| v.to_bits() == sentinel().to_bits()));
        assert_eq!(rng.next_u32(), Pcg32::new(9).next_u32());
    }
    let mut p = vec![sentinel(); 8];
    assert_eq!(
        initialize(
            &mismatch,
            &mut p,
            Init::He,
            Distribution::Uniform,
            0.1,
            &mut Pcg32::new(1)
        ),
        Err(Error::LayerMismatch {
            layer: 1,
            expected: 4,
            actual: 3
        })
    );
    assert_eq!(
        initialize(
            &[Layer::Dense(Dense::new(0, 2))],
            &mut p,
            Init::Xavier,
            Distribution::Normal,
            0.0,
            &mut Pcg32::new(1)
        ),
        Err(Error::EmptyShape { rows: 0, cols: 2 })
    );
    assert!(p.iter().all(|v| v.to_bits() == sentinel().to_bits()));
}

#[test]
fn optimizer_hyperparameter_errors() {
    let lr = Error::InvalidHyperparameter {
        name: "learning_rate",
    };
    let decay = Error::InvalidHyperparameter { name: "decay" };
    let momentum = Error::InvalidHyperparameter { name: "momentum" };
    let epsilon = Error::InvalidHyperparameter { name: "epsilon" };
    let beta_1 = Error::InvalidHyperparameter { name: "beta_1" };
    let beta_2 = Error::InvalidHyperparameter { name: "beta_2" };
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    for bad in [0.0, -0.0, -1e-3, nan, inf, -inf] {
        assert_eq!(Sgd::new(bad, 0.0, 0.0), Err(lr), "{bad}");
        assert_eq!(Adam::new(bad, 0.0, 1e-7, 0.9, 0.999), Err(lr), "{bad}");
    }
    for bad in [-1e-9, -1.0, nan, inf] {
        assert_eq!(Sgd::new(0.1, bad, 0.0), Err(decay), "{bad}");
        assert_eq!(Adam::new(0.1, bad, 1e-7, 0.9, 0.999), Err(decay), "{bad}");
    }
    for bad in [-1e-9, 1.0, 1.5, nan, inf, -inf] {
        assert_eq!(Sgd::new(0.1, 0.0, bad), Err(momentum), "{bad}");
        assert_eq!(Adam::new(0.1, 0.0, 1e-7, bad, 0.999), Err(beta_1), "{bad}");
        assert_eq!(Adam::new(0.1, 0.0, 1e-7, 0.9, bad), Err(beta_2), "{bad}");
    }
    for bad in [0.0, -1e-7, nan, inf] {
        assert_eq!(Adam::new(0.1, 0.0, bad, 0.9, 0.999), Err(epsilon), "{bad}");
    }
    // The first bad argument in the constructor's order is named.
    assert_eq!(Sgd::new(0.0, -1.0, 2.0), Err(lr));
    assert_eq!(Sgd::new(0.1, -1.0, 2.0), Err(decay));
    assert_eq!(Adam::new(0.1, 0.0, 0.0, 1.0, 1.0), Err(epsilon));
    assert_eq!(Adam::new(0.1, 0.0, 1e-7, 1.0, 1.0), Err(beta_1));
    // The edges that are allowed.
    assert!(Sgd::new(f64::MIN_POSITIVE, 0.0, 0.0).is_ok());
    assert!(Sgd::new(1.0, 0.0, 0.999_999).is_ok());
    assert!(Adam::new(1e-3, 0.0, f64::MIN_POSITIVE, 0.0, 0.0).is_ok());
    assert_eq!(Sgd::default(), Sgd::new(1.0, 0.0, 0.0).unwrap());
    assert_eq!(
        Adam::default(),
        Adam::new(0.001, 0.0, 1e-7, 0.9, 0.999).unwrap()
    );
}

#[test]
fn optimizer_step_errors() {
    let adam = adam();
    let mut p = [1.0_f32, 2.0];
    let mut state = [sentinel(); 4];
    assert_eq!(
        adam.step(0, &[0.1], &mut state, &mut p),
        Err(Error::LengthMismatch {
            argument: "gradients",
            expected: 2,
            actual: 1
        })
    );
    assert_eq!(
        adam.step(0, &[0.1, 0.2], &mut state[..3], &mut p),
        Err(Error::LengthMismatch {
            argument: "state",
            expected: 4,
            actual: 3
        })
    );
    let sgd: Optimizer = Sgd::new(0.1, 0.0, 0.0).unwrap().into();
    assert_eq!(
        sgd.step(0, &[0.1, 0.2], &mut state[..1], &mut p),
        Err(Error::LengthMismatch {
            argument: "state",
            expected: 0,
            actual: 1
        })
    );
    assert_eq!(p, [1.0, 2.0]);
    assert!(state.iter().all(|v| v.to_bits() == sentinel().to_bits()));
}

/// A model trained for two epochs, and what can be observed of it.
struct Observed {
    params: Vec<u32>,
    steps: u64,
    predictions: Vec<u32>,
}

fn observe(model: &mut Model<'_>) -> Observed {
    let mut out = vec![0.0_f32; ROWS * 3];
    model.predict(&inputs(), ROWS, &mut out).unwrap();
    Observed {
        params: bits(model.parameters()),
        steps: model.steps(),
        predictions: bits(&out),
    }
}

/// Trains three more epochs and returns the losses and parameters: equal
/// for a model that saw refused calls and one that did not means the
/// optimizer state in the training memory did not change either.
fn continue_training(model: &mut Model<'_>) -> (Vec<u32>, Vec<u32>) {
    let mut losses = vec![];
    model
        .fit(
            &inputs(),
            Targets::Classes(&classes()),
            ROWS,
            FitOptions::epochs(3),
            &mut [],
            |e| {
                losses.push(e.loss);
                Control::Continue
            },
        )
        .unwrap();
    (bits(&losses), bits(model.parameters()))
}

/// Runs `body` on a model with two epochs of Adam behind it (loss `loss`),
/// then checks that nothing observable changed.
fn with_trained_model(loss: LossKind, body: impl FnOnce(&mut Model<'_>)) {
    let opt = adam();
    let x = inputs();
    let c = classes();
    let mut reference_params = initial();
    let mut reference_memory = vec![0.0; Model::training_len(&NET, &opt, 4)];
    let mut reference = Model::new(
        &NET,
        loss,
        opt,
        4,
        &mut reference_params,
        &mut reference_memory,
    )
    .unwrap();
    let mut params = initial();
    let mut memory = vec![0.0; Model::training_len(&NET, &opt, 4)];
    let mut model = Model::new(&NET, loss, opt, 4, &mut params, &mut memory).unwrap();
    for m in [&mut reference, &mut model] {
        m.fit(
            &x,
            Targets::Classes(&c),
            ROWS,
            FitOptions::epochs(2),
            &mut [],
            |_| Control::Continue,
        )
        .unwrap();
    }
    let before = observe(&mut model);
    body(&mut model);
    let after = observe(&mut model);
    assert_eq!(after.params, before.params);
    assert_eq!(after.steps, before.steps);
    assert_eq!(after.predictions, before.predictions);
    assert_eq!(
        continue_training(&mut model),
        continue_training(&mut reference)
    );
}

/// `fit` (and `evaluate`) refuse with `expected`, never calling back.
fn assert_fit_fails(
    model: &mut Model<'_>,
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    options: FitOptions<'_>,
    metrics: &mut [&mut dyn Metric],
    expected: Error,
) {
    let result = model.fit(x, targets, rows, options, metrics, |_| {
        panic!("callback after an error")
    });
    assert_eq!(result, Err(expected));
}

#[test]
fn fit_data_errors() {
    let x = inputs();
    let c = classes();
    with_trained_model(LossKind::CategoricalCrossEntropy, |model| {
        let t = Targets::Classes(&c);
        // No rows.
        assert_fit_fails(
            model,
            &[],
            Targets::Classes(&[]),
            0,
            FitOptions::epochs(1),
            &mut [],
            Error::EmptyShape { rows: 0, cols: 2 },
        );
        assert_eq!(
            model.evaluate(&[], Targets::Classes(&[]), 0, &mut []),
            Err(Error::EmptyShape { rows: 0, cols: 2 })
        );
        // Inputs of the wrong length.
        assert_fit_fails(
            model,
            &x[..11],
            t,
            ROWS,
            FitOptions::epochs(1),
            &mut [],
            Error::LengthMismatch {
                argument: "inputs",
                expected: 12,
                actual: 11,
            },
        );
        // More rows than the data has.
        assert_fit_fails(
            model,
            &x,
            t,
            ROWS + 1,
            FitOptions::epochs(1),
            &mut [],
            Error::LengthMismatch {
                argument: "inputs",
                expected: 14,
                actual: 12,
            },
        );
        // Rows whose size overflows.
        assert_fit_fails(
            model,
            &x,
            t,
            usize::MAX,
            FitOptions::epochs(1),
            &mut [],
            Error::ShapeOverflow {
                rows: usize::MAX,
                cols: 2,
            },
        );
        // Labels: too few, and one past the classes.
        assert_fit_fails(
            model,
            &x,
            Targets::Classes(&c[..5]),
            ROWS,
            FitOptions::epochs(1),
            &mut [],
            Error::LengthMismatch {
                argument: "targets",
                expected: 6,
                actual: 5,
            },
        );
        let bad = [0, 1, 2, 3, 0, 1];
        assert_fit_fails(
            model,
            &x,
            Targets::Classes(&bad),
            ROWS,
            FitOptions::epochs(1),
            &mut [],
            Error::LabelOutOfRange {
                row: 3,
                label: 3,
                classes: 3,
            },
        );
        assert_eq!(
            model.evaluate(&x, Targets::Classes(&bad), ROWS, &mut []),
            Err(Error::LabelOutOfRange {
                row: 3,
                label: 3,
                classes: 3
            })
        );
        // One-hot rows of the wrong length.
        let onehot = vec![0.0_f32; ROWS * 3 - 1];
        assert_fit_fails(
            model,
            &x,
            Targets::OneHot(&onehot),
            ROWS,
            FitOptions::epochs(1),
            &mut [],
            Error::LengthMismatch {
                argument: "targets",
                expected: 18,
                actual: 17,
            },
        );
    });
}

#[test]
fn class_labels_need_a_categorical_loss() {
    let x = inputs();
    let c = classes();
    for loss in [LossKind::MeanSquaredError, LossKind::BinaryCrossEntropy] {
        let opt = adam();
        let mut params = initial();
        let mut memory = vec![0.0; Model::training_len(&NET, &opt, ROWS)];
        let mut model = Model::new(&NET, loss, opt, ROWS, &mut params, &mut memory).unwrap();
        let before = observe(&mut model);
        assert_fit_fails(
            &mut model,
            &x,
            Targets::Classes(&c),
            ROWS,
            FitOptions::epochs(1),
            &mut [],
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
        assert_fit_fails(
            &mut model,
            &x,
            Targets::Values(&y),
            ROWS,
            FitOptions::epochs(1),
            &mut [],
            Error::LengthMismatch {
                argument: "targets",
                expected: 18,
                actual: 19,
            },
        );
        assert_eq!(bits(model.parameters()), before.params);
    }
}

#[test]
fn fit_option_errors() {
    let x = inputs();
    let c = classes();
    with_trained_model(LossKind::SparseCategoricalCrossEntropy, |model| {
        let t = Targets::Classes(&c);
        assert_fit_fails(
            model,
            &x,
            t,
            ROWS,
            FitOptions {
                epochs: 1,
                batch_size: Some(0),
                shuffle: None,
            },
            &mut [],
            Error::InvalidHyperparameter { name: "batch_size" },
        );
        for len in [ROWS - 1, ROWS + 1, 0] {
            let mut indices = vec![77_usize; len];
            assert_fit_fails(
                model,
                &x,
                t,
                ROWS,
                FitOptions {
                    epochs: 1,
                    batch_size: Some(2),
                    shuffle: Some(Shuffle {
                        indices: &mut indices,
                        seed: 3,
                    }),
                },
                &mut [],
                Error::LengthMismatch {
                    argument: "indices",
                    expected: ROWS,
                    actual: len,
                },
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
    with_trained_model(LossKind::CategoricalCrossEntropy, |model| {
        // A per-class metric with room for two classes, on three.
        let mut precision = Precision::<2>::new();
        precision
            .update(&[0.9, 0.2], Targets::Classes(&[1, 0]), 2, 1)
            .unwrap();
        let kept = precision.value();
        for t in [Targets::Classes(&c), Targets::OneHot(&onehot)] {
            assert_fit_fails(
                model,
                &x,
                t,
                ROWS,
                FitOptions::epochs(1),
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
        assert_fit_fails(
            model,
            &x,
            Targets::Classes(&c),
            ROWS,
            FitOptions::epochs(1),
            &mut [&mut mae],
            Error::UnsupportedTargets,
        );
        assert_eq!(mae.value(), None);
        // One bad metric among good ones refuses the call too.
        let mut accuracy = Accuracy::new();
        let mut precision3 = Precision::<3>::new();
        assert_fit_fails(
            model,
            &x,
            Targets::Classes(&c),
            ROWS,
            FitOptions::epochs(1),
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

#[test]
fn predict_errors() {
    let x = inputs();
    let params = initial();
    let net = Network::new(&NET, &params).unwrap();
    let needed = Network::scratch_len(&NET, ROWS);
    assert_eq!(needed, 2 * ROWS * 4);
    let mut scratch = vec![sentinel(); needed - 1];
    let mut out = vec![sentinel(); ROWS * 3];
    assert_eq!(
        net.predict(&x, ROWS, &mut scratch, &mut out),
        Err(Error::ArenaTooSmall {
            needed,
            given: needed - 1
        })
    );
    let mut big = vec![sentinel(); needed];
    assert_eq!(
        net.predict(&x[1..], ROWS, &mut big, &mut out),
        Err(Error::LengthMismatch {
            argument: "inputs",
            expected: 12,
            actual: 11
        })
    );
    assert_eq!(
        net.predict(&x, ROWS, &mut big, &mut out[1..]),
        Err(Error::LengthMismatch {
            argument: "output",
            expected: 18,
            actual: 17
        })
    );
    assert!(scratch
        .iter()
        .chain(&big)
        .chain(&out)
        .all(|v| v.to_bits() == sentinel().to_bits()));
    // Scratch larger than needed is fine.
    let mut bigger = vec![0.0; needed + 3];
    assert!(net.predict(&x, ROWS, &mut bigger, &mut out).is_ok());

    with_trained_model(LossKind::CategoricalCrossEntropy, |model| {
        let mut out = vec![sentinel(); ROWS * 3];
        assert_eq!(
            model.predict(&x[..10], ROWS, &mut out),
            Err(Error::LengthMismatch {
                argument: "inputs",
                expected: 12,
                actual: 10
            })
        );
        assert_eq!(
            model.predict(&x, ROWS, &mut out[..17]),
            Err(Error::LengthMismatch {
                argument: "output",
                expected: 18,
                actual: 17
            })
        );
        assert!(out.iter().all(|v| v.to_bits() == sentinel().to_bits()));
    });
}

#[test]
fn dense_kernel_length_errors() {
    let d = Dense::new(2, 3);
    let (x, w, b) = ([1.0_f32; 4], [0.5_f32; 6], [0.1_f32; 3]); // 2 rows
    let mismatch = |argument, expected, actual| {
        Err(Error::LengthMismatch {
            argument,
            expected,
            actual,
        })
    };
    let untouched = |v: &[f32]| v.iter().all(|v| v.to_bits() == sentinel().to_bits());

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
