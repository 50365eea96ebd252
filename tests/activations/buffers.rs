//! `ActivationBuffer`: the stateless kernels' results, bit for bit; a model
//! of its state followed through any sequence of calls; its errors spelled
//! out.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use vanillanets::activations::{Activation, Sigmoid};
use vanillanets::{ActivationBuffer, Error};
use vanillanets_test::bits::bits;

use crate::errors::{expected_elements, expected_lengths};
use crate::{any_kind, batch, config, is_row_wise, wild};

/// `ActivationBuffer` gives the stateless kernel's forward output and
/// backward `dinputs`, bit for bit.
fn check_buffer_matches_kernel<A: Activation + Copy>(
    a: A,
    x: &[f32],
    dv: &[f32],
    rows: usize,
    cols: usize,
) -> Result<(), TestCaseError> {
    let n = x.len();
    let mut y = vec![0.0_f32; n];
    a.forward(x, rows, cols, &mut y)
        .map_err(|e| TestCaseError::fail(format!("kernel forward: {e}")))?;
    let mut dx = vec![0.0_f32; n];
    a.backward(&y, dv, rows, cols, &mut dx)
        .map_err(|e| TestCaseError::fail(format!("kernel backward: {e}")))?;

    let mut buffer: ActivationBuffer<A, 24> = ActivationBuffer::new(a);
    let got = buffer
        .forward(x, rows, cols)
        .map_err(|e| TestCaseError::fail(format!("buffer forward: {e}")))?;
    prop_assert_eq!(bits(got), bits(&y), "returned output");
    prop_assert_eq!(bits(buffer.output()), bits(&y), "cached output");
    prop_assert_eq!(buffer.shape(), (rows, cols));
    prop_assert_eq!(buffer.dinputs(), None);
    let got = buffer
        .backward(dv)
        .map_err(|e| TestCaseError::fail(format!("buffer backward: {e}")))?;
    prop_assert_eq!(bits(got), bits(&dx), "returned dinputs");
    prop_assert_eq!(
        buffer.dinputs().map(bits),
        Some(bits(&dx)),
        "cached dinputs"
    );
    Ok(())
}

/// One call on an `ActivationBuffer`. Slice contents cycle through `pool`;
/// with `exact` the length is the one the shape asks for.
#[derive(Clone, Debug)]
enum BufferOp {
    Forward {
        rows: usize,
        cols: usize,
        exact: bool,
        len: usize,
        pool: Vec<f32>,
    },
    Backward {
        exact: bool,
        len: usize,
        pool: Vec<f32>,
    },
}

fn buffer_op() -> impl Strategy<Value = BufferOp> {
    let shape = prop_oneof![
        8 => (0_usize..=3, 0_usize..=4),
        1 => prop::sample::select(vec![
            (usize::MAX / 2 + 1, 2),
            (usize::MAX, 0),
            (0, usize::MAX),
            (usize::MAX, 1),
        ]),
    ];
    prop_oneof![
        (shape, any::<bool>(), 0_usize..=13, vec(wild(), 1..=8)).prop_map(
            |((rows, cols), exact, len, pool)| BufferOp::Forward {
                rows,
                cols,
                exact,
                len,
                pool,
            }
        ),
        (any::<bool>(), 0_usize..=9, vec(wild(), 1..=8))
            .prop_map(|(exact, len, pool)| BufferOp::Backward { exact, len, pool }),
    ]
}

fn cycle(pool: &[f32], len: usize) -> Vec<f32> {
    (0..len).map(|i| pool[i % pool.len()]).collect()
}

/// The model of an `ActivationBuffer`'s state, built from the stateless
/// kernel and the documented errors.
struct BufferModel<A> {
    a: A,
    row_wise: bool,
    capacity: usize,
    /// `(rows, cols, output)` of the last successful forward.
    last: Option<(usize, usize, Vec<f32>)>,
    /// The dinputs of a backward since that forward.
    dinputs: Option<Vec<f32>>,
}

