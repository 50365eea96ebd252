#!/usr/bin/env python3
"""Metrics parity data: the real VanillaNets 1.0.1 metric classes on fixed inputs.

Writes one text file per case to tests/data/parity/metrics/ (format in that
folder's README.md). Every value is what the real `calculate` returned,
recorded with its Python type; nothing is recomputed here except the
informational label arrays (`pred_labels`, `true_labels`, from the library's
own `_to_labels`) and the `classes` / `precision_rule` lines, which restate
the rule `Precision` and `Recall` apply.

Run from anywhere: paths are relative to this file. Needs numpy >= 2.3 and
vanillanets == 1.0.1.
"""

import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

from vanillanets.metrics import (
    Accuracy,
    Precision,
    Recall,
    F1Score,
    ConfusionMatrix,
    R2Score,
    MAE,
    RMSE,
    _to_labels,
)
from vanillanets.accuracy import Accuracy as AccuracyLegacy

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "data" / "parity" / "metrics"
F32 = np.float32
NAN = float("nan")


def f32(rows):
    return np.array(rows, dtype=F32)


def onehot(idx, k):
    return np.eye(k, dtype=F32)[np.array(idx)]


def ints(v):
    return np.array(v, dtype=np.int64)


# Shared inputs --------------------------------------------------------------
BIN_PRED = f32([[0.1], [0.5], [0.50000006], [0.9], [0.49999997],
                [0.7], [0.2], [0.8], [0.6], [0.3]])
BIN_TRUE = [0, 1, 1, 1, 0, 0, 0, 1, 1, 1]

TWO_PRED = f32([[0.7, 0.3], [0.2, 0.8], [0.5, 0.5], [0.45, 0.55],
                [0.9, 0.1], [0.4, 0.6], [0.6, 0.4], [0.3, 0.7]])
TWO_TRUE = [0, 1, 1, 1, 1, 0, 0, 1]          # row 2 ties -> argmax 0

THREE_PRED = f32([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6],
                  [0.3, 0.4, 0.3], [0.5, 0.25, 0.25], [0.1, 0.1, 0.8],
                  [0.3, 0.3, 0.4], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3],
                  [0.34, 0.33, 0.33], [0.1, 0.45, 0.45], [0.05, 0.05, 0.9]])
THREE_TRUE = [0, 1, 2, 1, 0, 2, 1, 0, 2, 2, 1, 2]

REG_PRED_COL = f32([[1.5], [-0.25], [2.0], [3.75], [0.1], [-1.2], [0.0], [4.4]])
REG_TRUE_COL = f32([[1.0], [0.0], [2.5], [3.0], [0.3], [-1.0], [0.2], [5.0]])

