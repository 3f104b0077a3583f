// tensim's own host calls, beside the TT-Metalium API: choosing the simulated system, and what
// a program run measured.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tensim/host/device.hpp"

namespace tt::tt_metal {
class Program;
}

namespace tensim {

// Thread that ran one kernel in the last program, and when.
struct KernelRunStats {
    int chip = 0;
    int core_x = 0, core_y = 0;               // logical
    std::string risc;                         // "BRISC", "NCRISC", ...
    std::string kernel;                       // kernel source path
    uint64_t start_cycle = 0, end_cycle = 0;  // relative to the program's launch
    // Cycles spent blocked, by what was waited for: "cb_wait", "cb_reserve", "src_full" (math
    // waiting for the unpacker), "src_free" (unpacker waiting for the FPU), "dst_free",
    // "dst_committed", "noc_read", "noc_write", "semaphore", ...
    std::map<std::string, uint64_t> stall_cycles;
    uint64_t busy_cycles = 0;  // working (API calls, engine time); busy + stalls = end - start
};

// Busy cycles of one core's compute engines during the last program.
struct ComputeCoreStats {
    int chip = 0;
    int core_x = 0, core_y = 0;
    uint64_t unpack_cycles = 0, fpu_cycles = 0, sfpu_cycles = 0, pack_cycles = 0;
    double fpu_utilization = 0;  // fpu_cycles / program device cycles
};

struct ProgramStats {
    std::string name;            // set_program_name, else the kernels' file names joined by '+'
    uint64_t device_cycles = 0;  // launch to the last kernel's end
    double device_time_us = 0;
    double clock_mhz = 0;
    uint64_t launch_cycle = 0;  // absolute simulated cycle of the launch
    std::vector<KernelRunStats> kernels;
    std::vector<ComputeCoreStats> compute;  // cores that ran a compute kernel
    // What bounded it: "compute", "noc" or "dram" (the busiest engine, link or channel), or
    // "latency" when none was a quarter busy.
    std::string bound;
};

// The system CreateDevice opens: a board name (n150, n300), a chip name, or an architecture JSON
// file. Default: $TENSIM_SYSTEM, else "n150". Takes effect when no device is open.
// `overrides` are `key=value` architecture settings (`tensix.l1_size_kib=512`, `worker_grid=4x4`,
// `clock_mhz=1200`, `dram.channels=8`); an unknown key or impossible value is a ConfigError.
void set_system(const std::string& name_or_file, const std::vector<std::string>& overrides = {});
std::string system_name();
// How compute kernels compute: "faithful" (as silicon: formats, fidelity, Dst precision,
// packer rounding; the default), "fast" (fp32 everywhere) or "timing" (no tile math). Cycles are
// the same in all three. Default: $TENSIM_NUMERICS, else faithful. Throws ConfigError.
void set_numerics(const std::string& mode);
std::string numerics_mode_name();
// Simulated cycles a program may run before it is stopped with a report (default 2e9, or
// $TENSIM_CYCLE_LIMIT).
void set_cycle_limit(uint64_t cycles);

// Grows the host process's heap by `bytes` (at most 512 MiB) now, on transparent huge pages
// where the system grants them on request, unless its free top already has that much; and keeps
// freed memory in the heap from then on (blocks up to 32 MiB; the heap's top is returned to the
// system only past twice the most any call asked for). First touches of memory taken from that
// range then fault 2 MiB at a time instead of 4 KiB. CreateDevice asks for room for the
// simulator's own growth; a host program about to allocate large vectors may ask for more.
// Changes glibc's settings for the whole process (mallopt); does nothing under another malloc.
void reserve_host_heap(size_t bytes);

// Init-state check for compute kernels: an op (add_tiles, matmul_tiles, pack_tile, exp_tile, ...)
// that runs under engine state an init call set for a different op, or that no init call set
// (operand or pack format, unpack mode, transpose, broadcast, reduce, eltwise type, SFPU op), is a
// KernelError naming the kernel file and line of the op and of that init call. Off by default
// (the op runs under the stale state, as on silicon); $TENSIM_CHECK=init turns it on; this call
// overrides the environment.
void set_init_check(bool enabled);

// Names a program in stats, traces and reports (TT-NN names its ops the same way).
void set_program_name(tt::tt_metal::Program& program, const std::string& name);

// What runs leave behind, for every program of every device from now on (empty path: not written):
// - stats: JSON with, per program, flat counters named by block path
//   ("chip0.core_1_2.trisc1.stall_cycles.cb_wait", "chip0.noc0.link_3_4_east.utilization",
//   "chip0.dram.ch0.bytes_read") and a summary (device cycles, bound), plus the resolved
//   architecture;
// - trace: Chrome/Perfetto JSON (ui.perfetto.dev), one track per RISC thread and engine of each
//   core, DRAM channels, NoC packets as flows, NoC load counters; limited to a rectangle of logical
//   cores, a window of cycles and a number of events (a capped trace says so);
// - report: CSV, one row per program (op, cores, device µs, FPU utilization, DRAM and NoC bytes,
// bound). Files are (re)written by write_run_outputs, at CloseDevice and at exit. Defaults come
// from $TENSIM_STATS, $TENSIM_TRACE and $TENSIM_REPORT.
struct RunOutputs {
    std::string stats_path, trace_path, report_path;
    int trace_x0 = 0, trace_y0 = 0, trace_x1 = 1 << 30,
        trace_y1 = 1 << 30;                                      // logical cores, inclusive
    uint64_t trace_from_cycle = 0, trace_to_cycle = UINT64_MAX;  // absolute simulated cycles
    uint64_t trace_max_events = 2'000'000;
};
void set_run_outputs(const RunOutputs& outputs);
const RunOutputs& run_outputs();  // in force now (the environment's until set_run_outputs)
void write_run_outputs();

// Stats of the last program the device ran (after Finish / a blocking EnqueueProgram).
const ProgramStats& last_program_stats(tt::tt_metal::IDevice* device);
// Writes the last program's stats (the stats JSON of set_run_outputs with this one program: per
// thread busy/stall/idle cycles and kernel start/end, engines, NoC links, DRAM channels, the
// resolved architecture).
void write_stats_json(tt::tt_metal::IDevice* device, const std::string& path);

}  // namespace tensim
