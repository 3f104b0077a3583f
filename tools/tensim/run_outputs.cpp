#include "run_outputs.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "common/error.hpp"
#include "jit/kernel_build.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::cli {

namespace {

struct Flags {
    std::string stats, trace, report, pictures, trace_cores, trace_window;
    uint64_t trace_max_events = RunOutputs{}.trace_max_events;
} g_flags;

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

// Draws the pictures of the stats file into `dir` with tools/plot_run.py (Debian's python3, which
// sees python3-matplotlib). Pictures are optional: a missing matplotlib is a message, not an error.
void draw_pictures(const std::string& stats, const std::string& dir) {
    const std::string script = jit::resolve_kernel_path("tools/plot_run.py");
    const std::string py = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const int status = std::system((py + " " + quote(script) + " " + quote(stats) + " " + quote(dir)).c_str());
    const int code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 3 || code == 127)
        std::cerr << "pictures skipped: matplotlib is not installed (apt-get install python3-matplotlib)\n";
    else if (code != 0)
        throw HostError(fmt::format("pictures: tools/plot_run.py failed (exit {})", code));
}

}  // namespace

void add_run_output_flags(CLI::App& app) {
    const char* group = "Run outputs";
    app.add_option("--stats", g_flags.stats, "Write every program's stats (JSON) to this file")->group(group);
    app.add_option("--trace", g_flags.trace, "Write a Perfetto trace (ui.perfetto.dev) to this file")->group(group);
    app.add_option("--trace-cores", g_flags.trace_cores, "Trace only logical cores X0,Y0-X1,Y1 (default: all)")
        ->group(group);
    app.add_option("--trace-window", g_flags.trace_window, "Trace only cycles FROM:TO (default: all)")->group(group);
    app.add_option("--trace-max-events", g_flags.trace_max_events, "Stop tracing after this many events")
        ->group(group);
    app.add_option("--report", g_flags.report, "Write one CSV row per program (op, cores, device us, bound, ...)")
        ->group(group);
    app.add_option("--pictures", g_flags.pictures,
                   "Draw core utilization, NoC link load and a core's thread timeline as PNGs into this folder "
                   "(needs python3-matplotlib)")
        ->group(group);
}

void apply_run_outputs() {
    RunOutputs o;
    o.stats_path = g_flags.stats;
    o.trace_path = g_flags.trace;
    o.report_path = g_flags.report;
    o.trace_max_events = g_flags.trace_max_events;
    if (!g_flags.pictures.empty()) {
        std::filesystem::create_directories(g_flags.pictures);
        if (o.stats_path.empty()) o.stats_path = (std::filesystem::path(g_flags.pictures) / "stats.json").string();
    }
    if (!g_flags.trace_cores.empty() &&
        std::sscanf(g_flags.trace_cores.c_str(), "%d,%d-%d,%d", &o.trace_x0, &o.trace_y0, &o.trace_x1, &o.trace_y1) != 4)
        throw ConfigError(fmt::format("--trace-cores '{}': expected X0,Y0-X1,Y1 (logical cores)", g_flags.trace_cores));
    if (!g_flags.trace_window.empty()) {
        unsigned long long from = 0, to = 0;
        if (std::sscanf(g_flags.trace_window.c_str(), "%llu:%llu", &from, &to) != 2 || from > to)
            throw ConfigError(fmt::format("--trace-window '{}': expected FROM:TO in cycles", g_flags.trace_window));
        o.trace_from_cycle = from, o.trace_to_cycle = to;
    }
    set_run_outputs(o);
}

void finish_run_outputs() {
    write_run_outputs();
    if (!g_flags.pictures.empty()) {
        const std::string stats = g_flags.stats.empty()
                                      ? (std::filesystem::path(g_flags.pictures) / "stats.json").string()
                                      : g_flags.stats;
        draw_pictures(stats, g_flags.pictures);
    }
}

}  // namespace tensim::cli
