//! What the two binaries share: the network and its data ([`net`]), the
//! trained parameters ([`params`]), semihosting output and the exit.
#![no_std]
#![forbid(unsafe_code)]

pub mod net;
pub mod params;

// Parameters exported for another layer list do not build (the raw `const`
// form has no header; its fingerprint is checked here instead).
const _: () = assert!(
    vanillanets::model::export::fingerprint(&net::NET) == params::FINGERPRINT,
    "src/params.rs was exported for other layers than net::NET: run train again"
);

use core::fmt;
use core::panic::PanicInfo;
use cortex_m_semihosting::{debug, hprint, hprintln};

/// The host's standard output over semihosting, as a [`fmt::Write`] (for
/// [`vanillanets::model::Epoch::line`]). On a board: RTT or a UART.
pub struct Host;

impl fmt::Write for Host {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        hprint!("{}", s);
        Ok(())
    }
}

/// Ends the program: QEMU exits with status 0 (`ok`) or 1. On a board,
/// where nobody reads an exit status, this would loop or reset instead.
/// With the `paint-stack` feature it halts, for the stack to be read.
pub fn exit(ok: bool) -> ! {
    if cfg!(feature = "paint-stack") {
        hprintln!(
            "halted ({}): read the stack",
            if ok { "ok" } else { "failed" }
        );
        loop {
            cortex_m::asm::wfi();
        }
    }
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}

/// Ends the program with `result`: exits with success for `Ok(true)`, else
/// with a failure, printing an `Err` (a typed [`vanillanets::Error`]).
pub fn finish(result: Result<bool, vanillanets::Error>) -> ! {
    match result {
        Ok(success) => exit(success),
        Err(e) => {
            hprintln!("error {}: {}", e.code(), e);
            exit(false)
        }
    }
}

/// A panic prints its message and exits with a failure. (The library
/// never panics; this covers the template's own code.)
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit(false)
}
