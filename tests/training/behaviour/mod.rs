//! What `fit` promises beyond the original, on nets and data made here:
//!
//! | module | what it checks |
//! |---|---|
//! | `batches` | micro-batches, mini-batches and shuffling give the bits of the equivalent full-batch runs |
//! | `inference` | `Network` predicts the model's bits; export and reload; `evaluate`; the training memory is zeroed |
//! | `stopping` | non-finite losses, an overflowing epoch mean, early stopping, the per-epoch metrics |

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::Targets;
use vanillanets::model::{Control, Fit, FitOptions, Model, Network};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};

use crate::fixtures::{fit_losses, Setup};

mod batches;
mod inference;
mod stopping;

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

const CCE: LossKind = LossKind::CategoricalCrossEntropy;
const MSE: LossKind = LossKind::MeanSquaredError;

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

/// A classification data set of `rows` rows: inputs from `seed`, their
/// classes, and initial parameters for [`CLASSIFIER`] from `seed + 1`.
fn classification(rows: usize, seed: u32, scale: f32) -> (Vec<f32>, Vec<usize>, Vec<f32>) {
    let x = values(rows * 3, seed, scale);
    let classes = classes_of(&x, rows);
    (x, classes, params_for(&CLASSIFIER, seed + 1))
}

/// Fits `epochs` epochs, then returns the model's predictions on `x`.
fn fit_then_predict(
    model: &mut Model<'_>,
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    epochs: usize,
) -> Vec<f32> {
    fit_losses(model, x, targets, rows, FitOptions::epochs(epochs));
    let mut predictions = vec![0.0_f32; rows * model.network().outputs()];
    model.predict(x, rows, &mut predictions).unwrap();
    predictions
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

/// Trains the model of `setup` from `params` on `(x, targets)` with
/// `options`.
fn train(
    setup: Setup,
    params: &[f32],
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    options: FitOptions<'_>,
) -> Trained {
    let mut buffers = setup.owned(params.to_vec());
    let mut model = buffers.model();
    let mut learning_rates = vec![];
    let mut losses = vec![];
    let fit = model
        .fit(x, targets, rows, options, &mut [], |e| {
            losses.push(e.loss);
            learning_rates.push(e.learning_rate);
            Control::Continue
        })
        .unwrap();
    let mut predictions = vec![0.0_f32; rows * model.network().outputs()];
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
