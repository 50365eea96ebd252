//! The optimizers: every refused hyperparameter, named in the
//! constructor's order, the allowed edges, the defaults, and `step`'s
//! slice lengths.

use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets::Error;

use super::{adam, mismatch, sentinel, untouched};

#[test]
fn optimizer_hyperparameter_errors() {
    let lr = Error::InvalidHyperparameter {
        name: "learning_rate",
    };
    let decay = Error::InvalidHyperparameter { name: "decay" };
    let momentum = Error::InvalidHyperparameter { name: "momentum" };
    let epsilon = Error::InvalidHyperparameter { name: "epsilon" };
    let beta_1 = Error::InvalidHyperparameter { name: "beta_1" };
    let beta_2 = Error::InvalidHyperparameter { name: "beta_2" };
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    for bad in [0.0, -0.0, -1e-3, nan, inf, -inf] {
        assert_eq!(Sgd::new(bad, 0.0, 0.0), Err(lr), "{bad}");
        assert_eq!(Adam::new(bad, 0.0, 1e-7, 0.9, 0.999), Err(lr), "{bad}");
    }
    for bad in [-1e-9, -1.0, nan, inf] {
        assert_eq!(Sgd::new(0.1, bad, 0.0), Err(decay), "{bad}");
        assert_eq!(Adam::new(0.1, bad, 1e-7, 0.9, 0.999), Err(decay), "{bad}");
    }
    for bad in [-1e-9, 1.0, 1.5, nan, inf, -inf] {
        assert_eq!(Sgd::new(0.1, 0.0, bad), Err(momentum), "{bad}");
        assert_eq!(Adam::new(0.1, 0.0, 1e-7, bad, 0.999), Err(beta_1), "{bad}");
        assert_eq!(Adam::new(0.1, 0.0, 1e-7, 0.9, bad), Err(beta_2), "{bad}");
    }
    for bad in [0.0, -1e-7, nan, inf] {
        assert_eq!(Adam::new(0.1, 0.0, bad, 0.9, 0.999), Err(epsilon), "{bad}");
    }
    // The first bad argument in the constructor's order is named.
    assert_eq!(Sgd::new(0.0, -1.0, 2.0), Err(lr));
    assert_eq!(Sgd::new(0.1, -1.0, 2.0), Err(decay));
    assert_eq!(Adam::new(0.1, 0.0, 0.0, 1.0, 1.0), Err(epsilon));
    assert_eq!(Adam::new(0.1, 0.0, 1e-7, 1.0, 1.0), Err(beta_1));
    // The edges that are allowed (the f32 edges: see the next test).
    assert!(Sgd::new(1e-30, 0.0, 0.0).is_ok());
    assert!(Sgd::new(1.0, 0.0, 0.999_999).is_ok());
    assert!(Adam::new(1e-3, 0.0, 1e-30, 0.0, 0.0).is_ok());
    assert_eq!(Sgd::default(), Sgd::new(1.0, 0.0, 0.0).unwrap());
    assert_eq!(
        Adam::default(),
        Adam::new(0.001, 0.0, 1e-7, 0.9, 0.999).unwrap()
    );
}

#[test]
fn optimizer_step_errors() {
    let adam = adam();
    let mut p = [1.0_f32, 2.0];
    let mut state = [sentinel(); 4];
    assert_eq!(
        adam.step(0, &[0.1], &mut state, &mut p),
        Err(mismatch("gradients", 2, 1))
    );
    assert_eq!(
        adam.step(0, &[0.1, 0.2], &mut state[..3], &mut p),
        Err(mismatch("state", 4, 3))
    );
    let sgd: Optimizer = Sgd::new(0.1, 0.0, 0.0).unwrap().into();
    assert_eq!(
        sgd.step(0, &[0.1, 0.2], &mut state[..1], &mut p),
        Err(mismatch("state", 0, 1))
    );
    assert_eq!(p, [1.0, 2.0]);
    assert!(untouched(&state));
}

