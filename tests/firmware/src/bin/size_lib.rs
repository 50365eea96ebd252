//! The whole crate's size: this firmware minus `size_base`. It calls every
//! public function (`src/calls.rs`).
#![no_std]
#![no_main]

#[path = "../calls.rs"]
mod calls;

use core::hint::black_box;
use cortex_m_rt::entry;
use cortex_m_semihosting::debug;

#[entry]
fn main() -> ! {
    let ok = black_box(calls::exercise());
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
