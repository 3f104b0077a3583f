// A multi-chip system split over MPI ranks (sim/system/partition.hpp) runs the same simulation as
// one process: the same device cycles for an all-gather over the T3000's eight chips, and the same
// per-op times for one tensor-parallel LLM layer. Each case runs `tensim` once alone and once under
// `mpirun -np 2`, and compares what both print; the expected values are the one-process run's.
// Also: values read back across ranks, and 128 chips over four ranks.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

using nlohmann::json;

namespace {

struct Outcome {
    int status = -1;
    json out;
    std::string err;  // what the run printed on stderr, shown when it fails
};

// Runs `prefix tensim args --json` and parses what it prints on stdout (rank 0's alone).
Outcome run(const std::string& prefix, const std::string& args) {
    const std::string err_file = ::testing::TempDir() + "scaleout_stderr.txt";
    const std::string cmd =
        prefix + std::string(TENSIM_BIN_DIR) + "/tensim " + args + " --json 2>" + err_file;
    Outcome r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::string text;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream e(err_file);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    r.out = json::parse(text, nullptr, false);
    return r;
}

#if defined(__SANITIZE_ADDRESS__)
// The ranks run without LeakSanitizer: Open MPI's components leak at MPI_Finalize and are unloaded
// before it reports, so no suppression can name them ("<unknown module>"); the same tensim code is
// leak-checked in the one-process runs.
const std::string kMpiOptions =
    "--oversubscribe --allow-run-as-root -x ASAN_OPTIONS=detect_leaks=0 ";
#else
const std::string kMpiOptions = "--oversubscribe --allow-run-as-root ";
#endif
const std::string kMpirun = "mpirun -np 2 " + kMpiOptions;

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
    ASSERT_EQ(one.status, 0) << one.err;
    ASSERT_FALSE(one.out.is_discarded());
    const Outcome two = run(kMpirun, args + " --mpi");
    ASSERT_EQ(two.status, 0) << two.err;
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
    ASSERT_EQ(one.status, 0) << one.err;
    ASSERT_FALSE(one.out.is_discarded());
    const Outcome two = run(kMpirun, args + " --mpi");
    ASSERT_EQ(two.status, 0) << two.err;
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

// Values, not only cycles: a host read of a chip another rank simulates returns its owner's
// bytes, so the all-gather's check against the host reference (max_abs_error, fast numerics) is
// the one-process run's; without the owner's bytes rank 0 would compare zeros (its writes to
// other ranks' chips are dropped) and the error would be the data's size.
TEST(ScaleOut, ValuesReadOnRankZeroAreTheOwnersOnes) {
    if (!have_mpi()) GTEST_SKIP() << "no mpirun, or tensim built without MPI";
    const std::string args =
        "ccl --op all_gather --system t3000 --devices 8 --topology ring --bytes 65536 "
        "--numerics fast";
    const Outcome one = run("", args);
    ASSERT_EQ(one.status, 0) << one.err;
    ASSERT_TRUE(one.out["max_abs_error"].is_number());
    const Outcome two = run(kMpirun, args + " --mpi");
    ASSERT_EQ(two.status, 0) << two.err;
    ASSERT_TRUE(two.out["max_abs_error"].is_number());
    EXPECT_EQ(two.out["max_abs_error"], one.out["max_abs_error"]);
    EXPECT_EQ(two.out["device_cycles"], one.out["device_cycles"]);
    // Point to point: deliveries went only to the link neighbour (the ring crosses twice).
    EXPECT_GT(two.out["sync_bytes"].get<uint64_t>(), 0u);
}

// 128 chips (four Galaxies stacked into a 16x8 mesh, written here from galaxy.json's link
// pattern) cannot be mapped by one process (L1 below 4 GiB); over four ranks each maps its own
// 32 chips and a shell. An all-gather on chips 0-7 then takes the cycles it takes on one Galaxy in
// one process (the same chips, links and ids).
TEST(ScaleOut, FourGalaxiesOpenOverFourRanks) {
    if (!have_mpi()) GTEST_SKIP() << "no mpirun, or tensim built without MPI";
#if defined(__SANITIZE_ADDRESS__)
    // A rank maps one Galaxy's L1 (2.9 GiB) below 4 GiB, where ASan's shadow leaves 2 GiB
    // (docs/robustness.md, "Sanitizers"), as the one-process Galaxy tests skip.
    GTEST_SKIP() << "a Galaxy's L1 does not fit below ASan's shadow memory";
#endif
    std::ifstream in(std::string(TENSIM_SOURCE_DIR) + "/sim/arch/galaxy.json");
    json g = json::parse(in);
    constexpr int kRows = 16, kCols = 8;
    g["name"] = "galaxy_x4";
    g["num_chips"]["value"] = kRows * kCols;
    g["mesh_shape"]["value"] = {kRows, kCols};
    json coords = json::array(), links = json::array();
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kCols; ++c) {
            const int id = r * kCols + c;
            coords.push_back({r, c});
            // galaxy.json's channels: east E0-E3 to west E4-E7, south E12-E15 to north E8-E11.
            for (int k = 0; k < 4; ++k) {
                if (c + 1 < kCols) links.push_back({id, k, id + 1, 4 + k});
                if (r + 1 < kRows) links.push_back({id, 12 + k, id + kCols, 8 + k});
            }
        }
    g["mesh_coords"]["value"] = coords;
    g["eth_links"]["value"] = links;
    const std::string file = ::testing::TempDir() + "galaxy_x4.json";
    std::ofstream(file) << g.dump();

    const std::string args = " --devices 8 --topology ring --bytes 65536";
    const Outcome galaxy = run("", "ccl --op all_gather --system galaxy" + args);
    ASSERT_EQ(galaxy.status, 0) << galaxy.err;
    EXPECT_NE(run("", "ccl --op all_gather --system " + file + args).status, 0)
        << "one process maps every chip's L1: 128 chips do not fit below 4 GiB";
    const Outcome four = run("mpirun -np 4 " + kMpiOptions,
                             "ccl --op all_gather --system " + file + args + " --mpi");
    ASSERT_EQ(four.status, 0) << four.err;
    EXPECT_EQ(four.out["ranks"], 4);
    EXPECT_EQ(four.out["chips"], galaxy.out["chips"]);
    EXPECT_EQ(four.out["device_cycles"], galaxy.out["device_cycles"]);
}
