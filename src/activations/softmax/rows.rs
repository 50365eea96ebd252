//! Softmax one row at a time: the path of every build, and of every row
//! that the lane path (`lanes.rs`) does not take.

use crate::math::{exp, sum};

/// `v` if `v > m`, else `m`: a maximum that skips NaN `v` (`NaN > m` is
/// false). x86's `maxps(v, m)` is exactly this select.
#[inline(always)]
pub(super) fn keep_larger(m: f32, v: f32) -> f32 {
    if v > m {
        v
    } else {
        m
    }
}

/// The largest non-NaN element of `x`, `-inf` if there is none.
///
/// Eight partial maxima (element `j` into `j mod 8`), then a tree, so that
/// it vectorises. A left-to-right fold gives the same value, except that
/// when the maximum is a zero and the row holds both `0.0` and `-0.0`,
/// either zero may come out; Softmax subtracts it, and `x - 0.0` and
/// `x - (-0.0)` differ only for `x = ±0`, whose `exp` is exactly `1` either
/// way, so the outputs are the same bits. A NaN anywhere still makes the
/// row NaN through `exp(NaN)` in the sum, and an all `-inf` row keeps
/// `-inf`, so `-inf - -inf` makes it NaN, as in NumPy.
#[inline(always)]
pub(super) fn max(x: &[f32]) -> f32 {
    let mut acc = [f32::NEG_INFINITY; 8];
    let mut blocks = x.chunks_exact(8);
    for block in &mut blocks {
        for (a, &v) in acc.iter_mut().zip(block) {
            *a = keep_larger(*a, v);
        }
    }
    for (a, &v) in acc.iter_mut().zip(blocks.remainder()) {
        *a = keep_larger(*a, v);
    }
    let [a0, a1, a2, a3, a4, a5, a6, a7] = acc;
    keep_larger(
        keep_larger(keep_larger(a0, a4), keep_larger(a2, a6)),
        keep_larger(keep_larger(a1, a5), keep_larger(a3, a7)),
    )
}

/// `y = softmax(x)` for one row: `e = exp(x - max)`, then `y = e / Σ e`.
///
/// All of `e` is written before it is summed, so no accumulator is live
/// across the `exp` calls (one that was could sit in the register whose
/// false dependency `libm::expf`'s `cvtsi2ss` chains, 2.5 times slower).
#[inline(always)]
pub(super) fn forward(x: &[f32], y: &mut [f32]) {
    let m = max(x);
    for (y, &x) in y.iter_mut().zip(x) {
        *y = exp(x - m);
    }
    normalise(y);
}

/// [`forward`] with `x` and `y` the same slice.
#[inline(always)]
pub(super) fn forward_in_place(v: &mut [f32]) {
    let m = max(v);
    for v in v.iter_mut() {
        *v = exp(*v - m);
    }
    normalise(v);
}

/// `e /= Σ e`.
#[inline(always)]
fn normalise(e: &mut [f32]) {
    let total = sum(e);
    for e in e.iter_mut() {
        *e /= total;
    }
}

/// `dx_i = y_i·dv_i - y_i·s` with `s = Σ_j y_j·dv_j` for one row: the
/// products go to `dx` first, are summed there, and then lose `y_i·s`.
#[inline(always)]
pub(super) fn backward(y: &[f32], dv: &[f32], dx: &mut [f32]) {
    for ((dx, &y), &dv) in dx.iter_mut().zip(y).zip(dv) {
        *dx = y * dv;
    }
    subtract_projection(y, dx);
}

/// [`backward`] with `dv` and `dx` the same slice.
#[inline(always)]
pub(super) fn backward_in_place(y: &[f32], g: &mut [f32]) {
    for (g, &y) in g.iter_mut().zip(y) {
        *g *= y;
    }
    subtract_projection(y, g);
}

/// `p_i -= y_i · Σ p` where `p_i = y_i·dv_i`.
#[inline(always)]
fn subtract_projection(y: &[f32], p: &mut [f32]) {
    let s = sum(p);
    for (p, &y) in p.iter_mut().zip(y) {
        *p -= y * s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_skips_nan_and_matches_the_fold() {
        let mut x = [0.0_f32; 37];
        for (i, v) in x.iter_mut().enumerate() {
            *v = ((i * 7919) % 37) as f32 - 20.0;
        }
        assert_eq!(max(&x), 16.0);
        for n in 0..x.len() {
            let fold = x[..n]
                .iter()
                .fold(f32::NEG_INFINITY, |m, &v| keep_larger(m, v));
            assert_eq!(max(&x[..n]), fold, "n = {n}");
        }
        x[3] = f32::NAN;
        x[30] = f32::NAN;
        assert_eq!(max(&x), 16.0);
        assert_eq!(max(&[]), f32::NEG_INFINITY);
        assert_eq!(max(&[f32::NAN; 20]), f32::NEG_INFINITY);
        assert_eq!(max(&[f32::NEG_INFINITY, 1.0, f32::INFINITY]), f32::INFINITY);
    }

    #[test]
    fn backward_stays_finite_where_the_jacobian_does() {
        // The spec's case: J·dv = [0.375, -0.375]·f32::MAX = ±1.276e38,
        // where `y_i·(dv_i - s)` overflows in `dv_i - s`.
        let mut dx = [0.0_f32; 2];
        backward(&[0.25, 0.75], &[f32::MAX, -f32::MAX], &mut dx);
        let want = 0.375 * f64::from(f32::MAX);
        for (got, want) in dx.iter().zip([want, -want]) {
            assert!(((f64::from(*got) - want) / want).abs() < 1e-6, "{dx:?}");
        }
    }
}
