//! Arbitrary models, hyperparameters, memory and data through the training
//! API: `Sgd::new`, `Adam::new`, `Model::new`, `fit`, `evaluate`,
//! `predict`, `Network::predict`.
//!
//! - Every error is predicted from the spec's rules, written here
//!   independently of the crate, and an error changes nothing: the
//!   parameters and the memory keep their bits, and so does the model's
//!   step count.
//! - `Ok` from `fit` means: the run finished or was stopped by the
//!   callback, with finite epoch losses unless a mean over two or more
//!   finite sample losses overflowed (to `+inf` for MSE, whose sample
//!   losses are never negative; to `±inf` or NaN for the others, whose
//!   arbitrary targets can make them negative), or the last epoch the
//!   callback saw had a non-finite loss and `fit` said `NonFiniteLoss`.
//! - `fit` and `Model::predict` refuse the first NaN or infinite input
//!   with `NonFiniteInput`, and take only finite inputs.
//! - `Model::predict` and `Network::predict` give the same bits.
//! - The parameter record (`model::export`) gives back the same bits, and
//!   refuses any changed byte or a cut record without writing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanillanets::activations::{ActivationKind, Cache, Elementwise};
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Metric, Targets};
use vanillanets::model::{export, Control, FitOptions, Model, Network, Shuffle, Stop, Validation};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets::Error;
use vanillanets_fuzz::Gen;
use vanillanets_test::bits::bits;

/// A user-defined activation whose gradient reads its inputs.
struct Square;

impl Elementwise for Square {
    const CACHE: Cache = Cache::Inputs;
    fn apply(&self, x: f32) -> f32 {
        x * x
    }
    fn gradient(&self, x: f32, dv: f32) -> f32 {
        2.0 * x * dv
    }
}

static SQUARE: Square = Square;

fn layer(g: &mut Gen) -> Layer<'static> {
    match g.byte() % 10 {
        0..=4 => Layer::Dense(Dense::new(g.dim(), g.dim())),
        5 => Layer::Activation(ActivationKind::ReLU),
        6 => Layer::Activation(ActivationKind::Softmax),
        7 => Layer::Activation(match g.byte() % 4 {
            0 => ActivationKind::Sigmoid,
            1 => ActivationKind::Tanh,
            2 => ActivationKind::Linear,
            _ => ActivationKind::LeakyReLU { slope: 0.1 },
        }),
        8 => Layer::Custom(&SQUARE),
        _ => Layer::Activation(ActivationKind::LeakyReLU {
            slope: f32::from_bits(g.u32()),
        }),
    }
}

/// Mostly a chain of Dense layers whose widths agree.
fn layers(g: &mut Gen) -> Vec<Layer<'static>> {
    let count = 1 + usize::from(g.byte() % 5);
    let mut out: Vec<Layer<'static>> = (0..count).map(|_| layer(g)).collect();
    if g.byte() % 4 != 0 {
        // Make consecutive Dense layers agree, with small widths.
        let mut width = 1 + usize::from(g.byte() % 4);
        for l in &mut out {
            if let Layer::Dense(_) = l {
                let next = 1 + usize::from(g.byte() % 5);
                *l = Layer::Dense(Dense::new(width, next));
                width = next;
            }
        }
    }
    out
}

/// The spec's hyperparameter rules, written out, for the values the
/// `f32` step uses: rates finite and `> 0` in `f64` and rounded to `f32`,
/// momentum and betas in `[0, 1)` in both.
fn predict_optimizer(
    lr: f64,
    decay: f64,
    m_or_eps: f64,
    b1: f64,
    b2: f64,
    adam: bool,
) -> Result<(), Error> {
    let bad = |name| Err(Error::InvalidHyperparameter { name });
    let unit = |v: f64| (0.0..1.0).contains(&v) && (v as f32) < 1.0;
    let rate = |v: f64| v.is_finite() && v > 0.0 && (v as f32).is_finite() && (v as f32) > 0.0;
    if !rate(lr) {
        return bad("learning_rate");
    }
    if !(decay.is_finite() && decay >= 0.0) {
        return bad("decay");
    }
    if adam {
        if !rate(m_or_eps) {
            return bad("epsilon");
        }
        if !unit(b1) {
            return bad("beta_1");
        }
        if !unit(b2) {
            return bad("beta_2");
        }
    } else if !unit(m_or_eps) {
        return bad("momentum");
    }
    Ok(())
}

fn hyper(g: &mut Gen, sane: f64) -> f64 {
    match g.byte() % 8 {
        0 => f64::from_bits(g.u64()),
        1 => -sane,
        2 => 0.0,
        _ => sane * (1.0 + f64::from(g.byte()) / 64.0),
    }
}

