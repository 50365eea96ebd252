//! The fixed test suite that runs on the microcontroller and on the host.
//!
//! Every result is written as f32 bit patterns in hex, one line per kernel
//! call, so `scripts/firmware.sh` can diff the firmware's semihosting output
//! against the host's (`tests/firmware_parity.rs`) bit for bit. The inputs
//! include the spec's edge values: NaN, ±0.0, ±inf, exp overflow, the clip
//! boundary and the Softmax edge rows. Large sweeps are reported as an
//! FNV-1a hash of their bits.
//!
//! A NaN is written as `nan`, whatever its sign and payload: IEEE 754 leaves
//! those unspecified, and they do differ here. Hardware FPUs (x86 SSE, the
//! Cortex-M4F) propagate the operand NaN, so `sigmoid(NaN)` comes out as the
//! negated input `0xffc00000`, while the soft-float routines that
//! `compiler_builtins` uses on the Cortex-M3 and M0 return the canonical
//! `0x7fc00000`. Everything else, NaN-ness included, must match bit for bit.
//!
//! This file is `no_std` and allocation-free; it is compiled into the
//! firmware and, through `#[path]`, into a host integration test.

use core::fmt::{self, Write};
use vanillanets::activations::{
    Activation, ActivationKind, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy,
};
use vanillanets::{math, ActivationBuffer, Error, LossBuffer};

const NAN: f32 = f32::NAN;
const INF: f32 = f32::INFINITY;

/// Element-wise inputs: NaN, ±0, ±inf, exp overflow on both sides of
/// Sigmoid's zero point, Tanh's saturation, subnormals, ordinary values.
pub const X: [f32; 24] = [
    NAN, -0.0, 0.0, INF, -INF, -1000.0, 1000.0, -88.8, -88.7, -103.9, 16.7, 9.1, -9.1, 1e-45,
    -1e-45, 1e-7, 0.5, -2.5, 3.0, -0.1, 0.75, 20.0, -20.0, 88.7,
];

/// Upstream gradients for the element-wise backward.
pub const DV: [f32; 24] = [
    1.0, 2.0, -3.0, 0.5, -0.25, 1.5, 7.0, -1.0, 0.1, 3.0, -2.0, 0.3, 1.0, 4.0, -4.0, 1e-3, 1.0,
    -1.0, 2.5, NAN, INF, -0.0, 0.0, 1.0,
];

/// Softmax rows (6 × 3): the spec's `[1000, 1001, 1002]`, an all `-inf`
/// row, a `+inf` row, a NaN row, a row with `-inf` beside a finite max, an
/// ordinary row.
pub const ROWS: [f32; 18] = [
    1000.0, 1001.0, 1002.0, -INF, -INF, -INF, INF, 0.0, 1.0, NAN, 0.0, 1.0, -INF, 0.0, -INF, 0.5,
    -2.5, 3.0,
];

/// Upstream gradients for the Softmax backward (6 × 3).
pub const ROWS_DV: [f32; 18] = [
    1.0, -1.0, 0.5, 1.0, 1.0, 1.0, 0.0, 1.0, 2.0, 1.0, 2.0, 3.0, -1.0, 0.25, 3.0, 0.1, -0.2, 0.3,
];

/// Probabilities for the losses (4 × 3), with the clip boundary: 0, 1e-7,
/// the f32 `1 - 1e-7`, 1, and a NaN.
pub const P: [f32; 12] = [
    0.0,
    1e-7,
    vanillanets::losses::CLIP_MAX,
    1.0,
    0.5,
    0.25,
    0.7,
    0.2,
    0.1,
    NAN,
    0.3,
    0.6,
];
/// Binary / regression targets for `P`.
pub const Y: [f32; 12] = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0];
/// Class labels for `P` and their one-hot rows (row 3's one-hot has a tie,
/// first maximum wins).
pub const CLASSES: [usize; 4] = [0, 1, 0, 1];
/// One-hot rows for `CLASSES`.
pub const ONE_HOT: [f32; 12] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0];

/// The bits of `v`, with every NaN folded into the canonical quiet NaN.
fn bits(v: f32) -> u32 {
    if v.is_nan() {
        0x7fc0_0000
    } else {
        v.to_bits()
    }
}

fn line(out: &mut impl Write, name: &str, values: &[f32]) -> fmt::Result {
    write!(out, "{name}:")?;
    for &v in values {
        if v.is_nan() {
            out.write_str(" nan")?;
        } else {
            write!(out, " {:08x}", bits(v))?;
        }
    }
    out.write_char('\n')
}

