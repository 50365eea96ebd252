#!/usr/bin/env python3
"""Training parity data: real VanillaNets 1.0.1 `Model.fit` runs, epoch by epoch.

Writes one text file per case to tests/data/parity/training/ (format in that
folder's README.md) and refreshes the measured table between the markers
`<!-- BEGIN training.py measurements -->` and `<!-- END training.py
measurements -->` in that README, if both markers are present.

Every case is a small network built with the real `Model`, `DenseLayer`,
activation, loss and optimizer classes, with float32 initial weights, biases
and data that are stored in the file. `fit` runs full batch (one optimizer
step per epoch). Recorded per epoch: the loss exactly as `fit` obtains it
(`model.loss.calculate` is wrapped on the instance, so the value is the very
object `fit` holds), the learning rate the optimizer used, the metric `fit`
computes; after training: the Dense layers' weights and biases and
`model.predict` on the training inputs.

Each case also runs twice more, for the README only: with everything cast to
float64, and in float32 with `np.dot` replaced (inside vanillanets' `layers`
and `activations` modules only) by a plain left-to-right float32 sum with no
fused multiply-add. The second run shows how much of the result depends on the
BLAS kernel's summation order.

Run from anywhere: paths are relative to this file. Needs numpy >= 2.3 and
vanillanets == 1.0.1.
"""

import contextlib
import io
import math
import re
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

import vanillanets.activations as vn_act
import vanillanets.layers as vn_layers
from vanillanets import Model, DenseLayer
from vanillanets.activations import Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax
from vanillanets.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    SparseCategoricalCrossEntropy,
    MeanSquaredError,
)
from vanillanets.optimizers import Optimizer_SGD, Optimizer_Adam
from vanillanets.metrics import Accuracy, MAE

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "data" / "parity" / "training"
README = OUT / "README.md"
BEGIN = "<!-- BEGIN training.py measurements -->"
END = "<!-- END training.py measurements -->"

