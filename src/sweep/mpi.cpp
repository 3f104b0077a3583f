// `tensim sweep --mpi` (tensim/sweep.hpp, run_mpi): the points of a sweep spread over the ranks
// mpirun starts, on one machine or many, into one CSV.
//
// The ranks never call MPI: mpirun starts them and names each (OMPI_COMM_WORLD_RANK / _SIZE, or
// PMI_RANK / PMI_SIZE), and they share the work through a directory beside the CSV (on the
// file system every rank sees, as the CSV must be): `<out>.mpi/<job>/`, where a rank claims a point
// by creating `claim.<i>` exclusively (O_EXCL), runs it as a child `tensim` (as the one-process
// sweep does) and publishes `row.<i>.json` by rename. A rank first takes its own stripe of points
// (i = rank, rank + size, ...), then any point left, so the fast ranks finish the slow ranks' work.
// A rank that dies leaves a claim without a row: its host and pid are in the claim and it touches
// the claim every kHeartbeat while its point runs, so a rank on the same host sees the pid gone and
// a rank elsewhere sees the claim older than kLease; either moves the claim aside (rename: one rank
// wins) and runs the point again. When every point has a row, the rank that creates `merged`
// first writes the CSV (rows in the product's order, columns as the one-process sweep chooses
// them: the same file) and removes the directory. `--resume` also keeps the rows of the CSV and
// of earlier jobs' directories (a job mpirun aborted), matched by their values.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <thread>

#include "common/error.hpp"
#include "sweep/util.hpp"
#include "tensim/plot.hpp"
#include "tensim/process.hpp"

