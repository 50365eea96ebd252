//! `infer_size` with `Network::predict`'s layer walk dispatching the
//! built-in activations statically (`infer_probe::predict_match`, the same
//! bits): this firmware minus `size_base` is what the crate's inference
//! would take in flash with that change to `Network::predict`.
#![no_std]
#![no_main]

#[path = "../infer_probe.rs"]
mod infer_probe;
#[path = "../skeleton.rs"]
mod skeleton;

skeleton::size!(infer_probe::predict_match());
