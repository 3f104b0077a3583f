// Logging: one spdlog logger per block family (noc, dram, tensix, chip, system, host, jit, ops,
// report, cli, systemc), all writing to stderr, quiet by default (warnings and errors only).
// Levels come from $TENSIM_LOG at first use ("debug", or per family "noc=debug,jit=info") and
// from tensim::set_log_levels (tensim/log.hpp; the CLI's --log). SystemC's own reports are routed
// through the `systemc` logger. Kernel DPRINT output is not logging: it stays on stdout.
#pragma once
#include <spdlog/logger.h>

namespace tensim::log {

enum class Family { noc, dram, tensix, chip, system, host, jit, ops, report, cli, systemc };

spdlog::logger& get(Family family);

inline spdlog::logger& noc() { return get(Family::noc); }
inline spdlog::logger& dram() { return get(Family::dram); }
inline spdlog::logger& tensix() { return get(Family::tensix); }
inline spdlog::logger& chip() { return get(Family::chip); }
inline spdlog::logger& system() { return get(Family::system); }
inline spdlog::logger& host() { return get(Family::host); }
inline spdlog::logger& jit() { return get(Family::jit); }
inline spdlog::logger& ops() { return get(Family::ops); }
inline spdlog::logger& report() { return get(Family::report); }
inline spdlog::logger& cli() { return get(Family::cli); }

}  // namespace tensim::log
