// `tensim calibrate` (see tensim/calibrate.hpp): case files in, each case run or skipped with
// the reason, predicted beside measured out as a table, JSON or CSV with summary statistics.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "calibrate/predict.hpp"
#include "common/error.hpp"
#include "tensim/host/tensim.hpp"

namespace tensim::calibrate {

namespace {

// Why a kind this runner does not simulate is skipped.
std::string unsimulated_kind_reason(const std::string& kind) {
    return fmt::format("kind '{}' is not simulated by tensim calibrate", kind);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
}

// Six significant digits, without switching large counts to exponent form.
std::string number_text(double v) {
    return std::abs(v) >= 1e5 && std::abs(v) < 1e15 ? fmt::format("{:.0f}", v)
                                                    : fmt::format("{:.6g}", v);
}

nlohmann::ordered_json summary_json(const Summary& s) {
    nlohmann::ordered_json j{{"count", s.count}, {"skipped", s.skipped}};
    if (s.count) {
        j["median_abs_error_pct"] = s.median_abs_error_pct;
        j["p90_abs_error_pct"] = s.p90_abs_error_pct;
    } else {
        j["median_abs_error_pct"] = nullptr;
        j["p90_abs_error_pct"] = nullptr;
    }
    return j;
}

}  // namespace

// ---- cases -------------------------------------------------------------------------------------

std::vector<Case> parse_cases(const nlohmann::json& cases, const std::string& origin) {
    if (!cases.is_array())
        throw ConfigError(fmt::format("{}: expected a JSON array of case objects", origin));
    std::vector<Case> out;
    for (size_t i = 0; i < cases.size(); ++i) {
        const auto& j = cases[i];
        const std::string where = fmt::format("{}: case {}", origin, i);
        if (!j.is_object()) throw ConfigError(where + ": not an object");
        auto str = [&](const char* key, bool required) -> std::string {
            if (!j.contains(key) || j.at(key).is_null()) {
                if (required) throw ConfigError(fmt::format("{}: '{}' is missing", where, key));
                return "";
            }
            if (!j.at(key).is_string())
                throw ConfigError(fmt::format("{}: '{}' is not a string", where, key));
            return j.at(key).get<std::string>();
        };
        Case c;
        c.id = str("id", true);
        const std::string at = fmt::format("{}: case {}", origin, c.id);
        c.kind = str("kind", true);
        c.metric = str("metric", true);
        c.system = str("system", false);
        c.measured_kind = str("measured_kind", false);
        c.source = str("source", false);
        c.notes = str("notes", false);
        if (!j.contains("measured") || !j.at("measured").is_number())
            throw ConfigError(at + ": 'measured' is missing or not a number");
        c.measured = j.at("measured").get<double>();
        c.params = j.value("params", nlohmann::json::object());
        if (!c.params.is_object()) throw ConfigError(at + ": 'params' is not an object");
        c.file = origin;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<Case> load_cases(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw HostError(fmt::format("calibrate: cannot open {}", file));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
    return parse_cases(j, file);
}

const std::vector<std::string>& simulated_kinds() {
    static const std::vector<std::string> kinds = {
        "noc_latency", "noc_transfer", "dram_read",
        "dram_write",  "sfpu",         "matmul_single_core",
        "matmul",      "eth_latency",  "eth_transfer",
        "ccl",         "llm_e2e",      "llm_op",
        "model_device"};
    return kinds;
}

double large_matmul_work() { return std::ldexp(1.0, 40); }

const std::string& large_matmul_reason() {
    static const std::string reason =
        "too large for the default run; pass --include-large to simulate";
    return reason;
}

// ---- running -----------------------------------------------------------------------------------

Runner::Runner(const Options& opt) : m_opt(opt) { tensim::set_numerics(opt.numerics); }
Runner::~Runner() = default;

bench::Session& Runner::session() {
    if (!m_session) m_session = std::make_unique<bench::Session>();
    return *m_session;
}

Result Runner::run(const Case& c) {
    Result r{.id = c.id, .kind = c.kind, .metric = c.metric, .measured = c.measured};
    const auto& kinds = simulated_kinds();
    if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
        r.skip_reason = unsimulated_kind_reason(c.kind);
        return r;
    }
    try {
        if (!(c.measured > 0)) throw Skip{"the measured value is not positive"};
        Prediction pred;
        if (is_fabric_case(c) || is_mesh_llm_case(c)) {
            // Multi-chip: the shared single-chip device closes, the case opens its system.
            m_session.reset();
            const std::string system = tensim::system_name();
            struct Restore {
                std::string s;
                ~Restore() { tensim::set_system(s); }
            } restore{system};
            pred = is_fabric_case(c) ? predict_fabric(c) : predict_llm_mesh(c);
        } else {
            pred = predict(session(), c, m_opt.include_large);
        }
        r.predicted = pred.value;
        r.error_pct = (pred.value / c.measured - 1) * 100;
        r.notes = std::move(pred.notes);
    } catch (const Skip& s) {
        r.skip_reason = s.reason;
    } catch (const tensim::HostError& e) {
        // The host API refused the configuration (placement, sizes): not expressible.
        r.skip_reason = fmt::format("not expressible: {}", e.what());
    }
    return r;
}

std::vector<Result> run_cases(const std::vector<Case>& cases, const Options& opt,
                              const std::function<void(const Result&)>& on_result) {
    Runner runner(opt);
    std::vector<Result> out;
    for (const auto& c : cases) {
        out.push_back(runner.run(c));
        if (on_result) on_result(out.back());
    }
    return out;
}

// ---- summary and output ------------------------------------------------------------------------

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (rank - double(lo)) * (v[hi] - v[lo]);
}

std::vector<Summary> summarize(const std::vector<Result>& results) {
    std::vector<std::string> order;
    for (const auto& k : simulated_kinds())
        for (const auto& r : results)
            if (r.kind == k) {
                order.push_back(k);
                break;
            }
    for (const auto& r : results)
        if (std::find(order.begin(), order.end(), r.kind) == order.end()) order.push_back(r.kind);
    auto make = [&](const std::string& name, auto&& pick) {
        Summary s{.kind = name};
        std::vector<double> errs;
        for (const auto& r : results) {
            if (!pick(r)) continue;
            if (r.skipped())
                s.skipped++;
            else
                errs.push_back(std::abs(*r.error_pct));
        }
        s.count = errs.size();
        s.median_abs_error_pct = percentile(errs, 50);
        s.p90_abs_error_pct = percentile(errs, 90);
        return s;
    };
    std::vector<Summary> out;
    for (const auto& k : order)
        out.push_back(make(k, [&](const Result& r) { return r.kind == k; }));
    out.push_back(make("overall", [](const Result&) { return true; }));
    return out;
}

nlohmann::ordered_json to_json(const std::vector<Result>& results) {
    nlohmann::ordered_json cases = nlohmann::ordered_json::array();
    for (const auto& r : results) {
        nlohmann::ordered_json j{
            {"id", r.id}, {"kind", r.kind}, {"metric", r.metric}, {"measured", r.measured}};
        j["predicted"] =
            r.predicted ? nlohmann::ordered_json(*r.predicted) : nlohmann::ordered_json(nullptr);
        j["error_pct"] =
            r.error_pct ? nlohmann::ordered_json(*r.error_pct) : nlohmann::ordered_json(nullptr);
        j["status"] = r.skipped() ? "skipped" : "simulated";
        if (r.skipped()) j["reason"] = r.skip_reason;
        j["notes"] = r.notes;
        cases.push_back(std::move(j));
    }
    nlohmann::ordered_json kinds = nlohmann::ordered_json::object(), overall;
    for (const auto& s : summarize(results)) {
        if (s.kind == "overall")
            overall = summary_json(s);
        else
            kinds[s.kind] = summary_json(s);
    }
    return {{"cases", cases}, {"summary", {{"kinds", kinds}, {"overall", overall}}}};
}

std::string to_csv(const std::vector<Result>& results) {
    std::string out = "id,kind,metric,measured,predicted,error_pct,status,detail\n";
    for (const auto& r : results) {
        std::string detail = r.skip_reason;
        for (const auto& n : r.notes) detail += (detail.empty() ? "" : "; ") + n;
        out += fmt::format("{},{},{},{},{},{},{},{}\n", csv_field(r.id), csv_field(r.kind),
                           csv_field(r.metric), number_text(r.measured),
                           r.predicted ? number_text(*r.predicted) : "",
                           r.error_pct ? fmt::format("{:.2f}", *r.error_pct) : "",
                           r.skipped() ? "skipped" : "simulated", csv_field(detail));
    }
    return out;
}

std::string format_table_header(size_t w) {
    return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  {:>8}\n", "id", w, "kind", "measured",
                       "predicted", "error") +
           std::string(w + 60, '-') + "\n";
}

