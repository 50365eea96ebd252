//! Every loss (BinaryCrossEntropy, CategoricalCrossEntropy with class
//! labels and one-hot rows, MeanSquaredError, SoftmaxCrossEntropy with its
//! `forward_logits` and `backward_in_place`) and a `LossBuffer` of each, on
//! arbitrary shapes, labels (out of range too), one-hot rows and values.
//!
//! - Ok: per-sample losses, the mean and the gradient against f64
//!   references of the spec's formulas (f32 clip bounds) within rounding
//!   tolerances, NaN where the inputs make it NaN; `calculate` is
//!   `np.mean` of `forward` (NumPy's pairwise f32 sum); in-place and
//!   buffered forms equal the plain one bit for bit.
//! - Err: the variant an independent computation predicts, and nothing
//!   written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanillanets::activations::{Activation, Softmax};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy, CLIP_MIN,
};
use vanillanets::{Error, LossBuffer};
use vanillanets_fuzz::{
    bce_grad, bce_row, cce_class_row, cce_onehot_row, check_lens, clip32, clip64, fused_grad,
    mean_of, mse_grad, mse_row, predict_labels, predict_shape, softmax_with_bounds, Gen, Ref,
};
use vanillanets_test::bits::{bits, canon, same};
use vanillanets_test::numpy::{np_argmax, np_mean};
use vanillanets_test::ulp::{TINY, U};

const N: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sel {
    Bce,
    Mse,
    Cce,
    Sce,
}

