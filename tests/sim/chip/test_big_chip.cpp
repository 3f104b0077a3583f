// A chip that is not Wormhole, end to end: a 14x12 NoC grid with a 12x10 worker grid and 16 DRAM
// channels behind 8 DRAM tiles, written as an architecture file. An interleaved buffer goes round
// trip over all 16 banks, a far corner core multicasts to a rectangle on the other NoC, and every
// byte is checked. Catches anything in the chip, NoC or DRAM that still assumes Wormhole's shape.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "chip/arch_loader.hpp"
#include "system/system.hpp"
#include "tensim/kernel_api/tensim_kernel.h"

namespace {

using namespace tensim;
using Loc = std::source_location;
using json = nlohmann::json;

json constant(json v, const char* unit) {
    return {{"value", std::move(v)}, {"unit", unit}, {"source", "test"}};
}

// wormhole_b0.json with a bigger grid: Tensix columns 1-6 and 8-13, rows 1-5 and 7-11; DRAM tiles
// in columns 0 and 7, three NIUs each, two channels each; NoC addresses with 33 local and 4 node
// bits.
std::string write_big_chip() {
    std::ifstream in(arch_dir() + "/wormhole_b0.json");
    json j = json::parse(in);
    j["name"] = "big_chip";
    json& g = j["grid"];
    g["size"] = constant({14, 12}, "tiles");
    g["tensix_cols"] = constant({1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13}, "x");
    g["tensix_rows"] = constant({1, 2, 3, 4, 5, 7, 8, 9, 10, 11}, "y");
    json groups = json::array(), endpoints = json::array();
    for (int col : {0, 7})
        for (int k = 0; k < 4; ++k)
            groups.push_back({{col, 3 * k}, {col, 3 * k + 1}, {col, 3 * k + 2}});
    for (int b = 0; b < 16; ++b) endpoints.push_back({b % 3, (b + 1) % 3});
    g["dram_groups"] = constant(groups, "xy");
    g["dram_bank_endpoints"] = constant(endpoints, "endpoint index per noc");
    g["eth"] = constant(json::array({{1, 0}, {2, 0}}), "xy");
    g["pcie"] = constant(json::array({{1, 6}}), "xy");
    g["arc"] = constant(json::array({{2, 6}}), "xy");
    j["dram"]["channels"]["value"] = 16;
    // Another NoC address layout than Wormhole's 36/6: kernels build addresses through the API.
    j["noc"]["address_local_bits"]["value"] = 33;
    j["noc"]["address_node_bits"]["value"] = 4;
    const std::string file = ::testing::TempDir() + "/big_chip.json";
    std::ofstream(file) << j.dump(1);
    return file;
}

class BigChip : public ::testing::Test {
protected:
    void SetUp() override { sys = std::make_unique<System>(load_system(write_big_chip())); }
    void TearDown() override { sys.reset(); }
    Chip& chip() { return sys->chip(0); }

    void run(const std::vector<std::pair<TensixCore*, std::function<void()>>>& kernels) {
        size_t done = 0;
        for (auto& [core, body] : kernels) {
            core->clear_firmware_state();
            KernelLaunch l;
            l.entry = body;
            l.kernel_name = "big_chip";
            core->thread(Risc::BRISC).launch(l, [&] {
                if (++done == kernels.size()) System::stop_run();
            });
        }
        sys->run_until([&] { return done == kernels.size(); }, 50'000'000);
        for (auto& [core, body] : kernels)
            if (auto e = core->thread(Risc::BRISC).error()) std::rethrow_exception(e);
    }

