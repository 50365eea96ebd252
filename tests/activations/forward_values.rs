//! Outputs stay in their ranges, on any bits; the exact activations (Linear,
//! ReLU, LeakyReLU) match their `f64` definitions exactly and Sigmoid and
//! Tanh within a few `u`.

use proptest::prelude::*;
use vanillanets::activations::{Activation, LeakyReLU, Linear, ReLU, Sigmoid, Tanh};
use vanillanets_test::bits::bits;
use vanillanets_test::ulp::{TINY, U};

use crate::{batch, config, sigmoid64, wild};

proptest! {
    #![proptest_config(config())]

    #[test]
    fn outputs_stay_in_range(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, wild(), Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut s, mut t, mut r) = (vec![0.0_f32; n], vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Sigmoid.forward(&x, rows, cols, &mut s), Ok(()));
        prop_assert_eq!(Tanh.forward(&x, rows, cols, &mut t), Ok(()));
        prop_assert_eq!(ReLU.forward(&x, rows, cols, &mut r), Ok(()));
        for i in 0..n {
            let xi = x[i];
            prop_assert_eq!(s[i].is_nan(), xi.is_nan(), "Sigmoid({:e}) = {:e}", xi, s[i]);
            prop_assert_eq!(t[i].is_nan(), xi.is_nan(), "Tanh({:e}) = {:e}", xi, t[i]);
            prop_assert_eq!(r[i].is_nan(), xi.is_nan(), "ReLU({:e}) = {:e}", xi, r[i]);
            if !xi.is_nan() {
                prop_assert!((0.0..=1.0).contains(&s[i]), "Sigmoid({:e}) = {:e}", xi, s[i]);
                prop_assert!((-1.0..=1.0).contains(&t[i]), "Tanh({:e}) = {:e}", xi, t[i]);
                prop_assert_eq!(
                    t[i].is_sign_negative(), xi.is_sign_negative(), "Tanh({:e}) = {:e}", xi, t[i]
                );
                prop_assert!(r[i] >= 0.0, "ReLU({:e}) = {:e}", xi, r[i]);
            }
        }
    }

    #[test]
    fn exact_activations_match_their_definitions(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, wild(), Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut lin, mut relu, mut leaky) = (vec![0.0_f32; n], vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Linear.forward(&x, rows, cols, &mut lin), Ok(()));
        prop_assert_eq!(ReLU.forward(&x, rows, cols, &mut relu), Ok(()));
        prop_assert_eq!(LeakyReLU::new().forward(&x, rows, cols, &mut leaky), Ok(()));
        prop_assert_eq!(bits(&lin), bits(&x), "Linear passes every bit");
        for i in 0..n {
            let xi = x[i];
            if xi.is_nan() {
                prop_assert!(relu[i].is_nan() && leaky[i].is_nan());
                prop_assert_eq!(relu[i].to_bits(), xi.to_bits(), "ReLU keeps the NaN");
                continue;
            }
            // np.maximum(0, x): +0.0 where x < 0, else x (-0.0 stays -0.0:
            // NumPy returns the second argument when the two compare equal)
            let want_relu = if xi < 0.0 { 0.0 } else { xi };
            prop_assert_eq!(relu[i].to_bits(), want_relu.to_bits(), "ReLU({:e})", xi);
            // np.where(x > 0, x, 0.1 * x) on float32, 0.1 cast to f32 (NEP 50):
            // the f64 product of two f32 values is exact, so one rounding.
            let want_leaky = if xi > 0.0 {
                xi
            } else {
                (f64::from(0.1_f32) * f64::from(xi)) as f32
            };
            prop_assert_eq!(leaky[i].to_bits(), want_leaky.to_bits(), "LeakyReLU({:e})", xi);
        }
    }

    #[test]
    fn sigmoid_and_tanh_match_f64(
        (rows, cols, x, _dv) in batch(1..=4, 1..=6, -100.0_f32..100.0, Just(0.0_f32)),
    ) {
        let n = x.len();
        let (mut s, mut t) = (vec![0.0_f32; n], vec![0.0_f32; n]);
        prop_assert_eq!(Sigmoid.forward(&x, rows, cols, &mut s), Ok(()));
        prop_assert_eq!(Tanh.forward(&x, rows, cols, &mut t), Ok(()));
        for i in 0..n {
            let xi = f64::from(x[i]);
            let (ws, wt) = (sigmoid64(xi), xi.tanh());
            let bs = 8.0 * U * ws + 2.0 * TINY;
            let bt = 8.0 * U * wt.abs() + 2.0 * TINY;
            // exp(-x) overflows f32 below x ≈ -88.72 and the spec then gives
            // exactly 0; keep clear of the boundary on either side.
            let e = (-xi).exp();
            let f32_max = f64::from(f32::MAX);
            if e > 1.001 * f32_max {
                prop_assert_eq!(s[i].to_bits(), 0.0_f32.to_bits(), "Sigmoid({:e})", xi);
            } else if e < 0.999 * f32_max {
                prop_assert!(
                    (f64::from(s[i]) - ws).abs() <= bs,
                    "Sigmoid({:e}) = {:e}, f64 {:e}", xi, s[i], ws
                );
            }
            prop_assert!(
                (f64::from(t[i]) - wt).abs() <= bt,
                "Tanh({:e}) = {:e}, f64 {:e}", xi, t[i], wt
            );
        }
    }
}
