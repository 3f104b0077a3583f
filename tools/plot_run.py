#!/usr/bin/env python3
"""Pictures of one simulated run from its stats JSON (`tensim_stats` schema).

    plot_run.py STATS.json OUTDIR [--program N] [--core X,Y]

Writes into OUTDIR, and prints each path written:
  core_utilization.png  FPU utilization per worker core (logical grid, x right, y down)
  noc_links.png         utilization of every used NoC0 / NoC1 link on the physical router grid
  timeline_core_X_Y.png how each RISC thread and compute engine of one core spent the program
  eth_links.png         (systems of several chips) each Ethernet link's load per direction, chips
                        at their mesh positions, over all chips' programs launched with the picked one

--program N picks the program with index N (default: the one with the most device cycles);
--core X,Y picks a core by logical worker coordinates (default: the one with the most stall cycles).
Needs matplotlib (Debian: python3-matplotlib); without it the script says so and exits with
status 3 so the caller can skip the plots. Usage errors exit with status 2, bad input with 1.
"""
import argparse
import json
import math
import os
import re
import sys

THREADS = ["brisc", "ncrisc", "trisc0", "trisc1", "trisc2"]
ENGINES = ["unpack", "fpu", "sfpu", "pack"]
# Stall reasons in the order the legend lists them, each with a colour of its family:
# circular buffers orange, semaphores purple, NoC blues, source/destination registers reds/browns.
STALL_COLOURS = {
    "cb_reserve": "#ff7f0e", "cb_wait": "#ffbb78", "semaphore": "#9467bd",
    "noc_read": "#1f77b4", "noc_write": "#6baed6", "noc_atomic": "#17becf", "noc_barrier": "#9edae5",
    "noc_drain": "#393b79", "src_free": "#d62728", "src_full": "#ff9896", "dst_free": "#8c564b",
    "dst_committed": "#c49c94",
}
EXTRA_COLOURS = ["#e377c2", "#f7b6d2", "#bcbd22", "#dbdb8d", "#7f7f7f", "#637939", "#e7ba52"]
BUSY_COLOUR, IDLE_COLOUR, NOT_BUSY_COLOUR = "#2ca02c", "#dddddd", "#f2f2f2"

CORE_KEY = re.compile(r"^chip(\d+)\.core_(\d+)_(\d+)\.(\w+)\.(.+)$")
LINK_KEY = re.compile(r"^chip(\d+)\.noc(\d+)\.link_(\d+)_(\d+)_(east|west|north|south)\.(\w+)$")
ETH_KEY = re.compile(r"^chip(\d+)\.eth(\d+)\.tx\.(\w+)$")
STEP = {"east": (1, 0), "west": (-1, 0), "south": (0, 1), "north": (0, -1)}


class InputError(Exception):
    """The stats file is not what the schema promises."""


class UsageError(Exception):
    """A command-line choice that the stats file cannot satisfy."""


# ---------------------------------------------------------------------------------------------
# Reading the stats file. The config is optional and comes in two spellings: plain numbers
# (`"grid_x": 10`) or the architecture files' constants (`{"value": ..., "unit": ..., "source": ...}`).

def val(node):
    return node.get("value") if isinstance(node, dict) and "value" in node else node


def dig(node, *path):
    for key in path:
        node = val(node)
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return val(node)


def first(*candidates):
    return next((c for c in candidates if c is not None), None)


def xy_list(node):
    """A list of [x, y] pairs, or None."""
    if not isinstance(node, list):
        return None
    out = []
    for p in node:
        if isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(v, int) for v in p):
            out.append((p[0], p[1]))
        elif isinstance(p, list):  # a group of pairs (grid.dram_groups)
            out.extend(xy_list(p) or [])
    return out


