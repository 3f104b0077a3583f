// Block testbench of the Ethernet block: ERISC kernels as C++ lambdas on two chips of an n300,
// calling the ERISC kernel API directly, timed against the link's own constants (EthConfig).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <vector>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "system/system.hpp"
#include "tensim/kernel_api/tensim_eth.h"

namespace {

using namespace tensim;
using Loc = std::source_location;

class EthBench : public ::testing::Test {
protected:
    void open(const std::vector<std::string>& overrides = {}) {
        sys = std::make_unique<System>(load_system("n300", overrides));
    }
    void TearDown() override { sys.reset(); }
    const EthConfig& eth() { return sys->config().chip.eth; }
    // The user link of the n300: chip0 E9 <-> chip1 E1.
    EthTile& a() { return sys->chip(0).eth(9); }
    EthTile& b() { return sys->chip(1).eth(1); }

    void run(const std::vector<std::pair<EthTile*, std::function<void()>>>& kernels) {
        size_t done = 0;
        for (auto& [tile, body] : kernels) {
            tile->core().clear_firmware_state();
            KernelLaunch l;
            l.entry = body;
            l.kernel_name = "eth_testbench";
            tile->erisc().launch(l, [&] {
                if (++done == kernels.size()) System::stop_run();
            });
        }
        try {
            sys->run_until([&] { return done == kernels.size(); }, 10'000'000);
        } catch (const DeadlockError&) {
            // A kernel's own error explains a hang of its peer better.
            for (auto& [tile, body] : kernels)
                if (auto e = tile->erisc().error()) std::rethrow_exception(e);
            throw;
        }
        for (auto& [tile, body] : kernels)
            if (auto e = tile->erisc().error()) std::rethrow_exception(e);
    }
    static uint64_t now() { return kapi::cycle_count(); }
    // The drain of `n` bytes into ERISC L1 at the receiving port.
    Cycle drain(uint32_t n) {
        return static_cast<Cycle>(std::ceil(double(n) / eth().rx_l1_write_bytes_per_cycle));
    }
    uint32_t& word(EthTile& t, uint32_t off) { return t.core().word(off); }
    stats::Dump link_stats(EthTile& t) { return t.tx()->stats().dump({1.0}); }

