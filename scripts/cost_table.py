#!/usr/bin/env python3
"""Turns the firmware's `cost` lines into the README's markdown table.

    python3 scripts/cost_table.py tests/firmware/target/fw-out
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
costs = {}
for target, _ in cores:
    for line in (out / f"kernel-{target}.txt").read_text().splitlines():
        m = re.match(r"cost (.+): \d+ ticks, ([\d.]+) instructions/element", line)
        if m:
            costs.setdefault(m.group(1), {})[target] = m.group(2)
print("| kernel | " + " | ".join(name for _, name in cores) + " |")
print("|---|" + "---:|" * len(cores))
for kernel, row in costs.items():
    print(f"| {kernel} | " + " | ".join(row.get(t, "") for t, _ in cores) + " |")
