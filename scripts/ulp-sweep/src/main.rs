//! Every `f32` bit pattern through `vanillanets::math::{exp, sigmoid, tanh}`:
//!
//! - `exp` against `libm::expf`: the largest distance in steps (ULP) and how
//!   many inputs differ, and that NaN, `±inf`, `0` and subnormal results
//!   come out at exactly the same inputs;
//! - `exp`, `sigmoid` and `tanh` against f64 references (`f64::exp`,
//!   `1 / (1 + exp(-x))` in f64, `f64::tanh`): the largest error in ULP of
//!   the f32 result, beside the same for the default path's formulas
//!   (`libm::expf`, `1 / (1 + libm::expf(-x))`, `libm::tanhf`).
//!
//! ULP error = `|y - r| / ulp(r)`, `ulp(r)` the spacing of f32 in the binade
//! of the f64 reference `r` (`2⁻¹⁴⁹` below `2⁻¹²⁶`). Results whose reference
//! is below `2⁻¹²⁶` are reported apart, as an absolute error: Sigmoid's
//! exact `0` once `exp(-x)` overflows is the formula, not an error of
//! `exp`. Prints a markdown table; exits non-zero if `exp` is more than one
//! step from `libm::expf` or a special value differs.
//!
//! `cargo run --release [--features fast-math]` in this folder.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};

use vanillanets::math;

/// The spacing of f32 values at `r`, in f64.
fn ulp(r: f64) -> f64 {
    let a = r.abs();
    if a < f64::from(f32::MIN_POSITIVE) {
        return 2f64.powi(-149);
    }
    let e = a.log2().floor() as i32;
    // log2 may round across a power of two: fix the binade exactly.
    let e = if 2f64.powi(e) > a {
        e - 1
    } else if 2f64.powi(e + 1) <= a {
        e + 1
    } else {
        e
    };
    2f64.powi(e - 23)
}

/// Distance in f32 steps between two floats (through zero, ±0 equal).
fn steps(a: f32, b: f32) -> u64 {
    let key = |v: f32| {
        let b = v.to_bits();
        if b & 0x8000_0000 != 0 {
            -i64::from(b & 0x7fff_ffff)
        } else {
            i64::from(b)
        }
    };
    key(a).abs_diff(key(b))
}

#[derive(Clone, Copy, Default)]
struct Worst {
    ulp: f64,
    at: u32,
}

impl Worst {
    fn see(&mut self, err: f64, x: f32) {
        if err > self.ulp {
            *self = Worst {
                ulp: err,
                at: x.to_bits(),
            };
        }
    }
    fn merge(&mut self, o: Worst) {
        if o.ulp > self.ulp {
            *self = o;
        }
    }
    fn show(&self) -> String {
        format!("{:.4} (x = {:e})", self.ulp, f32::from_bits(self.at))
    }
}

/// One function's errors: normal references in ULP, subnormal ones
/// absolute.
#[derive(Clone, Copy, Default)]
struct Errors {
    normal: Worst,
    tiny_abs: Worst,
}

impl Errors {
    fn see(&mut self, y: f32, r: f64, x: f32) {
        if y.is_nan() || r.is_nan() || r.is_infinite() || r > f64::from(f32::MAX) {
            return;
        }
        let err = (f64::from(y) - r).abs();
        if r.abs() < f64::from(f32::MIN_POSITIVE) {
            self.tiny_abs.see(err, x);
        } else {
            self.normal.see(err / ulp(r), x);
        }
    }
    fn merge(&mut self, o: Errors) {
        self.normal.merge(o.normal);
        self.tiny_abs.merge(o.tiny_abs);
    }
}

#[derive(Clone, Copy, Default)]
struct Stats {
    exp_steps: u64,
    exp_steps_at: u32,
    exp_differ: u64,
    /// Inputs where NaN-ness, infinity, zero or subnormality differ.
    exp_special_mismatch: u64,
    exp: [Errors; 2],
    sigmoid: [Errors; 2],
    tanh: [Errors; 2],
    /// NaN in, NaN out (or NaN out for a non-NaN in) mismatches.
    nan_mismatch: u64,
}

fn class(v: f32) -> u8 {
    if v.is_nan() {
        0
    } else if v.is_infinite() {
        1
    } else if v == 0.0 {
        2
    } else if v.is_subnormal() {
        3
    } else {
        4
    }
}

