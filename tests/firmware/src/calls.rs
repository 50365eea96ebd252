//! Calls every public function of the crate with inputs the optimizer
//! cannot see through (`black_box`), and checks the results it can check
//! without `core::fmt` (formatting has panic paths of its own).
//!
//! Linked into `nopanic` (where any reachable panic fails the link) and into
//! `size_lib` (the size of the whole crate).

use core::hint::black_box as bb;
use vanillanets::activations::{
    Activation, ActivationKind, Cache, Elementwise, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
};
use vanillanets::layers::{initialize, Dense, Distribution, Gradients, Init, Layer};
use vanillanets::losses::{
    backward_path, clip, BackwardPath, BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss,
    LossKind, MeanSquaredError, SoftmaxCrossEntropy, SparseCategoricalCrossEntropy,
};
use vanillanets::metrics::{
    Accuracy, ConfusionMatrix, F1Score, Mae, Metric, Precision, R2Score, Recall, Rmse, Targets,
};
use vanillanets::model::{export, Control, FitOptions, Model, Network, Shuffle, Stop, Validation};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets::random::{Pcg32, Rng};
use vanillanets::{math, ActivationBuffer, Error, LossBuffer};

/// `&mut s[..len]` without a panic path (the harness must not add any).
fn part(s: &mut [f32], len: usize) -> &mut [f32] {
    s.get_mut(..len).unwrap_or(&mut [])
}

/// The four kernels of `a` on opaque shapes and slices; true when each
/// result is what the shape predicts.
fn activation<A: Activation>(a: &A, x: &[f32], rows: usize, cols: usize) -> bool {
    let mut y = [0.0_f32; 16];
    let mut dx = [0.0_f32; 16];
    let n = rows.checked_mul(cols);
    let fits = n.is_some_and(|n| n <= 16);
    let fits_x = fits && n == Some(x.len());
    let len = bb(n.unwrap_or(0).min(16));
    let fw = a.forward(x, rows, cols, part(&mut y, len));
    let ip = a.forward_in_place(rows, cols, part(&mut y, len));
    let y_in = bb(y);
    let bw = a.backward(
        x,
        y_in.get(..len).unwrap_or(&[]),
        rows,
        cols,
        part(&mut dx, len),
    );
    let bi = a.backward_in_place(x, rows, cols, part(&mut dx, len));
    bb(&y);
    // With a non-zero `cols`, each kernel succeeds exactly when its slices
    // have the shape's length.
    cols == 0
        || (fw.is_ok() == fits_x
            && ip.is_ok() == fits
            && bw.is_ok() == fits_x
            && bi.is_ok() == fits_x)
}

/// A user-defined activation whose gradient reads the inputs: `y = x²`.
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

fn activations() -> bool {
    let x = bb([0.5_f32, -1.0, f32::NAN, 2.0, -0.0, 3.0, f32::INFINITY, -7.0]);
    let (rows, cols) = (bb(2_usize), bb(4_usize));
    let mut ok = true;
    ok &= activation(&Linear, &x, rows, cols);
    ok &= activation(&ReLU, &x, rows, cols);
    ok &= activation(&LeakyReLU::new(), &x, rows, cols);
    ok &= activation(&LeakyReLU::with_slope(bb(0.2)), &x, rows, cols);
    ok &= activation(&Sigmoid, &x, rows, cols);
    ok &= activation(&Tanh, &x, rows, cols);
    ok &= activation(&Softmax, &x, rows, cols);
    ok &= activation(&Square, &x, rows, cols);
    ok &= Square.cache() == Cache::Inputs && bb(Softmax).cache() == Cache::Output;
    for kind in [
        ActivationKind::from(Linear),
        ActivationKind::from(ReLU),
        ActivationKind::from(LeakyReLU::new()),
        ActivationKind::from(Sigmoid),
        ActivationKind::from(Tanh),
        ActivationKind::from(Softmax),
    ] {
        ok &= activation(&bb(kind), &x, rows, cols);
    }
    // overflowing and empty shapes, mismatched lengths
    ok &= activation(&Softmax, &x, bb(usize::MAX), bb(3));
    ok &= activation(&Softmax, &x, rows, bb(0));
    ok &= activation(&ReLU, x.get(..bb(7)).unwrap_or(&[]), rows, cols);
    ok &= LeakyReLU::new().slope() == 0.1;
    ok
}

