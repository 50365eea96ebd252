//! The crate's side of the same-run comparison with VanillaNets 1.0.1 and
//! PyTorch (`scripts/peers.sh`): training epochs, the kernels of
//! `benches/common` on the peers' data, and a per-phase breakdown of one
//! epoch. It prints machine-readable lines (tab-separated) for
//! `scripts/peers.py`, which builds it once per configuration and calls it
//! once per round.
//!
//! ```sh
//! cargo bench --bench epochs -- --info
//! cargo bench --bench epochs -- --dump target/peers/data   # inputs for the peers
//! cargo bench --bench epochs -- --epochs small 50 5         # 5 fits of 50 epochs
//! cargo bench --bench epochs -- --kernels                   # one sample per kernel
//! cargo bench --bench epochs -- --breakdown large           # where an epoch goes
//! ```
//!
//! The three training cases are full-batch Adam: on the classic 3-class
//! spiral `small` (300 samples, 2-64-3, ReLU then Softmax) and `large`
//! (3000 samples, 2-128-128-3), and `digits` (1 347 samples, 64-64-10,
//! the size of the digits data set, on synthetic blobs);
//! SparseCategoricalCrossEntropy (so the fused
//! Softmax + CE backward), micro-batch = all samples, no metrics: what
//! VanillaNets' `Model.fit` does per epoch. The data and the initial
//! parameters come from fixed seeds, and `--dump` writes them so that the
//! peers train the same network on the same data.
//!
//! Nothing here asserts on timings: it only prints.

mod common;

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use vanillanets::activations::{Activation, ActivationKind, ReLU, Softmax};
use vanillanets::layers::{initialize, Dense, Distribution, Gradients, Init, Layer};
use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss, LossKind, SoftmaxCrossEntropy};
use vanillanets::metrics::Targets;
use vanillanets::model::{Control, FitOptions, Model, Network};
use vanillanets::optimizers::{Adam, Optimizer};
use vanillanets::random::Pcg32;

use common::{median_ns, simd_features, Data, CASES};

/// The kernels of `benches/common` that the peers also run, in the
/// table's order.
const KERNELS: &[&str] = &[
    "memcpy",
    "sigmoid_fwd",
    "tanh_fwd",
    "relu_fwd",
    "relu_bwd",
    "leaky_relu_fwd",
    "leaky_relu_bwd",
    "softmax_fwd",
    "softmax_bwd",
];

/// The kernels' element count (Softmax: 1000 × 100).
const KERNEL_N: usize = 100_000;

/// Adam's learning rate in every case (the other hyperparameters are the
/// original's defaults).
const LEARNING_RATE: f64 = 0.01;

const SMALL: [Layer; 4] = [
    Layer::Dense(Dense::new(2, 64)),
    Layer::Activation(ActivationKind::ReLU),
    Layer::Dense(Dense::new(64, 3)),
    Layer::Activation(ActivationKind::Softmax),
];

/// The size of the digits data set (8 × 8 images, 10 classes, 1 347 rows
/// in a 75 % training split): synthetic blobs stand in for it.
const DIGITS: [Layer; 4] = [
    Layer::Dense(Dense::new(64, 64)),
    Layer::Activation(ActivationKind::ReLU),
    Layer::Dense(Dense::new(64, 10)),
    Layer::Activation(ActivationKind::Softmax),
];

const LARGE: [Layer; 6] = [
    Layer::Dense(Dense::new(2, 128)),
    Layer::Activation(ActivationKind::ReLU),
    Layer::Dense(Dense::new(128, 128)),
    Layer::Activation(ActivationKind::ReLU),
    Layer::Dense(Dense::new(128, 3)),
    Layer::Activation(ActivationKind::Softmax),
];

/// One training case: the layers, the samples, and the seeds.
struct Case {
    name: &'static str,
    layers: &'static [Layer<'static>],
    rows: usize,
    data_seed: u32,
    init_seed: u64,
}