impl<A: Activation + Copy> BufferModel<A> {
    /// The buffer's `forward` returns what the model predicts: the error, or
    /// the kernel's output bit for bit.
    fn forward<const N: usize>(
        &mut self,
        buffer: &mut ActivationBuffer<A, N>,
        (rows, cols): (usize, usize),
        exact: bool,
        len: usize,
        pool: &[f32],
    ) -> Result<(), TestCaseError> {
        let n = expected_elements(false, rows, cols);
        let len = match n {
            Ok(n) if exact && n <= self.capacity + 4 => n,
            _ => len,
        };
        let x = cycle(pool, len);
        let want = match n {
            Err(e) => Err(e),
            Ok(n) if n > self.capacity => Err(Error::CapacityExceeded {
                required: n,
                capacity: self.capacity,
            }),
            Ok(_) if self.row_wise && cols == 0 => Err(Error::EmptyShape { rows, cols }),
            Ok(n) => expected_lengths(n, &[("inputs", len)]),
        };
        let got = buffer.forward(&x, rows, cols).map(<[f32]>::to_vec);
        if let Err(e) = want {
            prop_assert_eq!(got, Err(e), "forward {}x{} len {}", rows, cols, len);
            return Ok(());
        }
        let mut y = vec![0.0_f32; len];
        prop_assert_eq!(self.a.forward(&x, rows, cols, &mut y), Ok(()));
        let got = got.map_err(|e| TestCaseError::fail(format!("forward {rows}x{cols}: {e}")))?;
        prop_assert_eq!(bits(&got), bits(&y));
        self.last = Some((rows, cols, y));
        self.dinputs = None;
        Ok(())
    }

    /// The buffer's `backward` returns what the model predicts: the error, or
    /// the kernel's `dinputs` from the last output, bit for bit.
    fn backward<const N: usize>(
        &mut self,
        buffer: &mut ActivationBuffer<A, N>,
        exact: bool,
        len: usize,
        pool: &[f32],
    ) -> Result<(), TestCaseError> {
        let len = match &self.last {
            Some((_, _, y)) if exact => y.len(),
            _ => len,
        };
        let dv = cycle(pool, len);
        let got = buffer.backward(&dv).map(<[f32]>::to_vec);
        let Some((rows, cols, y)) = &self.last else {
            prop_assert_eq!(got, Err(Error::BackwardBeforeForward));
            return Ok(());
        };
        if let Err(e) = expected_lengths(y.len(), &[("dvalues", len)]) {
            prop_assert_eq!(got, Err(e));
            return Ok(());
        }
        let mut dx = vec![0.0_f32; len];
        prop_assert_eq!(self.a.backward(y, &dv, *rows, *cols, &mut dx), Ok(()));
        let got = got.map_err(|e| TestCaseError::fail(format!("backward: {e}")))?;
        prop_assert_eq!(bits(&got), bits(&dx));
        self.dinputs = Some(dx);
        Ok(())
    }

    /// `output()`, `shape()` and `dinputs()` are the model's after `op`.
    fn check_state<const N: usize>(
        &self,
        buffer: &ActivationBuffer<A, N>,
        op: &BufferOp,
    ) -> Result<(), TestCaseError> {
        match &self.last {
            None => {
                prop_assert!(buffer.output().is_empty());
                prop_assert_eq!(buffer.shape(), (0, 0));
            }
            Some((rows, cols, y)) => {
                prop_assert_eq!(bits(buffer.output()), bits(y), "output() after {:?}", op);
                prop_assert_eq!(buffer.shape(), (*rows, *cols), "shape() after {:?}", op);
            }
        }
        prop_assert_eq!(
            buffer.dinputs().map(bits),
            self.dinputs.as_deref().map(bits),
            "dinputs() after {:?}",
            op
        );
        Ok(())
    }
}

