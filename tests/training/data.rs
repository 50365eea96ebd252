//! The reader of the training parity files
//! (`tests/data/parity/training/*.txt`, format in that folder's README.md),
//! on the shared parity reader of the support crate (`vanillanets_test::parity`).

use std::collections::HashMap;

use vanillanets::activations::{ActivationKind, LeakyReLU};
use vanillanets::layers::{Dense, Layer};
use vanillanets::losses::{BackwardPath, LossKind};
use vanillanets::optimizers::{Adam, Optimizer, Sgd};
use vanillanets_test::parity::{self, Values};

/// One array line: `<name> <rows> <cols> <values...>`.
#[derive(Clone, Debug)]
pub struct Array {
    pub rows: usize,
    pub cols: usize,
    pub values: Values,
}

/// One token of the `net` line after the input width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token {
    Dense(usize),
    Activation(ActivationKind),
}

/// The optimizer line, with its hyperparameters in file order.
#[derive(Clone, Debug)]
pub struct Hyper {
    pub name: String,
    pub values: Vec<(String, String)>,
}

impl Hyper {
    fn get(&self, key: &str) -> &str {
        &self
            .values
            .iter()
            .find(|(k, _)| k == key)
            .unwrap_or_else(|| panic!("hyperparameter {key} missing"))
            .1
    }

    /// The f64 value of `key` (16 hex digits).
    pub fn f64(&self, key: &str) -> f64 {
        parity::f64_hex(self.get(key))
    }

    /// The f32 value of `key` (8 hex digits).
    pub fn f32(&self, key: &str) -> f32 {
        parity::f32_hex(self.get(key))
    }
}

/// One training run of the original.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub inputs: usize,
    pub net: Vec<Token>,
    pub loss: LossKind,
    /// `targets index`: class indices in `labels`; else floats in `y`.
    pub index_targets: bool,
    pub optimizer: Hyper,
    pub optimizer_f64: Hyper,
    pub adam_scalars: Option<Hyper>,
    pub epochs: usize,
    pub samples: usize,
    pub finalize: bool,
    pub path: BackwardPath,
    pub softmax_backward_calls: usize,
    /// `float64_leak` tokens; empty for `none`.
    pub float64_leak: Vec<String>,
    pub metric: String,
    pub arrays: HashMap<String, Array>,
    /// The lines `fit` printed, for the runs with validation data (every
    /// epoch); empty otherwise.
    pub printed: Vec<String>,
}

impl Case {
    /// The array `name`.
    pub fn array(&self, name: &str) -> &Array {
        self.arrays
            .get(name)
            .unwrap_or_else(|| panic!("{}: no array {name}", self.name))
    }

    /// The f32 values of array `name`.
    pub fn f32s(&self, name: &str) -> &[f32] {
        match &self.array(name).values {
            Values::F32(v) => v,
            other => panic!("{}: {name} is not f32: {other:?}", self.name),
        }
    }

    /// The f64 values of array `name`.
    pub fn f64s(&self, name: &str) -> &[f64] {
        match &self.array(name).values {
            Values::F64(v) => v,
            other => panic!("{}: {name} is not f64: {other:?}", self.name),
        }
    }

    /// The class indices of the array `name` (`labels`, `labels_val`).
    pub fn labels_named(&self, name: &str) -> &[usize] {
        match &self.array(name).values {
            Values::Labels(v) => v,
            other => panic!("{}: {name} are not integers: {other:?}", self.name),
        }
    }

    /// The Dense layers' `(inputs, outputs)`, in order.
    pub fn dense_shapes(&self) -> Vec<(usize, usize)> {
        let mut width = self.inputs;
        let mut shapes = Vec::new();
        for t in &self.net {
            if let Token::Dense(n) = *t {
                shapes.push((width, n));
                width = n;
            }
        }
        shapes
    }