fn buffers() -> bool {
    let x = bb([0.5_f32, -1.0, 2.0, -3.0, 1.0, 0.0]);
    let mut ok = true;
    // An error's code and text, from a value the optimiser cannot see.
    let e = bb(Error::BackwardBeforeForward);
    ok &= e.code() == 5 && !e.message().is_empty();
    let mut layer: ActivationBuffer<ActivationKind, 6> =
        ActivationBuffer::new(bb(ActivationKind::Softmax));
    ok &= layer.backward(&x) == Err(Error::BackwardBeforeForward);
    ok &= layer.forward(&x, bb(2), bb(3)).is_ok();
    ok &= layer.backward(&x).is_ok();
    ok &= layer.dinputs().map(<[f32]>::len) == Some(6);
    ok &= layer.forward(&x, bb(3), bb(3)).is_err();
    ok &= layer.output().len() == 6 && layer.shape() == (2, 3) && layer.capacity() == 6;
    ok &= *layer.activation() == ActivationKind::Softmax;

    let mut square: ActivationBuffer<Square, 6> = ActivationBuffer::new(Square);
    ok &= square.forward(&x, bb(3), bb(2)).is_ok();
    ok &= square.backward(&x).is_ok();
    ok &= square.backward(&x) == Err(Error::BackwardBeforeForward);

    let mut loss: LossBuffer<MeanSquaredError, 6> = LossBuffer::new(MeanSquaredError);
    ok &= loss.dinputs().is_none();
    ok &= loss.calculate(&x, &x, bb(2), bb(3)) == Ok(0.0);
    ok &= loss.backward(&x, &x, bb(2), bb(3)).is_ok();
    ok &= loss.backward(&x, &x, bb(7), bb(1)).is_err();
    ok &= loss.dinputs().is_some() && loss.shape() == (2, 3) && loss.capacity() == 6;
    ok &= *loss.loss() == MeanSquaredError;
    ok
}

fn loss<L: Loss>(l: &L, p: &[f32], t: L::Targets<'_>, rows: usize, cols: usize) -> bool {
    let mut per_sample = [0.0_f32; 4];
    let mut dx = [0.0_f32; 12];
    let rows_len = bb(rows.min(4));
    let len = bb(rows.saturating_mul(cols).min(12));
    let a = l
        .forward(p, t, rows, cols, part(&mut per_sample, rows_len))
        .is_ok();
    let b = l.calculate(p, t, rows, cols).is_ok();
    let c = l.backward(p, t, rows, cols, part(&mut dx, len)).is_ok();
    bb((&per_sample, &dx));
    a == c && (b == a || rows == 0)
}

