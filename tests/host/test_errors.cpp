// One test per error class (ARCHITECTURE.md section 9): each asserts the message names what went
// wrong and where, and that the device runs the next program afterwards.
#include <gtest/gtest.h>

#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

class DeviceTest : public ::testing::Test {
protected:
    void SetUp() override { device = CreateDevice(0); }
    void TearDown() override { CloseDevice(device); }

    // A one-core program running `src` as a BRISC kernel, with a 2-page CB c_0 of 2 KiB pages.
    Program program_with(const std::string& src, std::vector<uint32_t> args = {}) {
        Program p = CreateProgram();
        CreateCircularBuffer(p, core,
                             CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                                 .set_page_size(CBIndex::c_0, 2048));
        KernelHandle k = CreateKernelFromString(p, src, core, DataMovementConfig{});
        SetRuntimeArgs(p, k, core, args);
        return p;
    }

    // Runs a trivial program and checks it completes: the device survived the error before.
    void expect_device_still_works() {
        Program p = program_with(R"(
            #include "dataflow_api.h"
            void kernel_main() { cb_reserve_back(0, 1); cb_push_back(0, 1); cb_wait_front(0, 1); cb_pop_front(0, 1); }
        )");
        EXPECT_NO_THROW(EnqueueProgram(device->command_queue(), p, true));
        EXPECT_GT(tensim::last_program_stats(device).device_cycles, 0u);
    }

    template <typename E>
    std::string error_of(Program& p) {
        try {
            EnqueueProgram(device->command_queue(), p, true);
        } catch (const E& e) {
            return e.what();
        }
        ADD_FAILURE() << "no error of the expected type";
        return "";
    }

    IDevice* device = nullptr;
    CoreCoord core{0, 0};
};

TEST_F(DeviceTest, PushBeyondReservedPages) {
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, 2);
    cb_push_back(0, 2);
    cb_push_back(0, 1);
})");
    std::string msg = error_of<tensim::KernelError>(p);
    EXPECT_NE(msg.find("beyond reserved pages"), std::string::npos) << msg;
    EXPECT_NE(msg.find("core (0,0)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("BRISC"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 5"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, ErrorWithNocTrafficInFlightLeavesNothingBehind) {
    // The failing kernel leaves reads in flight; the next program's barriers must not see them.
    const char* src = R"(#include "dataflow_api.h"
void kernel_main() {
    for (int i = 0; i < 4; ++i) noc_async_read(get_noc_addr(3, 3, 0x20000), get_write_ptr(0), 2048);
    if (get_arg_val<uint32_t>(0)) cb_pop_front(0, 1);
    noc_async_read_barrier();
})";
    Program clean = program_with(src, {0});
    EnqueueProgram(device->command_queue(), clean, true);
    const uint64_t clean_cycles = tensim::last_program_stats(device).device_cycles;
    Program bad = program_with(src, {1});
    std::string msg = error_of<tensim::KernelError>(bad);
    EXPECT_NE(msg.find("beyond waited pages"), std::string::npos) << msg;
    Program good = program_with(src, {0});
    EXPECT_NO_THROW(EnqueueProgram(device->command_queue(), good, true));
    EXPECT_EQ(tensim::last_program_stats(device).device_cycles, clean_cycles);
}

