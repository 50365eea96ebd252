//! The accuracy bounds measured by `examples/accuracy.rs` (which sweeps all
//! 2³² inputs), checked here on a dense sample fast enough for `cargo test`:
//! every 251st bit pattern (17 million inputs, every binade), the exact
//! Sigmoid and Tanh thresholds with the floats around them, NaN bit
//! patterns, and Softmax on a grid of pairs.
//!
//! ULP error is `|y - r| / ulp(r)` with `r` the f64 reference and `ulp(r)`
//! the `f32` spacing in the binade of `r` (`2⁻¹⁴⁹` below `2⁻¹²⁶`).

use vanillanets::activations::{Activation, Softmax};
use vanillanets::math;

#[path = "common/ulp.rs"]
mod ulp;
use ulp::{steps, ulp_err, MIN_NORMAL, U};
#[path = "common/bounds.rs"]
mod bounds;
use bounds::*;

/// The sample: every 251st bit pattern (17.1 million, all binades).
const STRIDE: usize = 251;

fn next_up(x: f32) -> f32 {
    if x.is_sign_negative() {
        f32::from_bits(x.to_bits() - 1)
    } else {
        f32::from_bits(x.to_bits() + 1)
    }
}

fn next_down(x: f32) -> f32 {
    -next_up(-x)
}

/// The sample plus the values a stride can step over.
fn sample() -> impl Iterator<Item = f32> {
    let specials = [
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        1e-45,
        -1e-45,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -16.635_704,  // sigmoid's worst ULP error
        0.233_295_62, // tanh's worst ULP error
        -37.776_226,  // exp's worst ULP error against f64
    ];
    (0..=u32::MAX)
        .step_by(STRIDE)
        .map(f32::from_bits)
        .chain(specials)
}

#[test]
fn exp_matches_libm_and_f64() {
    let (mut n, mut worst_steps, mut worst_ulp) = (0_u64, (0, 0.0_f32), (0.0, 0.0_f32));
    for x in sample() {
        n += 1;
        let e = math::exp(x);
        let d = steps(e, libm::expf(x));
        if d > worst_steps.0 {
            worst_steps = (d, x);
        }
        if x.is_nan() {
            assert!(e.is_nan(), "exp({x:?}) = {e:?}");
            continue;
        }
        let u = ulp_err(e, f64::from(x).exp());
        if u > worst_ulp.0 {
            worst_ulp = (u, x);
        }
    }
    assert!(n > 17_000_000);
    assert!(
        worst_steps.0 as f64 <= EXP_MAX_STEPS_VS_LIBM,
        "exp is {} steps from libm::expf at {:?}",
        worst_steps.0,
        worst_steps.1
    );
    assert!(
        worst_ulp.0 <= EXP_MAX_ULP,
        "exp is {} ULP from f64 at {:?}",
        worst_ulp.0,
        worst_ulp.1
    );
}

#[test]
fn sigmoid_within_bounds() {
    for x in sample() {
        let y = math::sigmoid(x);
        if x.is_nan() {
            assert!(y.is_nan(), "sigmoid({x:?}) = {y:?}");
            continue;
        }
        assert!((0.0..=1.0).contains(&y), "sigmoid({x:?}) = {y:?}");
        assert_eq!(y == 0.0, x <= SIGMOID_ZERO_UP_TO, "sigmoid({x:?}) = {y:?}");
        assert_eq!(y == 1.0, x >= SIGMOID_ONE_FROM, "sigmoid({x:?}) = {y:?}");
        let r = 1.0 / (1.0 + (-f64::from(x)).exp());
        if r >= MIN_NORMAL {
            let u = ulp_err(y, r);
            assert!(u <= SIGMOID_MAX_ULP, "sigmoid({x:?}) = {y:?}: {u} ULP");
        } else {
            let a = (f64::from(y) - r).abs();
            assert!(
                a <= SIGMOID_SUBNORMAL_MAX_ABS,
                "sigmoid({x:?}) = {y:?}: off {a:e}"
            );
        }
    }
}

#[test]
fn tanh_within_bounds() {
    for x in sample() {
        let y = math::tanh(x);
        if x.is_nan() {
            assert!(y.is_nan(), "tanh({x:?}) = {y:?}");
            continue;
        }
        assert!((-1.0..=1.0).contains(&y), "tanh({x:?}) = {y:?}");
        assert_eq!(y == 1.0, x >= TANH_ONE_FROM, "tanh({x:?}) = {y:?}");
        assert_eq!(y == -1.0, x <= -TANH_ONE_FROM, "tanh({x:?}) = {y:?}");
        assert_eq!(
            math::tanh(-x).to_bits(),
            (-y).to_bits(),
            "tanh is odd at {x:?}"
        );
        let u = ulp_err(y, f64::from(x).tanh());
        assert!(u <= TANH_MAX_ULP, "tanh({x:?}) = {y:?}: {u} ULP");
    }
}

