// jit::build_all: the kernels of a program build in parallel threads and come back in the order
// asked, identical specs share one binary, results equal jit::build's, and the first failure in
// spec order is the one reported (after every build has finished).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "jit/kernel_build.hpp"
#include "tensim/error.hpp"

namespace fs = std::filesystem;
using tensim::jit::KernelBuildSpec;

namespace {

class ParallelBuild : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::temp_directory_path() / ("tensim_pbuild_test_" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
        setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
        setenv("TENSIM_BUILD_JOBS", "3", 1);
    }
    void TearDown() override {
        unsetenv("TENSIM_BUILD_JOBS");
        fs::remove_all(root);
    }
    // A data-movement kernel storing `value` (or a kernel that does not compile).
    KernelBuildSpec spec(const std::string& name, const std::string& body) {
        const fs::path p = root / (name + ".cpp");
        std::ofstream(p) << "void kernel_main() {" << body << "}\n";
        KernelBuildSpec s;
        s.source_path = p.string();
        s.display_name = name;
        s.processor = "brisc";
        s.cb_formats.fill(0xff);
        return s;
    }
    fs::path root;
};

TEST_F(ParallelBuild, OrderDedupAndSameBinariesAsBuild) {
    const KernelBuildSpec a = spec("a", "volatile int x = 1; (void)x;");
    const KernelBuildSpec b = spec("b", "volatile int x = 2; (void)x;");
    KernelBuildSpec b_ncrisc = b;
    b_ncrisc.processor = "ncrisc";
    const auto got = tensim::jit::build_all({a, b, a, b_ncrisc});
    ASSERT_EQ(got.size(), 4u);
    for (const auto& g : got) ASSERT_TRUE(g);
    EXPECT_EQ(got[0], got[2]);  // identical specs: one binary
    EXPECT_NE(got[0], got[1]);
    EXPECT_NE(got[1], got[3]);  // another processor is another build
    // The in-process cache hands the same binaries to a plain build().
    EXPECT_EQ(tensim::jit::build(a), got[0]);
    EXPECT_EQ(tensim::jit::build(b), got[1]);
    EXPECT_EQ(tensim::jit::build(b_ncrisc), got[3]);
}

TEST_F(ParallelBuild, FirstFailureInSpecOrderIsReported) {
    const KernelBuildSpec ok = spec("fine", "");
    const KernelBuildSpec bad1 = spec("broken_first", "this_is_not_declared_1();");
    const KernelBuildSpec bad2 = spec("broken_second", "this_is_not_declared_2();");
    try {
        tensim::jit::build_all({ok, bad1, bad2});
        FAIL() << "expected a compile error";
    } catch (const tensim::KernelCompileError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("broken_first"), std::string::npos) << what;
        EXPECT_EQ(what.find("broken_second"), std::string::npos) << what;
    }
}

}  // namespace
