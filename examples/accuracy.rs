//! Exhaustive accuracy sweep of the scalar functions behind the activations,
//! the crate's one sweep of all 2³² inputs.
//!
//! - `math::exp` against `libm::expf` (distance in steps, which must be 0 by
//!   default and at most 1 with the `fast-math` feature; how many inputs
//!   differ; NaN, `±inf`, `0` and subnormal results at exactly the same
//!   inputs) and against `f64::exp`;
//! - `math::sigmoid` against `1 / (1 + exp(-x))` in f64 and `math::tanh`
//!   against `f64::tanh`, over all 2³² `f32` bit patterns, beside the same
//!   measure of the default path's formulas (`libm::expf`,
//!   `1 / (1 + libm::expf(-x))`, `libm::tanhf`), which the `fast-math`
//!   build replaces;
//! - the functions evaluated over slices, as the kernels call them
//!   (vectorised with `fast-math`), and the `Sigmoid` and `Tanh` kernels
//!   themselves, equal to the scalar calls bit for bit (NaN payloads aside);
//! - the exact thresholds where Sigmoid is `0` / `1` and Tanh is `±1`,
//!   monotonicity between adjacent inputs, and NaN for every NaN bit
//!   pattern;
//! - `Softmax` over every pair / triple of a dense grid of values against an
//!   f64 softmax of the same `f32` inputs.
//!
//! It prints a markdown table and exits non-zero if any bound below fails.
//! The bounds are `vanillanets_test::Bounds` (`tests/support`), the ones
//! `tests/accuracy.rs` and the fuzz harness hold the crate to.
//!
//! ```sh
//! cargo run --release --example accuracy                        # 5 to 10 minutes on 2 cores
//! cargo run --release --example accuracy --features fast-math
//! cargo run --release --example accuracy -- --quick             # every 61st block: seconds
//! ```
//!
//! ULP error: `|y - r| / ulp(r)`, where `r` is the f64 reference (not
//! rounded) and `ulp(r)` is the spacing of the `f32` values in the binade of
//! `r`: `2^(e - 23)` for `2^e <= |r| < 2^(e + 1)`, `e >= -126`, and the
//! subnormal spacing `2⁻¹⁴⁹` for `|r| < 2⁻¹²⁶`. A result that is exactly
//! `r` rounded to `f32` (infinities included) has error at most 0.5.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use vanillanets::activations::{Activation, Sigmoid, Softmax, Tanh};
use vanillanets::math;
use vanillanets_test::bits::{next_up, same};
use vanillanets_test::bounds::{softmax_rel_bound, softmax_sum_bound, SOFTMAX_ABS_FLOOR};
use vanillanets_test::numpy::{softmax64, softmax_row_is_nan};
use vanillanets_test::ulp::{class, steps, ulp_err, MIN_NORMAL};
use vanillanets_test::Bounds;

/// The figures of this build (`fast-math` or not).
const BOUNDS: Bounds = Bounds::of(cfg!(feature = "fast-math"));

/// Softmax: each output's relative error over the documented bound
/// `(|x_j - m| + k + 4) · u` must stay at most this (outputs `>= 2⁻¹²⁶`).
const SOFTMAX_MAX_REL_OVER_BOUND: f64 = 1.0;
/// Softmax: `|Σ y - 1|` over the documented `k · 2u` must stay at most this.
const SOFTMAX_MAX_SUM_OVER_BOUND: f64 = 1.0;

const USAGE: &str = "\
usage: cargo run --release --example accuracy [--features fast-math] -- [options]

  (none)         all 2^32 inputs, Softmax on 2000-value pairs and 150-value
                 triples: 5 to 10 minutes on 2 cores
  --quick        every 61st block of 2^16 inputs plus the blocks of the
                 thresholds and of the known worst inputs (about 1/60 of
                 the inputs), Softmax on smaller grids: seconds; the same
                 checks, on the sample
  --threads N    worker threads (default 2)
  -h, --help     this text";

// ---------------------------------------------------------------------------
// The sweep of exp, sigmoid and tanh
// ---------------------------------------------------------------------------

/// The unit of work: blocks of 2¹⁶ consecutive bit patterns.
const BLOCK_BITS: u32 = 16;
const BLOCK: usize = 1 << BLOCK_BITS;
const BLOCKS: u32 = 1 << (32 - BLOCK_BITS);
/// `--quick` sweeps every this many-th block.
const QUICK_STRIDE: usize = 61;

