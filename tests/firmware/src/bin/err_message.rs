//! An `Error` printed through `Error::message` (static text, no
//! `core::fmt`): this firmware minus `err_base`.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    match err_probe::bad_call() {
        Some(e) => {
            err_probe::write(e.message().as_bytes());
            err_probe::write(b"\n");
        }
        None => err_probe::write(b"no error\n"),
    }
    err_probe::exit(true)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
