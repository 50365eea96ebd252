//! Runs the trained parameters (`src/params.rs`, a `const` in flash) with
//! `Network::predict` on fresh spiral points: prints a few predictions and
//! the accuracy. Exits with a failure on an error or below 90 %.
//!
//! `cargo run --release --bin infer`
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::Network;
use vanillanets::Error;
use vanillanets_cortex_m::finish;
use vanillanets_cortex_m::net::{class_of, spiral, CLASSES, NET};
use vanillanets_cortex_m::params::PARAMS;

const FRESH: usize = 240; // new points, not the training data (30 predict calls)
const ROWS: usize = 8; // samples per predict call
const GOAL: u64 = 90; // accuracy, percent

#[entry]
fn main() -> ! {
    static mut X: [f32; 2 * FRESH] = [0.0; 2 * FRESH];
    static mut Y: [usize; FRESH] = [0; FRESH];
    spiral(2, X, Y); // seed 2: other points than the training's seed 1
    finish(infer(X, Y))
}

fn infer(x: &[f32], y: &[usize]) -> Result<bool, Error> {
    let net = Network::new(&NET, &PARAMS)?; // PARAMS stay in flash
    let mut scratch = [0.0_f32; Network::scratch_len(&NET, ROWS)];
    let mut probabilities = [0.0_f32; ROWS * CLASSES];
    let mut accuracy = Accuracy::new();
    for (i, (x, y)) in x
        .chunks_exact(2 * ROWS)
        .zip(y.chunks_exact(ROWS))
        .enumerate()
    {
        net.predict(x, ROWS, &mut scratch, &mut probabilities)?;
        accuracy.update(&probabilities, Targets::Classes(y), ROWS, CLASSES)?;
        if i == 0 {
            for ((point, p), class) in x
                .chunks_exact(2)
                .zip(probabilities.chunks_exact(CLASSES))
                .zip(y)
            {
                hprintln!(
                    "({:6.3}, {:6.3}): predicted {} (p = {:.3}), arm {}",
                    point[0],
                    point[1],
                    class_of(p),
                    p[class_of(p)],
                    class
                );
            }
        }
    }
    let (correct, samples) = (accuracy.correct(), accuracy.samples());
    hprintln!("accuracy on {samples} fresh points: {correct}/{samples}");
    let reached = correct * 100 >= GOAL * samples;
    if !reached {
        hprintln!("below the goal of {GOAL} %");
    }
    Ok(reached)
}
