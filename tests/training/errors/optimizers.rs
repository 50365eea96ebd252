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
    // The edges that are allowed.
    assert!(Sgd::new(f64::MIN_POSITIVE, 0.0, 0.0).is_ok());
    assert!(Sgd::new(1.0, 0.0, 0.999_999).is_ok());
    assert!(Adam::new(1e-3, 0.0, f64::MIN_POSITIVE, 0.0, 0.0).is_ok());
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
