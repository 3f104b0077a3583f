#!/usr/bin/env python3
"""Curves of a `tensim sweep` CSV: the metric against the first varied key, one curve per value of
the second (if any), failed points marked on the x axis.

    plot_sweep.py SWEEP.csv OUT.png KEY1 [KEY2] [--y COLUMN] [--title TEXT]

The metric is --y, else device_cycles, else tokens_per_s_per_user or ttft_ms (`tensim llm`
points), else the first column ending in "cycles". Values that are
all numbers are placed on a numeric axis (log2 when they span 4x or more); others (4x4) are
categories in the order of the CSV; the metric axis is logarithmic when it spans 8x or more. `tensim sweep --plot OUT.png` runs this. Needs matplotlib
(Debian: python3-matplotlib); without it the script says so and exits with status 3 so the
caller can skip the plot.
"""
import argparse
import csv
import sys


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("png")
    ap.add_argument("keys", nargs="+")
    ap.add_argument("--y", default=None)
    ap.add_argument("--title", default=None)
    args = ap.parse_args(argv[1:])
    if len(args.keys) > 2:
        print("plot_sweep.py: draws one or two varied keys; the first two are used", file=sys.stderr)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
        import matplotlib.transforms
    except ImportError:
        print("plot_sweep.py: matplotlib is not installed (Debian: apt-get install python3-matplotlib)",
              file=sys.stderr)
        return 3

    with open(args.csv, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        print(f"plot_sweep.py: {args.csv} has no rows", file=sys.stderr)
        return 1
    columns = list(rows[0].keys())
    for k in args.keys:
        if k not in columns:
            print(f"plot_sweep.py: {args.csv} has no column {k}", file=sys.stderr)
            return 1
    y = args.y
    if y is None:
        # `tensim llm` points: the serving figure of their mode (a column empty in every row is
        # the other mode's).
        filled = [c for c in ("tokens_per_s_per_user", "ttft_ms")
                  if c in columns and any(r.get(c) for r in rows)]
        y = "device_cycles" if "device_cycles" in columns else filled[0] if filled else next(
            (c for c in columns if c.endswith("cycles")), None)
    if y is None or y not in columns:
        print(f"plot_sweep.py: no metric column to plot (give --y)", file=sys.stderr)
        return 1
    xkey = args.keys[0]
    ckey = args.keys[1] if len(args.keys) > 1 else None

    xs = list(dict.fromkeys(r[xkey] for r in rows))  # in CSV order
    numeric = all(number(x) is not None for x in xs)
    if numeric:
        xs.sort(key=float)
        place = {x: float(x) for x in xs}
    else:
        place = {x: i for i, x in enumerate(xs)}
    curves = list(dict.fromkeys(r[ckey] for r in rows)) if ckey else [None]
    if ckey and all(number(c) is not None for c in curves):
        curves.sort(key=float)

    fig, ax = plt.subplots(figsize=(8, 5.5))
    failed = []
    ymax = 0.0
    for i, c in enumerate(curves):
        pts = []
        for r in rows:
            if ckey and r[ckey] != c:
                continue
            v = number(r.get(y, "")) if r.get("status") == "ok" else None
            if v is None:
                failed.append((r[xkey], c))
            else:
                pts.append((place[r[xkey]], v))
                ymax = max(ymax, v)
        pts.sort()
        label = f"{ckey}={c}" if ckey else y
        if pts:
            ax.plot([p for p, _ in pts], [v for _, v in pts], marker="o", color=f"C{i % 10}", label=label)
        else:
            ax.plot([], [], marker="x", color=f"C{i % 10}", linestyle="none", label=f"{label}: every point failed")
        for px, v in pts if len(curves) == 1 else []:  # with several curves the labels collide
            ax.annotate(f"{v:,.0f}" if v >= 100 else f"{v:.3g}", (px, v), textcoords="offset points",
                        xytext=(4, 4), fontsize=7, color=f"C{i % 10}")
    # Failed points sit on the x axis (in axes coordinates, whatever the y scale).
    on_axis = matplotlib.transforms.blended_transform_factory(ax.transData, ax.transAxes)
    for x, c in failed:
        i = curves.index(c)
        ax.plot([place[x]], [0], marker="x", markersize=9, color=f"C{i % 10}", linestyle="none", clip_on=False,
                transform=on_axis)
    if failed:
        ax.plot([], [], marker="x", color="grey", linestyle="none", label=f"failed ({len(failed)}, see CSV)")

    if numeric:
        lo, hi = min(place.values()), max(place.values())
        if lo > 0 and hi / lo >= 4:
            ax.set_xscale("log", base=2)
        ax.set_xticks([place[x] for x in xs])
        ax.set_xticklabels(xs)
    else:
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels(xs)
        ax.set_xlim(-0.3, len(xs) - 0.7)
    values = [v for line in ax.get_lines() for v in line.get_ydata() if line.get_transform() != on_axis]
    if values and min(values) > 0 and max(values) / min(values) >= 8:  # spans an order of magnitude: log
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    else:
        ax.set_ylim(bottom=0, top=ymax * 1.12 if ymax > 0 else 1)
    ax.set_xlabel(xkey)
    ax.set_ylabel(y.replace("_", " "))
    ax.set_title(args.title or f"{y} vs {xkey}", fontsize=10)
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
