//! The main job: train three small networks with the crate alone, one per
//! row of the task table, and print the original's epoch lines and the
//! test scores.
//!
//! - binary classification (points inside a circle): 2 → 64 ReLU → 1
//!   Sigmoid, BinaryCrossEntropy (chained backward), Adam;
//! - multiclass classification (the classic 3-class spiral): 2 → 64 ReLU →
//!   3 Softmax, SparseCategoricalCrossEntropy (the model picks the fused
//!   backward), Adam;
//! - regression (a noisy sine): 1 → 64 ReLU → 1 Linear, MeanSquaredError,
//!   Adam.
//!
//! The models live in fixed-size arrays sized by the crate's `const fn`s;
//! each epoch is one full-batch optimizer step, as in the original, run in
//! micro-batches of 32 rows so that the training memory does not grow
//! with the data set. After training, the parameters are exported to a
//! plain array, reloaded as an inference-only `Network`, and must predict
//! the same bits. Only the data sets (generated here from fixed seeds) are
//! `Vec`s.
//!
//! Run: `cargo run --release --example train`

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Metric, R2Score, Targets};
use vanillanets::model::{Control, FitOptions, Model, Network};
use vanillanets::optimizers::{Adam, Optimizer};
use vanillanets::Error;

const HIDDEN: usize = 64;
/// Rows per micro-batch: the training memory holds this many, whatever the
/// data set's size.
const MICRO: usize = 32;
/// The largest training memory of the three models (Adam, 2 inputs, 3
/// outputs), rounded up; each model checks its own need against it.
const MEMORY: usize = 8192;

const fn net(inputs: usize, outputs: usize, last: ActivationKind) -> [Layer<'static>; 4] {
    [
        Layer::Dense(Dense::new(inputs, HIDDEN)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(HIDDEN, outputs)),
        Layer::Activation(last),
    ]
}

const BINARY: [Layer; 4] = net(2, 1, ActivationKind::Sigmoid);
const SPIRAL: [Layer; 4] = net(2, 3, ActivationKind::Softmax);
const SINE: [Layer; 4] = net(1, 1, ActivationKind::Linear);

/// xorshift32: a tiny deterministic generator for the data sets and the
/// initial weights (the ones the earlier, hand-written version of this
/// demo used, so that the scores compare).
struct Rng(u32);

impl Rng {
    fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / (1u32 << 24) as f32
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f32 {
        let u = self.uniform().max(1e-7);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

fn circle(n: usize, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let (a, b) = (2.0 * rng.uniform() - 1.0, 2.0 * rng.uniform() - 1.0);
        x.extend([a, b]);
        y.push(if a * a + b * b < 0.5 { 1.0 } else { 0.0 });
    }
    (x, y)
}

/// The classic 3-class spiral: `per_class` points per arm, noise 0.2.
fn spiral(per_class: usize, rng: &mut Rng) -> (Vec<f32>, Vec<usize>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for class in 0..3 {
        for i in 0..per_class {
            let r = i as f32 / (per_class - 1) as f32;
            let t = class as f32 * 4.0 + r * 4.0 + 0.2 * rng.normal();
            x.extend([r * (2.5 * t).sin(), r * (2.5 * t).cos()]);
            y.push(class);
        }
    }
    (x, y)
}

fn noisy_sine(n: usize, rng: &mut Rng) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..n).map(|_| rng.uniform()).collect();
    let y = x
        .iter()
        .map(|&x| (std::f32::consts::TAU * x).sin() + 0.05 * rng.normal())
        .collect();
    (x, y)
}

/// The initial parameters in the crate's flat layout (for each Dense
/// layer: its weights, row-major, then its biases): He-normal weights,
/// and biases spread over the input range so that the ReLU kinks are too.
/// (`vanillanets::layers::initialize` draws He or Xavier weights itself;
/// these come from the demo's own generator instead, as before.)
fn init(layers: &[Layer], params: &mut [f32], rng: &mut Rng) {
    let mut rest = params;
    for layer in layers {
        if let Layer::Dense(d) = layer {
            let scale = (2.0 / d.inputs() as f32).sqrt();
            let (w, after) = rest.split_at_mut(d.inputs() * d.outputs());
            let (b, after) = after.split_at_mut(d.outputs());
            w.iter_mut().for_each(|w| *w = scale * rng.normal());
            b.iter_mut().for_each(|b| *b = 0.5 * rng.normal());
            rest = after;
        }
    }
}

