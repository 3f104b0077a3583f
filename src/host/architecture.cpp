// tensim/arch.hpp: the architecture loader's results, through the public API.
#include <fmt/format.h>

#include "chip/arch_loader.hpp"
#include "tensim/arch.hpp"

namespace tensim {

nlohmann::json resolved_architecture(const std::string& name_or_file,
                                     const std::vector<std::string>& overrides) {
    return to_json(load_system(name_or_file, overrides));
}

std::string architecture_summary(const std::string& name_or_file,
                                 const std::vector<std::string>& overrides) {
    const SystemConfig cfg = load_system(name_or_file, overrides);
    return fmt::format("{}, {} chip(s), {}x{} workers, L1 {} KiB, {} DRAM channels, {} MHz",
                       cfg.name, cfg.num_chips, cfg.grid_x(), cfg.grid_y(),
                       cfg.chip.tensix.l1_size_kib, cfg.chip.dram.channels,
                       cfg.chip.clock.freq_mhz);
}

std::string system_topology(const std::string& name_or_file,
                            const std::vector<std::string>& overrides) {
    const SystemConfig cfg = load_system(name_or_file, overrides);
    std::string out =
        fmt::format("{}: {} chip(s) in a {}x{} mesh, {} Ethernet link(s)\n", cfg.name,
                    cfg.num_chips, cfg.mesh_shape[0], cfg.mesh_shape[1], cfg.eth_links.size());
    for (int r = 0; r < cfg.mesh_shape[0]; ++r) {
        out += " ";
        for (int c = 0; c < cfg.mesh_shape[1]; ++c) {
            const int chip = cfg.chip_at(r, c);
            out += chip < 0 ? "    ." : fmt::format(" {:>4}", chip);
        }
        out += "\n";
    }
    for (const auto& l : cfg.eth_links) {
        std::string extra;
        if (l.dispatch) extra += " (dispatch)";
        if (l.line_bytes_per_cycle) extra += fmt::format(" {} B/cycle", *l.line_bytes_per_cycle);
        if (l.link_latency_cycles) extra += fmt::format(" {} cycles", *l.link_latency_cycles);
        out += fmt::format("  chip {} E{} <-> chip {} E{}{}\n", l.chips[0], l.channels[0],
                           l.chips[1], l.channels[1], extra);
    }
    return out;
}

}  // namespace tensim
