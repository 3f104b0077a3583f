// `tensim sweep`: the product of --over values, the CSV (columns, one row per point, error rows for
// points that fail), --resume running only the missing points, and an interrupted sweep keeping
// its finished rows. The sweeps run the built tensim binary on small timing-only matmuls.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tensim/error.hpp"
#include "tensim/sweep.hpp"

extern char** environ;

using namespace tensim::sweep;
namespace fs = std::filesystem;

namespace {

const std::string kTensim = std::string(TENSIM_BIN_DIR) + "/tensim";
const std::vector<std::string> kMatmul = {"matmul", "--m", "256",        "--k",   "256",
                                          "--n",    "256", "--numerics", "timing"};

// A directory of this test process, removed when it ends.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("tensim-test-sweep-" + std::to_string(::getpid()));
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

fs::path scratch(const std::string& name) {
    static ScratchDir dir;
    fs::create_directories(dir.path);
    return dir.path / name;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The CSV as one map per row (column -> cell), and its header.
std::vector<std::map<std::string, std::string>> table(const fs::path& p,
                                                      std::vector<std::string>* header = nullptr) {
    const auto recs = parse_csv(slurp(p));
    std::vector<std::map<std::string, std::string>> rows;
    if (recs.empty()) return rows;
    if (header) *header = recs.front();
    for (size_t i = 1; i < recs.size(); ++i) {
        EXPECT_EQ(recs[i].size(), recs.front().size()) << "row " << i << " of " << p;
        std::map<std::string, std::string> r;
        for (size_t c = 0; c < recs[i].size() && c < recs.front().size(); ++c)
            r[recs.front()[c]] = recs[i][c];
        rows.push_back(r);
    }
    return rows;
}

Options matmul_sweep(const fs::path& out, std::vector<Axis> axes) {
    Options o;
    o.axes = std::move(axes);
    o.command = kMatmul;
    o.jobs = 2;
    o.out = out.string();
    o.exe = kTensim;
    return o;
}

}  // namespace

TEST(SweepPoints, ProductFirstAxisSlowest) {
    const std::vector<Axis> axes = {parse_axis("worker_grid=2x2,4x4,8x8"),
                                    parse_axis("tensix.l1_size_kib=256,512")};
    EXPECT_EQ(axes[0].key, "worker_grid");
    EXPECT_EQ(axes[1].values, (std::vector<std::string>{"256", "512"}));
    const auto pts = expand(axes);
    ASSERT_EQ(pts.size(), 6u);
    EXPECT_EQ(pts[0], (Point{"2x2", "256"}));
    EXPECT_EQ(pts[1], (Point{"2x2", "512"}));
    EXPECT_EQ(pts[2], (Point{"4x4", "256"}));
    EXPECT_EQ(pts[5], (Point{"8x8", "512"}));
    EXPECT_EQ(describe(axes, pts[3]), "worker_grid=4x4 tensix.l1_size_kib=512");
    EXPECT_EQ(expand({parse_axis("clock_mhz=1000")}).size(), 1u);
    EXPECT_EQ(expand({parse_axis("a=1,2"), parse_axis("b=1,2,3"), parse_axis("c=x,y")}).size(),
              12u);
}

TEST(SweepPoints, BadOverIsAConfigError) {
    EXPECT_THROW(parse_axis("worker_grid"), tensim::ConfigError);
    EXPECT_THROW(parse_axis("=1,2"), tensim::ConfigError);
    EXPECT_THROW(parse_axis("worker_grid=2x2,,4x4"), tensim::ConfigError);
    EXPECT_THROW(parse_axis("worker_grid=2x2,2x2"), tensim::ConfigError);
    EXPECT_THROW(expand({}), tensim::ConfigError);
    EXPECT_THROW(expand({parse_axis("a=1"), parse_axis("a=2")}), tensim::ConfigError);
}

TEST(SweepPoints, ChildArgumentsSetEachKeyAndAskForJson) {
    const std::vector<Axis> axes = {parse_axis("worker_grid=2x2"), parse_axis("clock_mhz=1200")};
    const auto args = child_args({"matmul", "--m", "32"}, axes, {"2x2", "1200"});
    EXPECT_EQ(args, (std::vector<std::string>{"matmul", "--m", "32", "--set", "worker_grid=2x2",
                                              "--set", "clock_mhz=1200", "--json"}));
    const auto again = child_args({"bench", "dram-read", "--json"}, axes, {"2x2", "1200"});
    EXPECT_EQ(std::count(again.begin(), again.end(), "--json"), 1);
}

// The TENSIM_MATH_THREADS a point gets by default: the hardware threads per point less its
// simulation thread, at most 4.
TEST(SweepPoints, MathThreadsPerPoint) {
    EXPECT_EQ(math_threads_per_point(1, 2), 1u);
    EXPECT_EQ(math_threads_per_point(2, 2), 0u);   // every thread runs a point
    EXPECT_EQ(math_threads_per_point(3, 2), 0u);   // more points than threads
    EXPECT_EQ(math_threads_per_point(4, 16), 3u);  // 4 threads a point
    EXPECT_EQ(math_threads_per_point(5, 16), 2u);  // 3 (rounded down)
    EXPECT_EQ(math_threads_per_point(1, 64), 4u);  // at most 4
    EXPECT_EQ(math_threads_per_point(1, 1), 0u);
    EXPECT_EQ(math_threads_per_point(1, 0), 0u);  // hardware_concurrency() unknown
}

TEST(SweepRows, OutcomeOfAChild) {
    const int exit0 = 0, exit1 = 1 << 8;  // wait statuses: exited with 0, with 1
    Row ok =
        outcome({"4x4"}, exit0,
                "some chatter\n{\"device_cycles\":123,\"config\":{\"program\":\"2d\"},\"pcc\":null,"
                "\"core\":[1,2]}\n",
                "");
    EXPECT_TRUE(ok.ok);
    EXPECT_EQ(
        ok.fields,
        (std::vector<std::pair<std::string, std::string>>{
            {"device_cycles", "123"}, {"config.program", "2d"}, {"pcc", ""}, {"core", "[1,2]"}}));
    Row bad = outcome({"4x4"}, exit1, "",
                      "progress 10%\nerror: CreateBuffer: out of chip0 L1 memory\nmore\n");
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.error, "CreateBuffer: out of chip0 L1 memory");
    Row silent = outcome({"4x4"}, exit0, "no json here\n", "");
    EXPECT_FALSE(silent.ok);
    EXPECT_NE(silent.error.find("no JSON"), std::string::npos) << silent.error;
    Row killed = outcome({"4x4"}, SIGSEGV, "", "");  // killed by a signal: status is the signal
    EXPECT_FALSE(killed.ok);
    EXPECT_NE(killed.error.find("signal 11"), std::string::npos) << killed.error;
}

