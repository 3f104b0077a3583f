// The kernel cache: a second build of an unchanged kernel compiles nothing (its manifest is left
// as it was); editing a header the kernel includes, or the
// kernel, rebuilds it, also within one process and also when the edit keeps the file's size.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "private_cache.hpp"
#include "tensim/error.hpp"

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

// Eight processes build and run the same kernel at once into an empty cache (a parallel sweep):
// none may load a half-written object, each computes the right value, and one object is left.
TEST(KernelCacheConcurrency, EightProcessesBuildTheSameKernel) {
    const fs::path root =
        fs::temp_directory_path() / ("tensim_cache_race_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    const fs::path kernel = root / "store.cpp";
    std::ofstream(kernel)
        << "#include \"dataflow_api.h\"\n"
           "void kernel_main() { *(volatile uint32_t*)get_write_ptr(0) = 77u; }\n";
    std::vector<pid_t> children;
    for (int i = 0; i < 8; ++i) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
            int rc = 3;
            try {
                IDevice* d = CreateDevice(0);
                rc = run_kernel(d, kernel) == 77u ? 0 : 1;
                CloseDevice(d);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child %d: %s\n", i, e.what());
                rc = 2;
            }
            std::fflush(nullptr);
            ::_exit(rc);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int st = 0;
        ASSERT_EQ(::waitpid(pid, &st, 0), pid);
        EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "child status " << st;
    }
    EXPECT_EQ(count(root / "cache" / "kernels", ".so"), 1u);
    // Nothing half-written is left behind either.
    for (const auto& e : fs::directory_iterator(root / "cache" / "kernels"))
        EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
    struct stat st;
    ASSERT_EQ(::stat((root / "cache").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);  // created private to the user
    fs::remove_all(root);
}

class KernelCache : public PrivateCacheTest {
protected:
    KernelCache() : PrivateCacheTest("tensim_cache_test") {}
    void SetUp() override {
        PrivateCacheTest::SetUp();
        fs::create_directories(root / "kernel");
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
    EXPECT_EQ(fs::last_write_time(manifest()), stamp) << "an unchanged kernel was compiled again";

    // A header edited just now, to the same size: rebuilt, also within this process.
    std::ofstream(header) << "#define VALUE 12u\n";
    EXPECT_EQ(run_kernel(device, kernel), 12u);
    EXPECT_EQ(objects(), 2u);
    // Edited so recently that another edit could keep its stamp: no manifest vouches for it yet,
    // so the next build compiles again (and finds the object it already has).
    std::ofstream(header) << "#define VALUE 13u\n";
    EXPECT_EQ(run_kernel(device, kernel), 13u);
    EXPECT_EQ(objects(), 3u);

    // The kernel itself edited.
    write_old(kernel, body.substr(0, body.size() - 4) + " + 1; }\n");
    EXPECT_EQ(run_kernel(device, kernel), 14u);
}

// Runs the kernel in a child process with its own cache state (an object this process loaded
// stays mapped, and its in-process table would answer): the value it stored, or -1.
long value_in_child(const fs::path& cache, const fs::path& kernel) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        setenv("TENSIM_CACHE", cache.c_str(), 1);
        int rc = 255;
        try {
            IDevice* d = CreateDevice(0);
            rc = static_cast<int>(run_kernel(d, kernel) & 0xff);
            CloseDevice(d);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
        }
        std::fflush(nullptr);
        ::_exit(rc);
    }
    int st = 0;
    if (pid < 0 || ::waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st) == 255 ? -1 : WEXITSTATUS(st);
}

// A cached object whose bytes no longer match its recorded hash (corrupted, or another kernel's
// object put in its place) is rebuilt, not loaded.
TEST(KernelCacheIntegrity, CorruptOrForeignObjectsAreRebuilt) {
    const fs::path root =
        fs::temp_directory_path() / ("tensim_cache_bad_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    const fs::path a = root / "a.cpp", b = root / "b.cpp", cache = root / "cache";
    std::ofstream(a) << "#include \"dataflow_api.h\"\n"
                        "void kernel_main() { *(volatile uint32_t*)get_write_ptr(0) = 21u; }\n";
    std::ofstream(b) << "#include \"dataflow_api.h\"\n"
                        "void kernel_main() { *(volatile uint32_t*)get_write_ptr(0) = 22u; }\n";
    auto objects = [&] {
        std::vector<fs::path> v;
        for (const auto& e : fs::directory_iterator(cache / "kernels"))
            if (e.path().extension() == ".so") v.push_back(e.path());
        return v;
    };
    ASSERT_EQ(value_in_child(cache, a), 21);
    const fs::path so_a = objects().at(0);
    ASSERT_EQ(value_in_child(cache, b), 22);
    fs::path so_b;
    for (const auto& o : objects())
        if (o != so_a) so_b = o;
    ASSERT_FALSE(so_b.empty());
    // b's object planted under a's name: a still computes 21.
    fs::copy_file(so_b, so_a, fs::copy_options::overwrite_existing);
    EXPECT_EQ(value_in_child(cache, a), 21);
    // a's object truncated: rebuilt again.
    fs::resize_file(so_a, 100);
    EXPECT_EQ(value_in_child(cache, a), 21);
    fs::remove_all(root);
}

// A cache directory others may write is refused with a message saying why.
TEST_F(KernelCache, CacheWritableByOthersIsRefused) {
    const fs::path open_dir = root / "open";
    fs::create_directories(open_dir);
    fs::permissions(open_dir, fs::perms::all);
    setenv("TENSIM_CACHE", open_dir.c_str(), 1);
    write_old(root / "kernel" / "c.cpp", "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n");
    try {
        run_kernel(device, root / "kernel" / "c.cpp");
        ADD_FAILURE() << "a world-writable cache was used";
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("writable by others"), std::string::npos) << e.what();
    }
    setenv("TENSIM_CACHE", (root / "cache").c_str(), 1);
}

}  // namespace
