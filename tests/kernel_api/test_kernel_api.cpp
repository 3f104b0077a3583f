// Kernel-API behaviour through real compiled kernels: host and kernel agree on interleaved page
// placement for odd page sizes, NoC1 multicast, CB placement, named args, runtime-arg checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

class KernelApi : public ::testing::Test {
protected:
    void SetUp() override { device = CreateDevice(0); }
    void TearDown() override { CloseDevice(device); }
    void run(Program& p) { EnqueueProgram(device->command_queue(), p, true); }
    IDevice* device = nullptr;
};

// Copies `pages` pages of `page` bytes from src to dst through a one-page CB, with the generator
// chosen by the defines: the host wrote src with its own placement and reads dst back the same way.
void copy_pages(IDevice* device, BufferType src_type, BufferType dst_type, uint32_t page,
                uint32_t pages, const std::string& generator) {
    auto src =
        CreateBuffer(InterleavedBufferConfig{device, uint64_t(page) * pages, page, src_type});
    auto dst =
        CreateBuffer(InterleavedBufferConfig{device, uint64_t(page) * pages, page, dst_type});
    std::vector<uint8_t> in(page * pages);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 31 + i / 97);
    EnqueueWriteBuffer(device->command_queue(), src, in, true);

    Program p = CreateProgram();
    CoreCoord core{3, 4};
    uint32_t cb_bytes = (page + 31) / 32 * 32;
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(cb_bytes, {{CBIndex::c_0, tt::DataFormat::UInt8}})
                             .set_page_size(CBIndex::c_0, cb_bytes));
    std::vector<uint32_t> cta;
    TensorAccessorArgs(*src).append_to(cta);
    TensorAccessorArgs(*dst).append_to(cta);
    KernelHandle k = CreateKernelFromString(
        p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t src = get_arg_val<uint32_t>(0), dst = get_arg_val<uint32_t>(1);
    uint32_t page = get_arg_val<uint32_t>(2), pages = get_arg_val<uint32_t>(3);
#ifdef USE_ACCESSOR
    constexpr auto sa = TensorAccessorArgs<0>();
    constexpr auto da = TensorAccessorArgs<sa.next_compile_time_args_offset()>();
    const auto s = TensorAccessor(sa, src, page);
    const auto d = TensorAccessor(da, dst, page);
#else
    const InterleavedAddrGen<SRC_DRAM> s = {.bank_base_address = src, .page_size = page};
    const InterleavedAddrGen<DST_DRAM> d = {.bank_base_address = dst, .page_size = page};
#endif
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < pages; ++i) {
        noc_async_read(get_noc_addr(i, s), l1, page);
        noc_async_read_barrier();
        noc_async_write(l1, get_noc_addr(i, d), page);
        noc_async_write_barrier();
    }
})",
        core,
        DataMovementConfig{
            .compile_args = cta,
            .defines = {{"SRC_DRAM", src_type == BufferType::DRAM ? "true" : "false"},
                        {"DST_DRAM", dst_type == BufferType::DRAM ? "true" : "false"},
                        {generator, "1"}}});
    SetRuntimeArgs(p, k, core, {src->address(), dst->address(), page, pages});
    EnqueueProgram(device->command_queue(), p, true);
    std::vector<uint8_t> out;
    EnqueueReadBuffer(device->command_queue(), dst, out, true);
    ASSERT_EQ(out.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i)
        ASSERT_EQ(out[i], in[i]) << "byte " << i << " (page " << i / page << ") with " << generator;
}

TEST_F(KernelApi, InterleavedPlacementAgreesForOddPageSizes) {
    // 100 B pages: DRAM pages sit at a 128 B stride, L1 pages at 112 B; 30 pages wrap the 12 DRAM
    // banks twice and fill half the 64 L1 banks.
    copy_pages(device, BufferType::DRAM, BufferType::L1, 100, 30, "USE_ADDRGEN");
    copy_pages(device, BufferType::L1, BufferType::DRAM, 100, 30, "USE_ACCESSOR");
    copy_pages(device, BufferType::DRAM, BufferType::DRAM, 2080, 25, "USE_ACCESSOR");
}

