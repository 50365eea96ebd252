//! Runs the shared suite (`src/suite.rs`) on the microcontroller and prints
//! every result's bits over semihosting, then the cost of each kernel in
//! instructions per element, and exits with a status code.
//!
//! Under `qemu-system-arm -icount shift=0`, SysTick counts one tick per 40
//! executed instructions (checked by the calibration line), so the costs
//! repeat exactly from run to run.
#![no_std]
#![no_main]

#[allow(dead_code)] // the stack painting
#[path = "../common.rs"]
mod common;
#[path = "../skeleton.rs"]
mod skeleton;
#[path = "../suite.rs"]
mod suite;

use common::{ticks, Lines, INSTRUCTIONS_PER_TICK};
use core::fmt::{self, Write};
use core::hint::black_box;
use vanillanets::activations::{Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy,
};

const ROWS: usize = 16;
const COLS: usize = 16;
const N: usize = ROWS * COLS;

fn cost(out: &mut Lines, name: &str, f: impl FnOnce()) -> fmt::Result {
    let t = ticks(f);
    let per_element_x10 = t * INSTRUCTIONS_PER_TICK * 10 / N as u32;
    writeln!(
        out,
        "cost {name}: {t} ticks, {}.{} instructions/element",
        per_element_x10 / 10,
        per_element_x10 % 10
    )
}

fn costs(out: &mut Lines) -> fmt::Result {
    let mut x = [0.0_f32; N];
    for (i, v) in x.iter_mut().enumerate() {
        *v = (i as f32 - (N / 2) as f32) * 0.0625;
    }
    let x = black_box(x);
    let mut y = [0.0_f32; N];
    let mut dx = [0.0_f32; N];
    let dv = black_box([0.5_f32; N]);
    let labels = black_box([3_usize; ROWS]);

    cost(out, "memcpy", || y.copy_from_slice(black_box(&x)))?;
    cost(out, "relu forward", || {
        let _ = ReLU.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "relu backward", || {
        let _ = ReLU.backward(&x, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "leaky_relu forward", || {
        let _ = LeakyReLU::new().forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "sigmoid forward", || {
        let _ = Sigmoid.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "sigmoid backward", || {
        let _ = Sigmoid.backward(&y, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "tanh forward", || {
        let _ = Tanh.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "softmax forward", || {
        let _ = Softmax.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "softmax backward", || {
        let _ = Softmax.backward(&y, &dv, ROWS, COLS, &mut dx);
    })?;
    let p = black_box(y);
    cost(out, "bce backward", || {
        let _ = BinaryCrossEntropy.backward(&p, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "cce backward", || {
        let _ = CategoricalCrossEntropy.backward(&p, Labels::Classes(&labels), ROWS, COLS, &mut dx);
    })?;
    cost(out, "mse backward", || {
        let _ = MeanSquaredError.backward(&p, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "fused backward", || {
        let _ = SoftmaxCrossEntropy.backward(&p, Labels::Classes(&labels), ROWS, COLS, &mut dx);
    })?;
    black_box((&y, &dx));
    Ok(())
}

/// The suite's results, the calibration line, the costs.
fn run(out: &mut Lines) -> bool {
    let mut ok = suite::run(out).is_ok();
    ok &= common::calibration(out).is_ok();
    ok &= costs(out).is_ok();
    ok
}

skeleton::lines!(|out| run(&mut out), panic: print);
