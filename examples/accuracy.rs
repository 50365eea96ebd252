//! Exhaustive accuracy sweep of the scalar functions behind the activations.
//!
//! - `math::exp` against `libm::expf` (bit distance, must be 0 by default and
//!   at most 1 ULP with the `fast-math` feature) and against `f64::exp`;
//! - `math::sigmoid` against `1 / (1 + exp(-x))` in f64 and `math::tanh`
//!   against `f64::tanh`, over all 2³² `f32` bit patterns;
//! - the exact thresholds where Sigmoid is `0` / `1` and Tanh is `±1`, and
//!   NaN for every NaN bit pattern;
//! - `Softmax` over every pair / triple of a dense grid of values against an
//!   f64 softmax of the same `f32` inputs.
//!
//! It prints a markdown table and exits non-zero if any bound below fails.
//!
//! Run: `cargo run --release --example accuracy` (two threads, a few
//! minutes).
//!
//! ULP error: `|y - r| / ulp(r)`, where `r` is the f64 reference (not
//! rounded) and `ulp(r)` is the spacing of the `f32` values in the binade of
//! `r`: `2^(e - 23)` for `2^e <= |r| < 2^(e + 1)`, `e >= -126`, and the
//! subnormal spacing `2⁻¹⁴⁹` for `|r| < 2⁻¹²⁶`. A result that is exactly
//! `r` rounded to `f32` (infinities included) has error at most 0.5.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use vanillanets::activations::{Activation, Softmax};
use vanillanets::math;

#[path = "../tests/common/ulp.rs"]
mod ulp;
use ulp::{steps, ulp_err, MIN_NORMAL, U};
#[path = "../tests/common/bounds.rs"]
mod bounds;
use bounds::*;

// ---------------------------------------------------------------------------
// The bounds this sweep measured live in tests/common/bounds.rs (shared with
// tests/accuracy.rs and the fuzz harness); here, Softmax's margins only.
// ---------------------------------------------------------------------------

/// Softmax: each output's relative error over the documented bound
/// `(|x_j - m| + k + 4) · u` must stay at most this (outputs `>= 2⁻¹²⁶`).
const SOFTMAX_MAX_REL_OVER_BOUND: f64 = 1.0;
/// Softmax: `|Σ y - 1|` over the documented `k · 2u` must stay at most this.
const SOFTMAX_MAX_SUM_OVER_BOUND: f64 = 1.0;

// ---------------------------------------------------------------------------
// The exhaustive sweep of exp, sigmoid and tanh
// ---------------------------------------------------------------------------

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

#[derive(Clone, Copy, Debug, Default)]
struct Sweep {
    inputs: u64,
    nan_inputs: u64,
    /// NaN out for a non-NaN in, or a number out for a NaN in.
    nan_mismatches: u64,
    exp_steps_vs_libm: u64,
    exp_steps_at: f32,
    exp_ulp: Max,
    exp_abs: Max,
    exp_finite: Range,
    exp_nonzero: Range,
    sig_ulp_normal: Max,
    sig_ulp_all: Max,
    sig_abs: Max,
    sig_abs_subnormal: Max,
    sig_out_of_range: u64,
    sig_one: Range,
    sig_not_one: Range,
    sig_zero: Range,
    sig_not_zero: Range,
    sig_not_monotone: u64,
    tanh_ulp: Max,
    tanh_abs: Max,
    tanh_out_of_range: u64,
    tanh_not_odd: u64,
    tanh_one: Range,
    tanh_not_one: Range,
    tanh_minus_one: Range,
    tanh_not_minus_one: Range,
    tanh_not_monotone: u64,
}

