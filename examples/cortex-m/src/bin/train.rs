//! Trains the spiral classifier of `src/net.rs` on the device, from static
//! memory, prints the epoch lines and the accuracy, then exports the
//! parameters as Rust source (`src/params.rs`, which `infer` runs). Exits
//! with a failure if an error occurs or the accuracy is below 90 %.
//!
//! `cargo run --release --bin train`
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use vanillanets::layers::{initialize, Distribution, Init};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::export::{fingerprint, record_len};
use vanillanets::model::{Control, FitOptions, Model, Shuffle};
use vanillanets::optimizers::{Adam, Optimizer};
use vanillanets::random::Pcg32;
use vanillanets::Error;
use vanillanets_cortex_m::net::{spiral, NET, PARAMETERS};
use vanillanets_cortex_m::{finish, Host};

const ROWS: usize = 150; // training samples, 50 per arm
const BATCH: usize = 16; // samples per optimizer step: FitOptions::batch_size
const EPOCHS: usize = 40;
const GOAL: u64 = 90; // training accuracy, percent
/// Sizes MEMORY: every Adam keeps two floats per parameter (the learning
/// rate is set in `train`).
const ADAM: Optimizer = Optimizer::Adam(Adam::DEFAULT);

// README: begin main
const MICRO: usize = 8; // the micro-batch: rows per forward/backward pass
const MEMORY_LEN: usize = Model::training_len(&NET, &ADAM, MICRO);

#[entry]
fn main() -> ! {
    static mut PARAMS: [f32; PARAMETERS] = [0.0; PARAMETERS];
    static mut MEMORY: [f32; MEMORY_LEN] = [0.0; MEMORY_LEN];
    static mut X: [f32; 2 * ROWS] = [0.0; 2 * ROWS];
    static mut Y: [usize; ROWS] = [0; ROWS];
    static mut ORDER: [usize; ROWS] = [0; ROWS];
    spiral(1, X, Y); // each static is a `&'static mut` here
    finish(train(PARAMS, MEMORY, X, Y, ORDER)) // prints an `Err`, exits
}
// README: end main

/// Trains from `params` and `memory` on the samples `x`, `y`; `Ok(true)`
/// if the goal was reached (and the parameters exported).
fn train(
    params: &mut [f32],
    memory: &mut [f32],
    x: &[f32],
    y: &[usize],
    order: &mut [usize],
) -> Result<bool, Error> {
    hprintln!(
        "memory: parameters {} B, training {} B (micro-batch {} rows), data {} B",
        4 * PARAMETERS,
        4 * MEMORY_LEN,
        MICRO,
        core::mem::size_of_val(x) + core::mem::size_of_val(y) + core::mem::size_of_val(order)
    );
    let mut rng = Pcg32::new(7);
    initialize(
        &NET,
        params,
        Init::Auto,
        Distribution::Normal,
        0.0,
        &mut rng,
    )?;
    let adam = Adam::new(0.05, 0.0, 1e-7, 0.9, 0.999)?; // learning rate 0.05
    let loss = LossKind::SparseCategoricalCrossEntropy;
    let mut model = Model::new(&NET, loss, adam, MICRO, params, memory)?;
    let options = FitOptions {
        epochs: EPOCHS,
        batch_size: Some(BATCH),
        shuffle: Some(Shuffle {
            indices: order,
            seed: 1,
        }),
        validation: None,
    };
    let mut accuracy = Accuracy::new();
    let targets = Targets::Classes(y);
    model.fit(x, targets, ROWS, options, &mut [&mut accuracy], |epoch| {
        if epoch.epoch % 10 == 0 {
            let _ = epoch.line(&mut Host); // Host never fails
            hprintln!();
        }
        Control::Continue
    })?;
    let loss = model.evaluate(x, targets, ROWS, &mut [&mut accuracy])?;
    let (correct, samples) = (accuracy.correct(), accuracy.samples());
    hprintln!("training accuracy: {correct}/{samples}, loss {loss:.3}");
    if correct * 100 < GOAL * samples {
        hprintln!("below the goal of {GOAL} %");
        return Ok(false);
    }
    // A record for a flash page: fingerprint of NET, the floats, CRC-32.
    let mut page = [0xFF_u8; record_len(&NET)];
    let written = model.export_parameters(&mut page)?;
    model.load_parameters(&page)?; // checks fingerprint and CRC; same bits
    hprintln!(
        "record: {written} bytes, layer fingerprint {:08x}",
        fingerprint(&NET)
    );
    export(model.parameters());
    Ok(true)
}

/// Prints `params` as the Rust source of `src/params.rs`, exact bits, between
/// two marker lines.
fn export(params: &[f32]) {
    hprintln!("// begin src/params.rs");
    hprintln!("//! Written by `cargo run --release --bin train`, which prints this file.");
    hprintln!();
    hprintln!("/// The fingerprint of the layers they were trained for: the crate checks");
    hprintln!("/// it against `net::NET` at build time (`src/lib.rs`).");
    hprintln!("pub const FINGERPRINT: u32 = 0x{:08x};", fingerprint(&NET));
    hprintln!();
    hprintln!("/// The trained parameters of `net::NET`, in vanillanets' flat layout.");
    hprintln!("pub const PARAMS: [f32; {}] = [", params.len());
    for p in params {
        hprintln!("    f32::from_bits(0x{:08x}),", p.to_bits());
    }
    hprintln!("];");
    hprintln!("// end src/params.rs");
}
