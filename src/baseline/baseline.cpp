// Baselines (tensim/baseline.hpp): the figures of runs as JSON, their comparison, and the table
// and JUnit XML a CI job shows. Running the commands is the CLI's (tools/tensim/baseline_cmd.cpp).
#include "tensim/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "tensim/error.hpp"
#include "tensim/sweep.hpp"

namespace tensim::baseline {

std::string command_text(const std::vector<std::string>& command) {
    std::string out;
    for (const auto& w : command) {
        if (!out.empty()) out += ' ';
        if (!w.empty() && w.find_first_of(" \t\"'\\$") == std::string::npos) {
            out += w;
            continue;
        }
        out += '\'';
        for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

// ---- figures ------------------------------------------------------------------------------------

namespace {

bool ends_with(const std::string& s, const char* tail) {
    const std::string t(tail);
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

// Whether a number named `key` is a figure of the simulation (see metrics_from_json).
bool is_figure(const std::string& key) {
    if (key.find("wall") != std::string::npos) return false;
    return key.find("cycle") != std::string::npos || key.find("pcc") != std::string::npos ||
           ends_with(key, "_us") || ends_with(key, "_ms");
}

void walk(const nlohmann::json& j, const std::string& prefix, const std::string& key,
          Metrics& out) {
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) walk(v, prefix.empty() ? k : prefix + "." + k, k, out);
    } else if (j.is_array()) {
        std::map<std::string, int> seen;  // a label given twice is told apart by its count
        for (size_t i = 0; i < j.size(); ++i) {
            const auto& e = j[i];
            if (!e.is_object()) continue;  // coordinates, lists of names: no figures
            std::string label = std::to_string(i);
            for (const char* field : {"op", "name", "benchmark"})
                if (e.contains(field) && e.at(field).is_string()) {
                    label = e.at(field).get<std::string>();
                    break;
                }
            if (const int n = seen[label]++; n > 0) label += fmt::format("#{}", n + 1);
            walk(e, prefix + "[" + label + "]", "", out);
        }
    } else if (j.is_number() && is_figure(key)) {
        out.emplace_back(prefix, j.get<double>());
    }
}

}  // namespace

Metrics metrics_from_json(const nlohmann::json& result) {
    Metrics out;
    walk(result, "", "", out);
    return out;
}

Metrics metrics_from_report_csv(const std::string& csv_text) {
    const auto records = tensim::sweep::parse_csv(csv_text);
    if (records.empty()) throw ConfigError("report CSV: empty (the program ran no program?)");
    const auto& head = records.front();
    auto column = [&](const char* name) {
        const auto it = std::find(head.begin(), head.end(), name);
        if (it == head.end())
            throw ConfigError(fmt::format("report CSV: no column '{}' in its header", name));
        return size_t(it - head.begin());
    };
    const size_t op = column("op"), cycles = column("device_cycles"), us = column("device_us");
    Metrics out;
    double total = 0;
    for (size_t i = 1; i < records.size(); ++i) {
        const auto& r = records[i];
        if (r.size() != head.size())
            throw ConfigError(fmt::format("report CSV: row {} has {} cells, the header {}", i,
                                          r.size(), head.size()));
        double c = 0, t = 0;
        try {
            c = std::stod(r[cycles]), t = std::stod(r[us]);
        } catch (const std::exception&) {
            throw ConfigError(fmt::format("report CSV: row {}: not a number", i));
        }
        const std::string name = fmt::format("programs[{} {}]", i - 1, r[op]);
        out.emplace_back(name + ".device_cycles", c);
        out.emplace_back(name + ".device_us", t);
        total += c;
    }
    out.emplace_back("device_cycles", total);
    out.emplace_back("programs", double(records.size() - 1));
    return out;
}

// ---- files --------------------------------------------------------------------------------------

nlohmann::ordered_json to_json(const Baseline& b) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const Run& r : b.runs) {
        nlohmann::ordered_json m = nlohmann::ordered_json::object();
        for (const auto& [k, v] : r.metrics) m[k] = v;
        nlohmann::ordered_json j = {{"command", r.command}, {"metrics", m}};
        if (!r.ok()) j["error"] = r.error;
        runs.push_back(j);
    }
    return {{"tensim_baseline", 1}, {"tensim_version", b.tensim_version}, {"runs", runs}};
}

