//! Link-time proof that no panic path survives optimisation anywhere in the
//! crate: `src/calls.rs` calls every public function with opaque inputs
//! (skeleton: `src/proof.rs`).
#![no_std]
#![no_main]

#[path = "../calls.rs"]
mod calls;
#[path = "../proof.rs"]
mod proof;

fn check() -> bool {
    #[allow(unused_mut)]
    let mut ok = calls::exercise();
    #[cfg(feature = "canary")]
    {
        // Negative control: a bounds check the optimizer cannot remove must
        // make the link fail.
        let v = core::hint::black_box([1.0_f32; 4]);
        ok &= v[core::hint::black_box(7_usize)] == 0.0;
    }
    ok
}

proof::main!(check);