fn sweep(next: &AtomicU32, s: &mut Stats) {
    const BLOCK: u32 = 1 << 16;
    let mut x = vec![0.0_f32; BLOCK as usize];
    let (mut e, mut sg, mut th) = (x.clone(), x.clone(), x.clone());
    loop {
        let hi = next.fetch_add(1, Ordering::Relaxed);
        if hi >= 1 << 16 {
            return;
        }
        for (i, v) in x.iter_mut().enumerate() {
            *v = f32::from_bits(hi << 16 | i as u32);
        }
        // The crate's functions over a slice, as the kernels call them.
        for ((e, &x), (sg, th)) in e.iter_mut().zip(&x).zip(sg.iter_mut().zip(th.iter_mut())) {
            *e = math::exp(x);
            *sg = math::sigmoid(x);
            *th = math::tanh(x);
        }
        for (i, &x) in x.iter().enumerate() {
            let (ours_e, ours_s, ours_t) = (e[i], sg[i], th[i]);
            let lib_e = libm::expf(x);
            let lib_s = 1.0 / (1.0 + libm::expf(-x));
            let lib_t = libm::tanhf(x);
            let d = steps(ours_e, lib_e);
            if class(ours_e) != class(lib_e) {
                s.exp_special_mismatch += 1;
            }
            if !lib_e.is_nan() && d > 0 {
                s.exp_differ += 1;
                if d > s.exp_steps {
                    s.exp_steps = d;
                    s.exp_steps_at = x.to_bits();
                }
            }
            if x.is_nan() != ours_s.is_nan() || x.is_nan() != ours_t.is_nan() {
                s.nan_mismatch += 1;
            }
            let xd = f64::from(x);
            let (re, rs, rt) = (xd.exp(), 1.0 / (1.0 + (-xd).exp()), xd.tanh());
            s.exp[0].see(lib_e, re, x);
            s.exp[1].see(ours_e, re, x);
            s.sigmoid[0].see(lib_s, rs, x);
            s.sigmoid[1].see(ours_s, rs, x);
            s.tanh[0].see(lib_t, rt, x);
            s.tanh[1].see(ours_t, rt, x);
        }
    }
}

fn main() -> ExitCode {
    let start = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicU32::new(0);
    let all: Vec<Stats> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                sc.spawn(|| {
                    let mut s = Stats::default();
                    sweep(&next, &mut s);
                    s
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut t = Stats::default();
    for s in all {
        if s.exp_steps > t.exp_steps {
            t.exp_steps = s.exp_steps;
            t.exp_steps_at = s.exp_steps_at;
        }
        t.exp_differ += s.exp_differ;
        t.exp_special_mismatch += s.exp_special_mismatch;
        t.nan_mismatch += s.nan_mismatch;
        for k in 0..2 {
            t.exp[k].merge(s.exp[k]);
            t.sigmoid[k].merge(s.sigmoid[k]);
            t.tanh[k].merge(s.tanh[k]);
        }
    }
    let fast = cfg!(feature = "fast-math");
    println!(
        "\n## vanillanets::math over all 2^32 f32 inputs (fast-math {}, {:.0} s)\n",
        if fast { "on" } else { "off" },
        start.elapsed().as_secs_f64()
    );
    println!(
        "exp vs libm::expf: at most {} step(s) apart (first worst x = {:e}); {} inputs differ; \
         {} inputs with a different NaN/inf/zero/subnormal class; {} NaN mismatches in sigmoid/tanh\n",
        t.exp_steps,
        f32::from_bits(t.exp_steps_at),
        t.exp_differ,
        t.exp_special_mismatch,
        t.nan_mismatch
    );
    println!("| function | reference | default path (libm), max ULP | vanillanets::math, max ULP | default, max abs where the reference < 2^-126 | vanillanets::math, same |");
    println!("|---|---|---|---|---|---|");
    let row = |name: &str, reference: &str, e: &[Errors; 2]| {
        println!(
            "| {name} | {reference} | {} | {} | {:.3e} | {:.3e} |",
            e[0].normal.show(),
            e[1].normal.show(),
            e[0].tiny_abs.ulp,
            e[1].tiny_abs.ulp
        );
    };
    row("exp", "f64::exp", &t.exp);
    row("sigmoid", "1/(1+exp(-x)) in f64", &t.sigmoid);
    row("tanh", "f64::tanh", &t.tanh);
    if t.exp_steps > 1
        || t.exp_special_mismatch > 0
        || t.nan_mismatch > 0
        || (!fast && t.exp_steps > 0)
    {
        println!("\nFAIL");
        return ExitCode::FAILURE;
    }
    println!("\nOK");
    ExitCode::SUCCESS
}
