//! The original `vanillanets.metrics.R2Score`, streaming.

use super::residuals::{mean, sum_squares, validate};
use crate::math::{sum, sum_of};
use crate::Error;

/// The coefficient of determination over every element,
/// `1 - ss_res / (ss_tot + 1e-7)` with `ss_res = Σ (y - p)²` and
/// `ss_tot = Σ (y - mean(y))²`: the original's `R2Score`, accumulated over
/// any number of [`update`](Self::update) calls. `1` is a perfect fit; a
/// constant target gives `1 - ss_res / 1e-7`, a large negative number.
///
/// [`value`](Self::value) is computed in `f32`, like the original's
/// `float32`, from `ss_res` and `ss_tot` rounded to `f32`, with `1e-7` as
/// `f32` (`1.00000001e-7`).
///
/// # Streaming, and its difference from the original
///
/// The original makes two passes over all the targets in `float32`: their
/// mean `m̂`, then `Σ (y - m̂)²`, summed pairwise. A stream cannot see the
/// mean before the data, so each call makes those two passes over its own
/// rows (the original's computation on that chunk, bit for bit) and the
/// chunks are merged in `f64`:
///
/// - `ss_res`: the calls' `f32` pairwise sums, added in `f64`.
/// - `ss_tot`: each call's `(n, mean, M2)` by the *corrected* two-pass
///   formula of Chan, Golub and LeVeque, `mean = m̂ + F/n` and
///   `M2 = Σ (y - m̂)² - F²/n` with `F = Σ (y - m̂)` (all three sums `f32`
///   pairwise), merged into the running `(n, mean, M2)` by Chan et al.'s
///   pairwise update in `f64`: `δ = mean_b - mean_a`,
///   `M2 = M2_a + M2_b + δ² n_a n_b / n`.
///
/// **With a single call** `ss_tot` is the original's uncorrected
/// `Σ (y - m̂)²` and the result has the original's bits.
///
/// **With `k` calls** of at most `c` elements each (`N` in all), with
/// `u = 2⁻²⁴`, `m = m(c) = 25 + max(0, ⌈log₂(c/128)⌉)` (the additions an
/// element goes through in [`crate::math::sum`]), `T = Σ (y - ȳ)²` the exact
/// value and `κ = |ȳ| / σ` (`σ² = T / N`) the targets' condition, to first
/// order in `u`:
///
/// - `|ss_res - S| ≤ (m·u + k·2⁻⁵³)·S` (`S`: the exact sum of the same
///   `f32` squares), against `m(N)·u·S` for the original;
/// - `|ss_tot - T| ≤ ((2m + 5)·u + (4κ + 5)·k·2⁻⁵³)·T`, against the
///   original's `(m(N) + 3)·u·T + (m(N) + 1)²·u²·κ²·T`: the original's
///   rounded mean enters squared, which dominates once `κ` passes about
///   `1/(m·u)`; the correction removes that term, so for far-from-zero
///   targets the chunked `ss_tot` is the more accurate one.
///
/// A `ss_tot` that is negative by rounding (a constant chunk) is taken as
/// `0`. Then `R2` follows from these through three `f32` operations.
///
/// NaN in the targets or predictions gives NaN; an infinite prediction
/// gives `-inf` (NaN with an infinite target), as in the original. Sums that
/// overflow `f32` in the original may stay finite here when no single call's
/// sum overflows.
///
/// ```
/// use vanillanets::metrics::R2Score;
///
/// let y = [1.0_f32, 2.0, 3.0, 4.0];
/// let p = [1.0_f32, 2.0, 3.0, 5.0];
/// let mut r2 = R2Score::new();
/// r2.update(&p[..2], &y[..2], 2, 1)?;
/// r2.update(&p[2..], &y[2..], 2, 1)?;
/// assert_eq!(r2.ss_res(), 1.0);
/// assert_eq!(r2.ss_tot(), 5.0); // mean 2.5
/// assert_eq!(r2.value(), Some(1.0 - 1.0 / (5.0 + 1e-7_f32))); // 0.8
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct R2Score {
    elements: u64,
    /// `Σ (y - p)²`.
    ss_res: f64,
    /// The corrected mean of the targets so far.
    mean: f64,
    /// The corrected `Σ (y - mean)²` so far.
    m2: f64,
    /// The first call's uncorrected `Σ (y - m̂)²`: the original's `ss_tot`
    /// while there has been only one call.
    single_ss_tot: f32,
    /// Whether a second non-empty call has been merged.
    merged: bool,
}

