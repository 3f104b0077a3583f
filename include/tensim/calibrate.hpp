// Calibration (`tensim calibrate`): simulates the measured cases of the calibration set
// (shared/calibration/*.json, schema in its README.md) and puts each prediction beside the
// silicon number. Kinds simulated: noc_latency, noc_transfer, dram_read, dram_write, sfpu,
// matmul_single_core, matmul (through the op layer, tensim::ops::matmul), and the LLM kinds
// llm_e2e, llm_op and model_device (through tensim::models, docs/llm.md); every other case is
// reported as skipped with the reason, as is a case whose parameters the simulator cannot express
// and a matmul whose work is above large_matmul_work() unless Options::include_large is set.
// Defaults taken for null parameters, and parameters the model ignores, are listed in each
// result's notes.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tensim::bench {
class Session;
}

namespace tensim::calibrate {

// One case object of a calibration file.
struct Case {
    std::string id, kind, system, metric, measured_kind, source, notes;
    nlohmann::json params;  // flat object
    double measured = 0;
    std::string file;  // where it was read from
};

// Parses a JSON array of case objects; throws ConfigError naming `origin` and the case when a
// case lacks id, kind, metric or a numeric measured value, or params is not an object.
std::vector<Case> parse_cases(const nlohmann::json& cases, const std::string& origin);
std::vector<Case> load_cases(const std::string& file);  // throws ConfigError / HostError

// The kinds this runner simulates, in report order.
const std::vector<std::string>& simulated_kinds();

struct Result {
    std::string id, kind, metric;
    double measured = 0;
    std::optional<double> predicted;  // in the case's metric; empty when skipped
    std::optional<double> error_pct;  // (predicted / measured - 1) * 100
    std::string skip_reason;          // non-empty: not simulated, and why
    std::vector<std::string> notes;   // defaults used, parameters not modelled, what ran
    bool skipped() const { return !skip_reason.empty(); }
};

struct Options {
    std::string numerics = "timing";  // faithful | fast | timing (cycles are the same in all)
    // Simulate matmul cases whose M*N*K exceeds large_matmul_work() (a 16384^3 matmul takes over a
    // minute of wall time); otherwise they are skipped with large_matmul_reason().
    bool include_large = false;
};

// M*N*K above which a matmul case is too large for the default run (2^40: 8192^3 runs, 16384^3
// does not), and the skip reason then given.
double large_matmul_work();
const std::string& large_matmul_reason();

// Simulates cases one by one on one simulated device (opened on first use).
class Runner {
public:
    explicit Runner(const Options& opt = {});
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;
    Result run(const Case& c);

private:
    bench::Session& session();
    Options m_opt;
    std::unique_ptr<bench::Session> m_session;
};

// Runs every case in order; `on_result` (if set) sees each result as it is produced.
std::vector<Result> run_cases(const std::vector<Case>& cases, const Options& opt = {},
                              const std::function<void(const Result&)>& on_result = {});

// Percentile p (0..100) of `values` by linear interpolation between closest ranks (NumPy's
// default); 0 for an empty list.
double percentile(std::vector<double> values, double p);

struct Summary {
    std::string kind;  // or "overall"
    size_t count = 0;  // simulated cases
    size_t skipped = 0;
    double median_abs_error_pct = 0;
    double p90_abs_error_pct = 0;
};
// One summary per kind present (simulated kinds first, in simulated_kinds() order, then the
// others in order of appearance), then "overall" over every simulated case.
std::vector<Summary> summarize(const std::vector<Result>& results);

// {"cases":[{"id","kind","metric","measured","predicted","error_pct","status",...}...],
//  "summary":{"kinds":{kind:{...}},"overall":{...}}}; skipped cases carry predicted and
// error_pct null, status "skipped" and the reason.
nlohmann::ordered_json to_json(const std::vector<Result>& results);
// Header plus one row per result: id,kind,metric,measured,predicted,error_pct,status,detail.
std::string to_csv(const std::vector<Result>& results);
// The printed report: the table, the notes, the summary lines.
std::string format_table_header(size_t id_width);
std::string format_row(const Result& r, size_t id_width);
std::string format_notes(const std::vector<Result>& results);
std::string format_summary(const std::vector<Summary>& summaries);

}  // namespace tensim::calibrate
