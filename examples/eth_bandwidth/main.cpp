// Ethernet bandwidth on an n300: the two ERISCs of the user link stream packets into each other's
// buffer slots in both directions at once (or one, "uni"), in the structure of TT-Metal's ERISC
// bandwidth benchmark: each packet carries its 16 B sync word at its end and a sequence number at
// its start, at most slots - 1 are in flight per direction, and each ERISC runs both roles in one
// loop that never blocks (kernels/stream_both.cpp). Checks every packet's sequence number on the
// receiver and the last packet of each slot on the host, and prints GB/s per direction.
// Arguments: packet bytes (default 4096), packets per direction (1000), slots (16), "uni".
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
    const uint32_t slots = argc > 3 ? uint32_t(std::strtoul(argv[3], nullptr, 10)) : 16;
    const bool bi = !(argc > 4 && std::strcmp(argv[4], "uni") == 0);
    // The ERISC user L1 region: a result word pair, then both directions' slots.
    constexpr uint32_t kResult = 100 * 1024, kBase = kResult + 16, kTop = 262112;
    const uint32_t stride = bytes + 16;
    if (bytes == 0 || bytes % 16 || slots < 2 || packets == 0 ||
        kBase + (bi ? 2ull : 1ull) * slots * stride > kTop) {
        std::printf("FAIL: sizes must be multiples of 16 B, 2+ slots, and fit the ERISC L1\n");
        return 2;
    }
    tensim::set_system("n300");
    IDevice* dev[2] = {CreateDevice(0), CreateDevice(1)};
    const auto active = dev[0]->get_active_ethernet_cores(true);
    const CoreCoord end0 = *std::min_element(active.begin(), active.end());
    const auto [chip1, end1] = dev[0]->get_connected_ethernet_core(end0);
    IDevice* devs[2] = {dev[0], dev[chip1]};
    const CoreCoord ends[2] = {end0, end1};

    // Slot s of the stream leaving side i holds pattern (i, s) after its sequence number.
    auto pattern = [&](int side, uint32_t slot) {
        std::vector<uint32_t> v(bytes / 4);
        for (size_t w = 0; w < v.size(); ++w) v[w] = uint32_t(side * 1000003 + slot * 7919 + w);
        return v;
    };
    auto tx_base = [&](int side) { return kBase + uint32_t(side) * slots * stride; };
    for (int side = 0; side < (bi ? 2 : 1); ++side)
        for (uint32_t s = 0; s < slots; ++s) {
            auto v = pattern(side, s);
            detail::WriteToDeviceL1(devs[side], ends[side], tx_base(side) + s * stride, v,
                                    CoreType::ETH);
        }
    Program p[2];
    for (int side = 0; side < 2; ++side) {
        p[side] = CreateProgram();
        KernelHandle k = CreateKernel(p[side], "examples/eth_bandwidth/kernels/stream_both.cpp",
                                      ends[side], EthernetConfig{});
        const uint32_t sends = side == 0 || bi, receives = side == 1 || bi;
        SetRuntimeArgs(p[side], k, ends[side],
                       {kBase, bytes, packets, slots, uint32_t(side), sends, receives, kResult});
        EnqueueProgram(devs[side]->command_queue(), p[side], false);  // both launch at Finish
    }
    Finish(dev[0]->command_queue());

    bool ok = true;
    double gbps[2] = {0, 0};
    uint64_t cycles[2] = {0, 0};
    for (int side = 0; side < (bi ? 2 : 1); ++side) {
        const int to = 1 - side;
        std::vector<uint32_t> result;
        detail::ReadFromDeviceL1(devs[to], ends[to], kResult, 8, result, CoreType::ETH);
        ok = ok && result.size() == 2 && result[0] == 0 && result[1] == packets;
        // The last packet through each slot: its sequence number, then the pattern.
        for (uint32_t s = 0; s < std::min(slots, packets); ++s) {
            uint32_t last = s;
            while (last + slots < packets) last += slots;
            std::vector<uint32_t> want = pattern(side, s), got;
            want[0] = last;
            detail::ReadFromDeviceL1(devs[to], ends[to], tx_base(side) + s * stride, bytes, got,
                                     CoreType::ETH);
            ok = ok && got == want;
        }
        const auto& k = tensim::last_program_stats(devs[side]).kernels.at(0);
        cycles[side] = k.end_cycle - k.start_cycle;
        gbps[side] = double(bytes) * packets / double(cycles[side]);  // B/cycle = GB/s at 1 GHz
    }
    CloseDevice(dev[0]);
    CloseDevice(dev[1]);
    if (!ok) {
        std::printf("FAIL: a packet arrived out of order or changed\n");
        return 1;
    }
    std::printf(
        "PASS: eth_bandwidth %u packets of %u B, %u slots, %s: %llu cycles, %.2f GB/s chip0->chip1",
        packets, bytes, slots, bi ? "both directions" : "one direction",
        static_cast<unsigned long long>(cycles[0]), gbps[0]);
    if (bi) std::printf(", %.2f GB/s chip1->chip0", gbps[1]);
    std::printf(" (line rate 12.5 per direction)\n");
    return 0;
}
