//! The inference firmware: the spiral net's trained parameters
//! (`src/trained.rs`, exported from the host) as a `const` array in flash,
//! run with `Network::predict` on the grid of `src/inference.rs`; prints
//! every prediction's bits, which `tests/firmware_training.rs` compares with
//! the host's, then the cost of one `predict` of 16 rows.
#![no_std]
#![no_main]

#[allow(dead_code)]
#[path = "../common.rs"]
mod common;
#[allow(dead_code)] // the flash measurements' variants
#[path = "../inference.rs"]
mod inference;
#[path = "../skeleton.rs"]
mod skeleton;
#[path = "../trained.rs"]
mod trained;

use common::{ticks, Lines, INSTRUCTIONS_PER_TICK};
use core::fmt::Write;
use core::hint::black_box;
use inference::{grid_row, NET, SIDE};
use vanillanets::model::Network;

fn cost(out: &mut Lines) -> core::fmt::Result {
    let Ok(net) = Network::new(&NET, &trained::SPIRAL_TRAINED) else {
        return Err(core::fmt::Error);
    };
    let x = black_box(grid_row(3));
    let mut scratch = [0.0_f32; Network::scratch_len(&NET, SIDE)];
    let mut y = [0.0_f32; SIDE * 3];
    let t = ticks(|| {
        let _ = black_box(net.predict(&x, SIDE, &mut scratch, &mut y));
    });
    writeln!(
        out,
        "cost infer predict of {SIDE} rows: {} instructions, {} per sample",
        t * INSTRUCTIONS_PER_TICK,
        t * INSTRUCTIONS_PER_TICK / SIDE as u32
    )
}

skeleton::lines!(
    |out| inference::run(&mut out, &trained::SPIRAL_TRAINED).is_ok() && cost(&mut out).is_ok(),
    panic: exit
);
