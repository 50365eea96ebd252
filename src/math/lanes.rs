//! Rows as blocks of 16 lanes, so that LLVM keeps each lane in one SIMD
//! register slot instead of a loop-carried scalar chain.
//!
//! [`max`] gives the same value as a left-to-right fold (whenever that
//! matters, see there) and is used on every build. The sums change the
//! rounding of a left-to-right sum, so they, and the block helpers of the
//! `fast-math` Softmax, are only compiled with that feature. The number of
//! lanes is fixed, not taken from the target's vector width, so every
//! target adds in the same order and gets the same bits. Nothing here can
//! panic: blocks are taken with `get` and `try_into`, and the trees are
//! written out with constant widths.

/// Independent accumulators per reduction.
#[cfg(any(
    feature = "fast-math",
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
))]
pub(crate) const LANES: usize = 16;

/// `v` if `v > m`, else `m`: a maximum that skips NaN `v` (`NaN > m` is
/// false). x86's `maxps(v, m)` is exactly this select.
#[inline(always)]
fn keep_larger(m: f32, v: f32) -> f32 {
    if v > m {
        v
    } else {
        m
    }
}

/// The largest non-NaN element of `x`, `-inf` if there is none.
///
/// A left-to-right fold of [`keep_larger`] gives the same value except
/// that, when the maximum is a zero and the row holds both `0.0` and
/// `-0.0`, either zero may come out. Softmax subtracts this maximum, and
/// `x - 0.0` and `x - (-0.0)` differ only for `x = ±0`, as `±0`, whose `exp`
/// are both exactly `1`: the outputs are the same bits.
///
/// The blocks of 16 from the start, then the last 16 elements (which may
/// overlap the last block: a maximum does not mind), then a pairwise tree.
///
/// On targets without SIMD (the microcontrollers), where lanes only add
/// work, it is the left-to-right fold.
#[cfg(not(any(
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
)))]
#[inline(always)]
pub(crate) fn max(x: &[f32]) -> f32 {
    x.iter().fold(f32::NEG_INFINITY, |m, &v| keep_larger(m, v))
}

/// [`max`] on targets with SIMD.
#[cfg(any(
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
))]
#[inline(always)]
pub(crate) fn max(x: &[f32]) -> f32 {
    let Some(last) = last_block(x) else {
        return x.iter().fold(f32::NEG_INFINITY, |m, &v| keep_larger(m, v));
    };
    let mut acc = [f32::NEG_INFINITY; LANES];
    for chunk in x.chunks_exact(LANES) {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = keep_larger(*a, v);
        }
    }
    for (a, &v) in acc.iter_mut().zip(last) {
        *a = keep_larger(*a, v);
    }
    max_of(acc)
}

/// The largest non-NaN lane, as a pairwise tree.
#[cfg(any(
    feature = "fast-math",
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
))]
#[inline(always)]
pub(crate) fn max_of(acc: [f32; LANES]) -> f32 {
    tree(acc, keep_larger)
}

/// `acc[i] = f(acc[i], acc[i + w])` for `w = 8, 4, 2, 1`, then `acc[0]`.
/// Written out with constant widths, so that no bounds check survives even
/// at `opt-level = "s"` (the firmware's no-panic link).
#[cfg(any(
    feature = "fast-math",
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
))]
#[inline(always)]
fn tree(mut acc: [f32; LANES], f: impl Fn(f32, f32) -> f32) -> f32 {
    let (low, high) = acc.split_at_mut(8);
    for (a, &b) in low.iter_mut().zip(high.iter()) {
        *a = f(*a, b);
    }
    let (low, high) = low.split_at_mut(4);
    for (a, &b) in low.iter_mut().zip(high.iter()) {
        *a = f(*a, b);
    }
    let (low, high) = low.split_at_mut(2);
    for (a, &b) in low.iter_mut().zip(high.iter()) {
        *a = f(*a, b);
    }
    let [a, b] = [low[0], low[1]];
    f(a, b)
}

