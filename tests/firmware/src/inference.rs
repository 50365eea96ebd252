//! Deployment: the spiral net's trained parameters as a `const` array in
//! flash (`trained.rs`, exported from the host's training), run with
//! `Network::predict` on a 16 × 16 grid over `[-1, 1]²`. Every prediction
//! is written as `f32` bits in hex, so that `scripts/firmware.sh` can
//! require the device's predictions to be the host's, bit for bit
//! (`tests/firmware_training.rs`), and each grid row's classes as digits
//! (the decision regions of the three arms).
//!
//! `no_std`, allocation-free, compiled into the inference firmware
//! (`src/bin/infer.rs`) and, through `#[path]`, into the host test.

use core::fmt::{self, Write};
use vanillanets::activations::Activation;
use vanillanets::activations::ActivationKind::{ReLU, Softmax};
use vanillanets::layers::{Dense, Layer};
use vanillanets::model::Network;
use vanillanets::Error;

/// The spiral net of `training.rs` (the host test checks they agree).
pub const NET: [Layer<'static>; 4] = [
    Layer::Dense(Dense::new(2, 16)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(16, 3)),
    Layer::Activation(Softmax),
];
/// Grid points per side.
pub const SIDE: usize = 16;
/// Outputs per sample.
const CLASSES: usize = 3;

/// Grid coordinate `i` of `0..SIDE`: `(2i − 15) / 16`, exact in `f32`.
pub fn coordinate(i: usize) -> f32 {
    (2.0 * i as f32 - (SIDE - 1) as f32) / SIDE as f32
}

/// The `SIDE` points of grid row `row`: `x` runs along the row, `y` is
/// the row's.
pub fn grid_row(row: usize) -> [f32; 2 * SIDE] {
    let mut x = [0.0; 2 * SIDE];
    for (i, p) in x.chunks_exact_mut(2).enumerate() {
        p[0] = coordinate(i);
        p[1] = coordinate(row);
    }
    x
}

/// Predicts the grid with `params` and writes, per row, the classes and
/// the bits of the `SIDE × 3` probabilities.
pub fn run(out: &mut impl Write, params: &[f32]) -> fmt::Result {
    let net = match Network::new(&NET, params) {
        Ok(n) => n,
        Err(e) => return writeln!(out, "network: err {e:?}"),
    };
    let mut scratch = [0.0_f32; Network::scratch_len(&NET, SIDE)];
    let mut y = [0.0_f32; SIDE * CLASSES];
    for row in 0..SIDE {
        if let Err(e) = net.predict(&grid_row(row), SIDE, &mut scratch, &mut y) {
            return writeln!(out, "predict: err {e:?}");
        }
        write!(out, "row {row:2}: ")?;
        for p in y.chunks_exact(CLASSES) {
            let class = (1..CLASSES).fold(0, |best, c| if p[c] > p[best] { c } else { best });
            write!(out, "{class}")?;
        }
        for v in y {
            // A NaN would be a failure either way: its bits are printed as
            // they are.
            write!(out, " {:08x}", v.to_bits())?;
        }
        out.write_char('\n')?;
    }
    writeln!(out, "inference done")
}

/// What [`Network::predict`] computes for [`NET`], with the kernels
/// called directly (static dispatch, no `&dyn Activation`): the same bits
/// (the host test checks it). `src/bin/infer_size_static.rs` measures its
/// flash beside `Network::predict`'s.
pub fn predict_static(
    params: &[f32],
    x: &[f32],
    rows: usize,
    hidden: &mut [f32],
    y: &mut [f32],
) -> Result<(), Error> {
    let (d1, d2) = (Dense::new(2, 16), Dense::new(16, 3));
    let (w1, rest) = params.split_at(32.min(params.len()));
    let (b1, rest) = rest.split_at(16.min(rest.len()));
    let (w2, b2) = rest.split_at(48.min(rest.len()));
    d1.forward(x, w1, b1, rows, hidden)?;
    vanillanets::activations::ReLU.forward_in_place(rows, 16, hidden)?;
    d2.forward(hidden, w2, b2, rows, y)?;
    vanillanets::activations::Softmax.forward_in_place(rows, 3, y)
}

/// [`Network::predict`]'s walk over any layer list, with one change: a
/// built-in activation runs through `ActivationKind`'s own methods (a
/// `match`, static dispatch) instead of a `&dyn Activation`, whose vtable
/// links every activation's backward too. The same bits (the host test
/// checks it); `src/bin/infer_size_match.rs` measures its flash. (Custom
/// activations are left out of this sketch.)
pub fn predict_match(
    layers: &[Layer<'_>],
    params: &[f32],
    x: &[f32],
    rows: usize,
    scratch: &mut [f32],
    y: &mut [f32],
) -> Result<(), Error> {
    let half = scratch.len() / 2;
    let (mut current, mut other) = scratch.split_at_mut(half);
    let mut width = 0;
    let mut fresh = true;
    let mut params = params;
    for layer in layers {
        match layer {
            Layer::Dense(d) => {
                let (w, after) = params.split_at((d.inputs() * d.outputs()).min(params.len()));
                let (b, after) = after.split_at(d.outputs().min(after.len()));
                params = after;
                let input = if fresh {
                    x
                } else {
                    current.get(..rows * width).ok_or(Error::NoDenseLayer)?
                };
                let out = other
                    .get_mut(..rows * d.outputs())
                    .ok_or(Error::NoDenseLayer)?;
                d.forward(input, w, b, rows, out)?;
                core::mem::swap(&mut current, &mut other);
                width = d.outputs();
                fresh = false;
            }
            Layer::Activation(kind) => {
                let values = current.get_mut(..rows * width).ok_or(Error::NoDenseLayer)?;
                kind.forward_in_place(rows, width, values)?;
            }
            Layer::Custom(_) => return Err(Error::NoDenseLayer),
        }
    }
    for (o, &v) in y.iter_mut().zip(current.iter()) {
        *o = v;
    }
    Ok(())
}
