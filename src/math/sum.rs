//! NumPy's pairwise summation, the sum behind the crate's reductions:
//! Softmax row sums, the Softmax backward's dot product, the per-row means
//! of the losses, `calculate`'s mean, and the metrics' sums. Dense's kernels do not
//! use it: their sums run left to right (see
//! `crate::layers::Dense`), so that micro-batches accumulate to the bits of
//! one whole batch.
//!
//! The order of the additions is NumPy's `pairwise_sum` (the inner loop of
//! `np.sum` and `np.mean` on contiguous `float32`), so the same summands
//! give the same bits:
//!
//! - `n < 8`: left to right from `0.0`;
//! - `8 <= n <= 128`: eight partial sums, `r[j] = x[j]`, then
//!   `r[j] += x[i + j]` for each further whole block of eight; then
//!   `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`; then the last
//!   `n % 8` elements, left to right;
//! - `n > 128`: the first `h = n/2 - (n/2) % 8` elements and the other
//!   `n - h`, each summed this way, then added.
//!
//! and the total is `0.0 + ` that, as NumPy's reduction starts from its
//! identity (so eight or more `-0.0` sum to `+0.0`). Only IEEE `f32`
//! additions, in an order fixed by `n` alone: the same bits on every target,
//! with or without the `fast-math` feature.
//!
//! The elements are consumed in index order, so the same tree runs over a
//! slice ([`sum`]) or over values computed on the fly ([`sum_of`]).

/// Up to this many elements, one block of eight partial sums.
const BLOCK: usize = 128;

/// A float the tree adds: `f32` (the crate's reductions) or `f64` (the
/// metrics' means of per-class `float64` scores, as `np.mean` sums them).
pub(crate) trait Summand:
    Copy + core::ops::Add<Output = Self> + core::ops::AddAssign
{
    /// `0.0`.
    const ZERO: Self;
}

impl Summand for f32 {
    const ZERO: Self = 0.0;
}

impl Summand for f64 {
    const ZERO: Self = 0.0;
}

/// Where the summands come from, in index order. Past the end, the
/// sources give `0.0` (a tile: a whole block of `0.0` where fewer than
/// eight are left); callers pass the true length, so that never happens.
trait Summands<T> {
    /// The sum of the next `n` summands, `8 <= n <= 128`: eight partial
    /// sums `r[j] = x[j]`, then `r[j] += x[i + j]` for each further whole
    /// block of eight, then [`tree8`], then the last `n % 8` left to right.
    fn leaf(&mut self, n: usize) -> T;
    /// `res += x` for the next summand.
    fn add1(&mut self, res: &mut T);
}

/// A source of one summand at a time, or eight: every [`Summands`] but the
/// tiles.
trait Each<T> {
    fn next8(&mut self) -> [T; 8];
    fn next1(&mut self) -> T;
}

impl<T: Summand, S: Each<T>> Summands<T> for S {
    #[inline(always)]
    fn leaf(&mut self, n: usize) -> T {
        let mut r = self.next8();
        for _ in 1..n / 8 {
            for (r, b) in r.iter_mut().zip(self.next8()) {
                *r += b;
            }
        }
        let mut res = tree8(r);
        for _ in 0..n % 8 {
            res += self.next1();
        }
        res
    }

    #[inline(always)]
    fn add1(&mut self, res: &mut T) {
        *res += self.next1();
    }
}

/// The tree over a block's eight partial sums.
#[inline(always)]
fn tree8<T: Summand>(r: [T; 8]) -> T {
    let [r0, r1, r2, r3, r4, r5, r6, r7] = r;
    ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
}

/// A slice, consumed from the front.
struct Slice<'a>(&'a [f32]);

impl Each<f32> for Slice<'_> {
    #[inline(always)]
    fn next8(&mut self) -> [f32; 8] {
        match self.0.split_first_chunk::<8>() {
            Some((head, rest)) => {
                self.0 = rest;
                *head
            }
            None => [0.0; 8],
        }
    }

    #[inline(always)]
    fn next1(&mut self) -> f32 {
        match self.0.split_first() {
            Some((&head, rest)) => {
                self.0 = rest;
                head
            }
            None => 0.0,
        }
    }
}

/// An iterator of computed values.
struct Values<I>(I);

impl<T: Summand, I: Iterator<Item = T>> Each<T> for Values<I> {
    #[inline(always)]
    fn next8(&mut self) -> [T; 8] {
        core::array::from_fn(|_| self.next1())
    }

