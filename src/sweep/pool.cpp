// `tensim sweep` (see sweep.hpp): the product of overrides, one child process per point, one CSV.
#include "sweep.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "plot.hpp"

extern char** environ;

namespace tensim::sweep {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == sep) out.push_back(s.substr(start, i - start)), start = i + 1;
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text) {
        if (ch == '\n' || ch == '\r') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

// Leading metric columns, in this order, when any row has them.
const std::vector<std::string>& metric_columns() {
    static const std::vector<std::string> cols = {"device_cycles", "device_time_us", "tflops",
                                                  "fpu_util", "bound"};
    return cols;
}

void flatten_into(const nlohmann::ordered_json& j, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
    for (const auto& [k, v] : j.items()) {
        const std::string name = prefix.empty() ? k : prefix + "." + k;
        if (v.is_object())
            flatten_into(v, name, out);
        else if (v.is_null())
            out.emplace_back(name, "");
        else if (v.is_string())
            out.emplace_back(name, v.get<std::string>());
        else
            out.emplace_back(name, v.dump());
    }
}

const std::string* field(const Row& r, const std::string& name) {
    for (const auto& [k, v] : r.fields)
        if (k == name) return &v;
    return nullptr;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// ---- the CSV on disk -------------------------------------------------------------------------

// Keeps the file up to date as rows arrive: a row whose columns the header already has is
// appended; one that brings a new column rewrites the file (atomically, through a rename).
class CsvFile {
public:
    CsvFile(std::string path, std::vector<std::string> keys, const std::vector<Point>& order)
        : m_path(std::move(path)), m_keys(std::move(keys)) {
        for (size_t i = 0; i < order.size(); ++i) m_rank.emplace(order[i], i);
    }
    void add(Row r) {
        m_rows.push_back(std::move(r));
        if (columns(m_keys, m_rows) != m_header) return rewrite();
        std::ofstream f(m_path, std::ios::app);
        f << csv_row(m_header, m_rows.back());
        f.flush();
        if (!f) throw HostError(fmt::format("sweep: error writing {}", m_path));
    }
    // Rows of the product in its order, then rows of other points (from a resumed file) as read.
    void rewrite() {
        std::stable_sort(m_rows.begin(), m_rows.end(),
                         [&](const Row& a, const Row& b) { return rank(a) < rank(b); });
        m_header = columns(m_keys, m_rows);
        const std::string tmp = m_path + ".tmp";
        {
            std::ofstream f(tmp, std::ios::trunc);
            f << csv_line(m_header);
            for (const auto& r : m_rows) f << csv_row(m_header, r);
            f.flush();
            if (!f) throw HostError(fmt::format("sweep: cannot write {}", tmp));
        }
        fs::rename(tmp, m_path);
    }
    void hold(Row r) { m_rows.push_back(std::move(r)); }  // written by the next rewrite()

private:
    size_t rank(const Row& r) const {
        auto it = m_rank.find(r.point);
        return it == m_rank.end() ? m_rank.size() : it->second;
    }
    std::string m_path;
    std::vector<std::string> m_keys, m_header;
    std::map<Point, size_t> m_rank;
    std::vector<Row> m_rows;
};

// ---- children --------------------------------------------------------------------------------

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// SIGINT / SIGTERM set g_stop while a sweep runs (a second one takes the default action).
class StopSignals {
public:
    StopSignals() {
        g_stop = 0;
        struct sigaction sa = {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &sa, &m_old_int);
        sigaction(SIGTERM, &sa, &m_old_term);
    }
    ~StopSignals() {
        sigaction(SIGINT, &m_old_int, nullptr);
        sigaction(SIGTERM, &m_old_term, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction m_old_int = {};
    struct sigaction m_old_term = {};
};

struct Child {
    pid_t pid = 0;
    size_t index = 0;  // into the points still to run
    std::string out, err;
    std::chrono::steady_clock::time_point start;
};

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& out,
            const std::string& err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::error_code ec;
    const fs::path real = exe == "/proc/self/exe" ? fs::read_symlink(exe, ec) : fs::path(exe);
    std::vector<std::string> argv_s = {ec ? exe : real.string()};  // what ps shows
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw HostError(fmt::format("sweep: cannot start {}: {}", exe, std::strerror(rc)));
    return pid;
}

// "1234567 cycles" from the first field named device_cycles, else ending in "cycles".
std::string headline(const Row& r) {
    if (const std::string* c = field(r, "device_cycles"); c && !c->empty()) return *c + " cycles";
    for (const auto& [k, v] : r.fields)
        if (k.size() >= 6 && k.compare(k.size() - 6, 6, "cycles") == 0 && !v.empty())
            return fmt::format("{} {}", k, v);
    return "ok";
}

}  // namespace

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
    const bool exited_ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
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
    std::string how;
    if (WIFSIGNALED(wait_status))
        how = fmt::format("killed by signal {} ({})", WTERMSIG(wait_status),
                          strsignal(WTERMSIG(wait_status)));
    else if (!exited_ok)
        how = fmt::format("exit status {}", WEXITSTATUS(wait_status));
    else
        how = "no JSON object on stdout";
    r.error = msg.empty() ? how : WIFSIGNALED(wait_status) || exited_ok ? how + ": " + msg : msg;
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

// ---- running ---------------------------------------------------------------------------------

Summary run(const Options& opt, std::ostream& log) {
    if (opt.out.empty()) throw ConfigError("sweep: --out FILE.csv is required");
    if (opt.command.empty())
        throw ConfigError("sweep: give the command to run after `--`, e.g. -- matmul --m 256 ...");
    std::vector<std::string> keys;
    for (const auto& a : opt.axes) keys.push_back(a.key);
    for (size_t i = 0; i + 1 < opt.command.size(); ++i)
        if (opt.command[i] == "--set")
            for (const auto& k : keys)
                if (opt.command[i + 1].rfind(k + "=", 0) == 0)
                    throw ConfigError(fmt::format(
                        "sweep: the command sets {}, which the sweep varies", opt.command[i + 1]));
    for (const auto& w : opt.command)
        for (const std::string flag : {"--stats", "--trace", "--report", "--pictures"})
            if (w == flag || w.rfind(flag + "=", 0) == 0 || w.rfind(flag + "-", 0) == 0)
                throw ConfigError(fmt::format("sweep: {} in the command would have every point write the same "
                                              "file; run the point to look at on its own",
                                              w));
    // Each point is its own run: none inherits run outputs the environment asks for.
    for (const char* v : {"TENSIM_STATS", "TENSIM_TRACE", "TENSIM_REPORT"}) unsetenv(v);
    const std::vector<Point> points = expand(opt.axes);
    const unsigned jobs = opt.jobs ? opt.jobs : std::max(1u, std::thread::hardware_concurrency());

    Summary sum{.points = points.size()};
    CsvFile csv(opt.out, keys, points);
    std::set<Point> done;
    if (opt.resume && fs::exists(opt.out)) {
        for (auto& r : read_csv(opt.out, keys)) {
            // A point whose process was killed (out of memory, a stopped sweep) says nothing
            // about the point: run it again. Its own errors (e.g. it does not fit) stand.
            if (!r.ok && r.error.rfind("killed by signal", 0) == 0) continue;
            done.insert(r.point);
            csv.hold(std::move(r));
        }
    }
    std::vector<size_t> todo;
    for (size_t i = 0; i < points.size(); ++i)
        if (done.count(points[i]))
            ++sum.skipped;
        else
            todo.push_back(i);
    csv.rewrite();  // the header (and, resuming, the rows kept) before the first point ends
    log << fmt::format("sweep: {} points{}, {} at a time: tensim {}\n", points.size(),
                       sum.skipped ? fmt::format(" ({} already in {})", sum.skipped, opt.out) : "",
                       jobs, join(opt.command, " "));

    std::string tmpl = (fs::temp_directory_path() / "tensim-sweep-XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
        throw HostError(fmt::format("sweep: cannot make a directory {}", tmpl));
    const fs::path tmp = tmpl;
    StopSignals signals;
    std::vector<Child> running;
    size_t next = 0, finished = 0;
    auto reap = [&](Child& c, int status) {
        const Row r = outcome(points[todo[c.index]], status, read_file(c.out), read_file(c.err));
        std::error_code ec;
        fs::remove(c.out, ec), fs::remove(c.err, ec);
        // Interrupted: a point that did not finish well is not a result; --resume runs it again.
        if (g_stop && !r.ok) return;
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
        ++finished;
        (r.ok ? sum.ok : sum.failed)++;
        log << fmt::format("[{}/{}] {}: {} ({:.1f} s)\n", finished, todo.size(),
                           describe(opt.axes, r.point), r.ok ? headline(r) : "error: " + r.error,
                           wall);
        log.flush();
        csv.add(r);
    };
    try {
        while (true) {
            while (!g_stop && running.size() < jobs && next < todo.size()) {
                Child c{.index = next,
                        .out = (tmp / fmt::format("{}.out", next)).string(),
                        .err = (tmp / fmt::format("{}.err", next)).string(),
                        .start = std::chrono::steady_clock::now()};
                c.pid = spawn(opt.exe, child_args(opt.command, opt.axes, points[todo[next]]), c.out,
                              c.err);
                running.push_back(c);
                ++next;
            }
            if (running.empty()) break;
            bool any = false;
            for (auto it = running.begin(); it != running.end();) {
                int status = 0;
                const pid_t r = waitpid(it->pid, &status, WNOHANG);
                if (r == 0 || (r < 0 && errno == EINTR)) {
                    ++it;
                    continue;
                }
                if (r < 0)
                    throw HostError(
                        fmt::format("sweep: waitpid {}: {}", it->pid, std::strerror(errno)));
                reap(*it, status);
                it = running.erase(it);
                any = true;
            }
            if (g_stop) {
                for (auto& c : running) kill(c.pid, SIGTERM);
                for (auto& c : running) {
                    int status = 0;
                    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
                    }
                    reap(c, status);
                }
                running.clear();
                break;
            }
            if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    } catch (...) {
        for (auto& c : running) kill(c.pid, SIGTERM), waitpid(c.pid, nullptr, 0);
        fs::remove_all(tmp);
        throw;
    }
    fs::remove_all(tmp);
    sum.interrupted = g_stop != 0;
    csv.rewrite();
    log << fmt::format("sweep: {} of {} points in {} ({} ok, {} failed now{}){}\n",
                       sum.skipped + sum.ok + sum.failed, points.size(), opt.out, sum.ok,
                       sum.failed, sum.skipped ? fmt::format(", {} from before", sum.skipped) : "",
                       sum.interrupted ? "; interrupted: rerun with --resume to finish" : "");
    if (!opt.plot.empty() && !sum.interrupted) {
        std::vector<std::string> args = {opt.out, opt.plot};
        args.insert(args.end(), keys.begin(), keys.end());
        args.insert(args.end(), {"--title", "tensim " + join(opt.command, " ")});
        if (plot::run_script("plot_sweep.py", args, "sweep")) log << "plot: " << opt.plot << "\n";
    }
    return sum;
}

// ---- command line ----------------------------------------------------------------------------

namespace {

struct Cli {
    CLI::App* cmd = nullptr;
    std::vector<std::string> over, command;
    unsigned jobs = 0;
    std::string out, plot;
    bool resume = false;
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
                          name == "--jobs" || name == "-j" || name == "--resume";
        if (!ours || target.get_option_no_throw(name)) {
            rest.push_back(c[i]);
            continue;
        }
        if (name == "--resume") {
            cli.resume = true;
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= c.size()) throw ConfigError(fmt::format("sweep: {} needs a value", name));
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
                throw ConfigError(fmt::format("sweep: {} expects a number, got '{}'", name, value));
            }
    }
    c = rest;
}

}  // namespace

void add(CLI::App& app) {
    Cli& o = g_cli;
    auto* c = app.add_subcommand(
        "sweep", "Run a command over the product of architecture overrides, one CSV row per point");
    o.cmd = c;
    c->add_option("--over", o.over,
                  "An architecture key and its values: key=v1,v2,... (repeatable; the "
                  "product of all is run)")
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
    c->add_option("command", o.command,
                  "After `--`: the tensim command of every point (it must take --set and "
                  "--json), e.g. -- matmul --m 2048 --k 2048 --n 2048 --numerics timing");
    c->footer(
        "Example: tensim sweep --over worker_grid=2x2,4x4,8x8 --over "
        "tensix.l1_size_kib=256,512,1464 "
        "--out s.csv --plot s.png -- matmul --m 2048 --k 2048 --n 2048 --numerics timing");
}

bool requested(const CLI::App&) { return g_cli.cmd && g_cli.cmd->parsed(); }

int run(CLI::App& app) {
    Cli& cli = g_cli;
    if (cli.command.empty())
        throw ConfigError(
            "sweep: give the command to run after `--`, e.g. tensim sweep --over "
            "worker_grid=2x2,4x4 "
            "--out s.csv -- matmul --m 256 --k 256 --n 256");
    size_t words = 0;
    CLI::App* target = target_of(app, cli.command, words);
    if (!target || target == cli.cmd)
        throw ConfigError(
            fmt::format("sweep: `{}` is not a tensim command to sweep", cli.command.front()));
    take_trailing_options(cli, *target);
    const CLI::Option* set = target->get_option_no_throw("--set");
    const CLI::Option* json = target->get_option_no_throw("--json");
    const std::string name =
        join(std::vector<std::string>(cli.command.begin(), cli.command.begin() + long(words)), " ");
    if (!set || !json || json->get_expected_max() != 0)
        throw ConfigError(fmt::format(
            "sweep: `tensim {}` cannot be swept: it needs --set and a --json flag printing "
            "one JSON object",
            name));
    Options opt;
    for (const auto& s : cli.over) opt.axes.push_back(parse_axis(s));
    opt.command = cli.command, opt.jobs = cli.jobs, opt.out = cli.out, opt.plot = cli.plot,
    opt.resume = cli.resume;
    const Summary s = run(opt, std::cerr);
    return s.interrupted ? 130 : 0;
}

}  // namespace tensim::sweep
