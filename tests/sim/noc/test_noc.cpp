// NoC routing and timing: routes and hop counts on both tori, cut-through latency, contention
// through busy intervals (including gap filling), multicast trees and NIU port limits.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "noc/busy_intervals.hpp"
#include "noc/noc.hpp"
#include "noc/port_buffer.hpp"

namespace tensim {
namespace {

constexpr uint32_t kBig = 8192;  // max payload: 256 data flits + 1 header flit
constexpr Cycle kSerBig = 257;   // cycles at 32 B/cycle
constexpr Cycle kFixed = 2 * 5;  // NIU -> router + router -> NIU

std::vector<std::string> names(const Noc& noc, const std::vector<int>& links) {
    std::vector<std::string> out;
    for (int l : links) out.push_back(noc.link_name(l));
    return out;
}

size_t hops(const Noc& noc, NocXY a, NocXY b) { return noc.route(a, b).size(); }

TEST(NocRoute, Noc0GoesEastThenSouth) {
    Noc noc(NocConfig{}, 0, "noc0");
    EXPECT_EQ(
        names(noc, noc.route({1, 1}, {3, 4})),
        (std::vector<std::string>{"noc0.link_1_1_east", "noc0.link_2_1_east", "noc0.link_3_1_south",
                                  "noc0.link_3_2_south", "noc0.link_3_3_south"}));
}

TEST(NocRoute, Noc0WrapsAround) {
    Noc noc(NocConfig{}, 0, "noc0");
    EXPECT_EQ(names(noc, noc.route({8, 10}, {1, 1})),
              (std::vector<std::string>{"noc0.link_8_10_east", "noc0.link_9_10_east",
                                        "noc0.link_0_10_east", "noc0.link_1_10_south",
                                        "noc0.link_1_11_south", "noc0.link_1_0_south"}));
}

TEST(NocRoute, Noc1GoesNorthThenWest) {
    Noc noc(NocConfig{}, 1, "noc1");
    EXPECT_EQ(names(noc, noc.route({3, 4}, {1, 1})),
              (std::vector<std::string>{"noc1.link_3_4_north", "noc1.link_3_3_north",
                                        "noc1.link_3_2_north", "noc1.link_3_1_west",
                                        "noc1.link_2_1_west"}));
}

TEST(NocRoute, Noc1WrapsAround) {
    Noc noc(NocConfig{}, 1, "noc1");
    const std::vector<std::string> r = names(noc, noc.route({1, 1}, {8, 10}));
    ASSERT_EQ(r.size(), 3u + 3u);  // north 1 -> 0 -> 11 -> 10, west 1 -> 0 -> 9 -> 8
    EXPECT_EQ(r, (std::vector<std::string>{"noc1.link_1_1_north", "noc1.link_1_0_north",
                                           "noc1.link_1_11_north", "noc1.link_1_10_west",
                                           "noc1.link_0_10_west", "noc1.link_9_10_west"}));
}

TEST(NocRoute, HopCounts) {
    for (int id : {0, 1}) {
        Noc noc(NocConfig{}, id, "noc");
        const NocXY a{2, 3}, b{5, 7}, row{8, 3}, col{2, 9};
        EXPECT_EQ(hops(noc, a, b) + hops(noc, b, a), 10u + 12u) << "noc" << id;
        EXPECT_EQ(hops(noc, a, row) + hops(noc, row, a), 10u) << "noc" << id;
        EXPECT_EQ(hops(noc, a, col) + hops(noc, col, a), 12u) << "noc" << id;
        EXPECT_EQ(hops(noc, a, a), 0u);
    }
    Noc noc0(NocConfig{}, 0, "noc0"), noc1(NocConfig{}, 1, "noc1");
    EXPECT_EQ(hops(noc0, {2, 3}, {5, 7}), 3u + 4u);
    EXPECT_EQ(hops(noc1, {2, 3}, {5, 7}), 7u + 8u);  // the long way round on NoC1
}

TEST(NocRoute, OutsideGridThrows) {
    Noc noc(NocConfig{}, 0, "noc0");
    EXPECT_THROW(noc.route({10, 0}, {0, 0}), InternalError);
    EXPECT_THROW(noc.send({0, 0}, {0, 12}, 32, 0), InternalError);
    EXPECT_THROW(noc.send({0, 0}, {1, 1}, kBig + 1, 0), InternalError);
    EXPECT_THROW(Noc(NocConfig{}, 2, "noc2"), InternalError);
}

TEST(NocTiming, UncontendedMaxPacket) {
    for (int id : {0, 1}) {
        Noc noc(NocConfig{}, id, "noc");
        const NocXY src{1, 1}, dst{4, 5};
        const Cycle h = hops(noc, src, dst);
        EXPECT_EQ(noc.send(src, dst, kBig, 1000), 1000 + kFixed + h * 9 + kSerBig) << "noc" << id;
    }
}

TEST(NocTiming, LoopbackAndSmallPackets) {
    Noc noc(NocConfig{}, 0, "noc0");
    EXPECT_EQ(noc.send({2, 2}, {2, 2}, kBig, 0), kFixed + kSerBig);
    EXPECT_EQ(noc.send({3, 3}, {4, 3}, 0, 0), kFixed + 9 + 1);   // header flit only
    EXPECT_EQ(noc.send({5, 5}, {6, 5}, 33, 0), kFixed + 9 + 3);  // header + 2 data flits
}

TEST(NocTiming, SameRouteSerialises) {
    Noc noc(NocConfig{}, 0, "noc0");
    const Cycle one = noc.send({1, 1}, {4, 1}, kBig, 0);
    const Cycle two = noc.send({1, 1}, {4, 1}, kBig, 0);
    EXPECT_EQ(one, kFixed + 3 * 9 + kSerBig);
    EXPECT_EQ(two, one + kSerBig);
}

TEST(NocTiming, SharedLinkRoughlyDoublesTime) {
    Noc noc(NocConfig{}, 0, "noc0");
    // B uses link 2_1_east from cycle 5; A's head reaches it at 14 and waits until 262.
    const Cycle b = noc.send({2, 1}, {3, 1}, kBig, 0);
    const Cycle a = noc.send({1, 1}, {3, 2}, kBig, 0);
    EXPECT_EQ(b, kFixed + 9 + kSerBig);
    const Cycle alone = kFixed + 3 * 9 + kSerBig;  // 294
    EXPECT_EQ(a, 262 + kSerBig + 2 * 9 + 5);       // 542
    EXPECT_GT(static_cast<double>(a) / alone, 1.8);
}

TEST(NocTiming, DisjointRoutesDoNotInterfere) {
    Noc noc(NocConfig{}, 0, "noc0");
    const Cycle alone = kFixed + 2 * 9 + kSerBig;
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 0), alone);
    EXPECT_EQ(noc.send({1, 5}, {3, 5}, kBig, 0), alone);
    EXPECT_EQ(noc.send({3, 1}, {1, 1}, kBig, 0), kFixed + 8 * 9 + kSerBig);  // wraps, other links
}

