//! The host half of the on-device training check.
//!
//! `tests/firmware/src/training.rs` trains two nets (the 3-class spiral with
//! Adam and the fused Softmax + CE backward, the circle with Sigmoid, BCE
//! and SGD with momentum) in shuffled mini-batches from fixed memory; the
//! training firmware (`tests/firmware/src/bin/train.rs`) runs the same code
//! on emulated Cortex-M. `tests/firmware/src/inference.rs` runs the
//! exported spiral weights (`trained.rs`, a `const` array) with
//! `Network::predict`, as the inference firmware (`src/bin/infer.rs`) does.
//!
//! When `scripts/firmware.sh` passes the firmwares' outputs in
//! `VANILLANETS_TRAINING_OUTPUT` and `VANILLANETS_INFERENCE_OUTPUT`, every
//! epoch's loss, the final parameters and every prediction must be the
//! host's, bit for bit. Without them the tests check that training reaches
//! its accuracy goals, that the exported weights are the training's, and
//! the memory sizes.
//!
//! `VANILLANETS_BLESS=1 cargo test --test firmware_training` rewrites
//! `trained.rs` from the host's training (default features).

#[path = "firmware/src/inference.rs"]
mod inference;
#[path = "firmware/src/plain.rs"]
mod plain;
#[path = "firmware/src/trained.rs"]
mod trained;
#[path = "firmware/src/training.rs"]
mod training;

use training::{Memory, Outcome, Probe};
use vanillanets::activations::ActivationKind::{ReLU, Softmax};
use vanillanets::layers::{Dense, Gradients, Layer};
use vanillanets::metrics::{Accuracy, Targets};
use vanillanets::model::{Model, Network};
use vanillanets::optimizers::{Adam, Optimizer};

/// Lines only the firmware writes (timings, memory, stack): not results.
const FIRMWARE_ONLY: [&str; 4] = ["calib ", "cost ", "mem ", "stack "];

/// The host's training lines (what the firmware prints minus
/// [`FIRMWARE_ONLY`]), the two outcomes and the memory after training.
fn host_training() -> (Vec<String>, Outcome, Outcome, Box<Memory>) {
    let mut memory = Box::new(Memory::new());
    let mut out = String::new();
    let spiral = Probe::none(|p| training::spiral(&mut out, &mut memory, p)).expect("spiral");
    let circle = Probe::none(|p| training::circle(&mut out, &mut memory, p)).expect("circle");
    out.push_str("training done\n");
    let lines = out.lines().map(str::to_owned).collect();
    (lines, spiral, circle, memory)
}

fn host_inference() -> Vec<String> {
    let mut out = String::new();
    inference::run(&mut out, &trained::SPIRAL_TRAINED).expect("writing to a String");
    out.lines().map(str::to_owned).collect()
}

/// Requires the firmware output at `$var` to equal `host`, line for line
/// (the firmware's own timing lines aside).
fn compare(var: &str, host: &[String]) {
    let Ok(path) = std::env::var(var) else {
        eprintln!("{var} not set: run scripts/firmware.sh for this check");
        return;
    };
    let firmware = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let firmware: Vec<&str> = firmware
        .lines()
        .filter(|l| !FIRMWARE_ONLY.iter().any(|p| l.starts_with(p)))
        .collect();
    for (i, (f, h)) in firmware.iter().zip(host).enumerate() {
        assert_eq!(f, h, "{path}: line {} differs (firmware vs host)", i + 1);
    }
    assert_eq!(
        firmware.len(),
        host.len(),
        "{path}: line counts differ: firmware {} vs host {}",
        firmware.len(),
        host.len()
    );
    println!("{path}: {} lines bit-identical to the host", host.len());
}

