//! Every error of the training API: the exact `Error`, and that nothing
//! changed (the caller's slices, the parameters, the step count, the
//! predictions, and the optimizer state as seen by training on afterwards).
//!
//! | module | API |
//! |---|---|
//! | `model_new` | `Model::new` and `Model::training_len` |
//! | `network` | `Network::new`, `layers::initialize` and `Network::predict` / `Model::predict` |
//! | `fit` | `Model::fit` and `Model::evaluate`: data, targets, options, metrics |
//! | `optimizers` | `Sgd::new`, `Adam::new` and `Optimizer::step` |
//! | `dense` | the Dense kernels' slice lengths and shapes |

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Metric, Targets};
use vanillanets::model::{FitOptions, Model, Network};
use vanillanets::optimizers::{Adam, Optimizer};
use vanillanets::Error;

use crate::fixtures::{bits, fit_losses, setup};

mod dense;
mod fit;
mod model_new;
mod network;
mod optimizers;

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

/// Whether every value still holds [`sentinel`].
fn untouched(v: &[f32]) -> bool {
    v.iter().all(|v| v.to_bits() == sentinel().to_bits())
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

/// `Error::LengthMismatch` of `argument`.
fn mismatch(argument: &'static str, expected: usize, actual: usize) -> Error {
    Error::LengthMismatch {
        argument,
        expected,
        actual,
    }
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
    let t = Targets::Classes(&classes());
    let (_, losses) = fit_losses(model, &inputs(), t, ROWS, FitOptions::epochs(3));
    (bits(&losses), bits(model.parameters()))
}

/// Runs `body` on a model with two epochs of Adam behind it (loss `loss`),
/// given the inputs and class targets it was trained on, then checks that
/// nothing observable changed.
fn with_trained_model(loss: LossKind, body: impl FnOnce(&mut Model<'_>, &[f32], Targets<'_>)) {
    let s = setup(&NET, loss, adam(), 4);
    let (x, c) = (inputs(), classes());
    let mut reference_buffers = s.owned(initial());
    let mut reference = reference_buffers.model();
    let mut buffers = s.owned(initial());
    let mut model = buffers.model();
    for m in [&mut reference, &mut model] {
        let t = Targets::Classes(&c);
        fit_losses(m, &x, t, ROWS, FitOptions::epochs(2));
    }
    let before = observe(&mut model);
    body(&mut model, &x, Targets::Classes(&c));
    let after = observe(&mut model);
    assert_eq!(after.params, before.params);
    assert_eq!(after.steps, before.steps);
    assert_eq!(after.predictions, before.predictions);
    assert_eq!(
        continue_training(&mut model),
        continue_training(&mut reference)
    );
}

/// `fit` refuses with `expected`, never calling back.
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

/// One epoch of `fit` without metrics refuses with `expected`.
fn assert_epoch_fails(
    model: &mut Model<'_>,
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    expected: Error,
) {
    let options = FitOptions::epochs(1);
    assert_fit_fails(model, x, targets, rows, options, &mut [], expected);
}

/// One epoch of `fit` on all [`ROWS`] with `metrics` refuses with `expected`.
fn assert_metrics_fail(
    model: &mut Model<'_>,
    (x, targets): (&[f32], Targets<'_>),
    metrics: &mut [&mut dyn Metric],
    expected: Error,
) {
    let options = FitOptions::epochs(1);
    assert_fit_fails(model, x, targets, ROWS, options, metrics, expected);
}
