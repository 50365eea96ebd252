//! Error-size baseline: gets an `Error` and prints a fixed line.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    match err_probe::bad_call() {
        Some(_) => err_probe::write(b"error\n"),
        None => err_probe::write(b"no error\n"),
    }
    err_probe::exit(true)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