impl Sweep {
    fn merge(&mut self, o: &Sweep) {
        self.inputs += o.inputs;
        self.nan_inputs += o.nan_inputs;
        self.nan_mismatches += o.nan_mismatches;
        if o.exp_steps_vs_libm > self.exp_steps_vs_libm {
            self.exp_steps_vs_libm = o.exp_steps_vs_libm;
            self.exp_steps_at = o.exp_steps_at;
        }
        self.exp_ulp.merge(o.exp_ulp);
        self.exp_abs.merge(o.exp_abs);
        self.exp_finite.merge(o.exp_finite);
        self.exp_nonzero.merge(o.exp_nonzero);
        self.sig_ulp_normal.merge(o.sig_ulp_normal);
        self.sig_ulp_all.merge(o.sig_ulp_all);
        self.sig_abs.merge(o.sig_abs);
        self.sig_abs_subnormal.merge(o.sig_abs_subnormal);
        self.sig_out_of_range += o.sig_out_of_range;
        self.sig_one.merge(o.sig_one);
        self.sig_not_one.merge(o.sig_not_one);
        self.sig_zero.merge(o.sig_zero);
        self.sig_not_zero.merge(o.sig_not_zero);
        self.sig_not_monotone += o.sig_not_monotone;
        self.tanh_ulp.merge(o.tanh_ulp);
        self.tanh_abs.merge(o.tanh_abs);
        self.tanh_out_of_range += o.tanh_out_of_range;
        self.tanh_not_odd += o.tanh_not_odd;
        self.tanh_one.merge(o.tanh_one);
        self.tanh_not_one.merge(o.tanh_not_one);
        self.tanh_minus_one.merge(o.tanh_minus_one);
        self.tanh_not_minus_one.merge(o.tanh_not_minus_one);
        self.tanh_not_monotone += o.tanh_not_monotone;
    }

