//! Size baseline: the same firmware as `size_lib`, without the crate
//! (skeleton: `src/skeleton.rs`).
#![no_std]
#![no_main]

#[path = "../skeleton.rs"]
mod skeleton;

skeleton::size!(core::hint::black_box(true));
