//! Link-time proof for an inference firmware alone (skeleton:
//! `src/proof.rs`): the exported spiral net in flash, run with
//! `Network::new` and `Network::predict` on inputs the optimizer cannot
//! see, as `infer` runs it and exactly as `infer_size` does
//! (`infer_probe::predict`). A firmware that calls less than `nopanic` is
//! inlined differently, so it gets its own proof.
#![no_std]
#![no_main]

#[path = "../infer_probe.rs"]
mod infer_probe;
#[path = "../proof.rs"]
mod proof;

proof::main!(infer_probe::predict);