TEST_F(DeviceTest, PopBeyondWaitedPages) {
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() { cb_pop_front(0, 1); })");
    std::string msg = error_of<tensim::KernelError>(p);
    EXPECT_NE(msg.find("beyond waited pages"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, NocAddressOutsideAnyMemory) {
    // Tile 0-3 is the PCIe tile: no memory tensim models.
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() { noc_async_read(get_noc_addr(0, 3, 0x1000), get_write_ptr(0), 64); noc_async_read_barrier(); })");
    std::string msg = error_of<tensim::KernelError>(p);
    EXPECT_NE(msg.find("tile 0-3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no memory"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, NocAddressBeyondRemoteL1) {
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() { noc_async_read(get_noc_addr(2, 2, 0x200000), get_write_ptr(0), 64); noc_async_read_barrier(); })");
    std::string msg = error_of<tensim::KernelError>(p);
    EXPECT_NE(msg.find("outside that core's L1"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, MulticastDestinationCountMismatch) {
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t a = get_write_ptr(0);
    noc_async_write_multicast(a, get_noc_multicast_addr(2, 1, 3, 2, a), 64, 3);
    noc_async_write_barrier();
})");
    std::string msg = error_of<tensim::KernelError>(p);
    EXPECT_NE(msg.find("reaches 4 cores"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, CircularBuffersOverflowL1) {
    Program p = CreateProgram();
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(2u << 20, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(CBIndex::c_0, 2048));
    CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core,
                           DataMovementConfig{});
    std::string msg = error_of<tensim::HostError>(p);
    EXPECT_NE(msg.find("L1 overflow"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, CircularBuffersOverlapL1Buffer) {
    // A large L1 buffer (allocated from the top) leaves little room for CBs (growing from the
    // bottom).
    auto big = CreateBuffer(
        InterleavedBufferConfig{device, 64ull * 1300 * 1024, 1300 * 1024, BufferType::L1});
    Program p = CreateProgram();
    CreateCircularBuffer(
        p, core,
        CircularBufferConfig(256 * 1024, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
            .set_page_size(CBIndex::c_0, 2048));
    CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core,
                           DataMovementConfig{});
    std::string msg = error_of<tensim::HostError>(p);
    EXPECT_NE(msg.find("overlap L1 buffers"), std::string::npos) << msg;
    big.reset();
    expect_device_still_works();
}

TEST_F(DeviceTest, BufferBeyondCapacity) {
    try {
        CreateBuffer(InterleavedBufferConfig{device, 64ull << 30, 2048, BufferType::DRAM});
        FAIL() << "a 64 GiB buffer fit in 12 GiB of DRAM";
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("out of chip0 DRAM memory"), std::string::npos)
            << e.what();
    }
    try {
        CreateBuffer(InterleavedBufferConfig{device, 64ull * 2 << 20, 2 << 20, BufferType::L1});
        FAIL() << "a 2 MiB-per-core L1 buffer fit";
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("out of chip0 L1 memory"), std::string::npos)
            << e.what();
    }
    expect_device_still_works();
}

// A host vector smaller than the buffer is refused; a larger one is written up to the buffer's size
// (as tt-metal, which writes size() bytes from data()) with a warning naming both sizes.
TEST_F(DeviceTest, HostWriteSizeMismatch) {
    auto buf = CreateBuffer(InterleavedBufferConfig{device, 4 * 2048, 2048, BufferType::DRAM});
    const uint32_t words = 4 * 2048 / 4;
    try {
        EnqueueWriteBuffer(device->command_queue(), buf, std::vector<uint32_t>(words / 2, 1), true);
        FAIL() << "a short host vector was accepted";
    } catch (const tensim::HostError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(std::to_string(words / 2 * 4) + " B"), std::string::npos) << m;
        EXPECT_NE(m.find(std::to_string(words * 4) + " B"), std::string::npos) << m;
    }
    std::vector<uint32_t> big(words * 2);
    for (uint32_t i = 0; i < big.size(); ++i) big[i] = i;
    testing::internal::CaptureStderr();
    EnqueueWriteBuffer(device->command_queue(), buf, big, true);
    const std::string warning = testing::internal::GetCapturedStderr();
    RecordProperty("warning", warning);  // in --gtest_output=xml, for docs/robustness.md
    EXPECT_NE(warning.find(std::to_string(big.size() * 4) + " B"), std::string::npos) << warning;
    EXPECT_NE(warning.find("buffer is " + std::to_string(words * 4) + " B"), std::string::npos)
        << warning;
    std::vector<uint32_t> back;
    EnqueueReadBuffer(device->command_queue(), buf, back, true);
    ASSERT_EQ(back.size(), words);
    for (uint32_t i = 0; i < words; ++i) ASSERT_EQ(back[i], i);
    expect_device_still_works();
}

TEST_F(DeviceTest, MissingKernelFile) {
    Program p = CreateProgram();
    try {
        CreateKernel(p, "kernels/does_not_exist.cpp", core, DataMovementConfig{});
        FAIL();
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("does_not_exist.cpp doesn't exist"), std::string::npos)
            << e.what();
    }
}

TEST_F(DeviceTest, CompileErrorNamesFileAndLine) {
    Program p = program_with(
        "#include \"dataflow_api.h\"\nvoid kernel_main() {\n    undeclared_thing();\n}\n");
    std::string msg = error_of<tensim::KernelCompileError>(p);
    EXPECT_NE(msg.find(".cpp:3:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("undeclared_thing"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, TwoKernelsOnOneRisc) {
    Program p = CreateProgram();
    CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n", core,
                           DataMovementConfig{});
    CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() { }\n",
                           CoreRange({0, 0}, {1, 1}), DataMovementConfig{});
    std::string msg = error_of<tensim::HostError>(p);
    EXPECT_NE(msg.find("two kernels on BRISC"), std::string::npos) << msg;
}

TEST_F(DeviceTest, CoresOutsideTheGrid) {
    Program p = CreateProgram();
    CreateKernelFromString(p, "#include \"dataflow_api.h\"\nvoid kernel_main() {}\n",
                           CoreCoord{8, 0}, DataMovementConfig{});
    std::string msg = error_of<tensim::HostError>(p);
    EXPECT_NE(msg.find("outside the 8x8 worker grid"), std::string::npos) << msg;
}

