// Ethernet bandwidth on an n300: chip 0's user-link ERISC streams packets into buffer slots of the
// ERISC at the other end, a slot reused once the receiver has released it (TT-Metal's ERISC
// bandwidth microbenchmarks keep 16 slots in flight the same way). One direction; `tensim
// calibrate` runs both at once. Checks the last packet of each slot and prints GB/s.
// Arguments: packet bytes (default 4096), packets (1000), slots (8).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;

int main(int argc, char** argv) {
    const uint32_t bytes = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 4096;
    const uint32_t packets = argc > 2 ? uint32_t(std::strtoul(argv[2], nullptr, 10)) : 1000;
    const uint32_t slots = argc > 3 ? uint32_t(std::strtoul(argv[3], nullptr, 10)) : 8;
    constexpr uint32_t kBase = 100 * 1024, kTop = 262112;  // the ERISC user L1 region
    if (bytes == 0 || bytes % 16 || slots == 0 || slots > 8 || packets == 0 ||
        kBase + uint64_t(slots) * bytes > kTop) {
        std::printf(
            "FAIL: sizes must be multiples of 16 B, 1-8 slots (1-4 both ways), and fit the ERISC "
            "L1\n");
        return 2;
    }
    tensim::set_system("n300");
    IDevice* dev[2] = {CreateDevice(0), CreateDevice(1)};
    const auto active = dev[0]->get_active_ethernet_cores(true);
    const CoreCoord end0 = *std::min_element(active.begin(), active.end());
    const auto [chip1, end1] = dev[0]->get_connected_ethernet_core(end0);
    IDevice* devs[2] = {dev[0], dev[chip1]};
    const CoreCoord ends[2] = {end0, end1};

    // Slot s holds packet pattern s in the sender's L1; it lands at the same address in the peer's.
    auto pattern = [&](uint32_t slot) {
        std::vector<uint32_t> v(bytes / 4);
        for (size_t w = 0; w < v.size(); ++w) v[w] = uint32_t(slot * 7919 + w * 2654435761u);
        return v;
    };
    for (uint32_t s = 0; s < slots; ++s) {
        auto v = pattern(s);
        detail::WriteToDeviceL1(devs[0], ends[0], kBase + s * bytes, v, CoreType::ETH);
    }
    Program p[2];
    const char* files[2] = {"examples/eth_bandwidth/kernels/stream_sender.cpp",
                            "examples/eth_bandwidth/kernels/stream_receiver.cpp"};
    for (int side = 0; side < 2; ++side) {
        p[side] = CreateProgram();
        KernelHandle k = CreateKernel(p[side], files[side], ends[side], EthernetConfig{});
        SetRuntimeArgs(p[side], k, ends[side], {kBase, bytes, packets, slots});
        EnqueueProgram(devs[side]->command_queue(), p[side], false);  // both launch at Finish
    }
    Finish(dev[0]->command_queue());

    bool ok = true;
    for (uint32_t s = 0; s < std::min(slots, packets); ++s) {
        std::vector<uint32_t> got;
        detail::ReadFromDeviceL1(devs[1], ends[1], kBase + s * bytes, bytes, got, CoreType::ETH);
        ok = ok && got == pattern(s);
    }
    const auto& k = tensim::last_program_stats(devs[0]).kernels.at(0);
    const uint64_t cycles = k.end_cycle - k.start_cycle;
    const double gbps = double(bytes) * packets / double(cycles);  // B/cycle = GB/s at 1 GHz
    CloseDevice(dev[0]);
    CloseDevice(dev[1]);
    if (!ok) {
        std::printf("FAIL: a slot arrived changed\n");
        return 1;
    }
    std::printf(
        "PASS: eth_bandwidth %u packets of %u B, %u slots: %llu cycles, %.2f GB/s (line "
        "rate 12.5)\n",
        packets, bytes, slots, static_cast<unsigned long long>(cycles), gbps);
    return 0;
}
