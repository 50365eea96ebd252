//! `infer_size` with the spiral net's kernels called directly
//! (`inference::predict_static`, the same bits as `Network::predict`):
//! this firmware minus `size_base` is the crate's flash for inference
//! without `Network`'s `&dyn Activation` dispatch, which links every
//! activation's forward and backward.
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
    let mut hidden = [0.0_f32; 16 * SIDE];
    let mut y = [0.0_f32; 3 * SIDE];
    let params = black_box(&trained::SPIRAL_TRAINED);
    let ok = inference::predict_static(params, &x, rows, &mut hidden, &mut y).is_ok();
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
