//! Sigmoid: `1 / (1 + exp(-x))`, for binary-classification outputs.

use super::elementwise::Elementwise;

/// The logistic sigmoid, for binary-classification outputs.
///
/// - forward: `y = 1 / (1 + exp(-x))` with `libm::expf`, evaluated exactly in
///   that order;
/// - backward: `dx = dv · (1 - y) · y`, left to right as VanillaNets 1.0.1's
///   code evaluates `dvalues * (1 - output) * output`, so it gives the same
///   bits from the same output. (Its documentation page prints
///   `dvalues * output * (1 - output)`: equal in exact arithmetic, but 1–2
///   steps apart on about a quarter of the elements in f32.)
///
/// Edge values: `NaN` → `NaN`. For large negative `x`, `exp(-x)` overflows to
/// `+inf` and `y` is exactly `0.0` (below `x ≈ -88.72`); for large positive `x`,
/// `y` is exactly `1.0` (from `x ≈ 16.64`). `±inf` give `1.0` and `0.0`. No
/// finite input gives NaN, and every output is in `[0, 1]`.
///
/// Error bound, measured on all 2³² inputs against an f64 reference
/// (`cargo run --release --example accuracy`): ≤ 2.5 ULP (worst 2.481 at
/// `x = -16.635704`) wherever the result is a normal f32, and ≤ 2.94e-39
/// absolute below `2⁻¹²⁶`, where the result flushes to exactly 0 once
/// `exp(-x)` overflows. The same with the `fast-math` feature.
/// `tests/accuracy.rs` enforces it on 17 million inputs. The backward is
/// three correctly rounded operations.
///
/// ```
/// use vanillanets::activations::{Activation, Sigmoid};
///
/// let mut y = [0.0_f32; 3];
/// Sigmoid.forward(&[0.0, -200.0, 200.0], 1, 3, &mut y)?;
/// assert_eq!(y, [0.5, 0.0, 1.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sigmoid;

impl Elementwise for Sigmoid {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        crate::math::sigmoid(x)
    }

    #[inline(always)]
    fn gradient(&self, y: f32, dv: f32) -> f32 {
        dv * (1.0 - y) * y
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
            -1000.0,
            1000.0,
            f32::NEG_INFINITY,
            f32::INFINITY,
            0.0,
            -0.0,
            -104.0,
        ];
        let mut y = [9.0; 8];
        Sigmoid.forward(&x, 1, 8, &mut y).unwrap();
        assert!(y[0].is_nan());
        // exp(1000) overflows to +inf: 1 / inf is exactly 0, never NaN.
        assert_eq!(y[1].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[2], 1.0);
        assert_eq!(y[3].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[4], 1.0);
        assert_eq!(y[5], 0.5);
        assert_eq!(y[6], 0.5);
        assert_eq!(y[7], 0.0);
    }

    #[test]
    fn hand_checked_values() {
        // f64: 1/(1+e^-1) = 0.7310585786300049, 1/(1+e^2) = 0.11920292202211755
        let mut y = [0.0; 2];
        Sigmoid.forward(&[1.0, -2.0], 2, 1, &mut y).unwrap();
        assert!((f64::from(y[0]) - 0.731_058_578_630_004_9).abs() < 1e-7);
        assert!((f64::from(y[1]) - 0.119_202_922_022_117_55).abs() < 1e-8);
        // backward at y = 0.5, dv = 2: 2 * 0.5 * 0.5 = 0.5
        let mut dx = [0.0; 2];
        Sigmoid
            .backward(&[0.5, 0.758_265_44], &[2.0, 4.240_953], 1, 2, &mut dx)
            .unwrap();
        assert_eq!(dx[0], 0.5);
        // The spec's example: VanillaNets' order gives 0.7773622, the page's
        // order `dv * y * (1 - y)` 0.7773623.
        assert_eq!(dx[1], 0.777_362_2);
        assert_ne!(dx[1], 4.240_953_f32 * 0.758_265_44 * (1.0 - 0.758_265_44));
    }
}