F32 = np.float32
F64 = np.float64

ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "linear": Linear,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "softmax": Softmax,
}
LOSSES = {
    "BinaryCrossEntropy": BinaryCrossEntropy,
    "CategoricalCrossEntropy": CategoricalCrossEntropy,
    "SparseCategoricalCrossEntropy": SparseCategoricalCrossEntropy,
    "MeanSquaredError": MeanSquaredError,
}
# Every hyperparameter, in the order written to the file (defaults filled in).
OPT_KEYS = {
    "sgd": ("learning_rate", "decay", "momentum"),
    "adam": ("learning_rate", "decay", "epsilon", "beta_1", "beta_2"),
}
OPT_DEFAULTS = {
    "sgd": dict(learning_rate=1.0, decay=0.0, momentum=0.0),
    "adam": dict(learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999),
}


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
# net: input width, then tokens ("dense", n) or an activation name.
# targets: "binary" (0/1 floats, n x k), "onehot" (n x k floats), "index"
#          (int64 class indices, shape (n,)), "regression" (floats, n x k).
# opt: (name, kwargs passed to the optimizer; omitted ones are its defaults).
CASES = [
    dict(name="bce_relu_sigmoid_sgd_default", seed=101, n=16,
         net=[2, ("dense", 4), "relu", ("dense", 1), "sigmoid"],
         loss="BinaryCrossEntropy", targets="binary", opt=("sgd", {}),
         epochs=40, bias="zeros", zero_row=True),
    dict(name="cce_onehot_tanh_softmax_fused_sgd_momentum", seed=102, n=12,
         net=[2, ("dense", 4), "tanh", ("dense", 3), "softmax"],
         loss="CategoricalCrossEntropy", targets="onehot",
         opt=("sgd", dict(learning_rate=0.1, momentum=0.9)),
         epochs=40, bias="random"),
    dict(name="cce_onehot_tanh_softmax_chained_no_finalize_sgd_momentum", seed=102, n=12,
         net=[2, ("dense", 4), "tanh", ("dense", 3), "softmax"],
         loss="CategoricalCrossEntropy", targets="onehot",
         opt=("sgd", dict(learning_rate=0.1, momentum=0.9)),
         epochs=40, bias="random", finalize=False),
    dict(name="cce_index_leaky_relu_softmax_fused_adam_default", seed=103, n=20,
         net=[3, ("dense", 5), "leaky_relu", ("dense", 3), "softmax"],
         loss="CategoricalCrossEntropy", targets="index", opt=("adam", {}),
         epochs=50, bias="zeros", zero_row=True),
    dict(name="scce_sigmoid_softmax_fused_sgd_decay", seed=104, n=18,
         net=[2, ("dense", 6), "sigmoid", ("dense", 3), "softmax"],
         loss="SparseCategoricalCrossEntropy", targets="index",
         opt=("sgd", dict(learning_rate=2.0, decay=0.05)),
         epochs=40, bias="random"),
    dict(name="mse_relu_linear_adam_custom", seed=105, n=16,
         net=[3, ("dense", 5), "relu", ("dense", 2), "linear"],
         loss="MeanSquaredError", targets="regression",
         opt=("adam", dict(learning_rate=0.02, decay=0.01, epsilon=1e-5,
                           beta_1=0.8, beta_2=0.99)),
         epochs=40, bias="random"),
    dict(name="mse_relu_softmax_chained_sgd_momentum_decay", seed=106, n=12,
         net=[2, ("dense", 4), "relu", ("dense", 3), "softmax"],
         loss="MeanSquaredError", targets="onehot",
         opt=("sgd", dict(learning_rate=0.8, decay=0.02, momentum=0.5)),
         epochs=40, bias="zeros", zero_row=True),
    dict(name="mse_linear_tanh_sgd", seed=107, n=10,
         net=[2, ("dense", 6), "linear", ("dense", 1), "tanh"],
         loss="MeanSquaredError", targets="regression_tanh",
         opt=("sgd", dict(learning_rate=0.05)),
         epochs=40, bias="random"),
    dict(name="mse_sigmoid_relu_adam_lr", seed=108, n=14,
         net=[3, ("dense", 5), "sigmoid", ("dense", 2), "relu"],
         loss="MeanSquaredError", targets="regression_positive",
         opt=("adam", dict(learning_rate=0.01)),
         epochs=40, bias="random"),
    dict(name="mse_tanh_leaky_relu_sgd_momentum", seed=109, n=16,
         net=[2, ("dense", 6), "tanh", ("dense", 1), "leaky_relu"],
         loss="MeanSquaredError", targets="regression",
         opt=("sgd", dict(learning_rate=0.05, momentum=0.8)),
         epochs=40, bias="random"),
    dict(name="bce_two_outputs_softmax_hidden_sigmoid_sgd_default", seed=110, n=16,
         net=[3, ("dense", 5), "softmax", ("dense", 2), "sigmoid"],
         loss="BinaryCrossEntropy", targets="binary", opt=("sgd", {}),
         epochs=40, bias="random"),
    dict(name="cce_onehot_two_hidden_relu_tanh_softmax_fused_adam_custom", seed=111, n=24,
         net=[2, ("dense", 6), "relu", ("dense", 4), "tanh", ("dense", 3), "softmax"],
         loss="CategoricalCrossEntropy", targets="onehot",
         opt=("adam", dict(learning_rate=0.05, decay=0.02, epsilon=1e-6,
                           beta_1=0.85, beta_2=0.995)),
         epochs=40, bias="zeros", zero_row=True),
    dict(name="bce_two_hidden_leaky_relu_sigmoid_sgd_momentum_decay", seed=112, n=20,
         net=[3, ("dense", 5), "leaky_relu", ("dense", 4), "sigmoid", ("dense", 1), "sigmoid"],
         loss="BinaryCrossEntropy", targets="binary",
         opt=("sgd", dict(learning_rate=0.3, decay=0.01, momentum=0.9)),
         epochs=40, bias="random"),
    dict(name="cce_onehot_relu_sigmoid_chained_sgd", seed=113, n=12,
         net=[2, ("dense", 4), "relu", ("dense", 3), "sigmoid"],
         loss="CategoricalCrossEntropy", targets="onehot",
         opt=("sgd", dict(learning_rate=0.5)),
         epochs=40, bias="random"),
    dict(name="cce_index_relu_sigmoid_chained_sgd_float64_leak", seed=113, n=12,
         net=[2, ("dense", 4), "relu", ("dense", 3), "sigmoid"],
         loss="CategoricalCrossEntropy", targets="index",
         opt=("sgd", dict(learning_rate=0.5)),
         epochs=40, bias="random"),
    dict(name="scce_onehot_linear_softmax_fused_adam_beta", seed=114, n=15,
         net=[3, ("dense", 4), "linear", ("dense", 3), "softmax"],
         loss="SparseCategoricalCrossEntropy", targets="onehot",
         opt=("adam", dict(learning_rate=0.03, beta_1=0.7, beta_2=0.9)),
         epochs=40, bias="random"),
    # With validation data (`fit(..., validation_data=..., print_every=1)`):
    # the printed lines, val_loss and val_<metric> included, are recorded.
    dict(name="cce_index_relu_softmax_fused_adam_validation", seed=115, n=24,
         net=[2, ("dense", 8), "relu", ("dense", 3), "softmax"],
         loss="CategoricalCrossEntropy", targets="index",
         opt=("adam", dict(learning_rate=0.02)), epochs=20, bias="zeros",
         validation=dict(seed=215, n=12)),
    dict(name="mse_tanh_linear_sgd_validation", seed=116, n=20,
         net=[3, ("dense", 6), "tanh", ("dense", 2), "linear"],
         loss="MeanSquaredError", targets="regression",
         opt=("sgd", dict(learning_rate=0.05, momentum=0.5)), epochs=20,
         bias="random", validation=dict(seed=216, n=10)),
]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def dense_shapes(net):
    shapes, width = [], net[0]
    for tok in net[1:]:
        if isinstance(tok, tuple):
            shapes.append((width, tok[1]))
            width = tok[1]
    return shapes


