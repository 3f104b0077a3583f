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

#include "jit/build_util.hpp"
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

// Kernels link without the default libraries (-nodefaultlibs): what they call of libc, libm and
// libstdc++ is bound when tensim loads them (RTLD_NOW: a name left unbound fails the load).
TEST_F(ParallelBuild, CallsIntoTheStandardLibrariesResolveAtLoad) {
    const fs::path p = root / "libs.cpp";
    std::ofstream(p) << "#include <pthread.h>\n#include <cmath>\n#include <cstring>\n"
                        "#include <string>\n"
                        "volatile double x = 2.0;\nvolatile int n = 3;\nchar from[64], to[64];\n"
                        "void kernel_main() {\n"
                        "    char buf[32];\n"
                        "    std::snprintf(buf, sizeof buf, \"%f\", std::sqrt(x) + std::exp(x));\n"
                        "    std::string s(size_t(n) * 20, 'a');\n"
                        "    x = double(std::strlen(buf) + s.size()) + std::pow(x, n);\n"
                        "    int* q = new int[n];\n"
                        "    delete[] q;\n"
                        "    std::memcpy(to, from, size_t(n) * 8);\n"
                        "    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;\n"
                        "    pthread_cond_signal(&cv);\n"
                        "}\n";
    KernelBuildSpec s;
    s.source_path = p.string();
    s.display_name = "libs";
    s.processor = "brisc";
    s.cb_formats.fill(0xff);
    EXPECT_NE(tensim::jit::build(s), nullptr);
    // libc's and libm's calls carry their versions (an unversioned memcpy, pthread_cond_signal, exp
    // or pow binds to the oldest one, a compatibility version; pthread_cond_signal@GLIBC_2.2.5
    // expects the old condition variable layout): the object's dynamic symbols, as readelf lists.
    std::string syms;
    for (const auto& e : fs::directory_iterator(root / "cache" / "kernels"))
        if (e.path().extension() == ".so")
            tensim::jit::run("readelf -W --dyn-syms " + tensim::jit::quote(e.path().string()),
                             syms);
    EXPECT_NE(syms.find(" exp@GLIBC"), std::string::npos) << syms;
    EXPECT_NE(syms.find(" pow@GLIBC"), std::string::npos) << syms;
#if !defined(__SANITIZE_ADDRESS__)  // a sanitized kernel's memcpy is ASan's, unversioned
    EXPECT_NE(syms.find(" memcpy@GLIBC"), std::string::npos) << syms;
#endif
    EXPECT_NE(syms.find(" pthread_cond_signal@GLIBC_2.3.2"), std::string::npos) << syms;
}

// The compiler runs without a shell: its command line is split into words as the shell would,
// quote() round-trips any path, and a program that cannot start reports 127 like the shell.
TEST(BuildCommand, WordsQuotesAndAMissingProgram) {
    using tensim::jit::quote;
    using tensim::jit::split_words;
    const std::string odd = "/tmp/a dir/it's \"here\"\\";
    EXPECT_EQ(split_words("c++  -O2\t-I" + quote(odd) + " x.cpp"),
              (std::vector<std::string>{"c++", "-O2", "-I" + odd, "x.cpp"}));
    EXPECT_EQ(split_words("a \"b c\" d\\ e"), (std::vector<std::string>{"a", "b c", "d e"}));
    std::string out;
    EXPECT_EQ(tensim::jit::run("sh -c " + quote("echo to-out; echo to-err >&2; exit 3"), out), 3);
    EXPECT_NE(out.find("to-out"), std::string::npos) << out;
    EXPECT_NE(out.find("to-err"), std::string::npos) << out;
    out.clear();
    EXPECT_EQ(tensim::jit::run("/nonexistent/tensim-cxx -c x.cpp", out), 127);
    EXPECT_NE(out.find("/nonexistent/tensim-cxx"), std::string::npos) << out;
}

}  // namespace
