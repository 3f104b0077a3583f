// The sweep's process pool (see tensim/sweep.hpp): one `tensim` child per point, N at a time,
// rows appended to the CSV as points finish, SIGINT/SIGTERM ending it with the finished rows kept.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "sweep/util.hpp"
#include "tensim/plot.hpp"
#include "tensim/process.hpp"

namespace tensim::sweep {

namespace fs = std::filesystem;
using namespace detail;

namespace {

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

// "1234567 cycles" from the first field named device_cycles, else ending in "cycles".
std::string headline(const Row& r) {
    if (const std::string* c = field(r, "device_cycles"); c && !c->empty()) return *c + " cycles";
    for (const auto& [k, v] : r.fields)
        if (k.size() >= 6 && k.compare(k.size() - 6, 6, "cycles") == 0 && !v.empty())
            return fmt::format("{} {}", k, v);
    return "ok";
}

}  // namespace

// ---- shared with the MPI sweep (mpi.cpp) -------------------------------------------------------

namespace detail {

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& out,
            const std::string& err, const std::vector<std::string>& env) {
    std::error_code ec;
    const fs::path real = exe == "/proc/self/exe" ? fs::read_symlink(exe, ec) : fs::path(exe);
    process::Command c{.argv = {ec ? exe : real.string()},  // what ps shows
                       .program = exe,
                       .env = env,
                       .out = process::Stream::file(out),
                       .err = process::Stream::file(err)};
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    try {
        return process::start(c);
    } catch (const HostError& e) {
        throw HostError(fmt::format("sweep: {}", e.what()));
    }
}

std::vector<std::string> check(const Options& opt) {
    if (opt.out.empty()) throw ConfigError("sweep: --out FILE.csv is required");
    if (opt.command.empty())
        throw ConfigError("sweep: give the command to run after `--`, e.g. -- matmul --m 256 ...");
    std::vector<std::string> keys;
    for (const auto& a : opt.axes) keys.push_back(a.key);
    for (const auto& a : opt.axes)
        for (const auto& w : opt.command)
            if (a.argument && (w == "--" + a.key || w.rfind("--" + a.key + "=", 0) == 0))
                throw ConfigError(
                    fmt::format("sweep: the command gives {}, which the sweep varies", w));
    for (size_t i = 0; i + 1 < opt.command.size(); ++i)
        if (opt.command[i] == "--set")
            for (const auto& k : keys)
                if (opt.command[i + 1].rfind(k + "=", 0) == 0)
                    throw ConfigError(fmt::format(
                        "sweep: the command sets {}, which the sweep varies", opt.command[i + 1]));
    for (const auto& w : opt.command)
        for (const std::string flag : {"--stats", "--trace", "--report", "--pictures"})
            if (w == flag || w.rfind(flag + "=", 0) == 0 || w.rfind(flag + "-", 0) == 0)
                throw ConfigError(
                    fmt::format("sweep: {} in the command would have every point write the same "
                                "file; run the point to look at on its own",
                                w));
    // Each point is its own run: none inherits run outputs the environment asks for.
    for (const char* v : {"TENSIM_STATS", "TENSIM_TRACE", "TENSIM_REPORT"}) unsetenv(v);
    return keys;
}

}  // namespace detail

unsigned math_threads_per_point(unsigned jobs, unsigned hardware_threads) {
    const unsigned per_point = std::max(1u, hardware_threads / std::max(1u, jobs));
    return std::min(per_point - 1, 4u);
}

// ---- running ---------------------------------------------------------------------------------

Summary run(const Options& opt, std::ostream& log) {
    const std::vector<std::string> keys = check(opt);
    const std::vector<Point> points = expand(opt.axes);
    const unsigned jobs = opt.jobs ? opt.jobs : std::max(1u, std::thread::hardware_concurrency());
    // The points' environment: TENSIM_MATH_THREADS unless the user chose (math_threads_per_point).
    std::vector<std::string> env;
    if (const char* s = std::getenv("TENSIM_MATH_THREADS"); !(s && *s))
        env.push_back(
            fmt::format("TENSIM_MATH_THREADS={}",
                        math_threads_per_point(jobs, std::thread::hardware_concurrency())));

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
                              c.err, env);
                running.push_back(c);
                ++next;
            }
            if (running.empty()) break;
            bool any = false;
            for (auto it = running.begin(); it != running.end();) {
                const std::optional<process::Exit> end = process::poll(it->pid);
                if (!end) {
                    ++it;
                    continue;
                }
                reap(*it, end->status);
                it = running.erase(it);
                any = true;
            }
            if (g_stop) {
                for (auto& c : running) kill(c.pid, SIGTERM);
                for (auto& c : running) reap(c, process::wait(c.pid).status);
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

}  // namespace tensim::sweep
