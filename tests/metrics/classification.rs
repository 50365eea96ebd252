//! Parity of the classification metrics: the labels, accuracy, precision,
//! recall, F1 and confusion matrices of every classification case, fed in
//! one call and in any chunking.

use vanillanets::metrics::{predicted_class, truncated_class, Averaging, ConfusionMatrix};
use vanillanets::Error;
use vanillanets_test::parity::decimal;

use crate::{assert_bits, cases, chunkings, feed, Expected, Truth, CAP};

#[test]
fn parity_labels_follow_to_labels() {
    for case in cases().iter().filter(|c| c.classification) {
        let predicted: Vec<usize> = case
            .pred
            .chunks(case.cols)
            .map(|row| predicted_class(row).unwrap())
            .collect();
        assert_eq!(predicted, case.pred_labels, "{}", case.name);
        let truth: Vec<usize> = match &case.truth {
            Truth::Rows { values, cols: 1 } | Truth::Flat(values) => values
                .iter()
                .map(|&v| truncated_class(v).unwrap())
                .collect(),
            Truth::Rows { values, cols } => values
                .chunks(*cols)
                .map(|row| predicted_class(row).unwrap())
                .collect(),
            Truth::Ints(labels) => labels.clone(),
        };
        assert_eq!(truth, case.true_labels, "{}", case.name);
    }
}

#[test]
fn parity_classification_one_call() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            let fed = feed(case, targets, &[0, case.rows], CAP);
            let name = &case.name;
            for (metric, got) in [
                ("accuracy", fed.accuracy.value()),
                ("precision", fed.precision.value()),
                ("recall", fed.recall.value()),
                ("f1_score", fed.f1.value()),
            ] {
                assert_bits(name, metric, got, case.f64_result(metric));
            }
            // The shared counts give the same three.
            assert_eq!(fed.counts.precision(), fed.precision.value());
            assert_eq!(fed.counts.recall(), fed.recall.value());
            assert_eq!(fed.counts.f1(), fed.f1.value());
            assert_eq!(fed.counts.samples(), case.rows as u64);
            assert_eq!(fed.accuracy.samples(), case.rows as u64);
            // The rule and the classes it iterates.
            assert_eq!(fed.counts.classes_present(), case.classes.len(), "{name}");
            let rule = match fed.counts.averaging() {
                Averaging::Binary => "binary",
                Averaging::Macro => "macro",
            };
            assert_eq!(Some(rule), case.rule.as_deref(), "{name}");
            for c in 0..CAP {
                let tp = (0..case.rows)
                    .filter(|&r| case.pred_labels[r] == c && case.true_labels[r] == c)
                    .count() as u64;
                assert_eq!(fed.counts.true_positives()[c], tp, "{name} tp_{c}");
                let predicted = case.pred_labels.iter().filter(|&&l| l == c).count() as u64;
                assert_eq!(fed.counts.predicted()[c], predicted, "{name}");
                let actual = case.true_labels.iter().filter(|&&l| l == c).count() as u64;
                assert_eq!(fed.counts.actual()[c], actual, "{name}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn parity_confusion_matrices() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            for (metric, expected) in &case.results {
                let Some(suffix) = metric.strip_prefix("confusion_matrix") else {
                    continue;
                };
                let name = format!("{} {metric}", case.name);
                if suffix.is_empty() {
                    // Without num_classes: the original sizes it max + 1.
                    let Expected::Matrix { n, cells } = expected else {
                        panic!("{name}: {expected:?}");
                    };
                    let fed = feed(case, targets, &[0, case.rows], *n);
                    assert_eq!(&fed.matrix, cells, "{name}");
                    let cm = ConfusionMatrix::new(*n);
                    assert_eq!(cm.used_classes(&fed.matrix), Ok(*n), "{name}");
                    // A larger matrix holds the same counts in its corner.
                    let big = feed(case, targets, &[0, case.rows], CAP);
                    assert_eq!(ConfusionMatrix::new(CAP).used_classes(&big.matrix), Ok(*n));
                    for y in 0..CAP {
                        for p in 0..CAP {
                            let want = if y < *n && p < *n {
                                cells[y * n + p]
                            } else {
                                0
                            };
                            assert_eq!(big.matrix[y * CAP + p], want, "{name} [{y}, {p}]");
                        }
                    }
                    checked += 1;
                    continue;
                }
                let classes = decimal(suffix.trim_start_matches("_num_classes_"));
                let cm = ConfusionMatrix::new(classes);
                let mut matrix = vec![7_u32; classes * classes];
                let result = cm.update(&case.pred, targets, case.rows, case.cols, &mut matrix);
                match expected {
                    Expected::Matrix { n, cells } => {
                        assert_eq!(*n, classes);
                        assert_eq!(result, Ok(()), "{name}");
                        let counted: Vec<u32> = matrix.iter().map(|&c| c - 7).collect();
                        assert_eq!(&counted, cells, "{name}");
                    }
                    Expected::Raises(exception) => {
                        assert_eq!(exception, "IndexError", "{name}");
                        assert!(
                            matches!(result, Err(Error::LabelOutOfRange { classes: c, .. }) if c == classes),
                            "{name}: {result:?}"
                        );
                        assert!(matrix.iter().all(|&c| c == 7), "{name}: matrix changed");
                    }
                    other => panic!("{name}: {other:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn parity_classification_any_chunking() {
    for case in cases().iter().filter(|c| c.classification) {
        for targets in case.targets() {
            let whole = feed(case, targets, &[0, case.rows], CAP);
            for bounds in chunkings(case.rows) {
                let fed = feed(case, targets, &bounds, CAP);
                // Counts, matrices and so every ratio: equal, bit for bit.
                assert_eq!(fed, whole, "{} {bounds:?}", case.name);
                assert_eq!(
                    fed.f1.value().map(f64::to_bits),
                    Some(case.f64_result("f1_score").to_bits())
                );
            }
        }
    }
}
