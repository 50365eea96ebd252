//! Layers: the Dense layer's kernels and initialisers, and [`Layer`], one
//! entry of a model's list.
//!
//! | item | what | file |
//! |---|---|---|
//! | [`Dense`] | `y = x W + b`, its backward, [`Gradients`] | `dense.rs` |
//! | [`initialize`] | He / Xavier, normal / uniform, `auto`, constant biases | `init.rs` |
//! | [`Layer`] | a Dense layer or an activation, in a model's list | here |

mod dense;
mod init;
mod kernels;

pub use dense::{Dense, Gradients};
pub use init::{initialize, Distribution, Init};

use crate::activations::{Activation, ActivationKind};
use crate::Error;

/// One layer of a sequential model: a [`Dense`] layer or an activation.
///
/// Built-in activations go in as [`Layer::Activation`] (the model can then
/// see a last Softmax and pick the fused backward, and run the activation
/// in place on the Dense layer's output); any other [`Activation`], such as
/// a user-defined [`crate::activations::Elementwise`], as [`Layer::Custom`].
///
/// ```
/// use vanillanets::activations::ActivationKind;
/// use vanillanets::layers::{Dense, Layer};
///
/// const SPIRAL: [Layer; 4] = [
///     Layer::Dense(Dense::new(2, 16)),
///     Layer::Activation(ActivationKind::ReLU),
///     Layer::Dense(Dense::new(16, 3)),
///     Layer::Activation(ActivationKind::Softmax),
/// ];
/// ```
#[derive(Clone, Copy)]
pub enum Layer<'a> {
    /// A fully connected layer; its parameters live in the model's flat
    /// parameter slice.
    Dense(Dense),
    /// A built-in activation.
    Activation(ActivationKind),
    /// Any other activation, such as a user-defined element-wise one.
    Custom(&'a dyn Activation),
}

impl core::fmt::Debug for Layer<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Layer::Dense(d) => f.debug_tuple("Dense").field(d).finish(),
            Layer::Activation(a) => f.debug_tuple("Activation").field(a).finish(),
            Layer::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

impl Layer<'_> {
    /// The activation this layer runs, if it is one.
    pub(crate) fn activation(&self) -> Option<&dyn Activation> {
        match self {
            Layer::Dense(_) => None,
            Layer::Activation(kind) => Some(kind),
            Layer::Custom(a) => Some(*a),
        }
    }
}

/// What a valid list of layers adds up to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Input features of the first Dense layer (and of the model).
    pub inputs: usize,
    /// Output features of the last Dense layer (and of the model).
    pub outputs: usize,
    /// All weights and biases.
    pub parameters: usize,
    /// The widest Dense layer output: the rows of the training gradient
    /// buffers (the first Dense layer's input gradient is never computed).
    pub widest_output: usize,
    /// The rows of [`crate::model::Network::predict`]'s scratch: the widest
    /// output, or the input width when an activation comes before the
    /// first Dense layer (it runs on a copy of the input).
    pub scratch_width: usize,
}

/// Checks that each Dense layer takes the width the one before it gives,
/// that none is empty, that the sizes fit in a `usize`, and that every
/// built-in LeakyReLU has a slope [`crate::activations::LeakyReLU::with_slope`]
/// allows (finite and `> 0`; [`Error::InvalidHyperparameter`] naming
/// `slope`).
pub(crate) fn validate(layers: &[Layer<'_>]) -> Result<Shape, Error> {
    let mut shape: Option<Shape> = None;
    // An activation before the first Dense layer.
    let mut leading = false;
    for (i, layer) in layers.iter().enumerate() {
        if let Layer::Activation(ActivationKind::LeakyReLU { slope }) = layer {
            // NaN fails both comparisons.
            if !(*slope > 0.0 && *slope <= f32::MAX) {
                return Err(Error::InvalidHyperparameter { name: "slope" });
            }
        }
        let Layer::Dense(dense) = layer else {
            leading |= shape.is_none();
            continue;
        };
        let (inputs, outputs) = (dense.inputs(), dense.outputs());
        if inputs == 0 || outputs == 0 {
            return Err(Error::EmptyShape {
                rows: inputs,
                cols: outputs,
            });
        }
        let overflow = Error::ShapeOverflow {
            rows: inputs,
            cols: outputs,
        };
        let own = dense.parameter_len().ok_or(overflow)?;
        shape = Some(match shape {
            None => Shape {
                inputs,
                outputs,
                parameters: own,
                widest_output: outputs,
                scratch_width: if leading {
                    inputs.max(outputs)
                } else {
                    outputs
                },
            },
            Some(s) if s.outputs != inputs => {
                return Err(Error::LayerMismatch {
                    layer: i,
                    expected: s.outputs,
                    actual: inputs,
                })
            }
            Some(s) => Shape {
                inputs: s.inputs,
                outputs,
                parameters: s.parameters.checked_add(own).ok_or(overflow)?,
                widest_output: s.widest_output.max(outputs),
                scratch_width: s.scratch_width.max(outputs),
            },
        });
    }
    shape.ok_or(Error::NoDenseLayer)
}
