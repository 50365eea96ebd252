#!/usr/bin/env python3
"""Turns the training and inference firmwares' output (scripts/firmware.sh)
into the tables of docs/firmware.md ("Training on the device").

    python3 scripts/training_table.py tests/firmware/target/fw-out
"""
import pathlib
import re
import sys

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/firmware/target/fw-out")
cores = [
    ("thumbv7em-none-eabihf", "Cortex-M4F"),
    ("thumbv7m-none-eabi", "Cortex-M3"),
    ("thumbv6m-none-eabi", "M0+ code on M3"),
]
NETS = {"spiral": "spiral (2-16-3, fused Softmax + SCCE, Adam)",
        "circle": "circle (2-16-1, Sigmoid + BCE, SGD + momentum)"}


def lines(name, target):
    path = out / f"{name}-{target}.txt"
    return path.read_text().splitlines() if path.exists() else []


def grab(text, pattern, cast=int):
    m = re.search(pattern, text)
    return cast(m.group(1)) if m else None


def fmt(n):
    if n is None:
        return ""
    if isinstance(n, float):
        return f"{n:,.2f}".replace(",", " ")
    return f"{n:,}".replace(",", " ")


data = {}
for target, _ in cores:
    text = "\n".join(lines("train", target))
    for net in NETS:
        d = data.setdefault((net, target), {})
        d["epoch"] = grab(text, rf"cost {net} epoch: (\d+) instructions")
        d["epoch_sample"] = grab(text, rf"cost {net} epoch: .*?, (\d+) per sample")
        d["total"] = grab(text, rf"cost {net} epoch: .*?, (\d+) for the")
        d["predict"] = grab(text, rf"cost {net} forward \(Model::predict.*?(\d+) per sample")
        d["evaluate"] = grab(text, rf"cost {net} forward \+ loss .*?(\d+) per sample")
        d["backward"] = grab(text, rf"cost {net} backward of .*?; total \d+, (\d+) per sample")
        d["step"] = grab(text, rf"cost {net} update .*?: (\d+) per step")
        d["step_one"] = grab(text, rf"cost {net} update .*?\((\d+) for one parameter")
        d["step_param"] = grab(text, rf"cost {net} update .*?then ([\d.]+) per parameter", float)
        d["update"] = grab(text, rf"cost {net} update .*?: (\d+) per sample")
        d["other"] = grab(text, rf"cost {net} epoch split: .*?per sample \d+ \+ \d+ \+ \d+ \+ (\d+) =")
        d["fit_stack"] = grab(text, rf"stack {net}: fit (\d+) B")
        d["predict_stack"] = grab(text, rf"stack {net}: predict (\d+) B")
        d["evaluate_stack"] = grab(text, rf"stack {net}: .*?evaluate (\d+) B")
        for kind in ("forward kernels", "backward"):
            m = re.search(rf"cost {net} {kind} of \d+ rows: (.*?); total (\d+)", text)
            if m:
                d["split " + kind] = [(p.rsplit(" ", 1)[0], int(p.rsplit(" ", 1)[1]))
                           for p in m.group(1).split(", ")] + [("total", int(m.group(2)))]
        d["mem"] = grab(text, rf"(mem {net}: .*)", str)
    data[("dense", target)] = re.findall(
        r"cost dense (\S+ x\d+) (forward|backward parameters|backward inputs): library ([\d.]+) "
        r"instructions/MAC(?:, plain loops ([\d.]+) \(same bits: (\w+)\))?", text)
    data[("aifes", target)] = grab(text, r"(mem aifes .*)", str)
    data[("calib", target)] = grab(text, r"calib ticks\(200000 instr\) = (\d+)")
    infer = "\n".join(lines("infer", target))
    data[("infer", target)] = grab(infer, r"cost infer predict of \d+ rows: \d+ instructions, (\d+) per sample")

header = "| | " + " | ".join(name for _, name in cores) + " |"
rule = "|---|" + "---:|" * len(cores)
for net, title in NETS.items():
    print(f"**{title}**, instructions:\n")
    print(header)
    print(rule)
    rows = [
        ("one epoch", "epoch"),
        ("per training sample", "epoch_sample"),
        ("… forward + loss (`Model::evaluate`)", "evaluate"),
        ("… backward (the kernels the model runs)", "backward"),
        ("… update (`Optimizer::step`)", "update"),
        ("… the rest (gather, shuffle, bookkeeping)", "other"),
        ("forward alone (`Model::predict`), per sample", "predict"),
        ("one optimizer step", "step"),
        ("… the same step on one parameter", "step_one"),
        ("… then per parameter", "step_param"),
        ("all 30 epochs", "total"),
    ]
    for label, key in rows:
        print(f"| {label} | " + " | ".join(fmt(data[(net, t)].get(key)) for t, _ in cores) + " |")
    print()

print("Kernels on one micro-batch of 8 rows, instructions:\n")
print("| net | kernel | " + " | ".join(name for _, name in cores) + " |")
print("|---|---|" + "---:|" * len(cores))
for net in NETS:
    for kind in ("forward kernels", "backward"):
        parts = data[(net, cores[0][0])].get("split " + kind) or []
        for i, (label, _) in enumerate(parts):
            cells = []
            for t, _ in cores:
                p = data[(net, t)].get("split " + kind) or []
                cells.append(fmt(p[i][1]) if i < len(p) else "")
            what = "forward" if kind == "forward kernels" else "backward"
            print(f"| {net} | {what}: {label} | " + " | ".join(cells) + " |")
print()

print("Dense kernels, instructions per multiply-accumulate (library tiles / plain loops, same bits):\n")
print("| shape (inputs x outputs x rows) | kernel | " + " | ".join(name for _, name in cores) + " |")
print("|---|---|" + "---:|" * len(cores))
entries = {}
for t, _ in cores:
    for shape, kernel, lib, prop, same in data[("dense", t)]:
        cell = lib if not prop else f"{lib} / {prop}" + ("" if same == "true" else " (BITS DIFFER)")
        entries.setdefault((shape, kernel), {})[t] = cell
for (shape, kernel), row in entries.items():
    print(f"| {shape} | {kernel} | " + " | ".join(row.get(t, "") for t, _ in cores) + " |")
print()

print("Stack (painted), bytes below the caller:\n")
print("| net | call | " + " | ".join(name for _, name in cores) + " |")
print("|---|---|" + "---:|" * len(cores))
for net in NETS:
    for label, key in (("`fit`", "fit_stack"), ("`evaluate`", "evaluate_stack"), ("`predict`", "predict_stack")):
        print(f"| {net} | {label} | " + " | ".join(fmt(data[(net, t)].get(key)) for t, _ in cores) + " |")
print()
for net in NETS:
    print(f"    {data[(net, cores[0][0])].get('mem')}")
print(f"    {data[('aifes', cores[0][0])]}")
print()
print("`Network::predict` of the exported spiral net, instructions per sample (16 rows a call): "
      + ", ".join(f"{name} {fmt(data[('infer', t)])}" for t, name in cores))
print("Calibration (5000 expected): "
      + ", ".join(f"{name} {data[('calib', t)]}" for t, name in cores))
sizes = out / "training-sizes.txt"
if sizes.exists():
    print()
    print(sizes.read_text().rstrip())
