//! Shared by the `err_*` size probes: an `Error` the optimiser cannot see
//! through, and a semihosting write. Each probe prints it differently; the
//! flash of one way is that probe minus `err_base` (which prints a fixed
//! line), so the call and the semihosting code cancel out.

use core::hint::black_box;
use cortex_m_semihosting::hio;
use vanillanets::activations::{Activation, ReLU};
use vanillanets::Error;

/// A call with a length the library refuses. The error is passed through
/// `black_box`, so every variant stays possible for the printer.
pub fn bad_call() -> Option<Error> {
    let mut out = [0.0_f32; 3];
    let err = ReLU
        .forward(black_box(&[1.0, 2.0]), black_box(1), black_box(3), &mut out)
        .err();
    black_box(err)
}

/// Writes `bytes` to the host's stdout (ignoring failures).
pub fn write(bytes: &[u8]) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(bytes);
    }
}

#[path = "skeleton.rs"]
mod skeleton;

/// Ends the run: success when `ok` (a function of its own, not inlined
/// into `main` as [`skeleton::exit`] is, so that the probes' flash stays
/// what it was measured as).
pub fn exit(ok: bool) -> ! {
    skeleton::exit(ok)
}

/// A probe firmware: its entry point gets the `Error` of [`bad_call`] and
/// prints it with `$print` (`no error` if there is none, which cannot
/// happen), then exits; and a panic handler that loops.
macro_rules! probe {
    (|$e:ident| $print:expr) => {
        #[cortex_m_rt::entry]
        fn main() -> ! {
            match err_probe::bad_call() {
                Some($e) => $print,
                None => err_probe::write(b"no error\n"),
            }
            err_probe::exit(true)
        }

        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo) -> ! {
            loop {}
        }
    };
}
pub(crate) use probe;