TEST(NocTiming, LaterRequestFillsEarlierGap) {
    Noc noc(NocConfig{}, 0, "noc0");
    const Cycle alone = kFixed + 2 * 9 + kSerBig;
    // A far-future reservation issued first...
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 600), 600 + alone);
    // ...does not delay an earlier-timed packet that fits before it (inject 0..257, links 5..271).
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 0), alone);
    // The next one's inject slot [257, 514) still fits before A's [600, 857) on every element.
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 0), 257 + alone);
    // The gap [514, 600) is too short: this one goes after A.
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 0), 857 + alone);
}

TEST(NocTiming, NiuInjectLimit) {
    NocConfig cfg;
    cfg.niu_inject_bytes_per_cycle = 28.0;
    Noc noc(cfg, 0, "noc0");
    const Cycle ser = 294;  // ceil(8224 / 28)
    const Cycle one = noc.send({1, 1}, {3, 1}, kBig, 0);
    EXPECT_EQ(one, kFixed + 2 * 9 + ser);
    EXPECT_EQ(noc.send({1, 1}, {3, 1}, kBig, 0), one + ser);
    nlohmann::json s = noc.stats().dump({}).grouped();
    EXPECT_EQ(s["noc0.niu_1_1_inject"]["busy_cycles"], 2 * ser);
    EXPECT_EQ(s["noc0.link_1_1_east"]["busy_cycles"], 2 * kSerBig);
}