#[test]
fn training_reaches_the_accuracy_goals() {
    let (lines, spiral, circle, _) = host_training();
    for (name, o, goal) in [
        ("spiral", spiral, training::SPIRAL_GOAL),
        ("circle", circle, training::CIRCLE_GOAL),
    ] {
        println!(
            "{name}: {} epochs, last epoch's loss {}, final loss {}, accuracy {}/{} = {} %",
            o.epochs,
            o.loss,
            o.final_loss,
            o.correct,
            o.samples,
            o.percent()
        );
        assert!(o.percent() >= goal, "{name}: {o:?} below {goal} %");
        assert!(o.final_loss.is_finite(), "{name}: {o:?}");
    }
    assert_eq!(spiral.epochs, training::SPIRAL_EPOCHS);
    assert_eq!(circle.epochs, training::CIRCLE_EPOCHS);
    assert!(lines.iter().any(|l| l == "spiral backward: Fused"));
    assert!(lines.iter().any(|l| l == "circle backward: Chained"));
    // The losses fall: the last epoch's is well under the first's.
    for name in ["spiral", "circle"] {
        let loss = |epoch: usize| {
            let prefix = format!("{name} epoch {epoch:3} loss: ");
            let line = lines.iter().find(|l| l.starts_with(&prefix)).unwrap();
            vanillanets_test::parity::f32_hex(&line[prefix.len()..])
        };
        let (first, last) = (
            loss(1),
            loss(training::SPIRAL_EPOCHS.min(training::CIRCLE_EPOCHS)),
        );
        assert!(last < 0.5 * first, "{name}: {first} -> {last}");
    }
}

#[test]
fn training_is_deterministic() {
    assert_eq!(host_training().0, host_training().0);
}

#[test]
fn firmware_training_matches_the_host_bit_for_bit() {
    compare("VANILLANETS_TRAINING_OUTPUT", &host_training().0);
}

#[test]
fn device_predictions_match_the_host_bit_for_bit() {
    compare("VANILLANETS_INFERENCE_OUTPUT", &host_inference());
}

/// `trained.rs` as the host's training writes it.
fn trained_rs(params: &[f32]) -> String {
    let mut s = String::from(
        "//! The spiral net's parameters after `training.rs`'s training, exported\n\
         //! from the host (default features) for the inference firmware\n\
         //! (`src/bin/infer.rs`): for each Dense layer its weights (`inputs ×\n\
         //! outputs`, row-major), then its biases. Generated by\n\
         //! `VANILLANETS_BLESS=1 cargo test --test firmware_training`, which\n\
         //! fails while they differ from the training's.\n\n\
         /// 2 × 16 weights, 16 biases, 16 × 3 weights, 3 biases.\n",
    );
    s.push_str(&format!(
        "#[rustfmt::skip]\npub const SPIRAL_TRAINED: [f32; {}] = [\n",
        params.len()
    ));
    for chunk in params.chunks(4) {
        let values: Vec<String> = chunk.iter().map(|v| format!("{v:?}")).collect();
        s.push_str(&format!("    {},\n", values.join(", ")));
    }
    s.push_str("];\n");
    s
}

#[test]
fn exported_weights_are_the_trained_ones() {
    if cfg!(feature = "fast-math") {
        // fast-math's exp changes Softmax's bits, and so the training's.
        eprintln!("fast-math: trained.rs comes from the default build; not compared");
        return;
    }
    let (_, _, _, memory) = host_training();
    let trained = &memory.spiral.params;
    if std::env::var_os("VANILLANETS_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/firmware/src/trained.rs");
        std::fs::write(path, trained_rs(trained)).expect("write trained.rs");
        eprintln!("wrote {path}");
        return;
    }
    let same = trained
        .iter()
        .zip(&trained::SPIRAL_TRAINED)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    assert!(
        same,
        "tests/firmware/src/trained.rs is not the training's result: \
         VANILLANETS_BLESS=1 cargo test --test firmware_training rewrites it"
    );
}

