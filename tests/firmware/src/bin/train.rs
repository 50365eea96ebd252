//! The training firmware: trains the two nets of `src/training.rs` from
//! `static` memory on the microcontroller and prints every epoch's loss and
//! the final parameters as bits (which `tests/firmware_training.rs`
//! compares with the host's), then what it measured:
//!
//! - `stack`: the stack `Model::fit`, `evaluate` and `predict` used, by
//!   painting the stack below the caller's stack pointer first;
//! - `mem`: the model's memory, by part, from the crate's `const fn`s;
//! - `cost`: instructions per epoch and per sample (SysTick under
//!   `qemu -icount shift=0`, 40 instructions a tick), split into the
//!   forward (`Model::predict` / `evaluate`), the backward (the public
//!   kernels the model runs, on one micro-batch) and the update
//!   (`Optimizer::step`); and the Dense kernels per multiply-accumulate on
//!   a 64 × 64 layer over 16 rows, beside the plain-loop kernels of
//!   `src/plain.rs` (which must give the same bits).
//!
//! Exits with a failure status if anything fails, an accuracy goal is not
//! met, or a plain-loop kernel's bits differ from the library's.
#![no_std]
#![no_main]

#[path = "../common.rs"]
mod common;
#[path = "../plain.rs"]
mod plain;
#[path = "../skeleton.rs"]
mod skeleton;
#[path = "../training.rs"]
mod training;

use common::{elapsed, stack_used, ticks, Lines, INSTRUCTIONS_PER_TICK};
use core::fmt::{self, Display, Write};
use core::hint::black_box;
use training::{Memory, Net, Outcome, Probe, BATCH, MICRO};
use vanillanets::activations::{Activation, ReLU, Sigmoid, Softmax};
use vanillanets::layers::{Dense, Gradients, Layer};
use vanillanets::losses::{BinaryCrossEntropy, Labels, Loss, LossKind, SoftmaxCrossEntropy};
use vanillanets::metrics::Targets;
use vanillanets::model::{Model, Network};
use vanillanets::optimizers::{Adam, Optimizer};

/// Bytes of stack painted below the caller before each measured call.
const PAINT: usize = 32 * 1024;

/// `ticks` as instructions per `n` things, with `d` decimals.
struct Per(u32, usize, u32);

impl Display for Per {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10_u64.pow(self.2);
        let v =
            u64::from(self.0) * u64::from(INSTRUCTIONS_PER_TICK) * scale / (self.1.max(1) as u64);
        if self.2 == 0 {
            write!(f, "{v}")
        } else {
            write!(f, "{}.{:0w$}", v / scale, v % scale, w = self.2 as usize)
        }
    }
}

/// Instructions in `ticks`.
fn ins(ticks: u32) -> Per {
    Per(ticks, 1, 0)
}

/// The scratch of the measurements.
struct Scratch {
    y: [f32; 512],
    h: [f32; MICRO * 16],
    dh: [f32; MICRO * 16],
    z: [f32; MICRO * 3],
    t: [f32; MICRO * 3],
    g: [f32; MICRO * 3],
    grads: [f32; 128],
    state: [f32; 256],
    params: [f32; 128],
}

impl Scratch {
    const fn new() -> Self {
        Self {
            y: [0.0; 512],
            h: [0.0; MICRO * 16],
            dh: [0.0; MICRO * 16],
            z: [0.0; MICRO * 3],
            t: [0.0; MICRO * 3],
            g: [0.0; MICRO * 3],
            grads: [0.0; 128],
            state: [0.0; 256],
            params: [0.0; 128],
        }
    }
}

/// A 64 × 64 Dense layer over 16 rows, for the kernels' cost per
/// multiply-accumulate.
struct Bench {
    x: [f32; 16 * 64],
    w: [f32; 64 * 64],
    b: [f32; 64],
    dv: [f32; 16 * 64],
    y: [f32; 16 * 64],
    y2: [f32; 16 * 64],
    dw: [f32; 64 * 64],
    dw2: [f32; 64 * 64],
    db: [f32; 64],
    db2: [f32; 64],
    dx: [f32; 16 * 64],
    dx2: [f32; 16 * 64],
}

