//! What the firmware that print share (`kernel`, `train`, `infer`): line-buffered
//! semihosting output, SysTick timing and its calibration, the stack
//! painting.
//!
//! Under `qemu-system-arm -icount shift=0` every instruction takes 1 ns of
//! virtual time and SysTick (25 MHz on the MPS2 boards) counts one tick per
//! 40 instructions, so the costs repeat exactly from run to run (which the
//! calibration line checks).

use core::fmt::{self, Write};
use core::hint::black_box;
use core::sync::atomic::{compiler_fence, Ordering::SeqCst};
use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_semihosting::hio;

/// Executed instructions per SysTick tick (checked by [`calibration`]).
pub const INSTRUCTIONS_PER_TICK: u32 = 40;

/// Buffers one line and hands it to the host in one semihosting call.
pub struct Lines {
    host: hio::HostStream,
    buf: [u8; 1024],
    len: usize,
}

impl Lines {
    /// Semihosting's stdout, or `None`.
    pub fn stdout() -> Option<Self> {
        Some(Self {
            host: hio::hstdout().ok()?,
            buf: [0; 1024],
            len: 0,
        })
    }

    fn flush(&mut self) -> fmt::Result {
        let r = self
            .host
            .write_all(&self.buf[..self.len])
            .map_err(|_| fmt::Error);
        self.len = 0;
        r
    }
}

impl Write for Lines {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush()?;
            }
            self.buf[self.len] = b;
            self.len += 1;
            if b == b'\n' {
                self.flush()?;
            }
        }
        Ok(())
    }
}

/// Starts SysTick on the core clock, counting down from `0xFF_FFFF`.
pub fn start_systick() {
    // SAFETY: the only user of the peripherals; nothing else runs.
    let mut p = unsafe { cortex_m::Peripherals::steal() };
    p.SYST.set_clock_source(SystClkSource::Core);
    p.SYST.set_reload(0x00FF_FFFF);
    p.SYST.clear_current();
    p.SYST.enable_counter();
}

/// The SysTick counter now (counts down, 24 bits).
#[inline(always)]
pub fn now() -> u32 {
    compiler_fence(SeqCst);
    let t = SYST::get_current();
    compiler_fence(SeqCst);
    t
}

/// Ticks from `earlier` to `later`, two readings of [`now`] less than
/// 2²⁴ ticks (671 M instructions) apart.
#[inline(always)]
pub fn elapsed(earlier: u32, later: u32) -> u32 {
    earlier.wrapping_sub(later) & 0x00FF_FFFF
}

/// SysTick ticks spent in `f`.
#[inline(always)]
pub fn ticks(f: impl FnOnce()) -> u32 {
    let t0 = now();
    f();
    elapsed(t0, now())
}

/// Exactly 2 instructions (subs + bne) per iteration, for the calibration.
#[inline(always)]
fn spin(n: u32) {
    // SAFETY: a register-only countdown loop; touches no memory.
    unsafe {
        core::arch::asm!("2:", "subs {0}, #1", "bne 2b",
                         inout(reg) n => _, options(nomem, nostack));
    }
}

/// `calib ticks(200000 instr) = N`: N must be 5000 (40 instructions a tick).
pub fn calibration(out: &mut impl Write) -> fmt::Result {
    let a = ticks(|| spin(black_box(1_000)));
    let b = ticks(|| spin(black_box(101_000)));
    writeln!(out, "calib ticks(200000 instr) = {}", b - a)
}

/// The word painted below the stack pointer.
const PAINT: u32 = 0xC0FF_EE11;

/// Runs `f` with the `depth` bytes of stack below the current stack pointer
/// painted first, and returns how many of them `f` used: the distance from
/// this function's stack pointer down to the deepest word no longer
/// holding the paint.
#[inline(never)]
pub fn stack_used(depth: usize, f: &mut dyn FnMut()) -> usize {
    let words = depth / 4;
    if words == 0 {
        f();
        return 0;
    }
    let sp: usize;
    // Paint from `sp - 4 * words` up to (not including) `sp` in a register
    // loop, so that nothing of this function lives in the painted region.
    // SAFETY: the painted words are below the stack pointer, in the RAM
    // between the statics and the stack (4 MiB on the MPS2 boards, far
    // from both), and nothing else uses them; the loop keeps to registers.
    unsafe {
        core::arch::asm!(
            "mov {sp}, sp",
            "subs {p}, {sp}, {bytes}",
            "2:",
            "str {paint}, [{p}]",
            "adds {p}, #4",
            "cmp {p}, {sp}",
            "bne 2b",
            sp = out(reg) sp,
            p = out(reg) _,
            bytes = in(reg) words * 4,
            paint = in(reg) PAINT,
            options(nostack),
        );
    }
    f();
    let bottom = sp - words * 4;
    let mut untouched = 0;
    while untouched < words {
        // SAFETY: reads the painted words back (aligned, in RAM, below
        // this function's frame, unused now that `f` returned).
        let w = unsafe { core::ptr::read_volatile((bottom + 4 * untouched) as *const u32) };
        if w != PAINT {
            break;
        }
        untouched += 1;
    }
    (words - untouched) * 4
}
