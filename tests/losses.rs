//! Host-side tests of the losses against independent references.
//!
//! Every value check compares the crate with something it did not compute:
//! an `f64` formula written here (the clip done in `f64` with the `f32`
//! bounds), central finite differences of such a formula in `f64`, or numbers
//! checked by hand. The only self-comparisons are equalities between two API
//! forms of one computation (sparse vs one-hot labels, `LossBuffer` vs the
//! stateless kernel, in-place vs out-of-place), which must hold bit for bit.
//!
//! Tolerances use `u = 2⁻²⁴`, the unit roundoff of `f32`.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

use vanillanets::activations::{Activation, ActivationKind, Softmax};
use vanillanets::losses::{
    backward_path, clip, BackwardPath, BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss,
    LossKind, MeanSquaredError, SoftmaxCrossEntropy, SparseCategoricalCrossEntropy, CLIP_MAX,
    CLIP_MIN,
};
use vanillanets::{Error, LossBuffer};

// ---------------------------------------------------------------------------
// Independent f64 references
// ---------------------------------------------------------------------------

/// The lower clip bound as the f32 library has it, widened exactly.
const LO: f64 = 1e-7_f32 as f64;
/// The upper clip bound as the f32 library has it (`1 - 2⁻²³`), widened.
const HI: f64 = (1.0_f32 - 1e-7) as f64;
/// A NaN whose payload no computation here produces: "never written".
const SENTINEL_BITS: u32 = 0x7fc0_1234;
/// Unit roundoff of f32.
const U: f64 = 1.0 / 16_777_216.0;

fn sentinel() -> f32 {
    f32::from_bits(SENTINEL_BITS)
}

/// `np.clip(p, 1e-7, 1 - 1e-7)` on f32 bounds, in f64; NaN passes.
fn clip64(p: f64) -> f64 {
    p.clamp(LO, HI)
}

fn widen(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| f64::from(v)).collect()
}

/// BCE mean over all `n·k` elements.
fn bce_ref(p: &[f64], y: &[f64]) -> f64 {
    let sum: f64 = p
        .iter()
        .zip(y)
        .map(|(&p, &y)| {
            let c = clip64(p);
            -(y * c.ln() + (1.0 - y) * (1.0 - c).ln())
        })
        .sum();
    sum / p.len() as f64
}

/// CCE with class indices: mean over rows of `-ln clip(p[row, t])`.
fn cce_classes_ref(p: &[f64], t: &[usize], cols: usize) -> f64 {
    let sum: f64 = p
        .chunks(cols)
        .zip(t)
        .map(|(row, &t)| -clip64(row[t]).ln())
        .sum();
    sum / t.len() as f64
}

/// CCE with one-hot rows: mean over rows of `-ln Σ_j clip(p_j) y_j`.
fn cce_onehot_ref(p: &[f64], y: &[f64], cols: usize) -> f64 {
    let rows = p.len() / cols;
    let sum: f64 = p
        .chunks(cols)
        .zip(y.chunks(cols))
        .map(|(p, y)| {
            -p.iter()
                .zip(y)
                .map(|(&p, &y)| clip64(p) * y)
                .sum::<f64>()
                .ln()
        })
        .sum();
    sum / rows as f64
}

/// MSE: mean over rows of the row mean of squares = mean over all elements.
fn mse_ref(p: &[f64], y: &[f64]) -> f64 {
    let sum: f64 = p.iter().zip(y).map(|(&p, &y)| (y - p) * (y - p)).sum();
    sum / p.len() as f64
}

/// Softmax of one row in f64.
fn softmax64(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|&v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|&v| v / s).collect()
}

/// `L(z) = mean_rows -ln softmax(z)[t]`, by log-sum-exp in f64, no clip.
fn softmax_ce_ref(z: &[f64], t: &[usize], cols: usize) -> f64 {
    let sum: f64 = z
        .chunks(cols)
        .zip(t)
        .map(|(row, &t)| {
            let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = row.iter().map(|&v| (v - m).exp()).sum::<f64>().ln();
            -((row[t] - m) - lse)
        })
        .sum();
    sum / t.len() as f64
}

/// Central finite differences of `f` at `x`, in f64.
fn fd_grad(x: &[f32], h: f64, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    let mut x64 = widen(x);
    (0..x.len())
        .map(|i| {
            let orig = x64[i];
            x64[i] = orig + h;
            let up = f(&x64);
            x64[i] = orig - h;
            let down = f(&x64);
            x64[i] = orig;
            (up - down) / (2.0 * h)
        })
        .collect()
}

fn close(got: f32, want: f64, rel: f64, abs: f64) -> bool {
    (f64::from(got) - want).abs() <= rel * want.abs() + abs
}

fn one_hot(t: &[usize], cols: usize) -> Vec<f32> {
    let mut y = vec![0.0_f32; t.len() * cols];
    for (row, &t) in y.chunks_mut(cols).zip(t) {
        row[t] = 1.0;
    }
    y
}

fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Do not write regression files next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Probabilities strictly inside (1e-3, 1 - 1e-3): the clip is inactive and
/// an FD step of 1e-6 cannot reach it.
fn inner_prob() -> impl Strategy<Value = f32> {
    0.0011_f32..0.9989_f32
}

/// A shape with at least one row and one column.
fn shape() -> impl Strategy<Value = (usize, usize)> {
    (1_usize..=4, 1_usize..=5)
}

/// `(rows, cols, predictions, class indices)` with inner probabilities.
fn ce_case() -> impl Strategy<Value = (usize, usize, Vec<f32>, Vec<usize>)> {
    shape().prop_flat_map(|(rows, cols)| {
        (
            Just(rows),
            Just(cols),
            vec(inner_prob(), rows * cols),
            vec(0..cols, rows),
        )
    })
}

/// `(rows, cols, logits, class indices)` with logits in `[-lim, lim]`.
fn logits_case(
    min_cols: usize,
    max_cols: usize,
    lim: f32,
) -> impl Strategy<Value = (usize, usize, Vec<f32>, Vec<usize>)> {
    (1_usize..=4, min_cols..=max_cols).prop_flat_map(move |(rows, cols)| {
        (
            Just(rows),
            Just(cols),
            vec(-lim..=lim, rows * cols),
            vec(0..cols, rows),
        )
    })
}

/// Any probability-like value the clip has to handle, NaN excluded.
fn any_prob() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => 0.0_f32..=1.0,
        1 => Just(0.0_f32),
        1 => Just(-0.0_f32),
        1 => Just(1.0_f32),
        1 => Just(CLIP_MIN),
        1 => Just(f32::from_bits(0x33D6_BF94)),
        1 => Just(CLIP_MAX),
        1 => Just(f32::from_bits(0x3F7F_FFFF)),
        1 => Just(1e-30_f32),
        1 => Just(-2.0_f32),
        1 => Just(3.0_f32),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
    ]
}

