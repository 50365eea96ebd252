#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod activations;
mod buffer;
mod error;
mod shape;

pub use buffer::ActivationBuffer;
pub use error::Error;
