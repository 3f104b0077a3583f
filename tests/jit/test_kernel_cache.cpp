// The kernel cache: a second build of an unchanged kernel compiles nothing and does not even
// preprocess (its manifest is left as it was); editing a header the kernel includes, or the
// kernel, rebuilds it, also within one process and also when the edit keeps the file's size.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;
namespace fs = std::filesystem;

namespace {

size_t count(const fs::path& dir, const std::string& ext) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ext;
    return n;
}

// Runs the kernel at `path` on one core; it stores VALUE in CB c_0, at the unreserved L1 base.
uint32_t run_kernel(IDevice* d, const fs::path& path) {
    Program p = CreateProgram();
    CoreCoord core{1, 1};
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(32, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, 32));
    CreateKernel(p, path.string(), core, DataMovementConfig{});
    EnqueueProgram(d->command_queue(), p, true);
    std::vector<uint32_t> got;
    detail::ReadFromDeviceL1(d, core, 97248, 4, got);
    return got.at(0);
}

class KernelCache : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::temp_directory_path() / ("tensim_cache_test_" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root / "kernel");
        if (const char* c = std::getenv("TENSIM_CACHE")) saved = c;
        setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
        device = CreateDevice(0);
    }
    void TearDown() override {
        CloseDevice(device);
        if (saved)
            setenv("TENSIM_CACHE", saved->c_str(), 1);
        else
            unsetenv("TENSIM_CACHE");
        fs::remove_all(root);
    }
    // Writes a file as if it had been saved a while ago (so its stamp is settled).
    void write_old(const fs::path& p, const std::string& text) {
        std::ofstream(p) << text;
        fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::minutes(1));
    }
    fs::path manifest() const {
        for (const auto& e : fs::directory_iterator(root / "cache" / "kernels"))
            if (e.path().extension() == ".manifest") return e.path();
        return {};
    }
    size_t objects() const { return count(root / "cache" / "kernels", ".so"); }

    fs::path root;
    std::optional<std::string> saved;
    IDevice* device = nullptr;
};

TEST_F(KernelCache, UnchangedKernelsAreReusedAndEditedSourcesRebuild) {
    const fs::path header = root / "kernel" / "value.h", kernel = root / "kernel" / "store.cpp";
    const std::string body =
        "#include \"dataflow_api.h\"\n#include \"value.h\"\n"
        "void kernel_main() { *(volatile uint32_t*)get_write_ptr(0) = VALUE; }\n";
    write_old(header, "#define VALUE 11u\n");
    write_old(kernel, body);

    EXPECT_EQ(run_kernel(device, kernel), 11u);
    ASSERT_EQ(objects(), 1u);
    ASSERT_FALSE(manifest().empty());
    const auto stamp = fs::last_write_time(manifest());

    EXPECT_EQ(run_kernel(device, kernel), 11u);
    EXPECT_EQ(objects(), 1u);
    EXPECT_EQ(fs::last_write_time(manifest()), stamp)
        << "an unchanged kernel was preprocessed again";

    // A header edited just now, to the same size: rebuilt, also within this process.
    std::ofstream(header) << "#define VALUE 12u\n";
    EXPECT_EQ(run_kernel(device, kernel), 12u);
    EXPECT_EQ(objects(), 2u);
    // Edited so recently that another edit could keep its stamp: no manifest vouches for it yet,
    // so the next build preprocesses again (and finds the object it already has).
    std::ofstream(header) << "#define VALUE 13u\n";
    EXPECT_EQ(run_kernel(device, kernel), 13u);
    EXPECT_EQ(objects(), 3u);

    // The kernel itself edited.
    write_old(kernel, body.substr(0, body.size() - 4) + " + 1; }\n");
    EXPECT_EQ(run_kernel(device, kernel), 14u);
}

}  // namespace