/// A maximum and the input where it occurs.
#[derive(Clone, Copy, Debug, Default)]
struct Max {
    value: f64,
    at: f32,
}

impl Max {
    fn see(&mut self, value: f64, at: f32) {
        if value > self.value || (value.is_nan() && !self.value.is_nan()) {
            self.value = value;
            self.at = at;
        }
    }
    fn merge(&mut self, o: Max) {
        self.see(o.value, o.at);
    }
}

/// The smallest and the largest `x` seen.
#[derive(Clone, Copy, Debug)]
struct Range {
    min: f32,
    max: f32,
}

impl Default for Range {
    fn default() -> Self {
        Range {
            min: f32::INFINITY,
            max: f32::NEG_INFINITY,
        }
    }
}

impl Range {
    fn see(&mut self, x: f32) {
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
    }
    fn merge(&mut self, o: Range) {
        self.see(o.min);
        self.see(o.max);
    }
}

/// One function's errors against its f64 reference `r`.
#[derive(Clone, Copy, Debug, Default)]
struct Errors {
    /// ULP error, everywhere.
    ulp: Max,
    /// ULP error where `|r| >= 2⁻¹²⁶`.
    ulp_normal: Max,
    /// Absolute error where `|r|` is within the `f32` range.
    abs: Max,
    /// Absolute error where `|r| < 2⁻¹²⁶`.
    abs_subnormal: Max,
}