class Layout:
    """What the config says about the chip's tiles; every field may be unknown (None or empty)."""

    def __init__(self, config):
        config = config if isinstance(config, dict) else {}
        chip = config.get("chip") if isinstance(config.get("chip"), dict) else {}
        size = first(dig(chip, "grid", "size"), dig(config, "grid", "size"))
        self.grid_x = first(dig(chip, "noc", "grid_x"), dig(config, "noc", "grid_x"),
                            size[0] if isinstance(size, list) and len(size) == 2 else None)
        self.grid_y = first(dig(chip, "noc", "grid_y"), dig(config, "noc", "grid_y"),
                            size[1] if isinstance(size, list) and len(size) == 2 else None)
        self.worker_cols = first(dig(config, "worker_cols"), dig(config, "worker_grid", "cols"))
        self.worker_rows = first(dig(config, "worker_rows"), dig(config, "worker_grid", "rows"))
        wg = dig(config, "worker_grid")
        self.workers_x = first(len(self.worker_cols) if isinstance(self.worker_cols, list) else None,
                               dig(wg, "x") if isinstance(wg, dict) else None,
                               wg[0] if isinstance(wg, list) and len(wg) == 2 else None)
        self.workers_y = first(len(self.worker_rows) if isinstance(self.worker_rows, list) else None,
                               dig(wg, "y") if isinstance(wg, dict) else None,
                               wg[1] if isinstance(wg, list) and len(wg) == 2 else None)
        grid = lambda key: first(dig(chip, "grid", key), dig(chip, key), dig(config, "grid", key))
        self.tensix_cols = grid("tensix_cols") or []
        self.tensix_rows = grid("tensix_rows") or []
        self.dram = xy_list(first(grid("dram_groups"), grid("dram"))) or []
        self.eth = xy_list(grid("eth")) or []
        self.other = [(xy, "PCIe") for xy in xy_list(grid("pcie")) or []] + \
                     [(xy, "ARC") for xy in xy_list(grid("arc")) or []]

    def worker_physical(self):
        """Physical router of each logical worker, when the config says where the workers are."""
        if not isinstance(self.worker_cols, list) or not isinstance(self.worker_rows, list):
            return {}
        return {(lx, ly): (px, py) for lx, px in enumerate(self.worker_cols) for ly, py in enumerate(self.worker_rows)}


def load(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"{path} is not JSON: {e}")
    if not isinstance(data, dict) or not isinstance(data.get("programs"), list) or not data["programs"]:
        raise InputError(f"{path} has no programs (expected a tensim_stats file)")
    return data


def pick_program(programs, index):
    """The program and its index (its "index" key, else its position in the file)."""
    numbered = [(p.get("index", i), p) for i, p in enumerate(programs)]
    if index is None:
        return max(numbered, key=lambda ip: ip[1].get("device_cycles") or 0)
    for i, p in numbered:
        if i == index:
            return i, p
    have = ", ".join(str(p.get("index", i)) for i, p in enumerate(programs))
    raise UsageError(f"no program with index {index} (the file has {have})")


