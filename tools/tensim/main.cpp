// The tensim command line: `tensim arch show|validate`, `tensim bench ...`, `tensim calibrate ...`.
#include <iostream>

#include <CLI/CLI.hpp>

#include "calibrate.hpp"
#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "run_outputs.hpp"
#include "sweep.hpp"

int run_bench(CLI::App& app);  // bench.cpp
void add_bench(CLI::App& app);
namespace tensim::matmul_cmd {  // matmul_cmd.cpp
void add(CLI::App& app);
bool requested(const CLI::App& app);
int run(const CLI::App& app);
}  // namespace tensim::matmul_cmd

namespace {

int arch_show(const std::string& what, const std::vector<std::string>& set) {
    tensim::SystemConfig cfg = tensim::load_system(what, set);
    std::cout << tensim::to_json(cfg).dump(2) << "\n";
    return 0;
}

int arch_validate(const std::string& file) {
    tensim::SystemConfig cfg = tensim::load_system(file);
    std::cout << file << ": OK (" << cfg.name << ", " << cfg.num_chips << " chip(s), " << cfg.grid_x() << "x"
              << cfg.grid_y() << " workers, L1 " << cfg.chip.tensix.l1_size_kib << " KiB, " << cfg.chip.dram.channels
              << " DRAM channels, " << cfg.chip.clock.freq_mhz << " MHz)\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"tensim: a cycle-approximate simulator of Tenstorrent Wormhole chips"};
    app.require_subcommand(1);
    app.fallthrough();  // the run-output flags may follow the subcommand
    tensim::cli::add_run_output_flags(app);

    auto* arch = app.add_subcommand("arch", "Inspect architecture files");
    arch->require_subcommand(1);
    std::string show_what = "n150", validate_file;
    auto* show = arch->add_subcommand("show", "Print the resolved architecture (board or chip name, or a file)");
    show->add_option("what", show_what, "n150, n300, wormhole_b0 or a JSON file");
    std::vector<std::string> show_set;
    show->add_option("--set", show_set, "Override a constant: key=value (repeatable)");
    auto* validate = arch->add_subcommand("validate", "Check an architecture file: keys, units, values");
    validate->add_option("file", validate_file, "JSON file")->required();
    add_bench(app);
    tensim::calibrate::add_calibrate(app);
    tensim::matmul_cmd::add(app);
    tensim::sweep::add(app);

    CLI11_PARSE(app, argc, argv);
    try {
        if (show->parsed()) return arch_show(show_what, show_set);
        if (validate->parsed()) return arch_validate(validate_file);
        if (tensim::sweep::requested(app)) {
            if (tensim::cli::any_run_output_flag())
                throw tensim::ConfigError("sweep: --stats, --trace, --report and --pictures belong to one run; run "
                                          "the point to look at on its own");
            return tensim::sweep::run(app);
        }
        tensim::cli::apply_run_outputs();
        int rc = 0;
        if (tensim::calibrate::calibrate_requested(app)) rc = tensim::calibrate::run_calibrate(app);
        else if (tensim::matmul_cmd::requested(app)) rc = tensim::matmul_cmd::run(app);
        else rc = run_bench(app);
        tensim::cli::finish_run_outputs();
        return rc;
    } catch (const tensim::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
