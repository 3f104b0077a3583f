// The run-output flags of cli.hpp: --stats, --trace (with core and cycle filters and a cap),
// --report and --pictures.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/plot.hpp"

namespace tensim::cli {

namespace {

struct Flags {
    std::string stats, trace, report, pictures, trace_cores, trace_window;
    uint64_t trace_max_events = RunOutputs{}.trace_max_events;
} g_flags;

}  // namespace

void add_run_output_flags(CLI::App& app) {
    const char* group = "Run outputs";
    app.add_option("--stats", g_flags.stats, "Write every program's stats (JSON) to this file")
        ->group(group);
    app.add_option("--trace", g_flags.trace,
                   "Write a Perfetto trace (ui.perfetto.dev) to this file")
        ->group(group);
    app.add_option("--trace-cores", g_flags.trace_cores,
                   "Trace only logical cores X0,Y0-X1,Y1 (default: all)")
        ->group(group);
    app.add_option("--trace-window", g_flags.trace_window,
                   "Trace only cycles FROM:TO (default: all)")
        ->group(group);
    app.add_option("--trace-max-events", g_flags.trace_max_events,
                   "Stop tracing after this many events")
        ->group(group);
    app.add_option("--report", g_flags.report,
                   "Write one CSV row per program (op, cores, device us, bound, ...)")
        ->group(group);
    app.add_option("--pictures", g_flags.pictures,
                   "Draw core utilization, NoC link load and a core's thread timeline as PNGs into "
                   "this folder "
                   "(needs python3-matplotlib)")
        ->group(group);
}

bool any_run_output_flag() {
    return !g_flags.stats.empty() || !g_flags.trace.empty() || !g_flags.report.empty() ||
           !g_flags.pictures.empty();
}

void apply_run_outputs() {
    RunOutputs o = run_outputs();  // $TENSIM_STATS and the like, unless a flag says otherwise
    if (!g_flags.stats.empty()) o.stats_path = g_flags.stats;
    if (!g_flags.trace.empty()) o.trace_path = g_flags.trace;
    if (!g_flags.report.empty()) o.report_path = g_flags.report;
    o.trace_max_events = g_flags.trace_max_events;
    if (!g_flags.pictures.empty()) {
        std::filesystem::create_directories(g_flags.pictures);
        if (o.stats_path.empty())
            o.stats_path = (std::filesystem::path(g_flags.pictures) / "stats.json").string();
    }
    if (!g_flags.trace_cores.empty() &&
        std::sscanf(g_flags.trace_cores.c_str(), "%d,%d-%d,%d", &o.trace_x0, &o.trace_y0,
                    &o.trace_x1, &o.trace_y1) != 4)
        throw UsageError(fmt::format("--trace-cores '{}': expected X0,Y0-X1,Y1 (logical cores)",
                                     g_flags.trace_cores));
    if (!g_flags.trace_window.empty()) {
        unsigned long long from = 0, to = 0;
        if (std::sscanf(g_flags.trace_window.c_str(), "%llu:%llu", &from, &to) != 2 || from > to)
            throw UsageError(fmt::format("--trace-window '{}': expected FROM:TO in cycles",
                                         g_flags.trace_window));
        o.trace_from_cycle = from, o.trace_to_cycle = to;
    }
    set_run_outputs(o);
}

void finish_run_outputs() {
    write_run_outputs();
    if (!g_flags.pictures.empty()) {
        std::cout.flush();  // the command's own output first
        const std::string stats =
            g_flags.stats.empty()
                ? (std::filesystem::path(g_flags.pictures) / "stats.json").string()
                : g_flags.stats;
        plot::run_script("plot_run.py", {stats, g_flags.pictures}, "pictures");
    }
}

}  // namespace tensim::cli
