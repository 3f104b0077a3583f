// Block testbench of one chip's NoC path: kernels are plain C++ lambdas launched on the firmware
// threads, calling the kernel API directly (no JIT), so timings can be checked against the model's
// own constants.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "noc/noc_address.hpp"
#include "system/system.hpp"
#include "tensim/kernel_api/tensim_kernel.h"
#include "tensix/l1_map.hpp"

namespace {

using namespace tensim;
using Loc = std::source_location;
using json = nlohmann::json;

class ChipBench : public ::testing::Test {
protected:
    void SetUp() override { sys = std::make_unique<System>(load_system("n150")); }
    void TearDown() override { sys.reset(); }

    Chip& chip() { return sys->chip(0); }
    const ChipConfig& cfg() { return sys->config().chip; }

    // Runs each (core, body) on that core's BRISC until all return.
    void run(const std::vector<std::pair<TensixCore*, std::function<void()>>>& kernels) {
        size_t done = 0;
        for (auto& [core, body] : kernels) {
            core->clear_firmware_state();
            KernelLaunch l;
            l.entry = body;
            l.kernel_name = "testbench";
            core->thread(Risc::BRISC).launch(l, [&] {
                if (++done == kernels.size()) System::stop_run();
            });
        }
        sys->run_until([&] { return done == kernels.size(); }, 10'000'000);
        for (auto& [core, body] : kernels)
            if (auto e = core->thread(Risc::BRISC).error()) std::rethrow_exception(e);
    }

public:
    void run_kernels(const std::vector<std::pair<TensixCore*, std::function<void()>>>& kernels) {
        run(kernels);
    }

protected:
    static uint64_t now() { return kapi::cycle_count(); }
    uint64_t addr_of(TensixCore& c, uint32_t off) {
        return NocAddressLayout{}.unicast(c.xy().x, c.xy().y, off);
    }

