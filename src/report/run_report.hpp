// What a run leaves behind (ARCHITECTURE.md section 8): every program's stats (flat counters named
// by block path, a summary and a bound verdict), a per-op CSV and a Perfetto trace, collected over
// the process and written on request, at CloseDevice and at exit.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.hpp"
#include "common/clock.hpp"
#include "common/stats.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::report {

// One program's entry in the stats JSON and the report CSV.
struct ProgramReport {
    std::string name;
    int chip = 0;
    Cycle launch_cycle = 0, device_cycles = 0;
    double device_time_us = 0;
    int cores = 0;            // cores that ran a kernel
    double fpu_util = 0;      // mean over the cores that ran a compute kernel
    uint64_t dram_bytes = 0;  // read + written
    uint64_t noc_bytes = 0;   // delivered by reads, writes and multicasts
    double compute_util = 0;  // busiest engine of the busiest core, / device cycles
    double noc_util = 0;      // busiest link or NIU port
    double dram_util = 0;     // busiest channel
    std::string bound;        // compute, noc, dram, or latency (nothing above a quarter busy)
    nlohmann::json stats;     // flat: block path -> number (when detailed)
    nlohmann::json kernels;   // per thread: core, risc, kernel, start and end cycle (when detailed)
    nlohmann::json config;    // the resolved architecture (when kept for the stats file)
};

// The window a program's stats are dumped over: its device cycles (at least one).
stats::Window program_window(const ProgramStats& st);
// Builds a program's report from what the launch measured and the chip's stats groups dumped over
// program_window: the summary and bound always, the flat stats and the kernel list when `detailed`.
ProgramReport make_program_report(const ProgramStats& st, int chip, const stats::Dump& chip_stats,
                                  bool detailed);

// The outputs in force: set_run_outputs (configure), else the environment.
const RunOutputs& outputs();
void configure(const RunOutputs& o);
// Whether stats or a report are wanted (so programs need their detailed report).
bool wanted();
// Adds a program (kept only when wanted()), run on `config`.
void add_program(ProgramReport r, const SystemConfig& config, double clock_mhz);
void write();  // writes every requested file now

// The CSV row of a program (`index` in the run) and its header.
std::string csv_header();
std::string csv_row(const ProgramReport& r, size_t index);
// The stats JSON: {"tensim_stats": 1, "config": ..., "programs": [...]}.
nlohmann::json stats_document(const std::vector<ProgramReport>& programs);

}  // namespace tensim::report
