//! The backward-path table: fused for Softmax with a cross-entropy, chained
//! everywhere else.

use vanillanets::activations::ActivationKind;
use vanillanets::losses::{backward_path, BackwardPath, LossKind};

#[test]
fn backward_path_table() {
    let activations = [
        ActivationKind::Linear,
        ActivationKind::ReLU,
        ActivationKind::LeakyReLU { slope: 0.1 },
        ActivationKind::Sigmoid,
        ActivationKind::Tanh,
        ActivationKind::Softmax,
    ];
    let losses = [
        LossKind::BinaryCrossEntropy,
        LossKind::CategoricalCrossEntropy,
        LossKind::SparseCategoricalCrossEntropy,
        LossKind::MeanSquaredError,
    ];
    // rows: activations in the order above; columns: losses in the order above
    let table = [
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "chained", "chained", "chained"],
        ["chained", "fused", "fused", "chained"],
    ];
    for (a, row) in activations.iter().zip(table) {
        for (l, want) in losses.iter().zip(row) {
            let want = match want {
                "fused" => BackwardPath::Fused,
                _ => BackwardPath::Chained,
            };
            assert_eq!(backward_path(*a, *l), want, "{a:?} + {l:?}");
        }
    }
}