class ProgramStats:
    """The flat stats of one program, grouped by core and by link."""

    def __init__(self, index, program):
        self.index, self.program = index, program
        self.label = f"{program['name']} (program {index})" if program.get("name") else f"program {index}"
        stats = program.get("stats") or {}
        chips = sorted({int(m.group(1)) for k in stats for m in [CORE_KEY.match(k) or LINK_KEY.match(k)] if m})
        self.chip = program.get("chip", chips[0] if chips else 0)
        self.cores = {}  # (x, y) -> {"brisc.busy_cycles": v, ...}
        self.links = {}  # (noc, x, y, direction) -> {"utilization": v, ...}
        for key, v in stats.items():
            if not isinstance(v, (int, float)):
                continue
            m = CORE_KEY.match(key)
            if m and int(m.group(1)) == self.chip:
                self.cores.setdefault((int(m.group(2)), int(m.group(3))), {})[f"{m.group(4)}.{m.group(5)}"] = v
                continue
            m = LINK_KEY.match(key)
            if m and int(m.group(1)) == self.chip:
                link = (int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5))
                self.links.setdefault(link, {})[m.group(6)] = v
        thread_total = max((self.thread_total(c, t) for c in self.cores for t in THREADS), default=0)
        self.cycles = program.get("device_cycles") or thread_total

    def thread_total(self, core, thread):
        s = self.cores.get(core, {})
        return sum(v for k, v in s.items() if k.startswith(thread + "."))

    def stalls(self, core, thread):
        prefix = thread + ".stall_cycles."
        return {k[len(prefix):]: v for k, v in self.cores.get(core, {}).items() if k.startswith(prefix)}

    def ran(self, core):
        s = self.cores.get(core, {})
        return any(v > 0 for k, v in s.items() if k.endswith(".busy_cycles") or k.endswith(".utilization"))

    def fpu_utilization(self, core):
        s = self.cores.get(core, {})
        if "fpu.utilization" in s:
            return s["fpu.utilization"]
        return s.get("fpu.busy_cycles", 0) / self.cycles if self.cycles else 0.0

    def link_utilization(self, link):
        s = self.links[link]
        if "utilization" in s:
            return s["utilization"]
        if "busy_cycles" in s and self.cycles:
            return s["busy_cycles"] / self.cycles
        return None

    def title(self, cycles_word="cycles"):
        bits = [f"{self.cycles:,} {cycles_word}"]
        if self.program.get("device_time_us") is not None:
            bits[0] += f" ({self.program['device_time_us']:,.1f} us)"
        if self.program.get("bound"):
            bits.append(f"{self.program['bound']}-bound")
        return f"{self.label}: " + ", ".join(bits)


# ---------------------------------------------------------------------------------------------
# The pictures.