TEST(NocTiming, NiuAbsorbLimit) {
    NocConfig cfg;
    cfg.niu_absorb_bytes_per_cycle = 28.0;
    Noc noc(cfg, 0, "noc0");
    // Two sources into one destination: the absorb port is the bottleneck.
    const Cycle a = noc.send({1, 1}, {3, 1}, kBig, 0);
    const Cycle b = noc.send({2, 1}, {3, 1}, kBig, 0);
    EXPECT_EQ(a, kFixed + 2 * 9 + 294);
    EXPECT_EQ(b, a + 294);
}

TEST(NocMulticast, TreeLinksReservedOnce) {
    Noc noc(NocConfig{}, 0, "noc0");
    const std::vector<NocXY> dsts{{3, 3}, {2, 1}, {3, 1}};
    const std::vector<Cycle> t = noc.multicast({1, 1}, dsts, kBig, 100);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0], 100 + kFixed + 4 * 9 + kSerBig);
    EXPECT_EQ(t[1], 100 + kFixed + 1 * 9 + kSerBig);
    EXPECT_EQ(t[2], 100 + kFixed + 2 * 9 + kSerBig);
    EXPECT_LT(t[1], t[2]);
    EXPECT_LT(t[2], t[0]);

    nlohmann::json s = noc.stats().dump({}).grouped();
    const uint64_t bytes = 8192 + 32;
    for (const char* link : {"noc0.link_1_1_east", "noc0.link_2_1_east", "noc0.link_3_1_south",
                             "noc0.link_3_2_south"}) {
        ASSERT_TRUE(s.contains(link)) << link;
        EXPECT_EQ(s[link]["bytes"], bytes) << link;
        EXPECT_EQ(s[link]["packets"], 1) << link;
    }
    EXPECT_EQ(s["noc0.niu_1_1_inject"]["bytes"], bytes);
    for (const char* niu : {"noc0.niu_3_3_absorb", "noc0.niu_2_1_absorb", "noc0.niu_3_1_absorb"})
        EXPECT_EQ(s[niu]["bytes"], bytes) << niu;
    EXPECT_EQ(s.size(), 4u + 1u + 3u);  // nothing else carried traffic
}

TEST(NocMulticast, IncludesSourceAndRepeats) {
    Noc noc(NocConfig{}, 1, "noc1");
    const std::vector<Cycle> t = noc.multicast({4, 4}, {{4, 4}, {4, 3}, {4, 3}}, kBig, 0);
    EXPECT_EQ(t,
              (std::vector<Cycle>{kFixed + kSerBig, kFixed + 9 + kSerBig, kFixed + 9 + kSerBig}));
    nlohmann::json s = noc.stats().dump({}).grouped();
    EXPECT_EQ(s["noc1.niu_4_3_absorb"]["packets"], 1);
    EXPECT_EQ(s["noc1.link_4_4_north"]["packets"], 1);
}

TEST(NocStats, CountHeaderFlitsAndReset) {
    Noc noc(NocConfig{}, 0, "chip0.noc0");
    noc.send({1, 1}, {2, 1}, 64, 0);
    noc.send({1, 1}, {2, 1}, 64, 0);
    nlohmann::json s = noc.stats().dump({}).grouped();
    EXPECT_EQ(s["chip0.noc0.link_1_1_east"]["bytes"], 2 * 96);
    EXPECT_EQ(s["chip0.noc0.link_1_1_east"]["packets"], 2);
    EXPECT_EQ(s["chip0.noc0.link_1_1_east"]["busy_cycles"], 2 * 3);
    EXPECT_EQ(s.size(), 3u);

    noc.reset_stats();
    EXPECT_TRUE(noc.stats().dump({}).values.empty());
    // Reservations survive a reset: the inject port is still busy for 0..6.
    EXPECT_EQ(noc.send({1, 1}, {2, 1}, 64, 0), 6 + kFixed + 9 + 3);
}

