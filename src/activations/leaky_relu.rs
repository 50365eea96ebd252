//! LeakyReLU: `x` for `x > 0`, `slope · x` otherwise.

use super::elementwise::Elementwise;

/// Leaky rectified linear unit: ReLU with a small slope for negative inputs.
///
/// - forward: `y = x` where `x > 0`, else `y = slope · x`;
/// - backward: `dx = dv` where `x > 0`, else `dx = dv · slope` (the mask is
///   `x <= 0`, so `0.0` and `-0.0` take the slope).
///
/// The slope is `0.1` ([`LeakyReLU::DEFAULT_SLOPE`], hard-coded in the
/// original library); [`LeakyReLU::with_slope`] picks another. The backward
/// reads the forward output, which is `<= 0` exactly where the input is, as
/// long as the slope is finite and `> 0`.
///
/// Edge values: `NaN` → `NaN` and its gradient passes `dv` unchanged;
/// `-0.0` → `-0.0`; `-inf` → `-inf`; `+inf` → `+inf`.
///
/// Error bound: the forward is exact for `x > 0` and one correctly rounded
/// multiplication (≤ 0.5 ULP) otherwise; the same holds for the backward.
///
/// ```
/// use vanillanets::activations::{Activation, LeakyReLU};
///
/// let mut y = [0.0_f32; 3];
/// LeakyReLU::new().forward(&[-2.0, 0.0, 4.0], 1, 3, &mut y)?;
/// assert_eq!(y, [-0.2, 0.0, 4.0]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyReLU {
    slope: f32,
}

impl LeakyReLU {
    /// The slope of the original library: `0.1` (as f32, 0.100000001490116).
    pub const DEFAULT_SLOPE: f32 = 0.1;

    /// LeakyReLU with the default slope `0.1`.
    ///
    /// ```
    /// use vanillanets::activations::LeakyReLU;
    /// assert_eq!(LeakyReLU::new().slope(), 0.1);
    /// ```
    pub const fn new() -> Self {
        Self::with_slope(Self::DEFAULT_SLOPE)
    }

    /// LeakyReLU with another negative-side slope, which should be finite and
    /// `> 0`. Any other slope is computed as written, but then the output no
    /// longer marks the inputs `<= 0` (`0 · -inf` and `inf · 0` are NaN, a
    /// negative slope flips the sign), so the backward from the output
    /// differs from the original's backward from the inputs. For slope 0 use
    /// [`super::ReLU`]. A model or network refuses an
    /// `ActivationKind::LeakyReLU` layer with such a slope
    /// (`Error::InvalidHyperparameter` naming `slope`); a
    /// `Layer::Custom` holding this type is not checked.
    ///
    /// ```
    /// use vanillanets::activations::{Activation, LeakyReLU};
    /// let mut y = [0.0_f32; 1];
    /// LeakyReLU::with_slope(0.25).forward(&[-4.0], 1, 1, &mut y)?;
    /// assert_eq!(y, [-1.0]);
    /// # Ok::<(), vanillanets::Error>(())
    /// ```
    pub const fn with_slope(slope: f32) -> Self {
        Self { slope }
    }

    /// The negative-side slope.
    pub const fn slope(&self) -> f32 {
        self.slope
    }
}

impl Default for LeakyReLU {
    fn default() -> Self {
        Self::new()
    }
}

impl Elementwise for LeakyReLU {
    #[inline(always)]
    fn apply(&self, x: f32) -> f32 {
        let sx = self.slope * x;
        // For 0 < slope <= 1, `x > slope·x` holds where `x > 0` does, except
        // where `slope·x` rounds to `x` itself, which is then the same bits:
        // the same result, and one `maxps` on x86 instead of a compare and
        // three logic operations (SSE2 has no blend). Elsewhere the one
        // loop is smaller.
        if cfg!(any(target_arch = "x86", target_arch = "x86_64"))
            && self.slope > 0.0
            && self.slope <= 1.0
        {
            if x > sx {
                x
            } else {
                sx
            }
        } else if x > 0.0 {
            x
        } else {
            sx
        }
    }

    #[inline(always)]
    fn gradient(&self, y: f32, dv: f32) -> f32 {
        if y <= 0.0 {
            dv * self.slope
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
            -1e-45,
        ];
        let mut y = [9.0; 8];
        LeakyReLU::new().forward(&x, 4, 2, &mut y).unwrap();
        assert!(y[0].is_nan());
        assert_eq!(
            y[1].to_bits(),
            (-0.0_f32).to_bits(),
            "LeakyReLU(-0.0) is -0.0"
        );
        assert_eq!(y[2].to_bits(), 0.0_f32.to_bits());
        assert_eq!(y[3], f32::INFINITY);
        assert_eq!(y[4], f32::NEG_INFINITY);
        // 0.1 in f32 times -1.0, checked against f64: 0.1f32 = 0.100000001490116...
        assert_eq!(y[5], -0.1);
        assert_eq!(y[6], 2.5);
        assert_eq!(y[7].to_bits(), (-0.0_f32).to_bits(), "underflows to -0.0");

        let dv = [2.0_f32; 8];
        let mut dx = [9.0; 8];
        LeakyReLU::new().backward(&y, &dv, 4, 2, &mut dx).unwrap();
        assert_eq!(dx, [2.0, 0.2, 0.2, 2.0, 0.2, 0.2, 2.0, 0.2]);
        let mut from_inputs = [9.0; 8];
        LeakyReLU::new()
            .backward(&x, &dv, 4, 2, &mut from_inputs)
            .unwrap();
        assert_eq!(from_inputs, dx);
    }
}