def make_data(case):
    """Inputs, targets and initial parameters, all from one seeded generator."""
    rng = np.random.default_rng(case["seed"])
    n, n_in = case["n"], case["net"][0]
    k = dense_shapes(case["net"])[-1][1]
    x = rng.normal(0.0, 1.0, size=(n, n_in)).astype(F32)
    if case.get("zero_row"):
        x[0, :] = 0.0  # with zero biases: pre-activations exactly 0 (mask `<= 0`)
    a = rng.normal(0.0, 1.0, size=(n_in, k))
    z = x.astype(F64) @ a + 0.3 * rng.normal(size=(n, k))
    t = case["targets"]
    if t == "binary":
        y = (z > 0).astype(F32)
    elif t in ("onehot", "index"):
        idx = np.argmax(z, axis=1).astype(np.int64)
        y = idx if t == "index" else np.eye(k, dtype=F32)[idx]
    elif t == "regression":
        y = (0.8 * z).astype(F32)
    elif t == "regression_tanh":
        y = (0.9 * np.tanh(z)).astype(F32)
    elif t == "regression_positive":
        y = np.abs(z).astype(F32)
    else:
        raise ValueError(t)
    params = []
    for fan_in, fan_out in dense_shapes(case["net"]):
        w = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out)).astype(F32)
        if case["bias"] == "zeros":
            b = np.zeros((1, fan_out), dtype=F32)
        else:
            b = rng.normal(0.0, 0.1, size=(1, fan_out)).astype(F32)
        params.append((w, b))
    return x, y, params


# ---------------------------------------------------------------------------
# A float32 matrix product without BLAS, for the order-sensitivity measurement
# ---------------------------------------------------------------------------
def naive_dot(a, b):
    a, b = np.asarray(a), np.asarray(b)
    vec = b.ndim == 1
    if vec:
        b = b[:, None]
    assert a.ndim == 2 and b.ndim == 2
    dt = np.result_type(a, b)  # mixed only in the float64-leak case
    a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
    acc = np.zeros((a.shape[0], b.shape[1]), dtype=dt)
    for j in range(a.shape[1]):  # left to right; each product rounded, no FMA
        acc = acc + a[:, j:j + 1] * b[j:j + 1, :]
    return acc[:, 0] if vec else acc


class _NumpyWithNaiveDot:
    def __getattr__(self, name):
        return getattr(np, name)

    dot = staticmethod(naive_dot)


@contextlib.contextmanager
def patched_dot(enabled):
    if not enabled:
        yield
        return
    saved = (vn_layers.np, vn_act.np)
    vn_layers.np = vn_act.np = _NumpyWithNaiveDot()
    try:
        yield
    finally:
        vn_layers.np, vn_act.np = saved


# ---------------------------------------------------------------------------
# One run of the real Model.fit
# ---------------------------------------------------------------------------
ARRAY_ATTRS = ("inputs", "output", "dinputs", "weights", "biases", "dweights",
               "dbiases", "weight_momentums", "bias_momentums", "weight_cache",
               "bias_cache")