fn losses() -> bool {
    let p = bb([
        0.0_f32,
        1e-7,
        0.9,
        1.0,
        0.5,
        f32::NAN,
        0.2,
        0.3,
        0.5,
        0.6,
        0.3,
        0.1,
    ]);
    let y = bb([
        1.0_f32, 0.0, 1.0, 0.0, 0.5, 0.5, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0,
    ]);
    let classes = bb([0_usize, 2, 1, 3]);
    let (rows, cols) = (bb(4_usize), bb(3_usize));
    let mut ok = true;
    ok &= loss(&BinaryCrossEntropy, &p, &y, rows, cols);
    ok &= loss(&MeanSquaredError, &p, &y, rows, cols);
    // `Values` is refused by the categorical losses (UnsupportedTargets).
    for labels in [
        Labels::Classes(&classes),
        Labels::OneHot(&y),
        Labels::Values(&y),
    ] {
        ok &= loss(&CategoricalCrossEntropy, &p, labels, rows, cols);
        ok &= loss(&SparseCategoricalCrossEntropy, &p, labels, rows, cols);
        ok &= loss(&SoftmaxCrossEntropy, &p, labels, rows, cols);
        let mut v = p;
        let _ = SoftmaxCrossEntropy.backward_in_place(labels, rows, cols, &mut v);
        let mut out = [0.0_f32; 12];
        let _ = SoftmaxCrossEntropy.forward_logits(&p, labels, rows, cols, &mut out);
        bb((&v, &out));
    }
    ok &= loss(&MeanSquaredError, &p, &y, bb(usize::MAX), bb(2));
    ok &= loss(&BinaryCrossEntropy, &p, &y, bb(0), cols);
    ok &= clip(bb(0.0)) > 0.0;
    ok &= backward_path(
        bb(ActivationKind::Softmax),
        bb(LossKind::CategoricalCrossEntropy),
    ) == BackwardPath::Fused;
    ok &= backward_path(
        bb(ActivationKind::Sigmoid),
        bb(LossKind::BinaryCrossEntropy),
    ) == BackwardPath::Chained;
    ok
}

fn scalars() -> bool {
    let x = bb(0.0_f32);
    let v = bb([1.0_f32; 300]);
    math::exp(x) == 1.0
        && math::sigmoid(x) == 0.5
        && math::tanh(x) == 0.0
        && math::sum(v.get(..bb(300)).unwrap_or(&[])) == 300.0
}

static SQUARE: Square = Square;

/// A 2-3-3 net with a user-defined activation, and a 3-2 one.
const NET: [Layer<'static>; 5] = [
    Layer::Dense(Dense::new(2, 3)),
    Layer::Activation(ActivationKind::ReLU),
    Layer::Custom(&SQUARE),
    Layer::Dense(Dense::new(3, 3)),
    Layer::Activation(ActivationKind::Softmax),
];
const BAD: [Layer<'static>; 2] = [
    Layer::Dense(Dense::new(2, 3)),
    Layer::Dense(Dense::new(2, 1)),
];

fn layers_and_optimizers() -> bool {
    let mut ok = true;
    let d = bb(Dense::new(2, 2));
    let (x, w, b) = (
        bb([1.0_f32, 2.0]),
        bb([0.5_f32, -1.0, 2.0, 0.0]),
        bb([0.0_f32, 1.0]),
    );
    let mut y = [0.0_f32; 2];
    ok &= d.forward(&x, &w, &b, bb(1), &mut y).is_ok();
    let (mut dw, mut db, mut dx) = ([0.0_f32; 4], [0.0_f32; 2], [0.0_f32; 2]);
    ok &= d
        .backward_parameters(&x, &y, bb(1), Gradients::Accumulate, &mut dw, &mut db)
        .is_ok();
    ok &= d.backward_inputs(&w, &y, bb(1), &mut dx).is_ok();
    ok &= d.forward(&x, &w, &b, bb(2), &mut y).is_err();
    ok &= d.parameter_len() == Some(6) && d.weights_len() == Some(4);

    for opt in [
        Sgd::new(bb(0.1), bb(0.01), bb(0.9)).map(Optimizer::from),
        Sgd::new(bb(0.1), 0.0, 0.0).map(Optimizer::from),
        Adam::new(bb(0.01), bb(0.001), 1e-7, 0.9, 0.999).map(Optimizer::from),
        Ok(Optimizer::from(Adam::default())),
        Ok(Optimizer::from(Sgd::default())),
    ] {
        let Ok(opt) = opt else { return false };
        let mut p = bb([1.0_f32; 4]);
        let mut state = [0.0_f32; 8];
        let len = opt.state_len(4);
        ok &= opt.step(bb(3), &w, part(&mut state, len), &mut p).is_ok();
        ok &= opt.learning_rate(bb(2)) > 0.0;
    }
    ok &= Sgd::new(bb(-1.0), 0.0, 0.0).is_err() && Adam::new(0.1, 0.0, 0.0, 0.9, 0.9).is_err();

    let mut rng = Pcg32::new(bb(5));
    ok &= rng.below(bb(7)) < 7 && rng.next_f64() < 1.0;
    let mut params = [0.0_f32; Network::parameter_len(&NET)];
    ok &= initialize(
        &NET,
        &mut params,
        Init::Auto,
        Distribution::Normal,
        bb(0.0),
        &mut rng,
    )
    .is_ok();
    ok &= initialize(
        &NET,
        &mut params,
        Init::Xavier,
        Distribution::Uniform,
        0.1,
        &mut rng,
    )
    .is_ok();
    ok &= initialize(
        &BAD,
        &mut params,
        Init::He,
        Distribution::Normal,
        0.0,
        &mut rng,
    )
    .is_err();
    ok
}

