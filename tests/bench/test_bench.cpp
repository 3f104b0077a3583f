// The `tensim bench` microbenchmarks, run in-process on a simulated n150, held to windows around
// silicon figures: wormhole_params.md sections 3 and 8, and the tt-metal NoC estimator table
// (noc_latencies.yaml) behind shared/calibration/noc_latency.json.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tensim/bench.hpp"
#include "tensim/error.hpp"

using namespace tensim::bench;

// ISA DRAMTile/README.md: ~22.2 GB/s sustained per channel; the barrier per batch costs a little.
TEST(Bench, DramReadOneMiBFromAdjacentBankSustains20To23BytesPerCycle) {
    DramReadResult r = dram_read();
    EXPECT_EQ(r.bank, 0);
    EXPECT_EQ(r.bytes, 1u << 20);
    EXPECT_LE(std::abs(r.core_noc.x - r.bank_noc.x) + std::abs(r.core_noc.y - r.bank_noc.y), 2);
    EXPECT_GE(r.bytes_per_cycle, 20.0);
    EXPECT_LE(r.bytes_per_cycle, 23.0);
}

// Silicon: 501 cycles (same row or column), 589 otherwise.
TEST(Bench, SingleL1Read8KiBBetweenNeighboursTakes400To700Cycles) {
    NocLatencyResult r =
        noc_latency({.transaction_bytes = 8192, .transactions = 1, .same_axis = true});
    EXPECT_EQ(r.peer_noc.y, r.core_noc.y);
    EXPECT_GE(r.latency_cycles, 400u);
    EXPECT_LE(r.latency_cycles, 700u);
}

// Silicon: 205 cycles for 64-128 B on one axis.
TEST(Bench, SameAxisL1Read64BTakes150To260Cycles) {
    NocLatencyResult r =
        noc_latency({.transaction_bytes = 64, .transactions = 1, .same_axis = true});
    EXPECT_GE(r.latency_cycles, 150u);
    EXPECT_LE(r.latency_cycles, 260u);
}

// Two response streams through one 32 B/cycle link each get about half of it.
TEST(Bench, TwoReadersThroughASharedLinkTakeAboutTwiceAsLong) {
    SharedLinkResult r = shared_link(8192, 64);
    EXPECT_GE(r.ratio, 1.6);
    EXPECT_LE(r.ratio, 2.4);
}

// Silicon: 256 x 64 B reads in 6674 cycles, ~26 per read: the RISC's issue cost, not the NoC.
TEST(Bench, BackToBack64BReadsAreIssueBound) {
    NocLatencyResult r =
        noc_latency({.transaction_bytes = 64, .transactions = 256, .same_axis = false});
    EXPECT_GE(r.cycles_per_transaction, 20.0);
    EXPECT_LE(r.cycles_per_transaction, 35.0);
}

// Ethernet on the n300's user link (chip 0 E9 <-> chip 1 E1). Silicon (shared/calibration
// eth_latency.json, TT-Metal's ethernet microbenchmark): a 1024 B round trip takes 1245 ns and a
// 2048 B one 1479 ns, i.e. about 2 x 1024 B / 234 ns more: both messages serialise at ~9 B/ns.
TEST(Bench, EthRoundTripGrowsWithTwoSerialisationsPerPacket) {
    EthStreamOptions opt{.packet_bytes = 1024, .system = "n300"};
    const EthLatencyResult small = eth_latency(opt);
    opt.packet_bytes = 2048;
    const EthLatencyResult big = eth_latency(opt);
    EXPECT_EQ(small.link.channel, 9);
    EXPECT_EQ(small.link.peer_chip, 1);
    EXPECT_EQ(small.link.peer_channel, 1);
    EXPECT_GE(small.round_trip_cycles, 1245 * 0.9);
    EXPECT_LE(small.round_trip_cycles, 1245 * 1.1);
    const double extra = double(big.round_trip_cycles) - double(small.round_trip_cycles);
    EXPECT_GE(extra, 2 * 1024 / 12.5);  // never faster than the line rate both ways
    EXPECT_LE(extra, 1.3 * (1479 - 1245));
}

// 100 GbE is 12.5 B/cycle per direction at 1 GHz; silicon streams 4 KiB packets at 11.8 GB/s
// (eth_transfer.json) and the two directions do not share anything.
TEST(Bench, EthStreamsNearLineRateInEachDirectionAtOnce) {
    EthStreamOptions opt{.packet_bytes = 4096, .rounds = 16, .system = "n300"};
    const EthBandwidthResult uni = eth_bandwidth(opt);
    opt.bidirectional = true;
    const EthBandwidthResult bi = eth_bandwidth(opt);
    EXPECT_EQ(uni.packets, 16u * opt.slots);
    EXPECT_LE(uni.bytes_per_cycle, 12.5);
    EXPECT_GE(uni.bytes_per_cycle, 11.0);
    EXPECT_NEAR(bi.bytes_per_cycle, uni.bytes_per_cycle, 0.05 * uni.bytes_per_cycle);
}

TEST(Bench, EthBenchmarksNameWhatIsMissing) {
    auto message = [](const EthStreamOptions& opt) {
        try {
            eth_latency(opt);
        } catch (const tensim::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message({.system = "n150"}).find("'n150' has no Ethernet user link"),
              std::string::npos);
    EXPECT_NE(message({.channel = 8, .system = "n300"}).find("E8 is reserved for dispatch"),
              std::string::npos);
    EXPECT_NE(message({.slots = 1, .system = "n300"}).find("at least 2 slots"), std::string::npos);
    EXPECT_NE(message({.packet_bytes = 1 << 20, .system = "n300"}).find("ERISC L1"),
              std::string::npos);
}
