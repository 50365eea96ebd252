//! The trainable sequential model: the original's `Model`, with all of
//! its memory in two caller slices.

use super::fit::{Control, Epoch, Fit, FitOptions, Stop, Validated};
use super::{add, check_finite, mul, owns_buffer, place, widest_output, Network, Place};
use crate::activations::{ActivationKind, Cache};
use crate::layers::{validate, Gradients, Layer, Shape};
use crate::losses::{
    backward_path, BackwardPath, BinaryCrossEntropy, CategoricalCrossEntropy, LossKernel, LossKind,
    MeanSquaredError, SoftmaxCrossEntropy,
};
use crate::math::Stream;
use crate::metrics::Metric;
use crate::optimizers::Optimizer;
use crate::random::{Pcg32, Rng};
use crate::shape::{check_len, copy, elements};
use crate::targets::Targets;
use crate::Error;

/// A sequential model that trains with no heap: the layers, a loss, an
/// optimizer, and two caller slices, the parameters and the training
/// memory, both sized by `const fn`s (see [`crate::model`]).
///
/// - **The fused path.** When the last layer is
///   `Layer::Activation(ActivationKind::Softmax)` and the loss is
///   categorical cross-entropy (CCE or SCCE), the backward starts from the
///   fused Softmax + CE gradient and never runs the Softmax backward, as the
///   original's `finalize()` arranges. [`backward_path`](Model::backward_path)
///   says which path the model took.
/// - **Training** ([`fit`](Model::fit)): per optimizer step, the forward
///   over each micro-batch, its loss and metrics, its backward into
///   gradients that add up over the step's micro-batches (so they equal the
///   whole batch's, bit for bit), then one [`Optimizer`] update of every
///   parameter. With the defaults this is the original's full-batch epoch.
/// - **Targets** ([`Targets`], from [`crate::targets`], the type the
///   losses and metrics take too): `Classes` (one index per row,
///   categorical losses only), or `OneHot` / `Values`, both
///   `rows × outputs` floats (one-hot rows, or the target values of BCE
///   and MSE).
///
/// ```
/// use vanillanets::activations::ActivationKind;
/// use vanillanets::layers::{initialize, Dense, Distribution, Init, Layer};
/// use vanillanets::losses::LossKind;
/// use vanillanets::targets::Targets;
/// use vanillanets::model::{Control, FitOptions, Model, Network, Stop};
/// use vanillanets::optimizers::{Optimizer, Sgd};
/// use vanillanets::random::Pcg32;
///
/// // XOR with a 2-4-1 net, Sigmoid output, BCE, SGD with momentum.
/// const NET: [Layer; 4] = [
///     Layer::Dense(Dense::new(2, 4)),
///     Layer::Activation(ActivationKind::Tanh),
///     Layer::Dense(Dense::new(4, 1)),
///     Layer::Activation(ActivationKind::Sigmoid),
/// ];
/// let sgd = Optimizer::from(Sgd::new(0.5, 0.0, 0.9)?);
/// let mut params = [0.0_f32; Network::parameter_len(&NET)];
/// let mut memory = [0.0_f32; 128];
/// assert!(memory.len() >= Model::training_len(&NET, &sgd, 4));
/// initialize(&NET, &mut params, Init::Auto, Distribution::Normal, 0.0, &mut Pcg32::new(3))?;
///
/// let mut model = Model::new(&NET, LossKind::BinaryCrossEntropy, sgd, 4, &mut params, &mut memory)?;
/// let x = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
/// let y = [0.0, 1.0, 1.0, 0.0];
/// let fit = model.fit(&x, Targets::Values(&y), 4, FitOptions::epochs(500), &mut [], |_| Control::Continue)?;
/// assert_eq!(fit.stop, Stop::Finished);
/// assert!(fit.loss < 0.1, "{}", fit.loss);
/// # Ok::<(), vanillanets::Error>(())
/// ```
pub struct Model<'a> {
    layers: &'a [Layer<'a>],
    shape: Shape,
    loss: LossKind,
    optimizer: Optimizer,
    micro_batch: usize,
    params: &'a mut [f32],
    memory: &'a mut [f32],
    steps: u64,
    path: BackwardPath,
}