std::string format_row(const Result& r, size_t w) {
    if (r.skipped())
        return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  skipped: {}\n", r.id, w, r.kind,
                           number_text(r.measured), "-", r.skip_reason);
    return fmt::format("{:<{}}  {:<18}  {:>12}  {:>12}  {:>+7.1f}%\n", r.id, w, r.kind,
                       number_text(r.measured), number_text(*r.predicted), *r.error_pct);
}

std::string format_notes(const std::vector<Result>& results) {
    std::string out;
    for (const auto& r : results) {
        if (r.notes.empty()) continue;
        out += fmt::format("  {}: ", r.id);
        for (size_t i = 0; i < r.notes.size(); ++i) out += (i ? "; " : "") + r.notes[i];
        out += "\n";
    }
    return out.empty() ? out : "notes (defaults taken, parameters not modelled, what ran):\n" + out;
}

std::string format_summary(const std::vector<Summary>& summaries) {
    std::string out = "summary (|error| = |predicted / measured - 1|):\n";
    for (const auto& s : summaries) {
        if (s.count)
            out += fmt::format(
                "  {:<20} {:>4} cases  median |error| {:>6.1f}%  p90 |error| {:>6.1f}%{}\n", s.kind,
                s.count, s.median_abs_error_pct, s.p90_abs_error_pct,
                s.skipped ? fmt::format("  ({} skipped)", s.skipped) : "");
        else
            out += fmt::format("  {:<20} {:>4} cases  ({} skipped)\n", s.kind, 0, s.skipped);
    }
    return out;
}

}  // namespace tensim::calibrate