/// The hyperparameters are checked as the step uses them, rounded to
/// `f32`: a learning rate or epsilon that rounds to `inf` or to `0`, or a
/// momentum or beta that rounds to `1`, is refused (in `f64` they looked
/// valid; in `f32` a zero gradient would then write NaN).
#[test]
fn hyperparameters_are_checked_as_f32() {
    let lr = Error::InvalidHyperparameter {
        name: "learning_rate",
    };
    let epsilon = Error::InvalidHyperparameter { name: "epsilon" };
    let momentum = Error::InvalidHyperparameter { name: "momentum" };
    let beta_1 = Error::InvalidHyperparameter { name: "beta_1" };
    let beta_2 = Error::InvalidHyperparameter { name: "beta_2" };
    // 1e39 > f32::MAX (3.4028235e38): `inf` in f32.
    assert_eq!(Sgd::new(1e39, 0.0, 0.0), Err(lr));
    assert_eq!(Adam::new(1e39, 0.0, 1e-7, 0.9, 0.999), Err(lr));
    // 1e-50 is below f32's smallest subnormal (1.4e-45): `0` in f32.
    assert_eq!(Sgd::new(1e-50, 0.0, 0.0), Err(lr));
    assert_eq!(Adam::new(0.001, 0.0, 1e-50, 0.9, 0.999), Err(epsilon));
    assert_eq!(Adam::new(1e39, 0.0, 1e-50, 0.9, 0.999), Err(lr));
    // Half the smallest subnormal is a tie, rounded to even: 0.
    let tiny = f64::from(f32::from_bits(1));
    assert_eq!(Sgd::new(tiny / 2.0, 0.0, 0.0), Err(lr));
    assert_eq!(Adam::new(0.1, 0.0, tiny / 2.0, 0.9, 0.999), Err(epsilon));
    // 1 - 2^-26 is below 1 in f64 but rounds to 1 in f32.
    let almost_one = 1.0 - 2f64.powi(-26);
    assert_eq!(Sgd::new(0.1, 0.0, almost_one), Err(momentum));
    assert_eq!(Adam::new(0.1, 0.0, 1e-7, almost_one, 0.999), Err(beta_1));
    assert_eq!(Adam::new(0.1, 0.0, 1e-7, 0.9, almost_one), Err(beta_2));
    // The edges that stay: the smallest subnormal, f32::MAX, 1 - 2^-24
    // (the largest f32 below 1).
    assert!(Sgd::new(tiny, 0.0, 1.0 - 2f64.powi(-24)).is_ok());
    assert!(Sgd::new(f64::from(f32::MAX), 0.0, 0.0).is_ok());
    assert!(Adam::new(tiny, 0.0, tiny, 1.0 - 2f64.powi(-24), 1.0 - 2f64.powi(-24)).is_ok());
    // With the accepted extremes a zero gradient leaves a parameter as it
    // is (0 / (0 + ε) = 0): no NaN.
    let adam = Optimizer::from(Adam::new(f64::from(f32::MAX), 0.0, tiny, 0.9, 0.999).unwrap());
    let (mut p, mut state) = ([1.5_f32], [0.0_f32; 2]);
    adam.step(0, &[0.0], &mut state, &mut p).unwrap();
    assert_eq!(p, [1.5]);
}

/// Both constructors are `const fn`: a firmware can keep its optimizer,
/// with its own hyperparameters, in a `const`.
#[test]
fn constructors_are_const() {
    const SGD: Optimizer = match Sgd::new(0.05, 0.0, 0.9) {
        Ok(s) => Optimizer::Sgd(s),
        Err(_) => panic!("valid"),
    };
    const ADAM: Optimizer = match Adam::new(0.01, 1e-3, 1e-7, 0.9, 0.999) {
        Ok(a) => Optimizer::Adam(a),
        Err(_) => panic!("valid"),
    };
    const BAD: Result<Sgd, Error> = Sgd::new(1e39, 0.0, 0.0);
    assert_eq!(SGD.learning_rate(0), 0.05);
    assert_eq!(ADAM.learning_rate(0), 0.01);
    assert_eq!(ADAM.state_len(3), 6);
    assert_eq!(
        BAD,
        Err(Error::InvalidHyperparameter {
            name: "learning_rate"
        })
    );
}