/// The training memory, split into its parts.
struct Parts<'m> {
    gradients: &'m mut [f32],
    state: &'m mut [f32],
    inputs: &'m mut [f32],
    targets: &'m mut [f32],
    layers: &'m mut [f32],
    ping: &'m mut [f32],
    pong: &'m mut [f32],
}

/// `len` elements of `s` from `start`, or an empty slice (never taken:
/// the regions are sized by the same walk).
fn part(s: &[f32], start: usize, len: usize) -> &[f32] {
    s.get(start..).and_then(|s| s.get(..len)).unwrap_or(&[])
}

/// [`part`], to write.
fn part_mut(s: &mut [f32], start: usize, len: usize) -> &mut [f32] {
    s.get_mut(start..)
        .and_then(|s| s.get_mut(..len))
        .unwrap_or(&mut [])
}

/// The first `len` elements of `s`, split off the front.
fn take<'m>(s: &mut &'m mut [f32], len: usize) -> &'m mut [f32] {
    let whole = core::mem::take(s);
    let (head, tail) = whole.split_at_mut(len.min(whole.len()));
    *s = tail;
    head
}

impl<'a> Model<'a> {
    /// The training memory for `layers` with `optimizer` and micro-batches
    /// of up to `micro_batch` rows, in `f32` elements (saturating):
    /// gradients `P`, optimizer state, then `micro_batch ×` (inputs +
    /// outputs + the owned layer buffers + 2 × widest Dense output).
    ///
    /// ```
    /// use vanillanets::activations::ActivationKind::{ReLU, Softmax};
    /// use vanillanets::layers::{Dense, Layer};
    /// use vanillanets::model::{Model, Network};
    /// use vanillanets::optimizers::{Adam, Optimizer};
    ///
    /// const MNIST: [Layer; 4] = [
    ///     Layer::Dense(Dense::new(784, 128)),
    ///     Layer::Activation(ReLU),
    ///     Layer::Dense(Dense::new(128, 10)),
    ///     Layer::Activation(Softmax),
    /// ];
    /// const ADAM: Optimizer = Optimizer::Adam(Adam::DEFAULT);
    /// let p = Network::parameter_len(&MNIST);
    /// // Per row: 784 inputs + 10 targets + 128 + 10 outputs + 2 × 128.
    /// assert_eq!(Model::training_len(&MNIST, &ADAM, 1), 3 * p + 1_188);
    /// ```
    #[must_use]
    pub const fn training_len(
        layers: &[Layer<'_>],
        optimizer: &Optimizer,
        micro_batch: usize,
    ) -> usize {
        let parameters = Network::parameter_len(layers);
        // The model's input and output widths, and the owned buffers' sum.
        let (mut inputs, mut outputs, mut owned) = (0, 0, 0);
        let mut i = 0;
        while i < layers.len() {
            if let Layer::Dense(d) = &layers[i] {
                if inputs == 0 {
                    inputs = d.inputs();
                }
                outputs = d.outputs();
            }
            i += 1;
        }
        let mut width = inputs;
        i = 0;
        while i < layers.len() {
            if let Layer::Dense(d) = &layers[i] {
                width = d.outputs();
            }
            if owns_buffer(layers, i) {
                owned = add(owned, width);
            }
            i += 1;
        }
        let per_row = add(
            add(inputs, outputs),
            add(owned, mul(2, widest_output(layers))),
        );
        add(
            add(parameters, optimizer.state_len(parameters)),
            mul(micro_batch, per_row),
        )
    }

    /// A model of `layers` trained with `loss` and `optimizer` in
    /// micro-batches of up to `micro_batch` rows, on the caller's
    /// `params` (in the flat layout of [`crate::model`], for example from
    /// [`crate::layers::initialize`] or an export) and `memory` (at least
    /// [`training_len`](Model::training_len) elements; the rest is unused).
    /// The training memory is zeroed: the optimizer starts at step 0.
    ///
    /// # Errors
    /// Everything [`Network::new`] checks,
    /// [`Error::InvalidHyperparameter`] for a zero `micro_batch`, and
    /// [`Error::ArenaTooSmall`] for `memory`. On error nothing is written.
    pub fn new(
        layers: &'a [Layer<'a>],
        loss: LossKind,
        optimizer: impl Into<Optimizer>,
        micro_batch: usize,
        params: &'a mut [f32],
        memory: &'a mut [f32],
    ) -> Result<Self, Error> {
        let optimizer = optimizer.into();
        let shape = validate(layers)?;
        check_len("params", shape.parameters, params.len())?;
        if micro_batch == 0 {
            return Err(Error::InvalidHyperparameter {
                name: "micro_batch",
            });
        }
        let needed = Self::training_len(layers, &optimizer, micro_batch);
        if needed == usize::MAX || memory.len() < needed {
            return Err(Error::ArenaTooSmall {
                needed,
                given: memory.len(),
            });
        }
        let memory = part_mut(memory, 0, needed);
        memory.fill(0.0);
        let last = match layers.last() {
            Some(Layer::Activation(kind)) => *kind,
            _ => ActivationKind::Linear,
        };
        Ok(Self {
            layers,
            shape,
            loss,
            optimizer,
            micro_batch,
            params,
            memory,
            steps: 0,
            path: backward_path(last, loss),
        })
    }

