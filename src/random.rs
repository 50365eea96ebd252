//! A small seeded random generator for weight initialisation and
//! shuffling, with no dependency.
//!
//! Seeds do **not** reproduce NumPy's `default_rng` (PCG64) streams: a
//! model that must match VanillaNets bit for bit sets its initial weights
//! explicitly, as the crate's parity tests do.

/// A source of uniformly distributed `u32`s. Implement it to use your own
/// generator (a hardware RNG, say) with [`crate::layers::initialize`] and
/// the model's shuffling.
pub trait Rng {
    /// The next 32 uniformly distributed bits.
    fn next_u32(&mut self) -> u32;

    /// A uniform `f64` in `[0, 1)` with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        let hi = u64::from(self.next_u32() >> 5); // 27 bits
        let lo = u64::from(self.next_u32() >> 6); // 26 bits
        ((hi << 26) | lo) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// A uniform index in `0..n` (`0` for `n == 0`), without modulo bias.
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        // Lemire's multiply-shift with rejection, on 64 bits.
        let n = n as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let x = (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32());
            let m = u128::from(x) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as usize;
            }
        }
    }
}

/// PCG32 (XSH RR 64/32, O'Neill 2014): 64 bits of state, period 2⁶⁴, the
/// same stream on every target.
///
/// ```
/// use vanillanets::random::{Pcg32, Rng};
///
/// let mut a = Pcg32::new(42);
/// let mut b = Pcg32::new(42);
/// assert_eq!(a.next_u32(), b.next_u32());
/// let u = a.next_f64();
/// assert!((0.0..1.0).contains(&u));
/// assert!(a.below(10) < 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcg32 {
    state: u64,
}

const MULTIPLIER: u64 = 6_364_136_223_846_793_005;
const INCREMENT: u64 = 1_442_695_040_888_963_407;

impl Pcg32 {
    /// The generator seeded with `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        let state = seed.wrapping_add(INCREMENT);
        Self {
            state: state.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT),
        }
    }
}

impl Rng for Pcg32 {
    fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        xorshifted.rotate_right((old >> 59) as u32)
    }
}

/// A standard normal `f64` by the Box–Muller transform (with `libm`'s `log`,
/// `sqrt` and `cos`, so the same bits on every target).
pub(crate) fn standard_normal(rng: &mut impl Rng) -> f64 {
    // 1 - u is in (0, 1], so the log is finite.
    let u1 = 1.0 - rng.next_f64();
    let u2 = rng.next_f64();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcg32_reference_stream() {
        // The same seed gives the same stream; another seed another one.
        let mut r = Pcg32::new(0);
        let first: [u32; 4] = core::array::from_fn(|_| r.next_u32());
        let mut again = Pcg32::new(0);
        let second: [u32; 4] = core::array::from_fn(|_| again.next_u32());
        assert_eq!(first, second);
        assert_ne!(Pcg32::new(1).next_u32(), Pcg32::new(0).next_u32());
    }

    #[test]
    fn uniform_and_normal_moments() {
        let mut r = Pcg32::new(7);
        let n = 200_000;
        let (mut s, mut s2, mut below) = (0.0, 0.0, [0_u32; 3]);
        for _ in 0..n {
            let z = standard_normal(&mut r);
            s += z;
            s2 += z * z;
            below[r.below(3)] += 1;
        }
        let mean = s / f64::from(n);
        let var = s2 / f64::from(n) - mean * mean;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, 0.0032 for the
        // variance; 5 of them.
        assert!(mean.abs() < 0.011, "{mean}");
        assert!((var - 1.0).abs() < 0.016, "{var}");
        for b in below {
            assert!(
                (f64::from(b) / f64::from(n) - 1.0 / 3.0).abs() < 0.005,
                "{below:?}"
            );
        }
    }
}
