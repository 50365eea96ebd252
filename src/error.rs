//! The crate's one error type.

use core::fmt;

/// Why a call was refused.
///
/// Every fallible function in the crate validates all of its arguments before
/// it writes anything, so when one of these comes back **no output element,
/// gradient or cached value has changed**.
///
/// ```
/// use vanillanets::activations::{Activation, ReLU};
/// use vanillanets::Error;
///
/// let mut out = [7.0_f32; 3];
/// let err = ReLU.forward(&[1.0, 2.0], 1, 3, &mut out).unwrap_err();
/// assert_eq!(err, Error::LengthMismatch { argument: "inputs", expected: 3, actual: 2 });
/// assert_eq!(out, [7.0; 3]); // untouched
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// `rows * cols` does not fit in a `usize`.
    ShapeOverflow {
        /// The rows that were passed.
        rows: usize,
        /// The columns that were passed.
        cols: usize,
    },
    /// The shape has no elements where the operation needs at least one: a
    /// Softmax or cross-entropy row with zero classes, or a mean over zero
    /// samples.
    EmptyShape {
        /// The rows that were passed.
        rows: usize,
        /// The columns that were passed.
        cols: usize,
    },
    /// A slice's length is not the one the shape asks for.
    LengthMismatch {
        /// The parameter's name: `"inputs"`, `"output"`, `"dvalues"`,
        /// `"dinputs"`, `"labels"`, ...
        argument: &'static str,
        /// The length the shape asks for.
        expected: usize,
        /// The length that was passed.
        actual: usize,
    },
    /// `rows * cols` is larger than a buffer's compile-time capacity.
    CapacityExceeded {
        /// `rows * cols` of the call.
        required: usize,
        /// The buffer's capacity `N`.
        capacity: usize,
    },
    /// `backward` was called on a buffer that has not run `forward` yet.
    BackwardBeforeForward,
    /// A layer's input width is not the width of the layer before it (or,
    /// for the first layer, of the model's inputs).
    LayerMismatch {
        /// The index of the layer in the model's list.
        layer: usize,
        /// The width the layer before it produces.
        expected: usize,
        /// The width this layer takes.
        actual: usize,
    },
    /// A model has no [`crate::layers::Dense`] layer, so neither its input
    /// width nor anything to train is known.
    NoDenseLayer,
    /// A caller-provided memory arena is smaller than its sizing function
    /// says (see [`crate::model::Model::training_len`]).
    ArenaTooSmall {
        /// The `f32` elements needed.
        needed: usize,
        /// The `f32` elements given.
        given: usize,
    },
    /// An optimizer hyperparameter or a training option is out of range:
    /// a learning rate that is not finite and `> 0`, a momentum or beta
    /// outside `[0, 1)`, an epsilon not finite and `> 0`, a negative or
    /// non-finite decay, a zero micro-batch, ...
    InvalidHyperparameter {
        /// Its name, as in the constructor's documentation.
        name: &'static str,
    },
    /// The targets are not of a form the loss takes: class indices for
    /// [`crate::losses::BinaryCrossEntropy`] or
    /// [`crate::losses::MeanSquaredError`], or for a regression metric.
    UnsupportedTargets,
    /// A class index is at or past the number of classes.
    LabelOutOfRange {
        /// The row whose label is bad.
        row: usize,
        /// The label that was passed.
        label: usize,
        /// The number of classes (`cols`).
        classes: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::ShapeOverflow { rows, cols } => {
                write!(f, "shape {rows}x{cols} overflows usize")
            }
            Error::EmptyShape { rows, cols } => {
                write!(
                    f,
                    "shape {rows}x{cols} is empty where at least one element is needed"
                )
            }
            Error::LengthMismatch {
                argument,
                expected,
                actual,
            } => write!(
                f,
                "`{argument}` has length {actual}, but the shape needs {expected}"
            ),
            Error::CapacityExceeded { required, capacity } => write!(
                f,
                "{required} elements exceed the buffer's capacity of {capacity}"
            ),
            Error::BackwardBeforeForward => f.write_str("backward called before forward"),
            Error::LayerMismatch {
                layer,
                expected,
                actual,
            } => write!(
                f,
                "layer {layer} takes {actual} inputs, but the layer before gives {expected}"
            ),
            Error::NoDenseLayer => f.write_str("the model has no dense layer"),
            Error::ArenaTooSmall { needed, given } => write!(
                f,
                "the arena holds {given} elements, but the model needs {needed}"
            ),
            Error::InvalidHyperparameter { name } => write!(f, "`{name}` is out of range"),
            Error::UnsupportedTargets => f.write_str("the loss does not take targets of this form"),
            Error::LabelOutOfRange {
                row,
                label,
                classes,
            } => write!(
                f,
                "label {label} in row {row} is out of range for {classes} classes"
            ),
        }
    }
}

impl core::error::Error for Error {}