    /// [`BackwardPath::Fused`] when the model ends in Softmax with a
    /// categorical cross-entropy, else [`BackwardPath::Chained`].
    #[must_use]
    pub fn backward_path(&self) -> BackwardPath {
        self.path
    }

    /// The parameters, in the flat layout of [`crate::model`]: export them
    /// to run the model elsewhere with [`Network`].
    #[must_use]
    pub fn parameters(&self) -> &[f32] {
        self.params
    }

    /// Writes the parameters as a byte record ([`super::export`]: layer
    /// fingerprint, count, the `f32`s, CRC-32) into the start of `out`
    /// and returns its length, [`super::export::record_len`].
    ///
    /// # Errors
    /// [`Error::Truncated`] when `out` is too short, [`Error::ShapeOverflow`]
    /// for more than `u32::MAX` parameters; nothing is written.
    pub fn export_parameters(&self, out: &mut [u8]) -> Result<usize, Error> {
        super::export::write(self.layers, self.params, out)
    }

    /// Replaces the parameters with those of the record at the start of
    /// `bytes`, as written by [`export_parameters`](Model::export_parameters)
    /// for the same layer list. The optimizer's state and step count are
    /// kept.
    ///
    /// # Errors
    /// As [`super::export::read`]: a record of another layout
    /// ([`Error::FingerprintMismatch`]), a corrupted one
    /// ([`Error::ChecksumMismatch`]), ... On error nothing changed.
    ///
    /// ```
    /// # use vanillanets::activations::ActivationKind::Sigmoid;
    /// # use vanillanets::layers::{Dense, Layer};
    /// # use vanillanets::losses::LossKind;
    /// # use vanillanets::model::{export, Model, Network};
    /// # use vanillanets::optimizers::{Optimizer, Sgd};
    /// const NET: [Layer; 2] = [Layer::Dense(Dense::new(2, 1)), Layer::Activation(Sigmoid)];
    /// const SGD: Optimizer = Optimizer::Sgd(Sgd::DEFAULT);
    /// let mut params = [0.5_f32, -0.5, 0.0];
    /// let mut memory = [0.0_f32; Model::training_len(&NET, &SGD, 1)];
    /// let model = Model::new(&NET, LossKind::BinaryCrossEntropy, SGD, 1, &mut params, &mut memory)?;
    /// let mut page = [0_u8; export::record_len(&NET)];
    /// model.export_parameters(&mut page)?;
    ///
    /// let mut other = [0.0_f32; 3];
    /// let mut memory = [0.0_f32; Model::training_len(&NET, &SGD, 1)];
    /// let mut copy = Model::new(&NET, LossKind::BinaryCrossEntropy, SGD, 1, &mut other, &mut memory)?;
    /// copy.load_parameters(&page)?;
    /// assert_eq!(copy.parameters(), [0.5, -0.5, 0.0]);
    /// # Ok::<(), vanillanets::Error>(())
    /// ```
    pub fn load_parameters(&mut self, bytes: &[u8]) -> Result<(), Error> {
        super::export::read(self.layers, bytes, self.params)
    }

