"""What one simulated run gives back: its output (numpy, or None for a raw program), its device
cycles and the program's stats as a dict (name, device_cycles, device_time_us, clock_mhz, bound,
kernels: per-thread busy/stall cycles, compute: per-core engine cycles)."""


class RunRecord:
    __slots__ = ("output", "stats", "plan", "why")

    def __init__(self, output, stats, plan="", why=""):
        self.output = output
        self.stats = stats
        self.plan = plan  # the program that ran, one line (ops only)
        self.why = why    # the planner's reasons (ops only)

    @property
    def cycles(self):
        """Device cycles from the launch to the end of the last kernel."""
        return self.stats["device_cycles"]

    @property
    def time_us(self):
        return self.stats["device_time_us"]

    @property
    def bound(self):
        """compute, noc, dram or latency: what bounded the program."""
        return self.stats["bound"]

    @property
    def fpu_utilization(self):
        """Mean FPU utilization over the cores that ran a compute kernel (0 if none did)."""
        c = self.stats["compute"]
        return sum(x["fpu_utilization"] for x in c) / len(c) if c else 0.0

    def __repr__(self):
        shape = None if self.output is None else tuple(self.output.shape)
        return (f"RunRecord({self.stats['name']!r}, cycles={self.cycles}, "
                f"time_us={self.time_us:.3f}, bound={self.bound!r}, output shape={shape})")
