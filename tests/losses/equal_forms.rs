//! Equal API forms, bit for bit: class indices vs their one-hot rows, SCCE
//! vs CCE, `LossBuffer` vs the stateless backward, `backward_in_place` vs
//! `backward`, with predictions past both clip bounds.

use proptest::collection::vec;
use proptest::prelude::*;
use vanillanets::losses::{
    CategoricalCrossEntropy, Labels, Loss, SoftmaxCrossEntropy, SparseCategoricalCrossEntropy,
    CLIP_MAX, CLIP_MIN,
};
use vanillanets::LossBuffer;
use vanillanets_test::bits::bits;
use vanillanets_test::ulp::U;

use crate::{clip64, close, config, one_hot, sentinel, shape};

/// Any probability-like value the clip has to handle, NaN excluded.
fn any_prob() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => 0.0_f32..=1.0,
        1 => Just(0.0_f32),
        1 => Just(-0.0_f32),
        1 => Just(1.0_f32),
        1 => Just(CLIP_MIN),
        1 => Just(f32::from_bits(0x33D6_BF94)),
        1 => Just(CLIP_MAX),
        1 => Just(f32::from_bits(0x3F7F_FFFF)),
        1 => Just(1e-30_f32),
        1 => Just(-2.0_f32),
        1 => Just(3.0_f32),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Class indices vs their one-hot rows; SCCE vs CCE; `LossBuffer` vs the
    /// stateless backward; `backward_in_place` vs `backward`. Predictions
    /// include 0, ±inf, values past both clip bounds and out of [0, 1]
    /// (NaN is excluded: with one-hot rows NumPy's `NaN * 0` poisons the
    /// row, with indices it is never read, see the NaN test).
    #[test]
    fn sparse_and_one_hot_labels_agree_bitwise(
        (rows, cols, t) in shape().prop_flat_map(|(r, c)| (Just(r), Just(c), vec(0..c, r))),
        pool in vec(any_prob(), 20),
    ) {
        let n = rows * cols;
        let p: Vec<f32> = pool[..n].to_vec();
        let y = one_hot(&t, cols);
        let sparse = Labels::Classes(&t);
        let dense = Labels::OneHot(&y);

        let (mut ls, mut ld, mut lscce) =
            (vec![sentinel(); rows], vec![sentinel(); rows], vec![sentinel(); rows]);
        CategoricalCrossEntropy.forward(&p, sparse, rows, cols, &mut ls).unwrap();
        CategoricalCrossEntropy.forward(&p, dense, rows, cols, &mut ld).unwrap();
        SparseCategoricalCrossEntropy.forward(&p, sparse, rows, cols, &mut lscce).unwrap();
        prop_assert_eq!(bits(&ls), bits(&ld));
        prop_assert_eq!(bits(&ls), bits(&lscce));
        // and the values are the f64 formula's (an independent check)
        for (r, &got) in ls.iter().enumerate() {
            let want = -clip64(f64::from(p[r * cols + t[r]])).ln();
            prop_assert!(close(got, want, 1e-6, 0.0), "row {r}: {got} vs {want}");
        }

        let cs = CategoricalCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        let cd = CategoricalCrossEntropy.calculate(&p, dense, rows, cols).unwrap();
        let cscce = SparseCategoricalCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(cs.to_bits(), cd.to_bits());
        prop_assert_eq!(cs.to_bits(), cscce.to_bits());

        let (mut ds, mut dd, mut dscce) =
            (vec![sentinel(); n], vec![sentinel(); n], vec![sentinel(); n]);
        CategoricalCrossEntropy.backward(&p, sparse, rows, cols, &mut ds).unwrap();
        CategoricalCrossEntropy.backward(&p, dense, rows, cols, &mut dd).unwrap();
        SparseCategoricalCrossEntropy.backward(&p, sparse, rows, cols, &mut dscce).unwrap();
        prop_assert_eq!(bits(&ds), bits(&dd));
        prop_assert_eq!(bits(&ds), bits(&dscce));
        // NumPy's `-y / clip(p) / n` with a one-hot 0 gives -0.0 off-label.
        for (i, &g) in ds.iter().enumerate() {
            if i % cols != t[i / cols] {
                prop_assert_eq!(g.to_bits(), 0x8000_0000, "i={} is {:e}", i, g);
            }
        }

        let mut buf: LossBuffer<CategoricalCrossEntropy, 20> =
            LossBuffer::new(CategoricalCrossEntropy);
        let cached = buf.backward(&p, dense, rows, cols).unwrap().to_vec();
        prop_assert_eq!(bits(&cached), bits(&ds));
        prop_assert_eq!(bits(buf.dinputs().unwrap()), bits(&ds));
        prop_assert_eq!(buf.shape(), (rows, cols));
        let mean = buf.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(mean.to_bits(), cs.to_bits());

        let (mut fs, mut fd) = (vec![sentinel(); n], vec![sentinel(); n]);
        SoftmaxCrossEntropy.backward(&p, sparse, rows, cols, &mut fs).unwrap();
        SoftmaxCrossEntropy.backward(&p, dense, rows, cols, &mut fd).unwrap();
        prop_assert_eq!(bits(&fs), bits(&fd));
        for labels in [sparse, dense] {
            let mut in_place = p.clone();
            SoftmaxCrossEntropy.backward_in_place(labels, rows, cols, &mut in_place).unwrap();
            prop_assert_eq!(bits(&in_place), bits(&fs));
        }
        let mut fbuf: LossBuffer<SoftmaxCrossEntropy, 20> = LossBuffer::new(SoftmaxCrossEntropy);
        prop_assert_eq!(bits(fbuf.backward(&p, sparse, rows, cols).unwrap()), bits(&fs));
        // The fused values themselves, in f64: (p - δ)/n.
        for (i, &g) in fs.iter().enumerate() {
            let delta = if i % cols == t[i / cols] { 1.0 } else { 0.0 };
            let want = (f64::from(p[i]) - delta) / rows as f64;
            prop_assert!(g == want as f32 || close(g, want, 3.0 * U, 0.0), "i={i}: {g} vs {want}");
        }
        let ss = SoftmaxCrossEntropy.calculate(&p, sparse, rows, cols).unwrap();
        prop_assert_eq!(ss.to_bits(), cs.to_bits());
    }
}
