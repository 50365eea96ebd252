//! The training suite that runs on the microcontroller and on the host:
//! two nets trained with mini-batches from fixed memory, every epoch's loss
//! and the final parameters written as `f32` bits in hex, so that
//! `scripts/firmware.sh` can require the device's training to be the
//! host's, bit for bit (`tests/firmware_training.rs`).
//!
//! - **spiral**: the 3-class spiral, 2-16-3 ReLU / Softmax,
//!   SparseCategoricalCrossEntropy (the model takes the fused Softmax + CE
//!   backward), Adam;
//! - **circle**: inside a circle or not, 2-16-1 ReLU / Sigmoid,
//!   BinaryCrossEntropy (chained backward), SGD with momentum.
//!
//! Both train in mini-batches of [`BATCH`] samples, shuffled every epoch
//! through an index buffer, each batch in micro-batches of [`MICRO`] rows
//! (so the training memory holds [`MICRO`] rows whatever the batch). The
//! data are generated here, on the device, from integer random numbers
//! ([`Pcg32`]) and `f32` additions, multiplications and divisions only (a
//! polynomial `sin`/`cos`), which IEEE 754 rounds the same way on every
//! target; the initial weights come from
//! [`vanillanets::layers::initialize`]. Nothing is taken from the host.
//!
//! This file is `no_std` and allocation-free; it is compiled into the
//! firmware (`src/bin/train.rs`) and, through `#[path]`, into a host
//! integration test. All memory is one [`Memory`] value, which the
//! firmware keeps in a `static`.

