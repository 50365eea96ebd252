//! Edge values from the spec that the unit tests in `src/` do not cover:
//! NaN and infinite gradients under the ReLU mask, `-0.0`, saturation of
//! Sigmoid and Tanh, Softmax's special rows, a hand-checked Jacobian.

use vanillanets::activations::{Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets_test::bits::bits;
use vanillanets_test::ulp::{TINY, U};

use crate::sigmoid64;

#[test]
fn relu_backward_zeroes_masked_gradients_even_nan_and_inf() {
    // NumPy: dinputs = dvalues.copy(); dinputs[inputs <= 0] = 0, which
    // overwrites a NaN or infinite upstream gradient with 0.
    let x = [0.0_f32, -0.0, -1.0, f32::NEG_INFINITY, 2.0, f32::NAN];
    let dv = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::NAN,
        f32::INFINITY,
    ];
    let mut dx = [9.0_f32; 6];
    ReLU.backward(&x, &dv, 2, 3, &mut dx).unwrap();
    assert_eq!(bits(&dx[..4]), [0.0_f32.to_bits(); 4]);
    assert!(dx[4].is_nan());
    assert_eq!(dx[5], f32::INFINITY);

    // LeakyReLU scales them instead: NaN·0.1 is NaN, inf·0.1 is inf.
    LeakyReLU::new().backward(&x, &dv, 2, 3, &mut dx).unwrap();
    assert!(dx[0].is_nan());
    assert_eq!(dx[1], f32::INFINITY);
    assert_eq!(dx[2], f32::NEG_INFINITY);
    assert!(dx[3].is_nan());
}

#[test]
fn leaky_relu_edge_values_backward_from_output() {
    // -inf stays -inf and keeps the slope; -0.0 stays -0.0 and keeps it too.
    let x = [f32::NEG_INFINITY, -0.0, 0.0, f32::INFINITY];
    let mut y = [9.0_f32; 4];
    LeakyReLU::new().forward(&x, 1, 4, &mut y).unwrap();
    assert_eq!(y[0], f32::NEG_INFINITY);
    assert_eq!(y[1].to_bits(), (-0.0_f32).to_bits());
    assert_eq!(y[2].to_bits(), 0.0_f32.to_bits());
    assert_eq!(y[3], f32::INFINITY);
    let mut dx = [9.0_f32; 4];
    LeakyReLU::new()
        .backward(&y, &[10.0; 4], 1, 4, &mut dx)
        .unwrap();
    assert_eq!(dx, [1.0, 1.0, 1.0, 10.0]);
}

/// The backward of four elements, as a `rows × cols` batch, gives
/// `[±0, ±0, NaN, NaN]`: two saturated outputs and two NaNs.
fn backward_is_zero_zero_nan_nan(
    a: &impl Activation,
    y: [f32; 4],
    dv: [f32; 4],
    (rows, cols): (usize, usize),
) {
    let mut dx = [9.0_f32; 4];
    a.backward(&y, &dv, rows, cols, &mut dx).unwrap();
    assert_eq!(&dx[..2], &[0.0, 0.0], "y = {y:?}, dv = {dv:?}");
    assert!(dx[2].is_nan(), "dx = {dx:?}");
    assert!(dx[3].is_nan(), "dx = {dx:?}");
}

#[test]
fn sigmoid_saturation_and_backward_edges() {
    let x = [-89.0_f32, -88.0, 17.0, 16.0, -0.0, 88.8];
    let mut y = [9.0_f32; 6];
    Sigmoid.forward(&x, 1, 6, &mut y).unwrap();
    // exp(89) overflows f32 (max ≈ e^88.72): 1 / inf is exactly +0.
    assert_eq!(y[0].to_bits(), 0.0_f32.to_bits());
    // exp(88) does not: 1/(1+e^88) ≈ 6.05e-39, a subnormal, not 0.
    let want = sigmoid64(-88.0);
    assert!(y[1] > 0.0 && (f64::from(y[1]) - want).abs() <= 8.0 * U * want + 2.0 * TINY);
    // 1 + e^-17 rounds to 1; 1 + e^-16 does not (e^-16 > 2^-24).
    assert_eq!(y[2], 1.0);
    assert!(y[3] < 1.0);
    assert_eq!(y[4], 0.5);
    assert_eq!(y[5], 1.0);

    // dv · y · (1 - y) vanishes at both ends and propagates NaN.
    let y = [0.0_f32, 1.0, f32::NAN, 0.5];
    backward_is_zero_zero_nan_nan(&Sigmoid, y, [3.0, 3.0, 3.0, f32::NAN], (2, 2));
}

