//! Sequential models with no heap: [`Network`] runs one from its
//! parameters (inference), [`Model`] trains one.
//!
//! | item | what | file |
//! |---|---|---|
//! | [`Network`] | inference: parameters + two activation buffers | here |
//! | [`Model`] | training: `fit`, `evaluate`, `predict`, the fused path | `train.rs` |
//! | [`FitOptions`], [`Epoch`], [`Control`], [`Fit`], [`Stop`] | `fit`'s options and reports | `fit.rs` |
//! | [`export`] | parameters as a fingerprinted, checksummed byte record | `export.rs` |
//!
//! # Memory
//!
//! Everything has a size known before anything runs, from `const fn`s (as
//! AIfES sizes its parameter and training memory):
//!
//! - **parameters**, [`Network::parameter_len`]: `Σ (inputs + 1) · outputs`
//!   over the Dense layers. The flat layout, which is also the export
//!   format: for each Dense layer in order, its weights (`inputs × outputs`,
//!   row-major, as the original's `weights`), then its biases (`outputs`).
//!   An exported slice can be a `const` array in flash and run with
//!   [`Network`], on any target, with the same bits.
//! - **inference scratch**, [`Network::scratch_len`]: two activation
//!   buffers of `rows × W`, `W` the widest Dense layer *output* (the input
//!   is read in place; its width counts only when an activation comes
//!   before the first Dense layer, which runs on a copy of it).
//! - **training memory**, [`Model::training_len`], for micro-batches of up
//!   to `M` rows: the gradients (as many as parameters), the optimizer's
//!   state ([`crate::optimizers::Optimizer::state_len`]), one micro-batch
//!   of inputs and of targets, one output buffer of `M × width` per Dense
//!   layer and per activation that cannot run in place on the Dense output
//!   before it (a built-in activation right after a Dense layer shares its
//!   buffer), and two gradient buffers of `M × W`, `W` the widest Dense
//!   layer *output* (the first Dense layer's input gradient is never
//!   computed). It does not grow with the data set. For a 784-128-10 net
//!   with Adam that is `3P + 1 188 · M` elements (`P = 101 770`): per row
//!   784 inputs, 10 targets, 128 + 10 layer outputs, 2 × 128 gradients.
//!
//! ```
//! use vanillanets::activations::ActivationKind;
//! use vanillanets::layers::{Dense, Layer};
//! use vanillanets::model::{Model, Network};
//! use vanillanets::optimizers::{Adam, Optimizer};
//!
//! // AIfES's tutorial net: 3 inputs, 3 hidden (ReLU), 2 outputs (Softmax).
//! const NET: [Layer; 4] = [
//!     Layer::Dense(Dense::new(3, 3)),
//!     Layer::Activation(ActivationKind::ReLU),
//!     Layer::Dense(Dense::new(3, 2)),
//!     Layer::Activation(ActivationKind::Softmax),
//! ];
//! const ADAM: Optimizer = Optimizer::Adam(Adam::DEFAULT);
//! assert_eq!(Network::parameter_len(&NET) * 4, 80); // bytes
//! // 20 gradients + 40 Adam moments + 3 inputs + 2 targets + 3 + 2 outputs + 2 × 3
//! assert_eq!(Model::training_len(&NET, &ADAM, 1), 76);
//! ```

pub mod export;
mod fit;
mod train;

pub use fit::{Control, Epoch, Fit, FitOptions, Shuffle, Stop, Validated, Validation};
pub use train::Model;

use crate::activations::Activation;
use crate::layers::{validate, Layer, Shape};
use crate::shape::{check_len, copy, elements};
use crate::Error;

/// Saturating `a · b`, for the `const fn` sizes (a model whose sizes
/// overflow is refused when it is built).
const fn mul(a: usize, b: usize) -> usize {
    a.saturating_mul(b)
}

/// Saturating `a + b`.
const fn add(a: usize, b: usize) -> usize {
    a.saturating_add(b)
}

