// The architecture a system name or file resolves to, for tools that show or check it without
// opening a device (`tensim arch show|validate`).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tensim {

// Every constant of a board or chip name (n150, n300, wormhole_b0) or an architecture JSON file,
// after `key=value` overrides, with its value, unit and source: the document written beside
// every run's stats. Throws ConfigError naming the bad key or value.
nlohmann::json resolved_architecture(const std::string& name_or_file,
                                     const std::vector<std::string>& overrides = {});

// One line on what it holds: "n150, 1 chip(s), 8x8 workers, L1 1464 KiB, 12 DRAM channels,
// 1000 MHz". Throws ConfigError as above.
std::string architecture_summary(const std::string& name_or_file,
                                 const std::vector<std::string>& overrides = {});

// The chips of a system as a picture of its mesh (chip ids at their places) and its Ethernet
// links, one per line: "chip 0 E8 <-> chip 1 E0 (dispatch)". Throws ConfigError as above.
std::string system_topology(const std::string& name_or_file,
                            const std::vector<std::string>& overrides = {});

}  // namespace tensim