    /// Every bit pattern in `bits` (all of one sign, in increasing order).
    fn run(&mut self, bits: std::ops::Range<u64>) {
        // Within one sign, increasing bits walk |x| upwards.
        let negative = bits.start >= 0x8000_0000;
        let mut prev: Option<(f32, f32)> = None;
        for b in bits {
            let x = f32::from_bits(b as u32);
            self.inputs += 1;
            let e = math::exp(x);
            let s = math::sigmoid(x);
            let t = math::tanh(x);
            if x.is_nan() {
                self.nan_inputs += 1;
                if !(e.is_nan() && s.is_nan() && t.is_nan()) {
                    self.nan_mismatches += 1;
                }
                self.see_exp_vs_libm(x, e);
                prev = None;
                continue;
            }
            if e.is_nan() || s.is_nan() || t.is_nan() {
                self.nan_mismatches += 1;
            }
            let xd = f64::from(x);

            // exp
            self.see_exp_vs_libm(x, e);
            let re = xd.exp();
            self.exp_ulp.see(ulp_err(e, re), x);
            if re <= f64::from(f32::MAX) {
                self.exp_abs.see((f64::from(e) - re).abs(), x);
            }
            if e.is_finite() {
                self.exp_finite.see(x);
            }
            if e != 0.0 {
                self.exp_nonzero.see(x);
            }

            // sigmoid
            let rs = 1.0 / (1.0 + (-xd).exp());
            let err = ulp_err(s, rs);
            self.sig_ulp_all.see(err, x);
            let abs = (f64::from(s) - rs).abs();
            if rs >= MIN_NORMAL {
                self.sig_ulp_normal.see(err, x);
            } else {
                self.sig_abs_subnormal.see(abs, x);
            }
            self.sig_abs.see(abs, x);
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
            self.tanh_ulp.see(ulp_err(t, rt), x);
            self.tanh_abs.see((f64::from(t) - rt).abs(), x);
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

    fn see_exp_vs_libm(&mut self, x: f32, e: f32) {
        let d = steps(e, libm::expf(x));
        if d > self.exp_steps_vs_libm {
            self.exp_steps_vs_libm = d;
            self.exp_steps_at = x;
        }
    }
}

fn sweep_all(threads: u32) -> Sweep {
    const CHUNK_BITS: u32 = 22;
    const CHUNKS: u32 = 1 << (32 - CHUNK_BITS);
    let next = AtomicU32::new(0);
    let parts: Vec<Sweep> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut s = Sweep::default();
                    loop {
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        if c >= CHUNKS {
                            break s;
                        }
                        let start = u64::from(c) << CHUNK_BITS;
                        s.run(start..start + (1 << CHUNK_BITS));
                    }
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
    let must_be_nan = x.iter().all(|&v| v == f32::NEG_INFINITY)
        || x.iter().any(|&v| v == f32::INFINITY || v.is_nan());
    if must_be_nan {
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
    let e: Vec<f64> = xd.iter().map(|&v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    let at = x.first().copied().unwrap_or(0.0);
    for j in 0..k {
        let r = e[j] / s;
        let got = f64::from(y[j]);
        let err = (got - r).abs();
        st.ulp.see(ulp_err(y[j], r), at);
        st.abs.see(err, at);
        let bound = ((xd[j] - m).abs() + k as f64 + 4.0) * U;
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
        .see((sum - 1.0).abs() / (k as f64 * 2.0 * U), at);
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

/// The `f32` just above `x`.
fn next_up(x: f32) -> f32 {
    if x.is_sign_negative() {
        f32::from_bits(x.to_bits() - 1)
    } else {
        f32::from_bits(x.to_bits() + 1)
    }
}

fn main() -> ExitCode {
    println!(
        "accuracy sweep, fast-math feature: {}",
        if FAST_MATH { "on" } else { "off" }
    );
    let t0 = Instant::now();
    let sw = sweep_all(2);
    let t_sweep = t0.elapsed();
    println!(
        "swept {} bit patterns ({} NaN) in {:.1} s",
        sw.inputs,
        sw.nan_inputs,
        t_sweep.as_secs_f64()
    );

    let t1 = Instant::now();
    let g2 = grid(2000);
    let g3 = grid(150);
    let pairs = softmax_pairs(&g2);
    let triples = softmax_triples(&g3);
    let t_softmax = t1.elapsed();
    println!(
        "softmax: {} pairs, {} triples in {:.1} s",
        pairs.rows,
        triples.rows,
        t_softmax.as_secs_f64()
    );

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

    println!("\n| function | inputs covered | max ULP err (at x) | max abs err (at x) |");
    println!("|---|---|---|---|");
    println!(
        "| `math::exp` vs `libm::expf` | all 2³² bit patterns | {} steps (at {:?}) | - |",
        sw.exp_steps_vs_libm, sw.exp_steps_at
    );
    println!(
        "| `math::exp` vs f64 `exp` | all 2³² | {:.3} (at {:?}) | {:.3e} (at {:?}), finite results |",
        sw.exp_ulp.value, sw.exp_ulp.at, sw.exp_abs.value, sw.exp_abs.at
    );
    println!(
        "| `math::sigmoid` vs f64 `1/(1+exp(-x))` | all 2³²; ULP where the result is ≥ 2⁻¹²⁶ | {:.3} (at {:?}) | {:.3e} (at {:?}) |",
        sw.sig_ulp_normal.value, sw.sig_ulp_normal.at, sw.sig_abs.value, sw.sig_abs.at
    );
    println!(
        "| `math::tanh` vs f64 `tanh` | all 2³² | {:.3} (at {:?}) | {:.3e} (at {:?}) |",
        sw.tanh_ulp.value, sw.tanh_ulp.at, sw.tanh_abs.value, sw.tanh_abs.at
    );
    for (name, st) in [("2", &pairs), ("3", &triples)] {
        println!(
            "| `Softmax`, {name}-element rows | {} rows of a grid over [-100, 100] + specials | {:.3} | {:.3e}; relative {:.3} × the documented bound; row sums {:.3} × `k·2u` |",
            st.rows, st.ulp.value, st.abs.value, st.rel_over_bound.value, st.sum_over_bound.value
        );
    }
    println!(
        "\nsigmoid below 2^-126: ULP error {:.3e} (at {:?}, where it flushes to 0), abs error {:.3e} (at {:?})",
        sw.sig_ulp_all.value, sw.sig_ulp_all.at, sw.sig_abs_subnormal.value, sw.sig_abs_subnormal.at
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

    println!("\nchecks:");
    let mut c = Checks { failed: 0 };
    c.check(sw.inputs == 1 << 32, "every bit pattern visited");
    c.check(
        sw.nan_inputs == 2 * ((1 << 23) - 1),
        "every NaN pattern seen",
    );
    c.check(
        sw.nan_mismatches == 0,
        &format!(
            "exp, sigmoid, tanh NaN exactly for NaN inputs ({} mismatches)",
            sw.nan_mismatches
        ),
    );
    c.check(
        sw.exp_steps_vs_libm as f64 <= EXP_MAX_STEPS_VS_LIBM,
        &format!(
            "exp within {EXP_MAX_STEPS_VS_LIBM} steps of libm::expf (max {})",
            sw.exp_steps_vs_libm
        ),
    );
    c.check(
        sw.exp_ulp.value <= EXP_MAX_ULP,
        &format!("exp within {EXP_MAX_ULP} ULP of f64 exp"),
    );
    c.check(
        sw.sig_ulp_normal.value <= SIGMOID_MAX_ULP,
        &format!("sigmoid within {SIGMOID_MAX_ULP} ULP where the result is normal"),
    );
    c.check(
        sw.sig_abs_subnormal.value <= SIGMOID_SUBNORMAL_MAX_ABS,
        &format!(
            "sigmoid within {SIGMOID_SUBNORMAL_MAX_ABS:e} absolute where the result is below 2^-126"
        ),
    );
    c.check(sw.sig_out_of_range == 0, "sigmoid in [0, 1]");
    c.check(
        sw.sig_zero.max < sw.sig_not_zero.min && sw.sig_zero.max == SIGMOID_ZERO_UP_TO,
        &format!("sigmoid == 0 exactly for x <= {SIGMOID_ZERO_UP_TO:?} and nowhere else"),
    );
    c.check(
        sw.sig_not_one.max < sw.sig_one.min && sw.sig_one.min == SIGMOID_ONE_FROM,
        &format!("sigmoid == 1 exactly for x >= {SIGMOID_ONE_FROM:?} and nowhere else"),
    );
    c.check(
        sw.sig_zero.max < -88.72 && sw.sig_one.min > 16.63 && sw.sig_one.min < 16.64,
        "thresholds as documented: 0 below -88.72, 1 from 16.64",
    );
    c.check(
        sw.tanh_ulp.value <= TANH_MAX_ULP,
        &format!("tanh within {TANH_MAX_ULP} ULP"),
    );
    c.check(sw.tanh_out_of_range == 0, "tanh in [-1, 1]");
    c.check(sw.tanh_not_odd == 0, "tanh(-x) == -tanh(x) bit for bit");
    c.check(
        sw.tanh_not_one.max < sw.tanh_one.min && sw.tanh_one.min == TANH_ONE_FROM,
        &format!("tanh == 1 exactly for x >= {TANH_ONE_FROM:?} and nowhere else"),
    );
    c.check(
        sw.tanh_minus_one.max < sw.tanh_not_minus_one.min
            && sw.tanh_minus_one.max == -TANH_ONE_FROM,
        &format!(
            "tanh == -1 exactly for x <= {:?} and nowhere else",
            -TANH_ONE_FROM
        ),
    );
    for (name, st) in [("pairs", &pairs), ("triples", &triples)] {
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
    println!(
        "\nsweep {:.1} s, softmax {:.1} s, total {:.1} s",
        t_sweep.as_secs_f64(),
        t_softmax.as_secs_f64(),
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