namespace tensim::sweep {

namespace fs = std::filesystem;
using namespace detail;
using Clock = std::chrono::steady_clock;

namespace {

// A running point touches its claim this often; a claim untouched for kLease belongs to a dead
// rank (for ranks on another host, which cannot see the pid).
constexpr auto kHeartbeat = std::chrono::seconds(2);
constexpr auto kLease = std::chrono::seconds(30);

const char* env_of(std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (const char* v = std::getenv(n); v && *v) return v;
    return nullptr;
}

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

nlohmann::json row_json(const Row& r) {
    nlohmann::json f = nlohmann::json::array();
    for (const auto& [k, v] : r.fields) f.push_back({k, v});
    return {{"point", r.point}, {"ok", r.ok}, {"error", r.error}, {"fields", f}};
}

Row row_of(const nlohmann::json& j) {
    Row r{.point = j.at("point").get<Point>(),
          .ok = j.at("ok").get<bool>(),
          .error = j.at("error").get<std::string>()};
    for (const auto& kv : j.at("fields")) r.fields.emplace_back(kv[0], kv[1]);
    return r;
}

// Writes `text` to `path` all at once: readers see the whole file or none.
void publish(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + fmt::format(".tmp{}", getpid());
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << text;
        f.flush();
        if (!f) throw HostError(fmt::format("sweep --mpi: cannot write {}", tmp.string()));
    }
    fs::rename(tmp, path);
}

class Job {
public:
    Job(const Options& opt, std::ostream& log) : m_opt(opt), m_log(log) {
        const char* rank = env_of({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
        const char* size = env_of({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
        if (!rank || !size)
            throw ConfigError(
                "sweep --mpi: no MPI rank in the environment; start it with mpirun -np N");
        m_rank = std::atoi(rank), m_size = std::max(1, std::atoi(size));
        const char* job = env_of({"OMPI_MCA_ess_base_jobid", "PMIX_NAMESPACE", "PMI_JOBID"});
        m_root = opt.out + ".mpi";
        m_dir = fs::path(m_root) / (job ? job : "job");
        fs::create_directories(m_dir);
        m_host = host_name();
    }

    Summary run(const std::vector<std::string>& keys) {
        m_points = expand(m_opt.axes);
        Summary sum{.points = m_points.size()};
        if (m_opt.resume) load_earlier(keys);
        for (const auto& p : m_points) sum.skipped += m_kept.count(p);
        if (m_rank == 0)
            m_log << fmt::format("sweep --mpi: {} points over {} ranks{}: tensim {}\n",
                                 m_points.size(), m_size,
                                 sum.skipped ? fmt::format(" ({} kept)", sum.skipped) : "",
                                 join(m_opt.command, " "));
        std::string tmpl = (fs::temp_directory_path() / "tensim-sweep-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw HostError("sweep --mpi: cannot make a temp directory");
        m_tmp = tmpl;
        // Own stripe first, then the others' points in order.
        std::vector<size_t> order;
        for (size_t i = size_t(m_rank); i < m_points.size(); i += size_t(m_size))
            order.push_back(i);
        for (size_t i = 0; i < m_points.size(); ++i)
            if (int(i % size_t(m_size)) != m_rank) order.push_back(i);
        while (fs::exists(m_dir)) {
            bool ran = false, pending = false;
            for (size_t i : order) {
                if (done(i)) continue;
                pending = true;
                if (claim(i) || steal(i)) {
                    run_point(i, sum);
                    ran = true;
                    break;  // back to the own stripe first
                }
            }
            if (!pending) return merge(keys, sum);
            if (!ran) std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return sum;  // another rank merged and removed the directory
    }

    ~Job() {
        std::error_code ec;
        if (!m_tmp.empty()) fs::remove_all(m_tmp, ec);
    }

private:
    fs::path claim_path(size_t i) const { return m_dir / fmt::format("claim.{}", i); }
    fs::path row_path(size_t i) const { return m_dir / fmt::format("row.{}.json", i); }
    bool done(size_t i) const { return m_kept.count(m_points[i]) || fs::exists(row_path(i)); }

    bool claim(size_t i) {
        const int fd = ::open(claim_path(i).c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) return false;
        const std::string who = fmt::format("{} {} {}\n", m_host, getpid(), m_rank);
        const bool wrote = ::write(fd, who.data(), who.size()) == ssize_t(who.size());
        ::close(fd);
        return wrote && !fs::exists(row_path(i));  // a row may have landed since the check
    }

    // A claim whose owner is gone: moved aside (one rank wins the rename), then claimed anew.
    bool steal(size_t i) {
        const fs::path c = claim_path(i);
        std::ifstream in(c);
        std::string host;
        long pid = 0;
        int rank = -1;
        bool dead = false;
        if (!(in >> host >> pid >> rank)) {
            // Being written, or its rank died between creating and writing it: only age tells.
            std::error_code ec;
            const auto age = fs::file_time_type::clock::now() - fs::last_write_time(c, ec);
            dead = !ec && age > kLease;
        } else if (host == m_host) {
            dead = ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
        } else {
            std::error_code ec;
            const auto age = fs::file_time_type::clock::now() - fs::last_write_time(c, ec);
            dead = !ec && age > kLease;
        }
        if (!dead) return false;
        const fs::path aside = c.string() + fmt::format(".dead.{}", m_rank);
        if (::rename(c.c_str(), aside.c_str()) != 0) return false;
        m_log << fmt::format("[rank {}] rank {} (pid {} on {}) died running {}: running it again\n",
                             m_rank, rank, pid, host, describe(m_opt.axes, m_points[i]));
        return claim(i);
    }

    void run_point(size_t i, Summary& sum) {
        const std::string out = (m_tmp / fmt::format("{}.out", i)).string();
        const std::string err = (m_tmp / fmt::format("{}.err", i)).string();
        const auto start = Clock::now();
        const pid_t pid =
            spawn(m_opt.exe, child_args(m_opt.command, m_opt.axes, m_points[i]), out, err);
        auto beat = start;
        int status = 0;
        while (true) {
            std::optional<process::Exit> end;
            try {
                end = process::poll(pid);
            } catch (const HostError& e) {
                throw HostError(fmt::format("sweep --mpi: {}", e.what()));
            }
            if (end) {
                status = end->status;
                break;
            }
            if (Clock::now() - beat > kHeartbeat) {
                std::error_code ec;
                fs::last_write_time(claim_path(i), fs::file_time_type::clock::now(), ec);
                beat = Clock::now();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const Row r = outcome(m_points[i], status, read_file(out), read_file(err));
        std::error_code ec;
        fs::remove(out, ec), fs::remove(err, ec);
        if (!fs::exists(m_dir)) return;  // merged without us: the point ran elsewhere too
        publish(row_path(i), row_json(r).dump() + "\n");
        (r.ok ? sum.ok : sum.failed)++;
        m_log << fmt::format("[rank {}] {}: {} ({:.1f} s)\n", m_rank, describe(m_opt.axes, r.point),
                             r.ok ? "ok" : "error: " + r.error,
                             std::chrono::duration<double>(Clock::now() - start).count());
        m_log.flush();
    }

    // --resume: the CSV's rows and the rows earlier jobs published (a job mpirun aborted).
    void load_earlier(const std::vector<std::string>& keys) {
        if (fs::exists(m_opt.out))
            for (auto& r : read_csv(m_opt.out, keys))
                if (r.ok || r.error.rfind("killed by signal", 0) != 0) m_kept[r.point] = r;
        for (const auto& d : fs::directory_iterator(m_root)) {
            if (!d.is_directory() || d.path() == m_dir) continue;
            for (const auto& f : fs::directory_iterator(d.path())) {
                const std::string name = f.path().filename().string();
                if (name.rfind("row.", 0) != 0 || f.path().extension() != ".json") continue;
                auto j = nlohmann::json::parse(read_file(f.path().string()), nullptr, false);
                if (j.is_discarded()) continue;
                Row r = row_of(j);
                if (r.point.size() == keys.size()) m_kept[r.point] = r;
            }
        }
    }

    Summary merge(const std::vector<std::string>& keys, Summary sum) {
        const int fd = ::open((m_dir / "merged").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) return sum;  // another rank writes the CSV
        ::close(fd);
        std::vector<Row> rows;
        size_t failed = 0;
        for (size_t i = 0; i < m_points.size(); ++i) {
            rows.push_back(m_kept.count(m_points[i])
                               ? m_kept[m_points[i]]
                               : row_of(nlohmann::json::parse(read_file(row_path(i).string()))));
            failed += !rows.back().ok;
        }
        // Rows of the CSV that are not points of this product (a resumed file) stay, after them.
        if (m_opt.resume)
            for (const auto& [p, r] : m_kept)
                if (std::find(m_points.begin(), m_points.end(), p) == m_points.end())
                    rows.push_back(r);
        publish(m_opt.out, to_csv(keys, rows));
        std::error_code ec;
        fs::remove_all(m_root, ec);
        m_log << fmt::format("sweep --mpi: {} points in {} ({} failed)\n", m_points.size(),
                             m_opt.out, failed);
        sum.merged = true, sum.failed_total = failed;
        if (!m_opt.plot.empty()) {
            std::vector<std::string> args = {m_opt.out, m_opt.plot};
            args.insert(args.end(), keys.begin(), keys.end());
            args.insert(args.end(), {"--title", "tensim " + join(m_opt.command, " ")});
            if (plot::run_script("plot_sweep.py", args, "sweep"))
                m_log << "plot: " << m_opt.plot << "\n";
        }
        return sum;
    }

    const Options& m_opt;
    std::ostream& m_log;
    int m_rank = 0, m_size = 1;
    std::string m_root, m_host;
    fs::path m_dir, m_tmp;
    std::vector<Point> m_points;
    std::map<Point, Row> m_kept;
};

}  // namespace

Summary run_mpi(const Options& opt, std::ostream& log) {
    const std::vector<std::string> keys = check(opt);
    Job job(opt, log);
    return job.run(keys);
}

}  // namespace tensim::sweep