impl Errors {
    fn see(&mut self, y: f32, r: f64, x: f32) {
        let u = ulp_err(y, r);
        let abs = (f64::from(y) - r).abs();
        self.ulp.see(u, x);
        if r.abs() >= MIN_NORMAL {
            self.ulp_normal.see(u, x);
        } else {
            self.abs_subnormal.see(abs, x);
        }
        if r.abs() <= f64::from(f32::MAX) {
            self.abs.see(abs, x);
        }
    }
    fn merge(&mut self, o: &Errors) {
        self.ulp.merge(o.ulp);
        self.ulp_normal.merge(o.ulp_normal);
        self.abs.merge(o.abs);
        self.abs_subnormal.merge(o.abs_subnormal);
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Sweep {
    inputs: u64,
    nan_inputs: u64,
    /// NaN out for a non-NaN in, or a number out for a NaN in.
    nan_mismatches: u64,
    /// The slice loop or a kernel differs from the scalar call.
    kernel_mismatches: u64,
    kernel_mismatch_at: f32,
    exp_steps_vs_libm: u64,
    exp_steps_at: f32,
    /// Inputs (not NaN) where `exp` and `libm::expf` differ at all.
    exp_differ: u64,
    /// Inputs where one of `exp`, `libm::expf` is NaN, infinite, zero or
    /// subnormal and the other is not the same.
    exp_class_mismatches: u64,
    exp: Errors,
    sig: Errors,
    tanh: Errors,
    /// The default path's formulas (`libm`), for comparison.
    libm_exp: Errors,
    libm_sig: Errors,
    libm_tanh: Errors,
    exp_finite: Range,
    exp_nonzero: Range,
    sig_out_of_range: u64,
    sig_one: Range,
    sig_not_one: Range,
    sig_zero: Range,
    sig_not_zero: Range,
    sig_not_monotone: u64,
    tanh_out_of_range: u64,
    tanh_not_odd: u64,
    tanh_one: Range,
    tanh_not_one: Range,
    tanh_minus_one: Range,
    tanh_not_minus_one: Range,
    tanh_not_monotone: u64,
}

/// One block's inputs, `exp` of them by a slice loop, and the Sigmoid and
/// Tanh kernels' outputs.
struct Buffers {
    x: Vec<f32>,
    exp: Vec<f32>,
    sigmoid: Vec<f32>,
    tanh: Vec<f32>,
}

impl Buffers {
    fn new() -> Self {
        let z = || vec![0.0_f32; BLOCK];
        Buffers {
            x: z(),
            exp: z(),
            sigmoid: z(),
            tanh: z(),
        }
    }
}

impl Sweep {
    fn merge(&mut self, o: &Sweep) {
        self.inputs += o.inputs;
        self.nan_inputs += o.nan_inputs;
        self.nan_mismatches += o.nan_mismatches;
        if o.kernel_mismatches > 0 {
            self.kernel_mismatch_at = o.kernel_mismatch_at;
        }
        self.kernel_mismatches += o.kernel_mismatches;
        if o.exp_steps_vs_libm > self.exp_steps_vs_libm {
            self.exp_steps_vs_libm = o.exp_steps_vs_libm;
            self.exp_steps_at = o.exp_steps_at;
        }
        self.exp_differ += o.exp_differ;
        self.exp_class_mismatches += o.exp_class_mismatches;
        self.exp.merge(&o.exp);
        self.sig.merge(&o.sig);
        self.tanh.merge(&o.tanh);
        self.libm_exp.merge(&o.libm_exp);
        self.libm_sig.merge(&o.libm_sig);
        self.libm_tanh.merge(&o.libm_tanh);
        self.exp_finite.merge(o.exp_finite);
        self.exp_nonzero.merge(o.exp_nonzero);
        self.sig_out_of_range += o.sig_out_of_range;
        self.sig_one.merge(o.sig_one);
        self.sig_not_one.merge(o.sig_not_one);
        self.sig_zero.merge(o.sig_zero);
        self.sig_not_zero.merge(o.sig_not_zero);
        self.sig_not_monotone += o.sig_not_monotone;
        self.tanh_out_of_range += o.tanh_out_of_range;
        self.tanh_not_odd += o.tanh_not_odd;
        self.tanh_one.merge(o.tanh_one);
        self.tanh_not_one.merge(o.tanh_not_one);
        self.tanh_minus_one.merge(o.tanh_minus_one);
        self.tanh_not_minus_one.merge(o.tanh_not_minus_one);
        self.tanh_not_monotone += o.tanh_not_monotone;
    }

    /// Every bit pattern of block `block` (all of one sign, in increasing
    /// order).
    fn run(&mut self, block: u32, buf: &mut Buffers) {
        let start = block << BLOCK_BITS;
        for (i, x) in buf.x.iter_mut().enumerate() {
            *x = f32::from_bits(start + i as u32);
        }
        // The functions over slices, as the kernels call them (vectorised
        // with `fast-math`): `exp` in a plain loop (Softmax calls it so, on
        // `x - max`), `sigmoid` and `tanh` by their kernels.
        for (e, &x) in buf.exp.iter_mut().zip(&buf.x) {
            *e = math::exp(x);
        }
        Sigmoid
            .forward(&buf.x, 1, BLOCK, &mut buf.sigmoid)
            .expect("valid shape");
        Tanh.forward(&buf.x, 1, BLOCK, &mut buf.tanh)
            .expect("valid shape");

        // Within one sign, increasing bits walk |x| upwards; the first
        // input of a block is compared with the last of the block before.
        let negative = start >= 0x8000_0000;
        let mut prev: Option<(f32, f32)> = match start & 0x7fff_ffff {
            0 => None,
            _ => Some(f32::from_bits(start - 1))
                .filter(|p| !p.is_nan())
                .map(|p| (math::sigmoid(p), math::tanh(p))),
        };
        for i in 0..BLOCK {
            let x = buf.x[i];
            self.inputs += 1;
            let e = math::exp(x);
            let s = math::sigmoid(x);
            let t = math::tanh(x);
            if !(same(e, buf.exp[i]) && same(s, buf.sigmoid[i]) && same(t, buf.tanh[i])) {
                self.kernel_mismatches += 1;
                self.kernel_mismatch_at = x;
            }
            let lib_e = libm::expf(x);
            self.see_exp_vs_libm(x, e, lib_e);
            if x.is_nan() {
                self.nan_inputs += 1;
                if !(e.is_nan() && s.is_nan() && t.is_nan()) {
                    self.nan_mismatches += 1;
                }
                prev = None;
                continue;
            }
            if e.is_nan() || s.is_nan() || t.is_nan() {
                self.nan_mismatches += 1;
            }
            let xd = f64::from(x);

            // exp
            let re = xd.exp();
            self.exp.see(e, re, x);
            if e.is_finite() {
                self.exp_finite.see(x);
            }
            if e != 0.0 {
                self.exp_nonzero.see(x);
            }

            // sigmoid
            let rs = 1.0 / (1.0 + (-xd).exp());
            self.sig.see(s, rs, x);
            if !(0.0..=1.0).contains(&s) {
                self.sig_out_of_range += 1;
            }
            if s == 1.0 {
                self.sig_one.see(x);
            } else {
                self.sig_not_one.see(x);
            }
            if s == 0.0 {
                self.sig_zero.see(x);
            } else {
                self.sig_not_zero.see(x);
            }

            // tanh
            let rt = xd.tanh();
            self.tanh.see(t, rt, x);
            if !(-1.0..=1.0).contains(&t) {
                self.tanh_out_of_range += 1;
            }
            if math::tanh(-x).to_bits() != (-t).to_bits() {
                self.tanh_not_odd += 1;
            }
            if t == 1.0 {
                self.tanh_one.see(x);
            } else {
                self.tanh_not_one.see(x);
            }
            if t == -1.0 {
                self.tanh_minus_one.see(x);
            } else {
                self.tanh_not_minus_one.see(x);
            }

            // the default path's formulas, which the default build runs
            // (so there they are the errors above; exp is checked to be
            // libm::expf bit for bit)
            if BOUNDS.fast_math {
                self.libm_exp.see(lib_e, re, x);
                self.libm_sig.see(1.0 / (1.0 + libm::expf(-x)), rs, x);
                self.libm_tanh.see(libm::tanhf(x), rt, x);
            }

            // monotone in x: compare with the previous (smaller |x|) input
            if let Some((ps, pt)) = prev {
                let (sig_ok, tanh_ok) = if negative {
                    (s <= ps, t <= pt)
                } else {
                    (s >= ps, t >= pt)
                };
                self.sig_not_monotone += u64::from(!sig_ok);
                self.tanh_not_monotone += u64::from(!tanh_ok);
            }
            prev = Some((s, t));
        }
    }

    fn see_exp_vs_libm(&mut self, x: f32, e: f32, lib_e: f32) {
        let d = steps(e, lib_e);
        if d > self.exp_steps_vs_libm {
            self.exp_steps_vs_libm = d;
            self.exp_steps_at = x;
        }
        if !lib_e.is_nan() && d > 0 {
            self.exp_differ += 1;
        }
        if class(e) != class(lib_e) {
            self.exp_class_mismatches += 1;
        }
    }
}

/// The blocks `--quick` sweeps: every `QUICK_STRIDE`-th, and those of the
/// thresholds (and the float above each) and of the known worst inputs.
fn quick_blocks() -> Vec<u32> {
    let b = BOUNDS;
    let at = [
        b.sigmoid_zero_up_to,
        b.sigmoid_one_from,
        b.tanh_one_from,
        -b.tanh_one_from,
        -16.635_704,  // sigmoid's worst ULP error
        0.233_295_62, // tanh's worst (default build)
        0.114_682_14, // tanh's worst (fast-math)
        -37.776_226,  // exp's worst against f64 (default build)
        -5.860_646_2, // exp's worst against f64 (fast-math)
        88.722_84,    // exp overflows from here
        -103.972_08,  // exp is 0 from here down
    ];
    let mut blocks: Vec<u32> = (0..BLOCKS).step_by(QUICK_STRIDE).collect();
    for x in at {
        for v in [x, next_up(x)] {
            blocks.push(v.to_bits() >> BLOCK_BITS);
        }
    }
    blocks.sort_unstable();
    blocks.dedup();
    blocks
}

/// The NaN bit patterns in `blocks`.
fn nan_patterns(blocks: &[u32]) -> u64 {
    // exponent all ones: 0x7f80 (with the infinity, mantissa 0) to 0x7fff
    blocks
        .iter()
        .map(|&b| match b & 0x7fff {
            0x7f80 => BLOCK as u64 - 1,
            0x7f81..=0x7fff => BLOCK as u64,
            _ => 0,
        })
        .sum()
}

fn sweep(blocks: &[u32], threads: usize) -> Sweep {
    let next = AtomicUsize::new(0);
    let parts: Vec<Sweep> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut s = Sweep::default();
                    let mut buf = Buffers::new();
                    while let Some(&b) = blocks.get(next.fetch_add(1, Ordering::Relaxed)) {
                        s.run(b, &mut buf);
                    }
                    s
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("sweep thread panicked"))
            .collect()
    });
    let mut all = Sweep::default();
    for p in &parts {
        all.merge(p);
    }
    all
}