fn metrics() -> bool {
    let p = bb([0.7_f32, 0.2, 0.1, 0.1, 0.2, 0.7]);
    let t = bb([0_usize, 2]);
    let values = bb([0.5_f32, 0.1, 0.2, 0.1, 0.3, 0.6]);
    let mut ok = true;
    let mut accuracy = Accuracy::new();
    let mut precision = Precision::<3>::new();
    let mut recall = Recall::<3>::new();
    let mut f1 = F1Score::<3>::new();
    let (mut r2, mut mae, mut rmse) = (R2Score::new(), Mae::new(), Rmse::new());
    let all: [&mut dyn Metric; 7] = [
        &mut accuracy,
        &mut precision,
        &mut recall,
        &mut f1,
        &mut r2,
        &mut mae,
        &mut rmse,
    ];
    for m in all {
        for targets in [
            Targets::Classes(&t),
            Targets::Values(&values),
            Targets::OneHot(&values),
        ] {
            let _ = m.check(targets, bb(2), bb(3));
            let _ = m.observe(&p, targets, bb(2), bb(3));
        }
        ok &= !m.name().is_empty();
        let _ = bb(m.result());
        m.reset();
    }
    let cm = ConfusionMatrix::new(bb(3));
    let mut matrix = [0_u32; 9];
    ok &= cm
        .update(&p, Targets::Classes(&t), bb(2), bb(3), &mut matrix)
        .is_ok();
    ok &= cm.used_classes(&matrix).is_ok();
    ok
}