def run(case, dtype, naive=False):
    x, y, params = make_data(case)
    x = x.astype(dtype)
    if case["targets"] != "index":
        y = y.astype(dtype)
    validation, print_every = None, 10
    if "validation" in case:
        # The same task with other samples: another seed, same net.
        xv, yv, _ = make_data(dict(case, **case["validation"]))
        xv = xv.astype(dtype)
        if case["targets"] != "index":
            yv = yv.astype(dtype)
        validation, print_every = (xv, yv), 1

    model = Model()
    dense_layers = []
    width = case["net"][0]
    for tok in case["net"][1:]:
        if isinstance(tok, tuple):
            layer = DenseLayer(width, tok[1], seed=0)
            w, b = params[len(dense_layers)]
            layer.weights = w.astype(dtype).copy()
            layer.biases = b.astype(dtype).copy()
            dense_layers.append(layer)
            model.add(layer)
            width = tok[1]
        else:
            model.add(ACTIVATIONS[tok]())

    loss = LOSSES[case["loss"]]()
    opt_name, opt_kwargs = case["opt"]
    optimizer = (Optimizer_SGD if opt_name == "sgd" else Optimizer_Adam)(**opt_kwargs)
    metric_name = "mae" if case["targets"].startswith("regression") else "accuracy"
    metric = MAE() if metric_name == "mae" else Accuracy()
    model.set(loss=loss, optimizer=optimizer, metrics={metric_name: metric})
    if case.get("finalize", True):
        model.finalize()
    path = "fused" if model.softmax_classifier_output is not None else "chained"

    rec = dict(loss=[], lr=[], metric=[], leaks=set(), softmax_backward_calls=0,
               evaluating=False)

    orig_calc = loss.calculate

    def calc_hook(output, yy):
        value = orig_calc(output, yy)
        if not rec["evaluating"]:
            rec["loss"].append(value)
        return value
    loss.calculate = calc_hook

    orig_metric = metric.calculate

    def metric_hook(pred, yy):
        value = orig_metric(pred, yy)
        if not rec["evaluating"]:
            rec["metric"].append(value)
        return value
    metric.calculate = metric_hook

    # The validation pass (`evaluate`) is not a training epoch.
    orig_evaluate = model.evaluate

    def evaluate_hook(xx, yy):
        rec["evaluating"] = True
        try:
            return orig_evaluate(xx, yy)
        finally:
            rec["evaluating"] = False
    model.evaluate = evaluate_hook

    orig_pre = optimizer.pre_update_lr

    def pre_hook():
        orig_pre()
        rec["lr"].append(optimizer.current_learning_rate)
    optimizer.pre_update_lr = pre_hook

    def check(obj, label):
        for attr in ARRAY_ATTRS:
            v = getattr(obj, attr, None)
            if isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.dtype != dtype:
                rec["leaks"].add(f"{label}.{attr}:{v.dtype}")

    orig_post = optimizer.post_update_params

    def post_hook():
        orig_post()
        for i, layer in enumerate(model.layers):
            check(layer, f"{i}:{type(layer).__name__}")
        check(loss, "loss")
        if model.softmax_classifier_output is not None:
            check(model.softmax_classifier_output, "fused")
    optimizer.post_update_params = post_hook

    for layer in model.layers:
        if isinstance(layer, Softmax):
            orig_sb = layer.backward

            def sb_hook(dv, _orig=orig_sb):
                rec["softmax_backward_calls"] += 1
                return _orig(dv)
            layer.backward = sb_hook

    out = io.StringIO()
    with patched_dot(naive), contextlib.redirect_stdout(out):
        model.fit(x, y, epochs=case["epochs"], print_every=print_every,
                  validation_data=validation)
        pred = model.predict(x)

    assert len(rec["loss"]) == case["epochs"] == len(rec["lr"]) == len(rec["metric"])
    for v in rec["loss"]:
        assert type(v) is dtype, (case["name"], type(v))
        assert math.isfinite(float(v)), case["name"]
    for layer in dense_layers:
        assert layer.weights.dtype == dtype and layer.biases.dtype == dtype
    assert pred.dtype == dtype

    # fit prints; check the printed loss and lr are the recorded ones.
    printed = out.getvalue().splitlines()
    assert len(printed) == case["epochs"] // print_every
    for line in printed:
        m = re.match(r"epoch: (\d+), \w+: [-\d.]+, loss: ([-\d.]+), lr: ([-\d.]+)"
                     r"(, val_loss: [-\d.]+, val_\w+: [-\d.]+)?$", line)
        assert m, line
        e = int(m.group(1))
        assert m.group(2) == f"{rec['loss'][e - 1]:.3f}", line
        assert m.group(3) == f"{rec['lr'][e - 1]:.6f}", line

    return dict(x=x, y=y, params=params, path=path, rec=rec, printed=printed,
                validation=validation,
                final=[(l.weights.copy(), l.biases.copy()) for l in dense_layers],
                pred=pred.copy(), metric_name=metric_name, optimizer=optimizer)


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------
def h32(v):
    return "%08x" % int(np.asarray(v, dtype=F32).view(np.uint32))


def h64(v):
    return "%016x" % int(np.asarray(v, dtype=F64).view(np.uint64))


def arr32(name, a):
    a = np.asarray(a)
    assert a.dtype == F32, (name, a.dtype)
    if a.ndim == 1:
        a = a[:, None]
    return f"{name} {a.shape[0]} {a.shape[1]} " + " ".join(
        "%08x" % u for u in a.view(np.uint32).ravel())


