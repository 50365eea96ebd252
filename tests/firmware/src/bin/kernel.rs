//! Runs the shared suite (`src/suite.rs`) on the microcontroller and prints
//! every result's bits over semihosting, then the cost of each kernel in
//! instructions per element, and exits with a status code.
//!
//! Under `qemu-system-arm -icount shift=0`, SysTick counts one tick per 40
//! executed instructions (checked by the calibration line), so the costs
//! repeat exactly from run to run.
#![no_std]
#![no_main]

#[path = "../suite.rs"]
mod suite;

use core::fmt::{self, Write};
use core::hint::black_box;
use core::sync::atomic::{compiler_fence, Ordering::SeqCst};
use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};
use vanillanets::activations::{Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh};
use vanillanets::losses::{
    BinaryCrossEntropy, CategoricalCrossEntropy, Labels, Loss, MeanSquaredError,
    SoftmaxCrossEntropy,
};

/// Buffers one line and hands it to the host in one semihosting call.
struct Lines {
    host: hio::HostStream,
    buf: [u8; 1024],
    len: usize,
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

impl Lines {
    fn flush(&mut self) -> fmt::Result {
        let r = self
            .host
            .write_all(&self.buf[..self.len])
            .map_err(|_| fmt::Error);
        self.len = 0;
        r
    }
}

/// SysTick ticks spent in `f` (core clock, reload 0xFF_FFFF, counts down).
#[inline(always)]
fn ticks(f: impl FnOnce()) -> u32 {
    compiler_fence(SeqCst);
    let t0 = SYST::get_current();
    compiler_fence(SeqCst);
    f();
    compiler_fence(SeqCst);
    let t1 = SYST::get_current();
    compiler_fence(SeqCst);
    t0.wrapping_sub(t1) & 0x00FF_FFFF
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

const ROWS: usize = 16;
const COLS: usize = 16;
const N: usize = ROWS * COLS;
const INSTRUCTIONS_PER_TICK: u32 = 40;

fn cost(out: &mut Lines, name: &str, f: impl FnOnce()) -> fmt::Result {
    let t = ticks(f);
    let per_element_x10 = t * INSTRUCTIONS_PER_TICK * 10 / N as u32;
    writeln!(
        out,
        "cost {name}: {t} ticks, {}.{} instructions/element",
        per_element_x10 / 10,
        per_element_x10 % 10
    )
}

fn costs(out: &mut Lines) -> fmt::Result {
    let mut x = [0.0_f32; N];
    for (i, v) in x.iter_mut().enumerate() {
        *v = (i as f32 - (N / 2) as f32) * 0.0625;
    }
    let x = black_box(x);
    let mut y = [0.0_f32; N];
    let mut dx = [0.0_f32; N];
    let dv = black_box([0.5_f32; N]);
    let labels = black_box([3_usize; ROWS]);

    cost(out, "memcpy", || y.copy_from_slice(black_box(&x)))?;
    cost(out, "relu forward", || {
        let _ = ReLU.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "relu backward", || {
        let _ = ReLU.backward(&x, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "leaky_relu forward", || {
        let _ = LeakyReLU::new().forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "sigmoid forward", || {
        let _ = Sigmoid.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "sigmoid backward", || {
        let _ = Sigmoid.backward(&y, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "tanh forward", || {
        let _ = Tanh.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "softmax forward", || {
        let _ = Softmax.forward(&x, ROWS, COLS, &mut y);
    })?;
    cost(out, "softmax backward", || {
        let _ = Softmax.backward(&y, &dv, ROWS, COLS, &mut dx);
    })?;
    let p = black_box(y);
    cost(out, "bce backward", || {
        let _ = BinaryCrossEntropy.backward(&p, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "cce backward", || {
        let _ = CategoricalCrossEntropy.backward(&p, Labels::Classes(&labels), ROWS, COLS, &mut dx);
    })?;
    cost(out, "mse backward", || {
        let _ = MeanSquaredError.backward(&p, &dv, ROWS, COLS, &mut dx);
    })?;
    cost(out, "fused backward", || {
        let _ = SoftmaxCrossEntropy.backward(&p, Labels::Classes(&labels), ROWS, COLS, &mut dx);
    })?;
    black_box((&y, &dx));
    Ok(())
}

#[entry]
fn main() -> ! {
    // SAFETY: the only user of the peripherals; nothing else runs.
    let mut p = unsafe { cortex_m::Peripherals::steal() };
    p.SYST.set_clock_source(SystClkSource::Core);
    p.SYST.set_reload(0x00FF_FFFF);
    p.SYST.clear_current();
    p.SYST.enable_counter();

    let Ok(host) = hio::hstdout() else {
        debug::exit(debug::EXIT_FAILURE);
        loop {}
    };
    let mut out = Lines {
        host,
        buf: [0; 1024],
        len: 0,
    };

    let mut ok = suite::run(&mut out).is_ok();

    // 200_000 extra instructions must be 5000 ticks at 40 instructions/tick.
    let a = ticks(|| spin(black_box(1_000)));
    let b = ticks(|| spin(black_box(101_000)));
    ok &= writeln!(out, "calib ticks(200000 instr) = {}", b - a).is_ok();
    ok &= costs(&mut out).is_ok();

    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    if let Ok(mut host) = hio::hstdout() {
        let _ = writeln!(host, "PANIC: {info}");
    }
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}
