//! Host-side tests of the losses against independent references, one
//! module per topic:
//!
//! | module | what it checks |
//! |---|---|
//! | `finite_differences` | BCE, CCE and MSE backward against central finite differences of an `f64` `calculate`, and their values |
//! | `fused` | the fused Softmax + cross-entropy backward against finite differences of `L(z)`, against the chained backward above the clip, and where the chained one vanishes below it |
//! | `clip` | the `f32` clip bounds and BCE / CCE / fused values at and around them |
//! | `equal_forms` | class indices vs one-hot rows, SCCE vs CCE, in place vs out of place: bit for bit |
//! | `buffers` | `LossBuffer` equals the stateless kernels; its state through refused and accepted calls |
//! | `errors` | every error names the right argument; `Err` iff the call breaks the contract, and nothing written on `Err` |
//! | `nan` | NaN predictions and targets poison their sample only |
//! | `backward_path` | the `backward_path` table |
//! | `one_hot_argmax` | one-hot rows reduced by `np.argmax` in the fused backward: ties, NaN, infinities |
//!
//! Every value check compares the crate with something it did not compute:
//! an `f64` formula written here (the clip done in `f64` with the `f32`
//! bounds), central finite differences of such a formula in `f64`, or numbers
//! checked by hand. The only self-comparisons are equalities between two API
//! forms of one computation (sparse vs one-hot labels, `LossBuffer` vs the
//! stateless kernel, in-place vs out-of-place), which must hold bit for bit.
//!
//! Tolerances use `u = 2⁻²⁴`, the unit roundoff of `f32`.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use vanillanets_test::bits::widen;

// ---------------------------------------------------------------------------
// Shared constants and helpers
// ---------------------------------------------------------------------------

/// The lower clip bound as the f32 library has it, widened exactly.
const LO: f64 = 1e-7_f32 as f64;

/// The upper clip bound as the f32 library has it (`1 - 2⁻²³`), widened.
const HI: f64 = (1.0_f32 - 1e-7) as f64;

/// A NaN whose payload no computation here produces: "never written".
const SENTINEL_BITS: u32 = 0x7fc0_1234;

fn sentinel() -> f32 {
    f32::from_bits(SENTINEL_BITS)
}

/// `np.clip(p, 1e-7, 1 - 1e-7)` on f32 bounds, in f64; NaN passes.
fn clip64(p: f64) -> f64 {
    p.clamp(LO, HI)
}

/// Central finite differences of `f` at `x`, in f64.
fn fd_grad(x: &[f32], h: f64, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let mut x64 = widen(x);
    (0..x.len())
        .map(|i| {
            let orig = x64[i];
            x64[i] = orig + h;
            let up = f(&x64);
            x64[i] = orig - h;
            let down = f(&x64);
            x64[i] = orig;
            (up - down) / (2.0 * h)
        })
        .collect()
}

fn close(got: f32, want: f64, rel: f64, abs: f64) -> bool {
    (f64::from(got) - want).abs() <= rel * want.abs() + abs
}

fn one_hot(t: &[usize], cols: usize) -> Vec<f32> {
    let mut y = vec![0.0_f32; t.len() * cols];
    for (row, &t) in y.chunks_mut(cols).zip(t) {
        row[t] = 1.0;
    }
    y
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Do not write regression files next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Probabilities strictly inside (1e-3, 1 - 1e-3): the clip is inactive and
/// an FD step of 1e-6 cannot reach it.
fn inner_prob() -> impl Strategy<Value = f32> {
    0.0011_f32..0.9989_f32
}

/// A shape with at least one row and one column.
fn shape() -> impl Strategy<Value = (usize, usize)> {
    (1_usize..=4, 1_usize..=5)
}

/// `(rows, cols, predictions, class indices)` with inner probabilities.
fn ce_case() -> impl Strategy<Value = (usize, usize, Vec<f32>, Vec<usize>)> {
    shape().prop_flat_map(|(rows, cols)| {
        (
            Just(rows),
            Just(cols),
            vec(inner_prob(), rows * cols),
            vec(0..cols, rows),
        )
    })
}

mod backward_path;
mod buffers;
mod clip;
mod equal_forms;
mod errors;
mod finite_differences;
mod fused;
mod nan;
mod one_hot_argmax;