def arr64(name, a):
    a = np.asarray(a, dtype=F64)
    if a.ndim == 1:
        a = a[:, None]
    return f"{name} {a.shape[0]} {a.shape[1]} " + " ".join(
        "%016x" % u for u in a.view(np.uint64).ravel())


def arr_int(name, a):
    a = np.asarray(a)
    assert a.dtype.kind == "i"
    if a.ndim == 1:
        a = a[:, None]
    return f"{name} {a.shape[0]} {a.shape[1]} " + " ".join(str(int(u)) for u in a.ravel())


def net_spec(net):
    toks = [str(net[0])]
    for tok in net[1:]:
        toks.append(f"dense:{tok[1]}" if isinstance(tok, tuple) else tok)
    return " ".join(toks)


def write_case(case, r):
    opt_name, opt_kwargs = case["opt"]
    hp = dict(OPT_DEFAULTS[opt_name], **opt_kwargs)
    for key in hp:
        assert type(hp[key]) is float, (key, hp[key])
    keys = OPT_KEYS[opt_name]
    rec = r["rec"]
    lines = [
        "# VanillaNets 1.0.1 training parity case; generated by scripts/parity/training.py.",
        "# Format: tests/data/parity/training/README.md. Do not edit by hand.",
        f"case {case['name']}",
        f"net {net_spec(case['net'])}",
        f"loss {case['loss']}",
        f"targets {'index' if case['targets'] == 'index' else 'f32'}",
        "optimizer " + opt_name + " " + " ".join(f"{k}={h32(hp[k])}" for k in keys),
        "optimizer_f64 " + opt_name + " " + " ".join(f"{k}={h64(hp[k])}" for k in keys),
    ]
    if opt_name == "adam":
        # The f32 scalars NumPy actually applies: Python-float arithmetic first
        # (in f64), then one rounding to f32 where the scalar meets an array.
        lines.append("adam_scalars " + " ".join([
            f"beta_1={h32(hp['beta_1'])}",
            f"one_minus_beta_1={h32(1 - hp['beta_1'])}",
            f"beta_2={h32(hp['beta_2'])}",
            f"one_minus_beta_2={h32(1 - hp['beta_2'])}",
            f"epsilon={h32(hp['epsilon'])}",
        ]))
    lines += [
        f"epochs {case['epochs']}",
        f"samples {case['n']}",
        f"finalize {'yes' if case.get('finalize', True) else 'no'}",
        f"path {r['path']}",
        f"softmax_backward_calls {rec['softmax_backward_calls']}",
        "float64_leak " + (" ".join(sorted(rec["leaks"])) if rec["leaks"] else "none"),
        f"metric {r['metric_name']}",
    ]
    lines.append(arr32("x", r["x"]))
    if case["targets"] == "index":
        lines.append(arr_int("labels", r["y"]))
    else:
        lines.append(arr32("y", r["y"]))
    for i, (w, b) in enumerate(r["params"]):
        lines.append(arr32(f"w{i}", w))
        lines.append(arr32(f"b{i}", b))
    lines.append(arr32("epoch_loss", np.array(rec["loss"], dtype=F32)))
    lines.append(arr64("epoch_lr_f64", np.array(rec["lr"], dtype=F64)))
    lines.append(arr32("epoch_lr", np.array(rec["lr"], dtype=F64).astype(F32)))
    if opt_name == "adam":
        t = np.arange(1, case["epochs"] + 1)
        lines.append(arr32("epoch_adam_corr1", np.array(
            [1 - hp["beta_1"] ** int(i) for i in t]).astype(F32)))
        lines.append(arr32("epoch_adam_corr2", np.array(
            [1 - hp["beta_2"] ** int(i) for i in t]).astype(F32)))
    mvals = rec["metric"]
    if r["metric_name"] == "accuracy":
        assert all(type(v) is F64 for v in mvals)
        lines.append(arr64("epoch_accuracy_f64", np.array(mvals, dtype=F64)))
    else:
        assert all(type(v) is F32 for v in mvals)
        lines.append(arr32("epoch_mae", np.array(mvals, dtype=F32)))
    for i, (w, b) in enumerate(r["final"]):
        lines.append(arr32(f"w{i}_final", w))
        lines.append(arr32(f"b{i}_final", b))
    lines.append(arr32("pred", r["pred"]))
    if r["validation"] is not None:
        xv, yv = r["validation"]
        lines.append(arr32("x_val", xv))
        lines.append(arr_int("labels_val", yv) if case["targets"] == "index"
                     else arr32("y_val", yv))
        for p in r["printed"]:
            lines.append(f"printed {p}")
    else:
        for p in r["printed"]:
            lines.append(f"# fit printed: {p}")
    (OUT / f"{case['name']}.txt").write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# Replay from the written file, with the spec's formulas only
