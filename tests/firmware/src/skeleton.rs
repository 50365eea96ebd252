//! The skeleton the test firmware share: an entry point that runs a body,
//! the exit through semihosting with the body's status, and a panic
//! handler. One macro per way of reporting:
//!
//! - `skeleton::size!(ok)`: a size probe (`size_base`, `size_lib`,
//!   `infer_size*`). It prints nothing and its panic handler loops, so
//!   that a probe's flash minus `size_base`'s (`size!(black_box(true))`)
//!   is what the code of `ok` takes.
//! - `skeleton::lines!(|out| ok, panic: print)`: a firmware that prints
//!   its results (`kernel`, `train`, `infer`): SysTick started, `out` the
//!   line-buffered semihosting stdout (`common::Lines`: the binary
//!   declares `mod common`), a failure status if there is no stdout.
//!   `static mut` items may come first, as in a `#[entry]` function. On a
//!   panic, `panic: print` writes `PANIC: <info>` and `panic: exit` only
//!   exits (`infer`, whose flash the size table reports), both with a
//!   failure status.
//!
//! The binary declares `mod skeleton` at its root. The no-panic proofs
//! (`proof::main!`, whose panic handler must not link) and the error-size
//! probes (`err_probe::probe!`) are the other two skeletons; they end
//! through [`exit`] too.
#![allow(dead_code, unused_imports, unused_macros)]

use cortex_m_semihosting::debug;

/// Ends the run through semihosting: success when `ok`. Always inlined, as
/// the size probes had it written out in `main`.
#[inline(always)]
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

/// A size probe: exits with the status `$ok`; a panic handler that loops.
macro_rules! size {
    ($ok:expr) => {
        #[cortex_m_rt::entry]
        fn main() -> ! {
            $crate::skeleton::exit($ok)
        }

        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo) -> ! {
            #[allow(clippy::empty_loop)]
            loop {}
        }
    };
}
pub(crate) use size;

/// A firmware that prints: `$ok` runs with `$out` the semihosting stdout
/// (`common::Lines`) after SysTick starts; the status is `$ok`'s.
macro_rules! lines {
    ($(static mut $s:ident: $t:ty = $e:expr;)* |$out:ident| $ok:expr, panic: $panic:ident) => {
        #[cortex_m_rt::entry]
        fn main() -> ! {
            $(static mut $s: $t = $e;)*
            common::start_systick();
            let ok = match common::Lines::stdout() {
                Some(mut $out) => $ok,
                None => false,
            };
            $crate::skeleton::exit(ok)
        }

        $crate::skeleton::lines!(@panic $panic);
    };
    (@panic print) => {
        #[panic_handler]
        fn panic(info: &core::panic::PanicInfo) -> ! {
            if let Ok(mut host) = cortex_m_semihosting::hio::hstdout() {
                let _ = core::fmt::Write::write_fmt(&mut host, format_args!("PANIC: {info}\n"));
            }
            $crate::skeleton::exit(false)
        }
    };
    (@panic exit) => {
        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo) -> ! {
            $crate::skeleton::exit(false)
        }
    };
}
pub(crate) use lines;
