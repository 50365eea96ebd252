//! Tanh: the hyperbolic tangent, zero-centred.

use super::elementwise::Elementwise;

/// The hyperbolic tangent, a zero-centred activation.
///
/// - forward: `y = tanh(x)` with `libm::tanhf`, a real `tanh`, never
///   `(eˣ - e⁻ˣ)/(eˣ + e⁻ˣ)`, which is NaN once both terms overflow;
/// - backward: `dx = dv · (1 - y · y)`.
///
/// Edge values: `NaN` → `NaN`; `±inf` → `±1`; `±0.0` keep their sign; past
/// `|x| ≈ 9.01` the result is exactly `±1`. Every output is in `[-1, 1]`.
///
/// Error bound, measured on all 2³² inputs against an f64 reference
/// (`cargo run --release --example accuracy`): ≤ 2.2 ULP (worst 2.189 at
/// `x = 0.23329562`), ≤ 1.99 ULP with the `fast-math` feature.
/// `tests/accuracy.rs` enforces it on 17 million inputs.
///
/// ```
/// use vanillanets::activations::{Activation, Tanh};
///
/// let mut y = [0.0_f32; 3];
/// Tanh.forward(&[0.0, 1000.0, f32::NEG_INFINITY], 3, 1, &mut y)?;
/// assert_eq!(y, [0.0, 1.0, -1.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tanh;

impl Elementwise for Tanh {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        crate::math::tanh(x)
    }

    #[inline(always)]
    fn gradient(&self, y: f32, dv: f32) -> f32 {
        dv * (1.0 - y * y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activations::Activation;

    #[test]
    fn spec_edge_values() {
        let x = [
            f32::NAN,
            1000.0,
            -1000.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
            20.0,
        ];
        let mut y = [9.0; 8];
        Tanh.forward(&x, 1, 8, &mut y).unwrap();
        assert!(y[0].is_nan());
        assert_eq!(&y[1..5], &[1.0, -1.0, 1.0, -1.0]);
        assert_eq!(y[5].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[6].to_bits(), (-0.0_f32).to_bits());
        assert_eq!(y[7], 1.0);
    }

    #[test]
    fn hand_checked_values() {
        // f64: tanh(0.5) = 0.46211715726000974
        let mut y = [0.0; 1];
        Tanh.forward(&[0.5], 1, 1, &mut y).unwrap();
        assert!((f64::from(y[0]) - 0.462_117_157_260_009_74).abs() < 6e-8);
        // backward at y = 0.5, dv = 4: 4 * (1 - 0.25) = 3
        let mut g = [4.0_f32];
        Tanh.backward_in_place(&[0.5], 1, 1, &mut g).unwrap();
        assert_eq!(g, [3.0]);
    }
}