# ---------------------------------------------------------------------------
def parse_case(path):
    """Read a case file back (the format a Rust test parses)."""
    d = {"arrays": {}}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("printed "):
            continue
        t = line.split()
        if len(t) >= 3 and t[1].isdigit() and t[2].isdigit():
            rows, cols, vals = int(t[1]), int(t[2]), t[3:]
            assert len(vals) == rows * cols, (path, t[0])
            if t[0] in ("labels", "labels_val"):
                a = np.array([int(v) for v in vals], dtype=np.int64)
            elif t[0].endswith("_f64"):
                assert all(len(v) == 16 for v in vals)
                a = np.array([int(v, 16) for v in vals], dtype=np.uint64).view(F64)
                a = a.reshape(rows, cols)
            else:
                assert all(len(v) == 8 for v in vals)
                a = np.array([int(v, 16) for v in vals], dtype=np.uint32).view(F32)
                a = a.reshape(rows, cols)
            d["arrays"][t[0]] = a
        else:
            d[t[0]] = t[1:]
    return d


def _hyper(tokens):
    out = {}
    for kv in tokens[1:]:
        k, v = kv.split("=")
        if len(v) == 16:
            out[k] = float(np.array([int(v, 16)], dtype=np.uint64).view(F64)[0])
        else:
            out[k] = np.array([int(v, 16)], dtype=np.uint32).view(F32)[0]
    return out


def spec_replay(d, f64_scalars):
    """Train again from the file using training-semantics.md and
    reference-semantics.md alone, in float32 with np.dot for products.

    f64_scalars=True: every Python-float scalar expression (learning rate with
    decay, 1 - beta, 1 - beta**t, momentum, epsilon) is evaluated in f64 and
    rounded once to f32, which is what NumPy does with Python floats.
    False: the same expressions evaluated in f32 from the f32 hyperparameters.
    Returns (epoch losses, final [(w, b)]).
    """
    A = d["arrays"]
    x = A["x"]
    n = x.shape[0]
    labels, y = A.get("labels"), A.get("y")
    toks = d["net"][1:]
    n_dense = sum(t.startswith("dense:") for t in toks)
    params = [[A[f"w{i}"].copy(), A[f"b{i}"].copy()] for i in range(n_dense)]
    fused = d["path"][0] == "fused"
    opt = d["optimizer"][0]
    h64, h32 = _hyper(d["optimizer_f64"]), _hyper(d["optimizer"])

    def sc(v64, v32):
        return F32(v64) if f64_scalars else F32(v32)

    one = F32(1)
    state = [None] * n_dense
    losses = []
    for it in range(int(d["epochs"][0])):
        trace, h, li = [], x, 0
        for tok in toks:
            inp = h
            if tok.startswith("dense:"):
                h = np.dot(h, params[li][0]) + params[li][1]
                trace.append(("dense", li, inp))
                li += 1
                continue
            if tok == "relu":
                h = np.where(h < 0, F32(0), h)
            elif tok == "leaky_relu":
                h = np.where(h > 0, h, F32(0.1) * h)
            elif tok == "sigmoid":
                h = one / (one + np.exp(-h))
            elif tok == "tanh":
                h = np.tanh(h)
            elif tok == "softmax":
                e = np.exp(h - h.max(axis=1, keepdims=True))
                h = e / e.sum(axis=1, keepdims=True)
            trace.append((tok, inp, h))
        out, k = h, h.shape[1]
        c = np.minimum(np.maximum(out, F32(1e-7)), F32(1 - 1e-7))
        loss = d["loss"][0]
        if loss == "BinaryCrossEntropy":
            losses.append(np.mean(-(y * np.log(c) + (one - y) * np.log(one - c))))
            dv = -(y / c - (one - y) / (one - c)) / F32(k) / F32(n)
        elif loss == "MeanSquaredError":
            losses.append(np.mean(np.mean((y - out) ** 2, axis=-1)))
            dv = F32(-2) * (y - out) / F32(k) / F32(n)
        else:
            if labels is not None:
                losses.append(np.mean(-np.log(c[np.arange(n), labels])))
                onehot, idx = np.eye(k, dtype=F32)[labels], labels
            else:
                losses.append(np.mean(-np.log(np.sum(c * y, axis=1))))
                onehot, idx = y, np.argmax(y, axis=1)
            if fused:
                dv = out.copy()
                dv[np.arange(n), idx] -= one
                dv = dv / F32(n)
            else:
                dv = -onehot / c / F32(n)
        grads = {}
        for step in reversed(trace[:-1] if fused else trace):
            if step[0] == "dense":
                _, li, inp = step
                grads[li] = (np.dot(inp.T, dv), np.sum(dv, axis=0, keepdims=True))
                dv = np.dot(dv, params[li][0].T)
                continue
            tok, inp, o = step
            if tok == "relu":
                dv = np.where(inp <= 0, F32(0), dv)
            elif tok == "leaky_relu":
                dv = np.where(inp <= 0, dv * F32(0.1), dv)
            elif tok == "sigmoid":
                dv = dv * (one - o) * o
            elif tok == "tanh":
                dv = dv * (one - o * o)
            elif tok == "softmax":
                r = np.empty_like(dv)
                for i in range(n):
                    so = o[i].reshape(-1, 1)
                    r[i] = np.dot(np.diagflat(so) - np.dot(so, so.T), dv[i])
                dv = r
        lr64, lr32 = h64["learning_rate"], h32["learning_rate"]
        if h64["decay"]:
            lr64 = lr64 * (1.0 / (1.0 + h64["decay"] * it))
            lr32 = lr32 * (one / (one + h32["decay"] * F32(it)))
        lr = sc(lr64, lr32)
        for li in range(n_dense):
            for slot in (0, 1):
                g = grads[li][slot]
                if state[li] is None:
                    state[li] = [[np.zeros_like(p) for p in params[li]] for _ in range(2)]
                m, v = state[li][0], state[li][1]
                if opt == "sgd" and h64["momentum"]:
                    u = sc(h64["momentum"], h32["momentum"]) * m[slot] - lr * g
                    m[slot] = u
                elif opt == "sgd":
                    u = -lr * g
                else:
                    b1, b2 = h64["beta_1"], h64["beta_2"]
                    b1f, b2f = h32["beta_1"], h32["beta_2"]
                    m[slot] = sc(b1, b1f) * m[slot] + sc(1 - b1, one - b1f) * g
                    mh = m[slot] / sc(1 - b1 ** (it + 1), one - b1f ** F32(it + 1))
                    v[slot] = sc(b2, b2f) * v[slot] + sc(1 - b2, one - b2f) * g ** 2
                    vh = v[slot] / sc(1 - b2 ** (it + 1), one - b2f ** F32(it + 1))
                    u = -lr * mh / (np.sqrt(vh) + sc(h64["epsilon"], h32["epsilon"]))
                params[li][slot] = params[li][slot] + u
    return np.array(losses, dtype=F32), params


