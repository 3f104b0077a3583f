// `tensim arch show|validate`: the resolved architecture of a system, and a check of a file.
#include <iostream>

#include "cli.hpp"
#include "tensim/arch.hpp"

namespace tensim::cli::arch_cmd {

namespace {

struct State {
    CLI::App *show = nullptr, *validate = nullptr;
    std::string what, file;
    Common show_common, validate_common;
} g;

}  // namespace

void add(CLI::App& cmd) {
    cmd.require_subcommand(1);
    g.show = cmd.add_subcommand("show",
                                "Print the resolved architecture (board or chip name, or a file)");
    g.show->add_option("what", g.what,
                       "n150, n300, t3000, galaxy, wormhole_b0 or a JSON file (default: --system)");
    g.show_common.add_to(*g.show);
    g.validate = cmd.add_subcommand("validate", "Check an architecture file: keys, units, values");
    g.validate->add_option("file", g.file, "JSON file (default: --system)");
    g.validate_common.add_to(*g.validate);
}

int run(CLI::App&) {
    if (g.show->parsed()) {
        const Common& c = g.show_common;
        const std::string what = g.what.empty() ? c.system_name() : g.what;
        const nlohmann::json j = as_usage([&] { return resolved_architecture(what, c.set); });
        if (c.json_given && !c.json.empty())
            c.emit_json(nlohmann::ordered_json::parse(j.dump()));
        else  // the chips, mesh and links, then every constant (JSON is its human form too)
            std::cout << system_topology(what, c.set) << j.dump(2) << "\n";
        return kOk;
    }
    const Common& c = g.validate_common;
    const std::string file = g.file.empty() ? c.system_name() : g.file;
    const std::string summary = as_usage([&] { return architecture_summary(file, c.set); });
    if (c.json_given) c.emit_json({{"file", file}, {"ok", true}, {"summary", summary}});
    if (!c.json_on_stdout()) std::cout << file << ": OK (" << summary << ")\n";
    return kOk;
}

}  // namespace tensim::cli::arch_cmd