TEST_F(KernelApi, Noc1MulticastWithSwappedCorners) {
    // A NoC1 kernel passes the rectangle's corners end first, as TT-Metal's NoC1 kernels do.
    Program p = CreateProgram();
    CoreRange all({0, 0}, {2, 2});
    CreateCircularBuffer(p, all,
                         CircularBufferConfig(1024, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, 1024));
    CoreCoord start = device->worker_core_from_logical_core({1, 1}),
              end = device->worker_core_from_logical_core({2, 2});
    KernelHandle k = CreateKernelFromString(
        p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t l1 = get_write_ptr(0);
    uint32_t* p = (uint32_t*)l1;
    for (uint32_t i = 0; i < 256; ++i) p[i] = 0xC0DE0000u + i;
    uint64_t mcast = get_noc_multicast_addr(get_arg_val<uint32_t>(2), get_arg_val<uint32_t>(3),
                                            get_arg_val<uint32_t>(0), get_arg_val<uint32_t>(1), l1);
    noc_async_write_multicast(l1, mcast, 1024, 4);
    noc_async_write_barrier();
})",
        CoreCoord{0, 0},
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1, .noc = NOC::NOC_1});
    SetRuntimeArgs(p, k, CoreCoord{0, 0},
                   {uint32_t(start.x), uint32_t(start.y), uint32_t(end.x), uint32_t(end.y)});
    run(p);
    // Where did c_0 land? At the unreserved base on every core of this program.
    uint32_t cb_addr = 97248;
    for (const CoreCoord& c : CoreRange({0, 0}, {2, 2})) {
        std::vector<uint32_t> got;
        detail::ReadFromDeviceL1(device, c, cb_addr, 1024, got);
        bool inside = c.x >= 1 && c.y >= 1;
        EXPECT_EQ(got[7] == 0xC0DE0007u, inside || (c.x == 0 && c.y == 0)) << c.str();
    }
}

TEST_F(KernelApi, CircularBuffersAreAlignedAndDramReadsIntoThemWork) {
    auto src = CreateBuffer(InterleavedBufferConfig{device, 2048, 2048, BufferType::DRAM});
    std::vector<uint32_t> in(512);
    std::iota(in.begin(), in.end(), 1000);
    EnqueueWriteBuffer(device->command_queue(), src, in, true);
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(48, {{CBIndex::c_1, tt::DataFormat::UInt8}})
                             .set_page_size(CBIndex::c_1, 48));
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(2048, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, 2048));
    auto out = CreateBuffer(InterleavedBufferConfig{device, 2048, 2048, BufferType::DRAM});
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t l1 = get_write_ptr(0);
    noc_async_read(get_noc_addr_from_bank_id<true>(0, get_arg_val<uint32_t>(0)), l1, 2048);
    noc_async_read_barrier();
    noc_async_write(l1, get_noc_addr_from_bank_id<true>(0, get_arg_val<uint32_t>(1)), 2048);
    noc_async_write_barrier();
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {src->address(), out->address()});
    run(p);
    std::vector<uint32_t> got;
    EnqueueReadBuffer(device->command_queue(), out, got, true);
    EXPECT_EQ(got, in);
}

TEST_F(KernelApi, NamedCompileTimeArgs) {
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(32, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, 32));
    CreateKernelFromString(
        p, R"(#include "dataflow_api.h"
void kernel_main() {
    constexpr uint32_t a = get_named_compile_time_arg_val("alpha");
    static_assert(a == 7, "named args are compile-time constants");
    *(volatile uint32_t*)get_write_ptr(0) = a * 100 + get_compile_time_arg_val(1);
})",
        core, DataMovementConfig{.compile_args = {5, 9}, .named_compile_args = {{"alpha", 7}}});
    run(p);
    std::vector<uint32_t> got;
    detail::ReadFromDeviceL1(device, core, 97248, 4, got);  // c_0 sits at the unreserved base
    EXPECT_EQ(got[0], 709u);
}

