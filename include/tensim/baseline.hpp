// Cycle-regression baselines for CI (`tensim baseline record|compare`, docs/ci.md): the figures
// of a set of runs (device cycles, PCC, per-op times) kept as JSON, and a later set compared with
// them under a tolerance, as a table and as JUnit XML.
//
// A run is either a tensim run subcommand (`matmul ...`, `llm ...`, `ccl ...`, `bench ...`),
// whose figures are read from its --json result, or a host program (any other executable),
// whose figures are read from the per-program report it writes ($TENSIM_REPORT). tensim is
// deterministic: a figure that moves moved because the model, a kernel or a program changed.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tensim::baseline {

// Figures of one run, by name, in the order the run reported them.
using Metrics = std::vector<std::pair<std::string, double>>;

struct Run {
    std::vector<std::string> command;  // e.g. {"matmul", "--m", "64", ...} or {"./prog", ...}
    Metrics metrics;
    std::string error;  // non-empty: the run failed (its message); no metrics then
    bool ok() const { return error.empty(); }
};

struct Baseline {
    std::string tensim_version;  // of the binary that recorded it (informative)
    std::vector<Run> runs;
};

// The command as one line (words with spaces or quotes quoted): the key runs are matched by.
std::string command_text(const std::vector<std::string>& command);

// The figures of a subcommand's JSON result: every number whose name holds "cycle" or "pcc" or
// ends in _us or _ms (wall-clock times excluded: they are the host's, not the simulation's).
// Nested objects give dotted names (`plan.device_cycles`); an array of objects is named per
// element by its "op", "name" or "benchmark" field, else its index (`ops[qkv].device_us`).
Metrics metrics_from_json(const nlohmann::json& result);
// The figures of a host program's report CSV (tensim::RunOutputs::report_path): per program
// `programs[<index> <op>].device_cycles` and `.device_us`, and the totals `device_cycles` and
// `programs`. Throws ConfigError when the text is not such a CSV.
Metrics metrics_from_report_csv(const std::string& csv_text);

// {"tensim_baseline": 1, "tensim_version": ..., "runs": [{"command": [...], "metrics": {...}}]}
nlohmann::ordered_json to_json(const Baseline& b);
// Throws ConfigError naming `origin` for anything else.
Baseline from_json(const nlohmann::ordered_json& j, const std::string& origin);
Baseline load(const std::string& file);  // ConfigError / HostError
void save(const Baseline& b, const std::string& file);

// How far a figure may move before it counts: cycles and times relatively (0.02 = 2%), a PCC by
// an absolute amount (only a drop counts: a better PCC is no regression).
struct Tolerance {
    double relative = 0;
    double pcc = 1e-6;
};
bool is_pcc(const std::string& metric);

enum class Status { same, within, moved, missing, added, failed };
const char* status_name(Status s);
struct Row {
    std::string run;  // command_text
    std::string metric;
    std::optional<double> base, now;
    Status status = Status::same;
    std::string note;  // failed: the run's error
    bool bad() const {
        return status == Status::moved || status == Status::missing || status == Status::failed;
    }
};
// One row per figure of every run of `base` (a run absent from `now` is not compared: compare
// a subset by running only it), plus figures `now` has and `base` lacks (added, not a failure).
// A run of `now` that base lacks gives one row "added" per figure. A failed run: one row failed.
std::vector<Row> compare(const Baseline& base, const Baseline& now, const Tolerance& tol);
bool any_bad(const std::vector<Row>& rows);

// The table a person reads: the rows that are bad (or all with `all`), with the change in
// percent, then a one-line verdict.
std::string format_table(const std::vector<Row>& rows, bool all);
// JUnit XML (the schema Jenkins, GitLab and GitHub reporters read): one testsuite "tensim
// baseline", one testcase per run, a <failure> listing the figures that moved.
std::string junit_xml(const std::vector<Row>& rows);

}  // namespace tensim::baseline