/// `new` in the lanes `i < n`, `old` in the others: a bit-mask select, so
/// that it stays one vector blend instead of a branch per lane.
#[cfg(feature = "fast-math")]
#[inline(always)]
pub(crate) fn first(n: usize, new: &[f32; LANES], old: &[f32; LANES]) -> [f32; LANES] {
    let mut out = [0.0_f32; LANES];
    for (i, (o, (&new, &old))) in out.iter_mut().zip(new.iter().zip(old)).enumerate() {
        let keep = 0_u32.wrapping_sub(u32::from(i < n));
        *o = f32::from_bits((new.to_bits() & keep) | (old.to_bits() & !keep));
    }
    out
}

/// The 16 elements of `x` from `start`, if it has them.
#[cfg(feature = "fast-math")]
#[inline(always)]
pub(crate) fn block_at(x: &[f32], start: usize) -> Option<&[f32; LANES]> {
    x.get(start..)?.get(..LANES)?.try_into().ok()
}

/// The 16 elements of `x` from `start`, if it has them, to write.
#[cfg(feature = "fast-math")]
#[inline(always)]
pub(crate) fn block_at_mut(x: &mut [f32], start: usize) -> Option<&mut [f32; LANES]> {
    x.get_mut(start..)?.get_mut(..LANES)?.try_into().ok()
}

/// The last 16 elements of `x`, if it has 16.
#[cfg(any(
    feature = "fast-math",
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
))]
#[inline(always)]
pub(crate) fn last_block(x: &[f32]) -> Option<&[f32; LANES]> {
    let start = x.len().checked_sub(LANES)?;
    x.get(start..)?.try_into().ok()
}

/// The last 16 elements of `x`, if it has 16, to write.
#[cfg(feature = "fast-math")]
#[inline(always)]
pub(crate) fn last_block_mut(x: &mut [f32]) -> Option<&mut [f32; LANES]> {
    let start = x.len().checked_sub(LANES)?;
    x.get_mut(start..)?.try_into().ok()
}

/// The sum of 16 partial sums, always as the same pairwise tree:
/// `acc[i] += acc[i + w]` for `w = 8, 4, 2, 1`.
#[cfg(feature = "fast-math")]
#[inline(always)]
pub(crate) fn total(acc: [f32; LANES]) -> f32 {
    tree(acc, |a, b| a + b)
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
        let fold = x.iter().fold(f32::NEG_INFINITY, |m, &v| keep_larger(m, v));
        assert_eq!(max(&x), fold);
        assert_eq!(max(&x), 16.0);
        x[3] = f32::NAN;
        x[30] = f32::NAN;
        assert_eq!(max(&x), 16.0);
        assert_eq!(max(&[]), f32::NEG_INFINITY);
        assert_eq!(max(&[f32::NAN; 20]), f32::NEG_INFINITY);
        assert_eq!(max(&[f32::NEG_INFINITY, 1.0, f32::INFINITY]), f32::INFINITY);
    }

    #[cfg(feature = "fast-math")]
    #[test]
    fn sums_use_the_fixed_tree() {
        let mut acc = [0.0_f32; LANES];
        for (i, a) in acc.iter_mut().enumerate() {
            *a = (i + 1) as f32;
        }
        assert_eq!(total(acc), 136.0);
        acc[3] = 1e30;
        acc[11] = -1e30;
        // (a3 + a11) is added first: the big values cancel exactly.
        assert_eq!(total(acc), 136.0 - 4.0 - 12.0);
    }

    #[test]
    fn last_block_needs_sixteen() {
        let x: [f32; 20] = core::array::from_fn(|i| i as f32);
        assert_eq!(last_block(&x).map(|b| b[0]), Some(4.0));
        assert!(last_block(&x[..15]).is_none());
        assert_eq!(max(&x[..15]), 14.0);
        assert_eq!(max(&x), 19.0);
    }
}