TEST_F(KernelApi, AnUnsetRuntimeArgReadsItsSlotWithAWarning) {
    // Args {out, 2, 77}, then {out, 2}: the unset slot reads 0, not the earlier program's 77.
    const char* src =
        "#include \"dataflow_api.h\"\nvoid kernel_main() {\n"
        "  uint32_t v = get_arg_val<uint32_t>(2);\n"
        "  *reinterpret_cast<volatile uint32_t*>(get_arg_val<uint32_t>(0)) = v;\n}\n";
    CoreCoord core{0, 0};
    const uint32_t out = 200 * 1024;
    auto read_back = [&] {
        std::vector<uint32_t> got;
        detail::ReadFromDeviceL1(device, core, out, 4, got);
        return got.at(0);
    };
    Program first = CreateProgram();
    KernelHandle k1 = CreateKernelFromString(first, src, core, DataMovementConfig{});
    SetRuntimeArgs(first, k1, core, {out, 2, 77});
    run(first);
    EXPECT_EQ(read_back(), 77u);
    Program second = CreateProgram();
    KernelHandle k2 = CreateKernelFromString(second, src, core, DataMovementConfig{});
    SetRuntimeArgs(second, k2, core, {out, 2});
    testing::internal::CaptureStderr();
    run(second);
    const std::string warning = testing::internal::GetCapturedStderr();
    EXPECT_EQ(read_back(), 0u) << warning;
    EXPECT_NE(warning.find("runtime arg 2 read, but the host set 2"), std::string::npos) << warning;
    EXPECT_NE(warning.find("line 3"), std::string::npos) << warning;
}

TEST_F(KernelApi, TheZeroRegionReadsZerosInEveryProgram) {
    // A kernel may scribble over MEM_ZEROS_BASE (silicon does not stop it); the next program's
    // NoC reads of it still give zeros, as tt-metal's generate_reduce_scaler expects.
    CoreCoord core{0, 0};
    const uint32_t out = 200 * 1024;
    Program scribble = CreateProgram();
    CreateKernelFromString(scribble, R"(#include "dataflow_api.h"
void kernel_main() {
    auto* z = reinterpret_cast<volatile uint32_t*>(MEM_ZEROS_BASE);
    for (uint32_t i = 0; i < MEM_ZEROS_SIZE / 4; ++i) z[i] = 0xdeadbeef;
}
)",
                           core, DataMovementConfig{});
    run(scribble);
    std::vector<uint32_t> sevens(256, 7);
    detail::WriteToDeviceL1(device, core, out, sevens);
    Program fill = CreateProgram();
    KernelHandle k = CreateKernelFromString(fill, R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t out = get_arg_val<uint32_t>(0);
    for (uint32_t off = 0; off < 1024; off += MEM_ZEROS_SIZE)
        noc_async_read(get_noc_addr(MEM_ZEROS_BASE), out + off, MEM_ZEROS_SIZE);
    noc_async_read_barrier();
}
)",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(fill, k, core, {out});
    run(fill);
    std::vector<uint32_t> got;
    detail::ReadFromDeviceL1(device, core, out, 1024, got);
    EXPECT_EQ(std::count(got.begin(), got.end(), 0u), 256);
}

TEST_F(KernelApi, ARuntimeArgPastTheBlockIsAnError) {
    Program p = CreateProgram();
    CoreCoord core{0, 0};
    KernelHandle k = CreateKernelFromString(p,
                                            "#include \"dataflow_api.h\"\nvoid kernel_main() {\n  "
                                            "(void)get_arg_val<uint32_t>(400);\n}\n",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {1, 2});
    try {
        run(p);
        FAIL() << "no error";
    } catch (const tensim::KernelError& e) {
        EXPECT_NE(std::string(e.what()).find("runtime arg 400 read, past the"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
}

TEST(BufferMisuse, UseAfterCloseAndBadFixedAddress) {
    IDevice* d = CreateDevice(0);
    auto buf = CreateBuffer(InterleavedBufferConfig{d, 2048, 2048, BufferType::DRAM});
    EXPECT_THROW(CreateBuffer(InterleavedBufferConfig{d, 2048, 2048, BufferType::L1}, 0x10000),
                 tensim::HostError);
    CloseDevice(d);
    IDevice* d2 = CreateDevice(0);
    std::vector<uint32_t> data(512, 1);
    try {
        EnqueueWriteBuffer(d2->command_queue(), buf, data, true);
        FAIL() << "wrote through a buffer of a closed device";
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("closed"), std::string::npos) << e.what();
    }
    CloseDevice(d2);
}

}  // namespace
