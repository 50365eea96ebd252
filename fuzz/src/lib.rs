//! Shared pieces of the fuzz targets: input generators over
//! [`arbitrary::Unstructured`], independent predictions of the crate's
//! errors, and f64 references of the spec's formulas with their tolerances.
//!
//! Nothing here calls the crate: every expectation is computed from the
//! formulas in `docs/semantics.md` and the crate's documented bounds
//! (`docs/accuracy.md`), so a target that compares the crate with these is
//! checking the crate, not itself. The machinery the crate's tests share
//! (ULP measurement, the measured bounds, bit helpers, `np.argmax`) comes
//! from `vanillanets-test` (`tests/support`).

use arbitrary::Unstructured;
use vanillanets::Error;
use vanillanets_test::bits::same;
use vanillanets_test::bounds::{softmax_rel_bound, softmax_sum_bound, SOFTMAX_ABS_FLOOR};
use vanillanets_test::numpy::{softmax64, softmax_row_is_nan};
use vanillanets_test::ulp::{ulp_err, MIN_NORMAL, TINY, U};
use vanillanets_test::Bounds;

// ---------------------------------------------------------------------------
// Constants: the bounds measured by `examples/accuracy.rs`
// ---------------------------------------------------------------------------

/// The figures of the build being fuzzed (`--features fast-math` or not).
pub const BOUNDS: Bounds = Bounds::of(cfg!(feature = "fast-math"));

/// The longest slice a target builds.
pub const MAX_LEN: usize = 256;

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Values that the raw bit patterns rarely hit.
const SPECIALS: [f32; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MAX,
    f32::MIN,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    1e-45,
    -1e-45,
    1e-7,
    1.0 - 1e-7,
    0.999_999_94,
    88.72284,
    -88.72284,
    -88.722_83,
    16.635532,
    9.010914,
    -103.97208,
    1000.0,
];

/// A thin layer over [`Unstructured`] that never fails: once the data runs
/// out every draw is 0.
pub struct Gen<'a> {
    u: Unstructured<'a>,
}

impl<'a> Gen<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Gen {
            u: Unstructured::new(data),
        }
    }

    pub fn byte(&mut self) -> u8 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn u32(&mut self) -> u32 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn u64(&mut self) -> u64 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub fn is_empty(&self) -> bool {
        self.u.is_empty()
    }

    /// Any `f32`: raw bit patterns, special values, or moderate values on
    /// a 1/64 grid in `[-512, 512)` (where Softmax and the losses do
    /// something other than saturate).
    pub fn value(&mut self) -> f32 {
        match self.byte() % 8 {
            0 | 1 => f32::from_bits(self.u32()),
            2 => SPECIALS[usize::from(self.byte()) % SPECIALS.len()],
            _ => {
                let v = i16::from_le_bytes([self.byte(), self.byte()]);
                f32::from(v) / 64.0
            }
        }
    }

    /// A probability-like `f32`: mostly in `[0, 1]`, sometimes anything.
    pub fn prob(&mut self) -> f32 {
        match self.byte() % 8 {
            0 => self.value(),
            1 => SPECIALS[usize::from(self.byte()) % SPECIALS.len()],
            2 => 0.0,
            3 => 1.0,
            _ => {
                let v = u16::from_le_bytes([self.byte(), self.byte()]);
                f32::from(v) / 65535.0
            }
        }
    }

    /// A dimension: mostly 0..=8, sometimes up to 64, sometimes huge (so
    /// that `rows * cols` overflows).
    pub fn dim(&mut self) -> usize {
        let tag = self.byte();
        match tag {
            0..=199 => usize::from(tag % 9),
            200..=229 => usize::from(self.byte() % 65),
            230..=235 => usize::MAX,
            236..=238 => usize::MAX / 2 + 1,
            239..=241 => 1 << 32,
            242..=243 => (1 << 32) + 1,
            244..=245 => 1 << 63,
            _ => self.u64() as usize,
        }
    }

    /// A slice length for a shape of `n` elements (`None`: overflow):
    /// mostly exactly `n`, sometimes one off, sometimes anything short.
    pub fn len(&mut self, n: Option<usize>) -> usize {
        let tag = self.byte();
        match n {
            Some(n) if n <= MAX_LEN => match tag {
                0..=219 => n,
                220..=229 => n + 1,
                230..=239 => n.saturating_sub(1),
                _ => usize::from(self.byte()) % (MAX_LEN + 1),
            },
            _ => usize::from(tag) % (MAX_LEN + 1),
        }
    }

    pub fn values(&mut self, len: usize) -> Vec<f32> {
        (0..len).map(|_| self.value()).collect()
    }

    pub fn probs(&mut self, len: usize) -> Vec<f32> {
        (0..len).map(|_| self.prob()).collect()
    }

    /// A class label for `cols` classes: mostly in range, sometimes at or
    /// past `cols`, sometimes huge.
    pub fn label(&mut self, cols: usize) -> usize {
        match self.byte() % 16 {
            0 => cols,
            1 => usize::MAX,
            2 => self.u64() as usize,
            3 => cols.saturating_add(usize::from(self.byte())),
            _ => {
                if cols == 0 {
                    0
                } else {
                    (self.u64() as usize) % cols
                }
            }
        }
    }

    /// A one-hot-ish row: exact one-hot, or soft labels, or anything.
    pub fn onehot_row(&mut self, cols: usize) -> Vec<f32> {
        match self.byte() % 4 {
            0 | 1 => {
                let hot = if cols == 0 {
                    0
                } else {
                    usize::from(self.byte()) % cols
                };
                (0..cols)
                    .map(|j| if j == hot { 1.0 } else { 0.0 })
                    .collect()
            }
            2 => self.probs(cols),
            _ => self.values(cols),
        }
    }
}

