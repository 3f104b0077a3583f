// Ethernet ping on an n300: the ERISC of chip 0's user link sends one packet into the L1 of the
// ERISC at the other end (chip 1) and waits for the receiver's "done" to come back. The sender's
// kernel time is the round trip: send, wire, receiver, handshake back. Checks the bytes that
// arrived and prints the latency. Argument: packet bytes (default 1024, a multiple of 16).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;

int main(int argc, char** argv) {
    const uint32_t bytes = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 1024;
    constexpr uint32_t kAddr = 128 * 1024;  // inside the ERISC's user L1 region
    if (bytes == 0 || bytes % 16 || bytes > 64 * 1024) {
        std::printf("FAIL: packet size must be a multiple of 16 B up to 64 KiB\n");
        return 2;
    }
    tensim::set_system("n300");
    IDevice* dev[2] = {CreateDevice(0), CreateDevice(1)};

    // The first Ethernet core of chip 0 that user kernels may use, and the one it is wired to.
    const auto active = dev[0]->get_active_ethernet_cores(true);
    const CoreCoord sender = *std::min_element(active.begin(), active.end());
    const auto [peer_chip, receiver] = dev[0]->get_connected_ethernet_core(sender);

    std::vector<uint32_t> payload(bytes / 4);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = uint32_t(i * 2654435761u + 7);
    detail::WriteToDeviceL1(dev[0], sender, kAddr, payload, CoreType::ETH);

    Program send = CreateProgram(), receive = CreateProgram();
    KernelHandle ks =
        CreateKernel(send, "examples/eth_ping/kernels/ping_sender.cpp", sender, EthernetConfig{});
    KernelHandle kr = CreateKernel(receive, "examples/eth_ping/kernels/ping_receiver.cpp", receiver,
                                   EthernetConfig{});
    SetRuntimeArgs(send, ks, sender, {kAddr, bytes});
    SetRuntimeArgs(receive, kr, receiver, {kAddr, bytes});
    // Queued on both chips, then launched together.
    EnqueueProgram(dev[0]->command_queue(), send, false);
    EnqueueProgram(dev[peer_chip]->command_queue(), receive, false);
    Finish(dev[0]->command_queue());

    std::vector<uint32_t> got;
    detail::ReadFromDeviceL1(dev[peer_chip], receiver, kAddr, bytes, got, CoreType::ETH);
    const auto& k = tensim::last_program_stats(dev[0]).kernels.at(0);
    const uint64_t round_trip = k.end_cycle - k.start_cycle;
    CloseDevice(dev[0]);
    CloseDevice(dev[1]);
    if (got != payload) {
        std::printf("FAIL: the packet arrived changed\n");
        return 1;
    }
    std::printf(
        "PASS: eth_ping %u B chip 0 E%zu -> chip %d E%zu: round trip %llu cycles (%.3f us)\n",
        bytes, sender.y, int(peer_chip), receiver.y, static_cast<unsigned long long>(round_trip),
        round_trip / 1000.0);
    return 0;
}
