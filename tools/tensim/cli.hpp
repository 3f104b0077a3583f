// What every `tensim` subcommand shares: the table entry it registers with, the options all of
// them take (--system, --set, --json), the usage error that exits with status 2, and the output
// of a machine-readable result.
#pragma once
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tensim/error.hpp"

namespace tensim::cli {

// Exit statuses: 0 ok; 1 the run failed (a simulated program failed, a file could not be
// written, a sweep point failed); 2 bad usage (parse errors, bad option values).
enum Exit { kOk = 0, kFailed = 1, kUsage = 2 };

// A bad option value found after parsing (an unknown --set key, a malformed --grid): exit 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs `fn`, turning the errors a bad option value raises (tensim::ConfigError,
// std::invalid_argument) into UsageError.
template <typename Fn>
auto as_usage(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    } catch (const tensim::ConfigError& e) {
        throw UsageError(e.what());
    }
}

// A whole number in [lo, hi] (a parse error, exit 2, naming the range): CLI11's PositiveNumber
// prints its bound as a 309-digit double.
template <typename T>
CLI::Validator whole(T lo = 1, T hi = std::numeric_limits<T>::max()) {
    const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return CLI::Validator(
        [lo, hi, range](std::string& s) -> std::string {
            errno = 0;
            char* end = nullptr;
            const long double v = std::strtold(s.c_str(), &end);
            // The range before the whole-number test: casting 1e30 to an integer is undefined.
            if (s.empty() || *end != '\0' || errno != 0 || !(v >= static_cast<long double>(lo)) ||
                v > static_cast<long double>(hi) || v != std::trunc(v))
                return "must be a whole number in " + range + ", got '" + s + "'";
            return "";
        },
        "INT in " + range);
}

// A finite number >= `lo`, or > `lo` if `strict` (for rates a run divides by); exit 2 otherwise.
inline CLI::Validator number_from(double lo, bool strict = false) {
    const std::string bound = (strict ? "> " : ">= ") + std::to_string(lo);
    return CLI::Validator(
        [lo, strict, bound](std::string& s) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (s.empty() || *end != '\0' || !std::isfinite(v) || (strict ? !(v > lo) : !(v >= lo)))
                return "must be a finite number " + bound + ", got '" + s + "'";
            return "";
        },
        "NUMBER " + bound);
}

// A subcommand: `add` registers its options (and nested subcommands) on `cmd`; `run` runs it once
// parsed. `sweepable`: prints one JSON object under --json, so `tensim sweep` can run it per point.
// `run_outputs`: its runs honour --stats/--trace/--report/--pictures.
struct Subcommand {
    const char* name;
    const char* description;
    void (*add)(CLI::App& cmd);
    int (*run)(CLI::App& cmd);
    bool sweepable = false;
    bool run_outputs = false;
};
const std::vector<Subcommand>& subcommands();  // main.cpp
CLI::App& root();                              // the whole command line, once built

// The options every subcommand takes.
struct Common {
    std::string system;            // --system NAME|FILE; empty: $TENSIM_SYSTEM, else n150
    std::vector<std::string> set;  // --set KEY=VALUE, repeatable
    std::string json;              // --json [FILE]
    bool json_given = false;

    void add_to(CLI::App& cmd);
    // The system to open: --system, else $TENSIM_SYSTEM, else n150.
    std::string system_name() const;
    // tensim::set_system(system_name(), set); a bad name or key is a UsageError.
    void apply_system() const;
    // --json without a file: the result goes to stdout instead of the human text.
    bool json_on_stdout() const { return json_given && json.empty(); }
    // Writes `j` where --json asked (stdout as one line, or FILE indented); nothing without --json.
    void emit_json(const nlohmann::ordered_json& j) const;
};

// For CI: --expect-cycles N[+-P%] and --min-pcc X on a run subcommand. check() prints what
// missed to stderr and returns 1 (a failed run), else 0; a malformed value is a UsageError.
struct Expect {
    std::string cycles;   // "N", "N+-P%" or "N±P%"; empty: not checked
    double min_pcc = -2;  // below -1: not checked
    void add_to(CLI::App& cmd);
    int check(uint64_t got_cycles, std::optional<double> got_pcc) const;
    // The same on a subcommand's JSON result: its "device_cycles", else its first top-level
    // count whose name ends in "cycles" (a benchmark's kernel_cycles, latency_cycles, ...), and
    // its "pcc". A result with no cycle count fails --expect-cycles as a usage error.
    int check(const nlohmann::ordered_json& result) const;
    bool given() const { return !cycles.empty() || min_pcc >= -1; }
};
// The last result a subcommand passed to Common::emit_json (null before any), for the checks
// main.cpp runs after it.
const nlohmann::ordered_json& last_result();
// Adds --expect-cycles and --min-pcc to `cmd`, or to each leaf subcommand under it, unless it
// declares them itself (matmul checks its own); check_expectations runs the parsed leaf's on
// last_result() (0 when none were given).
void add_expectations(CLI::App& cmd);
int check_expectations(CLI::App& cmd);

// --mpi on a simulation subcommand: the system's chips split over the ranks mpirun started
// (tensim/scaleout.hpp). start() joins MPI; ranks other than 0 print and write nothing. Values
// are not compared there: a chip another rank simulates holds no values here, so --mpi wants
// `timing` numerics (a UsageError otherwise).
struct Mpi {
    bool on = false;
    void add_to(CLI::App& cmd);
    void start(Common& common, const std::string& numerics) const;
};

// The run-output flags (--stats, --trace..., --pictures) of the top level (subcommands pass them
// up).
void add_run_output_flags(CLI::App& app);
bool any_run_output_flag();
void apply_run_outputs();   // before the run; a malformed filter is a UsageError
void finish_run_outputs();  // after it: writes the files and draws the pictures

}  // namespace tensim::cli