const CASES_FIT: [Case; 3] = [
    Case {
        name: "small",
        layers: &SMALL,
        rows: 300,
        data_seed: 0x9E37_79B9,
        init_seed: 1,
    },
    Case {
        name: "large",
        layers: &LARGE,
        rows: 3000,
        data_seed: 0x2545_F491,
        init_seed: 2,
    },
    Case {
        name: "digits",
        layers: &DIGITS,
        rows: 1347,
        data_seed: 0x1B87_3593,
        init_seed: 3,
    },
];

fn fit_case(name: &str) -> &'static Case {
    CASES_FIT
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| fail(&format!("no case {name:?}: small, large or digits")))
}

fn fail(message: &str) -> ! {
    eprintln!("epochs: {message}");
    std::process::exit(2)
}

/// xorshift32 (as `examples/train.rs`): the spiral's noise.
struct Rng(u32);

impl Rng {
    fn uniform(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32
    }

    fn normal(&mut self) -> f32 {
        let u = self.uniform().max(1e-7);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// The classic 3-class spiral, `rows / 3` points per arm, noise 0.2, the
/// classes in blocks (as VanillaNets' examples lay it out).
fn spiral(rows: usize, seed: u32) -> (Vec<f32>, Vec<usize>) {
    let per_class = rows / 3;
    let mut rng = Rng(seed);
    let mut x = Vec::with_capacity(2 * rows);
    let mut y = Vec::with_capacity(rows);
    for class in 0..3 {
        for i in 0..per_class {
            let r = i as f32 / (per_class - 1) as f32;
            let t = class as f32 * 4.0 + r * 4.0 + 0.2 * rng.normal();
            x.extend([r * (2.5 * t).sin(), r * (2.5 * t).cos()]);
            y.push(class);
        }
    }
    (x, y)
}

/// The case's data: the spiral, or for 64 features ten Gaussian blobs
/// (centres uniform in [0, 16), as the digits' pixel range, noise 4).
fn data(case: &Case) -> (Vec<f32>, Vec<usize>) {
    let Some(Layer::Dense(first)) = case.layers.first() else {
        fail("a case starts with a Dense layer")
    };
    if first.inputs() == 2 {
        return spiral(case.rows, case.data_seed);
    }
    let (features, classes) = (first.inputs(), 10);
    let mut rng = Rng(case.data_seed);
    let centres: Vec<f32> = (0..classes * features)
        .map(|_| 16.0 * rng.uniform())
        .collect();
    let mut x = Vec::with_capacity(case.rows * features);
    let mut y = Vec::with_capacity(case.rows);
    for i in 0..case.rows {
        let class = i % classes;
        let centre = &centres[class * features..][..features];
        x.extend(centre.iter().map(|c| (c + 4.0 * rng.normal()) / 16.0));
        y.push(class);
    }
    (x, y)
}

/// He-normal weights and zero biases, the original's `init='auto'` for a
/// ReLU net, from the crate's own generator.
fn initial_parameters(case: &Case) -> Vec<f32> {
    let mut params = vec![0.0_f32; Network::parameter_len(case.layers)];
    initialize(
        case.layers,
        &mut params,
        Init::Auto,
        Distribution::Normal,
        0.0,
        &mut Pcg32::new(case.init_seed),
    )
    .expect("valid layers");
    params
}

fn adam() -> Optimizer {
    Optimizer::from(Adam::new(LEARNING_RATE, 0.0, 1e-7, 0.9, 0.999).expect("valid Adam"))
}

/// The training data and a fresh model's memory for one case.
struct Fit {
    case: &'static Case,
    x: Vec<f32>,
    y: Vec<usize>,
    initial: Vec<f32>,
    params: Vec<f32>,
    memory: Vec<f32>,
}

impl Fit {
    fn new(case: &'static Case) -> Self {
        let (x, y) = data(case);
        let initial = initial_parameters(case);
        let memory = vec![0.0; Model::training_len(case.layers, &adam(), case.rows)];
        Self {
            case,
            x,
            y,
            params: initial.clone(),
            initial,
            memory,
        }
    }

    /// `epochs` full-batch epochs from the initial parameters: the time of
    /// `fit` alone, and the last epoch's loss.
    fn run(&mut self, epochs: usize) -> (Duration, f32) {
        self.params.copy_from_slice(&self.initial);
        let case = self.case;
        let mut model = Model::new(
            case.layers,
            LossKind::SparseCategoricalCrossEntropy,
            adam(),
            case.rows,
            &mut self.params,
            &mut self.memory,
        )
        .expect("model");
        let start = Instant::now();
        let fit = model
            .fit(
                black_box(&self.x),
                Targets::Classes(&self.y),
                case.rows,
                FitOptions::epochs(epochs),
                &mut [],
                |_| Control::Continue,
            )
            .expect("fit");
        let elapsed = start.elapsed();
        (elapsed, black_box(fit.loss))
    }
}

/// `--epochs CASE EPOCHS REPS`: `REPS` fits of `EPOCHS` epochs, each
/// from the same initial parameters, after one short warm-up fit.
fn epochs(name: &str, epochs: usize, reps: usize) {
    let mut fit = Fit::new(fit_case(name));
    fit.run(epochs.min(5)); // warm-up: page in the memory and the code
    for _ in 0..reps {
        let (t, loss) = fit.run(epochs);
        let ms = t.as_secs_f64() * 1e3 / epochs as f64;
        println!("epoch\t{name}\t{ms:.6}\t{loss:.7}");
    }
}

/// Time budget per kernel, split into samples of about 2 ms, 5 to 31 of
/// them (`common::median_ns`; `scripts/peers.py` uses the same numbers for
/// the peers).
const CASE_TIME: Duration = Duration::from_millis(150);

/// `--kernels`: one median per kernel of [`KERNELS`].
fn kernels() {
    let mut data = Data::new(KERNEL_N);
    for &name in KERNELS {
        let case = CASES
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| fail(&format!("no kernel case {name}")));
        let ns = median_ns(case.run, &mut data, KERNEL_N, CASE_TIME);
        println!("kernel\t{name}\t{ns:.6}");
    }
}

fn write_f32(dir: &Path, name: &str, v: &[f32]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(dir.join(name), bytes).expect("write");
}

/// `--dump DIR`: the kernels' inputs and both training cases, as raw
/// little-endian files (`f32`, or `u32` class indices), and one line per
/// file on stdout (`dump NAME ROWS COLS`).
fn dump(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the dump folder");
    let d = Data::new(KERNEL_N);
    for (name, v) in [
        ("kernel_x", &d.x),
        ("kernel_dv", &d.dv),
        ("kernel_relu_y", &d.relu_y),
        ("kernel_leaky_y", &d.leaky_y),
        ("kernel_softmax_y", &d.softmax_y),
    ] {
        write_f32(dir, &format!("{name}.f32"), v);
        println!("dump\t{name}\t{}\t{}", d.rows, d.cols);
    }
    for case in &CASES_FIT {
        let (x, y) = data(case);
        let params = initial_parameters(case);
        write_f32(dir, &format!("{}_x.f32", case.name), &x);
        let labels: Vec<u8> = y.iter().flat_map(|&c| (c as u32).to_le_bytes()).collect();
        std::fs::write(dir.join(format!("{}_y.u32", case.name)), labels).expect("write");
        write_f32(dir, &format!("{}_params.f32", case.name), &params);
        let widths: Vec<String> = dense_layers(case.layers)
            .map(|d| format!("{}x{}", d.inputs(), d.outputs()))
            .collect();
        println!(
            "dump\t{}\t{}\t{}\t{}",
            case.name,
            case.rows,
            params.len(),
            widths.join(",")
        );
    }
}

fn dense_layers(layers: &'static [Layer<'static>]) -> impl Iterator<Item = Dense> {
    layers.iter().filter_map(|l| match l {
        Layer::Dense(d) => Some(*d),
        _ => None,
    })
}