# Cases ------------------------------------------------------------------------
# kind "class": (predictions, targets, num_classes values for ConfusionMatrix)
# kind "reg": (y_pred, y_true)
CASES = [
    dict(name="binary_column_targets", kind="class", pred=BIN_PRED,
         y=f32(BIN_TRUE)[:, None], num_classes=[2, 3],
         note="one output column, threshold > 0.5 (0.5 itself is class 0), targets (n,1)"),
    dict(name="binary_flat_targets", kind="class", pred=BIN_PRED,
         y=f32(BIN_TRUE), num_classes=[2],
         note="same predictions, targets as a flat float vector (n,)"),
    dict(name="binary_int_labels", kind="class", pred=BIN_PRED,
         y=ints(BIN_TRUE), num_classes=[2],
         note="same predictions, targets as int64 labels (n,)"),
    dict(name="binary_soft_targets_truncated", kind="class", pred=BIN_PRED,
         y=f32([[0.0], [0.9], [1.0], [0.99], [0.2], [0.0], [0.0], [1.0], [0.6], [1.0]]),
         num_classes=[2],
         note="non-0/1 float targets: _to_labels truncates with astype(int) (0.9 -> 0); "
              "the legacy Accuracy compares against the raw floats instead"),
    dict(name="binary_never_predicted_positive", kind="class",
         pred=f32([[0.1], [0.2], [0.5], [0.3], [0.45], [0.05]]),
         y=f32([[1], [0], [1], [0], [1], [0]]), num_classes=[2],
         note="no prediction above 0.5: tp = fp = 0, precision 0, recall 0, F1 0"),
    dict(name="binary_never_true_positive", kind="class",
         pred=f32([[0.9], [0.2], [0.6], [0.3], [0.51], [0.05]]),
         y=f32([[0], [0], [0], [0], [0], [0]]), num_classes=[2],
         note="no true positive label: recall = 0 / (0 + 0 + 1e-7) = 0"),
    dict(name="binary_single_class_zero", kind="class",
         pred=f32([[0.1], [0.2], [0.4], [0.3]]),
         y=f32([[0], [0], [0], [0]]), num_classes=[2],
         note="union of labels is {0}: binary rule, precision 0, accuracy 1; "
              "ConfusionMatrix without num_classes is 1 x 1"),
    dict(name="two_class_argmax_onehot", kind="class", pred=TWO_PRED,
         y=onehot(TWO_TRUE, 2), num_classes=[2, 4],
         note="two columns -> argmax (a tie takes the first column); one-hot targets"),
    dict(name="two_class_argmax_index", kind="class", pred=TWO_PRED,
         y=ints(TWO_TRUE), num_classes=[2],
         note="same with int64 class-index targets"),
    dict(name="three_class_onehot_macro", kind="class", pred=THREE_PRED,
         y=onehot(THREE_TRUE, 3), num_classes=[3, 5],
         note="three classes: macro average; one-hot targets"),
    dict(name="three_class_index_macro", kind="class", pred=THREE_PRED,
         y=ints(THREE_TRUE), num_classes=[3],
         note="same with int64 class-index targets"),
    dict(name="four_class_never_predicted_never_true", kind="class",
         pred=f32([[0.8, 0.1, 0.05, 0.05], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1],
                   [0.6, 0.2, 0.1, 0.1], [0.2, 0.6, 0.1, 0.1], [0.1, 0.2, 0.6, 0.1],
                   [0.7, 0.1, 0.1, 0.1], [0.3, 0.2, 0.25, 0.25]]),
         y=ints([0, 1, 1, 3, 1, 0, 0, 3]), num_classes=[4, 6],
         note="class 2 is predicted but never true, class 3 is true but never predicted: "
              "each adds a 0 to both macro averages (0 / (0 + fp + 1e-7), 0 / (0 + fn + 1e-7))"),
    dict(name="class_absent_in_middle", kind="class",
         pred=f32([[0.9, 0.05, 0.03, 0.02], [0.1, 0.8, 0.05, 0.05], [0.1, 0.1, 0.1, 0.7],
                   [0.2, 0.6, 0.1, 0.1], [0.6, 0.2, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]]),
         y=ints([0, 1, 3, 0, 0, 1]), num_classes=[4, 6, 3],
         note="labels {0,1,3}: class 2 is in neither, so the macro average is over 3 "
              "classes; num_classes=3 is too small and raises"),
    dict(name="labels_one_two_binary_rule", kind="class",
         pred=f32([[0.1, 0.6, 0.3], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7],
                   [0.0, 0.9, 0.1], [0.3, 0.3, 0.4], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]]),
         y=ints([1, 1, 2, 2, 1, 2, 2, 1]), num_classes=[3],
         note="union of labels {1,2} has two classes, so the binary rule applies: positive "
              "class 1, fp counts only y == 0 and fn only pred == 0, so here fp = fn = 0"),
    dict(name="labels_zero_two_binary_rule", kind="class",
         pred=f32([[0.6, 0.1, 0.3], [0.1, 0.3, 0.6], [0.5, 0.2, 0.3], [0.1, 0.2, 0.7],
                   [0.2, 0.1, 0.7], [0.8, 0.1, 0.1]]),
         y=ints([0, 2, 2, 2, 0, 0]), num_classes=[3],
         note="union {0,2}: binary rule with positive class 1, which never occurs: "
              "precision = recall = F1 = 0 whatever the predictions"),
    dict(name="single_class_one", kind="class",
         pred=f32([[0.2, 0.8], [0.4, 0.6], [0.1, 0.9]]),
         y=ints([1, 1, 1]), num_classes=[2],
         note="union {1}: binary rule, tp = 3, precision = 3 / (3 + 1e-7)"),
    dict(name="nan_binary_column", kind="class",
         pred=f32([[NAN], [0.7], [0.2], [NAN], [0.9]]),
         y=f32([[1], [1], [0], [0], [0]]), num_classes=[2],
         note="NaN > 0.5 is False: a NaN output is class 0"),
    dict(name="nan_multiclass_row", kind="class",
         pred=f32([[0.2, NAN, 0.9], [0.1, 0.8, 0.1], [NAN, 0.1, 0.2], [0.3, 0.3, NAN]]),
         y=ints([2, 1, 0, 2]), num_classes=[3],
         note="np.argmax returns the first NaN's index"),
    dict(name="regression_column", kind="reg", pred=REG_PRED_COL, y=REG_TRUE_COL,
         note="(n,1) predictions and targets"),
    dict(name="regression_multi_output", kind="reg",
         pred=f32([[0.5, 1.0, -2.0], [1.5, 0.25, 0.0], [2.5, -1.0, 3.0], [0.0, 0.0, 1.0],
                   [1.25, 2.0, -0.5]]),
         y=f32([[0.4, 1.1, -2.5], [1.0, 0.0, 0.3], [2.9, -0.7, 2.6], [0.1, -0.2, 1.0],
                [1.0, 2.2, -0.1]]),
         note="(n,3): sums and means run over every element"),
    dict(name="regression_flat", kind="reg", pred=REG_PRED_COL.ravel(),
         y=REG_TRUE_COL.ravel(), note="flat (n,) vectors"),
    dict(name="regression_constant_target", kind="reg",
         pred=f32([[1.0], [2.0], [3.0], [2.5]]), y=f32([[2.0], [2.0], [2.0], [2.0]]),
         note="ss_tot = 0: R2 = 1 - ss_res / 1e-7, a large negative float32"),
    dict(name="regression_perfect", kind="reg",
         pred=f32([[0.3], [-1.7], [2.25], [8.0]]), y=f32([[0.3], [-1.7], [2.25], [8.0]]),
         note="exact predictions: R2 = 1, MAE = RMSE = 0"),
]


