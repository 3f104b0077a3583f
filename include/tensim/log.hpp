// How much tensim logs (to stderr). Quiet by default: warnings and errors only.
#pragma once
#include <string>

namespace tensim {

// Sets log levels from a spec: a level for every family ("warn", "info", "debug", "trace",
// "error", "off"), or per family, "noc=debug,jit=info", where a bare level sets every family not
// named. Families: noc, dram, tensix, chip, system, host, jit, ops, report, cli, systemc. The
// environment's $TENSIM_LOG takes the same spec. Throws ConfigError naming an unknown family or
// level.
void set_log_levels(const std::string& spec);

}  // namespace tensim
