#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod activation_buffer;
pub mod activations;
mod error;
pub mod layers;
mod loss_buffer;
pub mod losses;
pub mod math;
pub mod metrics;
pub mod model;
pub mod optimizers;
pub mod random;
mod shape;
mod state;
pub mod targets;

pub use activation_buffer::ActivationBuffer;
pub use error::Error;
pub use loss_buffer::LossBuffer;
