// `tensim baseline record|compare FILE -- COMMAND [-- COMMAND...]`: runs each command as a child
// process (a tensim run subcommand with --json, or a host program with $TENSIM_REPORT), keeps
// their figures in FILE (tensim/baseline.hpp), or compares them with FILE: a table of what moved
// beyond the tolerance, JUnit XML with --junit, exit 1 when anything moved (docs/ci.md).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "tensim/baseline.hpp"
#include "tensim/process.hpp"

namespace tensim::cli::baseline_cmd {

namespace fs = std::filesystem;
using namespace tensim::baseline;

namespace {

struct Options {
    std::string file, junit, out, tolerance = "0%";
    std::vector<std::string> words;  // after `--`: commands, each after its own `--`
    double pcc_tolerance = 1e-6;
    bool all = false;
};
Options g_record, g_compare;

// The commands after `--`, split at each further `--`; a leading `tensim` word is dropped.
std::vector<std::vector<std::string>> commands_of(const std::vector<std::string>& words) {
    std::vector<std::vector<std::string>> out(1);
    for (const auto& w : words) {
        if (w == "--") {
            if (!out.back().empty()) out.emplace_back();
            continue;
        }
        if (out.back().empty() && (w == "tensim" || fs::path(w).filename() == "tensim")) continue;
        out.back().push_back(w);
    }
    if (out.back().empty()) out.pop_back();
    return out;
}

// A tensim subcommand whose run prints one JSON object under --json (the sweepable ones).
bool is_run_subcommand(const std::string& word) {
    for (const Subcommand& s : subcommands())
        if (word == s.name) {
            if (!s.sweepable)
                throw UsageError("baseline: `tensim " + word +
                                 "` is not a run to keep figures of (run subcommands: bench, ccl, "
                                 "llm, matmul; or a host program)");
            return true;
        }
    return false;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs one command and reads its figures.
Run measure(const std::vector<std::string>& command, const fs::path& dir) {
    Run run;
    run.command = command;
    const bool sub = is_run_subcommand(command.front());
    for (const auto& w : command)
        if (sub && (w == "--json" || w.rfind("--json=", 0) == 0))
            throw UsageError("baseline: the commands take no --json (baseline adds it)");
    const fs::path out = dir / "stdout", report = dir / "report.csv";
    fs::remove(report);
    std::vector<std::string> argv = command, env;
    if (sub) {
        argv.insert(argv.begin(), fs::read_symlink("/proc/self/exe").string());
        argv.push_back("--json");
    } else {
        env.push_back("TENSIM_REPORT=" + report.string());
    }
    std::cerr << "baseline: running " << command_text(command) << "\n";
    try {
        // stdout into a file; stderr stays the user's.
        const process::Exit end =
            process::run({.argv = argv, .env = env, .out = process::Stream::file(out.string())})
                .exit;
        if (!end.ok()) run.error = end.describe();  // "exit status 2", "killed by signal ..."
    } catch (const HostError& e) {
        run.error = e.what();  // "cannot start PROGRAM: No such file or directory"
    }
    if (run.ok()) {
        try {
            if (sub) {
                // The JSON object is the last line of stdout that is one.
                std::istringstream lines(slurp(out));
                nlohmann::json result;
                for (std::string line; std::getline(lines, line);)
                    if (!line.empty() && line.front() == '{') result = nlohmann::json::parse(line);
                if (!result.is_object()) throw ConfigError("printed no JSON result");
                run.metrics = metrics_from_json(result);
            } else {
                if (!fs::exists(report))
                    throw ConfigError("wrote no report (did it run a program on a device?)");
                run.metrics = metrics_from_report_csv(slurp(report));
            }
            if (run.metrics.empty()) throw ConfigError("reported no figures");
        } catch (const std::exception& e) {
            run.error = e.what();
        }
    }
    if (!run.ok()) std::cerr << "baseline: " << command_text(command) << ": " << run.error << "\n";
    return run;
}

Baseline measure_all(const std::vector<std::vector<std::string>>& commands) {
    const fs::path dir =
        fs::temp_directory_path() / ("tensim-baseline-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    Baseline b;
    b.tensim_version = TENSIM_VERSION;
    try {
        for (const auto& c : commands) b.runs.push_back(measure(c, dir));
    } catch (...) {
        fs::remove_all(dir);
        throw;
    }
    fs::remove_all(dir);
    return b;
}

void add_common(CLI::App& c, Options& o) {
    c.add_option("file", o.file, "The baseline JSON file")->required()->type_name("FILE");
    c.add_option("command", o.words,
                 "After `--`: a run subcommand (matmul ..., llm ..., ccl ..., bench ...) or a "
                 "host program; more runs each after a further `--`");
}

int run_record(Options& o) {
    const auto commands = commands_of(o.words);
    if (commands.empty())
        throw UsageError(
            "baseline record: give the runs after `--`, e.g. tensim baseline record base.json -- "
            "matmul --m 256 --k 256 --n 256 --numerics timing");
    const Baseline b = measure_all(commands);
    size_t failed = 0, figures = 0;
    for (const Run& r : b.runs) failed += !r.ok(), figures += r.metrics.size();
    if (failed) {
        std::cerr << "baseline record: " << failed << " of " << b.runs.size()
                  << " runs failed; nothing written\n";
        return kFailed;
    }
    save(b, o.file);
    std::cout << "baseline: " << figures << " figures of " << b.runs.size() << " runs written to "
              << o.file << "\n";
    return kOk;
}

int run_compare(Options& o) {
    // "P%" or "P": percent.
    double rel = 0;
    as_usage([&] {
        std::string t = o.tolerance;
        if (!t.empty() && t.back() == '%') t.pop_back();
        size_t used = 0;
        rel = t.empty() ? -1 : std::stod(t, &used) / 100.0;
        if (used != t.size() || !(rel >= 0))
            throw std::invalid_argument("--tolerance: expected P% (e.g. 2%), got '" + o.tolerance +
                                        "'");
    });
    const Baseline base = as_usage([&] { return load(o.file); });
    auto commands = commands_of(o.words);
    if (commands.empty())
        for (const Run& r : base.runs) commands.push_back(r.command);
    const Baseline now = measure_all(commands);
    const auto rows = compare(base, now, {rel, o.pcc_tolerance});
    std::cout << format_table(rows, o.all);
    if (!o.junit.empty()) {
        std::ofstream j(o.junit);
        j << junit_xml(rows);
        if (!j) throw HostError("baseline: cannot write " + o.junit);
    }
    if (!o.out.empty()) save(now, o.out);
    return any_bad(rows) ? kFailed : kOk;
}

}  // namespace

void add(CLI::App& cmd) {
    cmd.require_subcommand(1);
    CLI::App* rec = cmd.add_subcommand("record", "Run the commands and keep their figures in FILE");
    add_common(*rec, g_record);
    CLI::App* cmp = cmd.add_subcommand(
        "compare",
        "Run the commands (default: those in FILE) and compare with FILE; exit 1 when "
        "a figure moved beyond the tolerance, went missing, or a run failed");
    add_common(*cmp, g_compare);
    cmp->add_option("--tolerance", g_compare.tolerance,
                    "Relative move allowed for cycles and times (default 0%: tensim is "
                    "deterministic)")
        ->type_name("P%");
    cmp->add_option("--pcc-tolerance", g_compare.pcc_tolerance,
                    "Drop of a PCC allowed (absolute; default 1e-6)")
        ->check(CLI::Range(0.0, 2.0));
    cmp->add_option("--junit", g_compare.junit, "Also write the outcome as JUnit XML")
        ->type_name("FILE");
    cmp->add_option("--out", g_compare.out, "Also write the new figures as a baseline")
        ->type_name("FILE");
    cmp->add_flag("--all", g_compare.all, "Print every figure, not only those that moved");
    cmd.footer(
        "Example: tensim baseline record base.json -- matmul --m 256 --k 256 --n 256 "
        "--numerics fast -- llm --model llama-3.2-1b --layers 1\n"
        "         tensim baseline compare base.json --tolerance 1% --junit baseline.xml");
}

int run(CLI::App& cmd) {
    if (cmd.get_subcommand("record")->parsed()) return run_record(g_record);
    return run_compare(g_compare);
}

}  // namespace tensim::cli::baseline_cmd