use core::fmt::{self, Write};
use vanillanets::activations::ActivationKind::{ReLU, Sigmoid, Softmax};
use vanillanets::layers::{initialize, Dense, Distribution, Init, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::{Control, FitOptions, Model, Network, Shuffle, Stop};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets::random::{Pcg32, Rng};
use vanillanets::Error;

/// Samples per optimizer step.
pub const BATCH: usize = 16;
/// Rows per micro-batch: what the training memory holds.
pub const MICRO: usize = 8;

/// The spiral net: 2 → 16 ReLU → 3 Softmax.
pub const SPIRAL: [Layer<'static>; 4] = [
    Layer::Dense(Dense::new(2, 16)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(16, 3)),
    Layer::Activation(Softmax),
];
/// Points per spiral arm.
pub const SPIRAL_PER_CLASS: usize = 40;
/// Spiral samples (3 arms).
pub const SPIRAL_ROWS: usize = 3 * SPIRAL_PER_CLASS;
/// Spiral epochs.
pub const SPIRAL_EPOCHS: usize = 30;
/// Adam's learning rate for the spiral (the other hyperparameters are the
/// original's defaults).
pub const SPIRAL_LEARNING_RATE: f64 = 0.05;
/// For the sizes only: every Adam keeps `2 · P` floats of state.
const ADAM_SIZE: Optimizer = Optimizer::Adam(Adam::DEFAULT);
/// The spiral's parameters, `f32`.
pub const SPIRAL_PARAMS: usize = Network::parameter_len(&SPIRAL);
/// The spiral's training memory, `f32`.
pub const SPIRAL_TRAINING: usize = Model::training_len(&SPIRAL, &ADAM_SIZE, MICRO);

/// The circle net: 2 → 16 ReLU → 1 Sigmoid.
pub const CIRCLE: [Layer<'static>; 4] = [
    Layer::Dense(Dense::new(2, 16)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(16, 1)),
    Layer::Activation(Sigmoid),
];
/// Circle samples.
pub const CIRCLE_ROWS: usize = 128;
/// Circle epochs.
pub const CIRCLE_EPOCHS: usize = 30;
/// SGD's learning rate, decay and momentum for the circle.
pub const CIRCLE_SGD: (f64, f64, f64) = (0.5, 0.03, 0.9);
/// The circle's parameters, `f32`.
pub const CIRCLE_PARAMS: usize = Network::parameter_len(&CIRCLE);
/// The circle's training memory, `f32`: SGD without momentum keeps no
/// state, with momentum one float per parameter. (`Sgd::new` is not a
/// `const fn`, so the size adds that state to the stateless SGD's.)
pub const CIRCLE_TRAINING: usize =
    Model::training_len(&CIRCLE, &Optimizer::Sgd(Sgd::DEFAULT), MICRO) + CIRCLE_PARAMS;

/// The accuracy goals, in percent of the training samples.
pub const SPIRAL_GOAL: u64 = 80;
/// See [`SPIRAL_GOAL`].
pub const CIRCLE_GOAL: u64 = 95;

/// Everything the suite writes, for both nets: data, parameters, training
/// memory, shuffle indices, and each epoch's loss and clock reading.
pub struct Memory {
    pub spiral:
        Net<{ 2 * SPIRAL_ROWS }, SPIRAL_ROWS, SPIRAL_PARAMS, SPIRAL_TRAINING, SPIRAL_EPOCHS>,
    pub circle:
        Net<{ 2 * CIRCLE_ROWS }, CIRCLE_ROWS, CIRCLE_PARAMS, CIRCLE_TRAINING, CIRCLE_EPOCHS>,
}

/// One net's memory: `X` input floats of `R` samples, `P` parameters, `T`
/// floats of training memory, `E` epochs.
pub struct Net<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize> {
    /// The samples, `R × 2`.
    pub x: [f32; X],
    /// The class of each sample.
    pub classes: [usize; R],
    /// The class of each sample as a float (BCE's targets).
    pub values: [f32; R],
    /// Fit's shuffle buffer.
    pub order: [usize; R],
    /// The parameters, in the crate's flat layout.
    pub params: [f32; P],
    /// The training memory.
    pub training: [f32; T],
    /// Each epoch's loss.
    pub losses: [f32; E],
    /// The clock after each epoch.
    pub marks: [u32; E],
    /// The clock when `fit` was called.
    pub start: u32,
}

impl<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize>
    Net<X, R, P, T, E>
{
    /// All zeros (fits in `.bss`).
    pub const fn new() -> Self {
        Self {
            x: [0.0; X],
            classes: [0; R],
            values: [0.0; R],
            order: [0; R],
            params: [0.0; P],
            training: [0.0; T],
            losses: [0.0; E],
            marks: [0; E],
            start: 0,
        }
    }
}

impl Memory {
    /// All zeros (fits in `.bss`).
    pub const fn new() -> Self {
        Self {
            spiral: Net::new(),
            circle: Net::new(),
        }
    }
}

/// A uniform `f32` in `[0, 1)` with 24 random bits (exact).
fn uniform(rng: &mut Pcg32) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// About a standard normal: the sum of four uniforms, centred and scaled
/// to unit variance (Irwin–Hall).
fn noise(rng: &mut Pcg32) -> f32 {
    let s = uniform(rng) + uniform(rng) + uniform(rng) + uniform(rng);
    (s - 2.0) * 1.732_050_8
}

/// `sin t` and `cos t` from `f32` `+`, `−`, `×` alone (quadrant reduction,
/// then Taylor polynomials to degree 9 and 8): about 1e-6 accurate for the
/// spiral's `|t| < 13`, and the same bits on every target.
pub fn sin_cos(t: f32) -> (f32, f32) {
    use core::f32::consts::{FRAC_2_PI, FRAC_PI_2};
    let q = t * FRAC_2_PI;
    let k = if q >= 0.0 {
        (q + 0.5) as i32
    } else {
        (q - 0.5) as i32
    };
    let r = t - k as f32 * FRAC_PI_2;
    let r2 = r * r;
    let s = r
        * (1.0
            + r2 * (-1.666_666_7e-1
                + r2 * (8.333_333e-3 + r2 * (-1.984_127e-4 + r2 * 2.755_732e-6))));
    let c =
        1.0 + r2 * (-0.5 + r2 * (4.166_666_8e-2 + r2 * (-1.388_888_9e-3 + r2 * 2.480_158_7e-5)));
    match k & 3 {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// The classic 3-class spiral (CS231n): arm `c` has `r = i / n` and
/// `t = 4c + 4r + 0.2·noise`, the point `(r sin t, r cos t)`.
pub fn spiral_data(x: &mut [f32], classes: &mut [usize], values: &mut [f32]) {
    let mut rng = Pcg32::new(2024);
    let n = SPIRAL_PER_CLASS;
    for (i, ((x, c), v)) in x
        .chunks_exact_mut(2)
        .zip(classes.iter_mut())
        .zip(values.iter_mut())
        .enumerate()
    {
        let (class, k) = (i / n, i % n);
        let r = k as f32 / n as f32;
        let t = 4.0 * class as f32 + 4.0 * r + 0.2 * noise(&mut rng);
        let (s, co) = sin_cos(t);
        x[0] = r * s;
        x[1] = r * co;
        *c = class;
        *v = class as f32;
    }
}

/// Points uniform in `[-1, 1)²`, class 1 inside the circle `x² + y² < 0.6`
/// (about 47 % of them).
pub fn circle_data(x: &mut [f32], classes: &mut [usize], values: &mut [f32]) {
    let mut rng = Pcg32::new(11);
    for ((x, c), v) in x
        .chunks_exact_mut(2)
        .zip(classes.iter_mut())
        .zip(values.iter_mut())
    {
        x[0] = 2.0 * uniform(&mut rng) - 1.0;
        x[1] = 2.0 * uniform(&mut rng) - 1.0;
        let inside = x[0] * x[0] + x[1] * x[1] < 0.6;
        *c = usize::from(inside);
        *v = if inside { 1.0 } else { 0.0 };
    }
}

/// The bits of `v` (NaN folded into the canonical quiet NaN, whose sign and
/// payload IEEE 754 leaves open; see `suite.rs`).
pub fn bits(v: f32) -> u32 {
    if v.is_nan() {
        0x7fc0_0000
    } else {
        v.to_bits()
    }
}

/// FNV-1a over the bits of `values`.
pub fn fnv(values: impl Iterator<Item = f32>) -> u32 {
    values.fold(0x811c_9dc5, |h, v| {
        bits(v)
            .to_le_bytes()
            .iter()
            .fold(h, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
    })
}

/// `<name> <what> <index>: w w w ...`, eight words per line.
fn words(out: &mut impl Write, name: &str, what: &str, values: &[f32]) -> fmt::Result {
    for (i, chunk) in values.chunks(8).enumerate() {
        write!(out, "{name} {what} {:3}:", 8 * i)?;
        for &v in chunk {
            write!(out, " {:08x}", bits(v))?;
        }
        out.write_char('\n')?;
    }
    Ok(())
}

/// How a net trains.
pub struct Job<'a> {
    /// The name that starts its lines.
    pub name: &'a str,
    /// The layers.
    pub layers: &'a [Layer<'a>],
    /// The loss.
    pub loss: LossKind,
    /// The optimizer.
    pub optimizer: Optimizer,
    /// The seed of the initial weights.
    pub init_seed: u64,
    /// The seed of the shuffle.
    pub shuffle_seed: u64,
}

/// The outcome of one net's training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Epochs that ran.
    pub epochs: usize,
    /// The last epoch's loss.
    pub loss: f32,
    /// The loss over the training set after training.
    pub final_loss: f32,
    /// Correctly classified training samples after training.
    pub correct: u64,
    /// Training samples.
    pub samples: u64,
}

impl Outcome {
    /// The accuracy in percent, rounded down.
    pub fn percent(&self) -> u64 {
        self.correct * 100 / self.samples.max(1)
    }
}

/// What the firmware measures around the training; the host passes
/// [`Probe::none`].
pub struct Probe<'p> {
    /// Read when `fit` starts and after every epoch (SysTick on the
    /// device).
    pub clock: &'p mut dyn FnMut() -> u32,
    /// Runs the `fit` call it is given (the device paints the stack
    /// around it).
    pub around_fit: &'p mut dyn FnMut(&mut dyn FnMut()),
}