    /// The model's output width.
    pub fn outputs(&self) -> usize {
        self.dense_shapes().last().expect("a Dense layer").1
    }

    /// The network as the crate's layers. An original model that was not
    /// `finalize()`d runs its last Softmax's own backward; here that is a
    /// Softmax given as [`Layer::Custom`], which the model does not fuse.
    pub fn layers(&self) -> Vec<Layer<'static>> {
        static UNFUSED_SOFTMAX: ActivationKind = ActivationKind::Softmax;
        let mut width = self.inputs;
        let last = self.net.len() - 1;
        self.net
            .iter()
            .enumerate()
            .map(|(i, t)| match *t {
                Token::Dense(n) => {
                    let d = Dense::new(width, n);
                    width = n;
                    Layer::Dense(d)
                }
                Token::Activation(ActivationKind::Softmax) if i == last && !self.finalize => {
                    Layer::Custom(&UNFUSED_SOFTMAX)
                }
                Token::Activation(kind) => Layer::Activation(kind),
            })
            .collect()
    }

    /// The initial parameters in the crate's flat layout: per Dense layer,
    /// `w<i>` (inputs × outputs, row-major), then `b<i>`.
    pub fn initial_parameters(&self) -> Vec<f32> {
        self.flat_parameters("")
    }

    /// The original's parameters after training, in the same layout.
    pub fn final_parameters(&self) -> Vec<f32> {
        self.flat_parameters("_final")
    }

    fn flat_parameters(&self, suffix: &str) -> Vec<f32> {
        let mut out = Vec::new();
        for (i, (n_in, n_out)) in self.dense_shapes().into_iter().enumerate() {
            let w = self.array(&format!("w{i}{suffix}"));
            let b = self.array(&format!("b{i}{suffix}"));
            assert_eq!(
                (w.rows, w.cols),
                (n_in, n_out),
                "{} w{i}{suffix}",
                self.name
            );
            assert_eq!((b.rows, b.cols), (1, n_out), "{} b{i}{suffix}", self.name);
            out.extend_from_slice(self.f32s(&format!("w{i}{suffix}")));
            out.extend_from_slice(self.f32s(&format!("b{i}{suffix}")));
        }
        out
    }

    /// The optimizer built from the f64 hyperparameters (the Python floats
    /// the original was given).
    pub fn build_optimizer(&self) -> Optimizer {
        let h = &self.optimizer_f64;
        match h.name.as_str() {
            "sgd" => Sgd::new(h.f64("learning_rate"), h.f64("decay"), h.f64("momentum"))
                .expect("valid SGD")
                .into(),
            "adam" => Adam::new(
                h.f64("learning_rate"),
                h.f64("decay"),
                h.f64("epsilon"),
                h.f64("beta_1"),
                h.f64("beta_2"),
            )
            .expect("valid Adam")
            .into(),
            other => panic!("{}: optimizer {other}", self.name),
        }
    }
}

fn parse_loss(s: &str) -> LossKind {
    match s {
        "BinaryCrossEntropy" => LossKind::BinaryCrossEntropy,
        "CategoricalCrossEntropy" => LossKind::CategoricalCrossEntropy,
        "SparseCategoricalCrossEntropy" => LossKind::SparseCategoricalCrossEntropy,
        "MeanSquaredError" => LossKind::MeanSquaredError,
        other => panic!("loss {other}"),
    }
}

fn parse_token(s: &str) -> Token {
    if let Some(n) = s.strip_prefix("dense:") {
        return Token::Dense(n.parse().expect("dense width"));
    }
    Token::Activation(match s {
        "relu" => ActivationKind::ReLU,
        "leaky_relu" => ActivationKind::LeakyReLU {
            slope: LeakyReLU::DEFAULT_SLOPE,
        },
        "linear" => ActivationKind::Linear,
        "sigmoid" => ActivationKind::Sigmoid,
        "tanh" => ActivationKind::Tanh,
        "softmax" => ActivationKind::Softmax,
        other => panic!("activation {other}"),
    })
}

