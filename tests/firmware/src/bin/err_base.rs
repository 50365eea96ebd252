//! Error-size baseline: gets an `Error` and prints a fixed line.
#![no_std]
#![no_main]

#[path = "../err_probe.rs"]
mod err_probe;

err_probe::probe!(|_e| err_probe::write(b"error\n"));
