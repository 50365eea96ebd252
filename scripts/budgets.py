#!/usr/bin/env python3
"""Instruction budgets: deterministic instruction counts against the
committed ones.

    python3 scripts/budgets.py check  tests/firmware/target/fw-out   # CI (firmware.sh)
    python3 scripts/budgets.py update tests/firmware/target/fw-out   # after a deliberate change
    python3 scripts/budgets.py check  --x86 TABLE.md                  # CI (callgrind.sh --budgets)
    python3 scripts/budgets.py update --x86 TABLE.md

The first kind is the Cortex-M4F firmware's (tests/firmware/budgets.txt);
the second, x86-64 instructions per element of each kernel counted by
callgrind in the default build (`scripts/callgrind.sh` prints the table;
benches/budgets-x86.txt).

Under `qemu -icount shift=0` every `cost` line of the Cortex-M4F firmware
(`kernel`: instructions per element of each kernel; `train`: per epoch,
per phase, per multiply-accumulate of each Dense kernel; `infer`: one
`predict`) repeats exactly from run to run, so any growth is the code's.
`check` fails when a cost grows by more than 10 % over its budget, falls
below half of it (more likely a broken measurement than a speed-up), or
a budgeted cost is missing, and prints the old and new figure of each; a
cost 10 % below its budget is reported so the budget can be lowered.
Change the budget file in the same commit as the code that changes a
cost, and say why in the commit message.
"""
import pathlib
import re
import sys

TARGET = "thumbv7em-none-eabihf"
FILES = ("kernel", "train", "infer")
TOLERANCE = 0.10
COLLAPSE = 0.5
ROOT = pathlib.Path(__file__).resolve().parent.parent
BUDGETS = ROOT / "tests/firmware/budgets.txt"
X86_BUDGETS = ROOT / "benches/budgets-x86.txt"
WHERE = TARGET


def costs(out):
    """{name: value} from the `cost` lines of the M4F outputs in `out`.

    The name is the text before the first ': ' (e.g. `kernel relu
    forward`); the value is the first figure in instructions per element
    or per MAC, else the number after `total `, else the first number
    after the colon. The `epoch split` lines add up budgeted phases.
    """
    found = {}
    for f in FILES:
        path = out / f"{f}-{TARGET}.txt"
        for line in path.read_text().splitlines():
            if not line.startswith("cost "):
                continue
            name, _, rest = line[len("cost "):].partition(": ")
            if name.endswith(" split"):
                continue  # the sum of the phases, each budgeted
            m = (
                re.search(r"([\d.]+) instructions/(element|MAC)", rest)
                or re.search(r"total ([\d.]+)", rest)
                or re.search(r"([\d.]+)", rest)
            )
            if m:
                found[f"{f} {name}"] = float(m.group(1))
    return found


# Cases that are a copy through glibc's memcpy, whose variant (and so its
# instruction count) glibc picks by the CPU at run time: not the crate's.
X86_UNBUDGETED = {"memcpy", "linear_fwd"}


def x86_costs(table):
    """{kernel: instructions per element} from callgrind.sh's markdown table."""
    found = {}
    for line in table.read_text().splitlines():
        m = re.match(r"\| (\S+) \| ([\d.]+) \|$", line)
        if m and m.group(1) not in X86_UNBUDGETED:
            found[f"x86 {m.group(1)}"] = float(m.group(2))
    return found


def read_budgets():
    budgets = {}
    for line in BUDGETS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        value, name = line.split("\t", 1)
        budgets[name] = float(value)
    return budgets


def fmt(v):
    return f"{v:.0f}" if v == int(v) else f"{v:g}"


def check(out):
    now, budgets = costs(out), read_budgets()
    over, under = [], []
    for name, budget in budgets.items():
        if name not in now:
            over.append(f"  {name}: budget {fmt(budget)}, no longer measured")
            continue
        v = now[name]
        change = v / budget - 1 if budget else 0.0
        if v > budget * (1 + TOLERANCE):
            over.append(f"  {name}: {fmt(budget)} -> {fmt(v)} ({change:+.1%})")
        elif v <= 0 or v < budget * COLLAPSE:
            # More likely a measurement that broke (a renamed probe, a
            # lost counter) than a speed-up; a real one updates the file.
            over.append(f"  {name}: {fmt(budget)} -> {fmt(v)} ({change:+.1%}, below half: measured?)")
        elif v < budget * (1 - TOLERANCE):
            under.append(f"  {name}: {fmt(budget)} -> {fmt(v)} ({change:+.1%})")
    new = sorted(set(now) - set(budgets))
    print(f"{len(budgets)} instruction budgets on {WHERE}, {len(now)} costs measured")
    if under:
        print("below budget by more than 10 % (lower the budget: scripts/budgets.py update):")
        print("\n".join(under))
    if new:
        print("measured but not budgeted (add them: scripts/budgets.py update):")
        print("\n".join(f"  {n}: {fmt(now[n])}" for n in new))
    if over:
        print("OVER BUDGET (more than 10 % above, below half, or missing):", file=sys.stderr)
        print("\n".join(over), file=sys.stderr)
        sys.exit(1)
    print("every cost within 10 % of its budget")


def update(out):
    now = costs(out)
    lines = [
        f"# Instruction budgets on {WHERE}: the value, a tab, the cost's name.",
        "# scripts/budgets.py check fails CI when a cost grows more than 10 % over",
        "# its budget. Written by scripts/budgets.py update; change it in the same",
        "# commit as the code, and say why.",
    ]
    lines += [f"{fmt(v)}\t{name}" for name, v in sorted(now.items())]
    BUDGETS.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(now)} budgets to {BUDGETS}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[1] == "--x86":
        BUDGETS, WHERE, costs = X86_BUDGETS, "x86-64 (callgrind, default build)", x86_costs
        args = [args[0], args[2]]
    if len(args) != 2 or args[0] not in ("check", "update"):
        sys.exit(__doc__)
    {"check": check, "update": update}[args[0]](pathlib.Path(args[1]))
