//! A user-defined activation: GELU (tanh form), whose gradient needs the
//! input, so it declares `Cache::Inputs`. Implementing `Elementwise` is all
//! it takes to get the crate's validated forward/backward, the in-place
//! forms and `ActivationBuffer`.
//!
//!     cargo run --example custom_activation

use vanillanets::activations::{Activation, Cache, Elementwise};
use vanillanets::math::tanh;
use vanillanets::{ActivationBuffer, Error};

/// `gelu(x) = x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
#[derive(Clone, Copy, Debug)]
struct Gelu;

const C: f32 = 0.797_884_6; // √(2/π)
const A: f32 = 0.044_715;

impl Elementwise for Gelu {
    // GELU is not monotonic: its output does not tell the input apart.
    const CACHE: Cache = Cache::Inputs;

    fn apply(&self, x: f32) -> f32 {
        0.5 * x * (1.0 + tanh(C * (x + A * x * x * x)))
    }

    fn gradient(&self, x: f32, dv: f32) -> f32 {
        let t = tanh(C * (x + A * x * x * x));
        let d = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * C * (1.0 + 3.0 * A * x * x);
        dv * d
    }
}

fn main() -> Result<(), Error> {
    let x = [-3.0_f32, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0];

    // The stateless kernels, with the crate's validation.
    let mut y = [0.0_f32; 8];
    Gelu.forward(&x, 2, 4, &mut y)?;
    assert_eq!(
        Gelu.forward(&x, 3, 4, &mut y),
        Err(Error::LengthMismatch {
            argument: "inputs",
            expected: 12,
            actual: 8
        })
    );

    // The original interface: the buffer keeps the inputs for the backward.
    let mut layer: ActivationBuffer<Gelu, 16> = ActivationBuffer::new(Gelu);
    layer.forward(&x, 2, 4)?;
    let dx = layer.backward(&[1.0; 8])?.to_vec();

    println!("     x     gelu(x)   gelu'(x)   central difference");
    for ((&x, &y), &d) in x.iter().zip(&y).zip(&dx) {
        let h = 1e-3_f64;
        let f = |x: f64| {
            0.5 * x
                * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)).tanh())
        };
        let fd = (f(f64::from(x) + h) - f(f64::from(x) - h)) / (2.0 * h);
        println!("{x:6.2} {y:11.6} {d:10.6} {fd:12.6}");
        assert!((f64::from(d) - fd).abs() < 1e-4, "gradient at {x}");
    }
    Ok(())
}