# Formatting ---------------------------------------------------------------------
def arr(name, a):
    a = np.asarray(a)
    flat = a.ndim == 1
    a2 = a[:, None] if flat else a
    if a.dtype == F32:
        vals = ["%08x" % u for u in a2.view(np.uint32).ravel()]
    elif a.dtype == np.int64:
        vals = [str(int(u)) for u in a2.ravel()]
    else:
        raise TypeError((name, a.dtype))
    return f"{name} {a2.shape[0]} {a2.shape[1]} " + " ".join(vals)


def target_line(y):
    if y.dtype == np.int64:
        assert y.ndim == 1
        return arr("labels", y)
    return arr("y_flat" if y.ndim == 1 else "y", y)


def result(name, fn):
    try:
        v = fn()
    except Exception as e:  # recorded, e.g. ConfusionMatrix with num_classes too small
        return f"result {name} error {type(e).__name__}"
    t = f"{type(v).__module__}.{type(v).__name__}"
    if isinstance(v, np.ndarray):
        assert v.dtype == np.int64 and v.ndim == 2, (name, v.dtype)
        return (f"result {name} numpy.ndarray[int64] {v.shape[0]} {v.shape[1]} "
                + " ".join(str(int(u)) for u in v.ravel()))
    b64 = "%016x" % int(np.float64(v).view(np.uint64))
    if isinstance(v, np.float32):
        b32 = "%08x" % int(np.float32(v).view(np.uint32))
        return f"result {name} {t} {float(v).hex()} {b64} {b32}"
    assert isinstance(v, (float, np.float64)), (name, t)
    return f"result {name} {t} {float(v).hex()} {b64}"


def write_case(case):
    lines = [
        "# VanillaNets 1.0.1 metrics parity case; generated by scripts/parity/metrics.py.",
        "# Format: tests/data/parity/metrics/README.md. Do not edit by hand.",
        f"# {case['note']}",
        f"case {case['name']}",
        f"kind {'classification' if case['kind'] == 'class' else 'regression'}",
        arr("pred" if case["pred"].ndim == 2 else "pred_flat", case["pred"]),
        target_line(case["y"]),
    ]
    p, y = case["pred"], case["y"]
    if case["kind"] == "class":
        pl, tl = _to_labels(p, y)
        classes = np.unique(np.concatenate([pl, tl]))
        lines += [
            arr("pred_labels", pl.astype(np.int64)),
            arr("true_labels", tl.astype(np.int64)),
            arr("classes", classes.astype(np.int64)),
            f"precision_rule {'binary' if len(classes) <= 2 else 'macro'}",
            result("accuracy", lambda: Accuracy().calculate(p, y)),
            result("accuracy_legacy", lambda: AccuracyLegacy().calculate(p, y)),
            result("precision", lambda: Precision().calculate(p, y)),
            result("recall", lambda: Recall().calculate(p, y)),
            result("f1_score", lambda: F1Score().calculate(p, y)),
            result("confusion_matrix", lambda: ConfusionMatrix().calculate(p, y)),
        ]
        for k in case["num_classes"]:
            lines.append(result(f"confusion_matrix_num_classes_{k}",
                                lambda k=k: ConfusionMatrix().calculate(p, y, num_classes=k)))
    else:
        lines += [
            result("r2_score", lambda: R2Score().calculate(p, y)),
            result("mae", lambda: MAE().calculate(p, y)),
            result("rmse", lambda: RMSE().calculate(p, y)),
        ]
    (OUT / f"{case['name']}.txt").write_text("\n".join(lines) + "\n")
    return lines


def main():
    assert tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 3), np.__version__
    assert version("vanillanets") == "1.0.1", version("vanillanets")
    OUT.mkdir(parents=True, exist_ok=True)
    names = [c["name"] for c in CASES]
    assert len(set(names)) == len(names)
    with np.errstate(invalid="ignore"):
        for case in CASES:
            lines = write_case(case)
            summary = [l.split(" ", 3)[1:3] for l in lines if l.startswith("result ")]
            print(case["name"] + ": " + ", ".join(f"{n} {t.split('.')[-1]}" for n, t in summary))
    print(f"{len(CASES)} cases written to {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
