//! Weight initialisers: He and Xavier, normal or uniform, with the
//! original's `auto` rule, and constant biases.

use super::Layer;
use crate::activations::ActivationKind;
use crate::random::{standard_normal, Rng};
use crate::Error;

/// How to draw a Dense layer's initial weights (the original's `init`).
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Init {
    /// He where the activation after the layer is ReLU or LeakyReLU (an
    /// [`ActivationKind`] layer), Xavier otherwise: the original's
    /// `'auto'`, read from the model instead of a string.
    #[default]
    Auto,
    /// He: scale `2 / fan_in`.
    He,
    /// Xavier (Glorot): scale `2 / (fan_in + fan_out)`.
    Xavier,
}

/// The distribution of the initial weights (the original's
/// `distribution`).
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Distribution {
    /// Normal with standard deviation `sqrt(scale)`.
    #[default]
    Normal,
    /// Uniform in `±sqrt(3 · scale)`: `±sqrt(6 / fan_in)` for He.
    Uniform,
}

/// Every Dense layer's weights drawn by `init` and `distribution` from
/// `rng`, and its biases set to `bias` (the original's `bias_init`: `0.0`
/// for `'zeros'`), in the flat layout of [`crate::model`]'s parameters.
///
/// Each weight is drawn in `f64` (Box–Muller for the normal) and rounded
/// to `f32`. The same seed gives the same weights on every target, but
/// not NumPy's: the original draws from PCG64 through `default_rng`.
///
/// ```
/// use vanillanets::activations::ActivationKind;
/// use vanillanets::layers::{initialize, Dense, Distribution, Init, Layer};
/// use vanillanets::model::Network;
/// use vanillanets::random::Pcg32;
///
/// const LAYERS: [Layer; 2] = [Layer::Dense(Dense::new(4, 8)), Layer::Activation(ActivationKind::ReLU)];
/// let mut params = [0.0_f32; Network::parameter_len(&LAYERS)];
/// initialize(&LAYERS, &mut params, Init::Auto, Distribution::Uniform, 0.0, &mut Pcg32::new(1))?;
/// let limit = (6.0_f32 / 4.0).sqrt(); // He uniform, fan_in 4
/// assert!(params[..32].iter().all(|w| w.abs() <= limit));
/// assert!(params[32..].iter().all(|&b| b == 0.0));
/// # Ok::<(), vanillanets::Error>(())
/// ```
///
/// # Errors
/// Everything [`crate::model::Network::new`] checks about the layers, and
/// [`Error::LengthMismatch`] for `params`. On error nothing is written.
pub fn initialize(
    layers: &[Layer<'_>],
    params: &mut [f32],
    init: Init,
    distribution: Distribution,
    bias: f32,
    rng: &mut impl Rng,
) -> Result<(), Error> {
    let shape = super::validate(layers)?;
    crate::shape::check_len("params", shape.parameters, params.len())?;
    let mut rest = params;
    for (i, layer) in layers.iter().enumerate() {
        let Layer::Dense(dense) = layer else {
            continue;
        };
        let (fan_in, fan_out) = (dense.inputs() as f64, dense.outputs() as f64);
        let he = match init {
            Init::He => true,
            Init::Xavier => false,
            Init::Auto => matches!(
                layers.get(i + 1),
                Some(Layer::Activation(
                    ActivationKind::ReLU | ActivationKind::LeakyReLU { .. }
                ))
            ),
        };
        let scale = if he {
            2.0 / fan_in
        } else {
            2.0 / (fan_in + fan_out)
        };
        let (weights, after) = rest.split_at_mut(dense.weights_len().unwrap_or(0).min(rest.len()));
        for w in weights.iter_mut() {
            *w = match distribution {
                Distribution::Normal => libm::sqrt(scale) * standard_normal(rng),
                Distribution::Uniform => {
                    let limit = libm::sqrt(3.0 * scale);
                    (2.0 * rng.next_f64() - 1.0) * limit
                }
            } as f32;
        }
        let (biases, after) = after.split_at_mut(dense.outputs().min(after.len()));
        biases.fill(bias);
        rest = after;
    }
    Ok(())
}
