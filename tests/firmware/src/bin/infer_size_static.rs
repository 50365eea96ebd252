//! `infer_size` with the spiral net's kernels called directly
//! (`infer_probe::predict_static`, the same bits as `Network::predict`):
//! this firmware minus `size_base` is the crate's flash for inference
//! without `Network`'s `&dyn Activation` dispatch, which links every
//! activation's forward and backward.
#![no_std]
#![no_main]

#[path = "../infer_probe.rs"]
mod infer_probe;
#[path = "../skeleton.rs"]
mod skeleton;

skeleton::size!(infer_probe::predict_static());
