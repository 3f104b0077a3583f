// Every example passes the init-state check (TENSIM_CHECK=init) with the cycles of an unchecked
// run: its kernels configure the engines for each op they run, and the check costs no cycles.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string run(const std::string& cmd, int& status) {
    std::string out;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return "cannot run " + cmd;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

// The first "<N> cycles" an example prints: its device time.
std::string device_cycles(const std::string& out) {
    size_t p = out.find(" cycles");
    if (p == std::string::npos) return "";
    size_t b = out.find_last_not_of("0123456789", p - 1);
    return out.substr(b + 1, p - b - 1);
}

class ExampleInitCheck : public ::testing::TestWithParam<const char*> {};

TEST_P(ExampleInitCheck, PassesWithTheSameCycles) {
    const std::string bin = std::string(TENSIM_BIN_DIR) + "/" + GetParam();
    int plain_status = -1, checked_status = -1;
    std::string plain = run("env TENSIM_CHECK= " + bin, plain_status);
    std::string checked = run("env TENSIM_CHECK=init " + bin, checked_status);
    EXPECT_EQ(checked_status, 0) << checked;
    EXPECT_NE(checked.find("PASS"), std::string::npos) << checked;
    EXPECT_EQ(checked.find("[init check]"), std::string::npos) << checked;
    EXPECT_EQ(plain_status, 0) << plain;
    EXPECT_FALSE(device_cycles(checked).empty()) << checked;
    EXPECT_EQ(device_cycles(plain), device_cycles(checked));
}

INSTANTIATE_TEST_SUITE_P(Compute, ExampleInitCheck,
                         ::testing::Values("add_2_integers_in_compute", "eltwise_binary",
                                           "eltwise_sfpu", "sfpu_eltwise_chain", "reduce_max",
                                           "softmax", "matmul_single_core", "vecadd_sharding",
                                           "matmul_multi_core", "matmul_multicore_reuse",
                                           "matmul_multicore_reuse_mcast"));

}  // namespace
