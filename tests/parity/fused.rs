//! The fused Softmax + CategoricalCrossEntropy backward against
//! `fused.txt`, bit for bit.

use vanillanets::losses::{Labels, Loss, SoftmaxCrossEntropy};

use crate::{cases, show, Report};

const FUSED: (&str, &str) = ("fused.txt", include_str!("../data/parity/fused.txt"));

/// The fused Softmax + CategoricalCrossEntropy backward from the softmax
/// output, with class indices and with one-hot rows (argmax, first maximum,
/// NaN counting as the maximum), bit for bit.
#[test]
fn fused_backward_is_bit_identical() {
    let mut report = Report::new("fused Softmax + CategoricalCrossEntropy backward");
    for case in cases(FUSED, "fused") {
        let n = case.n();
        let y = case.f32s("y", n);
        let runs = [
            ("class indices", Labels::Classes(case.labels()), "dx"),
            (
                "one-hot rows",
                Labels::OneHot(case.f32s("onehot", n)),
                "dx_onehot",
            ),
        ];
        for (form, labels, field) in runs {
            let want = case.f32s(field, n);
            let mut got = vec![f32::NAN; n];
            let result = SoftmaxCrossEntropy.backward(y, labels, case.rows, case.cols, &mut got);
            report.check(result.is_ok(), || {
                format!("case {} ({form}): {result:?}", case.id())
            });
            report.check_bits(&got, want, |i| {
                format!("{} ({form}): y = {}", case.at(i), show(y[i]))
            });
        }
    }
    report.finish();
}