impl Probe<'_> {
    /// No clock, nothing around `fit`: `f(probe)` (the host's).
    #[allow(dead_code)] // the firmware passes its own
    pub fn none<T>(f: impl FnOnce(&mut Probe<'_>) -> T) -> T {
        f(&mut Probe {
            clock: &mut || 0,
            around_fit: &mut |fit| fit(),
        })
    }
}

/// Trains `job` on the samples of `net`, writing the lines described in
/// the module's docs.
fn train<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize>(
    out: &mut impl Write,
    job: &Job<'_>,
    categorical: bool,
    net: &mut Net<X, R, P, T, E>,
    probe: &mut Probe<'_>,
) -> Result<Outcome, fmt::Error> {
    let Net {
        x,
        classes,
        values,
        order,
        params,
        training,
        losses,
        marks,
        start,
    } = net;
    let Probe { clock, around_fit } = probe;
    let name = job.name;
    let targets = if categorical {
        Targets::Classes(classes)
    } else {
        Targets::Values(values)
    };
    writeln!(
        out,
        "{name}: {R} samples, {P} parameters, {T} f32 of training memory, batch {BATCH}, micro-batch {MICRO}, {E} epochs"
    )?;
    writeln!(out, "{name} data hash: {:08x}", fnv(x.iter().copied()))?;
    let init = initialize(
        job.layers,
        params,
        Init::Auto,
        Distribution::Normal,
        0.0,
        &mut Pcg32::new(job.init_seed),
    );
    status(out, name, "initialize", init)?;
    writeln!(out, "{name} init hash: {:08x}", fnv(params.iter().copied()))?;
    let model = Model::new(job.layers, job.loss, job.optimizer, MICRO, params, training);
    let mut model = match model {
        Ok(m) => m,
        Err(e) => {
            status(out, name, "model", Err(e))?;
            return Err(fmt::Error);
        }
    };
    writeln!(out, "{name} backward: {:?}", model.backward_path())?;
    let mut options = Some(FitOptions {
        epochs: E,
        batch_size: Some(BATCH),
        shuffle: Some(Shuffle {
            indices: order,
            seed: job.shuffle_seed,
        }),
        validation: None,
    });
    let mut fit = None;
    around_fit(&mut || {
        if let Some(options) = options.take() {
            *start = clock();
            fit = Some(model.fit(x, targets, R, options, &mut [], |epoch| {
                let i = epoch.epoch - 1;
                if let (Some(l), Some(m)) = (losses.get_mut(i), marks.get_mut(i)) {
                    *l = epoch.loss;
                    *m = clock();
                }
                Control::Continue
            }));
        }
    });
    let fit = match fit {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            status(out, name, "fit", Err(e))?;
            return Err(fmt::Error);
        }
        None => return Err(fmt::Error),
    };
    for (i, l) in losses.iter().enumerate().take(fit.epochs) {
        writeln!(out, "{name} epoch {:3} loss: {:08x}", i + 1, bits(*l))?;
    }
    let stop = match fit.stop {
        Stop::Finished => "finished",
        Stop::Callback => "callback",
        Stop::NonFiniteLoss => "non-finite loss",
    };
    writeln!(
        out,
        "{name} fit: {stop} after {} epochs, {} steps, loss {:08x}",
        fit.epochs,
        model.steps(),
        bits(fit.loss)
    )?;
    words(out, name, "params", model.parameters())?;
    writeln!(
        out,
        "{name} params hash: {:08x}",
        fnv(model.parameters().iter().copied())
    )?;
    let mut accuracy = Accuracy::new();
    let final_loss = model.evaluate(x, targets, R, &mut [&mut accuracy]);
    let final_loss = match final_loss {
        Ok(l) => l,
        Err(e) => {
            status(out, name, "evaluate", Err(e))?;
            return Err(fmt::Error);
        }
    };
    let outcome = Outcome {
        epochs: fit.epochs,
        loss: fit.loss,
        final_loss,
        correct: accuracy.correct(),
        samples: accuracy.samples(),
    };
    writeln!(
        out,
        "{name} evaluate: loss {:08x}, accuracy {}/{} = {} %",
        bits(final_loss),
        outcome.correct,
        outcome.samples,
        outcome.percent()
    )?;
    Ok(outcome)
}