/// Whether layer `i` writes its own output buffer in training: every
/// layer except a built-in activation right after a Dense layer, which runs
/// in place on the Dense output (its backward needs only its own output).
const fn owns_buffer(layers: &[Layer<'_>], i: usize) -> bool {
    // Guarded indexing (`get` is not a `const fn`): no bounds check
    // survives, so no panic path.
    if i == 0 || i >= layers.len() {
        return true;
    }
    !matches!(
        (&layers[i], &layers[i - 1]),
        (Layer::Activation(_), Layer::Dense(_))
    )
}

/// The widest Dense layer output; with `leading_input`, also the first
/// Dense layer's input when a layer comes before it (an activation that
/// runs on the input).
const fn widest(layers: &[Layer<'_>], leading_input: bool) -> usize {
    let mut widest = 0;
    let mut first = true;
    let mut i = 0;
    while i < layers.len() {
        if let Layer::Dense(d) = &layers[i] {
            // A layer whose weights overflow saturates every size (and is
            // refused when the model is built). The early exit also keeps
            // LLVM from vectorising this loop into gathers on AVX-512.
            if d.weights_len().is_none() {
                return usize::MAX;
            }
            if first && i > 0 && leading_input && d.inputs() > widest {
                widest = d.inputs();
            }
            first = false;
            if d.outputs() > widest {
                widest = d.outputs();
            }
        }
        i += 1;
    }
    widest
}

/// The rows of the two training gradient buffers: the widest Dense
/// output (the first Dense layer's input gradient is never computed).
const fn widest_output(layers: &[Layer<'_>]) -> usize {
    widest(layers, false)
}

/// [`Error::NonFiniteInput`] at the first NaN or infinite value of
/// `inputs` (rows of `width` values), in row-major order.
fn check_finite(inputs: &[f32], width: usize) -> Result<(), Error> {
    match inputs.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(k) => Err(Error::NonFiniteInput {
            row: k.checked_div(width).unwrap_or(0),
            column: k.checked_rem(width).unwrap_or(0),
        }),
    }
}

/// Where each layer's data sits, walked once over the list.
#[derive(Clone, Copy, Debug)]
struct Place {
    /// The width the layer takes.
    width_in: usize,
    /// The width it gives.
    width_out: usize,
    /// Its first parameter in the flat slice (Dense layers).
    params: usize,
    /// Its output buffer, in rows of the layer-buffer region: the start
    /// in units of "elements per row", so `× rows` gives the offset.
    output: usize,
    /// Where its input is: `None` for the model's input, else the output
    /// offset (per row) of the layer before.
    input: Option<usize>,
}

/// The place of layer `index` in a validated list.
fn place(layers: &[Layer<'_>], shape: &Shape, index: usize) -> Place {
    let mut width = shape.inputs;
    let mut params = 0;
    let mut next_buffer = 0;
    let mut input = None;
    let mut here = Place {
        width_in: width,
        width_out: width,
        params: 0,
        output: 0,
        input: None,
    };
    for (i, layer) in layers.iter().enumerate().take(index.saturating_add(1)) {
        let width_in = width;
        let layer_params = params;
        if let Layer::Dense(d) = layer {
            width = d.outputs();
            params += d.parameter_len().unwrap_or(0);
        }
        let output = if owns_buffer(layers, i) {
            let at = next_buffer;
            next_buffer += width;
            at
        } else {
            input.unwrap_or(0)
        };
        here = Place {
            width_in,
            width_out: width,
            params: layer_params,
            output,
            input,
        };
        input = Some(output);
    }
    here
}

/// A trained network, for inference only: the layers and their
/// parameters, which can be a `const` array in flash.
///
/// [`predict`](Network::predict) runs the layers over two caller buffers
/// of `rows × widest layer output` ([`Network::scratch_len`]), each activation in
/// place: the same bits as [`Model::predict`] on every target.
///
/// ```
/// use vanillanets::activations::ActivationKind;
/// use vanillanets::layers::{Dense, Layer};
/// use vanillanets::model::Network;
///
/// const LAYERS: [Layer; 2] = [
///     Layer::Dense(Dense::new(2, 1)),
///     Layer::Activation(ActivationKind::Sigmoid),
/// ];
/// // Exported after training: weights (2 × 1), then the bias.
/// const PARAMS: [f32; Network::parameter_len(&LAYERS)] = [4.0, -4.0, 0.0];
/// let net = Network::new(&LAYERS, &PARAMS)?;
///
/// let mut scratch = [0.0_f32; Network::scratch_len(&LAYERS, 2)];
/// let mut out = [0.0_f32; 2];
/// net.predict(&[1.0, 0.0, 0.0, 1.0], 2, &mut scratch, &mut out)?;
/// assert!(out[0] > 0.98 && out[1] < 0.02);
/// # Ok::<(), vanillanets::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Network<'a> {
    layers: &'a [Layer<'a>],
    params: &'a [f32],
    shape: Shape,
}

impl<'a> Network<'a> {
    /// The parameters of `layers`: `Σ (inputs + 1) · outputs` over the
    /// Dense layers (saturating).
    #[must_use]
    pub const fn parameter_len(layers: &[Layer<'_>]) -> usize {
        let mut total = 0;
        let mut i = 0;
        while i < layers.len() {
            if let Layer::Dense(d) = &layers[i] {
                total = add(total, mul(add(d.inputs(), 1), d.outputs()));
            }
            i += 1;
        }
        total
    }

    /// The scratch [`predict`](Network::predict) needs for `rows` samples:
    /// `2 · rows · W`, `W` the widest Dense layer output (saturating). The
    /// input is read in place, so its width counts only when an activation
    /// comes before the first Dense layer (it runs on a copy of the input).
    ///
    /// ```
    /// use vanillanets::activations::ActivationKind::{ReLU, Softmax};
    /// use vanillanets::layers::{Dense, Layer};
    /// use vanillanets::model::Network;
    ///
    /// const MNIST: [Layer; 4] = [
    ///     Layer::Dense(Dense::new(784, 128)),
    ///     Layer::Activation(ReLU),
    ///     Layer::Dense(Dense::new(128, 10)),
    ///     Layer::Activation(Softmax),
    /// ];
    /// assert_eq!(Network::scratch_len(&MNIST, 1), 2 * 128);
    /// const RELU_FIRST: [Layer; 2] = [Layer::Activation(ReLU), Layer::Dense(Dense::new(4, 2))];
    /// assert_eq!(Network::scratch_len(&RELU_FIRST, 1), 2 * 4);
    /// ```
    #[must_use]
    pub const fn scratch_len(layers: &[Layer<'_>], rows: usize) -> usize {
        mul(2, mul(rows, widest(layers, true)))
    }

    /// The network of `layers` with `params` in the flat layout of
    /// [`crate::model`].
    ///
    /// # Errors
    /// [`Error::NoDenseLayer`], [`Error::LayerMismatch`] between
    /// consecutive Dense layers, [`Error::EmptyShape`] for a Dense layer
    /// with no inputs or outputs, [`Error::ShapeOverflow`],
    /// [`Error::InvalidHyperparameter`] naming `slope` for an
    /// `ActivationKind::LeakyReLU` whose slope is not finite and `> 0` (the
    /// precondition of [`crate::activations::LeakyReLU::with_slope`]), and
    /// [`Error::LengthMismatch`] for `params`.
    pub fn new(layers: &'a [Layer<'a>], params: &'a [f32]) -> Result<Self, Error> {
        let shape = validate(layers)?;
        check_len("params", shape.parameters, params.len())?;
        Ok(Self {
            layers,
            params,
            shape,
        })
    }

    /// The network of `layers` with the parameters of the record at the
    /// start of `bytes` ([`export`]: fingerprint, count and CRC-32 checked),
    /// copied into `params` (in RAM; a `const` array runs from flash with
    /// [`Network::new`] instead).
    ///
    /// # Errors
    /// As [`export::read`]: [`Error::FingerprintMismatch`] for a record of
    /// another layout, [`Error::ChecksumMismatch`] for a corrupted one, ...
    /// On error `params` is untouched.
    ///
    /// ```
    /// use vanillanets::activations::ActivationKind::Sigmoid;
    /// use vanillanets::layers::{Dense, Layer};
    /// use vanillanets::model::{export, Network};
    ///
    /// const NET: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
    /// let mut page = [0xFF_u8; 64]; // a flash page
    /// export::write(&NET, &[4.0, -4.0, 0.0], &mut page)?;
    ///
    /// let mut params = [0.0_f32; Network::parameter_len(&NET)];
    /// let net = Network::from_record(&NET, &page, &mut params)?;
    /// let (mut scratch, mut out) = ([0.0_f32; Network::scratch_len(&NET, 1)], [0.0_f32; 1]);
    /// net.predict(&[1.0, 0.0], 1, &mut scratch, &mut out)?;
    /// assert!(out[0] > 0.98);
    /// # Ok::<(), vanillanets::Error>(())
    /// ```
    pub fn from_record(
        layers: &'a [Layer<'a>],
        bytes: &[u8],
        params: &'a mut [f32],
    ) -> Result<Self, Error> {
        export::read(layers, bytes, params)?;
        Self::new(layers, params)
    }

    /// The input features per sample.
    #[must_use]
    pub fn inputs(&self) -> usize {
        self.shape.inputs
    }

    /// The output features per sample.
    #[must_use]
    pub fn outputs(&self) -> usize {
        self.shape.outputs
    }

    /// The outputs of `rows` samples of `inputs` into `output`
    /// (`rows × outputs`), with `scratch` of at least
    /// [`scratch_len`](Network::scratch_len) elements.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::LengthMismatch`] for `inputs` or
    /// `output`, [`Error::ArenaTooSmall`] for `scratch`. On error nothing is
    /// written. NaN and infinite inputs are not errors here: they
    /// propagate through the layers as in the original's forward (NumPy's
    /// semantics; `-inf` through ReLU is `0`, NaN stays NaN), where
    /// [`Model::predict`] refuses them like [`Model::fit`].
    pub fn predict(
        &self,
        inputs: &[f32],
        rows: usize,
        scratch: &mut [f32],
        output: &mut [f32],
    ) -> Result<(), Error> {
        let n_in = elements(rows, self.shape.inputs)?;
        let n_out = elements(rows, self.shape.outputs)?;
        let half = elements(rows, self.shape.scratch_width)?;
        let needed = half.checked_mul(2).ok_or(Error::ShapeOverflow {
            rows,
            cols: self.shape.scratch_width,
        })?;
        check_len("inputs", n_in, inputs.len())?;
        check_len("output", n_out, output.len())?;
        if scratch.len() < needed {
            return Err(Error::ArenaTooSmall {
                needed,
                given: scratch.len(),
            });
        }
        let (mut current, rest) = scratch.split_at_mut(half.min(scratch.len()));
        let mut other = rest.get_mut(..half).unwrap_or(&mut []);
        let mut width = self.shape.inputs;
        let mut fresh = true; // the data is still in `inputs`
        let mut params = self.params;
        for layer in self.layers {
            match layer {
                Layer::Dense(d) => {
                    let (weights, after) =
                        params.split_at(d.weights_len().unwrap_or(0).min(params.len()));
                    let (biases, after) = after.split_at(d.outputs().min(after.len()));
                    params = after;
                    let x = if fresh {
                        inputs
                    } else {
                        current.get(..rows * width).unwrap_or(&[])
                    };
                    let y = other.get_mut(..rows * d.outputs()).unwrap_or(&mut []);
                    d.forward_raw(x, weights, biases, y);
                    core::mem::swap(&mut current, &mut other);
                    width = d.outputs();
                    fresh = false;
                }
                Layer::Activation(_) | Layer::Custom(_) => {
                    let values = current.get_mut(..rows * width).unwrap_or(&mut []);
                    if fresh {
                        copy(inputs, values);
                        fresh = false;
                    }
                    // Dispatched by `match`, not through `&dyn Activation`:
                    // a vtable would link every backward into inference
                    // firmware (about 3 KiB that never runs).
                    match layer {
                        Layer::Activation(kind) => kind.forward_in_place(rows, width, values)?,
                        Layer::Custom(a) => a.forward_in_place(rows, width, values)?,
                        Layer::Dense(_) => {}
                    }
                }
            }
        }
        copy(current.get(..n_out).unwrap_or(&[]), output);
        Ok(())
    }
}
