//! `Model::new`: every refusal leaves the caller's slices as they were;
//! `Model::training_len` is the documented size, and exactly enough.

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::model::Model;
use vanillanets::optimizers::{Optimizer, Sgd};
use vanillanets::Error;

use super::{adam, initial, mismatch, sentinel, untouched, NET, P, ROWS};

/// `Model::new` fails with `expected`, and `params` and `memory` keep
/// their sentinel contents.
fn assert_new_fails(
    layers: &[Layer<'_>],
    (params_len, memory_len, micro): (usize, usize, usize),
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
    assert!(untouched(&params) && untouched(&memory));
}

#[test]
fn model_new_refuses_bad_layers() {
    let enough = Model::training_len(&NET, &adam(), ROWS);
    // A Dense layer that does not take the width the one before gives.
    let mismatched = [
        Layer::Dense(Dense::new(2, 4)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(5, 3)),
    ];
    let layer_mismatch = Error::LayerMismatch {
        layer: 2,
        expected: 4,
        actual: 5,
    };
    assert_new_fails(&mismatched, (100, enough, ROWS), layer_mismatch);
    // No Dense layer at all, or no layer.
    let relu = [Layer::Activation(ActivationKind::ReLU)];
    assert_new_fails(&relu, (0, enough, ROWS), Error::NoDenseLayer);
    assert_new_fails(&[], (0, enough, ROWS), Error::NoDenseLayer);
    // A Dense layer with no inputs or no outputs.
    let no_inputs = [Layer::Dense(Dense::new(0, 3))];
    let empty = Error::EmptyShape { rows: 0, cols: 3 };
    assert_new_fails(&no_inputs, (3, enough, ROWS), empty);
    let no_outputs = [
        Layer::Dense(Dense::new(2, 4)),
        Layer::Dense(Dense::new(4, 0)),
    ];
    let empty = Error::EmptyShape { rows: 4, cols: 0 };
    assert_new_fails(&no_outputs, (12, enough, ROWS), empty);
    // Sizes that overflow.
    let huge = [Layer::Dense(Dense::new(usize::MAX, 2))];
    let overflow = Error::ShapeOverflow {
        rows: usize::MAX,
        cols: 2,
    };
    assert_new_fails(&huge, (0, enough, ROWS), overflow);
}

#[test]
fn model_new_refuses_bad_buffers_and_micro_batch() {
    let enough = Model::training_len(&NET, &adam(), ROWS);
    // The parameter slice's length.
    for len in [P - 1, P + 1, 0] {
        assert_new_fails(&NET, (len, enough, ROWS), mismatch("params", P, len));
    }
    // Too little training memory.
    for given in [enough - 1, 0] {
        let small = Error::ArenaTooSmall {
            needed: enough,
            given,
        };
        assert_new_fails(&NET, (P, given, ROWS), small);
    }
    // A zero micro-batch.
    let zero = Error::InvalidHyperparameter {
        name: "micro_batch",
    };
    assert_new_fails(&NET, (P, enough, 0), zero);
}

#[test]
fn training_len_is_the_documented_size_and_enough() {
    let enough = Model::training_len(&NET, &adam(), ROWS);
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

/// A LeakyReLU slope outside what `LeakyReLU::with_slope` documents
/// (finite and `> 0`) is refused by `Model::new` and `Network::new`: with
/// a negative slope the backward from the output no longer marks the
/// inputs `<= 0`, and trains with wrong gradients.
#[test]
fn leaky_relu_slope_is_checked() {
    let slope = Error::InvalidHyperparameter { name: "slope" };
    let with = |s: f32| {
        [
            Layer::Dense(Dense::new(2, 3)),
            Layer::Activation(ActivationKind::LeakyReLU { slope: s }),
            Layer::Dense(Dense::new(3, 2)),
        ]
    };
    let p = 3 * 3 + 4 * 2;
    for bad in [-0.5, 0.0, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let layers = with(bad);
        let enough = Model::training_len(&layers, &adam(), ROWS);
        assert_new_fails(&layers, (p, enough, ROWS), slope);
        let params = vec![0.5_f32; p];
        let net = vanillanets::model::Network::new(&layers, &params);
        assert_eq!(net.err(), Some(slope), "{bad}");
    }
    for good in [0.1, 1.0, f32::from_bits(1), f32::MAX] {
        let layers = with(good);
        let params = vec![0.5_f32; p];
        assert!(vanillanets::model::Network::new(&layers, &params).is_ok());
    }
}

/// The gradient buffers of training and the inference scratch are sized
/// by the widest layer *output*: the first Dense layer's input gradient is
/// never computed, and `Network::predict` reads its input in place. The
/// input width counts only where a layer really holds the input: an
/// activation before the first Dense layer.
#[test]
fn memory_is_sized_by_what_runs() {
    // MNIST-sized 784-128-10 with Adam, per micro-batch row: 784 inputs +
    // 10 targets + 128 + 10 Dense outputs + 2 × 128 gradient rows = 1188
    // (2500 with gradient rows of 784).
    const MNIST: [Layer<'static>; 4] = [
        Layer::Dense(Dense::new(784, 128)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(128, 10)),
        Layer::Activation(ActivationKind::Softmax),
    ];
    let p = 785 * 128 + 129 * 10;
    assert_eq!(p, 101_770);
    assert_eq!(Model::training_len(&MNIST, &adam(), 1), 3 * p + 1188);
    assert_eq!(Model::training_len(&MNIST, &adam(), 32), 3 * p + 32 * 1188);
    assert_eq!(vanillanets::model::Network::scratch_len(&MNIST, 1), 2 * 128);
    // An activation first: it owns an input-wide buffer in training, and
    // the scratch holds the input. [ReLU, Dense(2, 1)]: 3 parameters; per
    // row 2 inputs + 1 target + (2 + 1) owned buffers + 2 × 1.
    const FIRST_RELU: [Layer<'static>; 2] = [
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(2, 1)),
    ];
    let sgd: Optimizer = Sgd::new(0.5, 0.0, 0.0).unwrap().into();
    assert_eq!(Model::training_len(&FIRST_RELU, &sgd, 1), 3 + 8);
    assert_eq!(
        vanillanets::model::Network::scratch_len(&FIRST_RELU, 3),
        2 * 3 * 2
    );
    // And it trains in exactly that memory, by hand: x = (-1, 2), y = 0,
    // ReLU gives (0, 2), W = (1, 1), b = 0, output 2, MSE 4, gradient
    // 2 · (2 - 0) = 4, dW = (0, 8), db = 4; SGD 0.5: W = (1, -3), b = -2.
    let mut params = [1.0_f32, 1.0, 0.0];
    let mut memory = vec![0.0_f32; 11];
    let mut model = Model::new(
        &FIRST_RELU,
        LossKind::MeanSquaredError,
        sgd,
        1,
        &mut params,
        &mut memory,
    )
    .unwrap();
    let x = [-1.0_f32, 2.0];
    let fit = model
        .fit(
            &x,
            vanillanets::metrics::Targets::Values(&[0.0]),
            1,
            vanillanets::model::FitOptions::epochs(1),
            &mut [],
            |_| vanillanets::model::Control::Continue,
        )
        .unwrap();
    assert_eq!(fit.loss, 4.0);
    assert_eq!(model.parameters(), [1.0, -3.0, -2.0]);
    // Inference in exactly `scratch_len`: ReLU(-1, 2) · (1, -3) - 2 = -8.
    let mut scratch = [0.0_f32; 4];
    let mut out = [0.0_f32; 1];
    model
        .network()
        .predict(&x, 1, &mut scratch, &mut out)
        .unwrap();
    assert_eq!(out, [-8.0]);
    let mut out = [0.0_f32; 1];
    model.predict(&x, 1, &mut out).unwrap();
    assert_eq!(out, [-8.0]);
}