// ---------------------------------------------------------------------------
// 1. Backward vs finite differences of an f64 reference of `calculate`
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// BCE gradient and mean vs FD / the f64 formula. The gradient is a
    /// difference of two quotients, so its rounding error scales with
    /// `(|y|/c + |1-y|/(1-c)) / (n k)`, not with the (possibly cancelled)
    /// result: the tolerance is `2e-5` (≈ 300 u) of that scale. FD error with
    /// h = 1e-6 and c >= 1e-3 is below 1e-6 of the same scale.
    #[test]
    fn bce_backward_matches_finite_differences(
        (rows, cols, p, _t) in ce_case(),
        y_pool in vec(prop_oneof![Just(0.0_f32), Just(1.0_f32), 0.0_f32..=1.0], 20),
    ) {
        let n = rows * cols;
        let y: Vec<f32> = y_pool.iter().copied().cycle().take(n).collect();
        let y64 = widen(&y);
        let mut dx = vec![sentinel(); n];
        BinaryCrossEntropy.backward(&p, &y, rows, cols, &mut dx).unwrap();
        let fd = fd_grad(&p, 1e-6, |p| bce_ref(p, &y64));
        let nk = n as f64;
        for i in 0..n {
            let c = f64::from(p[i]);
            let scale = (y64[i].abs() / c + (1.0 - y64[i]).abs() / (1.0 - c)) / nk;
            prop_assert!(
                (f64::from(dx[i]) - fd[i]).abs() <= 2e-5 * scale,
                "i={i}: got {} fd {} (p={}, y={})", dx[i], fd[i], p[i], y[i]
            );
        }
        let mean = BinaryCrossEntropy.calculate(&p, &y, rows, cols).unwrap();
        let want = bce_ref(&widen(&p), &y64);
        prop_assert!(close(mean, want, 1e-5, 1e-6), "calculate {mean} vs {want}");
    }

    /// CCE with class indices and with one-hot rows (exact 0/1 rows, where
    /// `-y/clip(p)/n` is the true gradient of `-ln Σ clip(p)·y`): the gradient
    /// is one division chain per element (≤ 3 roundings), so `1e-5` relative
    /// plus `1e-9` absolute (for the off-label zeros) is generous.
    #[test]
    fn cce_backward_matches_finite_differences((rows, cols, p, t) in ce_case()) {
        let n = rows * cols;
        let y = one_hot(&t, cols);
        let y64 = widen(&y);
        let fd_classes = fd_grad(&p, 1e-6, |p| cce_classes_ref(p, &t, cols));
        let fd_onehot = fd_grad(&p, 1e-6, |p| cce_onehot_ref(p, &y64, cols));
        for (labels, fd) in [
            (Labels::Classes(&t), &fd_classes),
            (Labels::OneHot(&y), &fd_onehot),
        ] {
            let mut dx = vec![sentinel(); n];
            CategoricalCrossEntropy.backward(&p, labels, rows, cols, &mut dx).unwrap();
            for i in 0..n {
                prop_assert!(
                    close(dx[i], fd[i], 1e-5, 1e-9),
                    "{labels:?} i={i}: got {} fd {}", dx[i], fd[i]
                );
            }
            let mean = CategoricalCrossEntropy.calculate(&p, labels, rows, cols).unwrap();
            let want = cce_classes_ref(&widen(&p), &t, cols);
            prop_assert!(close(mean, want, 1e-5, 1e-7), "calculate {mean} vs {want}");
        }
    }

    /// MSE: quadratic, so central FD is exact up to f64 rounding. The f32
    /// gradient `-2 (y - p) / k / n` has ≤ 3 roundings after an exact
    /// widening: `2e-6` relative (≈ 34 u) plus `1e-8` absolute.
    #[test]
    fn mse_backward_matches_finite_differences(
        (rows, cols) in shape(),
        pool in vec(-10.0_f32..10.0, 40),
    ) {
        let n = rows * cols;
        let p: Vec<f32> = pool[..n].to_vec();
        let y: Vec<f32> = pool[20..20 + n].to_vec();
        let y64 = widen(&y);
        let mut dx = vec![sentinel(); n];
        MeanSquaredError.backward(&p, &y, rows, cols, &mut dx).unwrap();
        let fd = fd_grad(&p, 1e-3, |p| mse_ref(p, &y64));
        for i in 0..n {
            prop_assert!(close(dx[i], fd[i], 2e-6, 1e-8), "i={i}: {} vs {}", dx[i], fd[i]);
        }
        let mut per_sample = vec![sentinel(); rows];
        MeanSquaredError.forward(&p, &y, rows, cols, &mut per_sample).unwrap();
        for (r, (&got, (p, y))) in per_sample
            .iter()
            .zip(p.chunks(cols).zip(y.chunks(cols)))
            .enumerate()
        {
            let want = mse_ref(&widen(p), &widen(y));
            prop_assert!(close(got, want, 2e-6, 1e-12), "row {r}: {got} vs {want}");
        }
        let mean = MeanSquaredError.calculate(&p, &y, rows, cols).unwrap();
        let want = mse_ref(&widen(&p), &y64);
        prop_assert!(close(mean, want, 2e-6, 1e-12), "calculate {mean} vs {want}");
    }
}

