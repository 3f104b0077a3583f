// The sweep's points and its CSV (see tensim/sweep.hpp): axes and their product, a child's
// outcome as a row, and the file's columns, quoting and reading back for --resume.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.hpp"
#include "sweep/util.hpp"
#include "tensim/process.hpp"

namespace tensim::sweep {

using namespace detail;

// ---- points ----------------------------------------------------------------------------------

Axis parse_axis(const std::string& spec) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError(fmt::format(
            "sweep --over '{}': expected key=v1,v2,... (e.g. worker_grid=2x2,4x4)", spec));
    Axis a{spec.substr(0, eq), split(spec.substr(eq + 1), ',')};
    std::set<std::string> seen;
    for (const auto& v : a.values) {
        if (v.empty())
            throw ConfigError(fmt::format("sweep --over '{}': empty value for {}", spec, a.key));
        if (!seen.insert(v).second)
            throw ConfigError(
                fmt::format("sweep --over '{}': {}={} is given twice", spec, a.key, v));
    }
    return a;
}

std::vector<Point> expand(const std::vector<Axis>& axes) {
    if (axes.empty())
        throw ConfigError("sweep: nothing to vary; give at least one --over key=v1,v2,...");
    std::set<std::string> keys;
    for (const auto& a : axes)
        if (!keys.insert(a.key).second)
            throw ConfigError(fmt::format("sweep: {} is varied by two --over", a.key));
    std::vector<Point> points = {{}};
    for (const auto& a : axes) {
        std::vector<Point> next;
        for (const auto& p : points)
            for (const auto& v : a.values) {
                next.push_back(p);
                next.back().push_back(v);
            }
        points = std::move(next);
    }
    return points;
}

std::string describe(const std::vector<Axis>& axes, const Point& p) {
    std::string s;
    for (size_t i = 0; i < axes.size(); ++i)
        s += fmt::format("{}{}={}", i ? " " : "", axes[i].key, p.at(i));
    return s;
}

std::vector<std::string> child_args(const std::vector<std::string>& command,
                                    const std::vector<Axis>& axes, const Point& p) {
    std::vector<std::string> args = command;
    for (size_t i = 0; i < axes.size(); ++i) {
        if (axes[i].argument) {
            args.push_back("--" + axes[i].key);
            args.push_back(p.at(i));
            continue;
        }
        args.push_back("--set");
        args.push_back(axes[i].key + "=" + p.at(i));
    }
    if (std::find(command.begin(), command.end(), "--json") == command.end())
        args.push_back("--json");
    return args;
}

// ---- rows ------------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> flatten(const nlohmann::ordered_json& j) {
    std::vector<std::pair<std::string, std::string>> out;
    flatten_into(j, "", out);
    return out;
}

Row outcome(const Point& p, int wait_status, const std::string& out, const std::string& err) {
    Row r{.point = p};
    const process::Exit end{wait_status};
    const bool exited_ok = end.ok();
    if (exited_ok) {
        const auto lines = lines_of(out);
        for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
            if (it->empty() || it->front() != '{') continue;
            auto j = nlohmann::ordered_json::parse(*it, nullptr, false);
            if (j.is_discarded() || !j.is_object()) continue;
            r.ok = true;
            r.fields = flatten(j);
            return r;
        }
    }
    // The child's own message: main() prints `error: ...` first; else whatever it said first.
    std::string msg;
    for (const auto& line : lines_of(err))
        if (line.rfind("error: ", 0) == 0) {
            msg = line.substr(7);
            break;
        }
    if (msg.empty())
        for (const auto& line : lines_of(err))
            if (line.find_first_not_of(" \t") != std::string::npos) {
                msg = line;
                break;
            }
    const std::string how = exited_ok ? "no JSON object on stdout" : end.describe();
    r.error = msg.empty() ? how : end.signal() || exited_ok ? how + ": " + msg : msg;
    return r;
}

// ---- CSV -------------------------------------------------------------------------------------