/// Trains `layers` on `(x, targets)` for `epochs` full-batch epochs with
/// Adam at `learning_rate`, printing the original's line every
/// `print_every` epochs; then scores the test set with `metric`, and
/// checks that the exported parameters predict the same bits.
#[allow(clippy::too_many_arguments)]
fn train<const P: usize>(
    layers: &[Layer],
    loss: LossKind,
    learning_rate: f64,
    epochs: usize,
    print_every: usize,
    (x, targets, rows): (&[f32], Targets, usize),
    (x_test, targets_test, rows_test): (&[f32], Targets, usize),
    metric: &mut dyn Metric,
    rng: &mut Rng,
) -> Result<f64, Error> {
    let adam = Optimizer::from(Adam::new(learning_rate, 0.0, 1e-7, 0.9, 0.999)?);
    let mut params = [0.0_f32; P];
    let mut memory = [0.0_f32; MEMORY];
    init(layers, &mut params, rng);
    let mut model = Model::new(layers, loss, adam, MICRO, &mut params, &mut memory)?;
    println!(
        "  {} parameters, {} f32 of training memory, {:?} backward",
        P,
        Model::training_len(layers, &adam, MICRO),
        model.backward_path()
    );
    model.fit(
        x,
        targets,
        rows,
        FitOptions::epochs(epochs),
        &mut [&mut *metric],
        |epoch| {
            if epoch.epoch % print_every == 0 {
                let mut line = String::new();
                let _ = epoch.line(&mut line);
                println!("  {line}");
            }
            Control::Continue
        },
    )?;
    let test_loss = model.evaluate(x_test, targets_test, rows_test, &mut [&mut *metric])?;
    let score = metric.result().unwrap_or(f64::NAN);
    println!(
        "  test {}: {score:.4}, test loss: {test_loss:.4} on {rows_test} points",
        metric.name()
    );

    // Export, reload as an inference-only network, predict: same bits.
    let outputs = model.network().outputs();
    let mut trained = vec![0.0_f32; rows_test * outputs];
    model.predict(x_test, rows_test, &mut trained)?;
    let exported: [f32; P] = model.parameters().try_into().expect("P parameters");
    let reloaded = Network::new(layers, &exported)?;
    let mut scratch = [0.0_f32; 2 * MICRO * HIDDEN];
    let mut again = vec![0.0_f32; rows_test * outputs];
    let inputs = reloaded.inputs();
    for (x, y) in x_test
        .chunks(MICRO * inputs)
        .zip(again.chunks_mut(MICRO * outputs))
    {
        reloaded.predict(x, x.len() / inputs, &mut scratch, y)?;
    }
    let same = trained
        .iter()
        .zip(&again)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    assert!(same, "the reloaded network must predict the same bits");
    println!("  exported {P} parameters, reloaded, predicted: identical bits\n");
    Ok(score)
}

fn main() -> Result<(), Error> {
    println!("binary classification: circle, 2 -> 64 ReLU -> 1 Sigmoid, BinaryCrossEntropy");
    let mut rng = Rng(0x2545_F491);
    let (x, y) = circle(200, &mut rng);
    let (xt, yt) = circle(300, &mut Rng(0x1234_5678));
    let binary = train::<{ Network::parameter_len(&BINARY) }>(
        &BINARY,
        LossKind::BinaryCrossEntropy,
        0.01,
        1000,
        250,
        (&x, Targets::Values(&y), y.len()),
        (&xt, Targets::Values(&yt), yt.len()),
        &mut Accuracy::new(),
        &mut rng,
    )?;

    println!("multiclass classification: spiral, 2 -> 64 ReLU -> 3 Softmax, SparseCategoricalCrossEntropy");
    let mut rng = Rng(0x9E37_79B9);
    let (x, y) = spiral(100, &mut rng);
    let (xt, yt) = spiral(100, &mut Rng(0x0BAD_5EED));
    let multiclass = train::<{ Network::parameter_len(&SPIRAL) }>(
        &SPIRAL,
        LossKind::SparseCategoricalCrossEntropy,
        0.05,
        2000,
        500,
        (&x, Targets::Classes(&y), y.len()),
        (&xt, Targets::Classes(&yt), yt.len()),
        &mut Accuracy::new(),
        &mut rng,
    )?;

    println!("regression: noisy sine, 1 -> 64 ReLU -> 1 Linear, MeanSquaredError");
    let mut rng = Rng(0xDEAD_BEEF);
    let (x, y) = noisy_sine(200, &mut rng);
    let (xt, yt) = noisy_sine(300, &mut Rng(0xC0FF_EE11));
    let r2 = train::<{ Network::parameter_len(&SINE) }>(
        &SINE,
        LossKind::MeanSquaredError,
        0.005,
        3000,
        750,
        (&x, Targets::Values(&y), y.len()),
        (&xt, Targets::Values(&yt), yt.len()),
        &mut R2Score::new(),
        &mut rng,
    )?;

    println!(
        "summary: binary accuracy {:.1}%, spiral accuracy {:.1}%, sine R² {:.4}",
        100.0 * binary,
        100.0 * multiclass,
        r2
    );
    // The scores of the earlier hand-written version, on the same data.
    assert!(binary >= 0.96 && multiclass >= 0.85 && r2 >= 0.99);
    Ok(())
}
