// Precompiled kernel headers (src/jit/kernel_pch.hpp): the build tree has one for each default
// kind of kernel; a kernel built with it and without it (TENSIM_KERNEL_PCH=0) is the same object
// under the same key and runs the same; a precompiled header whose headers changed since is not
// used; a damaged one (garbage, truncated) is skipped and the kernel still builds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "jit/build_util.hpp"
#include "jit/kernel_build.hpp"
#include "jit/kernel_pch.hpp"
#include "tensim/host/tensim.hpp"

namespace fs = std::filesystem;
using tensim::jit::KernelBuildSpec;

namespace {

class KernelPch : public ::testing::Test {
protected:
    void SetUp() override {
        root = fs::temp_directory_path() / ("tensim_pch_test_" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
        if (const char* c = std::getenv("TENSIM_CACHE")) saved_cache = c;
        unsetenv("TENSIM_KERNEL_PCH");
    }
    void TearDown() override {
        unsetenv("TENSIM_KERNEL_PCH");
        if (saved_cache.empty())
            unsetenv("TENSIM_CACHE");
        else
            setenv("TENSIM_CACHE", saved_cache.c_str(), 1);
        fs::remove_all(root);
    }
    KernelBuildSpec spec(const std::string& name, const std::string& text,
                         const std::string& processor = "brisc") {
        const fs::path p = root / (name + ".cpp");
        std::ofstream(p) << text;
        KernelBuildSpec s;
        s.source_path = p.string();
        s.display_name = name;
        s.processor = processor;
        s.cb_formats.fill(0xff);
        if (processor.rfind("trisc", 0) == 0) s.opt_level = "-O3";
        return s;
    }
    // The objects in a cache, by file name.
    std::vector<std::string> objects(const fs::path& cache) const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(cache / "kernels"))
            if (e.path().extension() == ".so") names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
    fs::path root;
    std::string saved_cache;
};

const char* kStore =
    "#include \"dataflow_api.h\"\n"
    "void kernel_main() { *(volatile uint32_t*)get_write_ptr(get_compile_time_arg_val(0)) = "
    "get_compile_time_arg_val(1); }\n";
const char* kCompute =
    "#include \"compute_kernel_api/eltwise_unary/exp.h\"\n"
    "#include \"compute_kernel_api/tile_move_copy.h\"\n"
    "namespace NAMESPACE { void MAIN { copy_tile_init(0); exp_tile_init(); } }\n";

TEST_F(KernelPch, BuildTreeHasOneForEachDefaultKind) {
    for (const char* p : {"brisc", "ncrisc", "trisc0", "trisc1", "trisc2"}) {
        const KernelBuildSpec s = spec("k", kStore, p);
        EXPECT_NE(tensim::jit::kernel_pch_dir(s), "") << p;
    }
    KernelBuildSpec eth = spec("k", kStore, "erisc");
    eth.opt_level = "-Os";
    EXPECT_NE(tensim::jit::kernel_pch_dir(eth), "");
    KernelBuildSpec o1 = spec("k", kStore);
    o1.opt_level = "-O1";  // no precompiled header for this level: parsed
    EXPECT_EQ(tensim::jit::kernel_pch_dir(o1), "");
    setenv("TENSIM_KERNEL_PCH", "0", 1);
    EXPECT_EQ(tensim::jit::kernel_pch_dir(spec("k", kStore)), "");
}

// With and without the precompiled header: the same keys, the same bytes (built into the same
// cache directory in turn: the wrapper's path is part of the object).
TEST_F(KernelPch, SameObjectWithAndWithout) {
    KernelBuildSpec dm = spec("store", kStore);
    dm.compile_args = {0, 5};
    std::vector<KernelBuildSpec> specs{dm};
    for (const char* p : {"trisc0", "trisc1", "trisc2"})
        specs.push_back(spec("compute", kCompute, p));
    const fs::path cache = root / "cache";
    setenv("TENSIM_CACHE", cache.c_str(), 1);
    std::map<std::string, std::string> built[2];
    for (int without = 0; without < 2; ++without) {
        fs::remove_all(cache);
        setenv("TENSIM_KERNEL_PCH", without ? "0" : "", 1);
        for (const auto& s : specs) {
            ASSERT_EQ(tensim::jit::kernel_pch_dir(s).empty(), bool(without)) << s.processor;
            ASSERT_TRUE(tensim::jit::build(s));
        }
        for (const std::string& n : objects(cache))
            built[without][n] = tensim::jit::read_file(cache / "kernels" / n);
        EXPECT_EQ(built[without].size(), specs.size());
    }
    EXPECT_TRUE(built[0] == built[1]);
}

// A kernel runs the same built either way (the simulator's view: values and cycles).
TEST_F(KernelPch, KernelRunsTheSameWithAndWithout) {
    using namespace tt::tt_metal;
    const fs::path kernel = root / "store.cpp";
    std::ofstream(kernel) << kStore;
    std::vector<uint64_t> cycles;
    for (const char* use : {"", "0"}) {
        setenv("TENSIM_CACHE", (root / (std::string("cache") + use)).c_str(), 1);
        setenv("TENSIM_KERNEL_PCH", use, 1);
        IDevice* d = CreateDevice(0);
        Program p = CreateProgram();
        CoreCoord core{1, 1};
        CreateCircularBuffer(p, core,
                             CircularBufferConfig(32, {{tt::CBIndex::c_0, tt::DataFormat::UInt32}})
                                 .set_page_size(tt::CBIndex::c_0, 32));
        CreateKernel(p, kernel.string(), core, DataMovementConfig{.compile_args = {0, 41}});
        EnqueueProgram(d->command_queue(), p, true);
        std::vector<uint32_t> got;
        detail::ReadFromDeviceL1(d, core, 97248, 4, got);
        EXPECT_EQ(got.at(0), 41u);
        cycles.push_back(tensim::last_program_stats(d).device_cycles);
        CloseDevice(d);
    }
    EXPECT_EQ(cycles[0], cycles[1]);
}

// A precompiled header made from a header that has changed since is not used.
TEST_F(KernelPch, OutOfDateIsNotUsed) {
    const fs::path api = root / "api";
    fs::create_directories(api / "hostdevcommon");
    for (const char* f : {"tensim_kernel_pch.h", "tensim_abi.h", "hostdevcommon/kernel_structs.h"})
        fs::copy_file(fs::path(TENSIM_KERNEL_API_DIR) / f, api / f);
    const std::string cxx = "c++", flags = "-std=c++20 -O2 -I" + tensim::jit::quote(api.string());
    tensim::jit::pch::build((root / "a").string(), cxx, flags, api.string(), "tensim_kernel_pch.h");
    const auto* found =
        tensim::jit::pch::find((root / "a").string(), cxx, flags, "tensim_kernel_pch.h");
    ASSERT_TRUE(found);
    bool has_abi = false;  // as GCC named it (through hostdevcommon/../)
    for (const auto& [path, digest] : found->files)
        has_abi |= fs::path(path).lexically_normal() == api / "tensim_abi.h";
    EXPECT_TRUE(has_abi);
    EXPECT_TRUE(fs::exists(fs::path(found->include_dir) / "tensim_kernel_pch.h.gch"));
    // Other flags: another variant, not built.
    EXPECT_FALSE(
        tensim::jit::pch::find((root / "a").string(), cxx, flags + " -DX", "tensim_kernel_pch.h"));

    tensim::jit::pch::build((root / "b").string(), cxx, flags, api.string(), "tensim_kernel_pch.h");
    std::ofstream(api / "tensim_abi.h", std::ios::app) << "// edited\n";
    EXPECT_FALSE(tensim::jit::pch::find((root / "b").string(), cxx, flags, "tensim_kernel_pch.h"));
}

// A damaged precompiled header (garbage, or cut short) with a valid stamp: the kernel builds and
// is the same object.
TEST_F(KernelPch, DamagedIsSkipped) {
    KernelBuildSpec s = spec("store", kStore);
    s.compile_args = {0, 9};
    const fs::path good = tensim::jit::kernel_pch_dir(s);
    ASSERT_FALSE(good.empty());
    const fs::path cache = root / "cache";
    setenv("TENSIM_CACHE", cache.c_str(), 1);
    ASSERT_TRUE(tensim::jit::build(s));
    const std::vector<std::string> reference = objects(cache);
    const std::string gch = tensim::jit::read_file(good / "tensim_kernel_pch.h.gch");
    int n = 0;
    for (const std::string& bad : {std::string(4096, 'x'), gch.substr(0, gch.size() / 2)}) {
        const fs::path copy = root / ("pch" + std::to_string(n)) / good.filename();
        fs::create_directories(copy);
        fs::copy_file(good / "stamp", copy / "stamp");
        std::ofstream(copy / "tensim_kernel_pch.h.gch", std::ios::binary) << bad;
        setenv("TENSIM_KERNEL_PCH", copy.parent_path().c_str(), 1);
        ASSERT_EQ(tensim::jit::kernel_pch_dir(s), copy.string());
        ++n;
        fs::remove_all(cache);
        ASSERT_TRUE(tensim::jit::build(s));
        EXPECT_EQ(objects(cache), reference);
    }
}

}  // namespace
