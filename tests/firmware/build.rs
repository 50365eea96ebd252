use std::{env, fs, path::PathBuf};

fn main() {
    // Put memory.x where the linker finds it (cortex-m-rt's link.x INCLUDEs it).
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    // -Tlink.x here rather than in .cargo/config.toml: a config file is only
    // read when cargo runs below it, and RUSTFLAGS in the environment (CI)
    // would silently replace [target.*].rustflags.
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("arm") {
        println!("cargo:rustc-link-arg-bins=-Tlink.x");
    }
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