TEST_F(DeviceTest, DeadlockReportNamesEveryWaiter) {
    // Two cores each wait for a semaphore only the other would set after its own wait.
    Program p = CreateProgram();
    CoreRange cores({0, 0}, {1, 0});
    CreateCircularBuffer(p, cores,
                         CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                             .set_page_size(CBIndex::c_0, 2048));
    uint32_t sem = CreateSemaphore(p, cores, 0);
    KernelHandle w = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    volatile uint32_t* s = (volatile uint32_t*)get_semaphore(get_arg_val<uint32_t>(0));
    noc_semaphore_wait(s, 1);
})",
                                            cores, DataMovementConfig{});
    SetRuntimeArgs(p, w, cores, {sem});
    KernelHandle r = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    cb_wait_front(0, 1);
})",
                                            cores, ReaderDataMovementConfig{});
    (void)r;
    std::string msg = error_of<tensim::DeadlockError>(p);
    // Found when nothing can run, not by a time limit (a wall-clock bound fails on a loaded
    // machine).
    EXPECT_EQ(msg.find("time limit"), std::string::npos) << msg;
    EXPECT_NE(msg.find("deadlock"), std::string::npos) << msg;
    EXPECT_NE(msg.find("chip0 core (0,0)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("chip0 core (1,0)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("noc_semaphore_wait: semaphore at L1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("is 0, waiting for 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cb_wait_front(0, 1): CB 0 holds 0 of 2 pages"), std::string::npos) << msg;
    EXPECT_NE(msg.find(".cpp:4"), std::string::npos) << msg;  // the kernel line of the wait
    EXPECT_NE(msg.find("NCRISC"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST_F(DeviceTest, RunawayKernelHitsTheCycleLimit) {
    tensim::set_cycle_limit(200000);
    Program p = program_with(R"(#include "dataflow_api.h"
void kernel_main() { while (!cb_pages_available_at_front(0, 1)) {} })");
    std::string msg = error_of<tensim::DeadlockError>(p);
    tensim::set_cycle_limit(0);
    EXPECT_NE(msg.find("time limit of 200000 cycles"), std::string::npos) << msg;
    EXPECT_NE(msg.find("core (0,0) [noc0 1-1] BRISC"), std::string::npos) << msg;
    EXPECT_NE(msg.find("running, not blocked"), std::string::npos) << msg;
    expect_device_still_works();
}

TEST(DeviceLifetime, OpenRunCloseManyTimes) {
    for (int i = 0; i < 3; ++i) {
        IDevice* d = CreateDevice(0);
        Program p = CreateProgram();
        CoreCoord c{1, 1};
        CreateCircularBuffer(p, c,
                             CircularBufferConfig(2048, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                                 .set_page_size(CBIndex::c_0, 2048));
        CreateKernelFromString(p,
                               "#include \"dataflow_api.h\"\nvoid kernel_main() { "
                               "cb_reserve_back(0, 1); cb_push_back(0, 1); }\n",
                               c, DataMovementConfig{});
        EnqueueProgram(d->command_queue(), p, true);
        uint64_t cycles = tensim::last_program_stats(d).device_cycles;
        EXPECT_GT(cycles, 0u);
        EXPECT_TRUE(CloseDevice(d));
    }
}

TEST(DeviceLifetime, SameProgramSameCycles) {
    // Determinism: a second device opened later in the process times the same program identically.
    uint64_t first = 0;
    for (int i = 0; i < 2; ++i) {
        IDevice* d = CreateDevice(0);
        auto buf = CreateBuffer(InterleavedBufferConfig{d, 8 * 2048, 2048, BufferType::DRAM});
        Program p = CreateProgram();
        CoreCoord c{2, 3};
        CreateCircularBuffer(p, c,
                             CircularBufferConfig(4096, {{CBIndex::c_0, tt::DataFormat::Float16_b}})
                                 .set_page_size(CBIndex::c_0, 2048));
        KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    InterleavedAddrGenFast<true> s{get_arg_val<uint32_t>(0), 2048, DataFormat::Float16_b};
    for (uint32_t i = 0; i < 8; ++i) { noc_async_read_tile(i, s, get_write_ptr(0)); }
    noc_async_read_barrier();
})",
                                                c, DataMovementConfig{});
        SetRuntimeArgs(p, k, c, {buf->address()});
        EnqueueProgram(d->command_queue(), p, true);
        uint64_t cycles = tensim::last_program_stats(d).device_cycles;
        if (i == 0) first = cycles;
        EXPECT_EQ(cycles, first);
        buf.reset();
        CloseDevice(d);
    }
}

TEST(DeviceLifetime, DeviceIdOutOfRange) {
    EXPECT_THROW(CreateDevice(1), tensim::HostError);  // n150 has one chip
    IDevice* d = CreateDevice(0);
    EXPECT_THROW(CreateDevice(0), tensim::HostError);  // already open
    CloseDevice(d);
}

}  // namespace
