// `tensim calibrate FILE...`: the calibration cases of tensim/calibrate.hpp, a table as they run,
// then notes and a summary; --json / --csv / --plot write the results.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli.hpp"
#include "tensim/calibrate.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/plot.hpp"

namespace tensim::cli::calibrate_cmd {

using namespace tensim::calibrate;

namespace {

struct State {
    Common common;
    std::vector<std::string> files;
    std::string csv, plot, numerics = "timing";
    bool include_large = false;
} g;

void write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path);
    if (!f) throw HostError(fmt::format("calibrate: cannot write {}", path));
    f << text;
    if (!f) throw HostError(fmt::format("calibrate: error writing {}", path));
}

// Draws predicted against measured from the results' JSON (the --json file, else a temporary).
void draw(const nlohmann::ordered_json& j, const std::string& json_path, const std::string& png) {
    std::string tmp;
    if (json_path.empty()) {
        tmp = (std::filesystem::temp_directory_path() /
               fmt::format("tensim-calibrate-{}.json", ::getpid()))
                  .string();
        write_file(tmp, j.dump() + "\n");
    }
    bool drawn = false;
    try {
        drawn = plot::run_script("plot_calibration.py", {json_path.empty() ? tmp : json_path, png},
                                 "calibrate");
    } catch (...) {
        if (!tmp.empty()) std::filesystem::remove(tmp);
        throw;
    }
    if (!tmp.empty()) std::filesystem::remove(tmp);
    if (drawn) fmt::print("plot: {}\n", png);
}

}  // namespace

void add(CLI::App& cal) {
    cal.add_option("files", g.files, "Case files (../shared/calibration/*.json)")
        ->required()
        ->check(CLI::ExistingFile);
    g.common.add_to(cal);
    cal.add_option("--csv", g.csv, "Write the cases as CSV to this file")->type_name("OUT");
    cal.add_option("--plot", g.plot,
                   "Draw predicted vs measured on log axes to this PNG (needs python3-matplotlib)")
        ->type_name("OUT.png");
    cal.add_option("--numerics", g.numerics,
                   "faithful, fast or timing (cycles are the same in all)")
        ->check(CLI::IsMember({"faithful", "fast", "timing"}));
    cal.add_flag("--include-large", g.include_large,
                 fmt::format("Also simulate matmul cases with M*N*K above 2^{} (a 16384^3 matmul "
                             "takes over a minute)",
                             std::ilogb(large_matmul_work())));
}

int run(CLI::App&) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Case> cases;
    for (const auto& f : g.files) {
        auto more = as_usage([&] { return load_cases(f); });
        cases.insert(cases.end(), more.begin(), more.end());
    }
    std::set<std::string> ids;
    for (const auto& c : cases)
        if (!ids.insert(c.id).second)
            throw UsageError(fmt::format("calibrate: case id {} appears twice", c.id));
    size_t w = 2;
    for (const auto& c : cases) w = std::max(w, c.id.size());

    g.common.apply_system();
    const Options opt{.numerics = g.numerics, .include_large = g.include_large};
    // With --json and no file, stdout carries the JSON alone.
    const bool text = !g.common.json_on_stdout();
    auto say = [&](const std::string& s) {
        if (!text) return;
        std::fputs(s.c_str(), stdout);
        std::fflush(stdout);
    };
    say(fmt::format("tensim calibrate: {} cases from {} file(s), system {}, {} numerics\n",
                    cases.size(), g.files.size(), tensim::system_name(), opt.numerics));
    say(format_table_header(w));
    const auto results = run_cases(cases, opt, [&](const Result& r) { say(format_row(r, w)); });
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (const std::string notes = format_notes(results); !notes.empty()) say("\n" + notes);
    say("\n" + format_summary(summarize(results)));
    size_t skipped = 0;
    for (const auto& r : results) skipped += r.skipped();
    say(fmt::format("{} simulated, {} skipped, wall {:.1f} s\n", results.size() - skipped, skipped,
                    wall));

    const auto j = to_json(results);
    g.common.emit_json(j);
    if (!g.csv.empty()) write_file(g.csv, to_csv(results));
    if (!g.plot.empty()) draw(j, g.common.json, g.plot);
    return kOk;
}

}  // namespace tensim::cli::calibrate_cmd