Baseline from_json(const nlohmann::ordered_json& j, const std::string& origin) {
    auto bad = [&](const std::string& what) { return ConfigError(origin + ": " + what); };
    if (!j.is_object() || j.value("tensim_baseline", nlohmann::ordered_json()) != 1)
        throw bad("not a tensim baseline (\"tensim_baseline\": 1 missing)");
    Baseline b;
    if (j.contains("tensim_version") && j.at("tensim_version").is_string())
        b.tensim_version = j.at("tensim_version").get<std::string>();
    if (!j.contains("runs") || !j.at("runs").is_array()) throw bad("\"runs\" is not a list");
    for (const auto& r : j.at("runs")) {
        Run run;
        if (!r.is_object() || !r.contains("command") || !r.at("command").is_array() ||
            r.at("command").empty())
            throw bad("a run without a \"command\" list");
        for (const auto& w : r.at("command")) {
            if (!w.is_string()) throw bad("a command word that is not a string");
            run.command.push_back(w.get<std::string>());
        }
        if (r.contains("error") && r.at("error").is_string()) run.error = r.at("error");
        if (r.contains("metrics")) {
            if (!r.at("metrics").is_object()) throw bad("\"metrics\" is not an object");
            for (const auto& [k, v] : r.at("metrics").items()) {
                if (!v.is_number()) throw bad(fmt::format("metric '{}' is not a number", k));
                run.metrics.emplace_back(k, v.get<double>());
            }
        }
        b.runs.push_back(std::move(run));
    }
    return b;
}

Baseline load(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw HostError(fmt::format("baseline: cannot open {}", file));
    try {
        return from_json(nlohmann::ordered_json::parse(in), file);
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
}

void save(const Baseline& b, const std::string& file) {
    std::ofstream out(file);
    out << to_json(b).dump(2) << "\n";
    if (!out) throw HostError(fmt::format("baseline: cannot write {}", file));
}

// ---- comparison ---------------------------------------------------------------------------------

bool is_pcc(const std::string& metric) {
    const size_t dot = metric.rfind('.');
    return metric.substr(dot == std::string::npos ? 0 : dot + 1) == "pcc";
}

const char* status_name(Status s) {
    switch (s) {
        case Status::same:
            return "same";
        case Status::within:
            return "within";
        case Status::moved:
            return "MOVED";
        case Status::missing:
            return "MISSING";
        case Status::added:
            return "added";
        case Status::failed:
            return "FAILED";
    }
    return "?";
}

std::vector<Row> compare(const Baseline& base, const Baseline& now, const Tolerance& tol) {
    std::map<std::string, const Run*> base_runs;
    for (const Run& r : base.runs) base_runs[command_text(r.command)] = &r;
    std::vector<Row> rows;
    for (const Run& n : now.runs) {
        const std::string name = command_text(n.command);
        if (!n.ok()) {
            rows.push_back({name, "", std::nullopt, std::nullopt, Status::failed, n.error});
            continue;
        }
        const auto it = base_runs.find(name);
        const Run* b = it == base_runs.end() ? nullptr : it->second;
        std::map<std::string, double> got(n.metrics.begin(), n.metrics.end());
        std::set<std::string> done;
        if (b)
            for (const auto& [metric, was] : b->metrics) {
                Row row{name, metric, was, std::nullopt, Status::missing, ""};
                if (const auto g = got.find(metric); g != got.end()) {
                    const double v = g->second;
                    row.now = v;
                    const bool moved = is_pcc(metric)
                                           ? v < was - tol.pcc
                                           : std::abs(v - was) > tol.relative * std::abs(was);
                    row.status = v == was ? Status::same : moved ? Status::moved : Status::within;
                }
                done.insert(metric);
                rows.push_back(row);
            }
        for (const auto& [metric, v] : n.metrics)
            if (!done.count(metric))
                rows.push_back({name, metric, std::nullopt, v, Status::added,
                                b ? "" : "a run the baseline does not have"});
    }
    return rows;
}

bool any_bad(const std::vector<Row>& rows) {
    return std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.bad(); });
}

