//! Every activation × {forward, forward_in_place, backward,
//! backward_in_place} on arbitrary shapes (overflowing ones included),
//! slice lengths (mismatched ones included) and `f32` bit patterns.
//!
//! - Ok: each element against the spec (f64 references, documented bounds,
//!   exact NaN rules); in place equals out of place bit for bit; an
//!   `ActivationKind` equals the kernel it names bit for bit; ReLU and
//!   LeakyReLU backward from the output equals backward from the inputs.
//! - Err: the variant an independent shape computation predicts, and every
//!   written buffer bit-identical to before.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vanillanets::activations::{
    Activation, ActivationKind, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh,
};
use vanillanets::Error;
use vanillanets_fuzz::{check_backward, check_forward, predict_shape, Act, Gen};
use vanillanets_test::bits::{bits, canon};

/// The four kernels of one activation, on owned buffers.
struct Results {
    forward: (Result<(), Error>, Vec<f32>),
    forward_in_place: (Result<(), Error>, Vec<f32>),
    backward: (Result<(), Error>, Vec<f32>),
    backward_in_place: (Result<(), Error>, Vec<f32>),
}

struct Case {
    rows: usize,
    cols: usize,
    x: Vec<f32>,
    out: Vec<f32>,
    y: Vec<f32>,
    dv: Vec<f32>,
    dx: Vec<f32>,
}

fn run<A: Activation>(a: &A, c: &Case) -> Results {
    let mut out = c.out.clone();
    let f = a.forward(&c.x, c.rows, c.cols, &mut out);
    let mut v = c.x.clone();
    let fi = a.forward_in_place(c.rows, c.cols, &mut v);
    let mut dx = c.dx.clone();
    let b = a.backward(&c.y, &c.dv, c.rows, c.cols, &mut dx);
    let mut g = c.dv.clone();
    let bi = a.backward_in_place(&c.y, c.rows, c.cols, &mut g);
    Results {
        forward: (f, out),
        forward_in_place: (fi, v),
        backward: (b, dx),
        backward_in_place: (bi, g),
    }
}

fn same_results(a: &Results, b: &Results) {
    for (x, y) in [
        (&a.forward, &b.forward),
        (&a.forward_in_place, &b.forward_in_place),
        (&a.backward, &b.backward),
        (&a.backward_in_place, &b.backward_in_place),
    ] {
        assert_eq!(x.0, y.0);
        assert_eq!(canon(&x.1), canon(&y.1));
    }
}

fn kind_of(act: Act) -> ActivationKind {
    match act {
        Act::Linear => ActivationKind::Linear,
        Act::ReLU => ActivationKind::ReLU,
        Act::LeakyReLU(slope) => ActivationKind::LeakyReLU { slope },
        Act::Sigmoid => ActivationKind::Sigmoid,
        Act::Tanh => ActivationKind::Tanh,
        Act::Softmax => ActivationKind::Softmax,
    }
}