    std::unique_ptr<System> sys;
    static constexpr uint32_t kBuf = 200 * 1024;  // an L1 offset above the firmware area
};

TEST_F(ChipBench, SingleReadFromNeighbourTakesTheModelledCycles) {
    TensixCore& me = chip().worker(0, 0);    // NoC0 1-1
    TensixCore& peer = chip().worker(1, 0);  // NoC0 2-1, same row
    for (uint32_t i = 0; i < 8192; ++i) peer.l1()[kBuf + i] = static_cast<uint8_t>(i * 13);
    uint64_t elapsed = 0;
    run({{&me, [&] {
              uint64_t t0 = now();
              kapi::noc_read(addr_of(peer, kBuf), kBuf, 8192, 0, Loc::current());
              kapi::noc_barrier(kapi::Barrier::reads, 0, Loc::current());
              elapsed = now() - t0;
          }}});
    EXPECT_EQ(std::memcmp(me.l1() + kBuf, peer.l1() + kBuf, 8192), 0);

    // Expected from the constants: issue, a header-only request (1 hop east), the L1 read at the
    // peer feeding the response, the response around the torus (9 hops east), the barrier.
    const auto& n = cfg().noc;
    const Cycle niu = n.niu_latency_cycles, hop = n.router_hop_cycles;
    // The issue includes the issuing loop's code cycles: this test's lambda is not a charged
    // kernel.
    Cycle issue = cfg().risc.noc_cmd_issue_cycles + cfg().risc.noc_cmd_loop_code_cycles;
    Cycle req = issue + 2 * niu + 1 * hop + 1;
    Cycle first = req + cfg().tensix.l1_access_latency_cycles;
    Cycle ready = first + Cycle(std::ceil(8192 / cfg().tensix.noc_l1_read_bytes_per_cycle));
    Cycle ser = Cycle(std::ceil((8192 + n.flit_bytes) / n.link_bytes_per_cycle));
    Cycle resp = std::max(first, ready - ser) + 2 * niu + 9 * hop + ser;
    Cycle expected = resp + cfg().risc.noc_barrier_cycles;
    EXPECT_NEAR(double(elapsed), double(expected), 3.0);
    // Silicon: 501 cycles same axis (tt-metal noc_latencies.yaml); the model should be near it.
    EXPECT_GT(elapsed, 400u);
    EXPECT_LT(elapsed, 650u);
}

TEST_F(ChipBench, TwoWritesSharingALinkTakeTwiceAsLong) {
    // A (1-1) writes to 4-1, B (2-1) writes to 3-1: both cross link 2-1 east on NoC0.
    TensixCore& a = chip().worker(0, 0);
    TensixCore& b = chip().worker(1, 0);
    TensixCore& a_dst = chip().worker(3, 0);
    TensixCore& b_dst = chip().worker(2, 0);
    const uint32_t bytes = 64 * 1024;
    auto writer = [&](TensixCore& dst, uint64_t& elapsed) {
        return [&, bytes] {
            uint64_t t0 = now();
            kapi::noc_write(kBuf, addr_of(dst, kBuf), bytes, 0, 1, Loc::current());
            kapi::noc_barrier(kapi::Barrier::writes, 0, Loc::current());
            elapsed = now() - t0;
        };
    };
    uint64_t alone = 0, a_shared = 0, b_shared = 0;
    run({{&a, writer(a_dst, alone)}});
    run({{&a, writer(a_dst, a_shared)}, {&b, writer(b_dst, b_shared)}});
    double ratio = double(std::max(a_shared, b_shared)) / double(alone);
    EXPECT_GT(ratio, 1.7) << alone << " vs " << a_shared << "/" << b_shared;
    EXPECT_LT(ratio, 2.3) << alone << " vs " << a_shared << "/" << b_shared;
}

TEST_F(ChipBench, DisjointWritesDoNotSlowEachOther) {
    TensixCore& a = chip().worker(0, 0);
    TensixCore& b = chip().worker(0, 2);
    uint64_t alone = 0, a2 = 0, b2 = 0;
    auto writer = [&](TensixCore& dst, uint64_t& elapsed) {
        return [&] {
            uint64_t t0 = now();
            kapi::noc_write(kBuf, addr_of(dst, kBuf), 32768, 0, 1, Loc::current());
            kapi::noc_barrier(kapi::Barrier::writes, 0, Loc::current());
            elapsed = now() - t0;
        };
    };
    run({{&a, writer(chip().worker(1, 0), alone)}});
    run({{&a, writer(chip().worker(1, 0), a2)}, {&b, writer(chip().worker(1, 2), b2)}});
    EXPECT_EQ(a2, alone);
    EXPECT_EQ(b2, alone);
}

TEST_F(ChipBench, MulticastReachesEveryCoreOfTheRectangle) {
    TensixCore& src = chip().worker(0, 0);
    for (uint32_t i = 0; i < 2048; ++i) src.l1()[kBuf + i] = static_cast<uint8_t>(i * 7 + 1);
    // Logical (1,1)..(4,4): NoC0 x 2..6 (skipping the DRAM column 5), y 2..5 -> 16 cores.
    NocXY p = chip().worker(1, 1).xy(), q = chip().worker(4, 4).xy();
    uint64_t mcast = NocAddressLayout{}.multicast(p.x, p.y, q.x, q.y, kBuf);
    run({{&src, [&] {
              kapi::noc_write_multicast(kBuf, mcast, 2048, 16, false, 0, Loc::current());
              kapi::noc_barrier(kapi::Barrier::writes, 0, Loc::current());
          }}});
    int reached = 0;
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
            TensixCore& c = chip().worker(x, y);
            bool inside = x >= 1 && x <= 4 && y >= 1 && y <= 4;
            bool has = std::memcmp(c.l1() + kBuf, src.l1() + kBuf, 2048) == 0;
            if (&c != &src) {
                EXPECT_EQ(has, inside) << "core " << x << "," << y;
            }
            reached += inside && has;
        }
    EXPECT_EQ(reached, 16);
}