    std::unique_ptr<System> sys;
    static constexpr uint32_t kSrc = 0x18000, kDst = 0x20000;  // in the user region
};

TEST_F(EthBench, OnePacketArrivesAfterIssueWireLatencyAndDrain) {
    open();
    for (uint32_t i = 0; i < 1024; ++i) a().core().l1()[kSrc + i] = static_cast<uint8_t>(i * 7 + 1);
    const uint32_t flag = kDst + 1020;
    uint64_t sent_at = 0, seen_at = 0;
    run({{&a(),
          [&] {
              sent_at = now();
              kapi::eth_send(kSrc, kDst, 1024, Loc::current());
          }},
         {&b(), [&] {
              kapi::eth_wait_word(&word(b(), flag), word(a(), kSrc + 1020), kapi::EthCond::eq,
                                  Loc::current());
              seen_at = now();
          }}});
    EXPECT_EQ(std::memcmp(a().core().l1() + kSrc, b().core().l1() + kDst, 1024), 0);
    // Issue, the TX buffers the whole packet, the wire, the link, the RX drain into L1, and the
    // receiver's polling pass that sees the word.
    const Cycle expected = eth().cmd_issue_cycles + eth().fill_cycles(1024) +
                           eth().wire_cycles(1024) + eth().link_latency_cycles + drain(1024) +
                           eth().poll_cycles;
    EXPECT_EQ(seen_at - sent_at, expected);
    const auto s = link_stats(a());
    EXPECT_EQ(s.values["chip0.eth9.tx.packets"], 1);
    EXPECT_EQ(s.values["chip0.eth9.tx.bytes"], 1024);
    EXPECT_EQ(s.values["chip0.eth9.tx.busy_cycles"], eth().wire_cycles(1024));
    EXPECT_EQ(s.values["chip0.eth9.tx.credit_stall_cycles"], 0);
}

TEST_F(EthBench, BothDirectionsAtOnceAreIndependent) {
    open();
    const uint32_t n = 16 * 1024;
    for (uint32_t i = 0; i < n; ++i) {
        a().core().l1()[kSrc + i] = static_cast<uint8_t>(i);
        b().core().l1()[kSrc + i] = static_cast<uint8_t>(255 - i % 256);
    }
    uint64_t t[2][2] = {};  // per side: sent, seen
    auto side = [&](EthTile& me, EthTile& peer, int k) {
        return [&, k] {
            t[k][0] = now();
            kapi::eth_send(kSrc, kDst, n, Loc::current());
            kapi::eth_wait_word(&word(me, kDst + n - 4), word(peer, kSrc + n - 4),
                                kapi::EthCond::eq, Loc::current());
            t[k][1] = now();
        };
    };
    run({{&a(), side(a(), b(), 0)}, {&b(), side(b(), a(), 1)}});
    EXPECT_EQ(std::memcmp(a().core().l1() + kSrc, b().core().l1() + kDst, n), 0);
    EXPECT_EQ(std::memcmp(b().core().l1() + kSrc, a().core().l1() + kDst, n), 0);
    // Each direction is as fast as a lone one: the first packet fills, then full packets go
    // back to back (the next one fills while this one is on the wire), then the last.
    const uint32_t full = n / eth().max_packet_bytes, rest = n % eth().max_packet_bytes;
    ASSERT_LT(eth().fill_cycles(eth().max_packet_bytes), eth().wire_cycles(eth().max_packet_bytes));
    const Cycle expected = eth().cmd_issue_cycles + eth().fill_cycles(eth().max_packet_bytes) +
                           full * eth().wire_cycles(eth().max_packet_bytes) +
                           eth().wire_cycles(rest) + eth().link_latency_cycles + drain(rest) +
                           eth().poll_cycles;
    // The receiving side was itself blocked in its own send's issue only; both see the same time.
    EXPECT_EQ(t[0][1] - t[0][0], expected);
    EXPECT_EQ(t[1][1] - t[1][0], expected);
}

TEST_F(EthBench, PayloadsSplitAtTheMaxPacket) {
    open();
    const uint32_t n = 2 * 1500 + 16 + 16 * 0;  // two full packets and a 16 B tail
    run({{&a(), [&] { kapi::eth_send(kSrc, kDst, n - (n % 16), Loc::current()); }}});
    const uint32_t sent = n - n % 16;
    const auto s = link_stats(a());
    const uint32_t full = sent / eth().max_packet_bytes, rest = sent % eth().max_packet_bytes;
    EXPECT_EQ(s.values["chip0.eth9.tx.packets"], full + (rest ? 1 : 0));
    EXPECT_EQ(s.values["chip0.eth9.tx.bytes"], sent);
    EXPECT_EQ(s.values["chip0.eth9.tx.busy_cycles"],
              full * eth().wire_cycles(eth().max_packet_bytes) + eth().wire_cycles(rest));
}

TEST_F(EthBench, SlowReceiverBacksUpTheSender) {
    // Two RX buffer slots drained at 1 B/cycle: each 1500 B packet holds its slot 1500 cycles.
    open({"eth.rx_buffer_packets=2", "eth.rx_l1_write_bytes_per_cycle=1"});
    const uint32_t n = 6 * 1500 + 24;  // six full packets and a 24 B one (16 B multiple)
    for (uint32_t i = 0; i < n; ++i) a().core().l1()[kSrc + i] = static_cast<uint8_t>(i % 251 + 1);
    uint64_t t0 = 0, second_cmd_at = 0, seen_at = 0;
    run({{&a(),
          [&] {
              t0 = now();
              kapi::eth_send(kSrc, kDst, n, Loc::current());
              kapi::eth_send(kSrc, kDst, 16, Loc::current());  // latched behind the first
              second_cmd_at = now();
          }},
         {&b(), [&] {
              // The 16 B second command rewrites the first word; wait for the big one's tail.
              kapi::eth_wait_word(&word(b(), kDst + n - 4), word(a(), kSrc + n - 4),
                                  kapi::EthCond::eq, Loc::current());
              seen_at = now();
          }}});
    // Reference: packet k fills after packet k-1 (the TX buffer holds two full packets, so also
    // after packet k-2 has left the wire) and starts when it is filled, the line is free and
    // slot k-2 has drained.
    const Cycle wire = eth().wire_cycles(1500), lat = eth().link_latency_cycles;
    std::vector<uint32_t> sizes(6, 1500);
    sizes.push_back(24);
    std::vector<Cycle> drained, left;
    Cycle fill = t0 + eth().cmd_issue_cycles, line = 0, rx = 0;
    for (size_t k = 0; k < sizes.size(); ++k) {
        fill = std::max(fill, k >= 2 ? left[k - 2] : 0) + eth().fill_cycles(sizes[k]);
        const Cycle start = std::max({fill, line, k >= 2 ? drained[k - 2] : 0});
        line = start + eth().wire_cycles(sizes[k]);
        left.push_back(line);
        rx = std::max(line + lat, rx) + sizes[k];  // drained at 1 B/cycle
        drained.push_back(rx);
    }
    // The second command is latched without waiting for the first one's packets to go out.
    EXPECT_EQ(second_cmd_at, t0 + 2 * eth().cmd_issue_cycles);
    EXPECT_EQ(seen_at, drained.back() + eth().poll_cycles);
    const auto s = link_stats(a());
    EXPECT_GT(s.values["chip0.eth9.tx.credit_stall_cycles"].get<uint64_t>(), 0u);
    // Without the slow receiver the same send is line-bound.
    EXPECT_GT(drained.back() - t0, 6 * wire + lat + 24);
}

TEST_F(EthBench, SendOnAnUnwiredPortIsAKernelError) {
    open();
    EthTile& lone = sys->chip(0).eth(3);
    EXPECT_FALSE(lone.connected());
    try {
        run({{&lone, [&] { kapi::eth_send(kSrc, kDst, 64, Loc::current()); }}});
        FAIL() << "expected a KernelError";
    } catch (const KernelError& e) {
        EXPECT_NE(std::string(e.what()).find("chip0 E3, which has no link"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("ERISC"), std::string::npos) << e.what();
    }
}

TEST_F(EthBench, EthernetTilesAreNocEndpoints) {
    open();
    const auto& cfg = sys->config().chip;
    ASSERT_EQ(sys->chip(0).num_eth(), 16);
    for (int ch = 0; ch < 16; ++ch) {
        EXPECT_EQ(sys->chip(0).eth(ch).xy(), cfg.eth_tiles[static_cast<size_t>(ch)]);
        EXPECT_EQ(sys->chip(0).eth(ch).core().l1_size(), cfg.eth.l1_size_bytes());
    }
    // n300 wiring: E8<->E0 (dispatch) and E9<->E1.
    EXPECT_EQ(sys->chip(0).eth(8).peer(), &sys->chip(1).eth(0));
    EXPECT_TRUE(sys->chip(0).eth(8).reserved_for_dispatch());
    EXPECT_EQ(sys->chip(1).eth(1).peer(), &sys->chip(0).eth(9));
    EXPECT_FALSE(sys->chip(1).eth(1).reserved_for_dispatch());
}

}  // namespace