/// What `Model::new` should say, from the spec's rules.
fn predict_model(
    layers: &[Layer],
    params: usize,
    micro: usize,
    memory: usize,
    opt: &Optimizer,
) -> Result<(), Error> {
    let mut width: Option<usize> = None;
    let mut total: usize = 0;
    for (i, l) in layers.iter().enumerate() {
        // LeakyReLU's slope: finite and > 0, as `with_slope` documents.
        if let Layer::Activation(ActivationKind::LeakyReLU { slope }) = l {
            if !(slope.is_finite() && *slope > 0.0) {
                return Err(Error::InvalidHyperparameter { name: "slope" });
            }
        }
        let Layer::Dense(d) = l else { continue };
        let (a, b) = (d.inputs(), d.outputs());
        if a == 0 || b == 0 {
            return Err(Error::EmptyShape { rows: a, cols: b });
        }
        let overflow = Error::ShapeOverflow { rows: a, cols: b };
        let own = (a.checked_add(1).and_then(|r| r.checked_mul(b))).ok_or(overflow)?;
        if let Some(w) = width {
            if w != a {
                return Err(Error::LayerMismatch {
                    layer: i,
                    expected: w,
                    actual: a,
                });
            }
        }
        total = total.checked_add(own).ok_or(overflow)?;
        width = Some(b);
    }
    if width.is_none() {
        return Err(Error::NoDenseLayer);
    }
    if params != total {
        return Err(Error::LengthMismatch {
            argument: "params",
            expected: total,
            actual: params,
        });
    }
    if micro == 0 {
        return Err(Error::InvalidHyperparameter {
            name: "micro_batch",
        });
    }
    let needed = Model::training_len(layers, opt, micro);
    if needed == usize::MAX || memory < needed {
        return Err(Error::ArenaTooSmall {
            needed,
            given: memory,
        });
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen::new(data);
    let layers = layers(&mut g);
    let adam = g.bool();
    let (lr, decay, third) = (
        hyper(&mut g, 0.01),
        if g.bool() { 0.0 } else { hyper(&mut g, 0.001) },
        hyper(&mut g, if adam { 1e-7 } else { 0.5 }),
    );
    let (b1, b2) = if g.bool() {
        (0.9, 0.999)
    } else {
        (hyper(&mut g, 0.5), hyper(&mut g, 0.5))
    };
    let built = if adam {
        Adam::new(lr, decay, third, b1, b2).map(Optimizer::from)
    } else {
        Sgd::new(lr, decay, third).map(Optimizer::from)
    };
    assert_eq!(
        built.map(|_| ()),
        predict_optimizer(lr, decay, third, b1, b2, adam)
    );
    let Ok(opt) = built else { return };

    let loss = match g.byte() % 4 {
        0 => LossKind::BinaryCrossEntropy,
        1 => LossKind::CategoricalCrossEntropy,
        2 => LossKind::SparseCategoricalCrossEntropy,
        _ => LossKind::MeanSquaredError,
    };
    let parameters = Network::parameter_len(&layers).min(4096);
    let params_len = g.len(Some(parameters));
    let micro = usize::from(g.byte() % 6);
    let needed = Model::training_len(&layers, &opt, micro.max(1)).min(1 << 16);
    let memory_len = g.len(Some(needed));
    let mut params: Vec<f32> = if g.bool() {
        (0..params_len)
            .map(|i| ((i * 37 % 19) as f32 - 9.0) / 16.0)
            .collect()
    } else {
        g.values(params_len)
    };
    let mut memory = vec![f32::from_bits(0x7fc0_1234); memory_len];
    let (p0, m0) = (bits(&params), bits(&memory));
    let want = predict_model(&layers, params_len, micro, memory_len, &opt);
    let model = Model::new(&layers, loss, opt, micro, &mut params, &mut memory);
    let mut model = match model {
        Err(e) => {
            assert_eq!(Err(e), want);
            assert_eq!(bits(&params), p0, "an error changed the parameters");
            assert_eq!(bits(&memory), m0, "an error changed the memory");
            return;
        }
        Ok(m) => {
            assert_eq!(want, Ok(()));
            m
        }
    };
    let (inputs, outputs) = (model.network().inputs(), model.network().outputs());

    // Data: mostly well-formed, sometimes not.
    let rows = usize::from(g.byte() % 9);
    let x_len = g.len(Some(rows * inputs));
    let x = g.values(x_len);
    let classes_len = g.len(Some(rows));
    let classes: Vec<usize> = (0..classes_len).map(|_| g.label(outputs)).collect();
    let values_len = g.len(Some(rows * outputs));
    let values: Vec<f32> = (0..values_len).map(|_| g.prob()).collect();
    let targets = match g.byte() % 3 {
        0 => Targets::Classes(&classes),
        1 => Targets::Values(&values),
        _ => Targets::OneHot(&values),
    };
    let order_len = g.len(Some(rows));
    let mut order = vec![0_usize; order_len];
    // Validation on the training data itself: after `fit`, `evaluate`
    // must give the last validation loss's bits.
    let mut val_accuracy = Accuracy::new();
    let mut val_metrics: [&mut dyn Metric; 1] = [&mut val_accuracy];
    let validate = g.bool();
    let options = FitOptions {
        epochs: usize::from(g.byte() % 4),
        batch_size: if g.bool() {
            None
        } else {
            Some(usize::from(g.byte() % 5))
        },
        shuffle: if g.bool() {
            Some(Shuffle {
                indices: &mut order,
                seed: g.u64(),
            })
        } else {
            None
        },
        validation: validate.then(|| Validation {
            inputs: &x,
            targets,
            rows,
            metrics: &mut val_metrics,
        }),
    };
    let epochs = options.epochs;
    let before = bits(model.parameters());
    let steps = model.steps();
    let mut accuracy = Accuracy::new();
    let mut losses = Vec::new();
    let mut val_losses = Vec::new();
    let stop_at = usize::from(g.byte() % 4);
    let fit = model.fit(
        &x,
        targets,
        rows,
        options,
        &mut [&mut accuracy as &mut dyn Metric],
        |e| {
            losses.push(e.loss);
            if let Some(v) = &e.validation {
                val_losses.push(v.loss);
            }
            if e.epoch == stop_at {
                Control::Stop
            } else {
                Control::Continue
            }
        },
    );
    // Non-finite inputs are refused, naming the first; `Ok` means every
    // input was finite.
    let finite = |v: &[f32]| v.iter().all(|f| f.is_finite());
    match fit {
        Err(Error::NonFiniteInput { row, column }) => {
            let at = row * inputs + column;
            assert!(column < inputs && !x[at].is_finite() && finite(&x[..at]));
        }
        Ok(_) => assert!(finite(&x), "fit took a non-finite input"),
        Err(_) => {}
    }
    match fit {
        Err(_) => {
            assert_eq!(
                bits(model.parameters()),
                before,
                "an error changed the parameters"
            );
            assert_eq!(model.steps(), steps);
            assert!(losses.is_empty(), "the callback ran before an error");
        }
        Ok(f) => {
            if validate && f.stop != Stop::NonFiniteLoss && f.epochs > 0 {
                assert_eq!(val_losses.len(), f.epochs, "one validation per epoch");
                let now = model.evaluate(&x, targets, rows, &mut []);
                assert_eq!(
                    now.map(f32::to_bits),
                    Ok(val_losses[f.epochs - 1].to_bits()),
                    "the last validation loss is not evaluate's"
                );
            }
            // An epoch's mean of finite sample losses: finite, or overflowed
            // as described at the top (a one-sample mean is its finite loss).
            let mean_ok = |l: f32| {
                l.is_finite()
                    || (rows >= 2
                        && (l == f32::INFINITY || !matches!(loss, LossKind::MeanSquaredError)))
            };
            match f.stop {
                Stop::NonFiniteLoss => {
                    let last = losses.last().copied().unwrap_or(0.0);
                    assert!(
                        !last.is_finite(),
                        "NonFiniteLoss with a finite last loss {losses:?}"
                    );
                    assert!(
                        losses[..losses.len() - 1].iter().all(|&l| mean_ok(l)),
                        "{losses:?}"
                    );
                    assert_eq!(f.epochs + 1, losses.len());
                }
                Stop::Finished | Stop::Callback => {
                    assert!(losses.iter().all(|&l| mean_ok(l)), "{losses:?}");
                    assert_eq!(f.epochs, losses.len());
                    if f.stop == Stop::Finished {
                        assert_eq!(f.epochs, epochs);
                    } else {
                        assert_eq!(f.epochs, stop_at);
                    }
                }
            }
        }
    }

    // Prediction through the model and through the exported network.
    let mut out = vec![0.0_f32; rows * outputs];
    let predicted = model.predict(&x, rows, &mut out);
    if let Err(Error::NonFiniteInput { row, column }) = predicted {
        let at = row * inputs + column;
        assert!(column < inputs && !x[at].is_finite() && finite(&x[..at]));
    }
    if predicted.is_ok() {
        assert!(finite(&x), "predict took a non-finite input");
        let net = model.network();
        let mut scratch = vec![0.0_f32; Network::scratch_len(&layers, rows)];
        let mut again = vec![0.0_f32; rows * outputs];
        net.predict(&x, rows, &mut scratch, &mut again)
            .expect("the same data");
        let canon = |v: &[f32]| {
            v.iter()
                .map(|f| if f.is_nan() { u32::MAX } else { f.to_bits() })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            canon(&out),
            canon(&again),
            "Model and Network predict differently"
        );
    }

    // The parameter record: its own bits back; one byte changed, or the
    // record cut short, is refused and changes nothing (CRC-32 detects
    // every burst of up to 32 bits; the header fields are checked).
    let len = export::record_len(&layers);
    let mut page = vec![0_u8; len];
    assert_eq!(model.export_parameters(&mut page), Ok(len));
    let mut back = vec![0.0_f32; model.parameters().len()];
    export::read(&layers, &page, &mut back).expect("the model's own record");
    let before = bits(model.parameters());
    assert_eq!(bits(&back), before, "the record changed a bit");
    let at = g.u32() as usize % len;
    page[at] ^= g.byte().max(1);
    assert!(
        model.load_parameters(&page).is_err(),
        "byte {at} of {len} changed and the record was accepted"
    );
    let cut = g.u32() as usize % len;
    assert!(export::check(&layers, &page[..cut]).is_err());
    assert_eq!(
        bits(model.parameters()),
        before,
        "an error changed the parameters"
    );
});
