//! The crate's switches for targets with SIMD registers (SSE2, NEON or
//! WebAssembly's simd128), emitted once here instead of repeated
//! `target_feature` predicates:
//!
//! - `cfg(vanillanets_simd)`: the target has them (the Dense kernels then
//!   use 16 lanes per tile instead of 8, and narrow tiles for the columns
//!   left over);
//! - `cfg(vanillanets_wide)`: they are 256 bits wide (x86 AVX), so the
//!   Dense gradients keep four tiles of sums in registers instead of two,
//!   and the in-place elementwise kernels store whole blocks (no masked
//!   stores);
//! - `cfg(vanillanets_lanes)`: they and the `fast-math` feature (the
//!   Softmax lane path).
//!
//! Code behind any of them gives the same bits as the code it replaces; it only
//! changes how fast they come.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(vanillanets_lanes)");
    println!("cargo::rustc-check-cfg=cfg(vanillanets_simd)");
    println!("cargo::rustc-check-cfg=cfg(vanillanets_wide)");
    println!("cargo::rerun-if-changed=build.rs");
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let simd = features
        .split(',')
        .any(|f| matches!(f, "sse2" | "neon" | "simd128"));
    if simd {
        println!("cargo::rustc-cfg=vanillanets_simd");
    }
    if features.split(',').any(|f| f == "avx") {
        println!("cargo::rustc-cfg=vanillanets_wide");
    }
    if simd && std::env::var_os("CARGO_FEATURE_FAST_MATH").is_some() {
        println!("cargo::rustc-cfg=vanillanets_lanes");
    }
}