TEST(SweepCsv, ColumnsAndQuotingRoundTrip) {
    Row a{.point = {"2x2"},
          .ok = true,
          .fields = {{"m", "256"}, {"device_cycles", "10"}, {"why", "a, \"b\"\nc"}}};
    Row b{.point = {"9x9"},
          .ok = false,
          .error = "override worker_grid=9x9: the board has 8x8 workers"};
    Row c{.point = {"4x4"},
          .ok = true,
          .fields = {{"device_cycles", "5"}, {"bound", "compute"}, {"extra", "1"}}};
    const auto cols = columns({"worker_grid"}, {a, b, c});
    EXPECT_EQ(cols, (std::vector<std::string>{"worker_grid", "device_cycles", "bound", "status",
                                              "error", "m", "why", "extra"}));
    const auto recs = parse_csv(to_csv({"worker_grid"}, {a, b, c}));
    ASSERT_EQ(recs.size(), 4u);
    EXPECT_EQ(recs[0], cols);
    EXPECT_EQ(recs[1],
              (std::vector<std::string>{"2x2", "10", "", "ok", "", "256", "a, \"b\"\nc", ""}));
    EXPECT_EQ(recs[2][3], "error");
    EXPECT_EQ(recs[2][4], b.error);
    EXPECT_EQ(recs[3][2], "compute");
}

