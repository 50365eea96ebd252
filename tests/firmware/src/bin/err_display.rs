//! An `Error` printed through `Display` (`core::fmt::Write`): this
//! firmware minus `err_base`.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

use core::fmt::Write;
use cortex_m_rt::entry;
use cortex_m_semihosting::hio;

#[entry]
fn main() -> ! {
    match err_probe::bad_call() {
        Some(e) => {
            if let Ok(mut out) = hio::hstdout() {
                let _ = writeln!(out, "{e}");
            }
        }
        None => err_probe::write(b"no error\n"),
    }
    err_probe::exit(true)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