/// The targets as the predictions see them.
#[derive(Clone, Copy, Debug)]
enum T<'a> {
    Values(&'a [f32]),
    Classes(&'a [usize]),
    OneHot(&'a [f32]),
}

struct Case<'a> {
    rows: usize,
    cols: usize,
    p: &'a [f32],
    t: T<'a>,
    /// `sample_losses` and `dinputs` as passed (their initial contents).
    losses: &'a [f32],
    dx: &'a [f32],
}

/// Shape, predictions and targets, in the crate's documented order;
/// `Ok(rows * cols)`.
fn predict_validate(rows: usize, cols: usize, lp: usize, t: T<'_>) -> Result<usize, Error> {
    predict_validate_named(rows, cols, ("predictions", lp), t)
}

/// As [`predict_validate`], with the predictions' argument named.
fn predict_validate_named(
    rows: usize,
    cols: usize,
    p: (&'static str, usize),
    t: T<'_>,
) -> Result<usize, Error> {
    let n = predict_shape(true, rows, cols, &[p])?;
    match t {
        T::Values(y) => check_lens(n, &[("targets", y.len())])?,
        T::Classes(l) => {
            check_lens(rows, &[("labels", l.len())])?;
            predict_labels(l, cols)?;
        }
        T::OneHot(y) => check_lens(n, &[("labels", y.len())])?,
    }
    Ok(n)
}

/// The per-sample references (shape already valid).
fn row_refs(sel: Sel, c: &Case<'_>) -> Vec<Ref> {
    let k = c.cols;
    (0..c.rows)
        .map(|i| {
            let p = &c.p[i * k..(i + 1) * k];
            match (sel, c.t) {
                (Sel::Bce, T::Values(y)) => bce_row(p, &y[i * k..(i + 1) * k]),
                (Sel::Mse, T::Values(y)) => mse_row(p, &y[i * k..(i + 1) * k]),
                (_, T::Classes(l)) => cce_class_row(clip32(p[l[i]]), 0.0),
                (_, T::OneHot(y)) => {
                    let c: Vec<(f64, f64)> = p.iter().map(|&p| (clip32(p), 0.0)).collect();
                    cce_onehot_row(&c, &y[i * k..(i + 1) * k])
                }
                _ => unreachable!(),
            }
        })
        .collect()
}

/// The gradient check of every element (shape already valid).
fn check_grad(sel: Sel, c: &Case<'_>, dx: &[f32]) {
    let (k, n) = (c.cols, c.rows);
    let (kf, nf) = (k as f64, n as f64);
    for i in 0..n {
        let label = match c.t {
            T::Classes(l) => Some(l[i]),
            T::OneHot(y) if sel == Sel::Sce => Some(np_argmax(&y[i * k..(i + 1) * k])),
            _ => None,
        };
        for j in 0..k {
            let e = i * k + j;
            let (p, got) = (c.p[e], dx[e]);
            let what = || format!("{sel:?} grad [{i},{j}] p={p:e} t={:?} got {got:e}", c.t);
            match (sel, c.t) {
                (Sel::Bce, T::Values(y)) => bce_grad(p, y[e], kf, nf).check(got, &what),
                (Sel::Mse, T::Values(y)) => mse_grad(p, y[e], kf, nf).check(got, &what),
                (Sel::Sce, _) => fused_grad(p, label == Some(j), nf).check(got, &what),
                (Sel::Cce, T::Classes(_)) => {
                    if label == Some(j) {
                        let r = -1.0 / clip32(p) / nf;
                        Ref {
                            value: r,
                            tol: 2.0 * U * r.abs() + 2.0 * TINY,
                            tame: true,
                        }
                        .check(got, &what);
                    } else if p.is_nan() {
                        assert!(got.is_nan(), "{}", what());
                    } else {
                        // -0 / clip(p) / n: NumPy's -0.0
                        assert!(got.to_bits() == (-0.0_f32).to_bits(), "{}", what());
                    }
                }
                (Sel::Cce, T::OneHot(y)) => {
                    let yv = f64::from(y[e]);
                    let r = -yv / clip32(p) / nf;
                    Ref {
                        value: r,
                        tol: 2.0 * U * r.abs() + 2.0 * TINY,
                        tame: yv.is_nan() || yv.abs() <= 1e30,
                    }
                    .check(got, &what);
                }
                _ => unreachable!(),
            }
        }
    }
}

/// Buffer state as seen from outside.
#[derive(Clone, Debug, Default, PartialEq)]
struct Shadow {
    shape: (usize, usize),
    dinputs: Option<Vec<u32>>,
}

fn observe<L: Loss>(b: &LossBuffer<L, N>) -> Shadow {
    Shadow {
        shape: b.shape(),
        dinputs: b.dinputs().map(canon),
    }
}

fn exercise<L: Loss>(
    loss: &L,
    sel: Sel,
    targets: L::Targets<'_>,
    c: &Case<'_>,
    buf: &mut LossBuffer<L, N>,
    shadow: &mut Shadow,
) {
    let (rows, cols) = (c.rows, c.cols);
    let valid = predict_validate(rows, cols, c.p.len(), c.t);
    let refs = valid.as_ref().ok().map(|_| row_refs(sel, c));

    // forward: per-sample losses
    let mut losses = c.losses.to_vec();
    let got = loss.forward(c.p, targets, rows, cols, &mut losses);
    let want = valid.and_then(|_| check_lens(rows, &[("sample_losses", losses.len())]));
    assert_eq!(got, want, "{sel:?} forward {rows}x{cols}");
    match (&got, &refs) {
        (Ok(()), Some(refs)) => {
            for (i, (r, &l)) in refs.iter().zip(&losses).enumerate() {
                r.check(l, &|| {
                    format!("{sel:?} sample {i}: p={:?} t={:?}", c.p, c.t)
                });
            }
        }
        _ => assert_eq!(bits(&losses), bits(c.losses), "forward wrote on Err"),
    }

    // calculate: the mean, and np.mean (pairwise, in f32) of forward's losses
    let got = loss.calculate(c.p, targets, rows, cols);
    let want = valid.and_then(|n| {
        if rows == 0 {
            Err(Error::EmptyShape { rows, cols })
        } else {
            Ok(n)
        }
    });
    assert_eq!(got.map(|_| ()), want.map(|_| ()), "{sel:?} calculate");
    assert_eq!(
        buf.calculate(c.p, targets, rows, cols).map(|v| canon(&[v])),
        got.map(|v| canon(&[v])),
        "LossBuffer::calculate is the loss's"
    );
    if let (Ok(mean), Some(refs)) = (got, &refs) {
        mean_of(refs).check(mean, &|| format!("{sel:?} mean p={:?} t={:?}", c.p, c.t));
        if losses.len() == rows {
            let mut per = vec![0.0; rows];
            loss.forward(c.p, targets, rows, cols, &mut per)
                .expect("forward agrees");
            // np.mean of the per-sample losses: NumPy's pairwise f32 sum
            let f32_mean = np_mean(&per);
            assert!(
                same(mean, f32_mean),
                "calculate {mean:e} vs forward mean {f32_mean:e}"
            );
        }
    }

    // backward
    let mut dx = c.dx.to_vec();
    let got = loss.backward(c.p, targets, rows, cols, &mut dx);
    let want = valid.and_then(|n| check_lens(n, &[("dinputs", dx.len())]));
    assert_eq!(got, want, "{sel:?} backward");
    match got {
        Ok(()) => check_grad(sel, c, &dx),
        Err(_) => assert_eq!(bits(&dx), bits(c.dx), "backward wrote on Err"),
    }

    // the buffer: overflow, capacity, then the loss's own checks
    let before = observe(buf);
    let got = buf.backward(c.p, targets, rows, cols).map(bits);
    let want = match rows.checked_mul(cols) {
        None => Err(Error::ShapeOverflow { rows, cols }),
        Some(n) if n > N => Err(Error::CapacityExceeded {
            required: n,
            capacity: N,
        }),
        Some(_) => valid.map(|_| ()),
    };
    match want {
        Ok(()) => {
            let n = rows * cols;
            let mut direct = vec![0.0; n];
            loss.backward(c.p, targets, rows, cols, &mut direct)
                .expect("backward agrees");
            assert_eq!(
                got.map(|v| canon(&v.iter().map(|&b| f32::from_bits(b)).collect::<Vec<_>>())),
                Ok(canon(&direct)),
                "{sel:?} buffer backward"
            );
            *shadow = Shadow {
                shape: (rows, cols),
                dinputs: Some(canon(&direct)),
            };
        }
        Err(e) => {
            assert_eq!(got, Err(e), "{sel:?} buffer backward");
            assert_eq!(observe(buf), before, "buffer Err changed it");
        }
    }
    assert_eq!(observe(buf), *shadow);
}

/// SoftmaxCrossEntropy's own entry points.
fn exercise_fused(g: &mut Gen<'_>, labels: Labels<'_>, c: &Case<'_>) {
    let (rows, cols) = (c.rows, c.cols);
    let sce = SoftmaxCrossEntropy;

    // backward_in_place == backward, bit for bit
    let mut values = c.p.to_vec();
    let got = sce.backward_in_place(labels, rows, cols, &mut values);
    let valid = predict_validate_named(rows, cols, ("values", c.p.len()), c.t);
    assert_eq!(got, valid.map(|_| ()), "backward_in_place");
    match got {
        Ok(()) => {
            check_grad(Sel::Sce, c, &values);
            let mut dx = vec![0.0; values.len()];
            sce.backward(c.p, labels, rows, cols, &mut dx)
                .expect("backward agrees");
            assert_eq!(canon(&values), canon(&dx));
        }
        Err(_) => assert_eq!(bits(&values), bits(c.p)),
    }

    // forward_logits: logits are any values here
    let n = rows.checked_mul(cols);
    let lx = g.len(n);
    let x = g.values(lx);
    let lo = g.len(n);
    let init = g.values(lo);
    let mut out = init.clone();
    let got = sce.forward_logits(&x, labels, rows, cols, &mut out);
    let want = predict_validate(rows, cols, lx, c.t)
        .and_then(|n| {
            if rows == 0 {
                Err(Error::EmptyShape { rows, cols })
            } else {
                Ok(n)
            }
        })
        .and_then(|n| check_lens(n, &[("output", lo)]));
    // A wrong `inputs` length is reported as "predictions" (the loss's
    // name for it); "inputs" would be as good.
    let got_named = match got {
        Err(Error::LengthMismatch {
            argument: "inputs",
            expected,
            actual,
        }) => Err(Error::LengthMismatch {
            argument: "predictions",
            expected,
            actual,
        }),
        other => other.map(|_| ()),
    };
    assert_eq!(got_named, want, "forward_logits");
    let Ok(mean) = got else {
        assert_eq!(bits(&out), bits(&init), "forward_logits wrote on Err");
        return;
    };
    let mut probs = vec![0.0; out.len()];
    Softmax
        .forward(&x, rows, cols, &mut probs)
        .expect("softmax agrees");
    assert_eq!(
        canon(&out),
        canon(&probs),
        "forward_logits output is Softmax's"
    );
    let cce = sce.calculate(&out, labels, rows, cols).expect("valid");
    assert!(same(mean, cce), "forward_logits loss is CCE of its output");

    // and against an f64 softmax + CCE
    let k = cols;
    let refs: Vec<Ref> = (0..rows)
        .map(|i| {
            let Some(sm) = softmax_with_bounds(&x[i * k..(i + 1) * k]) else {
                return Ref {
                    value: f64::NAN,
                    tol: 0.0,
                    tame: true,
                };
            };
            let c: Vec<(f64, f64)> = sm
                .iter()
                .map(|&(p, rel)| (clip64(p), rel * 1.01 + 2.0 * TINY / f64::from(CLIP_MIN)))
                .collect();
            match c_t(&labels) {
                T::Classes(l) => cce_class_row(c[l[i]].0, c[l[i]].1),
                T::OneHot(y) => cce_onehot_row(&c, &y[i * k..(i + 1) * k]),
                T::Values(_) => unreachable!(),
            }
        })
        .collect();
    mean_of(&refs).check(mean, &|| {
        format!("forward_logits x={x:?} labels={labels:?}")
    });
}

fn c_t<'a>(l: &Labels<'a>) -> T<'a> {
    match *l {
        Labels::Classes(c) => T::Classes(c),
        Labels::OneHot(y) => T::OneHot(y),
        Labels::Values(v) => T::Values(v),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen::new(data);
    let sel = match g.byte() % 4 {
        0 => Sel::Bce,
        1 => Sel::Mse,
        2 => Sel::Cce,
        _ => Sel::Sce,
    };
    let mut bce: LossBuffer<BinaryCrossEntropy, N> = LossBuffer::new(BinaryCrossEntropy);
    let mut mse: LossBuffer<MeanSquaredError, N> = LossBuffer::new(MeanSquaredError);
    let mut cce: LossBuffer<CategoricalCrossEntropy, N> = LossBuffer::new(CategoricalCrossEntropy);
    let mut sce: LossBuffer<SoftmaxCrossEntropy, N> = LossBuffer::new(SoftmaxCrossEntropy);
    let mut shadow = Shadow::default();
    assert_eq!(observe(&bce), shadow);

    for _ in 0..4 {
        if g.is_empty() {
            break;
        }
        let rows = g.dim();
        let cols = g.dim();
        let n = rows.checked_mul(cols);
        let lp = g.len(n);
        let p = if sel == Sel::Mse {
            g.values(lp)
        } else {
            g.probs(lp)
        };
        let one_hot = g.bool();
        let (values, classes, onehot);
        let t = match sel {
            Sel::Bce | Sel::Mse => {
                let l = g.len(n);
                values = if sel == Sel::Mse {
                    g.values(l)
                } else {
                    g.probs(l)
                };
                T::Values(&values)
            }
            _ if one_hot => {
                let l = g.len(n);
                let mut y = Vec::with_capacity(l);
                while y.len() < l {
                    let row = g.onehot_row(cols.clamp(1, 64));
                    y.extend(row);
                }
                y.truncate(l);
                onehot = y;
                T::OneHot(&onehot)
            }
            _ => {
                let l = g.len(Some(rows));
                classes = (0..l).map(|_| g.label(cols)).collect::<Vec<_>>();
                T::Classes(&classes)
            }
        };
        let ls = g.len(Some(rows));
        let losses = g.values(ls);
        let ld = g.len(n);
        let dx = g.values(ld);
        let case = Case {
            rows,
            cols,
            p: &p,
            t,
            losses: &losses,
            dx: &dx,
        };
        let labels = match t {
            T::Classes(c) => Labels::Classes(c),
            T::OneHot(y) => Labels::OneHot(y),
            T::Values(_) => Labels::Classes(&[]),
        };
        match (sel, t) {
            (Sel::Bce, T::Values(y)) => {
                exercise(&BinaryCrossEntropy, sel, y, &case, &mut bce, &mut shadow)
            }
            (Sel::Mse, T::Values(y)) => {
                exercise(&MeanSquaredError, sel, y, &case, &mut mse, &mut shadow)
            }
            (Sel::Cce, _) => exercise(
                &CategoricalCrossEntropy,
                sel,
                labels,
                &case,
                &mut cce,
                &mut shadow,
            ),
            (Sel::Sce, _) => {
                exercise(
                    &SoftmaxCrossEntropy,
                    sel,
                    labels,
                    &case,
                    &mut sce,
                    &mut shadow,
                );
                exercise_fused(&mut g, labels, &case);
            }
            _ => unreachable!(),
        }
    }
});
