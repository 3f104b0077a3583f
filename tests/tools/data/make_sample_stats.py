#!/usr/bin/env python3
"""Writes a synthetic `tensim_stats` file for testing tools/plot_run.py (no simulator needed).

    make_sample_stats.py [OUT.json]      (default: sample_stats.json next to this script)

A 4x4 worker grid on the 10x12 Wormhole NoC and two programs: a compute-bound 2D-multicast matmul
on all 16 cores and a DRAM-bound eltwise on 8. Link traffic is routed the way tensim routes it
(NoC0 east then south, NoC1 north then west, both wrapping), and every thread's busy + idle + stalls
equals the program's device cycles. Seeded, so the output is the same on every run.
"""
import json
import os
import random
import sys

GX, GY = 10, 12
WORKER_COLS, WORKER_ROWS = [1, 2, 3, 4], [1, 2, 3, 4]
DRAM_GROUPS = [[[0, 0], [0, 1], [0, 11]], [[0, 5], [0, 6], [0, 7]], [[5, 0], [5, 1], [5, 11]],
               [[5, 2], [5, 9], [5, 10]], [[5, 3], [5, 4], [5, 8]], [[5, 5], [5, 6], [5, 7]]]
DRAM_BANKS = [tuple(DRAM_GROUPS[b // 2][b % 2]) for b in range(12)]
THREADS = ["brisc", "ncrisc", "trisc0", "trisc1", "trisc2"]
LINK_BYTES_PER_CYCLE = 32


def const(v, unit):
    return {"value": v, "unit": unit, "source": "synthetic sample"}


def route(noc, src, dst):
    """Links (x, y, direction) a packet crosses from src to dst."""
    (x, y), (dx, dy) = src, dst
    links = []
    if noc == 0:
        while x != dx:
            links.append((x, y, "east"))
            x = (x + 1) % GX
        while y != dy:
            links.append((x, y, "south"))
            y = (y + 1) % GY
    else:
        while y != dy:
            links.append((x, y, "north"))
            y = (y - 1) % GY
        while x != dx:
            links.append((x, y, "west"))
            x = (x - 1) % GX
    return links


class Program:
    def __init__(self, index, name, cycles, bound):
        self.index, self.name, self.cycles, self.bound = index, name, cycles, bound
        self.stats = {}
        self.link_bytes = {}  # (noc, x, y, dir) -> bytes
        self.niu = {}  # (noc, x, y, inject|absorb) -> bytes
        self.dram = {}  # channel -> [read, written]

    def send(self, noc, src, dst, nbytes):
        for x, y, d in route(noc, src, dst):
            self.link_bytes[(noc, x, y, d)] = self.link_bytes.get((noc, x, y, d), 0) + nbytes
        self.niu[(noc, *src, "inject")] = self.niu.get((noc, *src, "inject"), 0) + nbytes
        self.niu[(noc, *dst, "absorb")] = self.niu.get((noc, *dst, "absorb"), 0) + nbytes

    def dram_read(self, noc, bank, core, nbytes):
        self.send(noc, DRAM_BANKS[bank], core, nbytes)
        self.dram.setdefault(bank, [0, 0])[0] += nbytes

    def dram_write(self, noc, core, bank, nbytes):
        self.send(noc, core, DRAM_BANKS[bank], nbytes)
        self.dram.setdefault(bank, [0, 0])[1] += nbytes

    def thread(self, core, name, busy, stalls):
        """busy and stalls are fractions of the program; idle takes the rest (at least 2 %, for
        start-up and the wait for the slowest core: stalls are scaled down to leave it)."""
        prefix = f"chip0.core_{core[0]}_{core[1]}.{name}."
        total = sum(stalls.values())
        scale = min(1.0, (0.98 - busy) / total) if total > 0 else 1.0
        b = int(busy * self.cycles)
        parts = {r: int(f * scale * self.cycles) for r, f in stalls.items() if f > 0}
        assert b + sum(parts.values()) <= self.cycles, (core, name)
        self.stats[prefix + "busy_cycles"] = b
        for r, v in parts.items():
            self.stats[prefix + "stall_cycles." + r] = v
        self.stats[prefix + "idle_cycles"] = self.cycles - b - sum(parts.values())

    def engines(self, core, unpack, fpu, sfpu, pack):
        prefix = f"chip0.core_{core[0]}_{core[1]}."
        for name, f in (("unpack", unpack), ("fpu", fpu), ("sfpu", sfpu), ("pack", pack)):
            self.stats[prefix + name + ".busy_cycles"] = int(f * self.cycles)
        self.stats[prefix + "fpu.utilization"] = round(int(fpu * self.cycles) / self.cycles, 4)

    def to_json(self, cores, fpu_cores):
        def busy(nbytes):
            return min(self.cycles, -(-nbytes // LINK_BYTES_PER_CYCLE))

        for (noc, x, y, d), nbytes in sorted(self.link_bytes.items()):
            key = f"chip0.noc{noc}.link_{x}_{y}_{d}"
            self.stats[key + ".bytes"] = nbytes
            self.stats[key + ".busy_cycles"] = busy(nbytes)
            self.stats[key + ".utilization"] = round(busy(nbytes) / self.cycles, 4)
        for (noc, x, y, kind), nbytes in sorted(self.niu.items()):
            key = f"chip0.noc{noc}.niu_{x}_{y}_{kind}"
            self.stats[key + ".busy_cycles"] = busy(nbytes)
            self.stats[key + ".utilization"] = round(busy(nbytes) / self.cycles, 4)
        for ch, (rd, wr) in sorted(self.dram.items()):
            key = f"chip0.dram.ch{ch}"
            self.stats[key + ".bytes_read"] = rd
            self.stats[key + ".bytes_written"] = wr
            self.stats[key + ".utilization"] = round(min(1.0, (rd + wr) / 22.2 / self.cycles), 4)
        fpu = [self.stats[f"chip0.core_{x}_{y}.fpu.utilization"] for x, y in fpu_cores]
        return {
            "index": self.index, "name": self.name, "chip": 0,
            "device_cycles": self.cycles, "device_time_us": round(self.cycles / 1000.0, 1), "bound": self.bound,
            "fpu_util": round(sum(fpu) / len(fpu), 4) if fpu else 0.0, "cores": cores,
            "dram_bytes": sum(rd + wr for rd, wr in self.dram.values()),
            "noc_bytes": sum(self.link_bytes.values()),
            "stats": dict(sorted(self.stats.items())),
        }


def phys(core):
    return WORKER_COLS[core[0]], WORKER_ROWS[core[1]]


def matmul(rng):
    """16 cores; column 0 reads in0 blocks and multicasts them east along its row, row 0 reads in1 and
    multicasts south down its column; every core writes its output to DRAM over NoC1."""
    p = Program(0, "matmul 2d_mcast", 302108, "compute")
    block = 1 << 20
    for i in range(4):
        p.dram_read(0, (2 * i) % 12, phys((0, i)), block)
        p.send(0, phys((0, i)), phys((3, i)), block)
        p.dram_read(0, (2 * i + 1) % 12, phys((i, 0)), block)
        p.send(0, phys((i, 0)), phys((i, 3)), block)
    for y in range(4):
        for x in range(4):
            core = (x, y)
            p.dram_write(1, phys(core), (4 * y + x) % 12, 256 << 10)
            j = lambda f: max(0.0, f * rng.uniform(0.85, 1.15))
            in0_sender, in1_sender = x == 0, y == 0
            p.thread(core, "brisc", j(0.06 if in0_sender else 0.02),
                     {"noc_read": j(0.05) if in0_sender else 0, "cb_reserve": j(0.22), "semaphore": j(0.12),
                      "noc_barrier": j(0.04) if in0_sender else 0})
            p.thread(core, "ncrisc", j(0.07 if in1_sender else 0.03),
                     {"noc_read": j(0.05) if in1_sender else 0, "cb_reserve": j(0.18), "semaphore": j(0.10),
                      "cb_wait": j(0.35), "noc_write": j(0.03), "noc_drain": j(0.01)})
            fpu = min(0.97, rng.uniform(0.80, 0.95) - (0.04 if in0_sender or in1_sender else 0.0))
            p.thread(core, "trisc0", j(0.30), {"cb_wait": j(0.04), "src_free": j(0.55)})
            p.thread(core, "trisc1", fpu, {"src_full": j(0.03), "dst_free": j(0.02)})
            p.thread(core, "trisc2", j(0.18), {"dst_committed": j(0.62), "cb_reserve": j(0.04)})
            p.engines(core, unpack=j(0.34), fpu=fpu, sfpu=0.0, pack=j(0.16))
    cores = [(x, y) for y in range(4) for x in range(4)]
    return p.to_json(16, cores)


def eltwise(rng):
    """8 cores (rows 0 and 1) read two interleaved inputs from all 12 DRAM banks and write one output.
    Row 2's cores were configured but given no work (all idle); row 3's were not used at all."""
    p = Program(1, "eltwise_binary add", 84512, "dram")
    page = 2048
    cores = [(x, y) for y in range(2) for x in range(4)]
    for n, core in enumerate(cores):
        for t in range(384):
            for _ in range(2):
                p.dram_read(0, (n * 384 + t) % 12, phys(core), page)
            p.dram_write(1, phys(core), (n * 384 + t + 5) % 12, page)
        j = lambda f: max(0.0, f * rng.uniform(0.8, 1.2))
        p.thread(core, "brisc", j(0.04), {"noc_read": j(0.28), "noc_barrier": j(0.45), "cb_reserve": j(0.08)})
        p.thread(core, "ncrisc", j(0.03), {"cb_wait": j(0.62), "noc_write": j(0.18), "noc_barrier": j(0.08)})
        p.thread(core, "trisc0", j(0.05), {"cb_wait": j(0.85)})
        fpu = j(0.03)
        p.thread(core, "trisc1", fpu, {"src_full": j(0.02), "dst_free": j(0.01)})
        p.thread(core, "trisc2", j(0.03), {"dst_committed": j(0.04), "cb_reserve": j(0.02)})
        p.engines(core, unpack=j(0.05), fpu=fpu, sfpu=0.0, pack=j(0.03))
    for x in range(4):
        for t in THREADS:
            p.thread((x, 2), t, 0.0, {})
    return p.to_json(8, cores)


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample_stats.json")
    rng = random.Random(20240917)
    config = {
        "name": "n150 (worker_grid=4x4)",
        "chip": {
            "name": "wormhole_b0",
            "noc": {"grid_x": GX, "grid_y": GY, "link_bytes_per_cycle": const(32.0, "B/cycle")},
            "grid": {
                "size": const([GX, GY], "tiles"),
                "tensix_cols": const([1, 2, 3, 4, 6, 7, 8, 9], "x"),
                "tensix_rows": const([1, 2, 3, 4, 5, 7, 8, 9, 10, 11], "y"),
                "dram_groups": const(DRAM_GROUPS, "xy"),
                "eth": const([[9, 0], [1, 0], [8, 0], [2, 0], [7, 0], [3, 0], [6, 0], [4, 0],
                              [9, 6], [1, 6], [8, 6], [2, 6], [7, 6], [3, 6], [6, 6], [4, 6]], "xy"),
                "pcie": const([[0, 3]], "xy"),
                "arc": const([[0, 10]], "xy"),
            },
        },
        "num_chips": const(1, "chips"),
        "worker_cols": const(WORKER_COLS, "x"),
        "worker_rows": const(WORKER_ROWS, "y"),
    }
    data = {"tensim_stats": 1, "config": config, "programs": [matmul(rng), eltwise(rng)]}
    with open(out, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
