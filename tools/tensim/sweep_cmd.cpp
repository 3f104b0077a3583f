// `tensim sweep [--over KEY=V1,V2]... --out FILE.csv -- COMMAND...`: one child process per point
// of the product (tensim/sweep.hpp), one CSV row each; with --mpi, over the ranks of mpirun
// (tensim::sweep::run_mpi, docs/python.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>

#include "cli.hpp"
#include "tensim/sweep.hpp"

namespace tensim::cli::sweep_cmd {

using namespace tensim::sweep;

namespace {

struct Cli {
    CLI::App* cmd = nullptr;
    Common common;  // --system and --set go to every point; --json prints the summary
    std::vector<std::string> over, command;
    unsigned jobs = 0;
    std::string out, plot;
    bool resume = false, mpi = false;
};
Cli g_cli;

// The innermost subcommand `command` names (e.g. bench dram-read), or nullptr.
CLI::App* target_of(CLI::App& app, const std::vector<std::string>& command, size_t& words) {
    CLI::App* at = &app;
    words = 0;
    for (const auto& w : command) {
        auto subs = at->get_subcommands([&](CLI::App* s) { return s->get_name() == w; });
        if (subs.empty()) break;
        at = subs.front(), ++words;
    }
    return words ? at : nullptr;
}

// Sweep options written after the command (`-- matmul ... --out s.csv`) belong to the sweep
// when the command has no option of that name.
void take_trailing_options(Cli& cli, const CLI::App& target) {
    std::vector<std::string> rest;
    auto& c = cli.command;
    for (size_t i = 0; i < c.size(); ++i) {
        std::string name = c[i], value;
        bool inline_value = false;
        if (const size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos)
            value = name.substr(eq + 1), name = name.substr(0, eq), inline_value = true;
        const bool ours = name == "--out" || name == "--plot" || name == "--over" ||
                          name == "--jobs" || name == "-j" || name == "--resume" || name == "--mpi";
        if (!ours || target.get_option_no_throw(name)) {
            rest.push_back(c[i]);
            continue;
        }
        if (name == "--resume" || name == "--mpi") {
            (name == "--mpi" ? cli.mpi : cli.resume) = true;
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= c.size()) throw UsageError(fmt::format("sweep: {} needs a value", name));
            value = c[++i];
        }
        if (name == "--out")
            cli.out = value;
        else if (name == "--plot")
            cli.plot = value;
        else if (name == "--over")
            cli.over.push_back(value);
        else
            try {
                cli.jobs = unsigned(std::stoul(value));
            } catch (const std::exception&) {
                throw UsageError(fmt::format("sweep: {} expects a number, got '{}'", name, value));
            }
    }
    c = rest;
}

}  // namespace

void add(CLI::App& cmd) {
    Cli& o = g_cli;
    CLI::App* c = &cmd;
    o.cmd = c;
    c->add_option("--over", o.over,
                  "An architecture key, or an option of the command (batch for llm --batch), and "
                  "its values: key=v1,v2,... (repeatable; the product of all is run)")
        ->type_name("KEY=V1,V2,...")
        ->allow_extra_args(false);  // one value per --over, so `--over k=v -- cmd` ends at `--`
    c->add_option("-j,--jobs", o.jobs, "Points run at once (default: the number of cores)");
    c->add_option("--out", o.out,
                  "CSV file, written as points finish (required; replaced unless --resume)")
        ->type_name("FILE.csv");
    c->add_option("--plot", o.plot,
                  "Draw device cycles against the varied values (needs python3-matplotlib)")
        ->type_name("FILE.png");
    c->add_flag("--resume", o.resume, "Keep the points already in --out and run only the others");
    c->add_flag("--mpi", o.mpi,
                "Spread the points over the ranks of `mpirun -np N --enable-recovery tensim sweep "
                "--mpi ...` (one point per rank at a time; a dead rank's points run again)");
    c->add_option("command", o.command,
                  "After `--`: the tensim command of every point (it must take --set and "
                  "--json), e.g. -- matmul --m 2048 --k 2048 --n 2048 --numerics timing");
    c->footer(
        "Example: tensim sweep --over worker_grid=2x2,4x4,8x8 --over "
        "tensix.l1_size_kib=256,512,1464 "
        "--out s.csv --plot s.png -- matmul --m 2048 --k 2048 --n 2048 --numerics timing\n"
        "Exits with 1 when any point failed (its row says why), 130 when interrupted.");
    o.common.add_to(*c);
}

int run(CLI::App&) {
    CLI::App& app = root();
    Cli& cli = g_cli;
    if (cli.command.empty())
        throw UsageError(
            "sweep: give the command to run after `--`, e.g. tensim sweep --over "
            "worker_grid=2x2,4x4 "
            "--out s.csv -- matmul --m 256 --k 256 --n 256");
    size_t words = 0;
    CLI::App* target = target_of(app, cli.command, words);
    if (!target || target == cli.cmd)
        throw UsageError(
            fmt::format("sweep: `{}` is not a tensim command to sweep", cli.command.front()));
    take_trailing_options(cli, *target);
    const std::string name =
        fmt::format("{}", fmt::join(cli.command.begin(), cli.command.begin() + long(words), " "));
    const auto& table = subcommands();
    const auto entry = std::find_if(table.begin(), table.end(), [&](const Subcommand& s) {
        return cli.command.front() == s.name;
    });
    const bool leaf = target->get_subcommands([](CLI::App*) { return true; }).empty();
    if (entry == table.end() || !entry->sweepable || !leaf)
        throw UsageError(
            fmt::format("sweep: `tensim {}` cannot be swept: a point must be one run printing one "
                        "JSON object under --json",
                        name));
    if (!cli.common.system.empty())
        cli.command.insert(cli.command.end(), {"--system", cli.common.system});
    for (const auto& kv : cli.common.set) cli.command.insert(cli.command.end(), {"--set", kv});
    Options opt;
    for (const auto& s : cli.over) {
        opt.axes.push_back(as_usage([&] { return parse_axis(s); }));
        // A key the command takes as an option (`batch` of `llm --batch`) varies that option.
        opt.axes.back().argument = target->get_option_no_throw("--" + opt.axes.back().key);
    }
    opt.command = cli.command, opt.jobs = cli.jobs, opt.out = cli.out, opt.plot = cli.plot,
    opt.resume = cli.resume;
    if (cli.mpi && cli.jobs)
        throw UsageError("sweep --mpi: each rank runs one point at a time; choose mpirun -np");
    const Summary s = as_usage([&] {
        return cli.mpi ? tensim::sweep::run_mpi(opt, std::cerr)
                       : tensim::sweep::run(opt, std::cerr);
    });
    cli.common.emit_json({{"points", s.points},
                          {"skipped", s.skipped},
                          {"ok", s.ok},
                          {"failed", s.failed},
                          {"interrupted", s.interrupted},
                          {"out", opt.out}});
    // Under mpirun a rank's non-zero exit aborts the others: only the rank that wrote the CSV
    // reports failed points.
    if (cli.mpi) return s.merged && s.failed_total ? kFailed : kOk;
    return s.interrupted ? 130 : s.failed ? kFailed : kOk;
}

}  // namespace tensim::cli::sweep_cmd