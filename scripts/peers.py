#!/usr/bin/env python3
"""The same-run comparison with the peers: VanillaNets 1.0.1 on
NumPy, PyTorch on one thread, and this crate, on the same data and shapes.

Run it through scripts/peers.sh, which builds the venv and the crate's
bench binary (benches/epochs.rs) in each configuration and passes them here
as `--crate LABEL=PATH`. This script dumps the inputs with the first
binary (so every side reads the same bits), then runs R rounds; in each
round every side times every kernel once and trains both networks, the
sides in a rotated order, so that a noisy spell hits all of them. Each
round gives one value per cell (the median of that round's samples); the
table shows the median over the rounds and the min-max spread.

Timings only: nothing is asserted. Prints one markdown table, then what was
measured on what.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

# The same three numbers as benches/epochs.rs's kernel timer.
SAMPLE_TIME = 0.002
CASE_TIME = 0.150
MIN_SAMPLES, MAX_SAMPLES = 5, 31

KERNELS = [
    ("memcpy", "memcpy (reference)"),
    ("sigmoid_fwd", "Sigmoid forward"),
    ("tanh_fwd", "Tanh forward"),
    ("relu_fwd", "ReLU forward"),
    ("relu_bwd", "ReLU backward"),
    ("leaky_relu_fwd", "LeakyReLU forward"),
    ("leaky_relu_bwd", "LeakyReLU backward"),
    ("softmax_fwd", "Softmax forward (1000×100)"),
    ("softmax_bwd", "Softmax backward (1000×100)"),
]
FITS = [
    ("small", "epoch, 300 samples, 2-64-3"),
    ("large", "epoch, 3000 samples, 2-128-128-3"),
    ("digits", "epoch, 1347 samples, 64-64-10"),
]
LEARNING_RATE = 0.01  # as benches/epochs.rs
VN = "VanillaNets 1.0.1 (NumPy)"
TORCH = "PyTorch, 1 thread"


def load_avg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def time_kernel(fn, n):
    """Median ns/element of `fn`, timed as benches/epochs.rs times a kernel."""
    t = time.perf_counter_ns()
    fn()
    once = max(time.perf_counter_ns() - t, 1)
    iters = max(1, int(SAMPLE_TIME * 1e9 // once))
    samples = int(CASE_TIME * 1e9 // max(once * iters, 1))
    samples = min(max(samples, MIN_SAMPLES), MAX_SAMPLES)
    for _ in range(iters):
        fn()
    ns = []
    for _ in range(samples):
        t = time.perf_counter_ns()
        for _ in range(iters):
            fn()
        ns.append((time.perf_counter_ns() - t) / (iters * n))
    return statistics.median(ns)


# ---------------------------------------------------------------- the data


class Inputs:
    def __init__(self, folder, manifest):
        self.folder = Path(folder)
        self.shapes = {}
        self.nets = {}
        for line in manifest.splitlines():
            f = line.split("\t")
            if f[0] != "dump":
                continue
            if f[1].startswith("kernel_"):
                self.shapes[f[1]] = (int(f[2]), int(f[3]))
            else:
                dims = [tuple(map(int, d.split("x"))) for d in f[4].split(",")]
                self.nets[f[1]] = (int(f[2]), int(f[3]), dims)

    def kernel(self, name):
        shape = self.shapes["kernel_" + name]
        a = np.fromfile(self.folder / f"kernel_{name}.f32", dtype="<f4")
        return np.ascontiguousarray(a.reshape(shape).astype(np.float32))

    def fit(self, case):
        rows, n_params, dims = self.nets[case]
        x = np.fromfile(self.folder / f"{case}_x.f32", dtype="<f4").astype(np.float32)
        y = np.fromfile(self.folder / f"{case}_y.u32", dtype="<u4").astype(np.int64)
        p = np.fromfile(self.folder / f"{case}_params.f32", dtype="<f4").astype(np.float32)
        assert p.size == n_params, (case, p.size, n_params)
        layers, at = [], 0
        for k, n in dims:
            w = p[at : at + k * n].reshape(k, n).copy()
            at += k * n
            b = p[at : at + n].copy()
            at += n
            layers.append((w, b))
        return x.reshape(rows, dims[0][0]), y, layers


# ---------------------------------------------------------------- the sides


class Crate:
    def __init__(self, label, path):
        self.label, self.path = label, path
        self.info = self.run("--info")[0]

    def run(self, *args):
        out = subprocess.run(
            [self.path, *map(str, args)], check=True, capture_output=True, text=True
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def kernels(self):
        return {f[1]: float(f[2]) for f in self.run("--kernels") if f[0] == "kernel"}

    def fit(self, case, epochs, reps):
        rows = [f for f in self.run("--epochs", case, epochs, reps) if f[0] == "epoch"]
        return [float(f[2]) for f in rows], float(rows[-1][3])


class VanillaNets:
    label = VN

    def __init__(self, inputs):
        import vanillanets
        from vanillanets.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh

        self.vn = vanillanets
        self.inputs = inputs
        x = inputs.kernel("x")
        dv = inputs.kernel("dv")
        sm_y = inputs.kernel("softmax_y")
        out = np.empty_like(x)
        sig, tanh, relu, leaky, sm = Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Softmax()
        relu_b, leaky_b, sm_b = ReLU(), LeakyReLU(), Softmax()
        relu_b.inputs, leaky_b.inputs, sm_b.output = x, x, sm_y
        self.n = x.size
        self.cases = {
            "memcpy": lambda: np.copyto(out, x),
            "sigmoid_fwd": lambda: sig.forward(x),
            "tanh_fwd": lambda: tanh.forward(x),
            "relu_fwd": lambda: relu.forward(x),
            "relu_bwd": lambda: relu_b.backward(dv),
            "leaky_relu_fwd": lambda: leaky.forward(x),
            "leaky_relu_bwd": lambda: leaky_b.backward(dv),
            "softmax_fwd": lambda: sm.forward(x),
            "softmax_bwd": lambda: sm_b.backward(dv),  # the Jacobian loop
        }
        self.data = {case: inputs.fit(case) for case, _ in FITS}

    def kernels(self):
        return {name: time_kernel(fn, self.n) for name, fn in self.cases.items()}

    def model(self, case, sparse):
        from vanillanets import DenseLayer, Model
        from vanillanets.activations import ReLU, Softmax
        from vanillanets.losses import SparseCategoricalCrossEntropy
        from vanillanets.optimizers import Optimizer_Adam

        x, y, layers = self.data[case]
        model = Model()
        for i, (w, b) in enumerate(layers):
            dense = DenseLayer(*w.shape, seed=0)
            dense.weights, dense.biases = w.copy(), b.reshape(1, -1).copy()
            model.add(dense)
            model.add(Softmax() if i == len(layers) - 1 else ReLU())
        model.set(
            loss=SparseCategoricalCrossEntropy(),
            optimizer=Optimizer_Adam(learning_rate=LEARNING_RATE),
        )
        model.finalize()
        if sparse:
            targets = y
        else:
            targets = np.eye(layers[-1][0].shape[1], dtype=np.float32)[y]
        return model, x, targets

    def fit(self, case, epochs, reps, sparse=False):
        ms = []
        for _ in range(reps):
            model, x, targets = self.model(case, sparse)
            t = time.perf_counter()
            model.fit(x, targets, epochs=epochs, print_every=epochs + 1)
            ms.append((time.perf_counter() - t) * 1e3 / epochs)
        loss = model.loss.calculate(model.layers[-1].output, targets)
        return ms, float(loss)


class Torch:
    label = TORCH

    def __init__(self, inputs):
        import torch
        import torch.nn.functional as F

        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
        self.torch = torch
        t = lambda name: torch.from_numpy(inputs.kernel(name))
        x, dv, relu_y, sm_y = t("x"), t("dv"), t("relu_y"), t("softmax_y")
        out = torch.empty_like(x)
        aten = torch.ops.aten
        self.n = x.numel()
        self.cases = {
            "memcpy": lambda: out.copy_(x),
            "sigmoid_fwd": lambda: torch.sigmoid(x),
            "tanh_fwd": lambda: torch.tanh(x),
            "relu_fwd": lambda: torch.relu(x),
            "relu_bwd": lambda: aten.threshold_backward(dv, relu_y, 0.0),
            "leaky_relu_fwd": lambda: F.leaky_relu(x, 0.1),
            "leaky_relu_bwd": lambda: aten.leaky_relu_backward(dv, x, 0.1, False),
            "softmax_fwd": lambda: torch.softmax(x, 1),
            # What autograd runs for softmax's backward.
            "softmax_bwd": lambda: aten._softmax_backward_data(dv, sm_y, 1, torch.float32),
        }
        self.data = {case: inputs.fit(case) for case, _ in FITS}

    def kernels(self):
        with self.torch.inference_mode():
            return {name: time_kernel(fn, self.n) for name, fn in self.cases.items()}

    def fit(self, case, epochs, reps):
        torch = self.torch
        nn, F = torch.nn, torch.nn.functional
        x, y, layers = self.data[case]
        X, Y = torch.from_numpy(x), torch.from_numpy(y)
        ms = []
        for _ in range(reps):
            modules = []
            for i, (w, b) in enumerate(layers):
                lin = nn.Linear(*w.shape)
                with torch.no_grad():
                    lin.weight.copy_(torch.from_numpy(w.T.copy()))
                    lin.bias.copy_(torch.from_numpy(b))
                modules.append(lin)
                if i < len(layers) - 1:
                    modules.append(nn.ReLU())
            model = nn.Sequential(*modules)
            opt = torch.optim.Adam(
                model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-7
            )
            t = time.perf_counter()
            for _ in range(epochs):
                opt.zero_grad()
                loss = F.cross_entropy(model(X), Y)
                loss.backward()
                opt.step()
            ms.append((time.perf_counter() - t) * 1e3 / epochs)
        return ms, float(loss.item())


# ---------------------------------------------------------------- reporting


def fmt(v):
    if v != v:
        return "–"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def cell(values):
    if not values:
        return ""
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def cpu_lines():
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if ":" in line:
                k, v = line.split(":", 1)
                info.setdefault(k.strip(), v.strip())
    flags = set(info.get("flags", "").split())
    vec = [f for f in ("avx512f", "avx2", "fma", "avx") if f in flags]
    return (
        f"{info.get('model name', '?')} (family {info.get('cpu family', '?')}, "
        f"model {info.get('model', '?')}), {os.cpu_count()} logical CPUs, "
        f"flags: {', '.join(vec) or 'no AVX'}"
        + ("" if "avx512f" in flags else ", no avx512f")
    )


def vector_lines(crates):
    cfg = sh("rustc", "--print", "cfg", "-C", "target-cpu=native")
    feats = [l.split('"')[1] for l in cfg.splitlines() if l.startswith("target_feature=")]
    simd = [f for f in feats if f.startswith(("avx", "fma", "sse4"))]
    lines = [
        f"`rustc --print cfg -C target-cpu=native`: {', '.join(simd)}; "
        f"avx512f {'on' if 'avx512f' in feats else 'off'}"
    ]
    for c in crates:
        f = dict(kv.split("=", 1) for kv in c.info[1:])
        regs = ""
        dis = sh("objdump", "-d", "--no-show-raw-insn", c.path)
        if dis:
            regs = (
                f"; instructions naming xmm / ymm / zmm registers in the binary "
                f"(xmm includes scalar f32 code): "
                f"{dis.count('%xmm')} / {dis.count('%ymm')} / {dis.count('%zmm')}"
            )
        lines.append(
            f"crate, {c.label}: fast-math {f['fast-math']}, target features "
            f"{f['features']}, so {f['f32_lanes']} f32 lanes "
            f"({32 * int(f['f32_lanes'])}-bit vectors){regs}"
        )
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--crate", action="append", default=[], metavar="LABEL=PATH")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--reps-small", type=int, default=5, help="fits per round, small net")
    ap.add_argument("--reps-large", type=int, default=1, help="fits per round, large net")
    ap.add_argument("--reps-digits", type=int, default=1, help="fits per round, digits net")
    ap.add_argument("--data", default=str(REPO / "target" / "peers" / "data"))
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--command", default="", help="the command line, for the record")
    args = ap.parse_args()

    from threadpoolctl import threadpool_info, threadpool_limits

    limits = threadpool_limits(limits=1)  # noqa: F841 (kept for the whole run)

    crates = [Crate(*c.split("=", 1)) for c in args.crate]
    if not crates:
        sys.exit("no --crate LABEL=PATH given")
    manifest = subprocess.run(
        [crates[0].path, "--dump", args.data], check=True, capture_output=True, text=True
    ).stdout
    inputs = Inputs(args.data, manifest)

    peers = [VanillaNets(inputs)]
    torch_note = "not run (--no-torch)"
    if not args.no_torch:
        try:
            peers.append(Torch(inputs))
        except ImportError as e:
            torch_note = f"not installed ({e})"
    sides = crates + peers
    labels = [s.label for s in sides]

    # samples[(row, side label)] = one value per round
    samples = {}
    losses = {}
    vn_sparse = {case: [] for case, _ in FITS}
    loads = [load_avg()]
    started = time.time()

    # Warm-up of the in-process peers (the crate binaries warm up per call).
    for p in peers:
        p.kernels()
        for case, _ in FITS:
            p.fit(case, 3, 1)

    reps = {"small": args.reps_small, "large": args.reps_large, "digits": args.reps_digits}
    for r in range(args.rounds):
        order = sides[r % len(sides) :] + sides[: r % len(sides)]
        for side in order:
            for name, ns in side.kernels().items():
                samples.setdefault((name, side.label), []).append(ns)
            loads.append(load_avg())
        for case, _ in FITS:
            for side in order:
                ms, loss = side.fit(case, args.epochs, reps[case])
                samples.setdefault((case, side.label), []).append(statistics.median(ms))
                losses[(case, side.label)] = loss
                loads.append(load_avg())
            ms, loss = peers[0].fit(case, args.epochs, reps[case], sparse=True)
            vn_sparse[case].append(statistics.median(ms))
            losses[(case, VN + ", class indices")] = loss
        print(
            f"round {r + 1}/{args.rounds} done, {time.time() - started:.0f} s, "
            f"load {loads[-1]:.2f}",
            file=sys.stderr,
            flush=True,
        )
    loads.append(load_avg())

    # ---- the table
    peer_labels = [p.label for p in peers]
    head = [c.label for c in crates] + peer_labels
    print(
        "| case | unit | "
        + " | ".join(f"crate, {c.label}" for c in crates)
        + " | "
        + " | ".join(peer_labels)
        + " | "
        + " | ".join(f"{c.label} ÷ best peer" for c in crates)
        + " |"
    )
    print("|---|---|" + "---:|" * (len(head) + len(crates)))
    rows = [(k, title, "ns/element") for k, title in KERNELS]
    rows += [(k, title, "ms/epoch") for k, title in FITS]
    for key, title, unit in rows:
        med = {lab: statistics.median(samples[(key, lab)]) for lab in labels if (key, lab) in samples}
        best = min(peer_labels, key=lambda lab: med.get(lab, float("inf")))
        ratios = []
        for c in crates:
            if best in med and c.label in med:
                who = "VanillaNets" if best == VN else "PyTorch"
                ratios.append(f"{med[c.label] / med[best]:.2f}× ({who})")
            else:
                ratios.append("")
        cells = [cell(samples.get((key, lab), [])) for lab in head]
        print(f"| {title} | {unit} | " + " | ".join(cells + ratios) + " |")

    # ---- what was measured on what
    print()
    print(
        f"Median over {args.rounds} rounds (min–max of the rounds in brackets); "
        "ratio = crate median ÷ the best peer's median (below 1: the crate is faster). "
        f"Kernels: 100 000 f32, each round's value the median of {MIN_SAMPLES}–{MAX_SAMPLES} "
        f"samples of ≥ {SAMPLE_TIME * 1e3:.0f} ms. Epochs: full batch, Adam (lr "
        f"{LEARNING_RATE}), SparseCategoricalCrossEntropy with Softmax (the fused backward), "
        f"{args.epochs} epochs per fit from the same initial parameters, the round's value "
        f"the median of {args.reps_small} (small) / {args.reps_large} (large) / "
        f"{args.reps_digits} (digits) fits."
    )
    print()
    if args.command:
        print(f"- command: `{args.command}`")
    commit = sh("git", "-C", str(REPO), "rev-parse", "--short", "HEAD").strip()
    dirty = sh("git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no").strip()
    print(
        f"- when: {time.strftime('%Y-%m-%d %H:%M %Z')}, commit {commit}"
        + (" with uncommitted changes" if dirty else "")
        + f", {time.time() - started:.0f} s"
    )
    print(f"- CPU: {cpu_lines()}")
    for line in vector_lines(crates):
        print(f"- {line}")
    print(f"- {sh('rustc', '--version').strip()}")
    before = os.environ.get("PEERS_LOAD_BEFORE", "")
    print(
        f"- load (1-min average, /proc/loadavg): "
        + (f"{before} before the run; " if before else "")
        + f"{loads[0]:.2f} at the start, {min(loads):.2f}–{max(loads):.2f} during, "
        f"{loads[-1]:.2f} at the end (this run itself adds about 1); nice "
        f"{os.nice(0)}"
    )
    import numpy

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    parent = os.environ.get("PEERS_PARENT_OPENBLAS", "")
    for i in blas:
        print(
            f"- NumPy {numpy.__version__}: {i.get('internal_api')} {i.get('version')}, "
            f"kernel (architecture) {i.get('architecture')}, {i.get('num_threads')} thread(s) "
            f"(threadpoolctl); OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for this run"
            + (f" (outside it: {parent})" if parent else "")
        )
    from importlib.metadata import version

    print(f"- vanillanets {version('vanillanets')}, float32 arrays throughout")
    if len(peers) > 1:
        torch = peers[1].torch
        print(
            f"- torch {torch.__version__}: {torch.get_num_threads()} intra-op / "
            f"{torch.get_num_interop_threads()} inter-op thread(s), CPU capability "
            f"{torch.backends.cpu.get_cpu_capability()}, MKL {torch.backends.mkl.is_available()}; "
            "kernels under `torch.inference_mode()`; Softmax backward is "
            "`aten._softmax_backward_data` (what autograd runs); training loop: "
            "`zero_grad`, forward, `cross_entropy`, `backward`, `Adam.step` (default, "
            "single-tensor Adam)"
        )
    else:
        print(f"- torch: {torch_note}")
    print(
        "- VanillaNets is given one-hot targets (its vectorised loss path); with class "
        "indices its loss runs a Python loop per sample: "
        + ", ".join(f"{case} {cell(v)} ms/epoch" for case, v in vn_sparse.items())
    )
    print(
        f"- loss after {args.epochs} epochs (same data, same initial parameters): "
        + "; ".join(
            f"{case}: " + ", ".join(f"{lab} {losses[(case, lab)]:.4f}" for lab in labels + [VN + ", class indices"] if (case, lab) in losses)
            for case, _ in FITS
        )
    )
    print(f"- Python {platform.python_version()}, {platform.platform()}")


if __name__ == "__main__":
    main()