    /// The trained network, for [`Network::predict`].
    #[must_use]
    pub fn network(&self) -> Network<'_> {
        Network {
            layers: self.layers,
            params: self.params,
            shape: self.shape,
        }
    }

    /// The optimizer steps taken so far (the original's `iterations`).
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The model's loss.
    #[must_use]
    pub fn loss(&self) -> LossKind {
        self.loss
    }

    /// The memory split into its parts.
    fn parts<'m>(memory: &'m mut [f32], shape: &Shape, state: usize, micro: usize) -> Parts<'m> {
        let mut rest = memory;
        let gradients = take(&mut rest, shape.parameters);
        let state = take(&mut rest, state);
        let inputs = take(&mut rest, micro * shape.inputs);
        let targets = take(&mut rest, micro * shape.outputs);
        let wide = micro * shape.widest_output;
        let layers_len = rest.len().saturating_sub(2 * wide);
        let layers = take(&mut rest, layers_len);
        let ping = take(&mut rest, wide);
        let pong = take(&mut rest, wide);
        Parts {
            gradients,
            state,
            inputs,
            targets,
            layers,
            ping,
            pong,
        }
    }

    /// Checks `inputs` and `targets` for `rows` samples and the metrics.
    fn check_data(
        &self,
        inputs: &[f32],
        targets: Targets<'_>,
        rows: usize,
        metrics: &[&mut dyn Metric],
    ) -> Result<(), Error> {
        let (n_in, n_out) = (
            elements(rows, self.shape.inputs)?,
            elements(rows, self.shape.outputs)?,
        );
        if rows == 0 {
            return Err(Error::EmptyShape {
                rows,
                cols: self.shape.inputs,
            });
        }
        check_len("inputs", n_in, inputs.len())?;
        check_finite(inputs, self.shape.inputs)?;
        let classes = self.shape.outputs;
        match (targets, categorical(self.loss)) {
            (Targets::Classes(_), false) => return Err(Error::UnsupportedTargets),
            (Targets::Classes(c), true) => {
                check_len("targets", rows, c.len())?;
                if let Some((row, &label)) = c.iter().enumerate().find(|(_, &l)| l >= classes) {
                    return Err(Error::LabelOutOfRange {
                        row,
                        label,
                        classes,
                    });
                }
            }
            (Targets::Values(t) | Targets::OneHot(t), _) => check_len("targets", n_out, t.len())?,
        }
        let view = self.metric_targets(targets);
        for m in metrics {
            metric_view(&**m, view, rows, self.shape.outputs)?;
        }
        Ok(())
    }

    /// How the metrics see `targets` (and the gathered target rows).
    fn metric_targets<'t>(&self, targets: Targets<'t>) -> Targets<'t> {
        match (targets, categorical(self.loss)) {
            (Targets::Classes(c), _) => Targets::Classes(c),
            (Targets::Values(t) | Targets::OneHot(t), true) => Targets::OneHot(t),
            (Targets::Values(t) | Targets::OneHot(t), false) => Targets::Values(t),
        }
    }

    /// Trains for `options.epochs` epochs on `rows` samples (`inputs`:
    /// `rows × inputs`), calling `callback` after each epoch with its loss,
    /// learning rate and `metrics` (reset at the start of every epoch).
    ///
    /// Inputs must be finite (see the errors). A NaN or infinite sample
    /// loss, from the targets or from values that overflow, stops
    /// training before that step (see
    /// [`Stop::NonFiniteLoss`]): the callback sees the epoch with that loss,
    /// and `fit` returns `Ok` with the stop reason; the parameters are
    /// those of the last finite step. The epoch's loss is the `f32` mean
    /// of finite sample losses, as `np.mean`: when their sum passes
    /// `f32::MAX` it is ±inf (NaN if both signs overflow), every step ran
    /// and training goes on, as in VanillaNets. With zero epochs nothing
    /// runs and the loss is NaN.
    ///
    /// # Errors
    /// Checked before anything is written: [`Error::EmptyShape`] for
    /// `rows == 0`, [`Error::ShapeOverflow`], [`Error::LengthMismatch`] for
    /// `inputs`, `targets` or the shuffle's `indices`,
    /// [`Error::NonFiniteInput`] for the first NaN or infinite input (a
    /// finite loss does not make it safe: `-inf` through ReLU gives a
    /// finite loss and a NaN weight gradient),
    /// [`Error::UnsupportedTargets`] for class indices with BCE or MSE,
    /// [`Error::LabelOutOfRange`], [`Error::InvalidHyperparameter`] for a
    /// zero `batch_size`, and whatever a metric's [`Metric::check`] refuses.
    pub fn fit(
        &mut self,
        inputs: &[f32],
        targets: Targets<'_>,
        rows: usize,
        options: FitOptions<'_>,
        metrics: &mut [&mut dyn Metric],
        mut callback: impl FnMut(&Epoch<'_, '_, '_>) -> Control,
    ) -> Result<Fit, Error> {
        self.check_data(inputs, targets, rows, metrics)?;
        let FitOptions {
            epochs,
            batch_size,
            mut shuffle,
            mut validation,
        } = options;
        if let Some(v) = &mut validation {
            self.check_data(v.inputs, v.targets, v.rows, v.metrics)?;
        }
        let batch = match batch_size {
            Some(0) => {
                return Err(Error::InvalidHyperparameter { name: "batch_size" });
            }
            Some(b) => b.min(rows),
            None => rows,
        };
        let mut rng = Pcg32::new(0);
        if let Some(s) = &mut shuffle {
            check_len("indices", rows, s.indices.len())?;
            for (i, slot) in s.indices.iter_mut().enumerate() {
                *slot = i;
            }
            rng = Pcg32::new(s.seed);
        }
        let mut loss = f32::NAN;
        for epoch in 1..=epochs {
            if let Some(s) = &mut shuffle {
                for i in (1..s.indices.len()).rev() {
                    // `below(i + 1) <= i`; `min` shows it where `below` is
                    // not inlined, so the swap keeps no bounds check.
                    let j = rng.below(i + 1).min(i);
                    s.indices.swap(i, j);
                }
            }
            for m in metrics.iter_mut() {
                m.reset();
            }
            let order = shuffle.as_ref().map(|s| &*s.indices);
            let mut total = Stream::new(rows);
            let mut start = 0;
            while start < rows {
                let b = batch.min(rows - start);
                let mut done = 0;
                while done < b {
                    let m = self.micro_batch.min(b - done);
                    let bad = self.run_micro_batch(
                        inputs,
                        targets,
                        order,
                        start + done,
                        m,
                        metrics,
                        &mut total,
                    );
                    if let Some(bad) = bad {
                        loss = bad;
                        let report = Epoch {
                            epoch,
                            loss,
                            learning_rate: self.optimizer.learning_rate(self.steps),
                            metrics,
                            validation: None,
                        };
                        callback(&report);
                        return Ok(Fit {
                            epochs: epoch - 1,
                            loss,
                            stop: Stop::NonFiniteLoss,
                        });
                    }
                    let mode = if done == 0 {
                        Gradients::Overwrite
                    } else {
                        Gradients::Accumulate
                    };
                    self.backward(m, b, mode);
                    done += m;
                }
                self.update();
                start += b;
            }
            loss = total.total().unwrap_or(f32::NAN) / rows as f32;
            let validated = match &mut validation {
                Some(v) => {
                    let loss = self.mean_loss(v.inputs, v.targets, v.rows, v.metrics);
                    Some(Validated {
                        loss,
                        metrics: &*v.metrics,
                    })
                }
                None => None,
            };
            let report = Epoch {
                epoch,
                loss,
                learning_rate: self.optimizer.learning_rate(self.steps.saturating_sub(1)),
                metrics,
                validation: validated,
            };
            if callback(&report) == Control::Stop {
                return Ok(Fit {
                    epochs: epoch,
                    loss,
                    stop: Stop::Callback,
                });
            }
        }
        Ok(Fit {
            epochs,
            loss,
            stop: Stop::Finished,
        })
    }

    /// The mean loss of `rows` samples, with `metrics` reset and then
    /// updated with the same outputs (the original's `evaluate`). The
    /// parameters, gradients and optimizer state do not change.
    ///
    /// # Errors
    /// As [`fit`](Model::fit) for the data and the metrics, so
    /// [`Error::NonFiniteInput`] for a NaN or infinite input.
    pub fn evaluate(
        &mut self,
        inputs: &[f32],
        targets: Targets<'_>,
        rows: usize,
        metrics: &mut [&mut dyn Metric],
    ) -> Result<f32, Error> {
        self.check_data(inputs, targets, rows, metrics)?;
        Ok(self.mean_loss(inputs, targets, rows, metrics))
    }

    /// [`evaluate`](Model::evaluate) on checked data.
    fn mean_loss(
        &mut self,
        inputs: &[f32],
        targets: Targets<'_>,
        rows: usize,
        metrics: &mut [&mut dyn Metric],
    ) -> f32 {
        for m in metrics.iter_mut() {
            m.reset();
        }
        let mut total = Stream::new(rows);
        let mut start = 0;
        while start < rows {
            let m = self.micro_batch.min(rows - start);
            self.run_micro_batch(inputs, targets, None, start, m, metrics, &mut total);
            start += m;
        }
        total.total().unwrap_or(f32::NAN) / rows as f32
    }

    /// The outputs of `rows` samples of `inputs` into `output`
    /// (`rows × outputs`), micro-batch by micro-batch through the training
    /// memory: the same bits as [`Network::predict`] on finite inputs.
    ///
    /// # Errors
    /// [`Error::ShapeOverflow`], [`Error::LengthMismatch`] for `inputs` or
    /// `output`, [`Error::NonFiniteInput`] for the first NaN or infinite
    /// input, as [`fit`](Model::fit) refuses them ([`Network::predict`]
    /// propagates them instead, as the original's forward does); nothing
    /// is written then.
    pub fn predict(
        &mut self,
        inputs: &[f32],
        rows: usize,
        output: &mut [f32],
    ) -> Result<(), Error> {
        let n_in = elements(rows, self.shape.inputs)?;
        let n_out = elements(rows, self.shape.outputs)?;
        check_len("inputs", n_in, inputs.len())?;
        check_len("output", n_out, output.len())?;
        check_finite(inputs, self.shape.inputs)?;
        let (width_in, width_out) = (self.shape.inputs, self.shape.outputs);
        let mut start = 0;
        while start < rows {
            let m = self.micro_batch.min(rows - start);
            let state = self.optimizer.state_len(self.shape.parameters);
            let parts = Self::parts(self.memory, &self.shape, state, self.micro_batch);
            copy(part(inputs, start * width_in, m * width_in), parts.inputs);
            forward(
                self.layers,
                &self.shape,
                self.params,
                parts.inputs,
                parts.layers,
                self.micro_batch,
                m,
            );
            let last = self.last_output();
            let parts = Self::parts(self.memory, &self.shape, state, self.micro_batch);
            copy(
                part(parts.layers, last, m * width_out),
                part_mut(output, start * width_out, m * width_out),
            );
            start += m;
        }
        Ok(())
    }

    /// Where the last layer's output starts in the layer buffers.
    fn last_output(&self) -> usize {
        let p = place(
            self.layers,
            &self.shape,
            self.layers.len().saturating_sub(1),
        );
        p.output * self.micro_batch
    }

    /// Gathers `m` samples from position `start` (through `order` when
    /// shuffling), runs the forward, updates the metrics, and adds their
    /// losses to `total`; returns the first loss that is not finite.
    #[allow(clippy::too_many_arguments)]
    fn run_micro_batch(
        &mut self,
        inputs: &[f32],
        targets: Targets<'_>,
        order: Option<&[usize]>,
        start: usize,
        m: usize,
        metrics: &mut [&mut dyn Metric],
        total: &mut Stream,
    ) -> Option<f32> {
        let (width_in, width_out) = (self.shape.inputs, self.shape.outputs);
        let state = self.optimizer.state_len(self.shape.parameters);
        let last = self.last_output();
        let categorical = categorical(self.loss);
        let parts = Self::parts(self.memory, &self.shape, state, self.micro_batch);
        for r in 0..m {
            let position = start + r;
            let sample = order
                .and_then(|o| o.get(position).copied())
                .unwrap_or(position);
            copy(
                part(inputs, sample * width_in, width_in),
                part_mut(parts.inputs, r * width_in, width_in),
            );
            let row = part_mut(parts.targets, r * width_out, width_out);
            match targets {
                Targets::Classes(c) => {
                    let class = c.get(sample).copied().unwrap_or(usize::MAX);
                    for (j, t) in row.iter_mut().enumerate() {
                        *t = if j == class { 1.0 } else { 0.0 };
                    }
                }
                Targets::Values(t) | Targets::OneHot(t) => {
                    copy(part(t, sample * width_out, width_out), row);
                }
            }
        }
        forward(
            self.layers,
            &self.shape,
            self.params,
            parts.inputs,
            parts.layers,
            self.micro_batch,
            m,
        );
        let y = part(parts.layers, last, m * width_out);
        let t = part(parts.targets, 0, m * width_out);
        let bad = add_losses(self.loss, y, t, width_out, total);
        let view = if categorical {
            Targets::OneHot(t)
        } else {
            Targets::Values(t)
        };
        for metric in metrics.iter_mut() {
            // Checked before training: the chunk is always accepted.
            if let Ok(view) = metric_view(&**metric, view, m, width_out) {
                let _ = metric.observe(y, view, m, width_out);
            }
        }
        bad
    }

    /// The backward of the micro-batch of `m` rows just run forward, the
    /// loss gradient divided by the step's `batch` rows, into the
    /// gradients.
    fn backward(&mut self, m: usize, batch: usize, mode: Gradients) {
        let state = self.optimizer.state_len(self.shape.parameters);
        let last_index = self.layers.len().saturating_sub(1);
        let last = self.last_output();
        let width_out = self.shape.outputs;
        let parts = Self::parts(self.memory, &self.shape, state, self.micro_batch);
        let Parts {
            gradients,
            inputs,
            targets,
            layers: buffers,
            ping,
            pong,
            ..
        } = parts;
        let y = part(buffers, last, m * width_out);
        let t = part(targets, 0, m * width_out);
        let (mut g, mut h) = (ping, pong);
        let fused = self.path == BackwardPath::Fused;
        loss_backward(
            self.loss,
            fused,
            y,
            t,
            batch,
            width_out,
            part_mut(g, 0, m * width_out),
        );
        let first = if fused {
            last_index.checked_sub(1)
        } else {
            Some(last_index)
        };
        let Some(first) = first else { return };
        for i in (0..=first).rev() {
            let Some(layer) = self.layers.get(i) else {
                continue;
            };
            let p = place(self.layers, &self.shape, i);
            let micro = self.micro_batch;
            let x: &[f32] = match p.input {
                None => part(inputs, 0, m * p.width_in),
                Some(o) => part(buffers, o * micro, m * p.width_in),
            };
            match layer {
                Layer::Dense(d) => {
                    let (dw, db) =
                        dense_gradients(gradients, &p, d.weights_len().unwrap_or(0), d.outputs());
                    let dv = part(g, 0, m * p.width_out);
                    d.backward_parameters_raw(x, dv, mode, dw, db);
                    if p.params == 0 {
                        // The first Dense layer: nothing before it trains.
                        return;
                    }
                    let w = part(self.params, p.params, d.weights_len().unwrap_or(0));
                    d.backward_inputs_raw(w, dv, part_mut(h, 0, m * p.width_in));
                    core::mem::swap(&mut g, &mut h);
                }
                Layer::Activation(_) | Layer::Custom(_) => {
                    let Some(a) = layer.activation() else {
                        continue;
                    };
                    let cache = if a.cache() == Cache::Inputs {
                        x
                    } else {
                        part(buffers, p.output * micro, m * p.width_out)
                    };
                    let _ =
                        a.backward_in_place(cache, m, p.width_out, part_mut(g, 0, m * p.width_out));
                }
            }
        }
    }

    /// One optimizer step over every parameter.
    fn update(&mut self) {
        let state = self.optimizer.state_len(self.shape.parameters);
        let parts = Self::parts(self.memory, &self.shape, state, self.micro_batch);
        self.optimizer
            .step_raw(self.steps, parts.gradients, parts.state, self.params);
        self.steps = self.steps.saturating_add(1);
    }
}