TEST(BusyIntervals, FillsGapsMergesAndPrunes) {
    BusyIntervals b;
    EXPECT_EQ(b.reserve(100, 10), 100u);  // [100, 110)
    EXPECT_EQ(b.reserve(0, 50), 0u);      // [0, 50)
    EXPECT_EQ(b.reserve(40, 60), 110u);   // [50, 100) is 50 long, too short
    EXPECT_EQ(b.reserve(40, 50), 50u);    // exactly fills [50, 100)
    EXPECT_EQ(b.size(), 1u);              // [0, 170) after merging
    EXPECT_EQ(b.reserve(0, 1), 170u);
    EXPECT_EQ(b.reserve(500, 0), 500u);
    b.prune(170);
    EXPECT_EQ(b.size(), 1u);  // [170, 171) remains
    b.prune(171);
    EXPECT_EQ(b.size(), 0u);
}

// What BusyIntervals must agree with: every busy cycle in a set.
struct PlainBusy {
    std::set<Cycle> busy;  // every reserved cycle not yet forgotten
    // The first free run of len cycles at or after t, now reserved.
    Cycle reserve(Cycle t, Cycle len) {
        Cycle start = t;
        for (Cycle c = start; c < start + len; ++c)
            if (busy.count(c)) start = c + 1;
        for (Cycle c = start; c < start + len; ++c) busy.insert(c);
        return start;
    }
    // Maximal runs of busy cycles: the merged intervals.
    size_t runs() const {
        size_t n = 0;
        for (auto it = busy.begin(); it != busy.end(); ++it)
            if (it == busy.begin() || *std::prev(it) + 1 != *it) ++n;
        return n;
    }
};

// The pruned front is erased lazily (busy_intervals.cpp); results and size() must be those of a
// list that forgets expired intervals at once.
TEST(BusyIntervals, LazyPruneMatchesAPlainModel) {
    BusyIntervals b;
    PlainBusy plain;
    std::mt19937 rng(7);
    Cycle horizon = 0;
    for (int i = 0; i < 4000; ++i) {
        const Cycle t = horizon + rng() % 400, len = 1 + rng() % 12;
        ASSERT_EQ(b.reserve(t, len), plain.reserve(t, len)) << i;
        if (i % 7 == 0) {
            horizon += rng() % 150;
            b.prune(horizon);
            // An interval is kept until its end has passed: a merged run survives while any
            // cycle of it is at or after the horizon, so compare only what lies after it.
            plain.busy.erase(plain.busy.begin(), plain.busy.lower_bound(horizon));
        }
    }
    EXPECT_EQ(b.size(), plain.runs());
}

// reserve looks at the end of a long list first (busy_intervals.cpp): requests anywhere in a list
// of many separate intervals (after the end, among the last few, far before them) must get the
// first gap a scan of the plain model finds.
TEST(BusyIntervals, SearchNearTheEndMatchesAPlainModel) {
    BusyIntervals b;
    PlainBusy plain;
    for (Cycle i = 0; i < 200; ++i)
        ASSERT_EQ(b.reserve(10 * i, 4), plain.reserve(10 * i, 4));  // 200 runs
    std::mt19937 rng(11);
    for (int i = 0; i < 3000; ++i) {
        const Cycle t = rng() % 2100, len = 1 + rng() % 9;
        ASSERT_EQ(b.reserve(t, len), plain.reserve(t, len)) << i;
    }
}

// Most requests that cannot go after the end land just before the last interval (packets
// reserving a link ahead of ones that reserved it later; busy_intervals.cpp): there, with and
// without touching either neighbour, results and merged intervals are those of the plain model.
TEST(BusyIntervals, GapBeforeTheLastMatchesAPlainModel) {
    BusyIntervals b;
    PlainBusy plain;
    std::mt19937 rng(13);
    Cycle top = 0;  // past every reservation
    for (int i = 0; i < 3000; ++i) {
        const Cycle len = 1 + rng() % 6;
        const Cycle t = i % 3 == 0 ? top + rng() % 20 : (top > 30 ? top - 30 : 0) + rng() % 30;
        const Cycle got = b.reserve(t, len);
        ASSERT_EQ(got, plain.reserve(t, len)) << i;
        top = std::max(top, got + len);
        if (i % 50 == 0) {
            ASSERT_EQ(b.size(), plain.runs()) << i;
        }
    }
    EXPECT_EQ(b.size(), plain.runs());
}

