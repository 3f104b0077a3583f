// The 1D fabric (tensim/fabric.hpp, kernels/fabric/fabric_erisc_router.cpp): chains follow the
// system's links, a unicast write crosses several chips and lands its bytes, a multicast lands on
// every chip of its range and nowhere else, tiny buffers (credits) still deliver everything in
// order, a packet past the max payload is a KernelError naming the kernel line (and the next run
// works), and latency grows with hops.
#include <gtest/gtest.h>

#include <numeric>
#include <regex>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "host/device_impl.hpp"
#include "tensim/error.hpp"
#include "tensim/fabric.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;
using tensim::fabric::Direction;
using tensim::fabric::Fabric;
using tensim::fabric::FabricConfig;
using tensim::fabric::Topology;

namespace {

constexpr uint32_t kSrc = 0x40000, kDst = 0x50000;
constexpr const char* kStream = "kernels/fabric/fabric_stream.cpp";

class T3000 : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_system("t3000");
        tensim::set_numerics("faithful");
        for (size_t i = 0; i < GetNumAvailableDevices(); ++i)
            all.push_back(CreateDevice(static_cast<int>(i)));
    }
    void TearDown() override {
        for (auto* d : all) CloseDevice(d);
        tensim::set_system("n150");
    }
    std::vector<IDevice*> all;
};

// Streams `packets` packets of `payload` B from position 0 to positions start..start+range-1;
// position 0's source holds 0, 1, 2, ... words.
struct Stream {
    Fabric fab;
    std::vector<Program> programs;
    Stream(std::vector<IDevice*> chain, FabricConfig cfg) : fab(std::move(chain), cfg) {
        for (size_t i = 0; i < fab.size(); ++i) programs.push_back(CreateProgram());
    }
    void add(size_t pos, std::vector<uint32_t> args, bool sender) {
        Program& p = programs[pos];
        const CoreCoord core{0, 0};
        CreateSemaphore(p, CoreRange(core, core), 0);
        CreateCircularBuffer(
            p, CoreRange(core, core),
            CircularBufferConfig(64, {{tt::CBIndex::c_0, tt::DataFormat::Float16_b}})
                .set_page_size(tt::CBIndex::c_0, 64));
        if (sender) fab.append_connection_rt_args(pos, Direction::forward, 0, 0, p, core, args);
        auto k = CreateKernel(p, kStream, core, DataMovementConfig{});
        SetRuntimeArgs(p, k, core, args);
    }
    void run(uint32_t packets, uint32_t payload, uint32_t start, uint32_t range) {
        const CoreCoord w = fab.device(0)->worker_core_from_logical_core({0, 0});
        std::vector<uint32_t> a{packets,
                                payload,
                                start,
                                range,
                                kSrc,
                                kDst,
                                0,
                                static_cast<uint32_t>(w.x),
                                static_cast<uint32_t>(w.y)};
        add(0, a, true);
        a[0] = 0;
        for (uint32_t h = start; h < start + range; ++h) add(h, a, false);
        std::vector<Program*> ps;
        for (auto& p : programs) ps.push_back(&p);
        fab.add_routers(ps);
        for (size_t i = 0; i < fab.size(); ++i)
            EnqueueProgram(fab.device(i)->command_queue(), programs[i], false);
        Finish(fab.device(0)->command_queue());
    }
};

void zero(IDevice* d, uint32_t addr, uint32_t bytes) {
    std::vector<uint32_t> z(bytes / 4, 0);
    detail::WriteToDeviceL1(d, {0, 0}, addr, z);
}

std::vector<uint32_t> read(IDevice* d, uint32_t addr, uint32_t bytes) {
    std::vector<uint32_t> v;
    detail::ReadFromDeviceL1(d, {0, 0}, addr, bytes, v);
    return v;
}

TEST_F(T3000, ChainsFollowTheLinks) {
    for (Topology t : {Topology::line, Topology::ring})
        for (size_t n : {2u, 4u, 8u}) {
            auto chain = Fabric::find_chain(all, n, t, 1);
            ASSERT_EQ(chain.size(), n);
            Fabric f(chain, {.topology = t});  // throws unless neighbours share a link
            EXPECT_EQ(f.hops(0, Direction::forward), n - 1);
        }
    // A 2x4 mesh does not join chip 0 to every other chip: some pair has no fabric.
    bool refused = false;
    for (auto* d : all) {
        if (d == all[0]) continue;
        try {
            Fabric f({all[0], d}, {});
        } catch (const tensim::HostError&) {
            refused = true;
        }
    }
    EXPECT_TRUE(refused);
}

