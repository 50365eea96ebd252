//! Link-time proof that no panic path survives optimisation in the crate:
//! the panic handler calls a symbol that no object defines, so the release
//! link fails if any code path can still reach a panic. `src/calls.rs`
//! calls every public function with opaque inputs. No `core::fmt` here
//! (formatting has panic paths of its own); the result is reported with raw
//! semihosting bytes and the exit code.
#![no_std]
#![no_main]

#[path = "../calls.rs"]
mod calls;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};

#[entry]
fn main() -> ! {
    #[allow(unused_mut)]
    let mut ok = calls::exercise();
    #[cfg(feature = "canary")]
    {
        // Negative control: a bounds check the optimizer cannot remove must
        // make the link fail.
        let v = core::hint::black_box([1.0_f32; 4]);
        ok &= v[core::hint::black_box(7_usize)] == 0.0;
    }
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(if ok {
            b"nopanic ok\n"
        } else {
            b"nopanic FAIL\n"
        });
    }
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn __panic_path_survived_optimisation_see_tests_firmware() -> !;
    }
    // SAFETY: never defined; referencing it is the point (see module docs).
    unsafe { __panic_path_survived_optimisation_see_tests_firmware() }
}
