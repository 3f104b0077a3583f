// End to end: every example binary verifies its own output; here each must exit 0 and print PASS.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string run_example(const std::string& name, int& status) {
    std::string cmd = std::string(TENSIM_BIN_DIR) + "/" + name + " 2>&1";
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

INSTANTIATE_TEST_SUITE_P(DataMovement, Example,
                         ::testing::Values("loopback", "loopback_mesh", "add_2_integers_in_riscv", "noc_tile_transfer",
                                           "multicast", "add_2_integers_in_compute", "eltwise_sfpu",
                                           "sfpu_eltwise_chain", "reduce_max", "softmax"));

TEST(ExampleOutput, DprintIsTaggedWithCoreThreadAndCycle) {
    int status = -1;
    std::string out = run_example("add_2_integers_in_riscv", status);
    EXPECT_NE(out.find("[chip0 core (0,0) [noc0 1-1] BRISC @"), std::string::npos) << out;
    EXPECT_NE(out.find("Adding integers: 14 + 7 = 21"), std::string::npos) << out;
}

}  // namespace