TEST(NocTiming, LongRunsKeepResultsWhilePruning) {
    Noc noc(NocConfig{}, 0, "noc0");
    const Cycle alone = kFixed + 9 + kSerBig;
    for (Cycle t = 0; t < 2000000; t += 1000)
        ASSERT_EQ(noc.send({1, 1}, {2, 1}, kBig, t), t + alone) << t;
    EXPECT_EQ(noc.send({1, 1}, {2, 1}, kBig, 1999000), 1999000 + 257 + alone);
}

// ---- router buffer before a slow endpoint -------------------------------------------------------

// Holds `n` backed-up VCs of `bytes` each at cycle 0, leaving at `leave`.
void back_up(PortBuffer& b, int n, uint32_t bytes, Cycle leave) {
    for (int vc = 0; vc < n; ++vc) {
        b.forward_rate(uint64_t(vc), bytes, 0);
        b.hold(uint64_t(vc), bytes, leave);
    }
}

TEST(PortBuffer, OneVcCannotExhaustThePool) {
    // However much waits on one VC (all writers on static VC 1), it holds at most its reserved
    // slot plus its 480 B cap of the 1.5 KiB pool.
    const PortBufferConfig cfg;
    PortBuffer b(cfg);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(b.forward_rate(1, 8192, Cycle(i)), 0.0);
        b.hold(1, 8192, 1'000'000);
    }
    EXPECT_EQ(b.shared_bytes(), cfg.vc_shared_max_bytes);
    EXPECT_EQ(b.exhausted_packets(), 0u);
}

TEST(PortBuffer, FourBackedUpVcsExhaustThePool) {
    // 3 x 480 B fit the 1536 B pool; a fourth backed-up VC overfills it.
    const PortBufferConfig cfg;
    PortBuffer b(cfg);
    back_up(b, 3, 8192, 1000);
    EXPECT_EQ(b.shared_bytes(), 3u * cfg.vc_shared_max_bytes);
    EXPECT_EQ(b.exhausted_packets(), 0u);
    EXPECT_EQ(b.forward_rate(3, 8192, 10), cfg.exhausted_bytes_per_cycle);
    EXPECT_EQ(b.exhausted_packets(), 1u);
}

TEST(PortBuffer, SmallPacketsFitTheReservedSlots) {
    // Packets of one flit per VC use only the reserved 32 B of each VC, never the pool.
    PortBuffer b{PortBufferConfig{}};
    back_up(b, 16, 32, 1000);
    EXPECT_EQ(b.shared_bytes(), 0u);
    EXPECT_EQ(b.exhausted_packets(), 0u);
}

TEST(PortBuffer, PoolRecoversWhenTheBacklogLeaves) {
    const PortBufferConfig cfg;
    PortBuffer b(cfg);
    back_up(b, 4, 8192, 500);
    EXPECT_EQ(b.forward_rate(0, 8192, 499), cfg.exhausted_bytes_per_cycle);
    b.hold(0, 8192, 600);
    // At 500 the four first packets have been taken; only VC 0's last one waits.
    EXPECT_EQ(b.forward_rate(1, 8192, 500), 0.0);
    // What is left in the pool is VC 0's waiting packet; VC 1's joins it once held.
    EXPECT_EQ(b.shared_bytes(), cfg.vc_shared_max_bytes);
    b.hold(1, 8192, 700);
    EXPECT_EQ(b.shared_bytes(), 2u * cfg.vc_shared_max_bytes);
    b.clear();
    EXPECT_EQ(b.shared_bytes(), 0u);
}

}  // namespace
}  // namespace tensim
