// The flags every `tensim` subcommand takes for what its run leaves behind: --stats, --trace (with
// core and cycle filters and a cap), --report and --pictures.
#pragma once
#include <CLI/CLI.hpp>

namespace tensim::cli {

// Adds the flags to `app` (the top level: subcommands pass them up).
void add_run_output_flags(CLI::App& app);
// Whether any of them was given (a sweep refuses them: each point is its own run).
bool any_run_output_flag();
// Before the subcommand runs: applies the flags (tensim::set_run_outputs). Throws ConfigError on a
// malformed filter.
void apply_run_outputs();
// After it ran: writes the files and draws the pictures asked for.
void finish_run_outputs();

}  // namespace tensim::cli
