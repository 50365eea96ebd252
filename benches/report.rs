//! The benchmark report: median ns/element of every kernel at 1 000,
//! 100 000 and 4 000 000 elements, and its ratio to a `memcpy`
//! (`copy_from_slice`) of the same `n` f32 timed in the same run, as
//! markdown tables.
//!
//! ```sh
//! cargo bench --bench report                                  # default build
//! cargo bench --bench report --features fast-math
//! RUSTFLAGS="-C target-cpu=native" cargo bench --bench report --features fast-math
//! cargo bench --bench report -- --sizes 100000 --filter softmax,libm_expf
//! ```
//!
//! `scripts/bench.sh` runs the four builds in a row.
//!
//! `--list` prints the case names. `--callgrind NAME N ITERS` runs case `NAME` at `N` elements `ITERS`
//! times inside the function `measured`, for
//! `valgrind --tool=callgrind --toggle-collect='*measured*'`
//! (`scripts/callgrind.sh` does that for every case and prints
//! instructions/element).
//!
//! Every ratio it prints is between two timings of the same run: to the
//! `memcpy`, and to a plain loop of the `libm` calls a kernel makes. Figures
//! measured on another machine or at another time (NumPy's, PyTorch's) do
//! not divide into these, so none are printed here.
//!
//! Nothing here asserts on timings: it only prints.

mod common;

use std::time::Duration;

use common::{measured, median_ns, simd_features, Case, Data, CASES, SIZES};

/// Time budget per case and size, split into samples of about 2 ms, 5 to
/// 31 of them (`common::median_ns`).
const CASE_TIME: Duration = Duration::from_millis(300);

/// Each default-path kernel and the plain `libm` loop of its calls.
const OVER_LIBM: &[(&str, &str)] = &[
    ("sigmoid_fwd", "libm_expf_neg"),
    ("tanh_fwd", "libm_tanhf"),
    ("softmax_fwd", "libm_expf"),
    ("bce_fwd", "libm_logf_x2"),
    ("bce_calculate", "libm_logf_x2"),
];

struct Options {
    sizes: Vec<usize>,
    filter: Option<String>,
    callgrind: Option<(String, usize, usize)>,
    list: bool,
}

fn options() -> Options {
    let mut o = Options {
        sizes: SIZES.to_vec(),
        filter: None,
        callgrind: None,
        list: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().unwrap_or_default();
                o.sizes = list.split(',').filter_map(|s| s.parse().ok()).collect();
            }
            "--filter" => o.filter = args.next(),
            "--list" => o.list = true,
            "--callgrind" => {
                let name = args.next().unwrap_or_default();
                let n = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
                let iters = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
                o.callgrind = Some((name, n, iters));
            }
            _ => {} // `--bench` from cargo, and anything else
        }
    }
    o
}

fn build() -> String {
    let on = simd_features();
    format!(
        "fast-math {}; target {} with {}",
        if cfg!(feature = "fast-math") {
            "on"
        } else {
            "off"
        },
        std::env::consts::ARCH,
        if on.is_empty() {
            "no SIMD features".to_string()
        } else {
            on.join(", ")
        },
    )
}

fn main() {
    let o = options();
    if o.list {
        for name in names() {
            println!("{name}");
        }
        return;
    }
    if let Some((name, n, iters)) = o.callgrind {
        let Some(case) = common::case(&name) else {
            eprintln!("no case {name}; cases: {:?}", names());
            std::process::exit(2);
        };
        let mut data = Data::new(n);
        (case.run)(&mut data);
        measured(case.run, &mut data, iters);
        return;
    }

    let cases: Vec<&Case> = CASES
        .iter()
        .filter(|c| {
            c.name == "memcpy"
                || o.filter
                    .as_deref()
                    .is_none_or(|f| f.split(',').any(|f| c.name.contains(f)))
        })
        .collect();
    // ns[case][size]
    let mut ns = vec![vec![f64::NAN; o.sizes.len()]; cases.len()];
    for (s, &n) in o.sizes.iter().enumerate() {
        let mut data = Data::new(n);
        for (c, case) in cases.iter().enumerate() {
            ns[c][s] = median_ns(case.run, &mut data, n, CASE_TIME);
        }
    }
    let memcpy = &ns[0].clone();

    println!("\n## ns/element (× memcpy of the same n f32)\n");
    println!("{}\n", build());
    let sizes: Vec<String> = o.sizes.iter().map(|n| group(*n)).collect();
    println!("| kernel | {} |", sizes.join(" | "));
    println!("|---|{}", "---:|".repeat(sizes.len()));
    for (c, case) in cases.iter().enumerate() {
        let cells: Vec<String> = ns[c]
            .iter()
            .zip(memcpy)
            .map(|(t, m)| format!("{t:.3} ({:.2}×)", t / m))
            .collect();
        println!("| {} | {} |", case.name, cells.join(" | "));
    }

    let at = |name: &str, s: usize| -> Option<f64> {
        let c = cases.iter().position(|c| c.name == name)?;
        Some(ns[c][s])
    };
    println!("\n## Kernel ÷ a plain loop of its libm calls\n");
    println!("| kernel | libm loop | {} |", sizes.join(" | "));
    println!("|---|---|{}", "---:|".repeat(sizes.len()));
    for &(kernel, libm) in OVER_LIBM {
        let cells: Option<Vec<String>> = (0..o.sizes.len())
            .map(|s| Some(format!("{:.2}", at(kernel, s)? / at(libm, s)?)))
            .collect();
        if let Some(cells) = cells {
            println!("| {kernel} | {libm} | {} |", cells.join(" | "));
        }
    }
}

fn names() -> Vec<&'static str> {
    CASES.iter().map(|c| c.name).collect()
}

/// `100000` → `100 000`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}