TEST_F(ChipBench, AtomicIncrementsLandInTheRemoteSemaphore) {
    TensixCore& a = chip().worker(0, 0);
    TensixCore& b = chip().worker(5, 5);
    uint32_t sem = l1_map::semaphore(3);
    run({{&a, [&] {
              for (int i = 0; i < 5; ++i)
                  kapi::noc_atomic_inc(addr_of(b, sem), 2, 0, Loc::current());
              kapi::noc_barrier(kapi::Barrier::atomics, 0, Loc::current());
          }}});
    EXPECT_EQ(b.word(sem), 10u);
}

TEST_F(ChipBench, DramChannelServesRequestsInArrivalOrder) {
    // A 64 B read arriving just after a 1 MiB stream started waits for what arrived before it,
    // not for the whole stream.
    TensixCore& big = chip().worker(0, 0);
    TensixCore& small = chip().worker(1, 0);
    uint64_t small_alone = 0, small_shared = 0, big_cycles = 0;
    auto small_reader = [&](uint64_t& elapsed) {
        return [&] {
            uint64_t t0 = now();
            kapi::noc_read(kapi::bank_noc_addr(true, 0, 0, 0), kBuf, 64, 0, Loc::current());
            kapi::noc_barrier(kapi::Barrier::reads, 0, Loc::current());
            elapsed = now() - t0;
        };
    };
    run({{&small, small_reader(small_alone)}});
    run({{&big,
          [&] {
              uint64_t t0 = now();
              kapi::noc_read(kapi::bank_noc_addr(true, 0, 0, 0), kBuf, 1 << 20, 0, Loc::current());
              kapi::noc_barrier(kapi::Barrier::reads, 0, Loc::current());
              big_cycles = now() - t0;
          }},
         {&small, small_reader(small_shared)}});
    EXPECT_GT(big_cycles, 40000u);
    EXPECT_LT(small_shared, small_alone + 1500) << small_alone;  // a few 8 KiB services at most
}

TEST_F(ChipBench, DramReadSustainsTheChannelBandwidth) {
    // One core next to bank 0's endpoint streams 1 MiB from it in 8 KiB reads, 16 in flight per
    // barrier (128 KiB of L1), as the tt-metal DRAM read benchmarks keep many reads outstanding.
    TensixCore& me = chip().worker(0, 0);
    uint64_t elapsed = 0;
    const uint32_t total = 1 << 20, chunk = 8192;
    run({{&me, [&] {
              uint64_t t0 = now();
              for (uint32_t off = 0; off < total; off += 16 * chunk) {
                  for (uint32_t k = 0; k < 16; ++k)
                      kapi::noc_read(kapi::bank_noc_addr(true, 0, off + k * chunk, 0),
                                     kBuf + k * chunk, chunk, 0, Loc::current());
                  kapi::noc_barrier(kapi::Barrier::reads, 0, Loc::current());
              }
              elapsed = now() - t0;
          }}});
    double bpc = double(total) / double(elapsed);
    EXPECT_GT(bpc, 20.0);
    EXPECT_LT(bpc, 23.0);
}

// Eight cores each write 256 KiB to DRAM bank 0 on NoC0, 8 KiB per write, on static VC 1 or on
// dynamic VCs; returns the bandwidth into the channel in B/cycle.
double many_writers_to_one_bank(ChipBench& b, Chip& chip, uint32_t vc, int writers) {
    const uint32_t per_core = 256 << 10, chunk = 8192;
    std::vector<std::pair<TensixCore*, std::function<void()>>> kernels;
    std::vector<uint64_t> start(static_cast<size_t>(writers)), end(static_cast<size_t>(writers));
    for (int i = 0; i < writers; ++i) {
        TensixCore* c = &chip.worker(i % 8, 1 + i / 8);
        kernels.push_back(
            {c, [&, i, vc] {
                 start[size_t(i)] = kapi::cycle_count();
                 for (uint32_t off = 0; off < per_core; off += chunk)
                     kapi::noc_write(200 * 1024 + off % (128 << 10),
                                     kapi::bank_noc_addr(true, 0, uint32_t(i) * per_core + off, 0),
                                     chunk, 0, vc, Loc::current());
                 kapi::noc_barrier(kapi::Barrier::writes, 0, Loc::current());
                 end[size_t(i)] = kapi::cycle_count();
             }});
    }
    b.run_kernels(kernels);
    const uint64_t t0 = *std::min_element(start.begin(), start.end());
    const uint64_t t1 = *std::max_element(end.begin(), end.end());
    return double(per_core) * writers / double(t1 - t0);
}

