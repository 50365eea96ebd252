//! ReLU: `maximum(0, x)`, the default hidden-layer activation.

use super::elementwise::Elementwise;

/// Rectified linear unit, the default hidden-layer activation.
///
/// - forward: `y = maximum(0, x)`, bit for bit as NumPy's `np.maximum(0, x)`,
///   which is `if x < 0 { 0 } else { x }`;
/// - backward: `dx = dv`, except `dx = 0` where `x <= 0`.
///
/// The mask is `<= 0`, not `< 0`: an input of exactly `0.0` or `-0.0` gets a
/// zero gradient. The backward reads the forward *output*; `y <= 0` holds at
/// exactly the elements where `x <= 0` does, so the inputs give the same bits.
///
/// Edge values, as NumPy gives them:
/// - `NaN` → `NaN` (unlike [`f32::max`], which would give 0), and in
///   backward `NaN <= 0` is false, so `dv` passes through;
/// - `-0.0` → `-0.0` (`np.maximum` returns its second argument when the two
///   compare equal); `+inf` → `+inf`; `-inf` → `0.0`.
///
/// Exact: no rounding.
///
/// ```
/// use vanillanets::activations::{Activation, ReLU};
///
/// let x = [-2.0_f32, 0.0, 3.0, f32::NAN];
/// let mut y = [0.0; 4];
/// ReLU.forward(&x, 1, 4, &mut y)?;
/// assert_eq!(&y[..3], &[0.0, 0.0, 3.0]);
/// assert!(y[3].is_nan());
///
/// let mut dx = [0.0; 4];
/// ReLU.backward(&y, &[1.0; 4], 1, 4, &mut dx)?;
/// assert_eq!(dx, [0.0, 0.0, 1.0, 1.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReLU;

impl Elementwise for ReLU {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        // NaN and ±0 pass through unchanged, as in `np.maximum(0, x)`.
        if x < 0.0 {
            0.0
        } else {
            x
        }
    }

    #[inline(always)]
    fn gradient(&self, y: f32, dv: f32) -> f32 {
        if y <= 0.0 {
            0.0
        } else {
            dv
        }
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
            -0.0,
            0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -1.0,
            2.5,
            1e-45,
        ];
        let mut y = [9.0; 8];
        ReLU.forward(&x, 2, 4, &mut y).unwrap();
        assert!(y[0].is_nan());
        assert_eq!(
            y[1].to_bits(),
            (-0.0_f32).to_bits(),
            "np.maximum(0, -0.0) is -0.0"
        );
        assert_eq!(y[2].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[3], f32::INFINITY);
        assert_eq!(y[4].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[5].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[6], 2.5);
        assert_eq!(y[7], 1e-45);

        let dv = [3.0_f32; 8];
        let mut from_output = [9.0; 8];
        let mut from_inputs = [9.0; 8];
        ReLU.backward(&y, &dv, 2, 4, &mut from_output).unwrap();
        ReLU.backward(&x, &dv, 2, 4, &mut from_inputs).unwrap();
        // NaN passes dv; 0, -0 and negatives are masked (<= 0).
        assert_eq!(from_output, [3.0, 0.0, 0.0, 3.0, 0.0, 0.0, 3.0, 3.0]);
        assert_eq!(from_inputs, from_output);
    }
}