/// Runs `ops` on an `ActivationBuffer<A, N>` and on a model of it built from
/// the stateless kernel and the documented errors, and compares the result of
/// every call and, after every call, `output()`, `dinputs()` and `shape()`.
fn check_buffer_ops<A: Activation + Copy, const N: usize>(
    a: A,
    row_wise: bool,
    ops: &[BufferOp],
) -> Result<(), TestCaseError> {
    let mut buffer: ActivationBuffer<A, N> = ActivationBuffer::new(a);
    let mut model = BufferModel {
        a,
        row_wise,
        capacity: N,
        last: None,
        dinputs: None,
    };
    prop_assert_eq!(buffer.capacity(), N);
    for op in ops {
        match op {
            BufferOp::Forward {
                rows,
                cols,
                exact,
                len,
                pool,
            } => model.forward(&mut buffer, (*rows, *cols), *exact, *len, pool)?,
            BufferOp::Backward { exact, len, pool } => {
                model.backward(&mut buffer, *exact, *len, pool)?
            }
        }
        model.check_state(&buffer, op)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn activation_buffer_equals_stateless_kernels(
        kind in any_kind(),
        (rows, cols, x, dv) in batch(1..=4, 1..=6, wild(), wild()),
    ) {
        check_buffer_matches_kernel(kind, &x, &dv, rows, cols)?;
        with_kernel!(kind, a => check_buffer_matches_kernel(a, &x, &dv, rows, cols))?;
    }

    #[test]
    fn activation_buffer_follows_its_model(
        kind in any_kind(),
        ops in vec(buffer_op(), 1..=12),
    ) {
        let row_wise = is_row_wise(kind);
        check_buffer_ops::<_, 8>(kind, row_wise, &ops)?;
        with_kernel!(kind, a => check_buffer_ops::<_, 8>(a, row_wise, &ops))?;
        check_buffer_ops::<_, 0>(kind, row_wise, &ops)?;
    }
}

#[test]
fn activation_buffer_errors_leave_it_unchanged() {
    let mut buf: ActivationBuffer<Sigmoid, 4> = ActivationBuffer::new(Sigmoid);
    assert_eq!(buf.backward(&[]), Err(Error::BackwardBeforeForward));
    assert_eq!(
        buf.forward(&[0.0; 5], 1, 5),
        Err(Error::CapacityExceeded {
            required: 5,
            capacity: 4
        })
    );
    assert_eq!(
        buf.backward(&[]),
        Err(Error::BackwardBeforeForward),
        "a failed forward is not a forward"
    );

    assert_eq!(buf.forward(&[0.0, 0.0], 2, 1), Ok(&[0.5, 0.5][..]));
    assert_eq!(buf.backward(&[4.0, -8.0]), Ok(&[1.0, -2.0][..]));
    let snapshot = |b: &ActivationBuffer<Sigmoid, 4>| {
        (
            bits(b.output()),
            b.dinputs().map(bits),
            b.shape(),
            b.capacity(),
        )
    };
    let before = snapshot(&buf);

    let errors = [
        (
            buf.forward(&[0.0; 5], 5, 1).map(<[f32]>::to_vec),
            Error::CapacityExceeded {
                required: 5,
                capacity: 4,
            },
        ),
        (
            buf.forward(&[], usize::MAX / 2 + 1, 2).map(<[f32]>::to_vec),
            Error::ShapeOverflow {
                rows: usize::MAX / 2 + 1,
                cols: 2,
            },
        ),
        (
            buf.forward(&[1.0; 3], 2, 2).map(<[f32]>::to_vec),
            Error::LengthMismatch {
                argument: "inputs",
                expected: 4,
                actual: 3,
            },
        ),
        (
            buf.backward(&[1.0; 3]).map(<[f32]>::to_vec),
            Error::LengthMismatch {
                argument: "dvalues",
                expected: 2,
                actual: 3,
            },
        ),
    ];
    for (got, want) in errors {
        assert_eq!(got, Err(want));
    }
    assert_eq!(snapshot(&buf), before);

    // A new forward drops the old gradient.
    assert_eq!(buf.forward(&[0.0], 1, 1), Ok(&[0.5][..]));
    assert_eq!(buf.dinputs(), None);
    assert_eq!(buf.shape(), (1, 1));
}