impl Bench {
    const fn new() -> Self {
        Self {
            x: [0.0; 16 * 64],
            w: [0.0; 64 * 64],
            b: [0.0; 64],
            dv: [0.0; 16 * 64],
            y: [0.0; 16 * 64],
            y2: [0.0; 16 * 64],
            dw: [0.0; 64 * 64],
            dw2: [0.0; 64 * 64],
            db: [0.0; 64],
            db2: [0.0; 64],
            dx: [0.0; 16 * 64],
            dx2: [0.0; 16 * 64],
        }
    }
}

/// The two Dense layers of a 4-layer net (Dense, ReLU, Dense, head).
fn dense_pair(layers: &[Layer<'_>]) -> Option<(Dense, Dense)> {
    match layers {
        [Layer::Dense(a), _, Layer::Dense(b), _] => Some((*a, *b)),
        _ => None,
    }
}

/// The net's epochs, from its clock readings.
fn epochs<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize>(
    out: &mut impl Write,
    name: &str,
    net: &Net<X, R, P, T, E>,
) -> Result<u32, fmt::Error> {
    let (mut previous, mut total, mut min, mut max) = (net.start, 0_u32, u32::MAX, 0);
    for &mark in &net.marks {
        let t = elapsed(previous, mark);
        previous = mark;
        total += t;
        min = min.min(t);
        max = max.max(t);
    }
    let mean = total / E as u32;
    writeln!(
        out,
        "cost {name} epoch: {} instructions (mean of {E} epochs: min {}, max {}), {} per sample, {} for the {E} epochs",
        ins(mean),
        ins(min),
        ins(max),
        Per(mean, R, 0),
        ins(total)
    )?;
    Ok(mean)
}

/// Which loss and output layer a net ends with.
#[derive(Clone, Copy)]
enum Head {
    /// Softmax + cross-entropy, the fused backward.
    SoftmaxCrossEntropy,
    /// Sigmoid, then binary cross-entropy, chained.
    SigmoidBinaryCrossEntropy,
}

/// Splits an epoch into forward, backward and update, and measures the
/// stack of `evaluate` and `predict`.
#[allow(clippy::too_many_arguments)]
fn breakdown<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize>(
    out: &mut impl Write,
    name: &str,
    net: &mut Net<X, R, P, T, E>,
    layers: &[Layer<'_>],
    loss: LossKind,
    optimizer: Optimizer,
    head: Head,
    epoch: u32,
    s: &mut Scratch,
) -> fmt::Result {
    // Shapes the compiler cannot see: the model runs the kernels for any
    // shape, so a measurement of them specialised to constant shapes would
    // not be the model's cost.
    let (d1, d2) = black_box(dense_pair(layers).ok_or(fmt::Error)?);
    let micro = black_box(MICRO);
    let (layers, optimizer) = (black_box(layers), black_box(optimizer));
    let (width_in, hidden, width_out) = (d1.inputs(), d1.outputs(), d2.outputs());
    let micro_batches: usize = (0..R)
        .step_by(BATCH)
        .map(|start| (R - start).min(BATCH).div_ceil(MICRO))
        .sum();
    let steps = R.div_ceil(BATCH);

    // Forward: the model's own predict and evaluate over the training set.
    let (mut t_predict, mut t_evaluate) = (0, 0);
    let (stack_predict, stack_evaluate);
    {
        let Net {
            x,
            classes,
            values,
            params,
            training,
            ..
        } = net;
        let targets = match head {
            Head::SoftmaxCrossEntropy => Targets::Classes(classes),
            Head::SigmoidBinaryCrossEntropy => Targets::Values(values),
        };
        let mut model =
            Model::new(layers, loss, optimizer, MICRO, params, training).map_err(|_| fmt::Error)?;
        let y = s.y.get_mut(..R * width_out).ok_or(fmt::Error)?;
        stack_predict = stack_used(PAINT, &mut || {
            t_predict = ticks(|| {
                let _ = black_box(model.predict(x, R, y));
            });
        });
        stack_evaluate = stack_used(PAINT, &mut || {
            t_evaluate = ticks(|| {
                let _ = black_box(model.evaluate(x, targets, R, &mut []));
            });
        });
    }
    writeln!(
        out,
        "stack {name}: predict {stack_predict} B, evaluate {stack_evaluate} B"
    )?;

    // Backward: the kernels the model runs for one micro-batch, on the
    // first MICRO samples and the trained parameters.
    let (w1, rest) = net.params.split_at(width_in * hidden);
    let (b1, rest) = rest.split_at(hidden);
    let (w2, b2) = rest.split_at(hidden * width_out);
    let x = &net.x[..MICRO * width_in];
    let (h, dh) = (&mut s.h[..MICRO * hidden], &mut s.dh[..MICRO * hidden]);
    let n_out = MICRO * width_out;
    let (z, t, g) = (&mut s.z[..n_out], &mut s.t[..n_out], &mut s.g[..n_out]);
    // The forward's kernels on one micro-batch, as the model runs them
    // (each activation in place on its Dense layer's output).
    let mut ok = [false; 4];
    let t_d1 = ticks(|| ok[0] = d1.forward(x, w1, b1, micro, h).is_ok());
    let t_relu_forward = ticks(|| ok[1] = ReLU.forward_in_place(micro, hidden, h).is_ok());
    let t_d2 = ticks(|| ok[2] = d2.forward(h, w2, b2, micro, z).is_ok());
    let t_head = ticks(|| {
        ok[3] = match head {
            Head::SoftmaxCrossEntropy => Softmax.forward_in_place(micro, width_out, z),
            Head::SigmoidBinaryCrossEntropy => Sigmoid.forward_in_place(micro, width_out, z),
        }
        .is_ok();
    });
    if ok.contains(&false) {
        return Err(fmt::Error);
    }
    let t_forward = t_d1 + t_relu_forward + t_d2 + t_head;
    // The model's targets: one-hot rows (classes) or the values.
    for (r, row) in t.chunks_exact_mut(width_out).enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = match head {
                Head::SoftmaxCrossEntropy => f32::from(u8::from(net.classes[r] == j)),
                Head::SigmoidBinaryCrossEntropy => net.values[r],
            };
        }
    }
    let (gw1, rest) = s.grads.split_at_mut(width_in * hidden);
    let (gb1, rest) = rest.split_at_mut(hidden);
    let (gw2, rest) = rest.split_at_mut(hidden * width_out);
    let gb2 = &mut rest[..width_out];
    let acc = Gradients::Accumulate;
    let t_loss = ticks(|| {
        let _ = black_box(match head {
            Head::SoftmaxCrossEntropy => {
                SoftmaxCrossEntropy.backward(z, Labels::OneHot(t), micro, width_out, g)
            }
            Head::SigmoidBinaryCrossEntropy => BinaryCrossEntropy
                .backward(z, t, micro, width_out, g)
                .and_then(|()| Sigmoid.backward_in_place(z, micro, width_out, g)),
        });
    });
    let t_d2p = ticks(|| {
        let _ = black_box(d2.backward_parameters(h, g, micro, acc, gw2, gb2));
    });
    let t_d2i = ticks(|| {
        let _ = black_box(d2.backward_inputs(w2, g, micro, dh));
    });
    let t_relu = ticks(|| {
        let _ = black_box(ReLU.backward_in_place(h, micro, hidden, dh));
    });
    let t_d1p = ticks(|| {
        let _ = black_box(d1.backward_parameters(x, dh, micro, acc, gw1, gb1));
    });
    let t_backward = t_loss + t_d2p + t_d2i + t_relu + t_d1p;

    // Update: one optimizer step over the P parameters (on a copy).
    let state_len = optimizer.state_len(P);
    for (c, &p) in s.params.iter_mut().zip(net.params.iter()) {
        *c = p;
    }
    let t_update = ticks(|| {
        let _ = black_box(optimizer.step(
            5,
            &s.grads[..P],
            &mut s.state[..state_len],
            &mut s.params[..P],
        ));
    });
    // The same step on one parameter: the per-step part (the learning
    // rate and Adam's bias corrections, computed in f64).
    let state_one = optimizer.state_len(1);
    let t_update_one = ticks(|| {
        let _ = black_box(optimizer.step(
            5,
            &s.grads[..1],
            &mut s.state[..state_one],
            &mut s.params[..1],
        ));
    });

    let loss_name = match head {
        Head::SoftmaxCrossEntropy => "fused softmax + cce",
        Head::SigmoidBinaryCrossEntropy => "bce + sigmoid",
    };
    writeln!(
        out,
        "cost {name} forward (Model::predict, {R} samples): {}, {} per sample",
        ins(t_predict),
        Per(t_predict, R, 0)
    )?;
    let head_name = match head {
        Head::SoftmaxCrossEntropy => "softmax",
        Head::SigmoidBinaryCrossEntropy => "sigmoid",
    };
    writeln!(
        out,
        "cost {name} forward kernels of {MICRO} rows: dense 1 {}, relu {}, dense 2 {}, {head_name} {}; total {}, {} per sample",
        ins(t_d1),
        ins(t_relu_forward),
        ins(t_d2),
        ins(t_head),
        ins(t_forward),
        Per(t_forward, MICRO, 0)
    )?;
    writeln!(
        out,
        "cost {name} forward + loss (Model::evaluate, {R} samples): {}, {} per sample",
        ins(t_evaluate),
        Per(t_evaluate, R, 0)
    )?;
    writeln!(
        out,
        "cost {name} backward of {MICRO} rows: {loss_name} {}, dense 2 parameters {}, dense 2 inputs {}, relu {}, dense 1 parameters {}; total {}, {} per sample",
        ins(t_loss),
        ins(t_d2p),
        ins(t_d2i),
        ins(t_relu),
        ins(t_d1p),
        ins(t_backward),
        Per(t_backward, MICRO, 0)
    )?;
    writeln!(
        out,
        "cost {name} update (Optimizer::step, {P} parameters): {} per step ({} for one parameter, then {} per parameter), {steps} steps per epoch: {} per sample",
        ins(t_update),
        ins(t_update_one),
        Per(t_update.saturating_sub(t_update_one), P - 1, 1),
        Per(t_update * steps as u32, R, 0)
    )?;
    let parts = t_evaluate + t_backward * micro_batches as u32 + t_update * steps as u32;
    let other = epoch.saturating_sub(parts);
    writeln!(
        out,
        "cost {name} epoch split: forward + loss {} + backward {} ({micro_batches} micro-batches) + update {} ({steps} steps) + other {} = {} (measured {}); per sample {} + {} + {} + {} = {}",
        ins(t_evaluate),
        ins(t_backward * micro_batches as u32),
        ins(t_update * steps as u32),
        ins(other),
        ins(parts + other),
        ins(epoch),
        Per(t_evaluate, R, 0),
        Per(t_backward * micro_batches as u32, R, 0),
        Per(t_update * steps as u32, R, 0),
        Per(other, R, 0),
        Per(epoch, R, 0),
    )
}