TEST(SweepRun, RowsForEveryPointAndErrorRowsForFailures) {
    const fs::path out = scratch("run.csv");
    // 99x99 is no grid of the board; 100 KiB of L1 leaves ~5 KiB above the firmware for CBs.
    Options o = matmul_sweep(
        out, {parse_axis("worker_grid=1x1,2x2,99x99"), parse_axis("tensix.l1_size_kib=100,512")});
    std::ostringstream log;
    const Summary s = run(o, log);
    EXPECT_EQ(s.points, 6u);
    EXPECT_EQ(s.ok, 2u);
    EXPECT_EQ(s.failed, 4u);
    EXPECT_FALSE(s.interrupted);
    EXPECT_NE(log.str().find("[6/6]"), std::string::npos) << log.str();

    std::vector<std::string> header;
    const auto rows = table(out, &header);
    ASSERT_EQ(rows.size(), 6u);
    ASSERT_GE(header.size(), 9u);
    EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 9),
              (std::vector<std::string>{"worker_grid", "tensix.l1_size_kib", "device_cycles",
                                        "device_time_us", "tflops", "fpu_util", "bound", "status",
                                        "error"}));
    // Sorted in the product's order whatever order the points finished in.
    const std::vector<std::pair<std::string, std::string>> order = {
        {"1x1", "100"}, {"1x1", "512"},   {"2x2", "100"},
        {"2x2", "512"}, {"99x99", "100"}, {"99x99", "512"}};
    for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].at("worker_grid"), order[i].first);
        EXPECT_EQ(rows[i].at("tensix.l1_size_kib"), order[i].second);
    }
    for (const auto& r : rows) {
        const bool fits = r.at("worker_grid") != "99x99" && r.at("tensix.l1_size_kib") == "512";
        EXPECT_EQ(r.at("status"), fits ? "ok" : "error") << r.at("error");
        if (fits) {
            EXPECT_TRUE(r.at("error").empty());
            EXPECT_GT(std::stoull(r.at("device_cycles")), 0u);
            EXPECT_EQ(r.at("config.num_cores"), r.at("worker_grid") == "1x1" ? "1" : "4");
        } else {
            EXPECT_TRUE(r.at("device_cycles").empty());
            const std::string what = r.at("worker_grid") == "99x99" ? "worker_grid" : "L1";
            EXPECT_NE(r.at("error").find(what), std::string::npos) << r.at("error");
        }
    }
    // Four cores share the work of one.
    EXPECT_LT(std::stoull(rows[3].at("device_cycles")), std::stoull(rows[1].at("device_cycles")));
}

TEST(SweepRun, ResumeRunsOnlyTheMissingPoints) {
    const fs::path out = scratch("resume.csv");
    Options o = matmul_sweep(
        out, {parse_axis("worker_grid=1x1,2x2"), parse_axis("tensix.l1_size_kib=100,512")});
    std::ostringstream log;
    run(o, log);
    auto rows = table(out);
    ASSERT_EQ(rows.size(), 4u);
    const std::string cycles_2x2 = rows[3].at("device_cycles");
    ASSERT_FALSE(cycles_2x2.empty());

    // Drop (2x2, 512), mark (1x1, 512), and say (2x2, 100) was killed: only the dropped and the
    // killed point may run again.
    std::vector<std::string> header;
    table(out, &header);
    std::vector<Row> kept;
    for (const auto& r : rows) {
        if (r.at("worker_grid") == "2x2" && r.at("tensix.l1_size_kib") == "512") continue;
        const bool killed = r.at("worker_grid") == "2x2" && r.at("tensix.l1_size_kib") == "100";
        Row k{.point = {r.at("worker_grid"), r.at("tensix.l1_size_kib")},
              .ok = r.at("status") == "ok" && !killed,
              .error = killed ? "killed by signal 9 (Killed)" : r.at("error")};
        for (const auto& h : header)
            if (h != "worker_grid" && h != "tensix.l1_size_kib" && h != "status" && h != "error" &&
                !r.at(h).empty())
                k.fields.emplace_back(
                    h, h == "device_cycles" && r.at("worker_grid") == "1x1" ? "-1" : r.at(h));
        kept.push_back(k);
    }
    std::ofstream(out) << to_csv({"worker_grid", "tensix.l1_size_kib"}, kept);

    o.resume = true;
    std::ostringstream log2;
    const Summary s = run(o, log2);
    EXPECT_EQ(s.skipped, 2u);
    EXPECT_EQ(s.ok + s.failed, 2u);
    EXPECT_NE(log2.str().find("worker_grid=2x2 tensix.l1_size_kib=512"), std::string::npos)
        << log2.str();
    EXPECT_NE(log2.str().find("worker_grid=2x2 tensix.l1_size_kib=100"), std::string::npos)
        << log2.str();
    rows = table(out);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[2].at("error").find("killed"), std::string::npos)
        << "the killed point ran again";
    EXPECT_EQ(rows[1].at("device_cycles"), "-1");        // kept, not re-run
    EXPECT_EQ(rows[3].at("device_cycles"), cycles_2x2);  // re-run: the same deterministic cycles
    EXPECT_EQ(rows[0].at("status"), "error");            // an error row counts as done too

    // A file varying other keys is refused rather than mixed in.
    Options other = matmul_sweep(out, {parse_axis("clock_mhz=900")});
    other.resume = true;
    EXPECT_THROW(run(other, log2), tensim::ConfigError);
}