std::vector<std::string> columns(const std::vector<std::string>& keys,
                                 const std::vector<Row>& rows) {
    std::vector<std::string> cols = keys;
    std::set<std::string> taken(keys.begin(), keys.end());
    for (const auto& m : metric_columns())
        for (const auto& r : rows)
            if (!taken.count(m) && field(r, m)) cols.push_back(m), taken.insert(m);
    for (const char* c : {"status", "error"}) cols.push_back(c), taken.insert(c);
    for (const auto& r : rows)
        for (const auto& [k, v] : r.fields)
            if (taken.insert(k).second) cols.push_back(k);
    return cols;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i) s += ',';
        const std::string& c = cells[i];
        if (c.find_first_of(",\"\n\r") == std::string::npos) {
            s += c;
            continue;
        }
        s += '"';
        for (char ch : c) s += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        s += '"';
    }
    return s + "\n";
}

std::string csv_row(const std::vector<std::string>& cols, const Row& r) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < cols.size(); ++i) {
        const std::string& c = cols[i];
        if (i < r.point.size())  // the keys come first
            cells.push_back(r.point[i]);
        else if (c == "status")
            cells.push_back(r.ok ? "ok" : "error");
        else if (c == "error")
            cells.push_back(r.error);
        else if (const std::string* v = field(r, c))
            cells.push_back(*v);
        else
            cells.emplace_back();
    }
    return csv_line(cells);
}

std::string to_csv(const std::vector<std::string>& keys, const std::vector<Row>& rows) {
    const auto cols = columns(keys, rows);
    std::string s = csv_line(cols);
    for (const auto& r : rows) s += csv_row(cols, r);
    return s;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> rec;
    std::string cell;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"')
                cell += '"', ++i;
            else if (ch == '"')
                quoted = false;
            else
                cell += ch;
        } else if (ch == '"') {
            quoted = any = true;
        } else if (ch == ',') {
            rec.push_back(std::move(cell)), cell.clear(), any = true;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !cell.empty())
                rec.push_back(std::move(cell)), records.push_back(std::move(rec));
            cell.clear(), rec.clear(), any = false;
        } else {
            cell += ch, any = true;
        }
    }
    if (any || !cell.empty()) rec.push_back(std::move(cell)), records.push_back(std::move(rec));
    return records;
}

std::vector<Row> read_csv(const std::string& path, const std::vector<std::string>& keys) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw HostError(fmt::format("sweep: cannot read {}", path));
    const auto records = parse_csv(read_file(path));
    if (records.empty()) return {};
    const auto& header = records.front();
    // The columns after the keys always start with a metric or status (see columns()).
    bool same = header.size() > keys.size() && std::equal(keys.begin(), keys.end(), header.begin());
    if (same) {
        const std::string& next = header[keys.size()];
        const auto& m = metric_columns();
        same = next == "status" || std::find(m.begin(), m.end(), next) != m.end();
    }
    const auto status = std::find(header.begin(), header.end(), "status");
    if (!same || status == header.end()) {
        std::vector<std::string> theirs;
        for (const auto& h : header) {
            const auto& m = metric_columns();
            if (h == "status" || std::find(m.begin(), m.end(), h) != m.end()) break;
            theirs.push_back(h);
        }
        throw ConfigError(
            fmt::format("sweep --resume: {} is not a sweep over {} (its first columns: {})", path,
                        join(keys, ", "), join(theirs, ", ")));
    }
    const size_t status_col = size_t(status - header.begin());
    std::vector<Row> rows;
    for (size_t i = 1; i < records.size(); ++i) {
        const auto& rec = records[i];
        if (rec.size() != header.size())
            throw ConfigError(fmt::format("sweep --resume: {} row {} has {} cells, the header {}",
                                          path, i, rec.size(), header.size()));
        if (rec[status_col] != "ok" && rec[status_col] != "error") continue;
        Row r{.point = Point(rec.begin(), rec.begin() + long(keys.size())),
              .ok = rec[status_col] == "ok"};
        for (size_t c = keys.size(); c < header.size(); ++c) {
            if (header[c] == "status") continue;
            if (header[c] == "error")
                r.error = rec[c];
            else if (!rec[c].empty())
                r.fields.emplace_back(header[c], rec[c]);
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace tensim::sweep
