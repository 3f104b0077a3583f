#!/usr/bin/python3
"""An architecture question answered with a Python sweep: how many Tensix cores does a matmul
use well before something other than the FPUs bounds it?

Two shapes stand for the two phases of an LLM: a prefill-like square matmul (1024 x 1024 x 1024)
and a decode-like skinny one (32 x 2048 x 2048: one tile row of activations against a weight
matrix). Each runs on n150 with the worker grid cut down to 1x1 ... 8x8 cores (`worker_grid`
override), in timing numerics (no tile math; the same cycles). The plot shows the speed-up over
one core against the ideal (the core count), and each point's bound (compute, noc, dram, latency).

    /usr/bin/python3 examples/python/grid_scaling.py [--out grid_scaling.png]
"""
import argparse

import numpy as np

import tensim

GRIDS = ["1x1", "2x1", "2x2", "4x2", "4x4", "8x4", "8x8"]
SHAPES = {"prefill-like 1024x1024x1024": (1024, 1024, 1024),
          "decode-like 32x2048x2048": (32, 2048, 2048)}


def sweep(grids=GRIDS, shapes=SHAPES):
    """{shape label: [(cores, cycles, bound, fpu utilization), ...]}: a Python sweep is a loop."""
    results = {}
    for label, (m, k, n) in shapes.items():
        a, b = np.zeros((m, k), np.float32), np.zeros((k, n), np.float32)
        rows = []
        for grid in grids:
            x, y = (int(v) for v in grid.split("x"))
            with tensim.open("n150", set={"worker_grid": grid}, numerics="timing"):
                r = tensim.ops.matmul(a, b)
            rows.append((x * y, r.cycles, r.bound, r.fpu_utilization))
            print(f"{label:30s} {grid:>4s}: {r.cycles:>9d} cycles, bound by {r.bound:8s} "
                  f"FPU {100 * r.fpu_utilization:5.1f}%  ({r.plan.split(':')[0]})")
        results[label] = rows
    return results


def plot(results, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    cores = [c for c, *_ in next(iter(results.values()))]
    ax.plot(cores, cores, "k:", label="ideal (speed-up = cores)")
    markers = {"compute": "o", "noc": "s", "dram": "^", "latency": "x"}
    for label, rows in results.items():
        base = rows[0][1]
        speedup = [base / cyc for _, cyc, _, _ in rows]
        line, = ax.plot(cores, speedup, "-", label=label)
        for (c, _, bound, _), s in zip(rows, speedup):
            ax.plot(c, s, markers.get(bound, "o"), color=line.get_color())
    for bound, mk in markers.items():
        ax.plot([], [], mk, color="gray", label=f"bound: {bound}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("Tensix cores (worker_grid override on n150)")
    ax.set_ylabel("speed-up over one core")
    ax.set_title("Where a matmul stops scaling with cores (tensim, timing numerics)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default="grid_scaling.png", help="PNG file to write")
    p.add_argument("--quick", action="store_true",
                   help="two grids and small shapes (a smoke test of the script)")
    args = p.parse_args()
    if args.quick:
        results = sweep(["1x1", "2x2"], {"square 128^3": (128, 128, 128),
                                        "skinny 32x256x256": (32, 256, 256)})
    else:
        results = sweep()
    for label, rows in results.items():
        c, cyc, bound, fpu = rows[-1]
        print(f"{label}: {rows[0][1] / cyc:.1f}x on {c} cores, bound by {bound}, "
              f"FPU {100 * fpu:.0f}%")
    plot(results, args.out)


if __name__ == "__main__":
    main()
