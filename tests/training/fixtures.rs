//! What the behaviour and error tests share: a model's setup (layers, loss,
//! optimizer, micro-batch) that builds it on the test's own buffers, the
//! fit options they use, and bit patterns for exact comparisons.

use vanillanets::layers::Layer;
use vanillanets::losses::LossKind;
use vanillanets::metrics::Targets;
use vanillanets::model::{Control, Fit, FitOptions, Model};
use vanillanets::optimizers::Optimizer;

/// The bits of every value, so that NaN and signed zeros compare exactly.
pub fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// What `Model::new` takes besides the two buffers.
#[derive(Clone, Copy)]
pub struct Setup {
    pub layers: &'static [Layer<'static>],
    pub loss: LossKind,
    pub optimizer: Optimizer,
    pub micro: usize,
}

pub fn setup(
    layers: &'static [Layer<'static>],
    loss: LossKind,
    optimizer: Optimizer,
    micro: usize,
) -> Setup {
    Setup {
        layers,
        loss,
        optimizer,
        micro,
    }
}

impl Setup {
    /// Zeroed training memory of exactly `Model::training_len`.
    pub fn memory(&self) -> Vec<f32> {
        vec![0.0; Model::training_len(self.layers, &self.optimizer, self.micro)]
    }

    /// `params` and zeroed training memory, to build the model on.
    pub fn owned(self, params: Vec<f32>) -> Owned {
        let memory = self.memory();
        Owned {
            setup: self,
            params,
            memory,
        }
    }

    /// The model on `params` and `memory` (which must be valid).
    pub fn model<'a>(&self, params: &'a mut [f32], memory: &'a mut [f32]) -> Model<'a> {
        Model::new(
            self.layers,
            self.loss,
            self.optimizer,
            self.micro,
            params,
            memory,
        )
        .unwrap()
    }
}

/// A model's buffers, owned by the test.
pub struct Owned {
    setup: Setup,
    pub params: Vec<f32>,
    pub memory: Vec<f32>,
}

impl Owned {
    /// The model on these buffers.
    pub fn model(&mut self) -> Model<'_> {
        self.setup.model(&mut self.params, &mut self.memory)
    }
}

/// `epochs` epochs in mini-batches of `size` rows, in order.
pub fn batches<'a>(epochs: usize, size: usize) -> FitOptions<'a> {
    FitOptions {
        epochs,
        batch_size: Some(size),
        shuffle: None,
        validation: None,
    }
}

/// Fits (without metrics) and returns the result with every epoch's loss the callback saw.
pub fn fit_losses(
    model: &mut Model<'_>,
    x: &[f32],
    targets: Targets<'_>,
    rows: usize,
    options: FitOptions<'_>,
) -> (Fit, Vec<f32>) {
    let mut losses = vec![];
    let fit = model
        .fit(x, targets, rows, options, &mut [], |e| {
            losses.push(e.loss);
            Control::Continue
        })
        .unwrap();
    (fit, losses)
}