    std::unique_ptr<System> sys;
    static constexpr uint32_t kBuf = 200 * 1024;
};

TEST_F(BigChip, HasTheShapeOfItsFile) {
    EXPECT_EQ(sys->config().grid_x(), 12);
    EXPECT_EQ(sys->config().grid_y(), 10);
    EXPECT_EQ(chip().num_banks(true), 16u);
    EXPECT_EQ(chip().dram().num_channels(), 16);
    EXPECT_EQ(chip().worker(11, 9).xy(), (NocXY{13, 11}));
    // NoC1 coordinates mirror the 14x12 grid, not Wormhole's 10x12.
    EXPECT_EQ(chip().to_noc0(1, {0, 0}), (NocXY{13, 11}));
}

TEST_F(BigChip, InterleavedBufferRoundTripsOverAllBanksAndMulticastReachesTheRectangle) {
    constexpr uint32_t kPage = 2048, kPages = 48, kSrc = 4096, kDst = 1 << 20;
    const uint32_t banks = chip().num_banks(true);
    // Host side: page i of the source buffer in bank i % 16 at kSrc + (i / 16) * kPage.
    std::vector<uint8_t> want(kPage * kPages);
    for (size_t i = 0; i < want.size(); ++i) want[i] = static_cast<uint8_t>(i * 7 + i / 251);
    for (uint32_t i = 0; i < kPages; ++i)
        chip()
            .dram()
            .channel(chip().dram_banks()[i % banks].channel)
            .write(kSrc + (i / banks) * kPage, want.data() + i * kPage, kPage);

    // The far corner core copies every page DRAM -> L1 on NoC0 and back to a second buffer on
    // NoC1, then multicasts its first page on NoC1 to a 3x2 rectangle of cores across the grid.
    TensixCore& corner = chip().worker(11, 9);
    std::vector<TensixCore*> rect;
    for (int ly = 0; ly < 2; ++ly)
        for (int lx = 4; lx < 7; ++lx) rect.push_back(&chip().worker(lx, ly));
    run({{&corner, [&] {
              for (uint32_t i = 0; i < kPages; ++i)
                  kapi::noc_read(
                      kapi::bank_noc_addr(true, i % banks, kSrc + (i / banks) * kPage, 0),
                      kBuf + i * kPage, kPage, 0, Loc::current());
              kapi::noc_barrier(kapi::Barrier::reads, 0, Loc::current());
              for (uint32_t i = 0; i < kPages; ++i)
                  kapi::noc_write(
                      kBuf + i * kPage,
                      kapi::bank_noc_addr(true, i % banks, kDst + (i / banks) * kPage, 1), kPage, 1,
                      1, Loc::current());
              kapi::noc_barrier(kapi::Barrier::writes, 1, Loc::current());
              const NocXY a = rect.front()->xy(), b = rect.back()->xy();
              // On NoC1 the rectangle's corners are given the other way round, as TT-Metal kernels
              // do.
              const uint64_t mcast = kapi::noc_multicast_addr(b.x, b.y, a.x, a.y, kBuf, 1);
              kapi::noc_write_multicast(kBuf, mcast, kPage, static_cast<uint32_t>(rect.size()),
                                        false, 1, Loc::current());
              kapi::noc_barrier(kapi::Barrier::writes, 1, Loc::current());
          }}});

    EXPECT_EQ(std::memcmp(corner.l1() + kBuf, want.data(), want.size()), 0);
    std::vector<uint8_t> got(kPage);
    for (uint32_t i = 0; i < kPages; ++i) {
        chip()
            .dram()
            .channel(chip().dram_banks()[i % banks].channel)
            .read(kDst + (i / banks) * kPage, got.data(), kPage);
        ASSERT_EQ(std::memcmp(got.data(), want.data() + i * kPage, kPage), 0) << "page " << i;
    }
    for (TensixCore* c : rect)
        EXPECT_EQ(std::memcmp(c->l1() + kBuf, want.data(), kPage), 0) << c->name();
    // Every channel served its pages.
    json stats = chip().stats().dump({}).grouped();
    for (uint32_t b = 0; b < banks; ++b) {
        EXPECT_EQ(stats["chip0.dram.ch" + std::to_string(b)]["bytes_read"].get<uint64_t>(),
                  3u * kPage)
            << b;
        EXPECT_EQ(stats["chip0.dram.ch" + std::to_string(b)]["bytes_written"].get<uint64_t>(),
                  3u * kPage)
            << b;
    }
}

}  // namespace
