//! The crate's flash for inference: this firmware minus `size_base` (the
//! same firmware without the crate). It keeps the spiral net's trained
//! parameters (`src/trained.rs`, 99 `f32` = 396 B) in flash and runs
//! `Network::predict` on inputs it cannot see at build time.
#![no_std]
#![no_main]

#[allow(dead_code)]
#[path = "../inference.rs"]
mod inference;
#[path = "../trained.rs"]
mod trained;

use core::hint::black_box;
use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use inference::{NET, SIDE};
use vanillanets::model::Network;

#[entry]
fn main() -> ! {
    let mut ok = false;
    if let Ok(net) = Network::new(black_box(&NET), black_box(&trained::SPIRAL_TRAINED)) {
        let rows = black_box(SIDE);
        let x = black_box([0.25_f32; 2 * SIDE]);
        let mut scratch = [0.0_f32; Network::scratch_len(&NET, SIDE)];
        let mut y = [0.0_f32; 3 * SIDE];
        ok = net.predict(&x, rows, &mut scratch, &mut y).is_ok();
        black_box(&y);
    }
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
