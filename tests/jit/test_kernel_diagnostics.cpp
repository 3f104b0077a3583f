// Kernel build errors: the exception carries the compiler's diagnostics only, naming the kernel's
// own file and line, never the preprocessed source (a missing #include once threw ~20,800 lines);
// a long cascade of errors is cut, its full text kept in a log file the message names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <tt-metalium/host_api.hpp>

#include "private_cache.hpp"
#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;
namespace fs = std::filesystem;

namespace {

size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n') + 1; }

class KernelDiagnostics : public PrivateCacheTest {
protected:
    KernelDiagnostics() : PrivateCacheTest("tensim_diag_test") {}
    // Builds and runs `text` saved as <root>/<name>; returns the compile error's message.
    std::string error_of(const std::string& name, const std::string& text) {
        const fs::path file = root / name;
        std::ofstream(file) << text;
        Program p = CreateProgram();
        CreateKernel(p, file.string(), CoreCoord{0, 0}, DataMovementConfig{});
        try {
            EnqueueProgram(device->command_queue(), p, true);
        } catch (const tensim::KernelCompileError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no KernelCompileError";
        return "";
    }
    // No preprocessor output: it would carry line markers (`# 12 "file"`) and the API's own text.
    static void expect_no_preprocessed_text(const std::string& msg) {
        std::istringstream in(msg);
        for (std::string l; std::getline(in, l);)
            EXPECT_FALSE(l.size() > 2 && l[0] == '#' && l[1] == ' ' && std::isdigit(l[2])) << l;
        EXPECT_EQ(msg.find("kernel_main();"), std::string::npos) << "the generated wrapper leaked";
    }
};

TEST_F(KernelDiagnostics, MissingIncludeNamesTheKernelsLine) {
    const std::string msg = error_of(
        "reader.cpp",
        "#include \"dataflow_api.h\"\n#include \"no_such_header.h\"\nvoid kernel_main() {}\n");
    EXPECT_NE(msg.find((root / "reader.cpp").string() + ":2:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no_such_header.h"), std::string::npos) << msg;
    EXPECT_LT(lines(msg), 15u) << msg;
    expect_no_preprocessed_text(msg);
}

TEST_F(KernelDiagnostics, SyntaxErrorNamesFileAndLine) {
    const std::string msg = error_of(
        "writer.cpp", "#include \"dataflow_api.h\"\nvoid kernel_main() {\n    int x = ;\n}\n");
    EXPECT_NE(msg.find((root / "writer.cpp").string() + ":3:"), std::string::npos) << msg;
    EXPECT_LT(lines(msg), 15u) << msg;
    expect_no_preprocessed_text(msg);
}

TEST_F(KernelDiagnostics, ACascadeIsCutAndKeptInALog) {
    constexpr int kErrors = 200;
    std::string text = "#include \"dataflow_api.h\"\nvoid kernel_main() {\n";
    for (int i = 0; i < kErrors; ++i) text += "    undeclared_" + std::to_string(i) + "();\n";
    const std::string msg = error_of("many.cpp", text + "}\n");
    EXPECT_NE(msg.find((root / "many.cpp").string() + ":3:"), std::string::npos) << msg;
    EXPECT_LT(lines(msg), 50u) << msg;
    // The note names the log holding every diagnostic.
    const std::string note = "more lines of diagnostics in ";
    const size_t at = msg.find(note);
    ASSERT_NE(at, std::string::npos) << msg;
    std::string log = msg.substr(at + note.size());
    log = log.substr(0, log.find('\n'));
    std::ifstream in(log);
    std::stringstream all;
    all << in.rdbuf();
    EXPECT_NE(all.str().find("undeclared_" + std::to_string(kErrors - 1)), std::string::npos)
        << log;
}

}  // namespace