// ---------------------------------------------------------------------------
// Softmax on a dense grid of rows
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, Default)]
struct SoftmaxStats {
    rows: u64,
    nan_rows: u64,
    nan_rule_violations: u64,
    ulp: Max,
    abs: Max,
    rel_over_bound: Max,
    /// Over `r · bound + SOFTMAX_ABS_FLOOR`, every output.
    over_floored_bound: Max,
    subnormal_abs: Max,
    /// The documented relative bound alone, where the output is subnormal.
    subnormal_rel_over_bound: Max,
    sum_over_bound: Max,
    /// The row where `rel_over_bound` peaks.
    worst_row: [f32; 3],
}

/// `n` values evenly spaced over `[-100, 100]`, plus special values.
fn grid(n: usize) -> Vec<f32> {
    let mut g: Vec<f32> = (0..n)
        .map(|i| (-100.0 + 200.0 * i as f64 / (n - 1) as f64) as f32)
        .collect();
    g.extend_from_slice(&[
        0.0,
        -0.0,
        1e-45,
        -1e-45,
        1e-30,
        -1e-30,
        88.72,
        -88.72,
        104.0,
        -104.0,
        1000.0,
        -1000.0,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ]);
    g
}

/// Checks one row of Softmax output `y` against the f64 softmax of `x`.
fn check_softmax_row(x: &[f32], y: &[f32], st: &mut SoftmaxStats) {
    st.rows += 1;
    let k = x.len();
    if softmax_row_is_nan(x) {
        st.nan_rows += 1;
        if !y.iter().all(|v| v.is_nan()) {
            st.nan_rule_violations += 1;
        }
        return;
    }
    if y.iter().any(|v| v.is_nan()) {
        st.nan_rule_violations += 1;
        return;
    }
    let xd: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let m = xd.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let reference = softmax64(&xd);
    let at = x.first().copied().unwrap_or(0.0);
    for j in 0..k {
        let r = reference[j];
        let got = f64::from(y[j]);
        let err = (got - r).abs();
        st.ulp.see(ulp_err(y[j], r), at);
        st.abs.see(err, at);
        let bound = softmax_rel_bound(xd[j], m, k);
        // r == 0 (an input of -inf, or far below the max) needs no bound
        let relative = if r == 0.0 { 0.0 } else { r * bound };
        st.over_floored_bound
            .see(err / (relative + SOFTMAX_ABS_FLOOR), at);
        if r >= MIN_NORMAL {
            let rel = err / r / bound;
            if rel > st.rel_over_bound.value {
                st.worst_row = [0.0; 3];
                st.worst_row[..k].copy_from_slice(x);
            }
            st.rel_over_bound.see(rel, at);
        } else {
            st.subnormal_abs.see(err, at);
            if r > 0.0 {
                st.subnormal_rel_over_bound.see(err / (r * bound), at);
            }
        }
    }
    let sum: f64 = y.iter().map(|&v| f64::from(v)).sum();
    st.sum_over_bound
        .see((sum - 1.0).abs() / softmax_sum_bound(k), at);
}

