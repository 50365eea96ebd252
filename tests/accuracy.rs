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
use vanillanets_test::bits::{next_down, next_up};
use vanillanets_test::bounds::{softmax_rel_bound, softmax_sum_bound, SOFTMAX_ABS_FLOOR};
use vanillanets_test::numpy::softmax_row_is_nan;
use vanillanets_test::ulp::{steps, ulp_err, MIN_NORMAL};
use vanillanets_test::Bounds;

/// The figures of this build (`fast-math` or not).
const BOUNDS: Bounds = Bounds::of(cfg!(feature = "fast-math"));

/// The sample: every 251st bit pattern (17.1 million, all binades).
const STRIDE: usize = 251;

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
        worst_steps.0 as f64 <= BOUNDS.exp_max_steps_vs_libm,
        "exp is {} steps from libm::expf at {:?}",
        worst_steps.0,
        worst_steps.1
    );
    assert!(
        worst_ulp.0 <= BOUNDS.exp_max_ulp,
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
        assert_eq!(
            y == 0.0,
            x <= BOUNDS.sigmoid_zero_up_to,
            "sigmoid({x:?}) = {y:?}"
        );
        assert_eq!(
            y == 1.0,
            x >= BOUNDS.sigmoid_one_from,
            "sigmoid({x:?}) = {y:?}"
        );
        let r = 1.0 / (1.0 + (-f64::from(x)).exp());
        if r >= MIN_NORMAL {
            let u = ulp_err(y, r);
            assert!(
                u <= BOUNDS.sigmoid_max_ulp,
                "sigmoid({x:?}) = {y:?}: {u} ULP"
            );
        } else {
            let a = (f64::from(y) - r).abs();
            assert!(
                a <= BOUNDS.sigmoid_subnormal_max_abs,
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
        assert_eq!(y == 1.0, x >= BOUNDS.tanh_one_from, "tanh({x:?}) = {y:?}");
        assert_eq!(y == -1.0, x <= -BOUNDS.tanh_one_from, "tanh({x:?}) = {y:?}");
        assert_eq!(
            math::tanh(-x).to_bits(),
            (-y).to_bits(),
            "tanh is odd at {x:?}"
        );
        let u = ulp_err(y, f64::from(x).tanh());
        assert!(u <= BOUNDS.tanh_max_ulp, "tanh({x:?}) = {y:?}: {u} ULP");
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
    let b = BOUNDS;
    around(b.sigmoid_one_from, &|x| math::sigmoid(x) == 1.0);
    around(next_up(b.sigmoid_zero_up_to), &|x| math::sigmoid(x) != 0.0);
    around(b.tanh_one_from, &|x| math::tanh(x) == 1.0);
    around(next_up(-b.tanh_one_from), &|x| math::tanh(x) != -1.0);
    assert_eq!(math::sigmoid(b.sigmoid_zero_up_to).to_bits(), 0);
    assert!(math::sigmoid(next_up(b.sigmoid_zero_up_to)) > 0.0);
    // as documented: 0 once exp(-x) overflows (x < -88.72), 1 above 16.64,
    // ±1 past |x| ≈ 9.01
    assert!(math::exp(-b.sigmoid_zero_up_to).is_infinite());
    assert!(math::exp(-next_up(b.sigmoid_zero_up_to)).is_finite());
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
            if softmax_row_is_nan(x) {
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
                    r * softmax_rel_bound(f64::from(x[j]), m, 2)
                };
                let err = (f64::from(y[j]) - r).abs();
                assert!(
                    err <= bound + SOFTMAX_ABS_FLOOR,
                    "{x:?} -> {y:?}: [{j}] off {err:e}"
                );
            }
            let sum = f64::from(y[0]) + f64::from(y[1]);
            assert!(
                (sum - 1.0).abs() <= softmax_sum_bound(2),
                "{x:?} sums to {sum}"
            );
        }
    }
}
