// Loading architecture and board files (sim/arch/*.json) into SystemConfig, with validation.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.hpp"

namespace tensim {

// Directory holding the shipped architecture files ($TENSIM_ARCH_DIR, else the installed or
// source tree's; common/data_paths.hpp).
std::string arch_dir();
// `name_or_file` is a board name ("n150"), a chip name ("wormhole_b0", giving the full Tensix
// grid), or a path to a JSON file of either kind. `overrides` are `key=value` settings applied
// first: `tensix.l1_size_kib=512`, `clock_mhz=1200`, `worker_grid=4x4`, `dram.channels=8`.
// Throws ConfigError naming the bad key.
SystemConfig load_system(const std::string& name_or_file,
                         const std::vector<std::string>& overrides = {});
ChipConfig load_chip(const nlohmann::json& j, const std::string& path);
// The resolved configuration as JSON, written beside every run's stats.
nlohmann::json to_json(const SystemConfig& cfg);

}  // namespace tensim
