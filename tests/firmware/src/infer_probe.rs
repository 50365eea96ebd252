//! What the inference size probes run (`infer_size`, `infer_size_static`,
//! `infer_size_match`) and `nopanic_infer` proves: the spiral net's
//! trained parameters in flash (`trained.rs`, 99 `f32` = 396 B), run on
//! inputs the optimizer cannot see at build time, three ways. Each returns
//! whether the prediction succeeded.
#![allow(dead_code)]

#[path = "inference.rs"]
mod inference;
#[path = "trained.rs"]
mod trained;

use core::hint::black_box;
use inference::{NET, SIDE};
use vanillanets::model::Network;

/// `Network::new` and `Network::predict`, as `infer` runs them.
pub fn predict() -> bool {
    let mut ok = false;
    if let Ok(net) = Network::new(black_box(&NET), black_box(&trained::SPIRAL_TRAINED)) {
        let rows = black_box(SIDE);
        let x = black_box([0.25_f32; 2 * SIDE]);
        let mut scratch = [0.0_f32; Network::scratch_len(&NET, SIDE)];
        let mut y = [0.0_f32; 3 * SIDE];
        ok = net.predict(&x, rows, &mut scratch, &mut y).is_ok();
        black_box(&y);
    }
    ok
}

/// The spiral net's kernels called directly (`inference::predict_static`,
/// the same bits): no `&dyn Activation` dispatch, which links every
/// activation's forward and backward.
pub fn predict_static() -> bool {
    let rows = black_box(SIDE);
    let x = black_box([0.25_f32; 2 * SIDE]);
    let mut hidden = [0.0_f32; 16 * SIDE];
    let mut y = [0.0_f32; 3 * SIDE];
    let params = black_box(&trained::SPIRAL_TRAINED);
    let ok = inference::predict_static(params, &x, rows, &mut hidden, &mut y).is_ok();
    black_box(&y);
    ok
}

/// `Network::predict`'s layer walk dispatching the built-in activations
/// statically (`inference::predict_match`, the same bits).
pub fn predict_match() -> bool {
    let rows = black_box(SIDE);
    let x = black_box([0.25_f32; 2 * SIDE]);
    let mut scratch = [0.0_f32; 2 * 16 * SIDE];
    let mut y = [0.0_f32; 3 * SIDE];
    let params = black_box(&trained::SPIRAL_TRAINED);
    let ok =
        inference::predict_match(black_box(&NET), params, &x, rows, &mut scratch, &mut y).is_ok();
    black_box(&y);
    ok
}
