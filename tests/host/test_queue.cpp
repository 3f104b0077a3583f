// The command queue's launch rule: a non-blocking EnqueueProgram queues the program; it launches at
// the next call that must wait, together with programs queued on other devices. Runs on n300 (two
// chips).
#include <gtest/gtest.h>

#include <cstdint>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;

namespace {

constexpr uint32_t kL1Addr = 400 * 1024;  // a word the kernel writes, below the L1 buffers

// Reads a few DRAM pages (so that it takes time), then stores its runtime arg 0 at kL1Addr.
Program store_arg_program(IDevice* device, std::shared_ptr<Buffer>& dram, uint32_t value,
                          KernelHandle* kernel = nullptr) {
    Program p = CreateProgram();
    CoreCoord core{1, 1};
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t value = get_arg_val<uint32_t>(0), src = get_arg_val<uint32_t>(1);
    const InterleavedAddrGen<true> s = {.bank_base_address = src, .page_size = 2048};
    for (uint32_t i = 0; i < 8; ++i) {
        noc_async_read(get_noc_addr(i, s), 300 * 1024, 2048);
        noc_async_read_barrier();
    }
    noc_inline_dw_write(get_noc_addr(400 * 1024), value);
    noc_async_write_barrier();
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {value, dram->address()});
    if (kernel) *kernel = k;
    (void)device;
    return p;
}

uint32_t stored(IDevice* device) {
    std::vector<uint32_t> w;
    detail::ReadFromDeviceL1(device, CoreCoord{1, 1}, kL1Addr, 4, w);
    return w.at(0);
}

class TwoChips : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_system("n300");
        tensim::set_numerics("timing");
        for (int i = 0; i < 2; ++i) {
            dev[i] = CreateDevice(i);
            dram[i] =
                CreateBuffer(InterleavedBufferConfig{dev[i], 8 * 2048, 2048, BufferType::DRAM});
        }
    }
    void TearDown() override {
        for (int i = 0; i < 2; ++i) {
            dram[i].reset();
            CloseDevice(dev[i]);
        }
        tensim::set_system("n150");
        tensim::set_numerics("faithful");
    }
    IDevice* dev[2] = {};
    std::shared_ptr<Buffer> dram[2];
};

TEST_F(TwoChips, NonBlockingProgramsOnTwoDevicesLaunchTogether) {
    Program p0 = store_arg_program(dev[0], dram[0], 10);
    Program p1 = store_arg_program(dev[1], dram[1], 11);
    EnqueueProgram(dev[0]->command_queue(), p0, false);
    EnqueueProgram(dev[1]->command_queue(), p1, false);
    Finish(dev[0]->command_queue());
    const auto& s0 = tensim::last_program_stats(dev[0]);
    const auto& s1 = tensim::last_program_stats(dev[1]);
    EXPECT_EQ(s0.launch_cycle, s1.launch_cycle);
    EXPECT_GT(s0.device_cycles, 0u);
    EXPECT_EQ(stored(dev[0]), 10u);
    EXPECT_EQ(stored(dev[1]), 11u);

    // Blocking enqueues run one device after the other.
    EnqueueProgram(dev[0]->command_queue(), p0, true);
    EnqueueProgram(dev[1]->command_queue(), p1, true);
    EXPECT_GE(tensim::last_program_stats(dev[1]).launch_cycle,
              tensim::last_program_stats(dev[0]).launch_cycle +
                  tensim::last_program_stats(dev[0]).device_cycles);
}

TEST_F(TwoChips, TwoProgramsOnOneDeviceRunInOrder) {
    Program a = store_arg_program(dev[0], dram[0], 1);
    Program b = store_arg_program(dev[0], dram[0], 2);
    EnqueueProgram(dev[0]->command_queue(), a, false);
    EnqueueProgram(dev[0]->command_queue(), b, false);
    Finish(dev[0]->command_queue());
    EXPECT_EQ(stored(dev[0]), 2u);  // b ran last
}

TEST_F(TwoChips, AQueuedProgramKeepsTheArgsItWasEnqueuedWith) {
    KernelHandle k = 0;
    Program p = store_arg_program(dev[0], dram[0], 5, &k);
    EnqueueProgram(dev[0]->command_queue(), p, false);
    SetRuntimeArgs(p, k, CoreCoord{1, 1}, {6, dram[0]->address()});
    EXPECT_EQ(stored(dev[0]), 5u);  // the read waited for the queued program
    EnqueueProgram(dev[0]->command_queue(), p, true);
    EXPECT_EQ(stored(dev[0]), 6u);
}

}  // namespace
