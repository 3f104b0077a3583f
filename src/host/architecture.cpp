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

}  // namespace tensim
