//! The fused Softmax + cross-entropy backward: against finite differences
//! of `L(z)` in `f64`, equal to the chained backward (CCE then Softmax)
//! while every probability is above the clip, and the true gradient where
//! the chained one vanishes below the clip.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::activations::{Activation, Softmax};
use vanillanets::losses::{CategoricalCrossEntropy, Labels, Loss, SoftmaxCrossEntropy, CLIP_MIN};
use vanillanets_test::bits::{bits, widen};
use vanillanets_test::numpy::softmax64;
use vanillanets_test::ulp::U;

use crate::{close, config, fd_grad, one_hot, sentinel, LO};

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

// ---------------------------------------------------------------------------
// Fused backward vs FD of L(z), and fused == chained
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
// Fused vs chained below the clip, with numbers
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
