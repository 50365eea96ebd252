//! Linear: the identity, for regression outputs.

use super::elementwise::Elementwise;

/// The identity activation, for regression outputs.
///
/// - forward: `y = x`
/// - backward: `dx = dv`
///
/// Every value passes unchanged, bit for bit: NaN (with its payload), ±0.0 and
/// ±inf. Exact: no rounding at all.
///
/// ```
/// use vanillanets::activations::{Activation, Linear};
///
/// let mut y = [0.0_f32; 3];
/// Linear.forward(&[-1.5, f32::INFINITY, -0.0], 1, 3, &mut y)?;
/// assert_eq!(y[0], -1.5);
/// assert_eq!(y[1], f32::INFINITY);
/// assert!(y[2].is_sign_negative());
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Linear;

impl Elementwise for Linear {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        x
    }

    #[inline(always)]
    fn gradient(&self, _y: f32, dv: f32) -> f32 {
        dv
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activations::Activation;

    #[test]
    fn passes_every_bit_pattern() {
        let x = [
            f32::NAN,
            -0.0,
            0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-45,
            -3.5,
        ];
        let mut y = [0.0; 7];
        Linear.forward(&x, 7, 1, &mut y).unwrap();
        let mut dx = [0.0; 7];
        Linear.backward(&y, &x, 1, 7, &mut dx).unwrap();
        for i in 0..7 {
            assert_eq!(y[i].to_bits(), x[i].to_bits());
            assert_eq!(dx[i].to_bits(), x[i].to_bits());
        }
    }
}
