// The options every subcommand takes (cli.hpp).
#include "cli.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "tensim/host/tensim.hpp"

namespace tensim::cli {

void Common::add_to(CLI::App& cmd) {
    const char* group = "Common";
    cmd.add_option("--system", system,
                   "Board or chip name (n150, n300, wormhole_b0) or an architecture JSON file "
                   "(default: $TENSIM_SYSTEM, else n150)")
        ->type_name("NAME|FILE")
        ->group(group);
    cmd.add_option("--set", set,
                   "Override an architecture constant (tensix.l1_size_kib=512, worker_grid=4x4, "
                   "clock_mhz=1200); repeatable")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false)  // one value per --set: what follows is not swallowed
        ->group(group);
    cmd.add_option_function<std::string>(
           "--json",
           [this](const std::string& v) {
               json_given = true;
               // A bare --json comes through as CLI11's flag value "true".
               json = v == "true" || v == "-" ? "" : v;
           },
           "Machine-readable result: on stdout instead of the human text, or written to FILE")
        ->expected(0, 1)
        ->type_name("[FILE]")
        ->group(group);
}

std::string Common::system_name() const { return system.empty() ? tensim::system_name() : system; }

void Common::apply_system() const {
    as_usage([&] { tensim::set_system(system_name(), set); });
}

void Common::emit_json(const nlohmann::ordered_json& j) const {
    if (!json_given) return;
    if (json.empty()) {
        std::cout << j.dump() << "\n";
        return;
    }
    std::ofstream f(json);
    f << j.dump(2) << "\n";
    if (!f) throw tensim::HostError(fmt::format("cannot write {}", json));
}

}  // namespace tensim::cli
