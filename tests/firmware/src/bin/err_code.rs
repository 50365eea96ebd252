//! An `Error` printed through `Error::code` as two hex digits, without
//! `core::fmt`: this firmware minus `err_base`.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

err_probe::probe!(|e| {
    let hex = b"0123456789abcdef";
    let c = e.code();
    let line = [
        b'E',
        hex[usize::from(c >> 4)],
        hex[usize::from(c & 0xf)],
        b'\n',
    ];
    err_probe::write(&line);
});