fn status(out: &mut impl Write, name: &str, what: &str, r: Result<(), Error>) -> fmt::Result {
    match r {
        Ok(()) => Ok(()),
        Err(e) => writeln!(out, "{name} {what}: err {e:?}"),
    }
}

/// The spiral's optimizer: Adam at [`SPIRAL_LEARNING_RATE`].
pub fn spiral_optimizer() -> Optimizer {
    match Adam::new(SPIRAL_LEARNING_RATE, 0.0, 1e-7, 0.9, 0.999) {
        Ok(a) => Optimizer::Adam(a),
        Err(_) => Optimizer::Adam(Adam::DEFAULT),
    }
}

/// The circle's optimizer: SGD with momentum, [`CIRCLE_SGD`].
pub fn circle_optimizer() -> Optimizer {
    match Sgd::new(CIRCLE_SGD.0, CIRCLE_SGD.1, CIRCLE_SGD.2) {
        Ok(s) => Optimizer::Sgd(s),
        Err(_) => Optimizer::Sgd(Sgd::DEFAULT),
    }
}

/// Generates the spiral and trains its net.
pub fn spiral(
    out: &mut impl Write,
    memory: &mut Memory,
    probe: &mut Probe<'_>,
) -> Result<Outcome, fmt::Error> {
    let net = &mut memory.spiral;
    spiral_data(&mut net.x, &mut net.classes, &mut net.values);
    let job = Job {
        name: "spiral",
        layers: &SPIRAL,
        loss: LossKind::SparseCategoricalCrossEntropy,
        optimizer: spiral_optimizer(),
        init_seed: 7,
        shuffle_seed: 1,
    };
    train(out, &job, true, net, probe)
}

/// Generates the circle and trains its net.
pub fn circle(
    out: &mut impl Write,
    memory: &mut Memory,
    probe: &mut Probe<'_>,
) -> Result<Outcome, fmt::Error> {
    let net = &mut memory.circle;
    circle_data(&mut net.x, &mut net.classes, &mut net.values);
    let job = Job {
        name: "circle",
        layers: &CIRCLE,
        loss: LossKind::BinaryCrossEntropy,
        optimizer: circle_optimizer(),
        init_seed: 3,
        shuffle_seed: 2,
    };
    train(out, &job, false, net, probe)
}
