//! The whole crate's size: this firmware minus `size_base`. It calls every
//! public function (`src/calls.rs`).
#![no_std]
#![no_main]

#[path = "../calls.rs"]
mod calls;
#[path = "../skeleton.rs"]
mod skeleton;

skeleton::size!(core::hint::black_box(calls::exercise()));
