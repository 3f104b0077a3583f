// The `tensim bench` microbenchmarks, run in-process on a simulated n150, held to windows around
// silicon figures: wormhole_params.md sections 3 and 8, and the tt-metal NoC estimator table
// (noc_latencies.yaml) behind shared/calibration/noc_latency.json.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tensim/bench.hpp"

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