fn status(out: &mut impl Write, name: &str, r: Result<(), Error>) -> fmt::Result {
    match r {
        Ok(()) => writeln!(out, "{name}: ok"),
        // `usize::MAX` differs between the host and the target.
        Err(Error::ShapeOverflow { .. }) => writeln!(out, "{name}: err ShapeOverflow"),
        Err(e) => writeln!(out, "{name}: err {e:?}"),
    }
}

/// FNV-1a over the bits of `values`.
fn fnv(values: impl Iterator<Item = f32>) -> u32 {
    values.fold(0x811c_9dc5, |h, v| {
        bits(v)
            .to_le_bytes()
            .iter()
            .fold(h, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
    })
}

/// A deterministic sweep of `n` inputs over `[-lo, lo]` plus bit-pattern
/// walks, for hashing a scalar function.
fn sweep(n: u32, lo: f32) -> impl Iterator<Item = f32> {
    let even = (0..n).map(move |i| -lo + 2.0 * lo * (i as f32) / (n as f32));
    let bits = (0..n).map(|i| f32::from_bits(i.wrapping_mul(0x9E37_79B9)));
    even.chain(bits)
}

fn activation<A: Activation>(out: &mut impl Write, name: &str, a: &A) -> fmt::Result {
    let mut y = [0.0; 24];
    status(out, name, a.forward(&X, 4, 6, &mut y))?;
    line(out, name, &y)?;
    let mut v = X;
    status(out, name, a.forward_in_place(4, 6, &mut v))?;
    line(out, name, &v)?;
    let mut dx = [0.0; 24];
    status(out, name, a.backward(&y, &DV, 4, 6, &mut dx))?;
    line(out, name, &dx)?;
    let mut g = DV;
    status(out, name, a.backward_in_place(&y, 4, 6, &mut g))?;
    line(out, name, &g)?;
    // and the errors: a short output, an overflowing shape
    status(out, name, a.forward(&X, 4, 6, &mut y[..23]))?;
    status(out, name, a.forward(&X, usize::MAX, 2, &mut y))
}

fn softmax(out: &mut impl Write) -> fmt::Result {
    let mut y = [0.0; 18];
    status(out, "softmax", Softmax.forward(&ROWS, 6, 3, &mut y))?;
    line(out, "softmax", &y)?;
    let mut v = ROWS;
    status(out, "softmax", Softmax.forward_in_place(6, 3, &mut v))?;
    line(out, "softmax", &v)?;
    let mut dx = [0.0; 18];
    status(
        out,
        "softmax",
        Softmax.backward(&y, &ROWS_DV, 6, 3, &mut dx),
    )?;
    line(out, "softmax", &dx)?;
    let mut g = ROWS_DV;
    status(out, "softmax", Softmax.backward_in_place(&y, 6, 3, &mut g))?;
    line(out, "softmax", &g)?;
    status(out, "softmax", Softmax.forward(&[], 2, 0, &mut []))?;
    // a wider batch: 8 rows of 16 from the element-wise inputs' sweep
    let mut wide = [0.0_f32; 128];
    for (w, x) in wide.iter_mut().zip(sweep(64, 30.0)) {
        *w = x;
    }
    status(
        out,
        "softmax 8x16",
        Softmax.forward_in_place(8, 16, &mut wide),
    )?;
    writeln!(out, "softmax 8x16 hash: {:08x}", fnv(wide.iter().copied()))
}

fn losses(out: &mut impl Write) -> fmt::Result {
    let mut l = [0.0; 4];
    let mut dx = [0.0; 12];

    status(out, "bce", BinaryCrossEntropy.forward(&P, &Y, 4, 3, &mut l))?;
    line(out, "bce", &l)?;
    let mean = BinaryCrossEntropy.calculate(&P[..9], &Y[..9], 3, 3);
    line(out, "bce mean", &[mean.unwrap_or(-1.0)])?;
    status(
        out,
        "bce",
        BinaryCrossEntropy.backward(&P, &Y, 4, 3, &mut dx),
    )?;
    line(out, "bce", &dx)?;

    status(out, "mse", MeanSquaredError.forward(&P, &Y, 4, 3, &mut l))?;
    line(out, "mse", &l)?;
    let mean = MeanSquaredError.calculate(&P, &Y, 4, 3);
    line(out, "mse mean", &[mean.unwrap_or(-1.0)])?;
    status(out, "mse", MeanSquaredError.backward(&P, &Y, 4, 3, &mut dx))?;
    line(out, "mse", &dx)?;

    for (name, labels) in [
        ("cce classes", Labels::Classes(&CLASSES)),
        ("cce one-hot", Labels::OneHot(&ONE_HOT)),
    ] {
        status(
            out,
            name,
            CategoricalCrossEntropy.forward(&P, labels, 4, 3, &mut l),
        )?;
        line(out, name, &l)?;
        let mean = CategoricalCrossEntropy.calculate(&P, labels, 4, 3);
        line(out, name, &[mean.unwrap_or(-1.0)])?;
        status(
            out,
            name,
            CategoricalCrossEntropy.backward(&P, labels, 4, 3, &mut dx),
        )?;
        line(out, name, &dx)?;
        status(
            out,
            name,
            SoftmaxCrossEntropy.backward(&P, labels, 4, 3, &mut dx),
        )?;
        line(out, name, &dx)?;
        let mut v = P;
        status(
            out,
            name,
            SoftmaxCrossEntropy.backward_in_place(labels, 4, 3, &mut v),
        )?;
        line(out, name, &v)?;
    }
    let mut p = [0.0; 18];
    let labels = Labels::Classes(&[2, 0, 1, 2, 1, 0]);
    let mean = SoftmaxCrossEntropy.forward_logits(&ROWS, labels, 6, 3, &mut p);
    line(out, "fused forward", &[mean.unwrap_or(-1.0)])?;
    line(out, "fused forward", &p)?;
    status(
        out,
        "cce bad label",
        CategoricalCrossEntropy.backward(&P, Labels::Classes(&[0, 3, 0, 0]), 4, 3, &mut dx),
    )?;
    status(
        out,
        "mse empty mean",
        MeanSquaredError.calculate(&[], &[], 0, 3).map(|_| ()),
    )
}

fn buffers(out: &mut impl Write) -> fmt::Result {
    let mut layer: ActivationBuffer<ActivationKind, 24> =
        ActivationBuffer::new(ActivationKind::LeakyReLU { slope: 0.1 });
    status(out, "buffer", layer.backward(&DV).map(|_| ()))?;
    status(out, "buffer", layer.forward(&X, 4, 6).map(|_| ()))?;
    line(out, "buffer", layer.output())?;
    status(out, "buffer", layer.backward(&DV).map(|_| ()))?;
    line(out, "buffer", layer.dinputs().unwrap_or(&[]))?;
    status(out, "buffer", layer.forward(&[0.0; 25], 5, 5).map(|_| ()))?;

    let mut loss: LossBuffer<SoftmaxCrossEntropy, 12> = LossBuffer::new(SoftmaxCrossEntropy);
    status(
        out,
        "loss buffer",
        loss.backward(&P, Labels::Classes(&CLASSES), 4, 3)
            .map(|_| ()),
    )?;
    line(out, "loss buffer", loss.dinputs().unwrap_or(&[]))
}

fn scalars(out: &mut impl Write) -> fmt::Result {
    line(out, "exp", &X.map(math::exp))?;
    line(out, "sigmoid", &X.map(math::sigmoid))?;
    line(out, "tanh", &X.map(math::tanh))?;
    writeln!(
        out,
        "exp hash: {:08x}",
        fnv(sweep(2048, 100.0).map(math::exp))
    )?;
    writeln!(
        out,
        "sigmoid hash: {:08x}",
        fnv(sweep(2048, 100.0).map(math::sigmoid))
    )?;
    writeln!(
        out,
        "tanh hash: {:08x}",
        fnv(sweep(2048, 12.0).map(math::tanh))
    )?;
    // Pairwise sums around each branch of the tree (8, 128, halving).
    let mut v = [0.0_f32; 1000];
    for (i, v) in v.iter_mut().enumerate() {
        *v = ((i * 7919) % 1000) as f32 / 37.0 - 13.0;
    }
    let sums = [7, 8, 9, 127, 128, 129, 999, 1000].map(|n| math::sum(&v[..n]));
    line(out, "sum", &sums)
}

/// Runs the whole suite, writing one line per result.
pub fn run(out: &mut impl Write) -> fmt::Result {
    activation(out, "linear", &Linear)?;
    activation(out, "relu", &ReLU)?;
    activation(out, "leaky_relu", &LeakyReLU::new())?;
    activation(out, "leaky_relu 0.25", &LeakyReLU::with_slope(0.25))?;
    activation(out, "sigmoid", &Sigmoid)?;
    activation(out, "tanh", &Tanh)?;
    activation(out, "kind softmax", &ActivationKind::Softmax)?;
    softmax(out)?;
    losses(out)?;
    buffers(out)?;
    scalars(out)?;
    writeln!(out, "suite done")
}
