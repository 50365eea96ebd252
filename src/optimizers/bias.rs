//! Adam's bias corrections `(1 − βᵗ) as f32` without `pow` on the hot path.
//!
//! The reference is the original's formula in `f64`,
//! `(1.0 - libm::pow(β, t as f64)) as f32`: about 9 000 instructions of
//! software `f64` per call on a Cortex-M4F, whatever the network's size.
//! [`one_minus_pow`] returns the same bits from `β`'s integer power:
//!
//! 1. `est ≈ βⁿ` (`n = t`) by exponentiation by squaring in `f64`. With
//!    every operand in `[2⁻³⁰, 1)` (checked, below) no product is
//!    subnormal, so each multiply rounds with a relative error of at most
//!    `u = 2⁻⁵³`. A computed power `x ≈ βᴱ` carries its factors' errors
//!    raised to the powers they enter it with; by induction on the
//!    multiplies (`1 · x` is exact, `x · y` adds one rounding to
//!    `(E₁ − 1) + (E₂ − 1)`) their total multiplicity is at most
//!    `E − 1`, so `|x − βᴱ| ≤ γ · βᴱ` with
//!    `γ = (E − 1)·u / (1 − (E − 1)·u)`. For squaring this is `E − 1`,
//!    not twice the number of multiplies: a squaring doubles the error it
//!    is given.
//! 2. `libm::pow`'s result `P` is within 1 ULP (`≤ 2⁻⁵²·βⁿ`) of `βⁿ`, so
//!    `|P − est| ≤ (γ + 2u)·βⁿ ≤ (γ + 2u)/(1 − γ)·est ≤ (2n + 4)·u·est`
//!    for `n ≤ 2⁴⁸` (`γ ≤ 1.07·(n − 1)·u`, `1/(1 − γ) ≤ 1.04`). The code
//!    uses `e = (4n + 8)·u·est`, twice that: `4n + 8` and the scaling by
//!    `2⁻⁵³` are exact, and the last product's rounding (`≤ u`) is far
//!    inside the factor 2.
//! 3. `x ↦ ((1.0 − x) as f32)` is monotonic non-increasing (an `f64`
//!    subtraction and a rounding to `f32`, both monotonic), and `P` is an
//!    `f64`, so `P ≤ est + e` gives `P ≤ fl(est + e)` (likewise below).
//!    Hence `lo = (1 − fl(est + e)) as f32 ≤ (1 − P) as f32 ≤
//!    (1 − fl(est − e)) as f32 = hi`, and `lo == hi` (bit for bit) is the
//!    reference's result. Otherwise, rarely (a rounding boundary of `f32`
//!    within `e` of `1 − est`), `libm::pow` decides.
//!
//! Small powers: if a partial power (the squared base `≈ β^(2ʲ)` with
//! `2ʲ ≤ n`, or the running product `≈ βᴱ` with `E ≤ n`) falls below
//! `2⁻³⁰`, then `βⁿ ≤ βᴱ < 2⁻³⁰/(1 − γ) < 2⁻²⁹`, `P < 2⁻²⁸` and
//! `1 − P ≥ 1 − 2⁻²⁵`, which rounds to `1.0` in `f32` (`1 − 2⁻²⁵` is the
//! tie between `1 − 2⁻²⁴` and `1`, and goes to the even `1`). So the
//! answer is `1.0`, returned at once; this also keeps every operand
//! normal, as step 1 requires, and covers `β = 0` (`0ᵗ = 0` for `t ≥ 1`)
//! and underflow. Outside the checked domain (`β` not in `[0, 1)`,
//! `t = 0`, or `t > 2⁴⁸`, where the bound above stops being small and, past
//! `2⁵³`, `t as f64` is not `t`) it calls `libm::pow`: the reference
//! itself, so the semantics are the original's everywhere.

/// `2⁻³⁰`: a partial power below it makes the answer `1.0`.
const TINY: f64 = 1.0 / 1_073_741_824.0;

/// `2⁻⁵³`, the unit roundoff of `f64`.
const U: f64 = 1.0 / 9_007_199_254_740_992.0;

/// The largest `t` decided without `pow` (`(t − 1)·u ≤ 2⁻⁵`).
const MAX_T: u64 = 1 << 48;

/// `(1.0 - libm::pow(beta, t as f64)) as f32`, bit for bit, usually
/// without calling `pow` (see the module's documentation).
#[inline]
pub(super) fn one_minus_pow(beta: f64, t: u64) -> f32 {
    match decide(beta, t) {
        Some(c) => c,
        None => reference(beta, t),
    }
}

/// The original's formula.
#[inline(never)]
fn reference(beta: f64, t: u64) -> f32 {
    (1.0 - libm::pow(beta, t as f64)) as f32
}

