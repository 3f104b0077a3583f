// End to end: every example binary verifies its own output; here each must exit 0 and print PASS.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

// Runs build/bin/<name> (or, with in_bin_dir = false, the command as given); returns its output.
std::string run_example(const std::string& name, int& status, bool in_bin_dir = true) {
    std::string cmd = (in_bin_dir ? std::string(TENSIM_BIN_DIR) + "/" : std::string()) + name + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return "cannot run " + cmd;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

class Example : public ::testing::TestWithParam<const char*> {};

TEST_P(Example, PrintsPassAndExitsZero) {
    int status = -1;
    std::string out = run_example(GetParam(), status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find("PASS"), std::string::npos) << out;
    EXPECT_NE(out.find("cycles"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(All, Example,
                         ::testing::Values("loopback", "loopback_mesh", "add_2_integers_in_riscv", "noc_tile_transfer",
                                           "multicast", "add_2_integers_in_compute", "eltwise_binary", "eltwise_sfpu",
                                           "sfpu_eltwise_chain", "reduce_max", "softmax", "matmul_single_core",
                                           "vecadd_sharding", "matmul_multi_core", "matmul_multicore_reuse",
                                           "matmul_multicore_reuse_mcast"));

// The first "<N> cycles" an example prints: its device time.
uint64_t device_cycles(const std::string& out) {
    size_t p = out.find(" cycles");
    if (p == std::string::npos) return 0;
    size_t b = out.find_last_not_of("0123456789", p - 1);
    return std::stoull(out.substr(b + 1, p - b - 1));
}

class NumericsModes : public ::testing::TestWithParam<const char*> {};

// Faithful and fast must pass; timing skips the check; all three take the same cycles.
TEST_P(NumericsModes, SameCyclesInEveryMode) {
    uint64_t cycles[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        int status = -1;
        std::string out = run_example(std::string("env TENSIM_NUMERICS=") + modes[m] + " " + TENSIM_BIN_DIR + "/" +
                                          GetParam(),
                                      status, false);
        EXPECT_EQ(status, 0) << modes[m] << "\n" << out;
        EXPECT_NE(out.find("PASS"), std::string::npos) << modes[m] << "\n" << out;
        cycles[m] = device_cycles(out);
        EXPECT_GT(cycles[m], 0u) << out;
    }
    EXPECT_EQ(cycles[0], cycles[1]);
    EXPECT_EQ(cycles[0], cycles[2]);
}

INSTANTIATE_TEST_SUITE_P(Compute, NumericsModes,
                         ::testing::Values("add_2_integers_in_compute", "eltwise_binary", "eltwise_sfpu",
                                           "sfpu_eltwise_chain", "reduce_max", "softmax", "matmul_single_core",
                                           "vecadd_sharding", "matmul_multicore_reuse_mcast"));

TEST(ExampleOutput, DprintIsTaggedWithCoreThreadAndCycle) {
    int status = -1;
    std::string out = run_example("add_2_integers_in_riscv", status);
    EXPECT_NE(out.find("[chip0 core (0,0) [noc0 1-1] BRISC @"), std::string::npos) << out;
    EXPECT_NE(out.find("Adding integers: 14 + 7 = 21"), std::string::npos) << out;
}

}  // namespace
