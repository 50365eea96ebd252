//! The kernels the benchmarks time, and their inputs, shared by
//! `benches/kernels.rs` (divan) and `benches/report.rs` (the markdown table
//! and the callgrind mode).
//!
//! Every case runs one public kernel of the crate over a `rows × cols`
//! batch of `n` elements: `100 × 10`, `1000 × 100` and `4000 × 1000` for the
//! three sizes (Softmax's shapes; the element-wise kernels ignore the
//! shape). Baselines run the same `n` elements through a `memcpy`
//! (`copy_from_slice`) or a plain loop of the `libm` calls a kernel makes.

#![allow(dead_code)] // each bench binary uses part of this module

use std::hint::black_box;
use std::time::{Duration, Instant};

use vanillanets::activations::{Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy,
};

/// The element counts every case is timed at.
pub const SIZES: [usize; 3] = [1_000, 100_000, 4_000_000];

/// `(rows, cols)` of a batch of `n` elements.
pub fn shape(n: usize) -> (usize, usize) {
    match n {
        1_000 => (100, 10),
        100_000 => (1_000, 100),
        4_000_000 => (4_000, 1_000),
        _ => (n / 100, 100),
    }
}

/// The inputs and output buffers of every case for one size.
pub struct Data {
    pub rows: usize,
    pub cols: usize,
    /// Logits / pre-activations, uniform in `[-6, 6)`.
    pub x: Vec<f32>,
    /// Upstream gradients, uniform in `[-1, 1)`.
    pub dv: Vec<f32>,
    /// Forward outputs of each activation, for the backwards.
    pub relu_y: Vec<f32>,
    pub leaky_y: Vec<f32>,
    pub sigmoid_y: Vec<f32>,
    pub tanh_y: Vec<f32>,
    pub softmax_y: Vec<f32>,
    /// Binary targets in `{0, 1}` (BCE) and real targets (MSE).
    pub binary: Vec<f32>,
    pub real: Vec<f32>,
    /// One class index per row.
    pub classes: Vec<usize>,
    /// Where every case writes.
    pub out: Vec<f32>,
    /// The buffer of the in-place cases (which are idempotent: ReLU of a
    /// ReLU output, its gradient masked again).
    pub in_place: Vec<f32>,
    /// Per-sample losses (`rows` elements).
    pub per_sample: Vec<f32>,
}

/// xorshift32, uniform in `[0, 1)`.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1 << 24) as f32
    }

    fn fill(&mut self, n: usize, lo: f32, hi: f32) -> Vec<f32> {
        (0..n).map(|_| lo + (hi - lo) * self.next()).collect()
    }
}

impl Data {
    pub fn new(n: usize) -> Self {
        let (rows, cols) = shape(n);
        assert_eq!(rows * cols, n);
        let mut rng = Rng(0x9e37_79b9);
        let x = rng.fill(n, -6.0, 6.0);
        let dv = rng.fill(n, -1.0, 1.0);
        let real = rng.fill(n, -1.0, 1.0);
        let binary = rng
            .fill(n, 0.0, 1.0)
            .into_iter()
            .map(|u| if u < 0.5 { 0.0 } else { 1.0 })
            .collect();
        let classes = (0..rows)
            .map(|_| ((rng.next() * cols as f32) as usize).min(cols - 1))
            .collect();
        let forward = |a: &dyn Fn(&[f32], &mut [f32])| {
            let mut y = vec![0.0; n];
            a(&x, &mut y);
            y
        };
        let relu_y = forward(&|x, y| ReLU.forward(x, rows, cols, y).unwrap());
        let leaky_y = forward(&|x, y| LeakyReLU::new().forward(x, rows, cols, y).unwrap());
        let sigmoid_y = forward(&|x, y| Sigmoid.forward(x, rows, cols, y).unwrap());
        let tanh_y = forward(&|x, y| Tanh.forward(x, rows, cols, y).unwrap());
        let softmax_y = forward(&|x, y| Softmax.forward(x, rows, cols, y).unwrap());
        Self {
            rows,
            cols,
            x,
            relu_y,
            leaky_y,
            sigmoid_y,
            tanh_y,
            softmax_y,
            binary,
            real,
            classes,
            out: vec![0.0; n],
            in_place: dv.clone(),
            dv,
            per_sample: vec![0.0; rows],
        }
    }
}

