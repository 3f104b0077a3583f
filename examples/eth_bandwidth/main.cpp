// Ethernet bandwidth on an n300: chip 0's user-link ERISC streams packets into buffer slots of the
// ERISC at the other end, a slot reused once the receiver has released it (TT-Metal's ERISC
// bandwidth microbenchmarks keep 16 slots in flight the same way). Both directions run at once
// when asked. Checks the last packet of each slot and prints GB/s per direction.
// Arguments: packet bytes (default 4096), packets (1000), slots (8), "bi" for both directions.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;

int main(int argc, char** argv) {
    const uint32_t bytes = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 4096;
    const uint32_t packets = argc > 2 ? uint32_t(std::strtoul(argv[2], nullptr, 10)) : 1000;
    const uint32_t slots = argc > 3 ? uint32_t(std::strtoul(argv[3], nullptr, 10)) : 8;
    const bool bi = argc > 4 && std::strcmp(argv[4], "bi") == 0;
    // Each end's slots: its own sending slots, then (both directions) the peer's.
    constexpr uint32_t kBase = 100 * 1024, kTop = 262112;  // the ERISC user L1 region
    if (bytes == 0 || bytes % 16 || slots == 0 || slots > (bi ? 4u : 8u) || packets == 0 ||
        kBase + uint64_t(slots) * bytes * (bi ? 2 : 1) > kTop) {
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

    // Slot s of the stream leaving side i holds packet pattern (i, s) in the sender's L1.
    auto pattern = [&](int side, uint32_t slot) {
        std::vector<uint32_t> v(bytes / 4);
        for (size_t w = 0; w < v.size(); ++w) v[w] = uint32_t(side * 1000003 + slot * 7919 + w);
        return v;
    };
    const int directions = bi ? 2 : 1;
    auto base = [&](int from) { return kBase + uint32_t(from) * slots * bytes; };
    for (int side = 0; side < directions; ++side)
        for (uint32_t s = 0; s < slots; ++s) {
            auto v = pattern(side, s);
            detail::WriteToDeviceL1(devs[side], ends[side], base(side) + s * bytes, v,
                                    CoreType::ETH);
        }
    // An ERISC has one RISC, so a bidirectional run is one kernel per end doing both, on channels
    // 0..slots-1 one way and slots..2*slots-1 the other (8 channels in all).
    Program p[2];
    for (int side = 0; side < 2; ++side) {
        p[side] = CreateProgram();
        const bool sends = side == 0 || bi, receives = side == 1 || bi;
        const char* file = sends && receives ? "examples/eth_bandwidth/kernels/stream_both.cpp"
                           : sends           ? "examples/eth_bandwidth/kernels/stream_sender.cpp"
                                             : "examples/eth_bandwidth/kernels/stream_receiver.cpp";
        KernelHandle k = CreateKernel(p[side], file, ends[side], EthernetConfig{});
        SetRuntimeArgs(p[side], k, ends[side],
                       {base(side), bytes, packets, slots, base(1 - side), uint32_t(side)});
        EnqueueProgram(devs[side]->command_queue(), p[side], false);
    }
    Finish(dev[0]->command_queue());

    bool ok = true;
    double gbps[2] = {0, 0};
    for (int side = 0; side < directions; ++side) {
        const int to = 1 - side;
        for (uint32_t s = 0; s < std::min(slots, packets); ++s) {
            std::vector<uint32_t> got;
            detail::ReadFromDeviceL1(devs[to], ends[to], base(side) + s * bytes, bytes, got,
                                     CoreType::ETH);
            ok = ok && got == pattern(side, s);
        }
        const auto& k = tensim::last_program_stats(devs[side]).kernels.at(0);
        gbps[side] = double(bytes) * packets / double(k.end_cycle - k.start_cycle);  // B/cycle
    }
    CloseDevice(dev[0]);
    CloseDevice(dev[1]);
    if (!ok) {
        std::printf("FAIL: a slot arrived changed\n");
        return 1;
    }
    std::printf("PASS: eth_bandwidth %u packets of %u B, %u slots, %s: %.2f GB/s per direction",
                packets, bytes, slots, bi ? "both directions" : "one direction", gbps[0]);
    if (bi) std::printf(" (%.2f the other way)", gbps[1]);
    std::printf(" (line rate 12.5)\n");
    return 0;
}
