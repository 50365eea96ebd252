//! `Network::new`, `layers::initialize` and prediction: the exact error,
//! nothing written, the generator not advanced.

use vanillanets::activations::ActivationKind;
use vanillanets::layers::{initialize, Dense, Distribution, Init, Layer};
use vanillanets::losses::LossKind;
use vanillanets::model::Network;
use vanillanets::random::{Pcg32, Rng};
use vanillanets::Error;

use super::{initial, inputs, mismatch, sentinel, untouched, with_trained_model, NET, P, ROWS};

#[test]
fn network_new_and_initialize_errors() {
    let params = initial();
    assert_eq!(
        Network::new(&NET, &params[..P - 1]).err(),
        Some(mismatch("params", P, P - 1))
    );
    assert_eq!(
        Network::new(&[Layer::Activation(ActivationKind::Tanh)], &[]).err(),
        Some(Error::NoDenseLayer)
    );
    let mismatched = [
        Layer::Dense(Dense::new(2, 4)),
        Layer::Dense(Dense::new(3, 1)),
    ];
    assert_eq!(
        Network::new(&mismatched, &params).err(),
        Some(Error::LayerMismatch {
            layer: 1,
            expected: 4,
            actual: 3
        })
    );

    // `initialize`: nothing written, and the generator not advanced.
    for len in [P - 1, P + 1] {
        let mut p = vec![sentinel(); len];
        let mut rng = Pcg32::new(9);
        assert_eq!(
            initialize(
                &NET,
                &mut p,
                Init::Auto,
                Distribution::Normal,
                0.0,
                &mut rng
            ),
            Err(mismatch("params", P, len))
        );
        assert!(untouched(&p));
        assert_eq!(rng.next_u32(), Pcg32::new(9).next_u32());
    }
    let mut p = vec![sentinel(); 8];
    assert_eq!(
        initialize(
            &mismatched,
            &mut p,
            Init::He,
            Distribution::Uniform,
            0.1,
            &mut Pcg32::new(1)
        ),
        Err(Error::LayerMismatch {
            layer: 1,
            expected: 4,
            actual: 3
        })
    );
    assert_eq!(
        initialize(
            &[Layer::Dense(Dense::new(0, 2))],
            &mut p,
            Init::Xavier,
            Distribution::Normal,
            0.0,
            &mut Pcg32::new(1)
        ),
        Err(Error::EmptyShape { rows: 0, cols: 2 })
    );
    assert!(untouched(&p));
}

#[test]
fn predict_errors() {
    let x = inputs();
    let params = initial();
    let net = Network::new(&NET, &params).unwrap();
    let needed = Network::scratch_len(&NET, ROWS);
    assert_eq!(needed, 2 * ROWS * 4);
    let mut scratch = vec![sentinel(); needed - 1];
    let mut out = vec![sentinel(); ROWS * 3];
    assert_eq!(
        net.predict(&x, ROWS, &mut scratch, &mut out),
        Err(Error::ArenaTooSmall {
            needed,
            given: needed - 1
        })
    );
    let mut big = vec![sentinel(); needed];
    assert_eq!(
        net.predict(&x[1..], ROWS, &mut big, &mut out),
        Err(mismatch("inputs", 12, 11))
    );
    assert_eq!(
        net.predict(&x, ROWS, &mut big, &mut out[1..]),
        Err(mismatch("output", 18, 17))
    );
    assert!(untouched(&scratch) && untouched(&big) && untouched(&out));
    // Scratch larger than needed is fine.
    let mut bigger = vec![0.0; needed + 3];
    assert!(net.predict(&x, ROWS, &mut bigger, &mut out).is_ok());

    with_trained_model(LossKind::CategoricalCrossEntropy, |model, x, _| {
        let mut out = vec![sentinel(); ROWS * 3];
        assert_eq!(
            model.predict(&x[..10], ROWS, &mut out),
            Err(mismatch("inputs", 12, 10))
        );
        assert_eq!(
            model.predict(x, ROWS, &mut out[..17]),
            Err(mismatch("output", 18, 17))
        );
        assert!(untouched(&out));
    });
}