/// The reference's bits from `βᵗ` by squaring, or `None` when the error
/// bound leaves two `f32` values possible (or outside the domain).
fn decide(beta: f64, t: u64) -> Option<f32> {
    if !(0.0..1.0).contains(&beta) || t == 0 || t > MAX_T {
        return None;
    }
    if beta < TINY {
        return Some(1.0);
    }
    // acc ≈ β^(the bits of t consumed so far), base ≈ β^(2^j).
    let (mut acc, mut base, mut n) = (1.0_f64, beta, t);
    loop {
        if n & 1 == 1 {
            acc *= base;
            if acc < TINY {
                return Some(1.0);
            }
        }
        n >>= 1;
        if n == 0 {
            break;
        }
        base *= base;
        if base < TINY {
            return Some(1.0);
        }
    }
    let e = (4 * t + 8) as f64 * U * acc;
    let lo = (1.0 - (acc + e)) as f32;
    let hi = (1.0 - (acc - e)) as f32;
    (lo.to_bits() == hi.to_bits()).then_some(lo)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::{decide, one_minus_pow, reference};

    /// SplitMix64: reproducible random values without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in `[0, 1)`.
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1_u64 << 53) as f64
        }
    }

    /// Checks `one_minus_pow` against the reference; returns how many of
    /// the calls `decide` left to `pow`.
    fn check(beta: f64, ts: impl IntoIterator<Item = u64>) -> (u64, u64) {
        let (mut calls, mut fallbacks) = (0, 0);
        for t in ts {
            let want = reference(beta, t).to_bits();
            assert_eq!(
                one_minus_pow(beta, t).to_bits(),
                want,
                "beta {beta:e}, t {t}"
            );
            if let Some(c) = decide(beta, t) {
                assert_eq!(c.to_bits(), want, "beta {beta:e}, t {t}");
            } else {
                fallbacks += 1;
            }
            calls += 1;
        }
        (calls, fallbacks)
    }

    fn betas() -> impl Iterator<Item = f64> {
        let fixed = [
            0.9,
            0.999,
            0.99,
            0.5,
            0.0,
            -0.0,
            1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            1e-10,
            0.9999,
            0.99999,
            1.0 - 1.0 / (1_u64 << 24) as f64,
            1.0 - 1.0 / (1_u64 << 25) as f64 - 1.0 / (1_u64 << 52) as f64,
        ];
        let mut rng = Rng(0x5EED);
        let random: [f64; 12] = core::array::from_fn(|i| {
            let x = rng.unit();
            // Half spread over [0, 1), half near 1, where Adam lives.
            if i % 2 == 0 {
                x
            } else {
                1.0 - x * x * x * 0.01
            }
        });
        fixed.into_iter().chain(random)
    }

    /// Steps a training run reaches: every `t` in `1..=200 000`.
    #[test]
    fn same_bits_as_pow_for_every_step() {
        let (mut calls, mut fallbacks) = (0, 0);
        for beta in betas() {
            let (c, f) = check(beta, 1..=200_000);
            std::println!("beta {beta:e}: pow {f} of {c}");
            // `pow` decides only when `1 − βᵗ` sits within `e` of an `f32`
            // rounding boundary: rare unless `β` is within a few `f32`
            // ULPs of 1, where `1 − βᵗ` is small and so are its ULPs.
            if beta < 0.9999 {
                assert!(f * 10_000 <= c, "beta {beta:e}: {f} of {c}");
            }
            calls += c;
            fallbacks += f;
        }
        std::println!("pow fallback: {fallbacks} of {calls}");
    }

    /// Random, huge, powers of two and their neighbours, up to `u64::MAX`
    /// (where `t as f64` rounds).
    #[test]
    fn same_bits_as_pow_for_large_steps() {
        let mut rng = Rng(42);
        let mut ts = std::vec::Vec::new();
        for k in 0..64 {
            let p = 1_u64 << k;
            ts.extend([p - 1, p, p + 1, p.wrapping_mul(3) / 2]);
        }
        ts.extend([
            u64::MAX,
            u64::MAX - 1,
            u64::MAX - 1024,
            (1 << 53) + 1,
            (1 << 48) + 1,
        ]);
        for _ in 0..2_000 {
            let r = rng.next();
            ts.extend([r, r >> (r % 64), (r >> 40) + 1]);
        }
        ts.retain(|&t| t >= 1);
        let (mut calls, mut fallbacks) = (0, 0);
        for beta in betas() {
            let (c, f) = check(beta, ts.iter().copied());
            calls += c;
            fallbacks += f;
        }
        std::println!("pow fallback (large t): {fallbacks} of {calls}");
    }

    /// Outside the domain `decide` refuses, and the result is still the
    /// reference's.
    #[test]
    fn outside_the_domain_is_pow() {
        for beta in [1.0, 1.5, -0.5, f64::NAN, f64::INFINITY] {
            assert_eq!(decide(beta, 3), None);
            assert_eq!(
                one_minus_pow(beta, 3).to_bits(),
                reference(beta, 3).to_bits()
            );
        }
        assert_eq!(decide(0.9, 0), None);
        assert_eq!(one_minus_pow(0.9, 0).to_bits(), 0.0_f32.to_bits());
    }
}
