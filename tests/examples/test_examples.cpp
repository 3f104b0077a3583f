// End to end: every example binary verifies its own output; here each must exit 0 and print PASS,
// take the same cycles in every numerics mode, and pass the init-state check (TENSIM_CHECK=init)
// with the cycles of an unchecked run. The lists come from the glob in examples/CMakeLists.txt.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> names(const std::string& csv) {
    std::vector<std::string> out;
    std::stringstream in(csv);
    for (std::string name; std::getline(in, name, ',');) out.push_back(name);
    return out;
}
const std::vector<std::string> kExamples = names(TENSIM_EXAMPLES);
const std::vector<std::string> kComputeExamples = names(TENSIM_COMPUTE_EXAMPLES);
std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// Runs build/bin/<name> (or, with in_bin_dir = false, the command as given); returns its output.
std::string run_example(const std::string& name, int& status, bool in_bin_dir = true) {
    std::string cmd =
        (in_bin_dir ? std::string(TENSIM_BIN_DIR) + "/" : std::string()) + name + " 2>&1";
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

class Example : public ::testing::TestWithParam<std::string> {};

TEST_P(Example, PrintsPassAndExitsZero) {
    int status = -1;
    std::string out = run_example(GetParam(), status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find("PASS"), std::string::npos) << out;
    EXPECT_NE(out.find("cycles"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(All, Example, ::testing::ValuesIn(kExamples), param_name);

// The first "<N> cycles" an example prints: its device time.
uint64_t device_cycles(const std::string& out) {
    size_t p = out.find(" cycles");
    if (p == std::string::npos) return 0;
    size_t b = out.find_last_not_of("0123456789", p - 1);
    return std::stoull(out.substr(b + 1, p - b - 1));
}

class NumericsModes : public ::testing::TestWithParam<std::string> {};

// Faithful and fast must pass; timing skips the check; all three take the same cycles.
TEST_P(NumericsModes, SameCyclesInEveryMode) {
    uint64_t cycles[3] = {};
    const char* modes[] = {"faithful", "fast", "timing"};
    for (int m = 0; m < 3; ++m) {
        int status = -1;
        std::string out = run_example(std::string("env TENSIM_NUMERICS=") + modes[m] + " " +
                                          TENSIM_BIN_DIR + "/" + GetParam(),
                                      status, false);
        EXPECT_EQ(status, 0) << modes[m] << "\n" << out;
        EXPECT_NE(out.find("PASS"), std::string::npos) << modes[m] << "\n" << out;
        cycles[m] = device_cycles(out);
        EXPECT_GT(cycles[m], 0u) << out;
    }
    EXPECT_EQ(cycles[0], cycles[1]);
    EXPECT_EQ(cycles[0], cycles[2]);
}

INSTANTIATE_TEST_SUITE_P(Compute, NumericsModes, ::testing::ValuesIn(kComputeExamples), param_name);

class ExampleInitCheck : public ::testing::TestWithParam<std::string> {};

// Every compute kernel configures the engines for each op it runs, and the check costs no cycles.
TEST_P(ExampleInitCheck, PassesWithTheSameCycles) {
    int plain_status = -1, checked_status = -1;
    std::string plain = run_example(
        "env TENSIM_CHECK= " + std::string(TENSIM_BIN_DIR) + "/" + GetParam(), plain_status, false);
    std::string checked =
        run_example("env TENSIM_CHECK=init " + std::string(TENSIM_BIN_DIR) + "/" + GetParam(),
                    checked_status, false);
    EXPECT_EQ(checked_status, 0) << checked;
    EXPECT_NE(checked.find("PASS"), std::string::npos) << checked;
    EXPECT_EQ(checked.find("[init check]"), std::string::npos) << checked;
    EXPECT_EQ(plain_status, 0) << plain;
    EXPECT_GT(device_cycles(checked), 0u) << checked;
    EXPECT_EQ(device_cycles(plain), device_cycles(checked));
}

INSTANTIATE_TEST_SUITE_P(Compute, ExampleInitCheck, ::testing::ValuesIn(kComputeExamples),
                         param_name);

class Determinism : public ::testing::TestWithParam<std::string> {};

// Run twice, an example leaves byte-identical stats (every counter of every block, the resolved
// configuration): nothing in the simulation depends on wall time, addresses or thread timing.
// Timing numerics: the values do not matter here, and it keeps the test fast.
TEST_P(Determinism, TwoRunsGiveIdenticalStats) {
    namespace fs = std::filesystem;
    std::string stats[2];
    for (int i = 0; i < 2; ++i) {
        const fs::path file =
            fs::temp_directory_path() / ("tensim-determinism-" + std::to_string(::getpid()) + "-" +
                                         GetParam() + "-" + std::to_string(i) + ".json");
        int status = -1;
        const std::string out =
            run_example("env TENSIM_NUMERICS=timing TENSIM_STATS=" + file.string() + " " +
                            TENSIM_BIN_DIR + "/" + GetParam(),
                        status, false);
        ASSERT_EQ(status, 0) << out;
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        stats[i] = text.str();
        fs::remove(file);
    }
    EXPECT_GT(stats[0].size(), 100u) << "no stats written";
    EXPECT_TRUE(stats[0] == stats[1]) << GetParam() << ": the two runs' stats differ";
}

INSTANTIATE_TEST_SUITE_P(All, Determinism, ::testing::ValuesIn(kExamples), param_name);

TEST(ExampleOutput, DprintIsTaggedWithCoreThreadAndCycle) {
    int status = -1;
    std::string out = run_example("add_2_integers_in_riscv", status);
    EXPECT_NE(out.find("[chip0 core (0,0) [noc0 1-1] BRISC @"), std::string::npos) << out;
    EXPECT_NE(out.find("Adding integers: 14 + 7 = 21"), std::string::npos) << out;
}

}  // namespace