def replay_bits(path):
    """(loss bits differing, parameter bits differing) for f64 and f32 scalars."""
    d = parse_case(path)
    A = d["arrays"]
    out = []
    for f64_scalars in (True, False):
        losses, params = spec_replay(d, f64_scalars)
        lb = int(np.sum(losses.view(np.uint32) != A["epoch_loss"].ravel().view(np.uint32)))
        pb = 0
        for i, (w, b) in enumerate(params):
            pb += int(np.sum(w.view(np.uint32) != A[f"w{i}_final"].view(np.uint32)))
            pb += int(np.sum(b.view(np.uint32) != A[f"b{i}_final"].view(np.uint32)))
        out.append((lb, pb))
    return out


# ---------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------
def rel_losses(a, b):
    a = np.array(a, dtype=F64)
    b = np.array(b, dtype=F64)
    return float(np.max(np.abs(a - b) / np.abs(b)))


def weight_diffs(fa, fb):
    """Max abs diff, max elementwise rel diff (|ref| >= 1e-3), max abs diff / max|ref|."""
    ab, rel, nrm = 0.0, 0.0, 0.0
    for (wa, ba), (wb, bb) in zip(fa, fb):
        for p, q in ((wa, wb), (ba, bb)):
            p = p.astype(F64)
            q = q.astype(F64)
            d = np.abs(p - q)
            ab = max(ab, float(d.max()))
            mask = np.abs(q) >= 1e-3
            if mask.any():
                rel = max(rel, float((d[mask] / np.abs(q[mask])).max()))
            nrm = max(nrm, float(d.max() / max(np.abs(q).max(), 1e-30)))
    return ab, rel, nrm


def blas_core():
    """The OpenBLAS kernel family NumPy runs (the data's last bits depend on it)."""
    try:
        import ctypes
        libs = sorted((Path(np.__file__).parent.parent / "numpy.libs").glob("libscipy_openblas*"))
        lib = ctypes.CDLL(str(libs[0]))
        for sym in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename"):
            if hasattr(lib, sym):
                f = getattr(lib, sym)
                f.restype = ctypes.c_char_p
                return f().decode()
    except Exception:
        pass
    return "unknown"


