//! The host half of the firmware check: runs the suite that the test
//! firmware runs on emulated Cortex-M (`tests/firmware/src/suite.rs`) and,
//! when `scripts/firmware.sh` passes the firmware's output in
//! `VANILLANETS_FIRMWARE_OUTPUT`, requires every result line to be
//! bit-identical (a NaN is compared as NaN: its sign and payload are not
//! specified by IEEE 754, see the suite's docs). Without it, the test checks
//! the suite's edge values against hand-checked bit patterns.

#[path = "firmware/src/suite.rs"]
mod suite;

fn host_lines() -> Vec<String> {
    let mut out = String::new();
    suite::run(&mut out).expect("writing to a String cannot fail");
    out.lines().map(str::to_owned).collect()
}

/// The hex words of the first line named `name`.
fn words<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    let line = lines
        .iter()
        .find(|l| l.starts_with(&prefix) && !l.ends_with("ok") && !l.contains("err"))
        .unwrap_or_else(|| panic!("no line {name}"));
    line[prefix.len()..].split_whitespace().collect()
}

#[test]
fn suite_edge_values_are_the_spec_values() {
    let lines = host_lines();
    assert_eq!(lines.last().map(String::as_str), Some("suite done"));
    // relu of [NaN, -0.0, 0.0, inf, -inf, ...]: NaN, -0, +0, inf, +0
    // (np.maximum(0, -0.0) is -0.0)
    let relu = words(&lines, "relu");
    assert_eq!(relu[0], "nan");
    assert_eq!(
        &relu[1..5],
        &["80000000", "00000000", "7f800000", "00000000"]
    );
    // leaky_relu(-0.0) is -0.0
    assert_eq!(words(&lines, "leaky_relu")[1], "80000000");
    // sigmoid(-1000) = 0, sigmoid(1000) = 1
    let sigmoid = words(&lines, "sigmoid");
    assert_eq!((sigmoid[5], sigmoid[6]), ("00000000", "3f800000"));
    // softmax [1000, 1001, 1002] = [0.0900306, 0.2447285, 0.6652410], then an all-NaN row
    let softmax: Vec<f32> = words(&lines, "softmax")
        .iter()
        .map(|&w| match w {
            "nan" => f32::NAN,
            w => vanillanets_test::parity::f32_hex(w),
        })
        .collect();
    for (got, want) in softmax
        .iter()
        .zip([0.090_030_57, 0.244_728_47, 0.665_240_96])
    {
        assert!((got - want).abs() < 1e-7, "{got} vs {want}");
    }
    assert!(softmax[3..12].iter().all(|v| v.is_nan()));
}

#[test]
fn firmware_output_matches_the_host_bit_for_bit() {
    let Ok(path) = std::env::var("VANILLANETS_FIRMWARE_OUTPUT") else {
        eprintln!("VANILLANETS_FIRMWARE_OUTPUT not set: run scripts/firmware.sh for this check");
        return;
    };
    let firmware = std::fs::read_to_string(&path).expect("read the firmware output");
    let firmware: Vec<&str> = firmware
        .lines()
        .filter(|l| !l.starts_with("cost ") && !l.starts_with("calib "))
        .collect();
    let host = host_lines();
    assert_eq!(
        firmware.len(),
        host.len(),
        "line counts differ: firmware {} vs host {}",
        firmware.len(),
        host.len()
    );
    for (i, (f, h)) in firmware.iter().zip(&host).enumerate() {
        assert_eq!(f, h, "line {} differs (firmware vs host)", i + 1);
    }
    println!("{} result lines bit-identical to the host", host.len());
}
