// The kernel cache: a second build of an unchanged kernel compiles nothing and does not even
// preprocess (its manifest is left as it was); editing a header the kernel includes rebuilds it,
// also within one process.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <tt-metalium/host_api.hpp>

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
    CreateCircularBuffer(p, core, CircularBufferConfig(32, {{CBIndex::c_0, tt::DataFormat::UInt32}}).set_page_size(CBIndex::c_0, 32));
    CreateKernel(p, path.string(), core, DataMovementConfig{});
    EnqueueProgram(d->command_queue(), p, true);
    std::vector<uint32_t> got;
    detail::ReadFromDeviceL1(d, core, 97248, 4, got);
    return got.at(0);
}

TEST(KernelCache, UnchangedKernelsAreReusedAndEditedHeadersRebuild) {
    const fs::path root = fs::temp_directory_path() / ("tensim_cache_test_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "kernel");
    const char* old_cache = std::getenv("TENSIM_CACHE");
    const std::string saved = old_cache ? old_cache : "";
    setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
    const fs::path header = root / "kernel" / "value.h", kernel = root / "kernel" / "store.cpp";
    std::ofstream(header) << "#define VALUE 11u\n";
    std::ofstream(kernel) << "#include \"dataflow_api.h\"\n#include \"value.h\"\n"
                             "void kernel_main() { *(volatile uint32_t*)get_write_ptr(0) = VALUE; }\n";
    const fs::path kernels = root / "cache" / "kernels";
    IDevice* d = CreateDevice(0);

    EXPECT_EQ(run_kernel(d, kernel), 11u);
    ASSERT_EQ(count(kernels, ".so"), 1u);
    ASSERT_EQ(count(kernels, ".manifest"), 1u);
    fs::path manifest;
    for (const auto& e : fs::directory_iterator(kernels))
        if (e.path().extension() == ".manifest") manifest = e.path();
    const auto stamp = fs::last_write_time(manifest);

    EXPECT_EQ(run_kernel(d, kernel), 11u);
    EXPECT_EQ(count(kernels, ".so"), 1u);
    EXPECT_EQ(fs::last_write_time(manifest), stamp) << "an unchanged kernel was preprocessed again";

    std::ofstream(header) << "#define VALUE 12u\n";
    fs::last_write_time(header, fs::last_write_time(header) + std::chrono::seconds(2));  // coarse clocks
    EXPECT_EQ(run_kernel(d, kernel), 12u);
    EXPECT_EQ(count(kernels, ".so"), 2u);

    CloseDevice(d);
    if (old_cache) setenv("TENSIM_CACHE", saved.c_str(), 1);
    else unsetenv("TENSIM_CACHE");
    fs::remove_all(root);
}

}  // namespace