/// The model's memory by part, from the crate's `const fn`s.
fn memory<const X: usize, const R: usize, const P: usize, const T: usize, const E: usize>(
    out: &mut impl Write,
    name: &str,
    _net: &Net<X, R, P, T, E>,
    optimizer: Optimizer,
) -> fmt::Result {
    let state = optimizer.state_len(P);
    let activations = T - P - state;
    writeln!(
        out,
        "mem {name}: parameters {P} f32 = {} B; training memory {T} f32 = {} B: gradients {P} f32 = {} B, optimizer state {state} f32 = {} B, micro-batch buffers ({MICRO} rows) {activations} f32 = {} B; total {} B",
        4 * P,
        4 * T,
        4 * P,
        4 * state,
        4 * activations,
        4 * (P + T)
    )
}

/// Bits of two slices equal.
fn same(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
}

/// One Dense shape over `rows` rows: the library's (tiled) kernels and the
/// plain loops of `src/plain.rs`, per multiply-accumulate; `false` if
/// their bits differ.
fn dense_case(
    out: &mut impl Write,
    b: &mut Bench,
    n_in: usize,
    n_out: usize,
    rows: usize,
) -> Result<bool, fmt::Error> {
    let macs = rows * n_in * n_out;
    // Sizes the compiler cannot see, as in the model (which calls one
    // kernel for every shape).
    let (n_in, n_out, rows) = (black_box(n_in), black_box(n_out), black_box(rows));
    let dense = Dense::new(n_in, n_out);
    let Bench {
        x,
        w,
        b: bias,
        dv,
        y,
        y2,
        dw,
        dw2,
        db,
        db2,
        dx,
        dx2,
    } = b;
    let (x, w, bias, dv) = (
        &x[..rows * n_in],
        &w[..n_in * n_out],
        &bias[..n_out],
        &dv[..rows * n_out],
    );
    let (y, y2) = (&mut y[..rows * n_out], &mut y2[..rows * n_out]);
    let (dw, dw2) = (&mut dw[..n_in * n_out], &mut dw2[..n_in * n_out]);
    let (db, db2) = (&mut db[..n_out], &mut db2[..n_out]);
    let (dx, dx2) = (&mut dx[..rows * n_in], &mut dx2[..rows * n_in]);
    let name = Name(n_in, n_out, rows);
    // The line of one kernel: both timings and whether the bits agree.
    let mut line = |kernel: &str, t: u32, t2: u32, same: bool| {
        writeln!(
            out,
            "cost dense {name} {kernel}: library {} instructions/MAC, plain loops {} (same bits: {same})",
            Per(t, macs, 2),
            Per(t2, macs, 2)
        )
        .map(|()| same)
    };

    let t = ticks(|| {
        let _ = black_box(dense.forward(x, w, bias, rows, y));
    });
    let t2 = ticks(|| plain::forward(n_in, n_out, x, w, bias, y2));
    let same_forward = line("forward", t, t2, same(y, y2))?;
    let overwrite = Gradients::Overwrite;
    let t = ticks(|| {
        let _ = black_box(dense.backward_parameters(x, dv, rows, overwrite, dw, db));
    });
    let t2 = ticks(|| plain::backward_parameters(n_in, n_out, x, dv, true, dw2, db2));
    let same_parameters = line("backward parameters", t, t2, same(dw, dw2) && same(db, db2))?;
    let t = ticks(|| {
        let _ = black_box(dense.backward_inputs(w, dv, rows, dx));
    });
    let t2 = ticks(|| plain::backward_inputs(n_in, n_out, w, dv, dx2));
    let same_inputs = line("backward inputs", t, t2, same(dx, dx2))?;
    Ok(same_forward && same_parameters && same_inputs)
}