TEST_F(T3000, UnicastWriteCrossesThreeChipsAndLands) {
    auto chain = Fabric::find_chain(all, 4, Topology::line, 1);
    const uint32_t payload = 1024;
    std::vector<uint32_t> src(payload / 4);
    std::iota(src.begin(), src.end(), 7u);
    detail::WriteToDeviceL1(chain[0], {0, 0}, kSrc, src);
    for (size_t i = 1; i < 4; ++i) zero(chain[i], kDst, payload);
    Stream s(chain, {});
    s.run(3, payload, 3, 1);
    EXPECT_EQ(read(chain[3], kDst, payload), src);
    EXPECT_EQ(read(chain[2], kDst, payload), std::vector<uint32_t>(payload / 4, 0));
    EXPECT_EQ(read(chain[1], kDst, payload), std::vector<uint32_t>(payload / 4, 0));
}

TEST_F(T3000, MulticastLandsOnEveryChipOfItsRange) {
    auto chain = Fabric::find_chain(all, 5, Topology::line, 1);
    const uint32_t payload = 4096;
    std::vector<uint32_t> src(payload / 4);
    std::iota(src.begin(), src.end(), 100u);
    detail::WriteToDeviceL1(chain[0], {0, 0}, kSrc, src);
    for (size_t i = 1; i < 5; ++i) zero(chain[i], kDst, payload);
    Stream s(chain, {});
    s.run(2, payload, 2, 2);  // chips 2 and 3
    EXPECT_EQ(read(chain[2], kDst, payload), src);
    EXPECT_EQ(read(chain[3], kDst, payload), src);
    EXPECT_EQ(read(chain[1], kDst, payload), std::vector<uint32_t>(payload / 4, 0));
    EXPECT_EQ(read(chain[4], kDst, payload), std::vector<uint32_t>(payload / 4, 0));
}

TEST_F(T3000, OneSlotPerChannelStillDeliversEverything) {
    // Credits: with one slot per channel each packet waits for the previous one's credit, so the
    // stream takes longer but lands the same bytes.
    auto chain = Fabric::find_chain(all, 3, Topology::line, 1);
    const uint32_t payload = 2048, packets = 24;
    std::vector<uint32_t> src(payload / 4, 0xabcd1234u);
    uint64_t cycles[2] = {};
    for (int tight = 0; tight < 2; ++tight) {
        detail::WriteToDeviceL1(chain[0], {0, 0}, kSrc, src);
        zero(chain[2], kDst, payload);
        FabricConfig cfg;
        if (tight) cfg.sender_slots = cfg.receiver_slots = 1;
        Stream s(chain, cfg);
        s.run(packets, payload, 2, 1);
        EXPECT_EQ(read(chain[2], kDst, payload), src);
        cycles[tight] = tensim::last_program_stats(chain[2]).device_cycles;
    }
    EXPECT_GT(cycles[1], cycles[0]);
}

TEST_F(T3000, ASenderSlotIsHeldUntilThePeerCompletesIt) {
    // The router credits a producer when the peer has completed the packet, a round trip over
    // the link, not when it leaves: with one sender slot a stream of small packets takes at
    // least two link latencies per packet.
    auto chain = Fabric::find_chain(all, 2, Topology::line, 1);
    const uint32_t payload = 64, packets = 48;
    std::vector<uint32_t> src(payload / 4, 0x5a5a0101u);
    detail::WriteToDeviceL1(chain[0], {0, 0}, kSrc, src);
    zero(chain[1], kDst, payload);
    FabricConfig cfg;
    cfg.sender_slots = 1;
    Stream s(chain, cfg);
    s.run(packets, payload, 1, 1);
    EXPECT_EQ(read(chain[1], kDst, payload), src);
    const auto& eth = tensim::host::impl_of(*chain[0]).system().config().chip.eth;
    EXPECT_GE(tensim::last_program_stats(chain[1]).device_cycles,
              uint64_t(packets) * 2 * eth.link_latency_cycles);
}

TEST_F(T3000, APacketPastTheMaxPayloadIsAKernelError) {
    auto chain = Fabric::find_chain(all, 2, Topology::line, 1);
    {
        Stream s(chain, {});
        try {
            s.run(1, s.fab.max_payload_bytes() + 16, 1, 1);
            FAIL() << "no error";
        } catch (const tensim::KernelError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("exceeds the max payload"), std::string::npos) << m;
            // The kernel's own line, as file:line.
            EXPECT_TRUE(std::regex_search(m, std::regex(R"(fabric_stream\.cpp:[0-9]+)"))) << m;
        }
    }
    Stream again(chain, {});
    again.run(1, 64, 1, 1);  // the next run works
    SUCCEED();
}

}  // namespace