def text_colour(rgba):
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def plot_core_utilization(plt, ps, layout, path):
    seen_x = max((x for x, _ in ps.cores), default=-1) + 1
    seen_y = max((y for _, y in ps.cores), default=-1) + 1
    wx, wy = max(layout.workers_x or 0, seen_x, 1), max(layout.workers_y or 0, seen_y, 1)
    grid = [[math.nan] * wx for _ in range(wy)]
    ran = 0
    for (x, y) in ps.cores:
        if ps.ran((x, y)):
            grid[y][x] = ps.fpu_utilization((x, y))
            ran += 1
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("#c8c8c8")
    fig, ax = plt.subplots(figsize=(max(5.5, 0.75 * wx + 3), max(4.5, 0.7 * wy + 2.2)))
    im = ax.imshow(grid, cmap=cmap, vmin=0.0, vmax=1.0, origin="upper", aspect="equal")
    phys = layout.worker_physical()
    ax.set_xticks(range(wx))
    ax.set_yticks(range(wy))
    if phys and wx <= 16 and wy <= 16:
        ax.set_xticklabels([f"{x}\n({phys.get((x, 0), ('?',))[0]})" for x in range(wx)], fontsize=8)
        ax.set_yticklabels([f"{y} ({phys.get((0, y), (0, '?'))[1]})" for y in range(wy)], fontsize=8)
        ax.set_xlabel("logical x (NoC0 column)")
        ax.set_ylabel("logical y (NoC0 row)")
    else:
        ax.set_xlabel("logical x")
        ax.set_ylabel("logical y")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    ax.set_xticks([i - 0.5 for i in range(wx + 1)], minor=True)
    ax.set_yticks([i - 0.5 for i in range(wy + 1)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    if wx <= 10 and wy <= 10:
        for y in range(wy):
            for x in range(wx):
                v = grid[y][x]
                if math.isnan(v):
                    ax.text(x, y, "-", ha="center", va="center", fontsize=9, color="#707070")
                else:
                    ax.text(x, y, f"{v * 100:.0f}%", ha="center", va="center", fontsize=9,
                            color=text_colour(cmap(v)))
    cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cb.set_label("FPU utilization (busy / device cycles)")
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    sub = f"FPU utilization per core, {ran} of {wx * wy} cores ran (grey: ran nothing)"
    if ps.program.get("fpu_util") is not None:
        sub += f", mean {ps.program['fpu_util']:.0%}"
    ax.set_title(f"{ps.title()}\n{sub}", fontsize=10, pad=12)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_noc_links(plt, ps, layout, path):
    import matplotlib.colors as mcolors
    from matplotlib.patches import Patch, Rectangle

    seen_x = max((l[1] for l in ps.links), default=-1) + 1
    seen_y = max((l[2] for l in ps.links), default=-1) + 1
    phys_workers = set(layout.worker_physical().values())
    gx = max(layout.grid_x or 0, seen_x, max((p[0] for p in phys_workers), default=-1) + 1, 1)
    gy = max(layout.grid_y or 0, seen_y, max((p[1] for p in phys_workers), default=-1) + 1, 1)
    # Both ends of turbo are cut off: its near-black low end hides the arrows' heads and its
    # darkest red reads as black; what is left stays visible against the pale tiles.
    base = plt.get_cmap("turbo")
    cmap = mcolors.LinearSegmentedColormap.from_list("links", [base(0.08 + 0.84 * i / 255) for i in range(256)])
    norm = mcolors.Normalize(0.0, 1.0)

    kinds = {}  # physical tile -> (label, fill)
    for x in layout.tensix_cols:
        for y in layout.tensix_rows:
            kinds[(x, y)] = ("Tensix (not a worker)", "#ececec")
    for xy in phys_workers:
        kinds[xy] = ("worker", "#cfe3f5")
    for xy in layout.dram:
        kinds[xy] = ("DRAM", "#e3d3ee")
    for xy in layout.eth:
        kinds[xy] = ("Ethernet", "#d7efd2")
    for xy, name in layout.other:
        kinds[xy] = (name, "#f6e6c8" if name == "PCIe" else "#f5d5d5")

    nocs = sorted({l[0] for l in ps.links} | {0, 1})
    panel_in = 4.6  # width of one panel's grid; its height follows from the grid's shape
    fig, axes = plt.subplots(1, len(nocs), squeeze=False,
                             figsize=(panel_in * len(nocs) + 1.8, panel_in * (gy + 0.5) / (gx + 0.5) + 1.7))
    for ax, noc in zip(axes[0], nocs):
        for (x, y), (_, fill) in kinds.items():
            if 0 <= x < gx and 0 <= y < gy:
                ax.add_patch(Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=fill, edgecolor="none", zorder=0))
        ax.scatter([x for x in range(gx) for _ in range(gy)], [y for _ in range(gx) for y in range(gy)],
                   s=6, color="#606060", zorder=2)
        links = sorted(((l, ps.link_utilization(l)) for l in ps.links if l[0] == noc), key=lambda lu: lu[1] or 0)
        used = 0
        for (_, x, y, d), u in links:
            if u is None or u <= 0:
                continue
            used += 1
            dx, dy = STEP[d]
            colour, width = cmap(norm(min(u, 1.0))), 1.2 + 2.8 * min(u, 1.0)
            arrow = dict(arrowstyle="-|>", color=colour, lw=width, mutation_scale=8 + 6 * min(u, 1.0),
                         shrinkA=0, shrinkB=0)
            nx, ny = x + dx, y + dy
            if 0 <= nx < gx and 0 <= ny < gy:
                ax.annotate("", xy=(x + 0.78 * dx, y + 0.78 * dy), xytext=(x + 0.12 * dx, y + 0.12 * dy),
                            arrowprops=arrow, zorder=3)
            else:  # wraps round the torus: a stub out of this edge and one into the opposite edge
                ax.annotate("", xy=(x + 0.62 * dx, y + 0.62 * dy), xytext=(x + 0.12 * dx, y + 0.12 * dy),
                            arrowprops=arrow, zorder=3)
                wx, wy = nx % gx, ny % gy
                ax.annotate("", xy=(wx - 0.12 * dx, wy - 0.12 * dy), xytext=(wx - 0.62 * dx, wy - 0.62 * dy),
                            arrowprops=dict(arrow, linestyle=(0, (2, 1))), zorder=3)
        ax.set_xlim(-0.75, gx - 0.25)
        ax.set_ylim(gy - 0.25, -0.75)
        ax.set_aspect("equal")
        ax.set_xticks(range(gx))
        ax.set_yticks(range(gy))
        ax.tick_params(labelsize=8)
        ax.xaxis.tick_top()
        ax.set_xlabel("NoC0 x", fontsize=9)
        ax.xaxis.set_label_position("top")
        ax.set_ylabel("NoC0 y", fontsize=9)
        for side in ax.spines.values():
            side.set_color("#b0b0b0")
        dirs = "east, south" if noc == 0 else "west, north" if noc == 1 else "links"
        peak = max((u for _, u in links if u is not None), default=0.0)
        ax.set_title(f"noc{noc} ({dirs}): {used} links used, peak {peak:.0%}", fontsize=10)
    fig.suptitle(f"{ps.title()}\nNoC link utilization (dashed stubs: the wrap-around end of a torus link)",
                 fontsize=10)
    legend = []
    for label in ["worker", "Tensix (not a worker)", "DRAM", "Ethernet", "PCIe", "ARC"]:
        fill = next((f for lab, f in kinds.values() if lab == label), None)
        if fill:
            legend.append(Patch(facecolor=fill, label=label))
    fig.tight_layout(rect=(0, 0.04 if legend else 0, 0.89, 0.97))
    if legend:
        fig.legend(handles=legend, loc="lower center", ncol=len(legend), fontsize=8, frameon=False)
    cax = fig.add_axes((0.9, 0.15, 0.015, 0.7))
    cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax)
    cb.set_label("link utilization (busy / device cycles)")
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def stall_colour(reason, extra):
    if reason not in STALL_COLOURS:
        STALL_COLOURS[reason] = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
    return STALL_COLOURS[reason]


