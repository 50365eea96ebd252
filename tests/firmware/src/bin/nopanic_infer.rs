//! Link-time proof for an inference firmware alone (skeleton:
//! `src/proof.rs`): the exported spiral net in flash, run with
//! `Network::new` and `Network::predict` on inputs the optimizer cannot
//! see, as `infer` and `infer_size` run it. A firmware that calls less than
//! `nopanic` is inlined differently, so it gets its own proof.
#![no_std]
#![no_main]

#[allow(dead_code)]
#[path = "../inference.rs"]
mod inference;
#[path = "../proof.rs"]
mod proof;
#[path = "../trained.rs"]
mod trained;

use core::hint::black_box as bb;
use inference::{NET, SIDE};
use vanillanets::model::Network;

fn check() -> bool {
    let Ok(net) = Network::new(bb(&NET), bb(&trained::SPIRAL_TRAINED)) else {
        return false;
    };
    let x = bb([0.25_f32; 2 * SIDE]);
    let mut scratch = [0.0_f32; Network::scratch_len(&NET, SIDE)];
    let mut y = [0.0_f32; 3 * SIDE];
    let ok = net.predict(&x, bb(SIDE), &mut scratch, &mut y).is_ok();
    bb(&y);
    ok
}

proof::main!(check);