impl R2Score {
    /// No elements yet; usable in a `static`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            elements: 0,
            ss_res: 0.0,
            mean: 0.0,
            m2: 0.0,
            single_ss_tot: 0.0,
            merged: false,
        }
    }

    /// Adds a `rows × cols` batch (`predictions` and `targets` both
    /// `rows × cols`, every element counted). `rows == 0` changes nothing.
    ///
    /// # Errors
    /// [`Error::EmptyShape`] for `cols == 0`, [`Error::ShapeOverflow`], and
    /// [`Error::LengthMismatch`] for `predictions` or `targets`, checked
    /// before anything changes.
    pub fn update(
        &mut self,
        predictions: &[f32],
        targets: &[f32],
        rows: usize,
        cols: usize,
    ) -> Result<(), Error> {
        let n = validate(predictions, targets, rows, cols)?;
        if n == 0 {
            return Ok(());
        }
        let ss_res = sum_squares(predictions, targets);
        // The original's two passes, on this chunk.
        let m = mean(f64::from(sum(targets)), n as u64);
        let ss_tot = sum_of(
            n,
            targets.iter().map(|&y| {
                let d = y - m;
                d * d
            }),
        );
        // The correction: F = Σ (y - m̂).
        let first = f64::from(sum_of(n, targets.iter().map(|&y| y - m)));
        let count = n as f64;
        let chunk_mean = f64::from(m) + first / count;
        let chunk_m2 = f64::from(ss_tot) - first * first / count;
        // Not `max`, which would turn NaN into 0.
        let chunk_m2 = if chunk_m2 < 0.0 { 0.0 } else { chunk_m2 };

        if self.elements == 0 {
            self.mean = chunk_mean;
            self.m2 = chunk_m2;
            self.single_ss_tot = ss_tot;
        } else {
            let before = self.elements as f64;
            let total = before + count;
            let delta = chunk_mean - self.mean;
            self.mean += delta * (count / total);
            self.m2 += chunk_m2 + delta * delta * (before * count / total);
            self.merged = true;
        }
        self.ss_res += f64::from(ss_res);
        self.elements = self.elements.saturating_add(n as u64);
        Ok(())
    }

    /// `1 - ss_res / (ss_tot + 1e-7)` in `f32`, from
    /// [`ss_res`](Self::ss_res) and [`ss_tot`](Self::ss_tot) rounded to
    /// `f32`; `None` before the first element (the original gives NaN on
    /// empty arrays).
    #[must_use]
    pub fn value(&self) -> Option<f32> {
        if self.elements == 0 {
            return None;
        }
        let ss_res = self.ss_res as f32;
        let ss_tot = self.ss_tot() as f32;
        Some(1.0 - ss_res / (ss_tot + 1e-7))
    }

    /// `Σ (y - p)²` so far.
    #[must_use]
    pub const fn ss_res(&self) -> f64 {
        self.ss_res
    }

    /// `Σ (y - mean(y))²` so far: the original's two-pass `f32` value after
    /// one call, the merged corrected value after several.
    #[must_use]
    pub fn ss_tot(&self) -> f64 {
        if self.merged {
            self.m2
        } else {
            f64::from(self.single_ss_tot)
        }
    }

    /// The elements counted (saturating at `u64::MAX`).
    #[must_use]
    pub const fn elements(&self) -> u64 {
        self.elements
    }
}