def plot_timeline(plt, ps, core, path):
    from matplotlib.patches import Patch

    cycles = ps.cycles or 1
    s = ps.cores.get(core, {})
    known = list(STALL_COLOURS)
    seen = sorted({r for t in THREADS for r in ps.stalls(core, t)}, key=lambda r: (r not in known, known.index(r)
                                                                                 if r in known else 0, r))
    for i, r in enumerate(r for r in seen if r not in known):
        stall_colour(r, i)
    fig, (ax_t, ax_e) = plt.subplots(2, 1, figsize=(11, 5.6), sharex=True,
                                     gridspec_kw={"height_ratios": [len(THREADS), len(ENGINES)]})

    def segment(ax, row, left, width, colour):
        ax.barh(row, width, left=left, color=colour, edgecolor="white", linewidth=0.5, height=0.7)
        if width / cycles >= 0.06:
            ax.text(left + width / 2, row, f"{width / cycles:.0%}", ha="center", va="center", fontsize=7,
                    color=text_colour(plt.matplotlib.colors.to_rgba(colour)))

    for row, t in enumerate(THREADS):
        left = 0
        parts = [("busy", s.get(f"{t}.busy_cycles", 0), BUSY_COLOUR)]
        parts += [(r, ps.stalls(core, t).get(r, 0), STALL_COLOURS[r]) for r in seen]
        parts += [("idle", s.get(f"{t}.idle_cycles", 0), IDLE_COLOUR)]
        for _, width, colour in parts:
            if width > 0:
                segment(ax_t, row, left, width, colour)
                left += width
    ax_t.set_yticks(range(len(THREADS)))
    ax_t.set_yticklabels(THREADS)
    ax_t.invert_yaxis()
    ax_t.set_title("RISC threads", fontsize=9, loc="left")
    for row, e in enumerate(ENGINES):
        busy = min(s.get(f"{e}.busy_cycles", 0), cycles)
        if busy > 0:
            segment(ax_e, row, 0, busy, BUSY_COLOUR)
        if cycles - busy > 0:
            segment(ax_e, row, busy, cycles - busy, NOT_BUSY_COLOUR)
    ax_e.set_yticks(range(len(ENGINES)))
    ax_e.set_yticklabels(ENGINES)
    ax_e.invert_yaxis()
    ax_e.set_title("compute engines", fontsize=9, loc="left")
    ax_e.set_xlim(0, cycles)
    ax_e.set_xlabel("cycles of the program (segments are totals, not in time order)")
    ax_e.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    for ax in (ax_t, ax_e):
        ax.grid(axis="x", linewidth=0.3, alpha=0.6)
        ax.set_axisbelow(True)
    handles = [Patch(color=BUSY_COLOUR, label="busy")]
    handles += [Patch(color=STALL_COLOURS[r], label=f"stall: {r}") for r in seen]
    handles += [Patch(color=IDLE_COLOUR, label="idle (thread)"),
                Patch(facecolor=NOT_BUSY_COLOUR, edgecolor="#c0c0c0", label="not busy (engine)")]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.82, 0.5), fontsize=8, frameon=False)
    stalled = sum(sum(ps.stalls(core, t).values()) for t in THREADS)
    fig.suptitle(f"core ({core[0]},{core[1]}), {ps.title('elapsed cycles')}\n"
                 f"{stalled:,} stall cycles over its five threads", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.82, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------

def mesh_link_load(data, program):
    """Per sending port (chip, channel): TX busy cycles, bytes and program cycles, summed over the
    chips' programs launched together with `program` (one mesh workload: a program per chip)."""
    load = {}
    for p in data["programs"]:
        if p.get("launch_cycle") != program.get("launch_cycle") or p.get("name") != program.get("name"):
            continue
        for key, v in (p.get("stats") or {}).items():
            m = ETH_KEY.match(key)
            if m and isinstance(v, (int, float)):
                entry = load.setdefault((int(m.group(1)), int(m.group(2))), {"cycles": 0})
                entry[m.group(3)] = entry.get(m.group(3), 0) + v
                if m.group(3) == "busy_cycles":
                    entry["cycles"] += p.get("device_cycles") or 0
    return load


def plot_eth_links(plt, data, ps, path):
    """Chips at their mesh (row, column), each link two arrows (one per direction) coloured by the
    sender's TX utilization and labelled with its GB/s; links reserved for dispatch dashed grey."""
    import matplotlib.colors as mcolors

    config = data.get("config") or {}
    coords, links = val(config.get("mesh_coords")), val(config.get("eth_links"))
    if not isinstance(coords, list) or len(coords) < 2 or not isinstance(links, list):
        return False
    load = mesh_link_load(data, ps.program)
    mhz = val(dig(config, "chip", "clock_mhz")) or 1000
    cmap, norm = plt.get_cmap("viridis_r"), mcolors.Normalize(0.0, 1.0)
    rows = max(r for r, _ in coords) + 1
    cols = max(c for _, c in coords) + 1
    fig, ax = plt.subplots(figsize=(2.6 * cols + 1.6, 2.4 * rows + 1.2))
    for chip, (r, c) in enumerate(coords):
        ax.add_patch(plt.Rectangle((c - 0.22, r - 0.22), 0.44, 0.44, facecolor="#cfe3f5", edgecolor="#5a7fa8"))
        ax.text(c, r, f"chip {chip}", ha="center", va="center", fontsize=9)
    pairs = {}
    for link in links:
        ports = link.get("ports") if isinstance(link, dict) else [link[0:2], link[2:4]]
        (ca, pa), (cb, pb) = ports
        key = tuple(sorted((ca, cb)))
        pairs.setdefault(key, []).append(((ca, pa), (cb, pb), isinstance(link, dict) and link.get("dispatch")))
    peak = 0.0
    for group in pairs.values():
        for i, (a, b, dispatch) in enumerate(group):
            (ra, ca_), (rb, cb_) = coords[a[0]], coords[b[0]]
            dx, dy = cb_ - ca_, rb - ra
            dist = math.hypot(dx, dy) or 1
            nx, ny = -dy / dist, dx / dist  # normal: parallel links and the two directions side by side
            spread = (i - (len(group) - 1) / 2) * 0.12
            for sign, (src, dst) in ((1, (a, b)), (-1, (b, a))):
                (r0, c0), (r1, c1) = coords[src[0]], coords[dst[0]]
                off = spread + sign * 0.03
                start = (c0 + 0.25 * (c1 - c0) + off * nx, r0 + 0.25 * (r1 - r0) + off * ny)
                end = (c1 - 0.25 * (c1 - c0) + off * nx, r1 - 0.25 * (r1 - r0) + off * ny)
                s = load.get(tuple(src), {})
                u = s["busy_cycles"] / s["cycles"] if s.get("cycles") else 0.0
                peak = max(peak, u)
                gbs = s.get("bytes", 0) / s["cycles"] * mhz / 1000 if s.get("cycles") else 0.0
                idle = dispatch or u <= 0
                style = dict(arrowstyle="-|>", lw=0.8 if idle else 1.2 + 3.0 * min(u, 1.0), mutation_scale=10,
                             color="#c8c8c8" if idle else cmap(norm(min(u, 1.0))),
                             linestyle="--" if dispatch else "-")
                ax.annotate("", xy=end, xytext=start, arrowprops=style)
                if u > 0:
                    ax.text((start[0] + end[0]) / 2 + 0.07 * nx * sign, (start[1] + end[1]) / 2 + 0.07 * ny * sign,
                            f"E{src[1]} {gbs:.1f}", fontsize=6, ha="center", va="center")
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xlabel("mesh column")
    ax.set_ylabel("mesh row")
    ax.set_title(f"{ps.label}: Ethernet link load, peak {peak:.0%} (labels: sending port, GB/s)\n"
                 "thin grey: idle; dashed: reserved for dispatch", fontsize=9)
    cb = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8)
    cb.set_label("TX utilization (busy / program cycles)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def parse_core(text):
    m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected X,Y (logical worker coordinates), got '{text}'")
    return int(m.group(1)), int(m.group(2))


def main(argv):
    parser = argparse.ArgumentParser(prog="plot_run.py", description=__doc__.strip().splitlines()[0],
                                     usage="%(prog)s STATS.json OUTDIR [--program N] [--core X,Y]")
    parser.add_argument("stats")
    parser.add_argument("outdir")
    parser.add_argument("--program", type=int, default=None)
    parser.add_argument("--core", type=parse_core, default=None)
    args = parser.parse_args(argv[1:])
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_run.py: matplotlib is not installed (Debian: apt-get install python3-matplotlib)",
              file=sys.stderr)
        return 3

    try:
        data = load(args.stats)
        index, program = pick_program(data["programs"], args.program)
        ps = ProgramStats(index, program)
        # A program run on another architecture than the file's first carries its own.
        layout = Layout(program.get("config", data.get("config")))
        core = args.core
        if core is not None and core not in ps.cores:
            raise UsageError(f"core {core[0]},{core[1]} has no stats in program {ps.index}")
        if core is None and ps.cores:
            core = max(sorted(ps.cores), key=lambda c: (sum(sum(ps.stalls(c, t).values()) for t in THREADS),
                                                        ps.ran(c)))
    except UsageError as e:
        print(f"plot_run.py: {e}", file=sys.stderr)
        return 2
    except InputError as e:
        print(f"plot_run.py: {e}", file=sys.stderr)
        return 1

    os.makedirs(args.outdir, exist_ok=True)
    written = [os.path.join(args.outdir, "core_utilization.png"), os.path.join(args.outdir, "noc_links.png")]
    plot_core_utilization(plt, ps, layout, written[0])
    plot_noc_links(plt, ps, layout, written[1])
    if core is None:
        print(f"plot_run.py: program {ps.index} has no core stats; no timeline drawn",
              file=sys.stderr)
    else:
        written.append(os.path.join(args.outdir, f"timeline_core_{core[0]}_{core[1]}.png"))
        plot_timeline(plt, ps, core, written[-1])
    eth_path = os.path.join(args.outdir, "eth_links.png")
    if plot_eth_links(plt, data, ps, eth_path):
        written.append(eth_path)
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
