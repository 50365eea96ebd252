//! The optimizers of VanillaNets: [`Sgd`] and [`Adam`], with the original's
//! defaults and update formulas, over one flat slice of parameters.
//!
//! | type | update | file |
//! |---|---|---|
//! | [`Sgd`] | `m = μ·m − η·g; p += m`, or `p += −η·g` without momentum | `sgd.rs` |
//! | [`Adam`] | bias-corrected `m`, `v`; `p += −η·m̂ / (√v̂ + ε)` | `adam.rs` |
//! | [`Optimizer`] | either, for a model | here |
//!
//! Both follow the original's step: the learning rate of step `t`
//! (counting from 0) is `η_t = η · (1 / (1 + decay · t))`, and every
//! parameter, weights and biases alike, takes the same update. The
//! hyperparameters are `f64`, as the original's Python floats are, and
//! every scalar expression of them (`η_t`, `1 − β`, `1 − βᵗ⁺¹`) is
//! evaluated in `f64` and rounded to `f32` once, where it meets the `f32`
//! arrays, as NumPy does with Python scalars: so the updates are the same
//! bits as VanillaNets' for the same gradients. The constructors check
//! the values the step uses, after that rounding (a learning rate of
//! `1e39` is `inf` in `f32`, an epsilon of `1e-50` is `0`), and are
//! `const fn`s, so an optimizer with its own hyperparameters can be a
//! `const`. The state (momentums,
//! caches) lives in a slice the caller or the model owns, sized by
//! [`Optimizer::state_len`].

mod adam;
mod bias;
mod sgd;

pub use adam::Adam;
pub use sgd::Sgd;

use crate::shape::check_len;
use crate::Error;

/// `η_t = η · (1 / (1 + decay · t))`, the original's `pre_update_lr`.
#[inline]
fn learning_rate_at(learning_rate: f64, decay: f64, step: u64) -> f64 {
    if decay == 0.0 {
        learning_rate
    } else {
        learning_rate * (1.0 / (1.0 + decay * step as f64))
    }
}

/// `Err(InvalidHyperparameter)` naming the first check that failed, in
/// the constructor's argument order (`?` is not `const`, so the
/// constructors list their checks here instead).
const fn require<const N: usize>(checks: [(bool, &'static str); N]) -> Result<(), Error> {
    let mut i = 0;
    while i < N {
        let (ok, name) = checks[i];
        if !ok {
            return Err(Error::InvalidHyperparameter { name });
        }
        i += 1;
    }
    Ok(())
}

/// A rate as the step uses it: `x` and its `f32` rounding finite and
/// `> 0` (a learning rate or epsilon past `f32::MAX` is `inf`, one below
/// half the smallest subnormal is `0`, and either writes NaN).
/// Comparisons only (NaN fails them all), which are `const` on the
/// crate's rust-version.
const fn positive_f32(x: f64) -> bool {
    let y = x as f32;
    y > 0.0 && y <= f32::MAX
}

/// A momentum or beta as the step uses it: in `[0, 1)` in `f64` and after
/// rounding to `f32` (`1 − 2⁻²⁶` rounds to `1`).
const fn unit_f32(x: f64) -> bool {
    x >= 0.0 && x < 1.0 && (x as f32) < 1.0
}

/// A decay: finite and `>= 0` (it stays in `f64`).
const fn decay_ok(x: f64) -> bool {
    x >= 0.0 && x <= f64::MAX
}

/// Either optimizer, as a model holds it.
///
/// ```
/// use vanillanets::optimizers::{Adam, Optimizer, Sgd};
///
/// let adam = Optimizer::from(Adam::default());
/// assert_eq!(adam.state_len(10), 20); // m and v
/// let sgd = Optimizer::from(Sgd::new(0.5, 0.0, 0.0)?);
/// assert_eq!(sgd.state_len(10), 0); // no momentum, no state
///
/// let mut params = [1.0_f32; 2];
/// let mut state = [0.0_f32; 0];
/// sgd.step(0, &[0.5, -1.0], &mut state, &mut params)?;
/// assert_eq!(params, [0.75, 1.5]);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Optimizer {
    /// [`Sgd`].
    Sgd(Sgd),
    /// [`Adam`].
    Adam(Adam),
}

impl Optimizer {
    /// The `f32` elements of state for `parameters` parameters: `0` for SGD
    /// without momentum, `parameters` with it, `2 · parameters` for Adam
    /// (saturating).
    #[must_use]
    pub const fn state_len(&self, parameters: usize) -> usize {
        match self {
            Optimizer::Sgd(s) => s.state_len(parameters),
            Optimizer::Adam(_) => parameters.saturating_mul(2),
        }
    }

    /// The learning rate of step `step` (counting from 0).
    #[must_use]
    pub fn learning_rate(&self, step: u64) -> f64 {
        match self {
            Optimizer::Sgd(s) => s.learning_rate(step),
            Optimizer::Adam(a) => a.learning_rate(step),
        }
    }

    /// One update of `params` from `gradients` at step `step` (counting
    /// from 0; the original's `iterations`), with `state` of
    /// [`state_len`](Self::state_len)`(params.len())` elements, zeros before
    /// the first step.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for `gradients` or `state`; nothing is
    /// written then.
    pub fn step(
        &self,
        step: u64,
        gradients: &[f32],
        state: &mut [f32],
        params: &mut [f32],
    ) -> Result<(), Error> {
        check_len("gradients", params.len(), gradients.len())?;
        check_len("state", self.state_len(params.len()), state.len())?;
        self.step_raw(step, gradients, state, params);
        Ok(())
    }

    /// [`step`](Self::step) on validated slices.
    pub(crate) fn step_raw(&self, step: u64, g: &[f32], state: &mut [f32], p: &mut [f32]) {
        match self {
            Optimizer::Sgd(s) => s.step_raw(step, g, state, p),
            Optimizer::Adam(a) => a.step_raw(step, g, state, p),
        }
    }
}

impl From<Sgd> for Optimizer {
    fn from(s: Sgd) -> Self {
        Optimizer::Sgd(s)
    }
}

impl From<Adam> for Optimizer {
    fn from(a: Adam) -> Self {
        Optimizer::Adam(a)
    }
}
