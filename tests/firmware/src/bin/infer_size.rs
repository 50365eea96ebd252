//! The crate's flash for inference: this firmware minus `size_base` (the
//! same firmware without the crate). It keeps the spiral net's trained
//! parameters (`src/trained.rs`, 99 `f32` = 396 B) in flash and runs
//! `Network::predict` on inputs it cannot see at build time
//! (`infer_probe::predict`).
#![no_std]
#![no_main]

#[path = "../infer_probe.rs"]
mod infer_probe;
#[path = "../skeleton.rs"]
mod skeleton;

skeleton::size!(infer_probe::predict());
