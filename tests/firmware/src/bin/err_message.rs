//! An `Error` printed through `Error::message` (static text, no
//! `core::fmt`): this firmware minus `err_base`.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

err_probe::probe!(|e| {
    err_probe::write(e.message().as_bytes());
    err_probe::write(b"\n");
});
