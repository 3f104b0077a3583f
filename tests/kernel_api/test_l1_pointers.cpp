// L1 addresses as pointers (sim/tensix/l1_view.hpp): a kernel that dereferences a plain L1 address
// it got from the host reaches its own core's L1, on every core at once, across thread switches;
// a dereference outside L1 is a KernelError and the device runs the next program.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

// Each core writes its tag into words of an L1 buffer through a plain pointer, yielding (a NoC
// barrier on a read of its own L1) between writes so the cores' threads interleave; it then adds
// the words it reads back, and the sum goes to word 0 of the buffer's second half.
constexpr const char* kTagger = R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0), tag = get_arg_val<uint32_t>(1);
    volatile uint32_t* p = (volatile uint32_t*)addr;
    for (uint32_t i = 0; i < 16; ++i) {
        p[i] = tag + i;
        noc_async_read(get_noc_addr(my_x[noc_index], my_y[noc_index], addr), addr + 512, 64);
        noc_async_read_barrier();
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 16; ++i) sum += p[i];
    p[64] = sum;
})";

TEST(L1Pointers, EachCoreSeesItsOwnL1AtPlainAddresses) {
    IDevice* device = CreateDevice(0);
    const std::vector<CoreCoord> cores = {{0, 0}, {1, 0}, {0, 1}, {3, 2}};
    // One 4 KiB page per core: an L1 buffer's address is the same offset in every core's L1.
    Program p = CreateProgram();
    const uint32_t addr = 400 * 1024;
    std::vector<uint32_t> tags;
    for (size_t c = 0; c < cores.size(); ++c) {
        KernelHandle k = CreateKernelFromString(p, kTagger, cores[c], DataMovementConfig{});
        tags.push_back(uint32_t(1000 * (c + 1)));
        SetRuntimeArgs(p, k, cores[c], {addr, tags.back()});
    }
    EnqueueProgram(device->command_queue(), p, true);
    for (size_t c = 0; c < cores.size(); ++c) {
        std::vector<uint32_t> words;
        detail::ReadFromDeviceL1(device, cores[c], addr, 65 * 4, words);
        uint32_t sum = 0;
        for (uint32_t i = 0; i < 16; ++i) {
            EXPECT_EQ(words[i], tags[c] + i) << "core " << c << " word " << i;
            sum += tags[c] + i;
        }
        EXPECT_EQ(words[64], sum) << "core " << c << " read another core's bytes";
    }
    CloseDevice(device);
}

// The host writes two words into a core's L1; the kernel reads them through the address and
// writes their sum through a second address, as tt-metal's add_2_integers_in_riscv does.
TEST(L1Pointers, HostWrittenL1ReadThroughPointer) {
    IDevice* device = CreateDevice(0);
    const CoreCoord core{2, 1};
    const uint32_t in = 300 * 1024, out = 300 * 1024 + 64;
    std::vector<uint32_t> v = {14, 7};
    detail::WriteToDeviceL1(device, core, in, v);
    Program p = CreateProgram();
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t* a = (uint32_t*)get_arg_val<uint32_t>(0);
    uint32_t* o = (uint32_t*)get_arg_val<uint32_t>(1);
    *o = a[0] + a[1];
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {in, out});
    EnqueueProgram(device->command_queue(), p, true);
    std::vector<uint32_t> r;
    detail::ReadFromDeviceL1(device, core, out, 4, r);
    EXPECT_EQ(r[0], v[0] + v[1]);
    CloseDevice(device);
}