def fmt(v):
    return f"{v:.2e}"


def main():
    t0 = time.perf_counter()
    assert tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 3), np.__version__
    # The package's own __version__ says 1.0.0; the distribution is 1.0.1.
    assert version("vanillanets") == "1.0.1", version("vanillanets")
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for case in CASES:
        r32 = run(case, F32)
        write_case(case, r32)
        r64 = run(case, F64)
        rnv = run(case, F32, naive=True)
        l32, l64, lnv = (r["rec"]["loss"] for r in (r32, r64, rnv))
        first, last = float(l32[0]), float(l32[-1])
        rows.append(dict(
            name=case["name"], path=r32["path"], first=first, last=last,
            rel64=rel_losses(l32, l64), w64=weight_diffs(r32["final"], r64["final"]),
            relnv=rel_losses(l32, lnv), wnv=weight_diffs(r32["final"], rnv["final"]),
            bitnv=sum(int(np.float32(a) != np.float32(b)) for a, b in zip(l32, lnv)),
            leaks=sorted(r32["rec"]["leaks"]), epochs=case["epochs"],
            replay=replay_bits(OUT / f"{case['name']}.txt"),
        ))
        print(f"{case['name']}: {r32['path']}, loss {first:.5f} -> {last:.5f}, "
              f"f64 rel {rows[-1]['rel64']:.2e}, naive-dot rel {rows[-1]['relnv']:.2e}, "
              f"spec replay differing bits {rows[-1]['replay']}"
              + (f", float64 leak: {rows[-1]['leaks']}" if rows[-1]["leaks"] else ""))
    elapsed = time.perf_counter() - t0
    core = blas_core()

    table = [
        BEGIN,
        "",
        f"Measured by `scripts/parity/training.py` (vanillanets 1.0.1, numpy {np.__version__}, "
        f"OpenBLAS kernel `{core}`, {len(rows)} cases).",
        "",
        "- **f64**: the same case with data, weights and biases cast to float64 (labels stay int64).",
        "- **naive dot**: float32 again, with `np.dot` inside vanillanets replaced by a left-to-right",
        "  float32 sum without FMA (what a plain Rust loop computes); `bits` = epochs whose f32 loss",
        "  differs in any bit from the BLAS run.",
        "- loss rel = max over epochs of |a - b| / |b| (b = the f32 BLAS run for naive dot, the f64 run for f64).",
        "- weights: max |Δ| over all final weights and biases; max elementwise |Δ|/|ref| over",
        "  entries with |ref| >= 1e-3; max |Δ| / max |ref| per array.",
        "- spec replay: the case re-read from its file and trained again with the two spec files'",
        "  formulas only (numpy f32, same `np.dot`); differing epoch-loss bits / final-parameter bits,",
        "  with Python-float scalars rounded once from f64 (as NumPy does) ; with those scalars",
        "  computed in f32 arithmetic from the f32 hyperparameters.",
        "",
        "| case | path | loss epoch 1 → last | f64: loss rel | f64: w abs / rel / norm | naive dot: loss rel (bits) | naive dot: w abs / rel | spec replay f64-scalars ; f32-scalars |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(
            f"| {r['name']} | {r['path']} | {r['first']:.4f} → {r['last']:.4f} | {fmt(r['rel64'])} | "
            f"{fmt(r['w64'][0])} / {fmt(r['w64'][1])} / {fmt(r['w64'][2])} | "
            f"{fmt(r['relnv'])} ({r['bitnv']}/{r['epochs']}) | "
            f"{fmt(r['wnv'][0])} / {fmt(r['wnv'][1])} | "
            f"{r['replay'][0][0]}/{r['replay'][0][1]} ; {r['replay'][1][0]}/{r['replay'][1][1]} |")
    table += [
        "",
        f"Largest over all cases: f64 loss rel {fmt(max(r['rel64'] for r in rows))}, "
        f"f64 weight abs {fmt(max(r['w64'][0] for r in rows))}, "
        f"f64 weight rel {fmt(max(r['w64'][1] for r in rows))}; "
        f"naive-dot loss rel {fmt(max(r['relnv'] for r in rows))}, "
        f"naive-dot weight abs {fmt(max(r['wnv'][0] for r in rows))}, "
        f"naive-dot weight rel {fmt(max(r['wnv'][1] for r in rows))}.",
        "",
        END,
    ]
    if README.exists():
        text = README.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            README.write_text(head + "\n".join(table) + tail)
    print(f"{len(rows)} cases written to {OUT.relative_to(REPO)} in {elapsed:.1f} s "
          f"(OpenBLAS kernel {core})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
