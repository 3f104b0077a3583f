#!/usr/bin/env python3
"""Predicted vs measured for `tensim calibrate --json` results, on log axes, one colour per kind.

    plot_calibration.py RESULTS.json OUT.png

`tensim calibrate --plot OUT.png` runs this. Needs matplotlib (Debian: python3-matplotlib); without
it the script says so and exits with status 3 so the caller can skip the plot.
"""
import json
import sys


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_calibration.py: matplotlib is not installed (Debian: apt-get install python3-matplotlib)",
              file=sys.stderr)
        return 3

    with open(argv[1]) as f:
        results = json.load(f)
    by_kind = {}
    for c in results.get("cases", []):
        if c.get("predicted") is None or c.get("measured") is None:
            continue
        if c["predicted"] <= 0 or c["measured"] <= 0:
            continue
        by_kind.setdefault(c["kind"], []).append((c["measured"], c["predicted"]))
    summary = results.get("summary", {}).get("kinds", {})

    fig, ax = plt.subplots(figsize=(8, 8))
    lo, hi = float("inf"), 0.0
    for i, (kind, points) in enumerate(sorted(by_kind.items())):
        xs = [m for m, _ in points]
        ys = [p for _, p in points]
        lo, hi = min(lo, *xs, *ys), max(hi, *xs, *ys)
        s = summary.get(kind, {})
        label = f"{kind} ({len(points)})"
        if s.get("median_abs_error_pct") is not None:
            label += f", median |err| {s['median_abs_error_pct']:.1f}%"
        ax.scatter(xs, ys, label=label, color=f"C{i % 10}", s=28, alpha=0.85, edgecolors="none")
    if hi > 0:
        lo, hi = lo / 2, hi * 2
        ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8, label="predicted = measured")
        for f, style in ((1.1, ":"), (1.5, "--")):
            ax.plot([lo, hi], [lo * f, hi * f], color="grey", linewidth=0.6, linestyle=style)
            ax.plot([lo, hi], [lo / f, hi / f], color="grey", linewidth=0.6, linestyle=style,
                    label=f"±{round((f - 1) * 100)}%")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_aspect("equal")
    ax.set_xlabel("measured on silicon (case metric)")
    ax.set_ylabel("predicted by tensim (case metric)")
    overall = results.get("summary", {}).get("overall", {})
    title = "tensim calibrate: predicted vs measured"
    if overall.get("median_abs_error_pct") is not None:
        title += (f"\n{overall['count']} cases, median |error| {overall['median_abs_error_pct']:.1f}%, "
                  f"p90 {overall['p90_abs_error_pct']:.1f}%")
    ax.set_title(title)
    ax.grid(True, which="both", linewidth=0.3, alpha=0.5)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