// Each point's environment has TENSIM_MATH_THREADS: math_threads_per_point by default, the
// user's value when set. The points are a shell printing what it sees as the JSON object a tensim
// run prints; the sweep's own environment is left as it was.
TEST(SweepRun, PointsGetMathThreadsUnlessTheUserChose) {
    const char* saved = std::getenv("TENSIM_MATH_THREADS");
    const std::string user = saved ? saved : "";
    auto math_threads_seen = [](unsigned jobs) {
        const fs::path out = scratch("math_threads.csv");
        fs::remove(out);
        Options o;
        o.axes = {parse_axis("x=1,2,3")};
        o.exe = "/bin/sh";
        o.command = {"-c", R"(printf '{"math_threads": "%s"}\n' "${TENSIM_MATH_THREADS-unset}")",
                     "point"};
        o.jobs = jobs;
        o.out = out.string();
        std::ostringstream log;
        const Summary s = run(o, log);
        EXPECT_EQ(s.ok, 3u) << log.str();
        std::set<std::string> seen;
        for (const auto& r : table(out)) seen.insert(r.at("math_threads"));
        EXPECT_EQ(seen.size(), 1u);
        return seen.empty() ? "none" : *seen.begin();
    };
    unsetenv("TENSIM_MATH_THREADS");
    const unsigned hw = std::thread::hardware_concurrency();
    for (unsigned jobs : {1u, 2u, 3u})
        EXPECT_EQ(math_threads_seen(jobs), std::to_string(math_threads_per_point(jobs, hw)))
            << jobs << " jobs on " << hw << " hardware threads";
    EXPECT_EQ(std::getenv("TENSIM_MATH_THREADS"), nullptr);
    setenv("TENSIM_MATH_THREADS", "7", 1);
    EXPECT_EQ(math_threads_seen(1), "7");
    EXPECT_EQ(math_threads_seen(3), "7");
    if (saved)
        setenv("TENSIM_MATH_THREADS", user.c_str(), 1);
    else
        unsetenv("TENSIM_MATH_THREADS");
}

TEST(SweepCli, BenchTakesSetAndTrailingSweepOptions) {
    const fs::path out = scratch("bench.csv"), png = scratch("bench.png");
    // Sweep options after the command belong to the sweep when the command has no such option.
    const std::string cmd =
        kTensim +
        " sweep -j 2 --over noc.link_bytes_per_cycle=8,32 -- bench noc-bandwidth "
        "--transactions 16 --out " +
        out.string() + " --plot " + png.string() + " 2>&1";
    std::string said;
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) said.append(buf, n);
    ASSERT_EQ(pclose(p), 0) << cmd << "\n" << said;
    // The picture is optional: drawn, or skipped with the reason (no matplotlib).
    EXPECT_TRUE(fs::exists(png) || said.find("plot skipped: matplotlib") != std::string::npos)
        << said;
    const auto rows = table(out);
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& r : rows) EXPECT_EQ(r.at("status"), "ok") << r.at("error");
    // The override reached the simulated NoC: a quarter of the link width, a lower bandwidth.
    EXPECT_LT(std::stod(rows[0].at("bytes_per_cycle")), std::stod(rows[1].at("bytes_per_cycle")));
    EXPECT_LE(std::stod(rows[0].at("bytes_per_cycle")), 8.0);

    // A command without --json cannot be swept; no command at all is an error too.
    EXPECT_NE(std::system((kTensim + " sweep --over x=1 --out " + out.string() +
                           " -- calibrate x.json 2>/dev/null")
                              .c_str()),
              0);
    EXPECT_NE(
        std::system((kTensim + " sweep --over x=1 --out " + out.string() + " 2>/dev/null").c_str()),
        0);
}

TEST(SweepCli, InterruptKeepsFinishedRows) {
    const fs::path out = scratch("interrupt.csv"), err = scratch("interrupt.log");
    fs::remove(out);
    std::vector<std::string> args = {kTensim, "sweep",      "-j",
                                     "1",     "--over",     "worker_grid=1x1,2x2,3x3,4x4,5x5,6x6",
                                     "--out", out.string(), "--"};
    for (const auto& a :
         {"matmul", "--m", "1024", "--k", "1024", "--n", "1024", "--numerics", "timing"})
        args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, kTensim.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    // Interrupt as soon as the first row is in the file. No deadline (a loaded or sanitized run
    // may take minutes per point): the wait ends when the row is there or the sweep has exited.
    int status = 0;
    bool exited = false;
    while (!exited && (!fs::exists(out) || table(out).empty())) {
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
        kill(pid, SIGINT);
        waitpid(pid, &status, 0);
    }
    const auto rows = table(out);
    ASSERT_TRUE(WIFEXITED(status)) << slurp(err);
    EXPECT_EQ(WEXITSTATUS(status), 130) << slurp(err);
    EXPECT_GE(rows.size(), 1u);
    EXPECT_LT(rows.size(), 6u) << "the sweep finished before the interrupt; make its points slower";
    for (const auto& r : rows) EXPECT_EQ(r.at("status"), "ok") << r.at("error");
    EXPECT_NE(slurp(err).find("--resume"), std::string::npos) << slurp(err);
}