#[test]
fn fixed_points_and_thresholds() {
    // The exact thresholds, and 100 000 floats on each side of them.
    let around = |t: f32, f: &dyn Fn(f32) -> bool| {
        let mut x = t;
        for _ in 0..100_000 {
            assert!(f(x), "at {x:?} (threshold {t:?})");
            x = next_up(x);
        }
        let mut x = next_down(t);
        for _ in 0..100_000 {
            assert!(!f(x), "at {x:?} (threshold {t:?})");
            x = next_down(x);
        }
    };
    around(SIGMOID_ONE_FROM, &|x| math::sigmoid(x) == 1.0);
    around(next_up(SIGMOID_ZERO_UP_TO), &|x| math::sigmoid(x) != 0.0);
    around(TANH_ONE_FROM, &|x| math::tanh(x) == 1.0);
    around(next_up(-TANH_ONE_FROM), &|x| math::tanh(x) != -1.0);
    assert_eq!(math::sigmoid(SIGMOID_ZERO_UP_TO).to_bits(), 0);
    assert!(math::sigmoid(next_up(SIGMOID_ZERO_UP_TO)) > 0.0);
    // as documented: 0 once exp(-x) overflows (x < -88.72), 1 above 16.64,
    // ±1 past |x| ≈ 9.01
    assert!(math::exp(-SIGMOID_ZERO_UP_TO).is_infinite());
    assert!(math::exp(-next_up(SIGMOID_ZERO_UP_TO)).is_finite());
    assert_eq!(math::sigmoid(-88.73), 0.0);
    assert!(math::sigmoid(-88.72) > 0.0);
    assert_eq!(math::sigmoid(16.64), 1.0);
    assert_eq!(math::tanh(9.02), 1.0);
    assert!(math::tanh(9.0) < 1.0);
    // and at the ends
    assert_eq!(math::sigmoid(f32::NEG_INFINITY).to_bits(), 0);
    assert_eq!(math::sigmoid(f32::INFINITY), 1.0);
    assert_eq!(math::tanh(f32::INFINITY), 1.0);
    assert_eq!(math::tanh(f32::NEG_INFINITY), -1.0);
    assert_eq!(math::tanh(-0.0).to_bits(), (-0.0_f32).to_bits());

    // NaN for NaN: every 61st NaN bit pattern of each sign, and the ends.
    let nans =
        (0x7f80_0001_u32..=0x7fff_ffff)
            .step_by(61)
            .chain([0x7f80_0001, 0x7fff_ffff, 0x7fc0_0000]);
    for b in nans {
        for x in [f32::from_bits(b), f32::from_bits(b | 0x8000_0000)] {
            assert!(math::exp(x).is_nan(), "exp({:#x})", x.to_bits());
            assert!(math::sigmoid(x).is_nan(), "sigmoid({:#x})", x.to_bits());
            assert!(math::tanh(x).is_nan(), "tanh({:#x})", x.to_bits());
        }
    }
}

#[test]
fn softmax_pairs_within_documented_bound() {
    // 400 values over [-100, 100] plus specials: 160 000 pairs.
    let mut g: Vec<f32> = (0..400)
        .map(|i| (-100.0 + 200.0 * f64::from(i) / 399.0) as f32)
        .collect();
    g.extend_from_slice(&[
        0.0,
        -0.0,
        1e-45,
        88.72,
        -104.0,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
    ]);
    let mut x = vec![0.0_f32; 2 * g.len()];
    let mut y = vec![0.0_f32; 2 * g.len()];
    for &a in &g {
        for (row, &b) in x.chunks_exact_mut(2).zip(&g) {
            row.copy_from_slice(&[a, b]);
        }
        Softmax.forward(&x, g.len(), 2, &mut y).unwrap();
        for (x, y) in x.chunks_exact(2).zip(y.chunks_exact(2)) {
            let nan_row = x.iter().all(|&v| v == f32::NEG_INFINITY)
                || x.iter().any(|&v| v == f32::INFINITY || v.is_nan());
            if nan_row {
                assert!(y.iter().all(|v| v.is_nan()), "{x:?} -> {y:?}");
                continue;
            }
            let m = f64::from(x[0]).max(f64::from(x[1]));
            let e: Vec<f64> = x.iter().map(|&v| (f64::from(v) - m).exp()).collect();
            let s: f64 = e.iter().sum();
            for j in 0..2 {
                let r = e[j] / s;
                let bound = if r == 0.0 {
                    0.0
                } else {
                    r * ((f64::from(x[j]) - m).abs() + 2.0 + 4.0) * U
                };
                let err = (f64::from(y[j]) - r).abs();
                assert!(
                    err <= bound + SOFTMAX_ABS_FLOOR,
                    "{x:?} -> {y:?}: [{j}] off {err:e}"
                );
            }
            let sum = f64::from(y[0]) + f64::from(y[1]);
            assert!((sum - 1.0).abs() <= 2.0 * 2.0 * U, "{x:?} sums to {sum}");
        }
    }
}
