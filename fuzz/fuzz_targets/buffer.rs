//! Arbitrary sequences of `ActivationBuffer<ActivationKind, 64>` forward and
//! backward calls (changing shapes, over capacity, overflowing shapes,
//! backward before forward, mismatched gradients), each checked against a
//! `Vec`-based shadow built from the stateless kernels: after every call
//! `output()`, `dinputs()` and `shape()` match the shadow, the returned
//! slices match them, every error is the one predicted, and an error
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanillanets::activations::{Activation, ActivationKind};
use vanillanets::{ActivationBuffer, Error};
use vanillanets_fuzz::{check_lens, predict_shape, Gen};
use vanillanets_test::bits::{bits, canon};
use vanillanets_test::kind_bits;

/// `canon` of values already turned into bits.
fn canon_u32(v: &[u32]) -> Vec<u32> {
    canon(&v.iter().map(|&b| f32::from_bits(b)).collect::<Vec<_>>())
}

const N: usize = 64;

/// What the buffer should hold.
#[derive(Clone, Debug, Default)]
struct Shadow {
    shape: (usize, usize),
    output: Vec<f32>,
    dinputs: Option<Vec<f32>>,
    forwarded: bool,
}

fn observe(
    b: &ActivationBuffer<ActivationKind, N>,
) -> (Vec<u32>, Option<Vec<u32>>, (usize, usize)) {
    (bits(b.output()), b.dinputs().map(bits), b.shape())
}

fn assert_matches(b: &ActivationBuffer<ActivationKind, N>, s: &Shadow) {
    assert_eq!(b.shape(), s.shape);
    assert_eq!(canon(b.output()), canon(&s.output));
    assert_eq!(b.dinputs().map(canon), s.dinputs.as_deref().map(canon));
    assert_eq!(b.capacity(), N);
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen::new(data);
    let kind = match g.byte() % 7 {
        0 => ActivationKind::Linear,
        1 => ActivationKind::ReLU,
        2 => ActivationKind::LeakyReLU { slope: 0.1 },
        3 => ActivationKind::LeakyReLU {
            slope: f32::from_bits(g.u32()),
        },
        4 => ActivationKind::Sigmoid,
        5 => ActivationKind::Tanh,
        _ => ActivationKind::Softmax,
    };
    let row_wise = matches!(kind, ActivationKind::Softmax);
    let mut buf: ActivationBuffer<ActivationKind, N> = ActivationBuffer::new(kind);
    let mut shadow = Shadow::default();
    assert_matches(&buf, &shadow);
    // the kind with its slope as bits, so that a NaN slope equals itself
    assert_eq!(kind_bits!(*buf.activation()), kind_bits!(kind));

    for _ in 0..32 {
        if g.is_empty() {
            break;
        }
        let before = observe(&buf);
        if g.byte() & 1 == 0 {
            // forward
            let rows = g.dim();
            let cols = g.dim();
            let n = rows.checked_mul(cols);
            let len = g.len(n);
            let inputs = g.values(len);
            // predicted: overflow, capacity, then the kernel's own checks
            let want = match n {
                None => Err(Error::ShapeOverflow { rows, cols }),
                Some(n) if n > N => Err(Error::CapacityExceeded {
                    required: n,
                    capacity: N,
                }),
                Some(n) => predict_shape(row_wise, rows, cols, &[("inputs", len)]).map(|_| n),
            };
            let got = buf.forward(&inputs, rows, cols).map(bits);
            match want {
                Ok(n) => {
                    let mut out = vec![0.0; n];
                    kind.forward(&inputs, rows, cols, &mut out)
                        .expect("stateless forward agrees");
                    assert_eq!(
                        got.map(|v| canon_u32(&v)),
                        Ok(canon(&out)),
                        "forward {rows}x{cols}"
                    );
                    shadow = Shadow {
                        shape: (rows, cols),
                        output: out,
                        dinputs: None,
                        forwarded: true,
                    };
                }
                Err(e) => {
                    assert_eq!(got, Err(e), "forward {rows}x{cols} len {len}");
                    assert_eq!(observe(&buf), before, "forward Err changed the buffer");
                }
            }
        } else {
            // backward
            let n = shadow.output.len();
            let len = g.len(Some(n));
            let dvalues = g.values(len);
            let want = if shadow.forwarded {
                check_lens(n, &[("dvalues", len)])
            } else {
                Err(Error::BackwardBeforeForward)
            };
            let got = buf.backward(&dvalues).map(bits);
            match want {
                Ok(()) => {
                    let (rows, cols) = shadow.shape;
                    let mut dx = vec![0.0; n];
                    kind.backward(&shadow.output, &dvalues, rows, cols, &mut dx)
                        .expect("stateless backward agrees");
                    assert_eq!(got.map(|v| canon_u32(&v)), Ok(canon(&dx)), "backward");
                    shadow.dinputs = Some(dx);
                }
                Err(e) => {
                    assert_eq!(got, Err(e), "backward len {len}");
                    assert_eq!(observe(&buf), before, "backward Err changed the buffer");
                }
            }
        }
        assert_matches(&buf, &shadow);
    }

    // A clone is an independent copy of the state.
    let copy = buf.clone();
    assert_eq!(observe(&copy), observe(&buf));
});
