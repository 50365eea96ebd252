//! The `f32` clip boundary: `CLIP_MIN` and `CLIP_MAX` as bit patterns, and
//! BCE, CCE and the fused backward at and around them, against hand
//! formulas.

use vanillanets::losses::{
    clip, BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, SoftmaxCrossEntropy, CLIP_MAX,
    CLIP_MIN,
};

use crate::{close, one_hot, sentinel, HI, LO};

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

/// BCE at and around both bounds, as `(p, y, loss, grad)` with `n·k = 1`.
/// Hand formulas with `c = clip(p)` (f32 bounds):
/// `loss = -(y ln c + (1-y) ln(1-c))`, `grad = -(y/c - (1-y)/(1-c))`. Where
/// `1 - c` is not representable it is the f32 value NumPy float32 also gets:
/// - `c = CLIP_MAX`: `1 - c = 2⁻²³` exactly, so `p = 1, y = 0` costs
///   `23 ln 2 = 15.942385`, not `-ln(1e-7) = 16.118095`, and its gradient is
///   `2²³ = 8388608`;
/// - `c = CLIP_MIN`: `1 - c` rounds to `CLIP_MAX`, so `p = 0, y = 0` costs
///   `-ln(1 - 2⁻²³) = 1.1920929e-7` (f64 would give 1.0e-7).
fn bce_boundary_table() -> Vec<(f32, f32, f64, f64)> {
    let ln = f64::ln;
    let below_min = f32::from_bits(0x33D6_BF94);
    let above_min = f32::from_bits(0x33D6_BF96);
    let below_max = f32::from_bits(0x3F7F_FFFD); // 1 - 3·2⁻²⁴
    let above_max = f32::from_bits(0x3F7F_FFFF); // 1 - 2⁻²⁴
    let lo_tail = 2.0_f64.powi(-23); // 1 - CLIP_MAX
    let ln2 = core::f64::consts::LN_2;
    vec![
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
    ]
}

/// One element at a time: the values of [`bce_boundary_table`] themselves.
#[test]
fn bce_at_the_clip_boundary() {
    for (p, y, loss, grad) in bce_boundary_table() {
        let mut l = [sentinel()];
        let mut dx = [sentinel()];
        BinaryCrossEntropy
            .forward(&[p], &[y], 1, 1, &mut l)
            .unwrap();
        BinaryCrossEntropy
            .backward(&[p], &[y], 1, 1, &mut dx)
            .unwrap();
        for (what, got, want) in [("loss", l[0], loss), ("grad", dx[0], grad)] {
            assert!(
                close(got, want, 1e-6, 0.0),
                "p={p:e} y={y}: {what} {got} vs {want}"
            );
        }
    }
}

/// The asymmetry of the two bounds, in plain numbers.
#[test]
fn bce_clip_asymmetry_in_plain_numbers() {
    let mut l = [0.0_f32; 2];
    BinaryCrossEntropy
        .forward(&[1.0, 0.0], &[0.0, 1.0], 2, 1, &mut l)
        .unwrap();
    assert!((l[0] - 15.942_385).abs() < 2e-6, "{}", l[0]);
    assert!((l[1] - 16.118_095).abs() < 2e-6, "{}", l[1]);
}

/// [`bce_boundary_table`] as one batch: `n` = len rows of `k = 1`, then one
/// row of `k` = len. The gradient divides by `n·k` either way; the mean is
/// the mean of the table.
#[test]
fn bce_at_the_clip_boundary_as_one_batch() {
    let table = bce_boundary_table();
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
