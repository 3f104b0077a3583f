// DRAM channels: sparse functional storage, range checks, bandwidth/latency timing and stats.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "common/error.hpp"
#include "dram/dram.hpp"

namespace tensim {
namespace {

TEST(DramStorage, RoundTripAcrossChunks) {
    DramChannel ch(DramConfig{}, 0);
    std::vector<uint8_t> data(3000);
    std::iota(data.begin(), data.end(), uint8_t{7});
    const uint64_t addr = (1ull << 20) - 1000;  // straddles the first 1 MiB chunk boundary
    ch.write(addr, data.data(), data.size());
    std::vector<uint8_t> back(data.size());
    ch.read(addr, back.data(), back.size());
    EXPECT_EQ(back, data);

    const uint64_t last = (1ull << 30) - 4;
    const uint32_t word = 0xdeadbeef;
    ch.write(last, &word, sizeof word);
    uint32_t got = 0;
    ch.read(last, &got, sizeof got);
    EXPECT_EQ(got, word);
}

TEST(DramStorage, UntouchedReadsAreZero) {
    DramChannel ch(DramConfig{}, 3);
    std::vector<uint8_t> buf(4096, 0xff);
    ch.read(123456789, buf.data(), buf.size());
    EXPECT_EQ(buf, std::vector<uint8_t>(4096, 0));
    // Bytes around a written range in a now allocated chunk are zero as well.
    const uint8_t one = 1;
    ch.write(100, &one, 1);
    std::vector<uint8_t> around(3, 0xff);
    ch.read(99, around.data(), around.size());
    EXPECT_EQ(around, (std::vector<uint8_t>{0, 1, 0}));
}

TEST(DramStorage, ZerosAllocateNothingAndStillOverwrite) {
    DramChannel ch(DramConfig{}, 0);
    const std::vector<uint8_t> zeros(3000, 0);
    const uint64_t addr = (1ull << 20) - 1000;  // straddles two chunks
    ch.write(addr, zeros.data(), zeros.size());
    EXPECT_EQ(ch.allocated_chunks(), 0u);
    std::vector<uint8_t> back(zeros.size(), 0xff);
    ch.read(addr, back.data(), back.size());
    EXPECT_EQ(back, zeros);
    // Data first, then zeros over it: the zeros land (the first chunk exists now).
    std::vector<uint8_t> data(3000, 0x5a);
    ch.write(addr, data.data(), 500);
    EXPECT_EQ(ch.allocated_chunks(), 1u);
    ch.write(addr, zeros.data(), zeros.size());
    ch.read(addr, back.data(), back.size());
    EXPECT_EQ(back, zeros);
    EXPECT_EQ(ch.allocated_chunks(), 1u);
}

TEST(DramStorage, UntouchedAndZeroKeepTheBytesAndAllocateNothing) {
    // The NoC's zero payloads (noc/transactions.cpp): an untouched range is reported as such, a
    // zero store clears existing chunks and makes none.
    DramChannel ch(DramConfig{}, 0);
    const uint64_t addr = (1ull << 20) - 1000;  // straddles two chunks
    EXPECT_TRUE(ch.untouched(addr, 3000));
    ch.zero(addr, 3000);
    EXPECT_EQ(ch.allocated_chunks(), 0u);
    const std::vector<uint8_t> data(3000, 0x5a);
    ch.write(addr + 2000, data.data(), 1000);  // second chunk only
    EXPECT_TRUE(ch.untouched(addr, 1000));
    EXPECT_FALSE(ch.untouched(addr, 3000));
    ch.zero(addr + 1500, 1000);  // clears the first 500 bytes of the data
    std::vector<uint8_t> back(1000, 0xff);
    ch.read(addr + 2000, back.data(), back.size());
    for (size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], i < 500 ? 0 : 0x5a) << i;
    EXPECT_EQ(ch.allocated_chunks(), 1u);
}

TEST(DramStorage, OutOfRangeThrows) {
    DramConfig cfg;
    cfg.channel_size_bytes = 1ull << 21;
    DramChannel ch(cfg, 0);
    uint64_t v = 0;
    EXPECT_NO_THROW(ch.read(cfg.channel_size_bytes - 8, &v, 8));
    EXPECT_THROW(ch.read(cfg.channel_size_bytes - 4, &v, 8), InternalError);
    EXPECT_THROW(ch.write(cfg.channel_size_bytes, &v, 1), InternalError);
    EXPECT_THROW(ch.write(UINT64_MAX - 2, &v, 8), InternalError);  // no wrap-around
    Dram dram(cfg);
    EXPECT_EQ(dram.num_channels(), 12);
    EXPECT_THROW(dram.channel(12), InternalError);
    EXPECT_THROW(dram.channel(-1), InternalError);
}

TEST(DramTiming, SingleAccessLatency) {
    // Wormhole's defaults (wormhole_b0.json): 80 cycles read latency, 100 write.
    DramChannel ch(DramConfig{}, 0);
    EXPECT_EQ(ch.access(4096, 1000, false), 1000 + 185 + 80);  // ceil(4096 / 22.2) = 185
    // Arriving after the channel went idle starts at once.
    EXPECT_EQ(ch.access(2220, 5000, true), 5000 + 100 + 100);
}

TEST(DramTiming, BackToBackReadsSustainBandwidth) {
    DramChannel ch(DramConfig{}, 0);
    const int n = 100;
    Cycle last = 0;
    for (int i = 0; i < n; ++i) last = ch.access(4096, 0, false);
    EXPECT_NEAR(static_cast<double>(last - 80), n * 4096 / 22.2, 1.0);
    // Small accesses also sustain 22.2 B/cycle rather than one cycle each rounded up.
    DramChannel small(DramConfig{}, 1);
    for (int i = 0; i < 1000; ++i) last = small.access(32, 0, false);
    EXPECT_NEAR(static_cast<double>(last - 80), 1000 * 32 / 22.2, 1.0);
}

TEST(DramTiming, ChannelsAreIndependent) {
    Dram dram(DramConfig{});
    const Cycle a = dram.channel(0).access(8192, 0, false);
    const Cycle b = dram.channel(1).access(8192, 0, false);
    EXPECT_EQ(a, b);
    EXPECT_GT(dram.channel(0).access(8192, 0, false), a);
}

TEST(DramStats, CountsAndReset) {
    Dram dram(DramConfig{});
    dram.channel(2).access(4096, 0, false);
    dram.channel(2).access(4096, 0, false);
    dram.channel(2).access(1110, 0, true);
    nlohmann::json s = dram.stats().dump({}).grouped();
    ASSERT_EQ(s.size(), 12u);
    EXPECT_EQ(s["dram.ch2"]["bytes_read"], 8192);
    EXPECT_EQ(s["dram.ch2"]["bytes_written"], 1110);
    EXPECT_EQ(s["dram.ch2"]["accesses"], 3);
    EXPECT_NEAR(s["dram.ch2"]["busy_cycles"].get<double>(), (8192 + 1110) / 22.2, 0.01);
    EXPECT_EQ(s["dram.ch0"]["accesses"], 0);

    dram.reset_stats();
    nlohmann::json r = dram.stats().dump({}).grouped();
    EXPECT_EQ(r["dram.ch2"]["accesses"], 0);
    EXPECT_EQ(r["dram.ch2"]["busy_cycles"].get<double>(), 0.0);
    // The channel is still busy with the earlier work after a stats reset.
    EXPECT_GT(dram.channel(2).access(32, 0, false), 400u);
}

}  // namespace
}  // namespace tensim
