//! The network both binaries run, and the data it learns: the classic
//! three-arm spiral, generated on the device.

use vanillanets::activations::ActivationKind::{ReLU, Softmax};
use vanillanets::layers::{Dense, Layer};
use vanillanets::model::Network;
use vanillanets::random::{Pcg32, Rng};

/// 2 inputs (a point) → 16 ReLU → 3 Softmax (the probability of each arm).
pub const NET: [Layer; 4] = [
    Layer::Dense(Dense::new(2, 16)),
    Layer::Activation(ReLU),
    Layer::Dense(Dense::new(16, 3)),
    Layer::Activation(Softmax),
];
/// Its weights and biases: (2 + 1) · 16 + (16 + 1) · 3 = 99 floats.
pub const PARAMETERS: usize = Network::parameter_len(&NET);

/// The classes: the spiral's arms.
pub const CLASSES: usize = 3;

/// Fills `x` (`y.len()` rows of 2) with points of a three-arm spiral and
/// `y` with their arms; `seed` picks the points. Arm `c` holds the points
/// `r · (sin t, cos t)` with `t = 4c + 4r` plus noise, `r` uniform in
/// `[0, 1)`.
pub fn spiral(seed: u64, x: &mut [f32], y: &mut [usize]) {
    let mut rng = Pcg32::new(seed);
    for (i, (point, class)) in x.chunks_exact_mut(2).zip(y.iter_mut()).enumerate() {
        let arm = i % CLASSES;
        let r = rng.next_f64() as f32;
        let noise = 0.4 * (rng.next_f64() as f32 - 0.5);
        let t = 4.0 * arm as f32 + 4.0 * r + noise;
        point[0] = r * libm::sinf(t);
        point[1] = r * libm::cosf(t);
        *class = arm;
    }
}

/// The class with the highest probability in `probabilities`.
pub fn class_of(probabilities: &[f32]) -> usize {
    let mut best = 0;
    for (i, &p) in probabilities.iter().enumerate() {
        if p > probabilities[best] {
            best = i;
        }
    }
    best
}
