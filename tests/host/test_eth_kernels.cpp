// Ethernet kernels from the host on an n300: CreateKernel with EthernetConfig on logical Ethernet
// cores, the Ethernet-core queries of IDevice, a send from chip 0 to chip 1 checked byte for byte,
// and the errors (inactive core, dispatch link, a hang across chips), each followed by a run that
// works.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;

namespace {

constexpr uint32_t kBytes = 2048;
constexpr uint32_t kL1 = 0x19000;  // in the ERISC user region

// Reads one DRAM page into ERISC L1 over the NoC, sends it over the link, waits for the receiver.
const char* kSender = R"(
void kernel_main() {
    uint32_t src = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1);
    uint32_t l1 = get_arg_val<uint32_t>(2);
    const InterleavedAddrGen<true> s = {.bank_base_address = src, .page_size = bytes};
    noc_async_read(get_noc_addr(0, s), l1, bytes);
    noc_async_read_barrier();
    eth_send_bytes(l1, l1, bytes, bytes, bytes >> 4);
    eth_wait_for_receiver_done();
})";

// Waits for the bytes, writes them to a DRAM page over the NoC, releases the sender.
const char* kReceiver = R"(
void kernel_main() {
    uint32_t dst = get_arg_val<uint32_t>(0), bytes = get_arg_val<uint32_t>(1);
    uint32_t l1 = get_arg_val<uint32_t>(2);
    eth_wait_for_bytes(bytes);
    const InterleavedAddrGen<true> d = {.bank_base_address = dst, .page_size = bytes};
    noc_async_write(l1, get_noc_addr(0, d), bytes);
    noc_async_write_barrier();
    eth_receiver_done();
})";

class EthKernels : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_system("n300");
        for (int i = 0; i < 2; ++i) {
            dev[i] = CreateDevice(i);
            dram[i] =
                CreateBuffer(InterleavedBufferConfig{dev[i], kBytes, kBytes, BufferType::DRAM});
        }
    }
    void TearDown() override {
        for (int i = 0; i < 2; ++i) {
            dram[i].reset();
            CloseDevice(dev[i]);
        }
        tensim::set_system("n150");
    }
    Program one(int chip, const char* src, CoreCoord core, uint32_t dram_addr) {
        Program p = CreateProgram();
        KernelHandle k = CreateKernelFromString(p, src, core, EthernetConfig{});
        SetRuntimeArgs(p, k, core, {dram_addr, kBytes, kL1});
        (void)chip;
        return p;
    }
    // Sends a fresh pattern chip0 (0,9) -> chip1 (0,1) and checks it arrived.
    void send_and_check(uint32_t seed) {
        std::vector<uint32_t> in(kBytes / 4), out;
        for (size_t i = 0; i < in.size(); ++i) in[i] = seed * 2654435761u + uint32_t(i);
        EnqueueWriteBuffer(dev[0]->command_queue(), dram[0], in, true);
        const auto [peer_chip, peer_core] = dev[0]->get_connected_ethernet_core(CoreCoord(0, 9));
        ASSERT_EQ(peer_chip, 1);
        Program tx = one(0, kSender, CoreCoord(0, 9), dram[0]->address());
        Program rx = one(1, kReceiver, peer_core, dram[1]->address());
        EnqueueProgram(dev[0]->command_queue(), tx, false);
        EnqueueProgram(dev[1]->command_queue(), rx, false);
        Finish(dev[0]->command_queue());
        Finish(dev[1]->command_queue());
        EnqueueReadBuffer(dev[1]->command_queue(), dram[1], out, true);
        EXPECT_EQ(out, in);
    }
    IDevice* dev[2] = {};
    std::shared_ptr<Buffer> dram[2];
};

TEST_F(EthKernels, EthernetCoresOfAnN300) {
    EXPECT_EQ(dev[0]->get_active_ethernet_cores().size(), 2u);
    const auto user = dev[0]->get_active_ethernet_cores(true);
    ASSERT_EQ(user.size(), 1u);  // E8 carries dispatch
    EXPECT_TRUE(user.count(CoreCoord(0, 9)));
    EXPECT_EQ(dev[0]->get_inactive_ethernet_cores().size(), 14u);
    EXPECT_TRUE(dev[0]->is_active_ethernet_core(CoreCoord(0, 8)));
    EXPECT_FALSE(dev[0]->is_active_ethernet_core(CoreCoord(0, 8), true));
    EXPECT_EQ(dev[0]->ethernet_core_from_logical_core(CoreCoord(0, 9)), CoreCoord(1, 6));
    const auto [chip, core] = dev[1]->get_connected_ethernet_core(CoreCoord(0, 1));
    EXPECT_EQ(chip, 0);
    EXPECT_EQ(core, CoreCoord(0, 9));
}

TEST_F(EthKernels, SendBytesFromChip0ToChip1) {
    send_and_check(1);
    send_and_check(2);  // a second run on the same link
}

TEST_F(EthKernels, KernelOnAnInactiveCoreIsAHostErrorAndTheNextRunWorks) {
    Program p = one(0, kSender, CoreCoord(0, 3), dram[0]->address());
    try {
        EnqueueProgram(dev[0]->command_queue(), p, true);
        FAIL() << "expected a HostError";
    } catch (const tensim::HostError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("chip0"), std::string::npos) << m;
        EXPECT_NE(m.find("(0,3)"), std::string::npos) << m;
        EXPECT_NE(m.find("inactive"), std::string::npos) << m;
        EXPECT_NE(m.find("Ethernet kernel /"), std::string::npos) << m;  // names the kernel
    }
    Program d = one(0, kSender, CoreCoord(0, 8), dram[0]->address());
    try {
        EnqueueProgram(dev[0]->command_queue(), d, true);
        FAIL() << "expected a HostError";
    } catch (const tensim::HostError& e) {
        EXPECT_NE(std::string(e.what()).find("reserved for dispatch"), std::string::npos)
            << e.what();
    }
    send_and_check(3);
}

TEST_F(EthKernels, AHangAcrossChipsIsReportedChipByChip) {
    tensim::set_numerics("timing");
    Program rx = one(1, kReceiver, CoreCoord(0, 1), dram[1]->address());
    try {
        EnqueueProgram(dev[1]->command_queue(), rx, true);  // no sender: waits forever
        FAIL() << "expected a DeadlockError";
    } catch (const tensim::DeadlockError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("chip1 eth core (0,1)"), std::string::npos) << m;
        EXPECT_NE(m.find("ERISC"), std::string::npos) << m;
        EXPECT_NE(m.find("Ethernet wait"), std::string::npos) << m;
    }
    send_and_check(4);
}

}  // namespace
