//! The test support of `vanillanets`, in one place: what the integration
//! tests (`tests/`), the exhaustive accuracy sweep (`examples/accuracy.rs`),
//! the benchmarks (`benches/`) and the fuzz harness (`fuzz/`) share.
//!
//! - [`ulp`]: error measurement in units in the last place of `f32`, and
//!   distances in `f32` steps;
//! - [`bounds`]: the accuracy bounds and thresholds that the sweep measured
//!   over all 2³² inputs, for the default build and for `fast-math`;
//! - [`bits`]: bit patterns of `f32` slices, NaN-blind comparison, the next
//!   float up or down;
//! - [`numpy`]: what NumPy (and so the original library) does where the
//!   crate must match it: `np.argmax`, the Softmax NaN rule, an `f64`
//!   softmax;
//! - [`parity`]: the reader of the committed parity files
//!   (`tests/data/parity/`): their folders, records and hex words;
//! - [`kind_bits!`]: an `ActivationKind` as comparable bits.
//!
//! It never depends on `vanillanets` (a dev-dependency cycle would build a
//! second copy of the crate, whose types do not match the first's), and it
//! never calls the crate: every helper takes plain `f32` / `f64` / `u32`
//! values and slices, and the one that names a crate type is a macro that
//! expands in the caller. So a test that compares the crate with a helper
//! from here is checking the crate, not itself.

pub mod bits;
pub mod bounds;
pub mod numpy;
pub mod parity;
pub mod ulp;

pub use bounds::Bounds;

/// An `ActivationKind` as `(variant, slope bits)`, so that a NaN slope
/// compares equal to itself (`ActivationKind`'s `PartialEq` compares the
/// slope as an `f32`). A macro, expanded in the caller, because this crate
/// does not depend on `vanillanets`.
///
/// ```ignore
/// use vanillanets::activations::ActivationKind;
/// let k = ActivationKind::LeakyReLU { slope: f32::NAN };
/// assert_eq!(vanillanets_test::kind_bits!(k), vanillanets_test::kind_bits!(k));
/// ```
#[macro_export]
macro_rules! kind_bits {
    ($kind:expr) => {
        match $kind {
            ::vanillanets::activations::ActivationKind::Linear => (0_u8, 0_u32),
            ::vanillanets::activations::ActivationKind::ReLU => (1, 0),
            ::vanillanets::activations::ActivationKind::LeakyReLU { slope } => {
                (2, f32::to_bits(slope))
            }
            ::vanillanets::activations::ActivationKind::Sigmoid => (3, 0),
            ::vanillanets::activations::ActivationKind::Tanh => (4, 0),
            ::vanillanets::activations::ActivationKind::Softmax => (5, 0),
        }
    };
}