/// A Dense layer's `dW` and `db` in the gradient slice.
fn dense_gradients<'g>(
    gradients: &'g mut [f32],
    p: &Place,
    weights: usize,
    outputs: usize,
) -> (&'g mut [f32], &'g mut [f32]) {
    let own = gradients
        .get_mut(p.params..)
        .and_then(|g| g.get_mut(..weights + outputs))
        .unwrap_or(&mut []);
    own.split_at_mut(weights.min(own.len()))
}

/// The forward of `m` rows through every layer: from the input micro-batch
/// into the layer buffers (laid out for `micro` rows).
fn forward(
    layers: &[Layer<'_>],
    shape: &Shape,
    params: &[f32],
    inputs: &[f32],
    buffers: &mut [f32],
    micro: usize,
    m: usize,
) {
    for (i, layer) in layers.iter().enumerate() {
        let p = place(layers, shape, i);
        let out_at = p.output * micro;
        let (before, from_out) = buffers.split_at_mut(out_at.min(buffers.len()));
        let x: &[f32] = match p.input {
            None => part(inputs, 0, m * p.width_in),
            Some(o) => part(before, o * micro, m * p.width_in),
        };
        let y = part_mut(from_out, 0, m * p.width_out);
        match layer {
            Layer::Dense(d) => {
                let w_len = d.weights_len().unwrap_or(0);
                let w = part(params, p.params, w_len);
                let b = part(params, p.params + w_len, d.outputs());
                d.forward_raw(x, w, b, y);
            }
            Layer::Activation(_) | Layer::Custom(_) => {
                let Some(a) = layer.activation() else {
                    continue;
                };
                if owns_buffer(layers, i) {
                    let _ = a.forward(x, m, p.width_out, y);
                } else {
                    let _ = a.forward_in_place(m, p.width_out, y);
                }
            }
        }
    }
}

/// The form in which `metric` takes the model's targets: `view` if it
/// accepts it, else, for float targets (`Values`, `rows × cols`), the same
/// rows as `OneHot`, one class per row by argmax, as the original's
/// `_to_labels` reads 2-D targets for the classification metrics (BCE with
/// several outputs, MSE on one-hot rows). The regression metrics take the
/// values themselves. On refusal, the more telling of the two errors.
fn metric_view<'t>(
    metric: &dyn Metric,
    view: Targets<'t>,
    rows: usize,
    cols: usize,
) -> Result<Targets<'t>, Error> {
    match (view, metric.check(view, rows, cols)) {
        (_, Ok(())) => Ok(view),
        (Targets::Values(t), Err(e)) => match metric.check(Targets::OneHot(t), rows, cols) {
            Ok(()) => Ok(Targets::OneHot(t)),
            Err(Error::UnsupportedTargets) => Err(e),
            Err(other) => Err(other),
        },
        (_, Err(e)) => Err(e),
    }
}