fn parse_hyper(tokens: &[&str]) -> Hyper {
    Hyper {
        name: tokens[0].to_string(),
        values: tokens[1..]
            .iter()
            .map(|kv| {
                let (k, v) = kv.split_once('=').expect("key=value");
                (k.to_string(), v.to_string())
            })
            .collect(),
    }
}

fn parse_array(name: &str, tokens: &[&str]) -> Array {
    let rows = parity::decimal(tokens[0]);
    let cols = parity::decimal(tokens[1]);
    let raw = &tokens[2..];
    assert_eq!(raw.len(), rows * cols, "array {name}: {rows} x {cols}");
    // f64 bits for names ending in `_f64`.
    let values = parity::values(name, "_f64", raw);
    Array { rows, cols, values }
}

/// Parses one case file.
pub fn parse(text: &str) -> Case {
    let mut header: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut arrays = HashMap::new();
    let mut printed = Vec::new();
    const HEADERS: [&str; 14] = [
        "case",
        "net",
        "loss",
        "targets",
        "optimizer",
        "optimizer_f64",
        "adam_scalars",
        "epochs",
        "samples",
        "finalize",
        "path",
        "softmax_backward_calls",
        "float64_leak",
        "metric",
    ];
    for (_, tokens) in parity::records(text) {
        let (key, rest) = (tokens[0], &tokens[1..]);
        if key == "printed" {
            printed.push(rest.join(" "));
        } else if HEADERS.contains(&key) {
            assert!(header.insert(key, rest.to_vec()).is_none(), "{key} twice");
        } else {
            assert!(
                arrays
                    .insert(key.to_string(), parse_array(key, rest))
                    .is_none(),
                "array {key} twice"
            );
        }
    }
    let one = |k: &str| -> &str {
        let v = header.get(k).unwrap_or_else(|| panic!("no {k} line"));
        assert_eq!(v.len(), 1, "{k}: {v:?}");
        v[0]
    };
    let net = &header["net"];
    let leak = &header["float64_leak"];
    Case {
        name: one("case").to_string(),
        inputs: net[0].parse().expect("input width"),
        net: net[1..].iter().map(|t| parse_token(t)).collect(),
        loss: parse_loss(one("loss")),
        index_targets: match one("targets") {
            "index" => true,
            "f32" => false,
            other => panic!("targets {other}"),
        },
        optimizer: parse_hyper(&header["optimizer"]),
        optimizer_f64: parse_hyper(&header["optimizer_f64"]),
        adam_scalars: header.get("adam_scalars").map(|t| Hyper {
            name: "adam_scalars".into(),
            values: parse_hyper(&[&["adam_scalars"], &t[..]].concat()).values,
        }),
        epochs: one("epochs").parse().expect("epochs"),
        samples: one("samples").parse().expect("samples"),
        finalize: match one("finalize") {
            "yes" => true,
            "no" => false,
            other => panic!("finalize {other}"),
        },
        path: match one("path") {
            "fused" => BackwardPath::Fused,
            "chained" => BackwardPath::Chained,
            other => panic!("path {other}"),
        },
        softmax_backward_calls: one("softmax_backward_calls").parse().expect("count"),
        float64_leak: if leak[..] == ["none"] {
            Vec::new()
        } else {
            leak.iter().map(|s| s.to_string()).collect()
        },
        metric: one("metric").to_string(),
        arrays,
        printed,
    }
}

/// Every case, sorted by name.
pub fn cases() -> Vec<Case> {
    parity::txt_files(&parity::folder("training"))
        .iter()
        .map(|p| {
            let case = parse(&parity::read(p));
            assert_eq!(
                Some(case.name.as_str()),
                p.file_stem().and_then(|s| s.to_str()),
                "case name vs file name"
            );
            case
        })
        .collect()
}
