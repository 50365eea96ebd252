//! Stochastic gradient descent, with optional momentum and decay.

use super::{decay_ok, learning_rate_at, positive_f32, require, unit_f32};
use crate::Error;

/// Stochastic gradient descent (the original's `Optimizer_SGD`).
///
/// With `η_t` the decayed learning rate of step `t` (see
/// [`crate::optimizers`]) and `g` a gradient, per parameter `p`:
/// - momentum `μ > 0`: `u = μ·m − η_t·g`, `m = u`, `p += u` (`m` starts at 0);
/// - no momentum: `p += (−η_t)·g`.
///
/// `μ`, `η_t` and `−η_t` are rounded to `f32` once per step, so the
/// update is the original's, bit for bit. A NaN or infinite gradient makes
/// its parameter (and momentum) NaN or infinite, as in NumPy.
///
/// ```
/// use vanillanets::optimizers::{Optimizer, Sgd};
///
/// let sgd = Optimizer::from(Sgd::new(0.1, 0.0, 0.9)?);
/// let (mut p, mut m) = ([1.0_f32], [0.0_f32]);
/// sgd.step(0, &[1.0], &mut m, &mut p)?; // u = -0.1
/// sgd.step(1, &[1.0], &mut m, &mut p)?; // u = 0.9·(-0.1) - 0.1
/// assert!((p[0] - (1.0 - 0.1 - 0.19)).abs() < 1e-6);
/// assert_eq!(Sgd::new(0.0, 0.0, 0.0), Err(vanillanets::Error::InvalidHyperparameter { name: "learning_rate" }));
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    learning_rate: f64,
    decay: f64,
    momentum: f64,
    /// `momentum > 0`: the optimizer keeps a momentum per parameter.
    stateful: bool,
}

impl Default for Sgd {
    /// [`Sgd::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Sgd {
    /// The original's defaults: `learning_rate = 1.0`, `decay = 0`,
    /// `momentum = 0`.
    pub const DEFAULT: Self = Self {
        learning_rate: 1.0,
        decay: 0.0,
        momentum: 0.0,
        stateful: false,
    };

    /// SGD with the original's arguments, in its order, checked as the
    /// step uses them (rounded to `f32`). A `const fn`: an optimizer with
    /// its own hyperparameters can be a `const`.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming `learning_rate` (not finite
    /// and `> 0`, in `f64` and rounded to `f32`: `1e39` is `inf` there,
    /// `1e-50` is `0`), `decay` (not finite and `>= 0`) or `momentum` (not
    /// in `[0, 1)`, in `f64` and rounded to `f32`).
    ///
    /// ```
    /// use vanillanets::optimizers::{Optimizer, Sgd};
    /// use vanillanets::Error;
    ///
    /// const SGD: Optimizer = match Sgd::new(0.05, 0.0, 0.9) {
    ///     Ok(s) => Optimizer::Sgd(s),
    ///     Err(_) => panic!("out of range"), // a build error, not a firmware panic
    /// };
    /// assert_eq!(SGD.learning_rate(0), 0.05);
    /// let too_large = Error::InvalidHyperparameter { name: "learning_rate" };
    /// assert_eq!(Sgd::new(1e39, 0.0, 0.0), Err(too_large));
    /// ```
    pub const fn new(learning_rate: f64, decay: f64, momentum: f64) -> Result<Self, Error> {
        if let Err(e) = require([
            (positive_f32(learning_rate), "learning_rate"),
            (decay_ok(decay), "decay"),
            (unit_f32(momentum), "momentum"),
        ]) {
            return Err(e);
        }
        Ok(Self {
            learning_rate,
            decay,
            momentum,
            stateful: momentum > 0.0,
        })
    }

    /// The state this optimizer keeps for `parameters` parameters: one
    /// momentum each when `momentum > 0`, else none.
    #[must_use]
    pub const fn state_len(&self, parameters: usize) -> usize {
        if self.stateful {
            parameters
        } else {
            0
        }
    }

    /// The learning rate of step `step`: `η · (1 / (1 + decay · step))`.
    #[must_use]
    pub fn learning_rate(&self, step: u64) -> f64 {
        learning_rate_at(self.learning_rate, self.decay, step)
    }

    /// The update on validated slices (`m.len()` is
    /// [`state_len`](Self::state_len)).
    pub(super) fn step_raw(&self, step: u64, g: &[f32], m: &mut [f32], p: &mut [f32]) {
        let lr = self.learning_rate(step);
        if !self.stateful {
            let neg_lr = (-lr) as f32;
            for (p, &g) in p.iter_mut().zip(g) {
                *p += neg_lr * g;
            }
        } else {
            let (mu, lr) = (self.momentum as f32, lr as f32);
            for ((p, m), &g) in p.iter_mut().zip(m.iter_mut()).zip(g) {
                let u = mu * *m - lr * g;
                *m = u;
                *p += u;
            }
        }
    }
}