// ---------------------------------------------------------------------------
// Error prediction
// ---------------------------------------------------------------------------

/// The error a shape check gives, written from the spec's error table:
/// `cols == 0` where rows need a class, then `rows * cols` overflow, then
/// each slice in order against `rows * cols`. `Ok(n)` when it all passes.
pub fn predict_shape(
    needs_class: bool,
    rows: usize,
    cols: usize,
    lens: &[(&'static str, usize)],
) -> Result<usize, Error> {
    if needs_class && cols == 0 {
        return Err(Error::EmptyShape { rows, cols });
    }
    let n = rows
        .checked_mul(cols)
        .ok_or(Error::ShapeOverflow { rows, cols })?;
    check_lens(n, lens)?;
    Ok(n)
}

/// Each `(name, len)` in order against `expected`.
pub fn check_lens(expected: usize, lens: &[(&'static str, usize)]) -> Result<(), Error> {
    for &(argument, actual) in lens {
        if actual != expected {
            return Err(Error::LengthMismatch {
                argument,
                expected,
                actual,
            });
        }
    }
    Ok(())
}

/// The first label at or past `cols`.
pub fn predict_labels(labels: &[usize], cols: usize) -> Result<(), Error> {
    match labels.iter().position(|&l| l >= cols) {
        Some(row) => Err(Error::LabelOutOfRange {
            row,
            label: labels[row],
            classes: cols,
        }),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------

/// An f64 reference value, how far the crate's `f32` may be from it, and
/// whether the inputs are tame enough (no `f32` overflow or underflow in
/// the intermediates) for the tolerance to hold.
#[derive(Clone, Copy, Debug)]
pub struct Ref {
    pub value: f64,
    pub tol: f64,
    pub tame: bool,
}

impl Ref {
    /// A NaN reference demands NaN; a tame one demands `|got - value| <=
    /// tol` (equality for infinities) and no NaN.
    pub fn check(&self, got: f32, what: &dyn Fn() -> String) {
        if self.value.is_nan() {
            assert!(got.is_nan(), "{}: got {got:e}, want NaN", what());
            return;
        }
        if !self.tame {
            return;
        }
        let g = f64::from(got);
        if self.value.is_infinite() {
            assert!(
                g == self.value,
                "{}: got {got:e}, want {}",
                what(),
                self.value
            );
            return;
        }
        assert!(
            (g - self.value).abs() <= self.tol,
            "{}: got {got:e}, want {:e} ± {:e} (off by {:e})",
            what(),
            self.value,
            self.tol,
            (g - self.value).abs()
        );
    }
}

/// The larger magnitude of `v`, for tameness checks.
pub fn max_abs(v: impl IntoIterator<Item = f64>) -> f64 {
    v.into_iter()
        .fold(0.0, |m, x| if x.abs() > m { x.abs() } else { m })
}

// ---------------------------------------------------------------------------
// Activation references
// ---------------------------------------------------------------------------

/// Which activation, as the targets see it (independent of the crate's
/// `ActivationKind` dispatch).
#[derive(Clone, Copy, Debug)]
pub enum Act {
    Linear,
    ReLU,
    LeakyReLU(f32),
    Sigmoid,
    Tanh,
    Softmax,
}

/// Checks a forward output `y` against the spec for inputs `x`
/// (`rows × cols`, `cols > 0` for Softmax, same lengths).
pub fn check_forward(act: Act, x: &[f32], y: &[f32], cols: usize) {
    assert_eq!(x.len(), y.len());
    match act {
        Act::Softmax => {
            for (i, (xr, yr)) in x.chunks_exact(cols).zip(y.chunks_exact(cols)).enumerate() {
                check_softmax_row(xr, yr, &|| format!("softmax row {i} {xr:?} -> {yr:?}"));
            }
        }
        _ => {
            for (i, (&x, &y)) in x.iter().zip(y).enumerate() {
                check_forward_element(act, x, y, &|| format!("{act:?} forward [{i}] x={x:e}"));
            }
        }
    }
}

fn check_forward_element(act: Act, x: f32, y: f32, what: &dyn Fn() -> String) {
    match act {
        Act::Linear => assert!(y.to_bits() == x.to_bits(), "{}: got {y:e}", what()),
        Act::ReLU => {
            // np.maximum(0, x): +0 below 0; -0.0 stays -0.0 (NumPy returns
            // the second argument when the two compare equal)
            if x.is_nan() {
                assert!(y.is_nan(), "{}: got {y:e}, want NaN", what());
            } else if x < 0.0 {
                assert!(y.to_bits() == 0, "{}: got {y:e}, want +0", what());
            } else {
                assert!(y.to_bits() == x.to_bits(), "{}: got {y:e}", what());
            }
        }
        Act::LeakyReLU(slope) => {
            let want = if x > 0.0 {
                x
            } else {
                // exact product in f64, one rounding to f32: correctly rounded
                (f64::from(slope) * f64::from(x)) as f32
            };
            assert!(same(y, want), "{}: got {y:e}, want {want:e}", what());
        }
        Act::Sigmoid => {
            if x.is_nan() {
                assert!(y.is_nan(), "{}: got {y:e}, want NaN", what());
                return;
            }
            let r = 1.0 / (1.0 + (-f64::from(x)).exp());
            assert!((0.0..=1.0).contains(&y), "{}: {y:e} outside [0, 1]", what());
            assert_eq!(
                y == 0.0,
                x <= BOUNDS.sigmoid_zero_up_to,
                "{}: y={y:e}",
                what()
            );
            assert_eq!(
                y == 1.0,
                x >= BOUNDS.sigmoid_one_from,
                "{}: y={y:e}",
                what()
            );
            let ok = if r >= MIN_NORMAL {
                ulp_err(y, r) <= BOUNDS.sigmoid_max_ulp
            } else {
                (f64::from(y) - r).abs() <= BOUNDS.sigmoid_subnormal_max_abs
            };
            assert!(
                ok,
                "{}: got {y:e}, want {r:e} ({} ULP)",
                what(),
                ulp_err(y, r)
            );
        }
        Act::Tanh => {
            if x.is_nan() {
                assert!(y.is_nan(), "{}: got {y:e}, want NaN", what());
                return;
            }
            let r = f64::from(x).tanh();
            assert!(
                (-1.0..=1.0).contains(&y),
                "{}: {y:e} outside [-1, 1]",
                what()
            );
            assert_eq!(y == 1.0, x >= BOUNDS.tanh_one_from, "{}: y={y:e}", what());
            assert_eq!(y == -1.0, x <= -BOUNDS.tanh_one_from, "{}: y={y:e}", what());
            if x == 0.0 {
                assert!(y.to_bits() == x.to_bits(), "{}: sign of zero", what());
            }
            assert!(
                ulp_err(y, r) <= BOUNDS.tanh_max_ulp,
                "{}: got {y:e}, want {r:e} ({} ULP)",
                what(),
                ulp_err(y, r)
            );
        }
        Act::Softmax => unreachable!("row-wise"),
    }
}

/// The f64 softmax of one `f32` row with, for each output, the documented
/// relative error bound `(|x_j - m| + k + 4) · u`. `None` for a NaN row.
pub fn softmax_with_bounds(x: &[f32]) -> Option<Vec<(f64, f64)>> {
    if softmax_row_is_nan(x) {
        return None;
    }
    let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(
        x.iter()
            .zip(softmax64(&x))
            .map(|(&v, r)| {
                // an exact 0 (an input of -inf, or far below the max) has
                // no relative error to speak of
                let bound = if r == 0.0 {
                    0.0
                } else {
                    softmax_rel_bound(v, m, x.len())
                };
                (r, bound)
            })
            .collect(),
    )
}

/// One Softmax row against the spec: the NaN rule, each output within the
/// documented relative bound (plus `2·2⁻¹⁴⁹` absolute for outputs below
/// `2⁻¹²⁶`), exact zeros for `-inf` inputs, and the row sum within `k·2u`.
pub fn check_softmax_row(x: &[f32], y: &[f32], what: &dyn Fn() -> String) {
    let Some(r) = softmax_with_bounds(x) else {
        assert!(y.iter().all(|v| v.is_nan()), "{}: want all NaN", what());
        return;
    };
    for (j, ((&(r, bound), &y), &x)) in r.iter().zip(y).zip(x).enumerate() {
        assert!(!y.is_nan(), "{}: NaN at {j}", what());
        let err = (f64::from(y) - r).abs();
        // the documented relative bound, plus an absolute floor for
        // outputs below 2^-126 (measured by examples/accuracy.rs)
        let tol = r * bound + SOFTMAX_ABS_FLOOR;
        assert!(
            err <= tol,
            "{}: [{j}] got {y:e}, want {r:e} ± {tol:e}",
            what()
        );
        if x == f32::NEG_INFINITY {
            assert!(y.to_bits() == 0, "{}: [{j}] -inf must give +0", what());
        }
    }
    let sum: f64 = y.iter().map(|&v| f64::from(v)).sum();
    assert!(
        (sum - 1.0).abs() <= softmax_sum_bound(y.len()),
        "{}: row sums to {sum}",
        what()
    );
}

/// Checks a backward `dx` from the forward output `y` and upstream `dv`.
pub fn check_backward(act: Act, y: &[f32], dv: &[f32], dx: &[f32], cols: usize) {
    assert!(y.len() == dv.len() && dv.len() == dx.len());
    if let Act::Softmax = act {
        let rows = y
            .chunks_exact(cols)
            .zip(dv.chunks_exact(cols))
            .zip(dx.chunks_exact(cols));
        for (i, ((y, dv), dx)) in rows.enumerate() {
            check_softmax_backward_row(y, dv, dx, &|| {
                format!("softmax backward row {i} y={y:?} dv={dv:?} dx={dx:?}")
            });
        }
        return;
    }
    for (i, ((&y, &dv), &dx)) in y.iter().zip(dv).zip(dx).enumerate() {
        let what = || format!("{act:?} backward [{i}] y={y:e} dv={dv:e} dx={dx:e}");
        match act {
            Act::Linear => assert!(dx.to_bits() == dv.to_bits(), "{}", what()),
            Act::ReLU => {
                let want = if y <= 0.0 { 0.0 } else { dv };
                assert!(dx.to_bits() == want.to_bits(), "{}", what());
            }
            Act::LeakyReLU(slope) => {
                let want = if y <= 0.0 {
                    (f64::from(dv) * f64::from(slope)) as f32
                } else {
                    dv
                };
                assert!(same(dx, want), "{}: want {want:e}", what());
            }
            Act::Sigmoid => {
                // VanillaNets' float32 `dvalues * (1 - output) * output`,
                // left to right, each step rounded to f32.
                let want = dv * (1.0 - y) * y;
                assert!(same(dx, want), "{}: want {want:e}", what());
                let (a, b) = (f64::from(dv) * (1.0 - f64::from(y)), f64::from(y));
                let r = a * b;
                tame_product(r, &[a, b]).check(dx, &what);
            }
            Act::Tanh => {
                let want = dv * (1.0 - y * y);
                assert!(same(dx, want), "{}: want {want:e}", what());
                let yy = f64::from(y) * f64::from(y);
                let b = 1.0 - yy;
                let r = f64::from(dv) * b;
                // `1 - y²` cancels near |y| = 1: its rounding is absolute
                // (u for y² up to 1) rather than relative.
                let mut re = tame_product(r, &[yy, b]);
                re.tol += f64::from(dv).abs() * 2.0 * U * yy.max(1.0);
                re.check(dx, &what);
            }
            Act::Softmax => unreachable!(),
        }
    }
}

/// A product of a few roundings: `4u` relative, tame while every
/// intermediate stays well inside the normal `f32` range (or is 0).
fn tame_product(r: f64, parts: &[f64]) -> Ref {
    let ok = |v: f64| v == 0.0 || (v.abs() > 1e-30 && v.abs() < 1e30);
    Ref {
        value: r,
        tol: 4.0 * U * r.abs(),
        tame: ok(r) && parts.iter().all(|&p| ok(p)),
    }
}

/// Softmax backward of one row: `dx = J @ dv` with the explicit Jacobian
/// `J = diag(y) - y yᵀ` in f64, within a rounding bound of the O(k) form.
fn check_softmax_backward_row(y: &[f32], dv: &[f32], dx: &[f32], what: &dyn Fn() -> String) {
    if y.iter().chain(dv).any(|v| v.is_nan()) {
        assert!(dx.iter().all(|v| v.is_nan()), "{}: want all NaN", what());
        return;
    }
    let k = y.len();
    let yd: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
    let dvd: Vec<f64> = dv.iter().map(|&v| f64::from(v)).collect();
    // |y|, |dv| <= 1e9 keeps every product and sum far inside the f32 range
    let tame = max_abs(yd.iter().copied()) <= 1e9 && max_abs(dvd.iter().copied()) <= 1e9;
    if !tame {
        return;
    }
    let sum_abs: f64 = yd.iter().zip(&dvd).map(|(y, d)| (y * d).abs()).sum();
    let kf = k as f64;
    for i in 0..k {
        let r: f64 = (0..k)
            .map(|j| {
                let jij = if i == j { yd[i] } else { 0.0 } - yd[i] * yd[j];
                jij * dvd[j]
            })
            .sum();
        let tol = yd[i].abs() * (kf + 3.0) * U * (dvd[i].abs() + 2.0 * sum_abs)
            + U * r.abs()
            + (kf + 2.0) * TINY * (1.0 + yd[i].abs());
        Ref {
            value: r,
            tol,
            tame: true,
        }
        .check(dx[i], &|| format!("{} [{i}]", what()));
    }
}

// ---------------------------------------------------------------------------
// Loss references
// ---------------------------------------------------------------------------

/// The crate's clip in f32 (`CLIP_MIN`, `CLIP_MAX`), NaN passing, as f64.
/// Written out as `np.clip` reads, not with `clamp` as the crate has it.
#[allow(clippy::manual_clamp)]
pub fn clip32(p: f32) -> f64 {
    use vanillanets::losses::{CLIP_MAX, CLIP_MIN};
    let c = if p.is_nan() {
        p
    } else if p < CLIP_MIN {
        CLIP_MIN
    } else if p > CLIP_MAX {
        CLIP_MAX
    } else {
        p
    };
    f64::from(c)
}

/// The clip on an f64 value, with the f32 bounds.
pub fn clip64(p: f64) -> f64 {
    use vanillanets::losses::{CLIP_MAX, CLIP_MIN};
    if p.is_nan() {
        p
    } else {
        p.clamp(f64::from(CLIP_MIN), f64::from(CLIP_MAX))
    }
}

fn tame_mag(v: f64, limit: f64) -> bool {
    v.is_nan() || v.abs() <= limit
}

/// BCE per sample: `mean_j -(y ln c + (1-y) ln(1-c))`.
pub fn bce_row(p: &[f32], y: &[f32]) -> Ref {
    let k = p.len() as f64;
    let (mut sum, mut tau, mut abs_sum, mut tame) = (0.0, 0.0, 0.0, true);
    for (&p, &y) in p.iter().zip(y) {
        let c = clip32(p);
        let y = f64::from(y);
        let (l1, l2) = (c.ln(), (1.0 - c).ln());
        let t = -(y * l1 + (1.0 - y) * l2);
        sum += t;
        abs_sum += t.abs();
        tau += 6.0 * U * ((y * l1).abs() + ((1.0 - y) * l2).abs()) + 1.01 * U * (1.0 - y).abs();
        tame &= tame_mag(y, 1e30);
    }
    Ref {
        value: sum / k,
        tol: (tau + (k + 1.0) * U * abs_sum) / k + TINY,
        tame,
    }
}

/// BCE backward element: `-(y/c - (1-y)/(1-c)) / k / n`.
pub fn bce_grad(p: f32, y: f32, k: f64, n: f64) -> Ref {
    let c = clip32(p);
    let y = f64::from(y);
    let (q1, q2) = (y / c, (1.0 - y) / (1.0 - c));
    let r = -(q1 - q2) / k / n;
    Ref {
        value: r,
        tol: (2.0 * U * q1.abs() + 4.0 * U * q2.abs()) / (k * n) + 3.0 * U * r.abs() + 2.0 * TINY,
        tame: tame_mag(y, 1e30),
    }
}

/// CCE per sample from clipped probabilities `c` (each known to a relative
/// `c_rel`), with a class label.
pub fn cce_class_row(c: f64, c_rel: f64) -> Ref {
    let l = -c.ln();
    Ref {
        value: l,
        tol: c_rel * 1.01 + 3.0 * U * l.abs() + TINY,
        tame: true,
    }
}

/// CCE per sample from clipped probabilities `c` (each known to a relative
/// `c_rel`) and one-hot (or any) rows `y`: `-ln(Σ c_j y_j)`. The sum is
/// rounded in f32, so where it is within its rounding of 0 the sign (and so
/// NaN, `inf` or a number) is not determined: such rows are not tame.
pub fn cce_onehot_row(c: &[(f64, f64)], y: &[f32]) -> Ref {
    let k = c.len() as f64;
    let (mut conf, mut e, mut tame) = (0.0, 0.0, true);
    for (&(c, c_rel), &y) in c.iter().zip(y) {
        let y = f64::from(y);
        conf += c * y;
        e += (c * y).abs() * ((k + 1.0) * U + c_rel);
        tame &= tame_mag(y, 1e30);
    }
    e += (k + 1.0) * TINY;
    if conf.is_nan() {
        return Ref {
            value: f64::NAN,
            tol: 0.0,
            tame,
        };
    }
    if conf < -e {
        return Ref {
            value: f64::NAN,
            tol: 0.0,
            tame,
        };
    }
    if conf.abs() <= e {
        // An exact zero (every term 0) is ln 0 = -inf: loss +inf.
        let zero =
            e <= (k + 1.0) * TINY && c.iter().zip(y).all(|(c, &y)| c.0 * f64::from(y) == 0.0);
        return Ref {
            value: f64::INFINITY,
            tol: 0.0,
            tame: tame && zero,
        };
    }
    let l = -conf.ln();
    Ref {
        value: l,
        tol: e / (conf - e) * 1.01 + 3.0 * U * l.abs() + TINY,
        tame,
    }
}

/// The mean of per-sample references, summed in f32 and divided by `n`.
pub fn mean_of(rows: &[Ref]) -> Ref {
    let n = rows.len() as f64;
    let value = rows.iter().map(|r| r.value).sum::<f64>() / n;
    let abs: f64 = rows.iter().map(|r| r.value.abs()).sum();
    let tol: f64 = rows.iter().map(|r| r.tol).sum::<f64>() / n + (n + 1.0) * U * abs / n + TINY;
    Ref {
        value,
        tol,
        tame: rows.iter().all(|r| r.tame) && abs.is_finite(),
    }
}

/// MSE per sample: `mean_j (y_j - p_j)²`.
pub fn mse_row(p: &[f32], y: &[f32]) -> Ref {
    let k = p.len() as f64;
    let (mut sum, mut tame) = (0.0, true);
    for (&p, &y) in p.iter().zip(y) {
        let d = f64::from(y) - f64::from(p);
        sum += d * d;
        tame &= tame_mag(d, 1e18);
    }
    Ref {
        value: sum / k,
        tol: (k + 4.0) * U * sum / k + k * TINY,
        tame,
    }
}

/// MSE backward element: `-2 (y - p) / k / n`.
pub fn mse_grad(p: f32, y: f32, k: f64, n: f64) -> Ref {
    let d = f64::from(y) - f64::from(p);
    let r = -2.0 * d / k / n;
    Ref {
        value: r,
        tol: 3.0 * U * r.abs() + 2.0 * TINY,
        tame: tame_mag(d, 1e37),
    }
}

/// The fused Softmax + CCE gradient element: `(p - [j == t]) / n`.
pub fn fused_grad(p: f32, is_true: bool, n: f64) -> Ref {
    let r = (f64::from(p) - if is_true { 1.0 } else { 0.0 }) / n;
    Ref {
        value: r,
        tol: 2.0 * U * r.abs() + 2.0 * TINY,
        tame: true,
    }
}
