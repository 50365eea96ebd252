//! An `Error` printed through `Display` (`core::fmt::Write`): this
//! firmware minus `err_base`.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

use core::fmt::Write;

err_probe::probe!(|e| {
    if let Ok(mut out) = cortex_m_semihosting::hio::hstdout() {
        let _ = writeln!(out, "{e}");
    }
});