/// `inputs x outputs xrows`.
struct Name(usize, usize, usize);

impl Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{} x{}", self.0, self.1, self.2)
    }
}

/// The Dense kernels per multiply-accumulate: a 64 × 64 layer over 16
/// rows, and the shapes of the two nets over a micro-batch.
fn dense_costs(out: &mut impl Write, b: &mut Bench) -> Result<bool, fmt::Error> {
    for (i, v) in b.x.iter_mut().enumerate() {
        *v = ((i * 7919) % 1000) as f32 / 500.0 - 1.0;
    }
    for (i, v) in b.w.iter_mut().enumerate() {
        *v = ((i * 104_729) % 1000) as f32 / 8000.0 - 0.0625;
    }
    for (i, v) in b.b.iter_mut().enumerate() {
        *v = (i as f32 - 32.0) / 64.0;
    }
    for (i, v) in b.dv.iter_mut().enumerate() {
        *v = ((i * 613) % 1000) as f32 / 16000.0 - 0.03;
    }
    let mut ok = dense_case(out, b, 64, 64, 16)?;
    for (n_in, n_out) in [(2, 16), (16, 3), (16, 1)] {
        ok &= dense_case(out, b, n_in, n_out, MICRO)?;
    }
    Ok(ok)
}

/// AIfES's 3-3-2 tutorial net with Adam, sized by the crate.
fn aifes(out: &mut impl Write) -> fmt::Result {
    use vanillanets::activations::ActivationKind;
    const NET: [Layer; 4] = [
        Layer::Dense(Dense::new(3, 3)),
        Layer::Activation(ActivationKind::ReLU),
        Layer::Dense(Dense::new(3, 2)),
        Layer::Activation(ActivationKind::Softmax),
    ];
    const ADAM: Optimizer = Optimizer::Adam(Adam::DEFAULT);
    write!(
        out,
        "mem aifes 3-3-2 adam: parameters {} B; training memory",
        4 * Network::parameter_len(&NET)
    )?;
    for m in [1, 2, 4, 8, 16] {
        write!(out, " M={m}: {} B", 4 * Model::training_len(&NET, &ADAM, m))?;
    }
    out.write_char('\n')
}