/// Whether the loss takes class labels.
fn categorical(loss: LossKind) -> bool {
    matches!(
        loss,
        LossKind::CategoricalCrossEntropy | LossKind::SparseCategoricalCrossEntropy
    )
}

/// Adds the per-sample losses of the rows of `y` (`t`: `f32` rows, one-hot
/// for the categorical losses) to `total`, in row order, so that an epoch's
/// losses are summed as one pairwise tree whatever the micro-batches;
/// returns the first that is not finite.
fn add_losses(
    loss: LossKind,
    y: &[f32],
    t: &[f32],
    cols: usize,
    total: &mut Stream,
) -> Option<f32> {
    let mut bad = None;
    let mut add = |l: f32| {
        if !l.is_finite() && bad.is_none() {
            bad = Some(l);
        }
        total.push(l);
    };
    match loss {
        LossKind::BinaryCrossEntropy => BinaryCrossEntropy.samples(y, t, cols).for_each(&mut add),
        LossKind::MeanSquaredError => MeanSquaredError.samples(y, t, cols).for_each(&mut add),
        LossKind::CategoricalCrossEntropy | LossKind::SparseCategoricalCrossEntropy => {
            CategoricalCrossEntropy
                .samples(y, Targets::OneHot(t), cols)
                .for_each(&mut add);
        }
    }
    bad
}

/// The loss gradient of `y` into `g`, divided by the step's `batch` rows;
/// the fused Softmax + CE gradient w.r.t. the logits when `fused`.
fn loss_backward(
    loss: LossKind,
    fused: bool,
    y: &[f32],
    t: &[f32],
    batch: usize,
    cols: usize,
    g: &mut [f32],
) {
    let labels = Targets::OneHot(t);
    match loss {
        _ if fused => SoftmaxCrossEntropy.backward_raw(y, labels, batch, cols, g),
        LossKind::BinaryCrossEntropy => BinaryCrossEntropy.backward_raw(y, t, batch, cols, g),
        LossKind::MeanSquaredError => MeanSquaredError.backward_raw(y, t, batch, cols, g),
        LossKind::CategoricalCrossEntropy | LossKind::SparseCategoricalCrossEntropy => {
            CategoricalCrossEntropy.backward_raw(y, labels, batch, cols, g)
        }
    }
}
