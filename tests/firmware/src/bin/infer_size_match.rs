//! `infer_size` with `Network::predict`'s layer walk dispatching the
//! built-in activations statically (`inference::predict_match`, the same
//! bits): this firmware minus `size_base` is what the crate's inference
//! would take in flash with that change to `Network::predict`.
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
use inference::SIDE;

#[entry]
fn main() -> ! {
    let rows = black_box(SIDE);
    let x = black_box([0.25_f32; 2 * SIDE]);
    let mut scratch = [0.0_f32; 2 * 16 * SIDE];
    let mut y = [0.0_f32; 3 * SIDE];
    let params = black_box(&trained::SPIRAL_TRAINED);
    let ok = inference::predict_match(
        black_box(&inference::NET),
        params,
        &x,
        rows,
        &mut scratch,
        &mut y,
    )
    .is_ok();
    black_box(&y);
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
