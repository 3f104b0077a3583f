// The tensim command line: a table of subcommands, each a pair add/run over the library's
// modules (arch, bench, calibrate, matmul, sweep) plus `help`; parsing, logging, run outputs and
// exit statuses are handled here once for all of them.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/log.hpp"

namespace tensim::cli {

namespace arch_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace arch_cmd
namespace baseline_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace baseline_cmd
namespace bench_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace bench_cmd
namespace calibrate_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace calibrate_cmd
namespace ccl_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace ccl_cmd
namespace llm_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace llm_cmd
namespace matmul_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace matmul_cmd
namespace sweep_cmd {
void add(CLI::App& cmd);
int run(CLI::App& cmd);
}  // namespace sweep_cmd

namespace {

std::vector<std::string> g_help_topic;

void add_help(CLI::App& cmd) {
    cmd.add_option("subcommand", g_help_topic, "Subcommand to describe, e.g. `bench dram-read`");
}

// `tensim help [subcommand...]`: the help of the whole command line or of one subcommand.
int run_help(CLI::App&) {
    CLI::App* at = &root();
    for (const auto& word : g_help_topic) {
        CLI::App* next = nullptr;
        for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; }))
            if (sub->get_name() == word) next = sub;
        if (!next) throw UsageError("help: no subcommand `" + word + "`; see `tensim help`");
        at = next;
    }
    // App::help() of a parsed app describes its parsed subcommand (here: help itself).
    std::cout << at->get_formatter()->make_help(at, at->get_name(), CLI::AppFormatMode::Normal);
    return kOk;
}

const char* const kFooter = R"(
Every subcommand takes:
  --system NAME|FILE  the simulated system (default: $TENSIM_SYSTEM, else n150)
  --set KEY=VALUE     an architecture override, repeatable
  --json [FILE]       the machine-readable result instead of the human text on stdout;
                      with FILE, the human text stays on stdout and the JSON goes to FILE
Checks: --check init or $TENSIM_CHECK=init makes an op that runs under state an init call set
  for another op (or never set) an error naming both lines (on silicon it runs with stale state).
Logging (stderr): --log LEVEL or $TENSIM_LOG, a level (warn by default, info, debug, ...) or
  per family: noc=debug,jit=info (families: noc dram tensix chip system host jit ops report cli
  systemc).
Exit status: 0 ok; 1 the run failed (a simulated program failed, a sweep point failed, a file
  could not be written); 2 bad usage (unknown option, bad option value, unknown --set key).
`tensim help SUBCOMMAND` describes one subcommand.)";

}  // namespace

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> table = {
        {"arch", "Inspect architecture files", arch_cmd::add, arch_cmd::run},
        {"baseline", "Keep the figures of a set of runs, or compare new runs with them (CI)",
         baseline_cmd::add, baseline_cmd::run},
        {"bench", "Data-movement microbenchmarks on the simulated board", bench_cmd::add,
         bench_cmd::run, true, true},
        {"calibrate", "Simulate the measured cases of calibration files and compare with silicon",
         calibrate_cmd::add, calibrate_cmd::run, false, true},
        {"ccl", "One collective over chips: device time, bus and per-link bandwidth", ccl_cmd::add,
         ccl_cmd::run, true, true},
        {"llm", "One LLM decode step or prefill: per-op table, t/s/u, TTFT", llm_cmd::add,
         llm_cmd::run, true, true},
        {"matmul", "One matmul through the op layer: device time, TFLOP/s, FPU use, PCC",
         matmul_cmd::add, matmul_cmd::run, true, true},
        {"sweep", "Run a command over the product of architecture overrides, one CSV row per point",
         sweep_cmd::add, sweep_cmd::run},
        {"help", "Describe tensim or one of its subcommands", add_help, run_help},
    };
    return table;
}

CLI::App& root() {
    static CLI::App app{"tensim: a cycle-approximate simulator of Tenstorrent Wormhole chips"};
    return app;
}

}  // namespace tensim::cli

int main(int argc, char** argv) {
    using namespace tensim::cli;
    CLI::App& app = root();
    app.set_version_flag("--version", "tensim " TENSIM_VERSION);
    app.require_subcommand(1);
    app.fallthrough();  // the run-output and log flags may follow the subcommand
    app.footer(kFooter);
    add_run_output_flags(app);
    std::string log_spec;
    app.add_option("--log", log_spec, "Log level or per-family levels (noc=debug,jit=info)")
        ->type_name("LEVEL");
    std::vector<std::string> checks;
    app.add_option("--check", checks, "Run-time checks: init (ops under state set for another op)")
        ->check(CLI::IsMember({"init"}))
        ->type_name("WHAT");
    std::vector<std::pair<const Subcommand*, CLI::App*>> commands;
    for (const Subcommand& s : subcommands()) {
        CLI::App* cmd = app.add_subcommand(s.name, s.description);
        s.add(*cmd);
        if (s.sweepable) add_expectations(*cmd);  // the run subcommands: --expect-cycles, ...
        commands.emplace_back(&s, cmd);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kOk : kUsage;  // --help and --version are not errors
    }
    try {
        // Also exported, so the child runs of `tensim sweep` inherit them.
        if (!log_spec.empty()) {
            as_usage([&] { tensim::set_log_levels(log_spec); });
            ::setenv("TENSIM_LOG", log_spec.c_str(), 1);
        }
        if (!checks.empty()) {
            tensim::set_init_check(true);
            ::setenv("TENSIM_CHECK", "init", 1);
        }
        for (auto [s, cmd] : commands) {
            if (!cmd->parsed()) continue;
            if (!s->run_outputs) {
                if (std::string(s->name) == "sweep" && any_run_output_flag())
                    throw UsageError(
                        "sweep: --stats, --trace, --report and --pictures belong to one run; run "
                        "the "
                        "point to look at on its own");
                return s->run(*cmd);
            }
            apply_run_outputs();
            int rc = s->run(*cmd);
            finish_run_outputs();
            if (rc == kOk && s->sweepable) rc = check_expectations(*cmd);
            return rc;
        }
        return kUsage;
    } catch (const UsageError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return kUsage;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return kFailed;
    }
}
