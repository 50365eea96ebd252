//! Every kernel at 1 000, 100 000 and 4 000 000 elements, with divan.
//!
//! ```sh
//! cargo bench --bench kernels                       # all
//! cargo bench --bench kernels -- softmax            # a filter
//! cargo bench --bench kernels --features fast-math
//! RUSTFLAGS="-C target-cpu=native" cargo bench --bench kernels
//! ```
//!
//! Throughput is in elements (`item/s`). For ns/element and the ratio to a
//! `memcpy` of the same bytes in one markdown table, run
//! `cargo bench --bench report` (or `scripts/bench.sh`).

mod common;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use divan::counter::ItemsCount;
use divan::Bencher;

fn main() {
    divan::main();
}

/// The inputs of each size, built once.
fn with_data(n: usize, f: impl FnOnce(&mut common::Data)) {
    static DATA: OnceLock<Mutex<HashMap<usize, common::Data>>> = OnceLock::new();
    let mut all = DATA
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    f(all.entry(n).or_insert_with(|| common::Data::new(n)));
}

fn bench(bencher: Bencher, n: usize, name: &str) {
    let case = common::case(name).expect("a case of benches/common");
    with_data(n, |data| {
        bencher
            .counter(ItemsCount::new(n))
            .bench_local(|| (case.run)(data));
    });
}

macro_rules! benches {
    ($($name:ident),* $(,)?) => {
        $(
            #[divan::bench(args = common::SIZES, max_time = 1)]
            fn $name(bencher: Bencher, n: usize) {
                bench(bencher, n, stringify!($name));
            }
        )*
    };
}

benches!(
    memcpy,
    linear_fwd,
    linear_bwd,
    relu_fwd,
    relu_bwd,
    relu_fwd_in_place,
    relu_bwd_in_place,
    leaky_relu_fwd,
    leaky_relu_bwd,
    sigmoid_fwd,
    sigmoid_bwd,
    tanh_fwd,
    tanh_bwd,
    softmax_fwd,
    softmax_bwd,
    bce_fwd,
    bce_calculate,
    bce_bwd,
    cce_fwd,
    cce_calculate,
    cce_bwd,
    mse_fwd,
    mse_calculate,
    mse_bwd,
    fused_bwd,
    libm_expf_neg,
    libm_tanhf,
    libm_expf,
    libm_logf_x2,
);