fn softmax_pairs(g: &[f32]) -> SoftmaxStats {
    let mut st = SoftmaxStats::default();
    let mut x = vec![0.0_f32; 2 * g.len()];
    let mut y = vec![0.0_f32; 2 * g.len()];
    for &a in g {
        for (row, &b) in x.chunks_exact_mut(2).zip(g) {
            row.copy_from_slice(&[a, b]);
        }
        Softmax
            .forward(&x, g.len(), 2, &mut y)
            .expect("valid shape");
        for (xr, yr) in x.chunks_exact(2).zip(y.chunks_exact(2)) {
            check_softmax_row(xr, yr, &mut st);
        }
    }
    st
}

fn softmax_triples(g: &[f32]) -> SoftmaxStats {
    let mut st = SoftmaxStats::default();
    let n = g.len();
    let mut x = vec![0.0_f32; 3 * n * n];
    let mut y = vec![0.0_f32; 3 * n * n];
    for &a in g {
        let mut rows = x.chunks_exact_mut(3);
        for &b in g {
            for &c in g {
                if let Some(row) = rows.next() {
                    row.copy_from_slice(&[a, b, c]);
                }
            }
        }
        Softmax.forward(&x, n * n, 3, &mut y).expect("valid shape");
        for (xr, yr) in x.chunks_exact(3).zip(y.chunks_exact(3)) {
            check_softmax_row(xr, yr, &mut st);
        }
    }
    st
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

struct Checks {
    failed: u32,
}

impl Checks {
    fn check(&mut self, ok: bool, what: &str) {
        if ok {
            println!("  ok    {what}");
        } else {
            println!("  FAIL  {what}");
            self.failed += 1;
        }
    }
}

struct Options {
    quick: bool,
    threads: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        quick: false,
        threads: 2,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => o.quick = true,
            "--threads" => {
                o.threads = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--threads takes a whole number above 0")?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// `value (at x)`.
fn max_at(m: Max) -> String {
    format!("{:.3} (at {:?})", m.value, m.at)
}

/// The sweep of the exp, sigmoid and tanh over `blocks`, and how long it
/// took. In the default build the functions are the default path's
/// formulas, so those errors are copied into the `libm` columns.
fn timed_sweep(blocks: &[u32], threads: usize) -> (Sweep, f64) {
    let t0 = Instant::now();
    let sw = sweep(blocks, threads);
    let t_sweep = t0.elapsed().as_secs_f64();
    let sw = if BOUNDS.fast_math {
        sw
    } else {
        Sweep {
            libm_exp: sw.exp,
            libm_sig: sw.sig,
            libm_tanh: sw.tanh,
            ..sw
        }
    };
    println!(
        "swept {} bit patterns ({} NaN) in {:.1} s",
        sw.inputs, sw.nan_inputs, t_sweep
    );
    (sw, t_sweep)
}

/// Softmax over the pairs and triples of the grids, and how long it took.
fn timed_softmax(quick: bool) -> (SoftmaxStats, SoftmaxStats, f64) {
    let t1 = Instant::now();
    let (g2, g3) = if quick {
        (grid(300), grid(40))
    } else {
        (grid(2000), grid(150))
    };
    let pairs = softmax_pairs(&g2);
    let triples = softmax_triples(&g3);
    let t_softmax = t1.elapsed().as_secs_f64();
    println!(
        "softmax: {} pairs, {} triples in {:.1} s",
        pairs.rows, triples.rows, t_softmax
    );
    (pairs, triples, t_softmax)
}

/// The thresholds found, monotonicity, and exp against `libm::expf`.
fn print_thresholds(sw: &Sweep) {
    println!("\nthresholds:");
    println!(
        "  exp(x) finite for x <= {:?} (next up {:?} overflows); exp(x) > 0 for x >= {:?}",
        sw.exp_finite.max,
        next_up(sw.exp_finite.max),
        sw.exp_nonzero.min
    );
    println!(
        "  sigmoid(x) == 0 exactly for x <= {:?} (largest), != 0 from {:?}",
        sw.sig_zero.max, sw.sig_not_zero.min
    );
    println!(
        "  sigmoid(x) == 1 exactly for x >= {:?} (smallest), largest x below 1: {:?}",
        sw.sig_one.min, sw.sig_not_one.max
    );
    println!(
        "  tanh(x) == 1 exactly for x >= {:?}, == -1 for x <= {:?}",
        sw.tanh_one.min, sw.tanh_minus_one.max
    );
    println!(
        "  monotonicity violations (adjacent inputs): sigmoid {}, tanh {}",
        sw.sig_not_monotone, sw.tanh_not_monotone
    );
    println!(
        "\nexp vs libm::expf: at most {} step(s) apart (at {:?}); {} inputs differ; \
         {} inputs with a different NaN/inf/zero/subnormal class",
        sw.exp_steps_vs_libm, sw.exp_steps_at, sw.exp_differ, sw.exp_class_mismatches
    );
    println!(
        "slice loop and Sigmoid / Tanh kernels vs the scalar calls: {} mismatches",
        sw.kernel_mismatches
    );
}

/// The markdown table of the errors.
fn print_table(sw: &Sweep, pairs: &SoftmaxStats, triples: &SoftmaxStats, covered: &str) {
    println!(
        "\n| function | inputs covered | max ULP err (at x) | max abs err (at x) | \
         the default path's formula (libm), max ULP (at x) |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| `math::exp` vs `libm::expf` | {covered} | {} steps (at {:?}) | - | - |",
        sw.exp_steps_vs_libm, sw.exp_steps_at
    );
    println!(
        "| `math::exp` vs f64 `exp` | {covered} | {} | {:.3e} (at {:?}), finite results | {} |",
        max_at(sw.exp.ulp),
        sw.exp.abs.value,
        sw.exp.abs.at,
        max_at(sw.libm_exp.ulp)
    );
    println!(
        "| `math::sigmoid` vs f64 `1/(1+exp(-x))` | {covered}; ULP where the result is ≥ 2⁻¹²⁶ | {} | {:.3e} (at {:?}) | {} |",
        max_at(sw.sig.ulp_normal),
        sw.sig.abs.value,
        sw.sig.abs.at,
        max_at(sw.libm_sig.ulp_normal)
    );
    println!(
        "| `math::tanh` vs f64 `tanh` | {covered} | {} | {:.3e} (at {:?}) | {} |",
        max_at(sw.tanh.ulp),
        sw.tanh.abs.value,
        sw.tanh.abs.at,
        max_at(sw.libm_tanh.ulp)
    );
    for (name, st) in [("2", pairs), ("3", triples)] {
        println!(
            "| `Softmax`, {name}-element rows | {} rows of a grid over [-100, 100] + specials | {:.3} | {:.3e}; relative {:.3} × the documented bound; row sums {:.3} × `k·2u` | - |",
            st.rows, st.ulp.value, st.abs.value, st.rel_over_bound.value, st.sum_over_bound.value
        );
    }
}

/// The errors where the reference is subnormal, and Softmax's worst rows.
fn print_subnormal(sw: &Sweep, pairs: &SoftmaxStats, triples: &SoftmaxStats) {
    println!(
        "\nreference below 2^-126, max abs error: exp {:.3e} (libm {:.3e}), sigmoid {:.3e} at {:?} \
         (libm {:.3e}), tanh {:.3e} (libm {:.3e})",
        sw.exp.abs_subnormal.value,
        sw.libm_exp.abs_subnormal.value,
        sw.sig.abs_subnormal.value,
        sw.sig.abs_subnormal.at,
        sw.libm_sig.abs_subnormal.value,
        sw.tanh.abs_subnormal.value,
        sw.libm_tanh.abs_subnormal.value
    );
    println!(
        "sigmoid's ULP error there: {:.3e} (at {:?}, where it flushes to 0)",
        sw.sig.ulp.value, sw.sig.ulp.at
    );
    println!(
        "softmax worst relative row: {:?}; subnormal outputs: max abs err pairs {:.3e}, triples {:.3e}; \
         relative err over the documented bound alone: pairs {:.3} (x_0 = {:?}), triples {:.3}",
        pairs.worst_row,
        pairs.subnormal_abs.value,
        triples.subnormal_abs.value,
        pairs.subnormal_rel_over_bound.value,
        pairs.subnormal_rel_over_bound.at,
        triples.subnormal_rel_over_bound.value
    );
}

/// Coverage, NaN, the kernels against the scalar calls, and exp.
fn check_sweep(c: &mut Checks, sw: &Sweep, blocks: &[u32], covered: &str) {
    let b = BOUNDS;
    c.check(
        sw.inputs == blocks.len() as u64 * BLOCK as u64,
        &format!("every bit pattern of the {covered} visited"),
    );
    c.check(
        sw.nan_inputs == nan_patterns(blocks),
        "every NaN pattern among them seen",
    );
    c.check(
        sw.nan_mismatches == 0,
        &format!(
            "exp, sigmoid, tanh NaN exactly for NaN inputs ({} mismatches)",
            sw.nan_mismatches
        ),
    );
    c.check(
        sw.kernel_mismatches == 0,
        &format!(
            "the slice loop and the Sigmoid / Tanh kernels give the scalar calls' bits \
             ({} mismatches, last at {:?})",
            sw.kernel_mismatches, sw.kernel_mismatch_at
        ),
    );
    c.check(
        sw.exp_steps_vs_libm as f64 <= b.exp_max_steps_vs_libm,
        &format!(
            "exp within {} steps of libm::expf (max {}, {} inputs differ)",
            b.exp_max_steps_vs_libm, sw.exp_steps_vs_libm, sw.exp_differ
        ),
    );
    c.check(
        sw.exp_class_mismatches == 0,
        "exp NaN, ±inf, 0 and subnormal at exactly libm::expf's inputs",
    );
    c.check(
        sw.exp.ulp.value <= b.exp_max_ulp,
        &format!("exp within {} ULP of f64 exp", b.exp_max_ulp),
    );
}

/// Sigmoid's error bounds, range and thresholds.
fn check_sigmoid(c: &mut Checks, sw: &Sweep) {
    let b = BOUNDS;
    c.check(
        sw.sig.ulp_normal.value <= b.sigmoid_max_ulp,
        &format!(
            "sigmoid within {} ULP where the result is normal",
            b.sigmoid_max_ulp
        ),
    );
    c.check(
        sw.sig.abs_subnormal.value <= b.sigmoid_subnormal_max_abs,
        &format!(
            "sigmoid within {:e} absolute where the result is below 2^-126",
            b.sigmoid_subnormal_max_abs
        ),
    );
    c.check(sw.sig_out_of_range == 0, "sigmoid in [0, 1]");
    c.check(
        sw.sig_zero.max < sw.sig_not_zero.min && sw.sig_zero.max == b.sigmoid_zero_up_to,
        &format!(
            "sigmoid == 0 exactly for x <= {:?} and nowhere else",
            b.sigmoid_zero_up_to
        ),
    );
    c.check(
        sw.sig_not_one.max < sw.sig_one.min && sw.sig_one.min == b.sigmoid_one_from,
        &format!(
            "sigmoid == 1 exactly for x >= {:?} and nowhere else",
            b.sigmoid_one_from
        ),
    );
    c.check(
        sw.sig_zero.max < -88.72 && sw.sig_one.min > 16.63 && sw.sig_one.min < 16.64,
        "thresholds as documented: 0 below -88.72, 1 from 16.64",
    );
}

/// Tanh's error bound, range, symmetry and thresholds.
fn check_tanh(c: &mut Checks, sw: &Sweep) {
    let b = BOUNDS;
    c.check(
        sw.tanh.ulp.value <= b.tanh_max_ulp,
        &format!("tanh within {} ULP", b.tanh_max_ulp),
    );
    c.check(sw.tanh_out_of_range == 0, "tanh in [-1, 1]");
    c.check(sw.tanh_not_odd == 0, "tanh(-x) == -tanh(x) bit for bit");
    c.check(
        sw.tanh_not_one.max < sw.tanh_one.min && sw.tanh_one.min == b.tanh_one_from,
        &format!(
            "tanh == 1 exactly for x >= {:?} and nowhere else",
            b.tanh_one_from
        ),
    );
    c.check(
        sw.tanh_minus_one.max < sw.tanh_not_minus_one.min
            && sw.tanh_minus_one.max == -b.tanh_one_from,
        &format!(
            "tanh == -1 exactly for x <= {:?} and nowhere else",
            -b.tanh_one_from
        ),
    );
}

/// Softmax's NaN rule and error bounds, on the pairs and the triples.
fn check_softmax(c: &mut Checks, pairs: &SoftmaxStats, triples: &SoftmaxStats) {
    for (name, st) in [("pairs", pairs), ("triples", triples)] {
        c.check(
            st.nan_rule_violations == 0,
            &format!(
                "softmax {name}: all-NaN rows exactly where the spec says ({} of {})",
                st.nan_rows, st.rows
            ),
        );
        c.check(
            st.rel_over_bound.value <= SOFTMAX_MAX_REL_OVER_BOUND,
            &format!("softmax {name}: each output within (|x_j - m| + k + 4)·u relative"),
        );
        c.check(
            st.over_floored_bound.value <= 1.0,
            &format!(
                "softmax {name}: every output within the relative bound + {SOFTMAX_ABS_FLOOR:e} ({:.3})",
                st.over_floored_bound.value
            ),
        );
        c.check(
            st.sum_over_bound.value <= SOFTMAX_MAX_SUM_OVER_BOUND,
            &format!("softmax {name}: rows sum to 1 within k·2u"),
        );
    }
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let blocks: Vec<u32> = if o.quick {
        quick_blocks()
    } else {
        (0..BLOCKS).collect()
    };
    let covered = if o.quick {
        format!("{} blocks of 2¹⁶ (--quick)", blocks.len())
    } else {
        "all 2³² bit patterns".to_string()
    };
    println!(
        "accuracy sweep, fast-math feature: {}; {covered}",
        if BOUNDS.fast_math { "on" } else { "off" }
    );
    let t0 = Instant::now();
    let (sw, t_sweep) = timed_sweep(&blocks, o.threads);
    let (pairs, triples, t_softmax) = timed_softmax(o.quick);

    print_thresholds(&sw);
    print_table(&sw, &pairs, &triples, &covered);
    print_subnormal(&sw, &pairs, &triples);

    println!("\nchecks:");
    let mut c = Checks { failed: 0 };
    check_sweep(&mut c, &sw, &blocks, &covered);
    check_sigmoid(&mut c, &sw);
    check_tanh(&mut c, &sw);
    check_softmax(&mut c, &pairs, &triples);
    println!(
        "\nsweep {t_sweep:.1} s, softmax {t_softmax:.1} s, total {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    if c.failed == 0 {
        println!("all checks passed");
        ExitCode::SUCCESS
    } else {
        println!("{} checks FAILED", c.failed);
        ExitCode::FAILURE
    }
}