TEST_F(ChipBench, ManyDynamicVcWritersToOneBankExhaustTheRouterBuffer) {
    // Static VC: every writer's packets share VC 1, which holds at most 32 + 480 B of the port's
    // pool, so the channel keeps its bandwidth. Dynamic VCs: each writer's packets hold a VC of
    // their own and four or more backed-up VCs overfill the 1.5 KiB pool, so the port forwards at
    // its exhausted rate.
    const double channel = cfg().dram.channel_bytes_per_cycle;
    const double exhausted = cfg().noc.endpoint_buffer.exhausted_bytes_per_cycle;
    const double stat = many_writers_to_one_bank(*this, chip(), 1, 8);
    const double dyn = many_writers_to_one_bank(*this, chip(), kapi::kNocDynamicVc, 8);
    EXPECT_GT(stat, 0.9 * channel);
    EXPECT_LE(stat, channel * 1.001);
    EXPECT_LT(dyn, 0.5 * stat);
    EXPECT_NEAR(dyn, exhausted, 0.1 * exhausted);
    const json stats = chip().stats().dump({}).grouped();
    const NocXY ep = cfg().dram_banks()[0].endpoint[0];
    const std::string key = fmt::format("chip0.noc0.niu_{}_{}_buffer", ep.x, ep.y);
    ASSERT_TRUE(stats.contains(key)) << stats.dump();
    EXPECT_GT(stats[key]["exhausted_packets"].get<uint64_t>(), 0u);
}

TEST_F(ChipBench, FewDynamicVcWritersKeepTheChannelBandwidth) {
    // One writer's packets follow one another on one VC, and three backed-up VCs (3 x 480 B) still
    // fit the 1.5 KiB pool: no collapse below four writers.
    const double channel = cfg().dram.channel_bytes_per_cycle;
    EXPECT_GT(many_writers_to_one_bank(*this, chip(), kapi::kNocDynamicVc, 1), 0.9 * channel);
    EXPECT_GT(many_writers_to_one_bank(*this, chip(), kapi::kNocDynamicVc, 3), 0.9 * channel);
    EXPECT_LT(many_writers_to_one_bank(*this, chip(), kapi::kNocDynamicVc, 4), 0.5 * channel);
}

TEST_F(ChipBench, DramBankAddressNamesTheEndpointOfTheChosenNoc) {
    // A bank's NoC address carries that NoC's endpoint (in that NoC's coordinates), and both
    // endpoints decode to the bank's channel at the same offset.
    for (uint32_t bank = 0; bank < 12; ++bank)
        for (int noc : {0, 1}) {
            const uint64_t a = chip().bank_noc_addr(true, bank, 4096, noc);
            const NocXY want = cfg().dram_banks()[bank].endpoint[static_cast<size_t>(noc)];
            EXPECT_EQ(chip().to_noc0(noc, NocAddressLayout{}.xy(a)), want)
                << "bank " << bank << " noc " << noc;
            const NocTarget t = chip().decode(noc, a, 64, "test");
            auto* tile = dynamic_cast<DramTile*>(t.ep);
            ASSERT_NE(tile, nullptr);
            EXPECT_EQ(tile->channel_of(t.offset).index(), int(bank));
            EXPECT_EQ(tile->channel_address(t.offset), 4096u);
        }
}

TEST_F(ChipBench, WriteWithAnOutOfRangeVcIsAKernelError) {
    TensixCore& me = chip().worker(0, 0);
    EXPECT_THROW(run({{&me,
                       [&] {
                           kapi::noc_write(kBuf, kapi::bank_noc_addr(true, 0, 0, 0), 64, 0,
                                           kapi::kNocDynamicVc + 1, Loc::current());
                       }}}),
                 KernelError);
}

}  // namespace
