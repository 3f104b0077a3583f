// A multi-chip system split over MPI ranks (sim/system/partition.hpp) runs the same simulation as
// one process: the same device cycles for an all-gather over the T3000's eight chips, and the same
// per-op times for one tensor-parallel LLM layer. Each case runs `tensim` once alone and once under
// `mpirun -np 2`, and compares what both print; the expected values are the one-process run's.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

using nlohmann::json;

namespace {

struct Outcome {
    int status = -1;
    json out;
};

// Runs `prefix tensim args --json` and parses what it prints on stdout (rank 0's alone).
Outcome run(const std::string& prefix, const std::string& args) {
    const std::string cmd =
        prefix + std::string(TENSIM_BIN_DIR) + "/tensim " + args + " --json 2>/dev/null";
    Outcome r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::string text;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = json::parse(text, nullptr, false);
    return r;
}

const std::string kMpirun = "mpirun -np 2 --oversubscribe --allow-run-as-root ";

// A build without MPI, or a machine without mpirun, skips (the build says so at configure).
bool have_mpi() {
#ifdef TENSIM_HAVE_MPI
    return std::system("command -v mpirun >/dev/null 2>&1") == 0;
#else
    return false;
#endif
}

}  // namespace

TEST(ScaleOut, AllGatherOverTwoRanksMatchesOneProcess) {
    if (!have_mpi()) GTEST_SKIP() << "no mpirun, or tensim built without MPI";
    const std::string args =
        "ccl --op all_gather --system t3000 --devices 8 --topology ring --bytes 262144";
    const Outcome one = run("", args);
    ASSERT_EQ(one.status, 0);
    ASSERT_FALSE(one.out.is_discarded());
    const Outcome two = run(kMpirun, args + " --mpi");
    ASSERT_EQ(two.status, 0);
    ASSERT_FALSE(two.out.is_discarded());
    EXPECT_EQ(one.out["ranks"], 1);
    EXPECT_EQ(two.out["ranks"], 2);
    EXPECT_GT(one.out["device_cycles"].get<uint64_t>(), 0u);
    EXPECT_EQ(two.out["device_cycles"], one.out["device_cycles"]);
    EXPECT_EQ(two.out["chips"], one.out["chips"]);
}

TEST(ScaleOut, TensorParallelLayerOverTwoRanksMatchesOneProcess) {
    if (!have_mpi()) GTEST_SKIP() << "no mpirun, or tensim built without MPI";
    const std::string args =
        "llm --model llama-3.2-1b --tp 8 --system t3000 --layers 1 --batch 1 --seq-len 32 "
        "--numerics timing";
    const Outcome one = run("", args);
    ASSERT_EQ(one.status, 0);
    ASSERT_FALSE(one.out.is_discarded());
    const Outcome two = run(kMpirun, args + " --mpi");
    ASSERT_EQ(two.status, 0);
    ASSERT_FALSE(two.out.is_discarded());
    EXPECT_GT(one.out["layer_us"].get<double>(), 0.0);
    EXPECT_EQ(two.out["layer_us"], one.out["layer_us"]);
    // Op by op: every program's device time, CCLs and the ops between them alike.
    ASSERT_TRUE(one.out.contains("ops"));
    ASSERT_EQ(two.out["ops"].size(), one.out["ops"].size());
    for (size_t i = 0; i < one.out["ops"].size(); ++i)
        EXPECT_EQ(two.out["ops"][i]["device_us"], one.out["ops"][i]["device_us"])
            << one.out["ops"][i]["op"];
}

// Rank 0 holds no values of the chips other ranks simulate, so --mpi refuses value checks
// (a usage error, before any MPI is started).
TEST(ScaleOut, MpiRefusesValueNumerics) {
    const Outcome o =
        run("", "ccl --op all_gather --devices 2 --bytes 65536 --numerics fast --mpi");
    EXPECT_EQ(o.status, 2);
}