/// Trains one net with the stack painted around `fit`, returning its
/// outcome and the stack `fit` used.
fn train(
    out: &mut Lines,
    memory: &mut Memory,
    net: fn(&mut Lines, &mut Memory, &mut Probe<'_>) -> Result<Outcome, fmt::Error>,
) -> (Result<Outcome, fmt::Error>, usize) {
    let mut stack = 0;
    let mut clock = common::now;
    let mut around = |fit: &mut dyn FnMut()| stack = stack_used(PAINT, fit);
    let mut probe = Probe {
        clock: &mut clock,
        around_fit: &mut around,
    };
    let outcome = net(out, memory, &mut probe);
    (outcome, stack)
}

fn run(
    out: &mut Lines,
    memory: &mut Memory,
    scratch: &mut Scratch,
    bench: &mut Bench,
) -> Result<bool, fmt::Error> {
    let (spiral, spiral_stack) = train(out, memory, training::spiral);
    let (circle, circle_stack) = train(out, memory, training::circle);
    let (spiral, circle) = (spiral?, circle?);
    writeln!(out, "training done")?;
    let goals =
        spiral.percent() >= training::SPIRAL_GOAL && circle.percent() >= training::CIRCLE_GOAL;

    writeln!(out, "stack spiral: fit {spiral_stack} B")?;
    writeln!(out, "stack circle: fit {circle_stack} B")?;
    let spiral_optimizer = training::spiral_optimizer();
    let circle_optimizer = training::circle_optimizer();
    memory_lines(out, memory, spiral_optimizer, circle_optimizer)?;
    aifes(out)?;

    let epoch = epochs(out, "spiral", &memory.spiral)?;
    breakdown(
        out,
        "spiral",
        &mut memory.spiral,
        &training::SPIRAL,
        LossKind::SparseCategoricalCrossEntropy,
        spiral_optimizer,
        Head::SoftmaxCrossEntropy,
        epoch,
        scratch,
    )?;
    let epoch = epochs(out, "circle", &memory.circle)?;
    breakdown(
        out,
        "circle",
        &mut memory.circle,
        &training::CIRCLE,
        LossKind::BinaryCrossEntropy,
        circle_optimizer,
        Head::SigmoidBinaryCrossEntropy,
        epoch,
        scratch,
    )?;
    let same = dense_costs(out, bench)?;
    common::calibration(out)?;
    Ok(goals && same)
}

fn memory_lines(
    out: &mut impl Write,
    memory: &Memory,
    spiral: Optimizer,
    circle: Optimizer,
) -> fmt::Result {
    self::memory(out, "spiral", &memory.spiral, spiral)?;
    self::memory(out, "circle", &memory.circle, circle)
}

skeleton::lines!(
    static mut MEMORY: Memory = Memory::new();
    static mut SCRATCH: Scratch = Scratch::new();
    static mut BENCH: Bench = Bench::new();
    |out| matches!(run(&mut out, MEMORY, SCRATCH, BENCH), Ok(true)),
    panic: print
);