fn model() -> bool {
    let x = bb([0.1_f32, 0.9, 0.8, 0.2, 0.5, 0.5, 0.3, 0.7, 0.9, 0.1]);
    let classes = bb([0_usize, 1, 2, 0, 1]);
    let mut ok = true;
    let mut params = [0.1_f32; Network::parameter_len(&NET)];
    let adam = Optimizer::from(Adam::default());
    let mut memory = [0.0_f32; 128];
    ok &= Model::training_len(&NET, &adam, 2) <= memory.len();
    let Ok(mut model) = Model::new(
        &NET,
        bb(LossKind::SparseCategoricalCrossEntropy),
        adam,
        bb(2),
        &mut params,
        &mut memory,
    ) else {
        return false;
    };
    let mut order = [0_usize; 5];
    let mut accuracy = Accuracy::new();
    let mut val_accuracy = Accuracy::new();
    let mut val_metrics: [&mut dyn Metric; 1] = [&mut val_accuracy];
    let fit = model.fit(
        &x,
        Targets::Classes(&classes),
        bb(5),
        FitOptions {
            epochs: bb(2),
            batch_size: Some(bb(3)),
            shuffle: Some(Shuffle {
                indices: &mut order,
                seed: bb(1),
            }),
            validation: Some(Validation {
                inputs: &x,
                targets: Targets::Classes(&classes),
                rows: bb(5),
                metrics: &mut val_metrics,
            }),
        },
        &mut [&mut accuracy],
        |e| {
            let _ = bb(e.loss);
            let _ = bb(e.validation.as_ref().map(|v| v.loss));
            Control::Continue
        },
    );
    ok &= fit.is_ok_and(|f| f.stop == Stop::Finished);
    let mut out = [0.0_f32; 15];
    ok &= model.predict(&x, bb(5), &mut out).is_ok();
    // A non-finite input is refused (NonFiniteInput) by predict and evaluate.
    let mut bad = x;
    if let Some(v) = bad.get_mut(bb(3)) {
        *v = bb(f32::NEG_INFINITY);
    }
    ok &= model.predict(&bad, bb(5), &mut out).is_err();
    ok &= model
        .evaluate(&bad, Targets::Classes(&classes), bb(5), &mut [])
        .is_err();
    ok &= model
        .evaluate(&x, Targets::Classes(&classes), bb(5), &mut [&mut accuracy])
        .is_ok();
    ok &= model
        .fit(
            &x,
            Targets::Classes(&classes),
            bb(0),
            FitOptions::epochs(1),
            &mut [],
            |_| Control::Stop,
        )
        .is_err();
    let _ = bb((model.steps(), model.backward_path(), model.loss()));
    let net = model.network();
    let mut scratch = [0.0_f32; Network::scratch_len(&NET, 5)];
    let mut again = [0.0_f32; 15];
    ok &= net.predict(&x, bb(5), &mut scratch, &mut again).is_ok();
    ok &= out == again;
    let mut small = [0.0_f32; 4];
    ok &= net.predict(&x, bb(5), &mut small, &mut again).is_err();
    ok &= Network::new(&BAD, &[]).is_err();
    let mut tiny = [0.0_f32; 4];
    ok &= Model::new(
        &NET,
        LossKind::MeanSquaredError,
        adam,
        1,
        part(&mut [0.0; 24], 24),
        &mut tiny,
    )
    .is_err();
    ok
}

/// The parameter record: written, read back, refused when a byte is off.
fn record() -> bool {
    let mut ok = true;
    let params = bb([0.5_f32; Network::parameter_len(&NET)]);
    let mut page = [0_u8; export::record_len(&NET) + 8];
    let len = export::write(bb(&NET), &params, bb(&mut page[..]));
    ok &= len == Ok(export::record_len(&NET));
    let mut back = [0.0_f32; Network::parameter_len(&NET)];
    ok &= export::read(bb(&NET), bb(&page[..]), &mut back).is_ok() && back == params;
    let flip = bb(40_usize);
    if let Some(b) = page.get_mut(flip) {
        *b ^= 1;
    }
    ok &= export::check(bb(&NET), bb(&page[..])).is_err();
    let short = page.get(..bb(20)).unwrap_or(&[]);
    ok &= export::read(bb(&BAD), bb(short), &mut back).is_err();
    ok &= export::crc32(bb(b"123456789")) == 0xCBF4_3926;
    let mut ram = [0.0_f32; Network::parameter_len(&NET)];
    ok &= Network::from_record(bb(&NET), bb(&page[..]), &mut ram).is_err();
    let _ = bb(export::fingerprint(bb(&NET)));
    let mut memory = [0.0_f32; 64];
    let sgd = Optimizer::from(Sgd::default());
    let mut p = params;
    if let Ok(mut model) = Model::new(
        &NET,
        LossKind::MeanSquaredError,
        sgd,
        1,
        &mut p,
        &mut memory,
    ) {
        let mut out = [0_u8; export::record_len(&NET)];
        ok &= model.export_parameters(bb(&mut out[..])).is_ok();
        ok &= model.load_parameters(bb(&out[..])).is_ok();
        ok &= model.load_parameters(bb(&page[..])).is_err();
    } else {
        ok = false;
    }
    ok
}

/// Calls everything; true when every checked result is as expected.
pub fn exercise() -> bool {
    let a = activations();
    let b = buffers();
    let c = losses();
    let d = scalars();
    let e = layers_and_optimizers();
    let f = metrics();
    let g = model();
    let h = record();
    a & b & c & d & e & f & g & h
}