    #[inline(always)]
    fn next1(&mut self) -> T {
        self.0.next().unwrap_or(T::ZERO)
    }
}

/// The next `n` summands, summed as NumPy does.
#[inline]
fn pairwise<T: Summand, S: Summands<T>>(s: &mut S, n: usize) -> T {
    if n < 8 {
        let mut res = T::ZERO;
        for _ in 0..n {
            s.add1(&mut res);
        }
        res
    } else if n <= BLOCK {
        s.leaf(n)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        let low = pairwise(s, half);
        low + pairwise(s, n - half)
    }
}

/// `Σ x`, by NumPy's pairwise summation: the bits of `np.sum` on the same
/// `float32` values.
///
/// Error bound (`u = 2⁻²⁴`): `|sum(x) - Σ x| <= m·u·Σ|x|` to first order,
/// where `m = 25 + max(0, ⌈log₂(n / 128)⌉)` is the most additions any
/// element goes through (15 in a partial sum, 3 in the tree, 7 for the
/// tail, one per halving). It grows with `log n`, not `n`: 2²⁵ ones sum to
/// exactly 2²⁵, where a left-to-right f32 sum stops at 2²⁴. NaN in, NaN
/// out; `+inf` and `-inf` together give NaN. The empty sum is `0.0`.
///
/// ```
/// use vanillanets::math::sum;
///
/// assert_eq!(sum(&[1.0, 2.0, 3.0]), 6.0);
/// assert_eq!(sum(&[]), 0.0);
/// // 1 and fifteen 2⁻²⁴: left to right each tiny term is lost; pairwise
/// // only the one added to 1 directly is.
/// let mut x = [2f32.powi(-24); 16];
/// x[0] = 1.0;
/// assert_eq!(x.iter().fold(0.0, |s, &v| s + v), 1.0);
/// assert_eq!(sum(&x), 1.0 + 14.0 * 2f32.powi(-24));
/// ```
#[must_use]
pub fn sum(x: &[f32]) -> f32 {
    0.0 + pairwise(&mut Slice(x), x.len())
}

/// [`sum`] of the first `n` values of an iterator, computed as they are
/// needed (missing values count as `0.0`). The same bits as [`sum`] of the
/// same values; in `f64`, the bits of `np.sum` on `float64`.
#[inline]
pub(crate) fn sum_of<T: Summand>(n: usize, values: impl Iterator<Item = T>) -> T {
    T::ZERO + pairwise(&mut Values(values), n)
}

/// [`sum_of`] fed one value at a time: the tree of `n` values, when the
/// values arrive in several calls (a model's micro-batches). The same bits
/// as [`sum_of`] of the same `n` values in the same order, in `O(log n)`
/// memory: a stack of the left halves still waiting for their right half,
/// and the eight partial sums of the current block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stream {
    /// Split nodes on the path to the current block: the left half's sum
    /// once it is known (`None` while the left half is running), and the
    /// right half's length.
    stack: [(Option<f32>, usize); STACK],
    depth: usize,
    /// The current block's length and how many of its values have come.
    block: usize,
    seen: usize,
    /// Its partial sums, and its running total once they are folded.
    r: [f32; 8],
    res: f32,
    /// The total of everything, once the last value has come.
    total: Option<f32>,
}

/// Halvings from `usize::MAX` down to a block of 128: fewer than
/// `usize::BITS` (32 levels on a 32-bit core, so the stream stays small on
/// a microcontroller's stack).
const STACK: usize = usize::BITS as usize;

impl Stream {
    /// A tree over `n` values.
    pub(crate) fn new(n: usize) -> Self {
        let mut s = Self {
            stack: [(None, 0); STACK],
            depth: 0,
            block: 0,
            seen: 0,
            r: [0.0; 8],
            res: 0.0,
            total: if n == 0 { Some(0.0) } else { None },
        };
        if n > 0 {
            s.descend(n);
        }
        s
    }

    /// Pushes the left halves of `n` down to its first block.
    fn descend(&mut self, mut n: usize) {
        while n > BLOCK && self.depth < STACK {
            let half = n / 2;
            let half = half - half % 8;
            if let Some(slot) = self.stack.get_mut(self.depth) {
                *slot = (None, n - half);
            }
            self.depth += 1;
            n = half;
        }
        self.block = n;
        self.seen = 0;
        self.res = 0.0;
    }