/// One timed operation over a whole [`Data`].
pub struct Case {
    /// A short name, also the divan bench's and the callgrind mode's.
    pub name: &'static str,
    pub run: fn(&mut Data),
}

macro_rules! case {
    ($name:literal, |$d:ident| $body:expr) => {
        Case {
            name: $name,
            run: |$d: &mut Data| {
                let r = $body;
                black_box(r);
            },
        }
    };
}

/// `Ok` of a kernel call, or a loud failure: a benchmark of an error path
/// would time nothing.
fn ok<T>(r: Result<T, vanillanets::Error>) -> T {
    r.expect("kernel refused the benchmark's shape")
}

/// Every case, in the report's order.
pub const CASES: &[Case] = &[
    case!("memcpy", |d| d.out.copy_from_slice(black_box(&d.x))),
    // -- activations
    case!("linear_fwd", |d| ok(Linear.forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("linear_bwd", |d| ok(Linear.backward(
        &d.x,
        black_box(&d.dv),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("relu_fwd", |d| ok(ReLU.forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("relu_bwd", |d| ok(ReLU.backward(
        black_box(&d.relu_y),
        &d.dv,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("relu_fwd_in_place", |d| ok(ReLU.forward_in_place(
        d.rows,
        d.cols,
        black_box(&mut d.in_place)
    ))),
    case!("relu_bwd_in_place", |d| ok(ReLU.backward_in_place(
        black_box(&d.relu_y),
        d.rows,
        d.cols,
        &mut d.in_place
    ))),
    case!("leaky_relu_fwd", |d| ok(LeakyReLU::new().forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("leaky_relu_bwd", |d| ok(LeakyReLU::new().backward(
        black_box(&d.leaky_y),
        &d.dv,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("sigmoid_fwd", |d| ok(Sigmoid.forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("sigmoid_bwd", |d| ok(Sigmoid.backward(
        black_box(&d.sigmoid_y),
        &d.dv,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("tanh_fwd", |d| ok(Tanh.forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("tanh_bwd", |d| ok(Tanh.backward(
        black_box(&d.tanh_y),
        &d.dv,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("softmax_fwd", |d| ok(Softmax.forward(
        black_box(&d.x),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("softmax_bwd", |d| ok(Softmax.backward(
        black_box(&d.softmax_y),
        &d.dv,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    // -- losses: per-sample forward, mean, backward
    case!("bce_fwd", |d| ok(BinaryCrossEntropy.forward(
        black_box(&d.sigmoid_y),
        &d.binary,
        d.rows,
        d.cols,
        &mut d.per_sample
    ))),
    case!("bce_calculate", |d| ok(BinaryCrossEntropy.calculate(
        black_box(&d.sigmoid_y),
        &d.binary,
        d.rows,
        d.cols
    ))),
    case!("bce_bwd", |d| ok(BinaryCrossEntropy.backward(
        black_box(&d.sigmoid_y),
        &d.binary,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("cce_fwd", |d| ok(CategoricalCrossEntropy.forward(
        black_box(&d.softmax_y),
        Labels::Classes(&d.classes),
        d.rows,
        d.cols,
        &mut d.per_sample
    ))),
    case!("cce_calculate", |d| ok(CategoricalCrossEntropy.calculate(
        black_box(&d.softmax_y),
        Labels::Classes(&d.classes),
        d.rows,
        d.cols
    ))),
    case!("cce_bwd", |d| ok(CategoricalCrossEntropy.backward(
        black_box(&d.softmax_y),
        Labels::Classes(&d.classes),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("mse_fwd", |d| ok(MeanSquaredError.forward(
        black_box(&d.x),
        &d.real,
        d.rows,
        d.cols,
        &mut d.per_sample
    ))),
    case!("mse_calculate", |d| ok(MeanSquaredError.calculate(
        black_box(&d.x),
        &d.real,
        d.rows,
        d.cols
    ))),
    case!("mse_bwd", |d| ok(MeanSquaredError.backward(
        black_box(&d.x),
        &d.real,
        d.rows,
        d.cols,
        &mut d.out
    ))),
    case!("fused_bwd", |d| ok(SoftmaxCrossEntropy.backward(
        black_box(&d.softmax_y),
        Labels::Classes(&d.classes),
        d.rows,
        d.cols,
        &mut d.out
    ))),
    // -- the one summation (NumPy's pairwise tree), and a plain f32 fold
    case!("sum", |d| vanillanets::math::sum(black_box(&d.x))),
    case!("fold_sum", |d| black_box(&d.x)
        .iter()
        .fold(0.0_f32, |s, &v| s + v)),
    // -- baselines: the libm calls of the default path, in a plain loop
    case!("libm_expf_neg", |d| {
        // Sigmoid's call: exp(-x)
        for (y, &x) in d.out.iter_mut().zip(black_box(&d.x)) {
            *y = libm::expf(-x);
        }
    }),
    case!("libm_tanhf", |d| {
        for (y, &x) in d.out.iter_mut().zip(black_box(&d.x)) {
            *y = libm::tanhf(x);
        }
    }),
    case!("libm_expf", |d| {
        // Softmax's call count: one exp per element
        for (y, &x) in d.out.iter_mut().zip(black_box(&d.x)) {
            *y = libm::expf(x);
        }
    }),
    case!("libm_logf_x2", |d| {
        // BCE's calls: ln(c) and ln(1 - c) per element
        let mut s = 0.0_f32;
        for &p in black_box(&d.sigmoid_y) {
            let c = vanillanets::losses::clip(p);
            s += libm::logf(c) + libm::logf(1.0 - c);
        }
        s
    }),
];

/// The case called `name`.
pub fn case(name: &str) -> Option<&'static Case> {
    CASES.iter().find(|c| c.name == name)
}

/// Runs `run` `iters` times. `scripts/callgrind.sh` counts the
/// instructions inside this function only (`--toggle-collect='*measured*'`).
#[inline(never)]
#[allow(dead_code)] // not every bench target times cases this way
pub fn measured(run: fn(&mut Data), data: &mut Data, iters: usize) {
    for _ in 0..iters {
        run(black_box(&mut *data));
    }
}

/// Median ns per element of `run` over `data` (`n` elements): samples of
/// about 2 ms, as many as fit in `budget` (5 to 31), after a warm-up at the
/// sample's length.
#[allow(dead_code)]
pub fn median_ns(run: fn(&mut Data), data: &mut Data, n: usize, budget: Duration) -> f64 {
    const SAMPLE_TIME: Duration = Duration::from_millis(2);
    let start = Instant::now();
    measured(run, data, 1);
    let once = start.elapsed().max(Duration::from_nanos(1));
    let iters = (SAMPLE_TIME.as_nanos() / once.as_nanos()).max(1) as usize;
    let per_sample = once * iters as u32;
    let samples = (budget.as_nanos() / per_sample.as_nanos().max(1)) as usize;
    let samples = samples.clamp(5, 31);
    measured(run, data, iters);
    let mut ns: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            measured(run, data, iters);
            start.elapsed().as_nanos() as f64 / (iters * n) as f64
        })
        .collect();
    ns.sort_by(f64::total_cmp);
    ns[ns.len() / 2]
}

/// The x86 vector features this build was compiled with, widest first.
#[allow(dead_code)]
pub fn simd_features() -> Vec<&'static str> {
    [
        ("avx512f", cfg!(target_feature = "avx512f")),
        ("avx2", cfg!(target_feature = "avx2")),
        ("fma", cfg!(target_feature = "fma")),
        ("sse4.1", cfg!(target_feature = "sse4.1")),
        ("sse2", cfg!(target_feature = "sse2")),
    ]
    .iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| *name)
    .collect()
}