#[test]
fn exported_weights_classify_the_spiral_and_the_grid_is_the_host_s() {
    assert_eq!(
        format!("{:?}", inference::NET),
        format!("{:?}", training::SPIRAL)
    );
    let mut memory = Box::new(Memory::new());
    let s = &mut memory.spiral;
    training::spiral_data(&mut s.x, &mut s.classes, &mut s.values);
    let net = Network::new(&inference::NET, &trained::SPIRAL_TRAINED).unwrap();
    let rows = training::SPIRAL_ROWS;
    let mut scratch = vec![0.0; Network::scratch_len(&inference::NET, rows)];
    let mut y = vec![0.0; rows * 3];
    net.predict(&s.x, rows, &mut scratch, &mut y).unwrap();
    let mut accuracy = Accuracy::new();
    accuracy
        .update(&y, Targets::Classes(&s.classes), rows, 3)
        .unwrap();
    println!(
        "exported weights: {}/{rows} of the spiral",
        accuracy.correct()
    );
    assert!(accuracy.correct() * 100 >= training::SPIRAL_GOAL * rows as u64);
    // The two other ways of running the same net, whose flash the script
    // measures (src/bin/infer_size_match.rs, infer_size_static.rs), give
    // Network::predict's bits.
    let mut grid = Vec::new();
    for row in 0..inference::SIDE {
        grid.extend(inference::grid_row(row));
    }
    let rows = inference::SIDE * inference::SIDE;
    let mut scratch = vec![0.0; Network::scratch_len(&inference::NET, rows)];
    let (mut a, mut b, mut c) = (
        vec![0.0; rows * 3],
        vec![0.0; rows * 3],
        vec![0.0; rows * 3],
    );
    net.predict(&grid, rows, &mut scratch, &mut a).unwrap();
    let params = &trained::SPIRAL_TRAINED;
    inference::predict_match(&inference::NET, params, &grid, rows, &mut scratch, &mut b).unwrap();
    let mut hidden = vec![0.0; rows * 16];
    inference::predict_static(params, &grid, rows, &mut hidden, &mut c).unwrap();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(bits(&a), bits(&c));

    let lines = host_inference();
    assert_eq!(lines.len(), inference::SIDE + 1);
    assert_eq!(lines.last().map(String::as_str), Some("inference done"));
    for l in &lines[..inference::SIDE] {
        println!("{}", &l[..8 + inference::SIDE]);
    }
}

#[test]
fn memory_sizes() {
    // The const sizes are the models' own with the optimizers they run.
    assert_eq!(
        training::SPIRAL_TRAINING,
        Model::training_len(
            &training::SPIRAL,
            &training::spiral_optimizer(),
            training::MICRO
        )
    );
    assert_eq!(
        training::CIRCLE_TRAINING,
        Model::training_len(
            &training::CIRCLE,
            &training::circle_optimizer(),
            training::MICRO
        )
    );
    // AIfES's 3-3-2 net with Adam: 80 B of parameters, and the training
    // memory per micro-batch size (docs/firmware.md).
    const NET: [Layer; 4] = [
        Layer::Dense(Dense::new(3, 3)),
        Layer::Activation(ReLU),
        Layer::Dense(Dense::new(3, 2)),
        Layer::Activation(Softmax),
    ];
    const ADAM: Optimizer = Optimizer::Adam(Adam::DEFAULT);
    assert_eq!(Network::parameter_len(&NET) * 4, 80);
    let bytes: Vec<usize> = [1, 2, 4, 8, 16]
        .iter()
        .map(|&m| Model::training_len(&NET, &ADAM, m) * 4)
        .collect();
    assert_eq!(bytes, [304, 368, 496, 752, 1264]);
}

/// Values for the kernel comparison: ordinary ones, with NaN, ±inf, ±0
/// and subnormals mixed in when `specials`.
fn values(n: usize, seed: u32, specials: bool) -> Vec<f32> {
    const SPECIAL: [f32; 7] = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        1e-40,
        -3e-39,
    ];
    let mut s = seed.wrapping_mul(0x9E37_79B9) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            if specials && s % 11 == 0 {
                SPECIAL[(s >> 8) as usize % SPECIAL.len()]
            } else {
                (s >> 8) as f32 / (1 << 23) as f32 - 1.0
            }
        })
        .collect()
}

/// The bits, every NaN folded into one: which operand's NaN an addition
/// returns is up to the instruction order the compiler picks (IEEE 754
/// leaves it open; see `suite.rs`).
fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|&v| training::bits(v)).collect()
}

