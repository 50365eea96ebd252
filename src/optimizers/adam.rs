//! Adam: adaptive moments with bias correction.

use super::bias::one_minus_pow;
use super::{decay_ok, learning_rate_at, positive_f32, require, unit_f32};
use crate::Error;

/// Adam (the original's `Optimizer_Adam`).
///
/// With `η_t` the decayed learning rate of step `t` (counting from 0) and
/// `g` a gradient, per parameter `p`:
///
/// ```text
/// m = β₁·m + (1 − β₁)·g          m̂ = m / (1 − β₁ᵗ⁺¹)
/// v = β₂·v + (1 − β₂)·g·g        v̂ = v / (1 − β₂ᵗ⁺¹)
/// p += (−η_t)·m̂ / (√v̂ + ε)
/// ```
///
/// evaluated in that order, epsilon added after the square root, `m` and
/// `v` starting at 0 and kept in the state slice as all the `m`, then all
/// the `v`. Each scalar (`β₁`, `1 − β₁`, `1 − β₁ᵗ⁺¹`, ..., `−η_t`, `ε`) is
/// computed in `f64` and rounded to `f32` once per step, so the update is
/// the original's bit for bit (`√` is `libm::sqrtf`, correctly rounded, as
/// `np.sqrt`). NaN or infinite gradients propagate into `m`, `v` and `p`.
///
/// ```
/// use vanillanets::optimizers::{Adam, Optimizer};
///
/// let adam = Optimizer::from(Adam::new(0.1, 0.0, 1e-7, 0.9, 0.999)?);
/// let (mut p, mut state) = ([1.0_f32], [0.0_f32; 2]);
/// adam.step(0, &[0.5], &mut state, &mut p)?;
/// // The first step moves by about η whatever the gradient's size.
/// assert!((p[0] - 0.9).abs() < 1e-6);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    learning_rate: f64,
    decay: f64,
    epsilon: f64,
    beta_1: f64,
    beta_2: f64,
}

impl Default for Adam {
    /// [`Adam::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Adam {
    /// The original's defaults: `learning_rate = 0.001`, `decay = 0`,
    /// `epsilon = 1e-7`, `beta_1 = 0.9`, `beta_2 = 0.999`.
    pub const DEFAULT: Self = Self {
        learning_rate: 0.001,
        decay: 0.0,
        epsilon: 1e-7,
        beta_1: 0.9,
        beta_2: 0.999,
    };

    /// Adam with the original's arguments, in its order, checked as the
    /// step uses them (rounded to `f32`). A `const fn`: an optimizer with
    /// its own hyperparameters can be a `const`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming `learning_rate` (not finite
    /// and `> 0`, in `f64` and rounded to `f32`), `decay` (not finite and
    /// `>= 0`), `epsilon` (not finite and `> 0`, in `f64` and rounded to
    /// `f32`: `1e-50` is `0` there, and a zero gradient would give
    /// `0 / 0`), `beta_1` or `beta_2` (not in `[0, 1)`, in `f64` and
    /// rounded to `f32`).
    ///
    /// ```
    /// use vanillanets::optimizers::{Adam, Optimizer};
    /// use vanillanets::Error;
    ///
    /// const ADAM: Optimizer = match Adam::new(0.01, 0.0, 1e-7, 0.9, 0.999) {
    ///     Ok(a) => Optimizer::Adam(a),
    ///     Err(_) => panic!("out of range"), // a build error, not a firmware panic
    /// };
    /// assert_eq!(ADAM.learning_rate(0), 0.01);
    /// let zero_in_f32 = Error::InvalidHyperparameter { name: "epsilon" };
    /// assert_eq!(Adam::new(0.001, 0.0, 1e-50, 0.9, 0.999), Err(zero_in_f32));
    /// ```
    pub const fn new(
        learning_rate: f64,
        decay: f64,
        epsilon: f64,
        beta_1: f64,
        beta_2: f64,
    ) -> Result<Self, Error> {
        if let Err(e) = require([
            (positive_f32(learning_rate), "learning_rate"),
            (decay_ok(decay), "decay"),
            (positive_f32(epsilon), "epsilon"),
            (unit_f32(beta_1), "beta_1"),
            (unit_f32(beta_2), "beta_2"),
        ]) {
            return Err(e);
        }
        Ok(Self {
            learning_rate,
            decay,
            epsilon,
            beta_1,
            beta_2,
        })
    }

    /// The learning rate of step `step`: `η · (1 / (1 + decay · step))`.
    #[must_use]
    pub fn learning_rate(&self, step: u64) -> f64 {
        learning_rate_at(self.learning_rate, self.decay, step)
    }

    /// The update on validated slices (`state` holds `m` then `v`).
    pub(super) fn step_raw(&self, step: u64, g: &[f32], state: &mut [f32], p: &mut [f32]) {
        let t = step.saturating_add(1);
        let neg_lr = (-self.learning_rate(step)) as f32;
        let (b1, c1) = (self.beta_1 as f32, (1.0 - self.beta_1) as f32);
        let (b2, c2) = (self.beta_2 as f32, (1.0 - self.beta_2) as f32);
        // `(1.0 - libm::pow(β, t as f64)) as f32`, the same bits (bias.rs).
        let corr1 = one_minus_pow(self.beta_1, t);
        let corr2 = one_minus_pow(self.beta_2, t);
        let eps = self.epsilon as f32;
        let (m, v) = state.split_at_mut(p.len().min(state.len()));
        for (((p, m), v), &g) in p.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g) {
            *m = b1 * *m + c1 * g;
            *v = b2 * *v + c2 * (g * g);
            let m_hat = *m / corr1;
            let v_hat = *v / corr2;
            *p += neg_lr * m_hat / (libm::sqrtf(v_hat) + eps);
        }
    }
}