#[test]
fn tanh_saturation_tiny_inputs_and_backward_edges() {
    let x = [9.1_f32, -9.1, 1e-30, -1e-45, f32::MIN_POSITIVE, 2.0];
    let mut y = [9.0_f32; 6];
    Tanh.forward(&x, 2, 3, &mut y).unwrap();
    assert_eq!(y[0], 1.0);
    assert_eq!(y[1], -1.0);
    // tanh(x) = x - x³/3 + ...: for tiny x the correctly rounded result is x.
    assert_eq!(y[2], 1e-30);
    assert_eq!(y[3].to_bits(), (-1e-45_f32).to_bits());
    assert_eq!(y[4], f32::MIN_POSITIVE);
    // f64: tanh(2) = 0.964027580075817
    assert!((f64::from(y[5]) - 0.964_027_580_075_817).abs() < 1e-7);

    // dv · (1 - y²): zero at ±1, NaN for NaN, and inf·0 = NaN as in NumPy.
    let y = [1.0_f32, -1.0, f32::NAN, 1.0];
    backward_is_zero_zero_nan_nan(&Tanh, y, [5.0, 5.0, 5.0, f32::INFINITY], (1, 4));
}

#[test]
fn softmax_more_edge_rows() {
    let inf = f32::INFINITY;
    let x = [
        inf,
        inf, // two +inf
        inf,
        -inf, // +inf beside -inf
        f32::MAX,
        f32::MIN, // x - max overflows to -inf: exp gives 0
        f32::NAN,
        -inf, // NaN beside -inf
        2.0,
        2.0, // equal values
    ];
    let mut y = [9.0_f32; 10];
    Softmax.forward(&x, 5, 2, &mut y).unwrap();
    assert!(y[..4].iter().all(|v| v.is_nan()), "{y:?}");
    assert_eq!(&y[4..6], &[1.0, 0.0]);
    assert!(y[6..8].iter().all(|v| v.is_nan()), "{y:?}");
    assert_eq!(&y[8..], &[0.5, 0.5]);

    // One column: every finite value gives exactly 1, -inf and +inf give NaN.
    let x = [f32::MAX, f32::MIN, 0.0, -1e-45, -inf, inf, f32::NAN];
    let mut y = [9.0_f32; 7];
    Softmax.forward(&x, 7, 1, &mut y).unwrap();
    assert_eq!(&y[..4], &[1.0; 4]);
    assert!(y[4..].iter().all(|v| v.is_nan()), "{y:?}");

    // The spec row in place, against e^-2/(1+e^-1+e^-2) etc. written in f64.
    let mut v = [1000.0_f32, 1001.0, 1002.0, 0.0, 0.0, 0.0];
    Softmax.forward_in_place(2, 3, &mut v).unwrap();
    let s = 1.0 + (-1.0_f64).exp() + (-2.0_f64).exp();
    let want = [(-2.0_f64).exp() / s, (-1.0_f64).exp() / s, 1.0 / s];
    for (got, want) in v[..3].iter().zip(want) {
        assert!((f64::from(*got) - want).abs() < 1e-7, "{got} vs {want}");
    }
    // spec's printed values, to the digits printed
    for (got, printed) in v[..3].iter().zip([0.0900306_f64, 0.2447285, 0.6652410]) {
        assert!(
            (f64::from(*got) - printed).abs() < 1e-7,
            "{got} vs {printed}"
        );
    }
    let third = 1.0_f32 / 3.0;
    assert_eq!(&v[3..], &[third; 3]);
}

#[test]
fn softmax_backward_hand_checked() {
    // y = [1/4; 4], dv = e_0: the first column of diag(y) - y yᵀ is
    // [1/4 - 1/16, -1/16, -1/16, -1/16], exact in binary.
    let mut dx = [9.0_f32; 4];
    Softmax
        .backward(&[0.25; 4], &[1.0, 0.0, 0.0, 0.0], 1, 4, &mut dx)
        .unwrap();
    assert_eq!(dx, [0.1875, -0.0625, -0.0625, -0.0625]);

    // A one-hot output has a zero Jacobian: any dv gives zero.
    let mut g = [3.0_f32, -7.0, 11.0];
    Softmax
        .backward_in_place(&[0.0, 1.0, 0.0], 1, 3, &mut g)
        .unwrap();
    assert_eq!(g, [0.0; 3]);

    // A NaN in dv spreads across its row through Σ dv_j y_j, and only there.
    let mut dx = [9.0_f32; 4];
    Softmax
        .backward(
            &[0.5, 0.5, 0.5, 0.5],
            &[f32::NAN, 1.0, 2.0, 1.0],
            2,
            2,
            &mut dx,
        )
        .unwrap();
    assert!(dx[0].is_nan() && dx[1].is_nan());
    assert_eq!(&dx[2..], &[0.25, -0.25]);
}