// ---------------------------------------------------------------------------
// 2. Fused Softmax + CE backward vs FD of L(z), and fused == chained
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// The fused gradient w.r.t. the logits vs FD of the f64
    /// `L(z) = mean_rows -ln softmax(z)[t]` (no clip). `dz = (p - δ)/n`
    /// inherits the f32 softmax error, `(|z_j - max| + k + 4) u` relative of
    /// `p ≤ 1` (≤ 22 u for |z| ≤ 5, k ≤ 6), plus two roundings: tolerance
    /// `4e-6 / n` absolute (≈ 67 u / n); FD error with h = 1e-4 is ~1e-9.
    #[test]
    fn fused_backward_matches_finite_differences((rows, cols, z, t) in logits_case(1, 6, 5.0)) {
        let n = rows * cols;
        let mut p = vec![sentinel(); n];
        let loss = SoftmaxCrossEntropy
            .forward_logits(&z, Labels::Classes(&t), rows, cols, &mut p)
            .unwrap();
        let want_loss = softmax_ce_ref(&widen(&z), &t, cols);
        prop_assert!(close(loss, want_loss, 1e-6, 4e-6), "loss {loss} vs {want_loss}");
        // forward_logits is the Softmax forward, bit for bit (two API forms).
        let mut p2 = vec![sentinel(); n];
        Softmax.forward(&z, rows, cols, &mut p2).unwrap();
        prop_assert_eq!(bits(&p), bits(&p2));

        let fd = fd_grad(&z, 1e-4, |z| softmax_ce_ref(z, &t, cols));
        let tol = 4e-6 / rows as f64;
        let y = one_hot(&t, cols);
        for labels in [Labels::Classes(&t), Labels::OneHot(&y)] {
            let mut dz = vec![sentinel(); n];
            SoftmaxCrossEntropy.backward(&p, labels, rows, cols, &mut dz).unwrap();
            for i in 0..n {
                prop_assert!(
                    (f64::from(dz[i]) - fd[i]).abs() <= tol,
                    "{labels:?} i={i}: got {} fd {}", dz[i], fd[i]
                );
            }
        }
    }

    /// Fused == chained (CCE backward, then Softmax backward) while every
    /// probability is above 1e-6, so that neither clip bound is active
    /// (`CLIP_MIN ≈ 1e-7 < 1e-6` and `CLIP_MAX = 1 - 1.19e-7 > 1 - 1e-6`).
    /// Both then compute `(p_i - δ_it)/n`. The chain's `dv_t = -1/p_t/n` has
    /// 2 roundings, `s = Σ dv_j p_j = dv_t p_t` one more, and for the true
    /// class `p_t (dv_t - s)` cancels: its absolute error is
    /// `≤ (2u + 3u p_t + 2u)/n ≤ 7u/n`; off-label elements are `p_i (-s)`,
    /// ≤ 4u relative. The fused form is ≤ 2u/n. Tolerance: `16 u / n`.
    #[test]
    fn fused_equals_chained_above_the_clip((rows, cols, z, t) in logits_case(2, 6, 6.5)) {
        let n = rows * cols;
        let mut p = vec![sentinel(); n];
        Softmax.forward(&z, rows, cols, &mut p).unwrap();
        prop_assume!(p.iter().all(|&v| v > 1e-6));
        let y = one_hot(&t, cols);
        let tol = 16.0 * U / rows as f64;
        for labels in [Labels::Classes(&t), Labels::OneHot(&y)] {
            let mut fused = vec![sentinel(); n];
            SoftmaxCrossEntropy.backward(&p, labels, rows, cols, &mut fused).unwrap();
            let mut dv = vec![sentinel(); n];
            CategoricalCrossEntropy.backward(&p, labels, rows, cols, &mut dv).unwrap();
            let mut chained = vec![sentinel(); n];
            Softmax.backward(&p, &dv, rows, cols, &mut chained).unwrap();
            for i in 0..n {
                prop_assert!(
                    (f64::from(fused[i]) - f64::from(chained[i])).abs() <= tol,
                    "{labels:?} i={i}: fused {} chained {}", fused[i], chained[i]
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Fused vs chained below the clip, with numbers
// ---------------------------------------------------------------------------

/// Two rows, n = 2: logits `[0, 30]` with true class 0, and `[0, 0]` with
/// true class 1.
///
/// Row 0: `p0 = 1/(1 + e^30) = 9.357623e-14` (f64 9.357622968839e-14), and
/// `p1 = 1.0` in f32.
/// - chained: CCE gives `dv0 = -1/clip(p0)/2 = -1/1e-7/2 = -5e6` (the clip
///   replaced p0 by 1e-7), `dv1 = -0.0`; Softmax backward gives
///   `s = dv0·p0 = -4.678811e-7`, `dz0 = p0 (dv0 - s) = -4.678811e-7
///   = -p0/(2·1e-7)`, `dz1 = 1·(0 - s) = +4.678811e-7`.
/// - fused: `dz0 = (p0 - 1)/2 = -0.5`, `dz1 = 0.5`.
/// - true gradient (FD of the f64 L): `(p0 - 1)/2 = -0.49999999999995`.
///
/// The chain is off by a factor of ~1e6 on the true-class logit: the clip has
/// zero slope below 1e-7. Row 1 (p = 0.5) is unclipped and both agree.
#[test]
fn fused_keeps_gradient_where_chained_vanishes() {
    let (rows, cols) = (2, 2);
    let z = [0.0_f32, 30.0, 0.0, 0.0];
    let t = [0_usize, 1];
    let mut p = [sentinel(); 4];
    Softmax.forward(&z, rows, cols, &mut p).unwrap();
    let p0 = softmax64(&[0.0, 30.0])[0];
    assert!((p0 - 1.0 / (1.0 + 30.0_f64.exp())).abs() < 1e-25);
    assert!(close(p[0], p0, 1e-6, 0.0), "p0 = {}", p[0]);
    assert!(p[0] < CLIP_MIN);
    assert_eq!(p[1], 1.0);

    let mut dv = [sentinel(); 4];
    CategoricalCrossEntropy
        .backward(&p, Labels::Classes(&t), rows, cols, &mut dv)
        .unwrap();
    assert!(close(dv[0], -1.0 / LO / 2.0, 1e-6, 0.0), "dv0 = {}", dv[0]);
    let mut chained = [sentinel(); 4];
    Softmax.backward(&p, &dv, rows, cols, &mut chained).unwrap();

    let mut fused = [sentinel(); 4];
    SoftmaxCrossEntropy
        .backward(&p, Labels::Classes(&t), rows, cols, &mut fused)
        .unwrap();

    // chained: -p0 / (2 · 1e-7) ≈ -4.678811e-7, i.e. essentially zero
    let chained_want = -p0 / LO / 2.0;
    assert!((chained_want + 4.678_811e-7).abs() < 1e-12);
    assert!(chained[0].abs() < 1e-6, "chained dz0 = {}", chained[0]);
    assert!(close(chained[0], chained_want, 1e-5, 0.0), "{}", chained[0]);
    assert!(
        close(chained[1], -chained_want, 1e-5, 0.0),
        "{}",
        chained[1]
    );

    // fused: (p0 - 1)/n ≈ -0.5
    let fused_want = (p0 - 1.0) / 2.0;
    assert!(
        (f64::from(fused[0]) - fused_want).abs() < 1e-6,
        "{}",
        fused[0]
    );
    assert!((f64::from(fused[1]) - (1.0 - p0) / 2.0).abs() < 1e-6);

    // The fused one is the true gradient of L(z).
    let fd = fd_grad(&z, 1e-4, |z| softmax_ce_ref(z, &t, cols));
    for i in 0..4 {
        assert!(
            (f64::from(fused[i]) - fd[i]).abs() < 1e-6,
            "i={i}: {} vs {}",
            fused[i],
            fd[i]
        );
    }
    // Row 1 is above the clip: fused and chained agree (±0.25 at n = 2).
    for i in 2..4 {
        assert!((fused[i] - chained[i]).abs() < 1e-7);
        assert!((f64::from(fused[i]) - fd[i]).abs() < 1e-7);
    }
}

// ---------------------------------------------------------------------------
// 4. The f32 clip boundary
// ---------------------------------------------------------------------------

#[test]
fn clip_bounds_are_the_expected_f32_bit_patterns() {
    assert_eq!(CLIP_MIN.to_bits(), 0x33D6_BF95, "1e-7 in f32");
    assert_eq!(CLIP_MAX.to_bits(), 0x3F7F_FFFE, "0.99999988 = 1 - 2^-23");
    assert_eq!(HI, 1.0 - 2.0_f64.powi(-23));

    let below_min = f32::from_bits(0x33D6_BF94);
    let above_max = f32::from_bits(0x3F7F_FFFF);
    for (p, want) in [
        (below_min, CLIP_MIN),
        (0.0, CLIP_MIN),
        (-0.0, CLIP_MIN),
        (f32::NEG_INFINITY, CLIP_MIN),
        (CLIP_MIN, CLIP_MIN),
        (CLIP_MAX, CLIP_MAX),
        (above_max, CLIP_MAX),
        (1.0, CLIP_MAX),
        (f32::INFINITY, CLIP_MAX),
        (0.25, 0.25),
    ] {
        assert_eq!(clip(p).to_bits(), want.to_bits(), "clip({p:e})");
    }
    assert!(clip(f32::NAN).is_nan());
}

/// BCE at and around both bounds, with `n·k = 1` per element. Hand formulas
/// with `c = clip(p)` (f32 bounds): `loss = -(y ln c + (1-y) ln(1-c))`,
/// `grad = -(y/c - (1-y)/(1-c))`. Where `1 - c` is not representable it is
/// the f32 value NumPy float32 also gets:
/// - `c = CLIP_MAX`: `1 - c = 2⁻²³` exactly, so `p = 1, y = 0` costs
///   `23 ln 2 = 15.942385`, not `-ln(1e-7) = 16.118095`, and its gradient is
///   `2²³ = 8388608`;
/// - `c = CLIP_MIN`: `1 - c` rounds to `CLIP_MAX`, so `p = 0, y = 0` costs
///   `-ln(1 - 2⁻²³) = 1.1920929e-7` (f64 would give 1.0e-7).
#[test]
fn bce_at_the_clip_boundary() {
    let ln = f64::ln;
    let below_min = f32::from_bits(0x33D6_BF94);
    let above_min = f32::from_bits(0x33D6_BF96);
    let below_max = f32::from_bits(0x3F7F_FFFD); // 1 - 3·2⁻²⁴
    let above_max = f32::from_bits(0x3F7F_FFFF); // 1 - 2⁻²⁴
    let lo_tail = 2.0_f64.powi(-23); // 1 - CLIP_MAX
    let ln2 = core::f64::consts::LN_2;
    // (p, y, loss, grad)
    let table: Vec<(f32, f32, f64, f64)> = vec![
        (0.0, 1.0, -ln(LO), -1.0 / LO),
        (-0.0, 1.0, -ln(LO), -1.0 / LO),
        (-1.0, 1.0, -ln(LO), -1.0 / LO),
        (below_min, 1.0, -ln(LO), -1.0 / LO),
        (CLIP_MIN, 1.0, -ln(LO), -1.0 / LO),
        (
            above_min,
            1.0,
            -ln(f64::from(above_min)),
            -1.0 / f64::from(above_min),
        ),
        (0.0, 0.0, -ln(HI), 1.0 / HI),
        (CLIP_MIN, 0.0, -ln(HI), 1.0 / HI),
        (0.5, 1.0, ln2, -2.0),
        (0.5, 0.0, ln2, 2.0),
        (
            below_max,
            0.0,
            -ln(3.0 * 2.0_f64.powi(-24)),
            1.0 / (3.0 * 2.0_f64.powi(-24)),
        ),
        (CLIP_MAX, 0.0, 23.0 * ln2, 1.0 / lo_tail),
        (above_max, 0.0, 23.0 * ln2, 1.0 / lo_tail),
        (1.0, 0.0, 23.0 * ln2, 1.0 / lo_tail),
        (2.0, 0.0, 23.0 * ln2, 1.0 / lo_tail),
        (f32::INFINITY, 0.0, 23.0 * ln2, 1.0 / lo_tail),
        (CLIP_MAX, 1.0, -ln(HI), -1.0 / HI),
        (above_max, 1.0, -ln(HI), -1.0 / HI),
        (1.0, 1.0, -ln(HI), -1.0 / HI),
    ];
    // One element at a time: the values themselves.
    for &(p, y, loss, grad) in &table {
        let mut l = [sentinel()];
        BinaryCrossEntropy
            .forward(&[p], &[y], 1, 1, &mut l)
            .unwrap();
        assert!(
            close(l[0], loss, 1e-6, 0.0),
            "p={p:e} y={y}: loss {} vs {loss}",
            l[0]
        );
        let mut dx = [sentinel()];
        BinaryCrossEntropy
            .backward(&[p], &[y], 1, 1, &mut dx)
            .unwrap();
        assert!(
            close(dx[0], grad, 1e-6, 0.0),
            "p={p:e} y={y}: grad {} vs {grad}",
            dx[0]
        );
    }
    // The asymmetry, in plain numbers.
    let mut l = [0.0_f32; 2];
    BinaryCrossEntropy
        .forward(&[1.0, 0.0], &[0.0, 1.0], 2, 1, &mut l)
        .unwrap();
    assert!((l[0] - 15.942_385).abs() < 2e-6, "{}", l[0]);
    assert!((l[1] - 16.118_095).abs() < 2e-6, "{}", l[1]);

    // As one batch: n = len rows of k = 1, then one row of k = len. The
    // gradient divides by n·k either way; the mean is the mean of the table.
    let m = table.len();
    let p: Vec<f32> = table.iter().map(|e| e.0).collect();
    let y: Vec<f32> = table.iter().map(|e| e.1).collect();
    let mean: f64 = table.iter().map(|e| e.2).sum::<f64>() / m as f64;
    for (rows, cols) in [(m, 1), (1, m)] {
        let mut dx = vec![sentinel(); m];
        BinaryCrossEntropy
            .backward(&p, &y, rows, cols, &mut dx)
            .unwrap();
        for (i, &(pi, yi, _, grad)) in table.iter().enumerate() {
            let want = grad / m as f64;
            assert!(
                close(dx[i], want, 2e-6, 0.0),
                "{rows}x{cols} p={pi:e} y={yi}: {} vs {want}",
                dx[i]
            );
        }
        let got = BinaryCrossEntropy.calculate(&p, &y, rows, cols).unwrap();
        assert!(
            close(got, mean, 1e-5, 0.0),
            "{rows}x{cols}: {got} vs {mean}"
        );
    }
}

/// CCE (both label forms) and the fused backward at the boundary. Each row
/// is `[p_t, 0.25]` with true class 0, `n = rows`:
/// `loss = -ln clip(p_t)`, `grad_t = -1/clip(p_t)/n`, the other class `-0.0`;
/// the fused gradient is `(p_t - 1)/n` and ignores the clip.
#[test]
fn cce_at_the_clip_boundary() {
    let ln = f64::ln;
    let below_min = f32::from_bits(0x33D6_BF94);
    let above_max = f32::from_bits(0x3F7F_FFFF);
    // (p_t, clipped value in f64)
    let table: [(f32, f64); 10] = [
        (0.0, LO),
        (-0.0, LO),
        (-3.0, LO),
        (below_min, LO),
        (CLIP_MIN, LO),
        (0.5, 0.5),
        (CLIP_MAX, HI),
        (above_max, HI),
        (1.0, HI),
        (2.0, HI),
    ];
    let rows = table.len();
    let n = rows as f64;
    let mut p = Vec::new();
    for &(pt, _) in &table {
        p.extend([pt, 0.25]);
    }
    let t = vec![0_usize; rows];
    let y = one_hot(&t, 2);
    for labels in [Labels::Classes(&t), Labels::OneHot(&y)] {
        let mut l = vec![sentinel(); rows];
        CategoricalCrossEntropy
            .forward(&p, labels, rows, 2, &mut l)
            .unwrap();
        let mut dx = vec![sentinel(); 2 * rows];
        CategoricalCrossEntropy
            .backward(&p, labels, rows, 2, &mut dx)
            .unwrap();
        let mut fused = vec![sentinel(); 2 * rows];
        SoftmaxCrossEntropy
            .backward(&p, labels, rows, 2, &mut fused)
            .unwrap();
        for (r, &(pt, c)) in table.iter().enumerate() {
            assert!(
                close(l[r], -ln(c), 1e-6, 0.0),
                "{labels:?} p={pt:e}: {}",
                l[r]
            );
            let g = -1.0 / c / n;
            assert!(
                close(dx[2 * r], g, 2e-6, 0.0),
                "p={pt:e}: {} vs {g}",
                dx[2 * r]
            );
            assert_eq!(dx[2 * r + 1].to_bits(), (-0.0_f32).to_bits());
            let fg = (f64::from(pt) - 1.0) / n;
            assert!(
                close(fused[2 * r], fg, 1e-6, 0.0),
                "fused p={pt:e}: {}",
                fused[2 * r]
            );
            assert!(close(fused[2 * r + 1], 0.25 / n, 1e-6, 0.0));
        }
    }
    // The extremes in plain numbers: -ln(1e-7 f32) and -ln(1 - 2^-23).
    let mut l = [0.0_f32; 2];
    CategoricalCrossEntropy
        .forward(
            &[0.0, 1.0, 0.0, 1.0],
            Labels::Classes(&[0, 1]),
            2,
            2,
            &mut l,
        )
        .unwrap();
    assert!((l[0] - 16.118_095).abs() < 2e-6, "{}", l[0]);
    assert!((f64::from(l[1]) - 1.192_092_9e-7).abs() < 1e-13, "{}", l[1]);
}

// ---------------------------------------------------------------------------
// 5. Equal API forms, bit for bit
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// Class indices vs their one-hot rows; SCCE vs CCE; `LossBuffer` vs the
    /// stateless backward; `backward_in_place` vs `backward`. Predictions
    /// include 0, ±inf, values past both clip bounds and out of [0, 1]
    /// (NaN is excluded: with one-hot rows NumPy's `NaN * 0` poisons the
    /// row, with indices it is never read, see the NaN test).
    #[test]
    fn sparse_and_one_hot_labels_agree_bitwise(
        (rows, cols, t) in shape().prop_flat_map(|(r, c)| (Just(r), Just(c), vec(0..c, r))),
        pool in vec(any_prob(), 20),
    ) {
        let n = rows * cols;
        let p: Vec<f32> = pool[..n].to_vec();
        let y = one_hot(&t, cols);
        let sparse = Labels::Classes(&t);
        let dense = Labels::OneHot(&y);

        let (mut ls, mut ld, mut lscce) =
            (vec![sentinel(); rows], vec![sentinel(); rows], vec![sentinel(); rows]);
        CategoricalCrossEntropy.forward(&p, sparse, rows, cols, &mut ls).unwrap();
        CategoricalCrossEntropy.forward(&p, dense, rows, cols, &mut ld).unwrap();
        SparseCategoricalCrossEntropy.forward(&p, sparse, rows, cols, &mut lscce).unwrap();
        prop_assert_eq!(bits(&ls), bits(&ld));
        prop_assert_eq!(bits(&ls), bits(&lscce));
        // and the values are the f64 formula's (an independent check)
        for (r, &got) in ls.iter().enumerate() {
            let want = -clip64(f64::from(p[r * cols + t[r]])).ln();
            prop_assert!(close(got, want, 1e-6, 0.0), "row {r}: {got} vs {want}");
        }

        let cs = CategoricalCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        let cd = CategoricalCrossEntropy.calculate(&p, dense, rows, cols).unwrap();
        let cscce = SparseCategoricalCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(cs.to_bits(), cd.to_bits());
        prop_assert_eq!(cs.to_bits(), cscce.to_bits());

        let (mut ds, mut dd, mut dscce) =
            (vec![sentinel(); n], vec![sentinel(); n], vec![sentinel(); n]);
        CategoricalCrossEntropy.backward(&p, sparse, rows, cols, &mut ds).unwrap();
        CategoricalCrossEntropy.backward(&p, dense, rows, cols, &mut dd).unwrap();
        SparseCategoricalCrossEntropy.backward(&p, sparse, rows, cols, &mut dscce).unwrap();
        prop_assert_eq!(bits(&ds), bits(&dd));
        prop_assert_eq!(bits(&ds), bits(&dscce));
        // NumPy's `-y / clip(p) / n` with a one-hot 0 gives -0.0 off-label.
        for (i, &g) in ds.iter().enumerate() {
            if i % cols != t[i / cols] {
                prop_assert_eq!(g.to_bits(), 0x8000_0000, "i={} is {:e}", i, g);
            }
        }

        let mut buf: LossBuffer<CategoricalCrossEntropy, 20> =
            LossBuffer::new(CategoricalCrossEntropy);
        let cached = buf.backward(&p, dense, rows, cols).unwrap().to_vec();
        prop_assert_eq!(bits(&cached), bits(&ds));
        prop_assert_eq!(bits(buf.dinputs().unwrap()), bits(&ds));
        prop_assert_eq!(buf.shape(), (rows, cols));
        let mean = buf.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(mean.to_bits(), cs.to_bits());

        let (mut fs, mut fd) = (vec![sentinel(); n], vec![sentinel(); n]);
        SoftmaxCrossEntropy.backward(&p, sparse, rows, cols, &mut fs).unwrap();
        SoftmaxCrossEntropy.backward(&p, dense, rows, cols, &mut fd).unwrap();
        prop_assert_eq!(bits(&fs), bits(&fd));
        for labels in [sparse, dense] {
            let mut in_place = p.clone();
            SoftmaxCrossEntropy.backward_in_place(labels, rows, cols, &mut in_place).unwrap();
            prop_assert_eq!(bits(&in_place), bits(&fs));
        }
        let mut fbuf: LossBuffer<SoftmaxCrossEntropy, 20> = LossBuffer::new(SoftmaxCrossEntropy);
        prop_assert_eq!(bits(fbuf.backward(&p, sparse, rows, cols).unwrap()), bits(&fs));
        // The fused values themselves, in f64: (p - δ)/n.
        for (i, &g) in fs.iter().enumerate() {
            let delta = if i % cols == t[i / cols] { 1.0 } else { 0.0 };
            let want = (f64::from(p[i]) - delta) / rows as f64;
            prop_assert!(g == want as f32 || close(g, want, 3.0 * U, 0.0), "i={i}: {g} vs {want}");
        }
        let ss = SoftmaxCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(ss.to_bits(), cs.to_bits());
    }

    /// `LossBuffer` gives the stateless gradient bit for bit for the
    /// value-target losses too.
    #[test]
    fn loss_buffer_matches_stateless(
        (rows, cols) in shape(),
        pool in vec(0.0_f32..=1.0, 40),
    ) {
        let n = rows * cols;
        let (p, y) = (&pool[..n], &pool[20..20 + n]);
        let mut want = vec![sentinel(); n];
        BinaryCrossEntropy.backward(p, y, rows, cols, &mut want).unwrap();
        let mut b: LossBuffer<BinaryCrossEntropy, 20> = LossBuffer::new(BinaryCrossEntropy);
        prop_assert_eq!(bits(b.backward(p, y, rows, cols).unwrap()), bits(&want));
        prop_assert_eq!(b.shape(), (rows, cols));
        MeanSquaredError.backward(p, y, rows, cols, &mut want).unwrap();
        let mut m: LossBuffer<MeanSquaredError, 20> = LossBuffer::new(MeanSquaredError);
        prop_assert_eq!(bits(m.backward(p, y, rows, cols).unwrap()), bits(&want));
        prop_assert_eq!(bits(m.dinputs().unwrap()), bits(&want));
    }
}

// ---------------------------------------------------------------------------
// 6. Errors
// ---------------------------------------------------------------------------

fn mismatch(argument: &'static str, expected: usize, actual: usize) -> Error {
    Error::LengthMismatch {
        argument,
        expected,
        actual,
    }
}

/// The error of a call that must fail.
fn err<T: core::fmt::Debug>(r: Result<T, Error>) -> Error {
    r.expect_err("the call must be refused")
}

#[test]
fn label_out_of_range_names_the_first_offending_row() {
    let p = [0.25_f32; 12];
    let bad = Labels::Classes(&[0, 3, 1, 7]);
    let want = Error::LabelOutOfRange {
        row: 1,
        label: 3,
        classes: 3,
    };
    let mut l = [sentinel(); 4];
    let mut dx = [sentinel(); 12];
    let mut v = p;
    let mut buf: LossBuffer<SoftmaxCrossEntropy, 12> = LossBuffer::new(SoftmaxCrossEntropy);
    for got in [
        err(CategoricalCrossEntropy.forward(&p, bad, 4, 3, &mut l)),
        err(CategoricalCrossEntropy.calculate(&p, bad, 4, 3)),
        err(CategoricalCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SparseCategoricalCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.backward(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.forward_logits(&p, bad, 4, 3, &mut dx)),
        err(SoftmaxCrossEntropy.backward_in_place(bad, 4, 3, &mut v)),
        err(buf.backward(&p, bad, 4, 3).map(<[f32]>::len)),
    ] {
        assert_eq!(got, want);
    }
    assert_eq!(bits(&l), vec![SENTINEL_BITS; 4]);
    assert_eq!(bits(&dx), vec![SENTINEL_BITS; 12]);
    assert_eq!(bits(&v), bits(&p));
    assert!(buf.dinputs().is_none());
    // usize::MAX as a label is out of range too (no wrap-around).
    assert_eq!(
        err(CategoricalCrossEntropy.calculate(&p[..3], Labels::Classes(&[usize::MAX]), 1, 3)),
        Error::LabelOutOfRange {
            row: 0,
            label: usize::MAX,
            classes: 3
        }
    );
}

#[test]
fn length_and_shape_errors() {
    let p = [0.5_f32; 6];
    let y = [1.0_f32; 6];
    let mut l2 = [sentinel(); 2];
    let mut l3 = [sentinel(); 3];
    let mut d6 = [sentinel(); 6];
    let mut d5 = [sentinel(); 5];
    let two = Labels::Classes(&[0, 0]);

    // labels of the wrong length
    assert_eq!(
        err(CategoricalCrossEntropy.calculate(&p, Labels::Classes(&[0, 1, 2]), 2, 3)),
        mismatch("labels", 2, 3)
    );
    assert_eq!(
        err(CategoricalCrossEntropy.calculate(&p, Labels::OneHot(&y[..5]), 2, 3)),
        mismatch("labels", 6, 5)
    );
    assert_eq!(
        err(SoftmaxCrossEntropy.backward(&p, Labels::Classes(&[0]), 2, 3, &mut d6)),
        mismatch("labels", 2, 1)
    );
    // targets of the wrong length
    assert_eq!(
        err(BinaryCrossEntropy.calculate(&p, &y[..5], 2, 3)),
        mismatch("targets", 6, 5)
    );
    assert_eq!(
        err(MeanSquaredError.backward(&p, &y[..4], 2, 3, &mut d6)),
        mismatch("targets", 6, 4)
    );
    // predictions of the wrong length (an (n,1) vs (n,) mix-up is refused)
    assert_eq!(
        err(BinaryCrossEntropy.forward(&p[..5], &y[..5], 2, 3, &mut l2)),
        mismatch("predictions", 6, 5)
    );
    assert_eq!(
        err(MeanSquaredError.calculate(&p[..2], &y[..2], 2, 2)),
        mismatch("predictions", 4, 2)
    );
    assert_eq!(
        err(CategoricalCrossEntropy.backward(&p[..5], two, 2, 3, &mut d6)),
        mismatch("predictions", 6, 5)
    );
    // sample_losses must have `rows` elements, not rows * cols
    assert_eq!(
        err(BinaryCrossEntropy.forward(&p, &y, 2, 3, &mut l3)),
        mismatch("sample_losses", 2, 3)
    );
    assert_eq!(
        err(CategoricalCrossEntropy.forward(&p, two, 2, 3, &mut d6)),
        mismatch("sample_losses", 2, 6)
    );
    // dinputs must have rows * cols
    assert_eq!(
        err(MeanSquaredError.backward(&p, &y, 2, 3, &mut d5)),
        mismatch("dinputs", 6, 5)
    );
    assert_eq!(
        err(SoftmaxCrossEntropy.backward(&p, two, 2, 3, &mut d5)),
        mismatch("dinputs", 6, 5)
    );
    // forward_logits' output
    assert_eq!(
        err(SoftmaxCrossEntropy.forward_logits(&p, two, 2, 3, &mut d5)),
        mismatch("output", 6, 5)
    );
    // rows * cols overflows
    let over = Error::ShapeOverflow {
        rows: usize::MAX,
        cols: 2,
    };
    let none = Labels::Classes(&[]);
    let mut buf: LossBuffer<MeanSquaredError, 4> = LossBuffer::new(MeanSquaredError);
    for got in [
        err(BinaryCrossEntropy.calculate(&[], &[], usize::MAX, 2)),
        err(MeanSquaredError.backward(&[], &[], usize::MAX, 2, &mut [])),
        err(CategoricalCrossEntropy.forward(&[], Labels::OneHot(&[]), usize::MAX, 2, &mut [])),
        err(SoftmaxCrossEntropy.forward_logits(&[], none, usize::MAX, 2, &mut [])),
        err(SoftmaxCrossEntropy.backward_in_place(none, usize::MAX, 2, &mut [])),
        err(buf.backward(&[], &[], usize::MAX, 2).map(<[f32]>::len)),
    ] {
        assert_eq!(got, over);
    }
    // cols == 0 is EmptyShape whatever rows is
    for rows in [0, 3] {
        let empty = Error::EmptyShape { rows, cols: 0 };
        for got in [
            err(BinaryCrossEntropy.calculate(&[], &[], rows, 0)),
            err(MeanSquaredError.forward(&[], &[], rows, 0, &mut d6[..rows])),
            err(CategoricalCrossEntropy.backward(&[], Labels::OneHot(&[]), rows, 0, &mut [])),
            err(SoftmaxCrossEntropy.backward_in_place(Labels::OneHot(&[]), rows, 0, &mut [])),
            err(buf.backward(&[], &[], rows, 0).map(<[f32]>::len)),
        ] {
            assert_eq!(got, empty);
        }
    }
    // rows == 0: calculate has no mean (EmptyShape, never NaN); forward and
    // backward are an empty batch.
    let empty = Error::EmptyShape { rows: 0, cols: 3 };
    for got in [
        err(BinaryCrossEntropy.calculate(&[], &[], 0, 3)),
        err(MeanSquaredError.calculate(&[], &[], 0, 3)),
        err(CategoricalCrossEntropy.calculate(&[], none, 0, 3)),
        err(SoftmaxCrossEntropy.calculate(&[], Labels::OneHot(&[]), 0, 3)),
        err(SoftmaxCrossEntropy.forward_logits(&[], none, 0, 3, &mut [])),
    ] {
        assert_eq!(got, empty);
    }
    assert_eq!(BinaryCrossEntropy.forward(&[], &[], 0, 3, &mut []), Ok(()));
    assert_eq!(
        CategoricalCrossEntropy.backward(&[], none, 0, 3, &mut []),
        Ok(())
    );
    assert_eq!(
        SoftmaxCrossEntropy.backward_in_place(none, 0, 3, &mut []),
        Ok(())
    );
    // Nothing was written by any of the failures above.
    for buf in [&l2[..], &l3, &d6, &d5] {
        assert!(buf.iter().all(|v| v.to_bits() == SENTINEL_BITS));
    }
    assert!(buf.dinputs().is_none());
}

#[test]
fn loss_buffer_state() {
    let mut buf: LossBuffer<MeanSquaredError, 4> = LossBuffer::new(MeanSquaredError);
    assert_eq!(buf.capacity(), 4);
    assert_eq!(*buf.loss(), MeanSquaredError);
    assert!(
        buf.dinputs().is_none(),
        "no gradient before the first backward"
    );
    assert_eq!(buf.shape(), (0, 0));
    // An error before the first backward leaves it without a gradient.
    assert_eq!(
        buf.backward(&[0.0; 6], &[0.0; 6], 2, 3).map(|_| ()),
        Err(Error::CapacityExceeded {
            required: 6,
            capacity: 4
        })
    );
    assert_eq!(
        buf.backward(&[0.0; 2], &[0.0; 3], 1, 2).map(|_| ()),
        Err(mismatch("targets", 2, 3))
    );
    assert!(buf.dinputs().is_none());
    assert_eq!(buf.shape(), (0, 0));
    // -2 (y - p) / k / n with p = [3, 1], y = [1, 1], k = 2, n = 1: [2, 0]
    let g = buf
        .backward(&[3.0, 1.0], &[1.0, 1.0], 1, 2)
        .unwrap()
        .to_vec();
    assert_eq!(g, [2.0, 0.0]);
    assert_eq!(buf.dinputs(), Some(&[2.0_f32, 0.0][..]));
    assert_eq!(buf.shape(), (1, 2));
    // A refused call keeps the previous gradient and shape.
    for result in [
        buf.backward(&[0.0; 5], &[0.0; 5], 5, 1).map(|_| ()),
        buf.backward(&[0.0; 3], &[0.0; 4], 1, 4).map(|_| ()),
        buf.backward(&[], &[], 2, 0).map(|_| ()),
        buf.backward(&[], &[], usize::MAX, 3).map(|_| ()),
    ] {
        assert!(result.is_err());
        assert_eq!(buf.dinputs(), Some(&[2.0_f32, 0.0][..]));
        assert_eq!(buf.shape(), (1, 2));
    }
    // Exactly at capacity is fine; an empty batch gives an empty gradient.
    assert!(buf.backward(&[1.0; 4], &[1.0; 4], 2, 2).is_ok());
    assert_eq!(buf.dinputs().map(<[f32]>::len), Some(4));
    assert_eq!(buf.backward(&[], &[], 0, 3).map(<[f32]>::len), Ok(0));
    assert_eq!(buf.dinputs(), Some(&[][..]));
    assert_eq!(buf.shape(), (0, 3));
}

/// The loss under test in the error property.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bce,
    Mse,
    Cce,
    Sce,
}

/// An arbitrary, often invalid, call.
#[derive(Clone, Debug)]
struct Call {
    kind: Kind,
    rows: usize,
    cols: usize,
    one_hot: bool,
    predictions: Vec<f32>,
    /// f32 targets, or one-hot rows.
    values: Vec<f32>,
    classes: Vec<usize>,
    sample_losses_len: usize,
    dinputs_len: usize,
    /// Prime the `LossBuffer` with a good call first.
    primed: bool,
}

impl Call {
    fn labels(&self) -> Labels<'_> {
        if self.one_hot {
            Labels::OneHot(&self.values)
        } else {
            Labels::Classes(&self.classes)
        }
    }
    fn uses_labels(&self) -> bool {
        matches!(self.kind, Kind::Cce | Kind::Sce)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Api {
    Forward,
    Calculate,
    Backward,
    ForwardLogits,
    BackwardInPlace,
    Buffer,
}

const CAP: usize = 6;

/// Every error the call deserves, computed from the contract alone; empty
/// iff the call is valid. Which of several applicable errors comes back is
/// not specified, so the result must be one of them.
fn deserved(c: &Call, api: Api) -> Vec<Error> {
    let mut errs = Vec::new();
    let (rows, cols) = (c.rows, c.cols);
    if cols == 0 {
        errs.push(Error::EmptyShape { rows, cols });
    }
    if matches!(api, Api::Calculate | Api::ForwardLogits) && rows == 0 {
        errs.push(Error::EmptyShape { rows, cols });
    }
    if c.uses_labels() && !c.one_hot {
        if c.classes.len() != rows {
            errs.push(mismatch("labels", rows, c.classes.len()));
        }
        if let Some(row) = c.classes.iter().position(|&l| l >= cols) {
            errs.push(Error::LabelOutOfRange {
                row,
                label: c.classes[row],
                classes: cols,
            });
        }
    }
    if api == Api::Forward && c.sample_losses_len != rows {
        errs.push(mismatch("sample_losses", rows, c.sample_losses_len));
    }
    match rows.checked_mul(cols) {
        None => errs.push(Error::ShapeOverflow { rows, cols }),
        Some(n) => {
            if c.predictions.len() != n {
                // each entry point names its own parameter
                let name = match api {
                    Api::BackwardInPlace => "values",
                    Api::ForwardLogits => "inputs",
                    _ => "predictions",
                };
                errs.push(mismatch(name, n, c.predictions.len()));
            }
            if c.values.len() != n && (!c.uses_labels() || c.one_hot) {
                let name = if c.uses_labels() { "labels" } else { "targets" };
                errs.push(mismatch(name, n, c.values.len()));
            }
            match api {
                Api::Backward if c.dinputs_len != n => {
                    errs.push(mismatch("dinputs", n, c.dinputs_len));
                }
                Api::ForwardLogits if c.dinputs_len != n => {
                    errs.push(mismatch("output", n, c.dinputs_len));
                }
                Api::Buffer if n > CAP => errs.push(Error::CapacityExceeded {
                    required: n,
                    capacity: CAP,
                }),
                _ => {}
            }
        }
    }
    errs
}

fn run_forward(c: &Call, out: &mut [f32]) -> Result<(), Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    match c.kind {
        Kind::Bce => BinaryCrossEntropy.forward(p, &c.values, r, k, out),
        Kind::Mse => MeanSquaredError.forward(p, &c.values, r, k, out),
        Kind::Cce => CategoricalCrossEntropy.forward(p, c.labels(), r, k, out),
        Kind::Sce => SoftmaxCrossEntropy.forward(p, c.labels(), r, k, out),
    }
}

fn run_calculate(c: &Call) -> Result<f32, Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    match c.kind {
        Kind::Bce => BinaryCrossEntropy.calculate(p, &c.values, r, k),
        Kind::Mse => MeanSquaredError.calculate(p, &c.values, r, k),
        Kind::Cce => CategoricalCrossEntropy.calculate(p, c.labels(), r, k),
        Kind::Sce => SoftmaxCrossEntropy.calculate(p, c.labels(), r, k),
    }
}

fn run_backward(c: &Call, out: &mut [f32]) -> Result<(), Error> {
    let (p, r, k) = (&c.predictions[..], c.rows, c.cols);
    match c.kind {
        Kind::Bce => BinaryCrossEntropy.backward(p, &c.values, r, k, out),
        Kind::Mse => MeanSquaredError.backward(p, &c.values, r, k, out),
        Kind::Cce => CategoricalCrossEntropy.backward(p, c.labels(), r, k, out),
        Kind::Sce => SoftmaxCrossEntropy.backward(p, c.labels(), r, k, out),
    }
}

/// A `LossBuffer`'s observable state: `(dinputs, shape)`.
type BufState = (Option<Vec<u32>>, (usize, usize));

/// Runs the call on a `LossBuffer` (primed with a good 1×2 call or not);
/// returns the result and the buffer's state before and after.
fn run_buffer(c: &Call) -> (Result<Vec<u32>, Error>, BufState, BufState) {
    macro_rules! go {
        ($loss:expr, $targets:expr, $prime:expr) => {{
            let mut b = LossBuffer::<_, CAP>::new($loss);
            if c.primed {
                b.backward(&[0.75, 0.25], $prime, 1, 2).unwrap();
            }
            let before = (b.dinputs().map(bits), b.shape());
            let result = b
                .backward(&c.predictions[..], $targets, c.rows, c.cols)
                .map(bits);
            let after = (b.dinputs().map(bits), b.shape());
            (result, before, after)
        }};
    }
    match c.kind {
        Kind::Bce => go!(BinaryCrossEntropy, &c.values[..], &[1.0, 0.0]),
        Kind::Mse => go!(MeanSquaredError, &c.values[..], &[1.0, 0.0]),
        Kind::Cce => go!(CategoricalCrossEntropy, c.labels(), Labels::Classes(&[1])),
        Kind::Sce => go!(SoftmaxCrossEntropy, c.labels(), Labels::Classes(&[1])),
    }
}

/// A length: the right one (when it is small) four times in five, else
/// any of 0..10.
fn length(choice: (bool, usize), right: Option<usize>) -> usize {
    match (choice, right) {
        ((true, _), Some(n)) if n <= 20 => n,
        ((_, any), _) => any,
    }
}

fn call() -> impl Strategy<Value = Call> {
    let rows = prop_oneof![
        8 => 0_usize..4,
        1 => Just(usize::MAX),
        1 => Just(usize::MAX / 2 + 1),
    ];
    let kind = prop_oneof![
        Just(Kind::Bce),
        Just(Kind::Mse),
        Just(Kind::Cce),
        Just(Kind::Sce)
    ];
    let len = || (prop::bool::weighted(0.8), 0_usize..10);
    (
        (rows, 0_usize..4, kind, any::<bool>(), any::<bool>()),
        (len(), len(), len(), len(), len()),
        vec((0_u8..5, 0_usize..64), 20),
        vec(0.0_f32..1.0, 20),
    )
        .prop_map(
            |((rows, cols, kind, one_hot, primed), (lp, lv, lc, ls, ld), raw, pool)| {
                let n = rows.checked_mul(cols);
                let take =
                    |len: usize| -> Vec<f32> { pool.iter().copied().cycle().take(len).collect() };
                let classes = raw
                    .iter()
                    .take(length(lc, Some(rows)))
                    .map(|&(bad, r)| {
                        if bad == 0 {
                            cols + r % 2
                        } else {
                            r % cols.max(1)
                        }
                    })
                    .collect();
                Call {
                    kind,
                    rows,
                    cols,
                    one_hot,
                    predictions: take(length(lp, n)),
                    values: take(length(lv, n)),
                    classes,
                    sample_losses_len: length(ls, Some(rows)),
                    dinputs_len: length(ld, n),
                    primed,
                }
            },
        )
}

/// `Ok` iff `deserved` is empty, and an `Err` is one of the deserved ones.
fn check_result<T: core::fmt::Debug>(
    api: &str,
    result: &Result<T, Error>,
    deserved: &[Error],
) -> Result<(), TestCaseError> {
    match result {
        Ok(v) => prop_assert!(
            deserved.is_empty(),
            "{api}: Ok({v:?}) but expected one of {deserved:?}"
        ),
        Err(e) => prop_assert!(
            deserved.contains(e),
            "{api}: {e:?} is not one of {deserved:?}"
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1024))]

    /// Err iff the call breaks the contract; on Err no output element (nor
    /// the in-place buffer, nor a `LossBuffer`'s cache) has changed; on Ok
    /// every output element was written.
    #[test]
    fn errors_iff_invalid_and_outputs_untouched(c in call()) {
        let untouched = |x: &[f32]| x.iter().all(|v| v.to_bits() == SENTINEL_BITS);
        let written = |x: &[f32]| x.iter().all(|v| v.to_bits() != SENTINEL_BITS);

        let mut out = vec![sentinel(); c.sample_losses_len];
        let r = run_forward(&c, &mut out);
        check_result("forward", &r, &deserved(&c, Api::Forward))?;
        let ok = if r.is_ok() { written(&out) } else { untouched(&out) };
        prop_assert!(ok, "out written on error or left unwritten");

        let r = run_calculate(&c);
        check_result("calculate", &r, &deserved(&c, Api::Calculate))?;

        let mut dx = vec![sentinel(); c.dinputs_len];
        let r = run_backward(&c, &mut dx);
        check_result("backward", &r, &deserved(&c, Api::Backward))?;
        let ok = if r.is_ok() { written(&dx) } else { untouched(&dx) };
        prop_assert!(ok, "dx written on error or left unwritten");
        let stateless = r.is_ok().then(|| bits(&dx));

        let (r, before, after) = run_buffer(&c);
        check_result("LossBuffer::backward", &r, &deserved(&c, Api::Buffer))?;
        match &r {
            Err(_) => prop_assert_eq!(&before, &after, "buffer changed on error"),
            Ok(g) => {
                prop_assert_eq!(&after, &(Some(g.clone()), (c.rows, c.cols)));
                if let Some(s) = &stateless {
                    prop_assert_eq!(g, s);
                }
            }
        }
        if c.primed {
            prop_assert!(before.0.is_some());
        } else {
            prop_assert_eq!(&before, &(None, (0, 0)));
        }

        if matches!(c.kind, Kind::Sce) {
            let mut output = vec![sentinel(); c.dinputs_len];
            let r = SoftmaxCrossEntropy
                .forward_logits(&c.predictions, c.labels(), c.rows, c.cols, &mut output);
            check_result("forward_logits", &r, &deserved(&c, Api::ForwardLogits))?;
            let ok = if r.is_ok() { written(&output) } else { untouched(&output) };
        prop_assert!(ok, "output written on error or left unwritten");

            let mut values = c.predictions.clone();
            let r = SoftmaxCrossEntropy.backward_in_place(c.labels(), c.rows, c.cols, &mut values);
            check_result("backward_in_place", &r, &deserved(&c, Api::BackwardInPlace))?;
            match (&r, &stateless) {
                (Err(_), _) => prop_assert_eq!(bits(&values), bits(&c.predictions)),
                (Ok(()), Some(s)) => prop_assert_eq!(&bits(&values), s),
                (Ok(()), None) => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 7. NaN propagation and the backward-path table
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// A NaN prediction at `(r, j)` makes sample `r`'s loss and the mean NaN
    /// and leaves every other sample finite; the gradient is NaN at that
    /// element only. With class indices NumPy only reads `p[r, t_r]`, so a
    /// NaN elsewhere in the row is ignored by the loss (but not by the
    /// element-wise gradient, `-0/NaN = NaN`).
    #[test]
    fn nan_prediction_poisons_its_sample_only(
        (rows, cols, p, t) in ce_case(),
        at in any::<prop::sample::Index>(),
        y_pool in vec(0.0_f32..=1.0, 20),
    ) {
        let n = rows * cols;
        let i = at.index(n);
        let (r, j) = (i / cols, i % cols);
        let mut p = p;
        p[i] = f32::NAN;
        let y: Vec<f32> = y_pool.iter().copied().cycle().take(n).collect();
        let oh = one_hot(&t, cols);

        let check_losses = |what: &str, l: &[f32], nan_row: bool| -> Result<(), TestCaseError> {
            for (row, v) in l.iter().enumerate() {
                if row == r && nan_row {
                    prop_assert!(v.is_nan(), "{what}: row {row} = {v}");
                } else {
                    prop_assert!(v.is_finite(), "{what}: row {row} = {v}");
                }
            }
            Ok(())
        };
        let check_grad = |what: &str, g: &[f32]| -> Result<(), TestCaseError> {
            for (e, v) in g.iter().enumerate() {
                prop_assert_eq!(v.is_nan(), e == i, "{}: element {} = {}", what, e, v);
            }
            Ok(())
        };
        let mut l = vec![sentinel(); rows];
        let mut g = vec![sentinel(); n];

        BinaryCrossEntropy.forward(&p, &y, rows, cols, &mut l).unwrap();
        check_losses("bce", &l, true)?;
        prop_assert!(BinaryCrossEntropy.calculate(&p, &y, rows, cols).unwrap().is_nan());
        BinaryCrossEntropy.backward(&p, &y, rows, cols, &mut g).unwrap();
        check_grad("bce", &g)?;

        MeanSquaredError.forward(&p, &y, rows, cols, &mut l).unwrap();
        check_losses("mse", &l, true)?;
        prop_assert!(MeanSquaredError.calculate(&p, &y, rows, cols).unwrap().is_nan());
        MeanSquaredError.backward(&p, &y, rows, cols, &mut g).unwrap();
        check_grad("mse", &g)?;

        CategoricalCrossEntropy.forward(&p, Labels::OneHot(&oh), rows, cols, &mut l).unwrap();
        check_losses("cce one-hot", &l, true)?;
        CategoricalCrossEntropy.backward(&p, Labels::OneHot(&oh), rows, cols, &mut g).unwrap();
        check_grad("cce one-hot", &g)?;

        let read = j == t[r];
        CategoricalCrossEntropy.forward(&p, Labels::Classes(&t), rows, cols, &mut l).unwrap();
        check_losses("cce classes", &l, read)?;
        let mean = CategoricalCrossEntropy.calculate(&p, Labels::Classes(&t), rows, cols).unwrap();
        prop_assert_eq!(mean.is_nan(), read);
        CategoricalCrossEntropy.backward(&p, Labels::Classes(&t), rows, cols, &mut g).unwrap();
        check_grad("cce classes", &g)?;

        for labels in [Labels::Classes(&t), Labels::OneHot(&oh)] {
            SoftmaxCrossEntropy.backward(&p, labels, rows, cols, &mut g).unwrap();
            check_grad("fused", &g)?;
        }
    }
}

#[test]
fn nan_targets_poison_their_sample() {
    let p = [0.5_f32, 0.5, 0.25, 0.75];
    let y = [1.0, f32::NAN, 0.0, 1.0];
    let mut l = [sentinel(); 2];
    BinaryCrossEntropy.forward(&p, &y, 2, 2, &mut l).unwrap();
    assert!(l[0].is_nan());
    // row 1: -(ln 0.75 + ln 0.75)/2 = -ln 0.75
    assert!(close(l[1], -0.75_f64.ln(), 1e-6, 0.0), "{}", l[1]);
    MeanSquaredError.forward(&p, &y, 2, 2, &mut l).unwrap();
    assert!(l[0].is_nan());
    // row 1: (0.25² + 0.25²)/2 = 0.0625
    assert_eq!(l[1], 0.0625);
    let oh = [f32::NAN, 0.0, 0.0, 1.0];
    CategoricalCrossEntropy
        .forward(&p, Labels::OneHot(&oh), 2, 2, &mut l)
        .unwrap();
    assert!(l[0].is_nan());
    assert!(close(l[1], -0.75_f64.ln(), 1e-6, 0.0), "{}", l[1]);
}

#[test]
fn backward_path_table() {
    let activations = [
        ActivationKind::Linear,
        ActivationKind::ReLU,
        ActivationKind::LeakyReLU { slope: 0.1 },
        ActivationKind::Sigmoid,
        ActivationKind::Tanh,
        ActivationKind::Softmax,
    ];
    let losses = [
        LossKind::BinaryCrossEntropy,
        LossKind::CategoricalCrossEntropy,
        LossKind::SparseCategoricalCrossEntropy,
        LossKind::MeanSquaredError,
    ];
    // rows: activations in the order above; columns: losses in the order above
    let table = [
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "fused", "fused", "chained"],
    ];
    for (a, row) in activations.iter().zip(table) {
        for (l, want) in losses.iter().zip(row) {
            let want = match want {
                "fused" => BackwardPath::Fused,
                _ => BackwardPath::Chained,
            };
            assert_eq!(backward_path(*a, *l), want, "{a:?} + {l:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// 8. One-hot rows reduced by argmax in the fused backward
// ---------------------------------------------------------------------------

/// `np.argmax`: the first NaN if there is one, else the first maximum.
fn np_argmax(row: &[f32]) -> usize {
    if let Some(j) = row.iter().position(|v| v.is_nan()) {
        return j;
    }
    let mut best = 0;
    for (j, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = j;
        }
    }
    best
}

#[test]
fn fused_one_hot_ties_and_nan_by_hand() {
    let nan = f32::NAN;
    let ninf = f32::NEG_INFINITY;
    // (one-hot row, class np.argmax picks)
    let rows: [([f32; 4], usize); 8] = [
        ([0.0, 1.0, 1.0, 0.0], 1),     // tie: first maximum
        ([1.0, 1.0, 1.0, 1.0], 0),     // all tied
        ([0.0, 0.0, 0.0, 0.0], 0),     // all-zero row
        ([0.5, nan, 1.0, 0.0], 1),     // NaN counts as the maximum
        ([2.0, 3.0, nan, nan], 2),     // first NaN
        ([nan, 0.0, 0.0, 0.0], 0),     //
        ([ninf, ninf, ninf, ninf], 0), // all -inf
        ([-1.0, -2.0, -0.5, -0.5], 2), // negative, tied
    ];
    let p = [0.1_f32, 0.2, 0.3, 0.4];
    let n = rows.len();
    let mut probs = Vec::new();
    let mut y = Vec::new();
    for (row, _) in &rows {
        probs.extend(p);
        y.extend(row);
    }
    let mut dx = vec![sentinel(); 4 * n];
    SoftmaxCrossEntropy
        .backward(&probs, Labels::OneHot(&y), n, 4, &mut dx)
        .unwrap();
    for (r, &(row, t)) in rows.iter().enumerate() {
        assert_eq!(np_argmax(&row), t, "the reference itself, row {r}");
        for j in 0..4 {
            let delta = if j == t { 1.0 } else { 0.0 };
            let want = (f64::from(p[j]) - delta) / n as f64;
            assert!(
                close(dx[4 * r + j], want, 3.0 * U, 0.0),
                "row {r} {row:?}, col {j}: {} vs {want}",
                dx[4 * r + j]
            );
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Random rows with many ties, NaNs and infinities: the fused backward
    /// with one-hot rows equals the one with `np_argmax` of each row, bit for
    /// bit, in both the out-of-place and the in-place form.
    #[test]
    fn fused_one_hot_uses_np_argmax(
        (rows, cols) in shape(),
        y_pool in vec(
            prop_oneof![
                Just(0.0_f32), Just(1.0_f32), Just(0.5_f32), Just(-0.0_f32),
                Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY),
            ],
            20,
        ),
        p_pool in vec(0.0_f32..=1.0, 20),
    ) {
        let n = rows * cols;
        let y = &y_pool[..n];
        let p = &p_pool[..n];
        let t: Vec<usize> = y.chunks(cols).map(np_argmax).collect();
        let mut a = vec![sentinel(); n];
        SoftmaxCrossEntropy.backward(p, Labels::OneHot(y), rows, cols, &mut a).unwrap();
        let mut b = vec![sentinel(); n];
        SoftmaxCrossEntropy.backward(p, Labels::Classes(&t), rows, cols, &mut b).unwrap();
        prop_assert_eq!(bits(&a), bits(&b), "labels {:?} -> {:?}", y, t);
        let mut c = p.to_vec();
        SoftmaxCrossEntropy.backward_in_place(Labels::OneHot(y), rows, cols, &mut c).unwrap();
        prop_assert_eq!(bits(&c), bits(&b));
    }
}
