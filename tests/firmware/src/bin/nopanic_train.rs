//! Link-time proof for a training firmware alone (skeleton:
//! `src/proof.rs`): the spiral net of `src/training.rs` trained from
//! `static` memory as the `train` firmware trains it (`initialize`,
//! `Model::new`, shuffled mini-batches through `fit` with a callback,
//! `evaluate` with a metric, `predict`, the parameters), on data the
//! optimizer cannot see.
#![no_std]
#![no_main]

#[path = "../proof.rs"]
mod proof;
#[allow(dead_code)]
#[path = "../training.rs"]
mod training;

use core::hint::black_box as bb;
use training::{Memory, BATCH, MICRO, SPIRAL, SPIRAL_ROWS};
use vanillanets::layers::{initialize, Distribution, Init};
use vanillanets::losses::LossKind;
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::{Control, FitOptions, Model, Shuffle};
use vanillanets::random::Pcg32;

fn check() -> bool {
    let memory = cortex_m::singleton!(: Memory = Memory::new());
    let Some(memory) = memory else {
        return false;
    };
    let net = &mut memory.spiral;
    training::spiral_data(&mut net.x, &mut net.classes, &mut net.values);
    bb(&mut net.x);
    let seed = bb(7);
    if initialize(
        &SPIRAL,
        &mut net.params,
        Init::Auto,
        Distribution::Normal,
        0.0,
        &mut Pcg32::new(seed),
    )
    .is_err()
    {
        return false;
    }
    let loss = LossKind::SparseCategoricalCrossEntropy;
    let optimizer = bb(training::spiral_optimizer());
    let Ok(mut model) = Model::new(
        &SPIRAL,
        loss,
        optimizer,
        bb(MICRO),
        &mut net.params,
        &mut net.training,
    ) else {
        return false;
    };
    let rows = bb(SPIRAL_ROWS);
    let targets = Targets::Classes(&net.classes);
    let options = FitOptions {
        epochs: bb(2),
        batch_size: Some(bb(BATCH)),
        shuffle: Some(Shuffle {
            indices: &mut net.order,
            seed,
        }),
        validation: None,
    };
    let mut accuracy = Accuracy::new();
    let fit = model.fit(&net.x, targets, rows, options, &mut [&mut accuracy], |e| {
        if bb(e.loss) < 0.0 {
            Control::Stop
        } else {
            Control::Continue
        }
    });
    let evaluated = model.evaluate(&net.x, targets, rows, &mut [&mut accuracy]);
    let mut y = [0.0_f32; 3 * 4];
    let predicted = model.predict(net.x.get(..2 * 4).unwrap_or(&[]), bb(4), &mut y);
    bb(model.parameters());
    bb(&y);
    fit.is_ok() && evaluated.is_ok() && predicted.is_ok()
}

proof::main!(check);
