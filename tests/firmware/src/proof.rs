//! The skeleton of the no-panic proof binaries (`nopanic`,
//! `nopanic_infer`, `nopanic_train`): their panic handler calls a symbol
//! that no object defines, so the link fails if any code path can still
//! reach a panic at the opt-level of the build. `scripts/firmware.sh` links
//! them at opt-levels 3, 2, `"s"` and `"z"`. No `core::fmt` (formatting has
//! panic paths of its own): the result goes out as raw semihosting bytes
//! and the exit code.
//!
//! A proof binary is one line, `proof::main!(check);`, where `check` is a
//! `fn() -> bool` that makes the calls under proof with opaque inputs.

use cortex_m_semihosting::hio;

#[path = "skeleton.rs"]
mod skeleton;

/// Prints `nopanic ok` or `nopanic FAIL` and exits with the matching status.
pub fn report(ok: bool) -> ! {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(if ok {
            b"nopanic ok\n"
        } else {
            b"nopanic FAIL\n"
        });
    }
    skeleton::exit(ok)
}

/// The entry point running `$check`, and the panic handler that must
/// never be linked in.
macro_rules! main {
    ($check:path) => {
        #[cortex_m_rt::entry]
        fn main() -> ! {
            $crate::proof::report($check())
        }

        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo) -> ! {
            extern "C" {
                fn __panic_path_survived_optimisation_see_tests_firmware() -> !;
            }
            // SAFETY: never defined; referencing it is the point (see
            // src/proof.rs).
            unsafe { __panic_path_survived_optimisation_see_tests_firmware() }
        }
    };
}
pub(crate) use main;