/// Median of `reps` timings of `f`, in ms.
fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// `--breakdown CASE [REPS]`: one full-batch epoch of the case taken apart
/// with the public kernels on the model's shapes, each phase timed alone
/// (median of `REPS`), then `fit`'s own epoch for comparison. The phases
/// are what `Model::fit` runs per epoch; the gathering of the micro-batch
/// and the one-hot targets are left out (one row copy per sample).
fn breakdown(name: &str, reps: usize) {
    let case = fit_case(name);
    let rows = case.rows;
    let mut fit = Fit::new(case);
    // Train a little first so that the activations look like training's.
    fit.run(20);
    let params = fit.params.clone();
    let dense: Vec<Dense> = dense_layers(case.layers).collect();
    // Each Dense layer's weights and biases in the flat layout.
    let mut slices = Vec::new();
    let mut at = 0;
    for d in &dense {
        let w = d.inputs() * d.outputs();
        slices.push((at, w, d.outputs()));
        at += w + d.outputs();
    }
    let weights = |i: usize| &params[slices[i].0..slices[i].0 + slices[i].1];
    let biases = |i: usize| &params[slices[i].0 + slices[i].1..][..slices[i].2];
    // The forward outputs of every Dense layer (ReLU / Softmax in place).
    let mut outs: Vec<Vec<f32>> = dense
        .iter()
        .map(|d| vec![0.0; rows * d.outputs()])
        .collect();
    let last = dense.len() - 1;
    let input = |i: usize, outs: &[Vec<f32>]| -> Vec<f32> {
        if i == 0 {
            fit.x.clone()
        } else {
            outs[i - 1].clone()
        }
    };
    for (i, d) in dense.iter().enumerate() {
        let x = input(i, &outs);
        d.forward(&x, weights(i), biases(i), rows, &mut outs[i])
            .unwrap();
        if i < last {
            ReLU.forward_in_place(rows, d.outputs(), &mut outs[i])
                .unwrap();
        } else {
            Softmax
                .forward_in_place(rows, d.outputs(), &mut outs[i])
                .unwrap();
        }
    }
    let labels = Labels::Classes(&fit.y);
    let mut grads = vec![0.0_f32; params.len()];
    let mut per_sample = vec![0.0_f32; rows];
    let out = |phase: String, ms: f64| println!("phase\t{name}\t{phase}\t{ms:.6}");
    let mut total = 0.0;
    for (i, d) in dense.iter().enumerate() {
        let x = input(i, &outs);
        let mut y = outs[i].clone();
        let (k, n) = (d.inputs(), d.outputs());
        let ms = median_ms(reps, || {
            d.forward(black_box(&x), weights(i), biases(i), rows, &mut y)
                .unwrap()
        });
        total += ms;
        out(format!("dense{} forward {k}->{n}", i + 1), ms);
        let act = if i < last { "ReLU" } else { "Softmax" };
        let z = y.clone();
        let ms = median_ms(reps, || {
            y.copy_from_slice(&z);
            if i < last {
                ReLU.forward_in_place(rows, n, black_box(&mut y)).unwrap();
            } else {
                Softmax
                    .forward_in_place(rows, n, black_box(&mut y))
                    .unwrap();
            }
        });
        let copy = median_ms(reps, || y.copy_from_slice(black_box(&z)));
        total += ms - copy;
        out(format!("{act} forward {rows}x{n}"), ms - copy);
    }
    let probs = outs[last].clone();
    let classes = dense[last].outputs();
    let ms = median_ms(reps, || {
        CategoricalCrossEntropy
            .forward(black_box(&probs), labels, rows, classes, &mut per_sample)
            .unwrap();
        black_box(vanillanets::math::sum(&per_sample));
    });
    total += ms;
    out("loss (per-sample CE + pairwise sum)".into(), ms);
    let mut g = vec![0.0_f32; rows * classes];
    let ms = median_ms(reps, || {
        SoftmaxCrossEntropy
            .backward(black_box(&probs), labels, rows, classes, &mut g)
            .unwrap()
    });
    total += ms;
    out("fused Softmax + CE backward".into(), ms);
    let mut dv = g.clone();
    for i in (0..dense.len()).rev() {
        let d = dense[i];
        let (k, n) = (d.inputs(), d.outputs());
        let x = input(i, &outs);
        let (w_at, w_len, b_len) = slices[i];
        let (dw, rest) = grads[w_at..].split_at_mut(w_len);
        let db = &mut rest[..b_len];
        let ms = median_ms(reps, || {
            d.backward_parameters(black_box(&x), &dv, rows, Gradients::Overwrite, dw, db)
                .unwrap()
        });
        total += ms;
        out(format!("dense{} backward_parameters {k}x{n}", i + 1), ms);
        if i == 0 {
            break;
        }
        let mut dx = vec![0.0_f32; rows * k];
        let ms = median_ms(reps, || {
            d.backward_inputs(weights(i), black_box(&dv), rows, &mut dx)
                .unwrap()
        });
        total += ms;
        out(format!("dense{} backward_inputs {n}->{k}", i + 1), ms);
        let y = &outs[i - 1];
        let d0 = dx.clone();
        let ms = median_ms(reps, || {
            dx.copy_from_slice(&d0);
            ReLU.backward_in_place(black_box(y), rows, k, &mut dx)
                .unwrap()
        });
        let copy = median_ms(reps, || dx.copy_from_slice(black_box(&d0)));
        total += ms - copy;
        out(format!("ReLU backward {rows}x{k}"), ms - copy);
        dv = dx;
    }
    let optimizer = adam();
    let mut state = vec![0.0_f32; optimizer.state_len(params.len())];
    let mut p = params.clone();
    let mut step = 0;
    let ms = median_ms(reps, || {
        optimizer
            .step(step, black_box(&grads), &mut state, &mut p)
            .unwrap();
        step += 1;
    });
    total += ms;
    out(format!("Adam step ({} parameters)", params.len()), ms);
    out("sum of the phases".into(), total);
    let epochs_per_fit = 20;
    let ms = median_ms(reps.div_ceil(4).max(3), || {
        fit.run(epochs_per_fit);
    }) / epochs_per_fit as f64;
    out("Model::fit, per epoch".into(), ms);
}

fn info() {
    let on = simd_features();
    let lanes = if cfg!(target_feature = "avx512f") {
        16
    } else if cfg!(target_feature = "avx") {
        8
    } else if cfg!(target_feature = "sse2") {
        4
    } else {
        1
    };
    println!(
        "info\tfast-math={}\tfeatures={}\tf32_lanes={lanes}",
        if cfg!(feature = "fast-math") {
            "on"
        } else {
            "off"
        },
        on.join(",")
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let number = |i: usize, default: usize| arg(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    match arg(0) {
        Some("--info") => info(),
        Some("--dump") => dump(Path::new(arg(1).unwrap_or("target/peers/data"))),
        Some("--epochs") => epochs(arg(1).unwrap_or("small"), number(2, 50), number(3, 5)),
        Some("--kernels") => kernels(),
        Some("--breakdown") => breakdown(arg(1).unwrap_or("large"), number(2, 21)),
        _ => {
            // `cargo bench` with no arguments: a short look at everything.
            info();
            kernels();
            for case in &CASES_FIT {
                epochs(case.name, 50, 3);
            }
            breakdown("large", 11);
        }
    }
    std::io::stdout().flush().ok();
}