    /// Adds the next value (ignored once all `n` have come).
    pub(crate) fn push(&mut self, v: f32) {
        if self.total.is_some() {
            return;
        }
        let (n, i) = (self.block, self.seen);
        let whole = n - n % 8;
        if n < 8 {
            self.res += v;
        } else if i < 8 {
            if let Some(r) = self.r.get_mut(i) {
                *r = v;
            }
        } else if i < whole {
            if let Some(r) = self.r.get_mut(i % 8) {
                *r += v;
            }
        } else {
            self.res += v;
        }
        self.seen += 1;
        if n >= 8 && self.seen == whole {
            let [r0, r1, r2, r3, r4, r5, r6, r7] = self.r;
            self.res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
        }
        if self.seen == n {
            self.finish_block();
        }
    }

    /// Folds a finished block up the stack, then starts the next block.
    fn finish_block(&mut self) {
        let mut value = self.res;
        while self.depth > 0 {
            let Some((left, right)) = self.stack.get_mut(self.depth - 1) else {
                return;
            };
            match *left {
                None => {
                    // The left half is done: run the right half.
                    *left = Some(value);
                    let right = *right;
                    self.descend(right);
                    return;
                }
                Some(l) => {
                    // left + right, as the recursion adds them.
                    let node = l + value;
                    value = node;
                    self.depth -= 1;
                }
            }
        }
        self.total = Some(0.0 + value);
    }

    /// The sum, once all `n` values have come (`0.0` for `n = 0`).
    pub(crate) fn total(&self) -> Option<f32> {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The NumPy-sum oracle of the shared test support (`tests/support`):
    // NumPy's `pairwise_sum` written independently of this module, by index
    // and recursion on ranges, as in `numpy/_core/src/umath/loops_utils.h.src`,
    // plus `np.sum`'s reduction from `0.0`.
    use vanillanets_test::numpy::np_sum;

    #[test]
    fn same_tree_as_the_reference_at_every_size() {
        let mut x = [0.0_f32; 1100];
        let mut state = 0x2545_f491_u32;
        for v in x.iter_mut() {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            // Magnitudes over 2^±20, so every order rounds differently.
            let e = (state % 41) as i32 - 20;
            *v = (state >> 8) as f32 * 2f32.powi(e - 24) * if state & 1 == 0 { 1.0 } else { -1.0 };
        }
        for n in 0..x.len() {
            let a = &x[..n];
            assert_eq!(sum(a).to_bits(), np_sum(a).to_bits(), "n = {n}");
            assert_eq!(
                sum_of(n, a.iter().copied()).to_bits(),
                np_sum(a).to_bits(),
                "n = {n}"
            );
        }
    }

    #[test]
    fn a_stream_is_the_same_tree() {
        let mut x = [0.0_f32; 1100];
        for (i, v) in x.iter_mut().enumerate() {
            *v = libm::sinf(i as f32 * 0.77) * 2f32.powi((i % 29) as i32 - 14);
        }
        for n in (0..300).chain([511, 512, 513, 1024, 1099, 1100]) {
            let mut s = Stream::new(n);
            assert_eq!(s.total().is_some(), n == 0);
            for &v in &x[..n] {
                s.push(v);
            }
            assert_eq!(
                s.total().map(f32::to_bits),
                Some(np_sum(&x[..n]).to_bits()),
                "n = {n}"
            );
            s.push(1.0);
            assert_eq!(
                s.total().map(f32::to_bits),
                Some(np_sum(&x[..n]).to_bits()),
                "n = {n}"
            );
        }
    }

    #[test]
    fn unit_values_do_not_drift() {
        // 2^25 ones: a left-to-right f32 sum stops at 2^24.
        let n = 1 << 25;
        assert_eq!(sum_of(n, core::iter::repeat(1.0)), 33_554_432.0);
        let left_to_right = core::iter::repeat_n(1.0_f32, n).fold(0.0_f32, |s, v| s + v);
        assert_eq!(left_to_right, 16_777_216.0);
    }

    #[test]
    fn special_values() {
        assert!(sum(&[1.0, f32::NAN, 2.0]).is_nan());
        assert!(sum(&[f32::INFINITY, f32::NEG_INFINITY]).is_nan());
        assert_eq!(sum(&[f32::INFINITY; 200]), f32::INFINITY);
        assert_eq!(
            sum_of(3, [1.0_f32].into_iter()),
            1.0,
            "missing values are 0"
        );
    }
}