std::string run_expecting_kernel_error(IDevice* device, const std::string& src) {
    Program p = CreateProgram();
    KernelHandle k = CreateKernelFromString(p, src, CoreCoord{0, 0}, DataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{0, 0}, {device->l1_size_per_core()});
    try {
        EnqueueProgram(device->command_queue(), p, true);
    } catch (const tensim::KernelError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no KernelError";
    return "";
}

// The two faulting kernels below are built without the sanitizers' checks (no effect in other
// builds): in a sanitizer build (tools/sanitize.sh) UBSan would report the null store itself and
// end the process before the CPU faults; this tests tensim's report of the CPU's fault.
TEST(L1Pointers, OutsideL1IsAKernelError) {
    IDevice* device = CreateDevice(0);
    const std::string past = run_expecting_kernel_error(device, R"(#include "dataflow_api.h"
__attribute__((no_sanitize("address", "undefined"))) void kernel_main() {
    *(volatile uint32_t*)(get_arg_val<uint32_t>(0) + 64) = 1; })");
    char want[32];
    std::snprintf(want, sizeof want, "0x%x", device->l1_size_per_core() + 64);
    EXPECT_NE(past.find(want), std::string::npos) << past;
    EXPECT_NE(past.find("outside this core's L1"), std::string::npos) << past;
    const std::string null = run_expecting_kernel_error(device, R"(#include "dataflow_api.h"
__attribute__((no_sanitize("address", "undefined"))) void kernel_main() {
    volatile uint32_t* p = nullptr; get_arg_val<uint32_t>(0); *p = 1; })");
    EXPECT_NE(null.find("0x0,"), std::string::npos) << null;
    // The device still runs a kernel that uses plain addresses correctly.
    Program p = CreateProgram();
    KernelHandle k = CreateKernelFromString(p, kTagger, CoreCoord{0, 0}, DataMovementConfig{});
    SetRuntimeArgs(p, k, CoreCoord{0, 0}, {400u * 1024, 5u});
    EnqueueProgram(device->command_queue(), p, true);
    std::vector<uint32_t> words;
    detail::ReadFromDeviceL1(device, CoreCoord{0, 0}, 400 * 1024, 4, words);
    EXPECT_EQ(words[0], 5u);
    CloseDevice(device);
}

// Known-zero L1 pages (sim/common/low_memory.hpp): pages the NoC found to be holes are kept
// read-only, and a kernel's plain store into one - through a CB's address (the core's window) or
// through a plain L1 address (the L1 view, a second mapping) - is seen by later NoC reads and
// by the host.
TEST(L1Pointers, StoresIntoPagesFoundToBeHolesAreSeen) {
    IDevice* device = CreateDevice(0);
    const CoreCoord core{1, 2};
    const uint32_t plain = 600 * 1024, result = 700 * 1024;
    Program p1 = CreateProgram();
    CreateCircularBuffer(p1, core,
                         CircularBufferConfig(16384, {{CBIndex::c_0, tt::DataFormat::UInt8}})
                             .set_page_size(CBIndex::c_0, 16384));
    KernelHandle k1 = CreateKernelFromString(p1, R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t plain = get_arg_val<uint32_t>(0), result = get_arg_val<uint32_t>(1);
    const uint32_t w = get_write_ptr(0), x = my_x[noc_index], y = my_y[noc_index];
    // Zeros from untouched pages into untouched pages: both become known zero.
    noc_async_read(get_noc_addr(x, y, w + 8192), w, 8192);
    noc_async_read(get_noc_addr(x, y, plain + 8192), plain, 8192);
    noc_async_read_barrier();
    *(volatile uint32_t*)(w + 4100) = 0x5eed;  // through the window
    noc_async_read(get_noc_addr(x, y, w), w + 8192, 8192);
    noc_async_read_barrier();
    noc_async_write(w + 8192, get_noc_addr(x, y, result), 8192);
    noc_async_write_barrier();
})",
                                             core, DataMovementConfig{});
    SetRuntimeArgs(p1, k1, core, {plain, result});
    EnqueueProgram(device->command_queue(), p1, true);
    std::vector<uint32_t> words;
    detail::ReadFromDeviceL1(device, core, result, 8192, words);
    for (size_t i = 0; i < words.size(); ++i)
        ASSERT_EQ(words[i], i == 4100 / 4 ? 0x5eedu : 0u) << "word " << i;

    // The plain pages the first program read are known zero; the view maps them a second time.
    Program p2 = CreateProgram();
    KernelHandle k2 = CreateKernelFromString(p2, R"(#include "dataflow_api.h"
void kernel_main() {
    const uint32_t plain = get_arg_val<uint32_t>(0), x = my_x[noc_index], y = my_y[noc_index];
    *(volatile uint32_t*)(plain + 4100) = 77;  // through the L1 view
    noc_async_read(get_noc_addr(x, y, plain), plain + 8192, 8192);
    noc_async_read_barrier();
})",
                                             core, DataMovementConfig{});
    SetRuntimeArgs(p2, k2, core, {plain});
    EnqueueProgram(device->command_queue(), p2, true);
    detail::ReadFromDeviceL1(device, core, plain + 8192, 8192, words);
    for (size_t i = 0; i < words.size(); ++i)
        ASSERT_EQ(words[i], i == 4100 / 4 ? 77u : 0u) << "word " << i;
    CloseDevice(device);
}

}  // namespace