namespace {

std::string number(const std::optional<double>& v) {
    if (!v) return "-";
    return std::abs(*v) >= 1e5 && std::abs(*v) < 1e15 ? fmt::format("{:.0f}", *v)
                                                      : fmt::format("{:.6g}", *v);
}

std::string change(const Row& r) {
    if (!r.base || !r.now) return "";
    if (*r.base == 0) return *r.now == 0 ? "0%" : "";
    return fmt::format("{:+.2f}%", 100.0 * (*r.now - *r.base) / std::abs(*r.base));
}

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 allows no control characters but tab, newline and carriage return.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    out += '?';
                else
                    out += c;
        }
    }
    return out;
}

}  // namespace

std::string format_table(const std::vector<Row>& rows, bool all) {
    std::vector<const Row*> shown;
    for (const Row& r : rows)
        if (all || r.bad()) shown.push_back(&r);
    size_t bad = 0, runs = 0;
    std::set<std::string> names;
    for (const Row& r : rows) bad += r.bad(), names.insert(r.run);
    runs = names.size();
    std::string out;
    if (!shown.empty()) {
        size_t w = 6;
        for (const Row* r : shown) w = std::max(w, r->metric.size());
        std::string run;
        for (const Row* r : shown) {
            if (r->run != run) {
                run = r->run;
                out += fmt::format("{}\n  {:<{}}  {:>14}  {:>14}  {:>9}  {}\n", run, "figure", w,
                                   "baseline", "now", "change", "status");
            }
            out += fmt::format("  {:<{}}  {:>14}  {:>14}  {:>9}  {}{}\n", r->metric, w,
                               number(r->base), number(r->now), change(*r), status_name(r->status),
                               r->note.empty() ? "" : ": " + r->note);
        }
    }
    out +=
        bad ? fmt::format("baseline: {} of {} figures moved, missing or failed ({} runs)\n", bad,
                          rows.size(), runs)
            : fmt::format("baseline: {} figures of {} runs within tolerance\n", rows.size(), runs);
    return out;
}

std::string junit_xml(const std::vector<Row>& rows) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Row*>> by_run;
    for (const Row& r : rows) {
        if (!by_run.count(r.run)) order.push_back(r.run);
        by_run[r.run].push_back(&r);
    }
    size_t failures = 0;
    std::string cases;
    for (const std::string& run : order) {
        std::string failed;
        for (const Row* r : by_run[run])
            if (r->bad())
                failed += fmt::format("{} {}: baseline {}, now {} {}{}\n", status_name(r->status),
                                      r->metric, number(r->base), number(r->now), change(*r),
                                      r->note.empty() ? "" : " " + r->note);
        cases += fmt::format("    <testcase classname=\"tensim.baseline\" name=\"{}\">\n",
                             xml_escape(run));
        if (!failed.empty()) {
            ++failures;
            cases +=
                fmt::format("      <failure message=\"{}\">{}</failure>\n",
                            xml_escape(failed.substr(0, failed.find('\n'))), xml_escape(failed));
        }
        cases += "    </testcase>\n";
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{0}\" failures=\"{1}\">\n"
        "  <testsuite name=\"tensim baseline\" tests=\"{0}\" failures=\"{1}\" errors=\"0\">\n"
        "{2}  </testsuite>\n</testsuites>\n",
        order.size(), failures, cases);
}

}  // namespace tensim::baseline
