//! The crate's one switch for its vector path: `cfg(vanillanets_lanes)`,
//! set when the `fast-math` feature is on and the target has SIMD registers
//! (SSE2, NEON or WebAssembly's simd128). Code behind it gives the same bits
//! as the code it replaces; it only changes how fast they come.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(vanillanets_lanes)");
    println!("cargo::rerun-if-changed=build.rs");
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let simd = features
        .split(',')
        .any(|f| matches!(f, "sse2" | "neon" | "simd128"));
    if simd && std::env::var_os("CARGO_FEATURE_FAST_MATH").is_some() {
        println!("cargo::rustc-cfg=vanillanets_lanes");
    }
}
