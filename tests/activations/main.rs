//! Host-side property tests of the six activations, one module per topic:
//!
//! | module | what it checks |
//! |---|---|
//! | `finite_differences` | every backward against central finite differences of an `f64` forward |
//! | `softmax` | Softmax forward within its documented bound of an `f64` softmax, rows summing to 1, backward against the explicit Jacobian |
//! | `forward_values` | forward outputs against their `f64` definitions (exactly for Linear, ReLU, LeakyReLU) and within their ranges, on any bits |
//! | `in_place` | the in-place forms equal the out-of-place ones, bit for bit |
//! | `kind` | `ActivationKind` equals the kernel it names, and converts from it |
//! | `backward_from_output` | ReLU / LeakyReLU backward from the output equals backward from the inputs |
//! | `buffers` | `ActivationBuffer` equals the stateless kernels and follows a model of its state |
//! | `errors` | every error is the one the contract predicts and leaves every buffer unchanged |
//! | `empty_shapes` | zero rows and zero columns |
//! | `edge_values` | hand-checked edge values from the spec: NaN, ±inf, ±0, saturation |
//!
//! Every numeric property compares the crate's `f32` kernels with something
//! the crate does not compute: an `f64` formula written here, an explicit
//! Jacobian, central finite differences of an `f64` forward, or
//! hand-checked numbers. The only comparisons of the crate with itself are the
//! bit-for-bit equalities it promises between two forms of one call (in place
//! and out of place, [`ActivationKind`] and the kernel it names, the stateful
//! [`ActivationBuffer`] and the stateless kernels, backward from the inputs and
//! from the output); those compare `to_bits`.
//!
//! [`ActivationKind`]: vanillanets::activations::ActivationKind
//! [`ActivationBuffer`]: vanillanets::ActivationBuffer

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::activations::{ActivationKind, LeakyReLU};
use vanillanets_test::numpy::softmax64;

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

/// 256 cases per property and no regression files written into the tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

/// Binds `$a` to the zero-sized (or slope-carrying) kernel that `$kind`
/// names, then evaluates `$body`. Written out here rather than trusting the
/// crate's own dispatch: each unit variant is bound to the kernel of the same
/// name, LeakyReLU to one with the variant's slope.
macro_rules! with_kernel {
    ($kind:expr, $a:ident => $body:expr) => {
        with_kernel!(@units $kind, $a => $body; Linear, ReLU, Sigmoid, Tanh, Softmax)
    };
    (@units $kind:expr, $a:ident => $body:expr; $($unit:ident),*) => {{
        use ::vanillanets::activations::{
            ActivationKind, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
        };
        match $kind {
            ActivationKind::LeakyReLU { slope } => {
                let $a = LeakyReLU::with_slope(slope);
                $body
            }
            $(ActivationKind::$unit => {
                let $a = $unit;
                $body
            })*
        }
    }};
}

/// The six variants, LeakyReLU with `slope`.
fn all_kinds(slope: f32) -> [ActivationKind; 6] {
    [
        ActivationKind::Linear,
        ActivationKind::ReLU,
        ActivationKind::LeakyReLU { slope },
        ActivationKind::Sigmoid,
        ActivationKind::Tanh,
        ActivationKind::Softmax,
    ]
}

fn is_row_wise(kind: ActivationKind) -> bool {
    matches!(kind, ActivationKind::Softmax)
}

// ---------------------------------------------------------------------------
// f64 references, written from the spec's formulas
// ---------------------------------------------------------------------------

fn sigmoid64(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Per-row softmax in `f64`: `exp(x - max) / Σ exp(x - max)`.
fn softmax_rows64(x: &[f64], cols: usize) -> Vec<f64> {
    x.chunks(cols).flat_map(softmax64).collect()
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// A `rows × cols` batch of inputs `x` and upstream gradients `dv`.
fn batch<X, D>(
    rows: std::ops::RangeInclusive<usize>,
    cols: std::ops::RangeInclusive<usize>,
    x: X,
    dv: D,
) -> impl Strategy<Value = (usize, usize, Vec<f32>, Vec<f32>)>
where
    X: Strategy<Value = f32> + Clone,
    D: Strategy<Value = f32> + Clone,
{
    (rows, cols).prop_flat_map(move |(r, c)| {
        (
            Just(r),
            Just(c),
            vec(x.clone(), r * c),
            vec(dv.clone(), r * c),
        )
    })
}

/// A `rows × cols` batch of inputs `x` and upstream gradients `dv`, with
/// `y`, an arbitrary `output` argument for the backward.
#[derive(Clone, Debug)]
struct Batch {
    rows: usize,
    cols: usize,
    x: Vec<f32>,
    y: Vec<f32>,
    dv: Vec<f32>,
}

/// Any kind and a batch of up to 4 × 6 (zeros included) of any bits: the
/// inputs of the bit-for-bit equalities between two forms of one call.
fn kind_and_batch() -> impl Strategy<Value = (ActivationKind, Batch)> {
    let b = batch(0..=4, 0..=6, wild(), wild()).prop_flat_map(|(rows, cols, x, dv)| {
        vec(wild(), x.len()).prop_map(move |y| Batch {
            rows,
            cols,
            x: x.clone(),
            y,
            dv: dv.clone(),
        })
    });
    (any_kind(), b)
}

/// Any `f32` bit pattern (NaN with any payload, ±inf, subnormals, ±0), with
/// the special values and ordinary numbers over-weighted.
fn wild() -> impl Strategy<Value = f32> + Clone {
    prop_oneof![
        4 => any::<u32>().prop_map(f32::from_bits),
        2 => -100.0_f32..100.0,
        2 => prop::sample::select(vec![
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001), // signalling-pattern NaN
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::MAX,
            f32::MIN,
            1.0,
            -1.0,
        ]),
    ]
}

/// Every variant, LeakyReLU with the default slope or with any bit pattern.
fn any_kind() -> impl Strategy<Value = ActivationKind> {
    prop_oneof![
        Just(ActivationKind::Linear),
        Just(ActivationKind::ReLU),
        Just(ActivationKind::LeakyReLU {
            slope: LeakyReLU::DEFAULT_SLOPE
        }),
        wild().prop_map(|slope| ActivationKind::LeakyReLU { slope }),
        Just(ActivationKind::Sigmoid),
        Just(ActivationKind::Tanh),
        Just(ActivationKind::Softmax),
    ]
}

mod backward_from_output;
mod buffers;
mod edge_values;
mod empty_shapes;
mod errors;
mod finite_differences;
mod forward_values;
mod in_place;
mod kind;
mod softmax;