/// The library's register-tiled Dense kernels give the bits of the plain
/// loops (`src/plain.rs`, also timed by the training firmware) on every
/// shape and on the IEEE special values (NaN as NaN).
#[test]
fn tiled_dense_kernels_give_the_plain_loops_bits() {
    let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];
    let mut cases = 0;
    for &n_in in &sizes {
        for &n_out in &sizes {
            for rows in [1, 2, 3, 4, 5, 8, 9] {
                for specials in [false, true] {
                    let seed = (n_in * 1000 + n_out * 10 + rows) as u32;
                    let x = values(rows * n_in, seed, specials);
                    let w = values(n_in * n_out, seed + 1, specials);
                    let b = values(n_out, seed + 2, specials);
                    let dv = values(rows * n_out, seed + 3, specials);
                    let dense = Dense::new(n_in, n_out);

                    let (mut y, mut y2) = (vec![0.0; rows * n_out], vec![0.0; rows * n_out]);
                    dense.forward(&x, &w, &b, rows, &mut y).unwrap();
                    plain::forward(n_in, n_out, &x, &w, &b, &mut y2);
                    assert_eq!(bits(&y), bits(&y2), "forward {n_in}x{n_out} x{rows}");

                    for overwrite in [true, false] {
                        let mode = if overwrite {
                            Gradients::Overwrite
                        } else {
                            Gradients::Accumulate
                        };
                        let mut dw = values(n_in * n_out, seed + 4, specials);
                        let mut db = values(n_out, seed + 5, specials);
                        let (mut dw2, mut db2) = (dw.clone(), db.clone());
                        dense
                            .backward_parameters(&x, &dv, rows, mode, &mut dw, &mut db)
                            .unwrap();
                        plain::backward_parameters(
                            n_in, n_out, &x, &dv, overwrite, &mut dw2, &mut db2,
                        );
                        assert_eq!(bits(&dw), bits(&dw2), "dW {n_in}x{n_out} x{rows} {mode:?}");
                        assert_eq!(bits(&db), bits(&db2), "db {n_in}x{n_out} x{rows} {mode:?}");
                    }

                    let (mut dx, mut dx2) = (vec![0.0; rows * n_in], vec![0.0; rows * n_in]);
                    dense.backward_inputs(&w, &dv, rows, &mut dx).unwrap();
                    plain::backward_inputs(n_in, n_out, &w, &dv, &mut dx2);
                    assert_eq!(bits(&dx), bits(&dx2), "dx {n_in}x{n_out} x{rows}");
                    assert_eq!(
                        bits(&dx),
                        bits(&input_gradients(n_in, n_out, &w, &dv)),
                        "dx {n_in}x{n_out} x{rows}"
                    );
                    cases += 1;
                }
            }
        }
    }
    // Wide layers: long sums over the outputs.
    for n_out in [127, 128, 129, 136, 300] {
        for n_in in [1, 2, 3, 5] {
            for rows in [1, 2, 3] {
                let seed = (n_in * 1000 + n_out * 10 + rows) as u32;
                let w = values(n_in * n_out, seed + 1, true);
                let dv = values(rows * n_out, seed + 3, true);
                let mut dx = vec![0.0; rows * n_in];
                Dense::new(n_in, n_out)
                    .backward_inputs(&w, &dv, rows, &mut dx)
                    .unwrap();
                assert_eq!(
                    bits(&dx),
                    bits(&input_gradients(n_in, n_out, &w, &dv)),
                    "dx {n_in}x{n_out} x{rows}"
                );
                cases += 1;
            }
        }
    }
    println!("{cases} cases bit-identical");
}

/// `dx = dv Wᵀ` as documented, written as a fold: each element from
/// `+0.0`, its products `dv_j · W_kj` added one at a time in `j` order.
fn input_gradients(n_in: usize, n_out: usize, w: &[f32], dv: &[f32]) -> Vec<f32> {
    let mut dx = Vec::new();
    for dvr in dv.chunks(n_out) {
        for wk in w.chunks(n_out) {
            let products = dvr.iter().zip(wk).map(|(a, b)| a * b);
            dx.push(products.fold(0.0_f32, |acc, p| acc + p));
        }
    }
    assert_eq!(dx.len(), dv.len() / n_out * n_in);
    dx
}
