#include "report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <vector>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "report/perfetto_trace.hpp"

namespace tensim::report {

namespace {

struct State {
    bool configured = false;
    RunOutputs out;
    std::unique_ptr<PerfettoTrace> trace;
    std::vector<ProgramReport> programs;
    bool exit_hook = false;
    bool dirty = false;  // programs added since the files were last written
};

State& state() {
    static State s;
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

void configure(const RunOutputs& o) {
    State& s = state();
    if (s.configured) write();  // what the outputs in force still owe
    if (s.trace && trace::sink() == s.trace.get()) trace::set_sink(nullptr);
    s.out = o;
    s.configured = true;
    s.programs.clear();
    s.trace.reset();
    s.dirty = false;
    if (!o.trace_path.empty()) {
        s.trace = std::make_unique<PerfettoTrace>(o);
        trace::set_sink(s.trace.get());
    }
    if (!s.exit_hook &&
        (!o.stats_path.empty() || !o.trace_path.empty() || !o.report_path.empty())) {
        s.exit_hook = true;
        std::atexit([] {
            try {
                write();
            } catch (const std::exception& e) {
                tensim::log::report().error("writing the run outputs at exit: {}", e.what());
            }
            // Statics destroyed after this (an open device's threads) must not reach the trace.
            trace::set_sink(nullptr);
        });
    }
}

const RunOutputs& outputs() {
    State& s = state();
    if (!s.configured) {
        RunOutputs o;
        if (const char* p = std::getenv("TENSIM_STATS")) o.stats_path = p;
        if (const char* p = std::getenv("TENSIM_TRACE")) o.trace_path = p;
        if (const char* p = std::getenv("TENSIM_REPORT")) o.report_path = p;
        configure(o);
    }
    return s.out;
}

bool wanted() {
    const RunOutputs& o = outputs();
    return !o.stats_path.empty() || !o.report_path.empty();
}

stats::Window program_window(const ProgramStats& st) {
    return {std::max<double>(1.0, double(st.device_cycles))};
}

ProgramReport make_program_report(const ProgramStats& st, int chip, const stats::Dump& chip_stats,
                                  bool detailed) {
    ProgramReport r;
    r.name = st.name;
    r.chip = chip;
    r.launch_cycle = st.launch_cycle;
    r.device_cycles = st.device_cycles;
    r.device_time_us = st.device_time_us;
    const double elapsed = program_window(st).elapsed_cycles;
    const std::string c = fmt::format("chip{}.", chip);
    nlohmann::json& f = r.stats = nlohmann::json::object();
    auto put = [&](const std::string& key, const nlohmann::json& v) {
        if (detailed) f[key] = v;
    };

    std::set<std::pair<int, int>> cores;
    r.kernels = nlohmann::json::array();
    for (const KernelRunStats& k : st.kernels) {
        cores.insert({k.core_x, k.core_y});
        const std::string t = fmt::format("{}core_{}_{}.{}.", c, k.core_x, k.core_y, lower(k.risc));
        put(t + "busy_cycles", k.busy_cycles);
        uint64_t stalled = 0;
        for (const auto& [why, n] : k.stall_cycles) put(t + "stall_cycles." + why, n), stalled += n;
        // Before its start and after its end the thread is idle; in between it is busy or stalled.
        put(t + "idle_cycles", st.device_cycles - (k.end_cycle - k.start_cycle));
        if (detailed)
            r.kernels.push_back({{"core", {k.core_x, k.core_y}},
                                 {"risc", lower(k.risc)},
                                 {"kernel", k.kernel},
                                 {"start_cycle", k.start_cycle},
                                 {"end_cycle", k.end_cycle}});
    }
    r.cores = static_cast<int>(cores.size());
    double fpu_sum = 0;
    for (const ComputeCoreStats& e : st.compute) {
        const std::string p = fmt::format("{}core_{}_{}.", c, e.core_x, e.core_y);
        put(p + "unpack.busy_cycles", e.unpack_cycles);
        put(p + "fpu.busy_cycles", e.fpu_cycles);
        put(p + "sfpu.busy_cycles", e.sfpu_cycles);
        put(p + "pack.busy_cycles", e.pack_cycles);
        put(p + "fpu.utilization", e.fpu_utilization);
        fpu_sum += e.fpu_utilization;
        const uint64_t busiest =
            std::max({e.unpack_cycles, e.fpu_cycles, e.sfpu_cycles, e.pack_cycles});
        r.compute_util = std::max(r.compute_util, double(busiest) / elapsed);
    }
    r.fpu_util = st.compute.empty() ? 0.0 : fpu_sum / double(st.compute.size());

    // The blocks' stats, dumped over this program's window: the values as they are, the summary
    // from the figures the blocks fold their stats into.
    if (detailed) f.update(chip_stats.values);
    r.noc_util = chip_stats.figure(stats::figure::noc_util);
    r.dram_util = chip_stats.figure(stats::figure::dram_util);
    r.noc_bytes = static_cast<uint64_t>(chip_stats.figure(stats::figure::noc_bytes));
    r.dram_bytes = static_cast<uint64_t>(chip_stats.figure(stats::figure::dram_bytes));

    // The resource closest to saturation bounds the program; when none is a quarter busy, the
    // program is dominated by latencies (start-up, round trips), not by any throughput.
    const double most = std::max({r.compute_util, r.noc_util, r.dram_util});
    r.bound = most < 0.25              ? "latency"
              : most == r.compute_util ? "compute"
              : most == r.dram_util    ? "dram"
                                       : "noc";
    return r;
}

void add_program(ProgramReport r, const SystemConfig& config, double clock_mhz) {
    State& s = state();
    if (s.trace) s.trace->set_clock_mhz(clock_mhz);
    if (wanted()) {
        r.config = tensim::to_json(config);
        s.programs.push_back(std::move(r));
        s.dirty = true;
    }
    if (s.trace) s.dirty = true;
}

std::string csv_header() {
    return "op,program,device_id,core_count,device_cycles,device_us,fpu_util,dram_bytes,noc_bytes,"
           "compute_util,"
           "noc_util,dram_util,bound";
}

std::string csv_row(const ProgramReport& r, size_t index) {
    std::string name = r.name;
    if (name.find_first_of(",\"\n") != std::string::npos) {
        std::string q = "\"";
        for (char ch : name) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        name = q + "\"";
    }
    return fmt::format("{},{},{},{},{},{:.3f},{:.4f},{},{},{:.4f},{:.4f},{:.4f},{}", name, index,
                       r.chip, r.cores, r.device_cycles, r.device_time_us, r.fpu_util, r.dram_bytes,
                       r.noc_bytes, r.compute_util, r.noc_util, r.dram_util, r.bound);
}

namespace {
nlohmann::json program_json(const ProgramReport& r, size_t index) {
    return {{"index", index},
            {"name", r.name},
            {"chip", r.chip},
            {"launch_cycle", r.launch_cycle},
            {"device_cycles", r.device_cycles},
            {"device_time_us", r.device_time_us},
            {"cores", r.cores},
            {"fpu_util", r.fpu_util},
            {"dram_bytes", r.dram_bytes},
            {"noc_bytes", r.noc_bytes},
            {"compute_util", r.compute_util},
            {"noc_util", r.noc_util},
            {"dram_util", r.dram_util},
            {"bound", r.bound},
            {"kernels", r.kernels},
            {"stats", r.stats}};
}
}  // namespace

nlohmann::json stats_document(const std::vector<ProgramReport>& programs) {
    // The architecture is written once; a program run on another one carries its own.
    const nlohmann::json config = programs.empty() ? nlohmann::json() : programs.front().config;
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < programs.size(); ++i) {
        list.push_back(program_json(programs[i], i));
        if (programs[i].config != config) list.back()["config"] = programs[i].config;
    }
    return {{"tensim_stats", 1}, {"config", config}, {"programs", list}};
}

void write() {
    State& s = state();
    const RunOutputs& o = outputs();
    if (!s.dirty) return;
    s.dirty = false;
    if (!o.stats_path.empty()) {
        std::ofstream out(o.stats_path);
        if (!out) throw HostError("stats: cannot write " + o.stats_path);
        out << stats_document(s.programs).dump(1) << "\n";
    }
    if (!o.report_path.empty()) {
        std::ofstream out(o.report_path);
        if (!out) throw HostError("report: cannot write " + o.report_path);
        out << csv_header() << "\n";
        for (size_t i = 0; i < s.programs.size(); ++i) out << csv_row(s.programs[i], i) << "\n";
    }
    if (s.trace) {
        std::string warning = s.trace->write(o.trace_path);
        if (!warning.empty()) tensim::log::report().warn("{}", warning);
    }
}

}  // namespace tensim::report

namespace tensim {

void set_run_outputs(const RunOutputs& o) { report::configure(o); }
const RunOutputs& run_outputs() { return report::outputs(); }
void write_run_outputs() { report::write(); }

}  // namespace tensim