fn run_act(act: Act, c: &Case) -> Results {
    match act {
        Act::Linear => run(&Linear, c),
        Act::ReLU => run(&ReLU, c),
        Act::LeakyReLU(slope) => run(&LeakyReLU::with_slope(slope), c),
        Act::Sigmoid => run(&Sigmoid, c),
        Act::Tanh => run(&Tanh, c),
        Act::Softmax => run(&Softmax, c),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut g = Gen::new(data);
    let act = match g.byte() % 7 {
        0 => Act::Linear,
        1 => Act::ReLU,
        2 => Act::LeakyReLU(LeakyReLU::new().slope()),
        3 => {
            // any slope >= 0 (NaN and infinity included: the formulas still
            // apply; only the mask equivalence below needs a finite one)
            Act::LeakyReLU(f32::from_bits(g.u32() & 0x7fff_ffff))
        }
        4 => Act::Sigmoid,
        5 => Act::Tanh,
        _ => Act::Softmax,
    };
    if let Act::LeakyReLU(s) = act {
        if s == LeakyReLU::DEFAULT_SLOPE {
            assert_eq!(LeakyReLU::new(), LeakyReLU::with_slope(0.1));
        }
    }
    let via_kind = g.bool();
    let chain = g.bool();
    let rows = g.dim();
    let cols = g.dim();
    let n = rows.checked_mul(cols);
    let (lx, lout, ly, ldv, ldx) = (g.len(n), g.len(n), g.len(n), g.len(n), g.len(n));
    let x = g.values(lx);
    let out: Vec<f32> = g.values(lout);
    let mut y = g.values(ly);
    let dv = g.values(ldv);
    let dx = g.values(ldx);
    let row_wise = matches!(act, Act::Softmax);

    // Chain: backward from a forward output of the same shape, the way the
    // buffers use it (when the shapes allow one).
    if chain && n == Some(ly) && lx == ly && !(row_wise && cols == 0) {
        let mut tmp = x.clone();
        let r = run_act(
            act,
            &Case {
                rows,
                cols,
                x: x.clone(),
                out: tmp.clone(),
                y: Vec::new(),
                dv: Vec::new(),
                dx: Vec::new(),
            },
        );
        assert_eq!(r.forward.0, Ok(()));
        tmp.copy_from_slice(&r.forward.1);
        y = tmp;
    }

    let case = Case {
        rows,
        cols,
        x,
        out,
        y,
        dv,
        dx,
    };
    let r = if via_kind {
        let k = kind_of(act);
        let by_kind = run(&k, &case);
        same_results(&by_kind, &run_act(act, &case));
        by_kind
    } else {
        run_act(act, &case)
    };

    // forward
    let want = predict_shape(row_wise, rows, cols, &[("inputs", lx), ("output", lout)]);
    assert_eq!(r.forward.0, want.map(|_| ()), "forward {rows}x{cols}");
    match r.forward.0 {
        Ok(()) => check_forward(act, &case.x, &r.forward.1, cols),
        Err(_) => assert_eq!(bits(&r.forward.1), bits(&case.out), "forward wrote on Err"),
    }

    // forward_in_place
    let want = predict_shape(row_wise, rows, cols, &[("values", lx)]);
    assert_eq!(r.forward_in_place.0, want.map(|_| ()), "forward_in_place");
    match r.forward_in_place.0 {
        Ok(()) => {
            check_forward(act, &case.x, &r.forward_in_place.1, cols);
            if r.forward.0.is_ok() {
                assert_eq!(canon(&r.forward_in_place.1), canon(&r.forward.1));
            }
        }
        Err(_) => assert_eq!(bits(&r.forward_in_place.1), bits(&case.x)),
    }

    // backward
    let want = predict_shape(
        row_wise,
        rows,
        cols,
        &[("output", ly), ("dvalues", ldv), ("dinputs", ldx)],
    );
    assert_eq!(r.backward.0, want.map(|_| ()), "backward");
    match r.backward.0 {
        Ok(()) => check_backward(act, &case.y, &case.dv, &r.backward.1, cols),
        Err(_) => assert_eq!(bits(&r.backward.1), bits(&case.dx)),
    }

    // backward_in_place
    let want = predict_shape(row_wise, rows, cols, &[("output", ly), ("gradient", ldv)]);
    assert_eq!(r.backward_in_place.0, want.map(|_| ()), "backward_in_place");
    match r.backward_in_place.0 {
        Ok(()) => {
            check_backward(act, &case.y, &case.dv, &r.backward_in_place.1, cols);
            if r.backward.0.is_ok() {
                assert_eq!(canon(&r.backward_in_place.1), canon(&r.backward.1));
            }
        }
        Err(_) => assert_eq!(bits(&r.backward_in_place.1), bits(&case.dv)),
    }

    // ReLU / LeakyReLU (finite slope > 0): backward from the forward output
    // equals the original's backward masked on the inputs.
    let masks_agree = match act {
        Act::ReLU => true,
        Act::LeakyReLU(s) => s > 0.0 && s.is_finite(),
        _ => false,
    };
    if masks_agree && r.forward.0.is_ok() && ldv == lx {
        let y = &r.forward.1;
        let from_inputs = |x: f32, dv: f32| match act {
            Act::LeakyReLU(s) if x <= 0.0 => dv * s,
            _ if x <= 0.0 => 0.0,
            _ => dv,
        };
        let from_output = run_act(
            act,
            &Case {
                rows,
                cols,
                x: Vec::new(),
                out: Vec::new(),
                y: y.clone(),
                dv: case.dv.clone(),
                dx: vec![0.0; lx],
            },
        );
        assert_eq!(from_output.backward.0, Ok(()));
        for (i, ((&x, &dv), &got)) in case
            .x
            .iter()
            .zip(&case.dv)
            .zip(&from_output.backward.1)
            .enumerate()
        {
            let want = from_inputs(x, dv);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{act:?} [{i}] x={x:e} dv={dv:e}: from output {got:e}, from inputs {want:e}"
            );
        }
    }
});
