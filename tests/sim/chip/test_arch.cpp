// Architecture files: the shipped ones load; unknown keys, wrong units, missing sources and
// impossible values are ConfigErrors that name the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "chip/arch_loader.hpp"
#include "common/error.hpp"
#include "noc/noc.hpp"

namespace {

using tensim::ConfigError;

nlohmann::json chip_json() {
    std::ifstream in(tensim::arch_dir() + "/wormhole_b0.json");
    return nlohmann::json::parse(in);
}

std::string config_error(const nlohmann::json& j) {
    try {
        tensim::load_chip(j, "test");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ArchFiles, ShippedBoardsLoad) {
    auto n150 = tensim::load_system("n150");
    EXPECT_EQ(n150.num_chips, 1);
    EXPECT_EQ(n150.grid_x(), 8);
    EXPECT_EQ(n150.grid_y(), 8);
    EXPECT_EQ(n150.chip.tensix.l1_size_kib, 1464u);
    EXPECT_EQ(n150.chip.dram.channels, 12);
    EXPECT_EQ(n150.chip.noc.grid_x, 10);
    EXPECT_EQ(n150.chip.noc.grid_y, 12);
    EXPECT_DOUBLE_EQ(n150.chip.clock.freq_mhz, 1000.0);
    auto n300 = tensim::load_system("n300");
    EXPECT_EQ(n300.num_chips, 2);
    ASSERT_EQ(n300.eth_links.size(), 2u);
    EXPECT_EQ(n300.eth_links[0].channels, (std::array<int, 2>{8, 0}));  // E8 <-> E0
    EXPECT_TRUE(n300.eth_links[0].dispatch);
    EXPECT_FALSE(n300.eth_links[1].dispatch);
    auto t3000 = tensim::load_system("t3000");
    EXPECT_EQ(t3000.num_chips, 8);
    EXPECT_EQ(t3000.mesh_shape, (std::array<int, 2>{2, 4}));
    EXPECT_EQ(t3000.eth_links.size(), 20u);  // two per neighbour pair of the 2x4 mesh
    auto galaxy = tensim::load_system("galaxy");
    EXPECT_EQ(galaxy.num_chips, 32);
    // An inner chip uses all 16 ports, four per neighbour.
    const int inner = galaxy.chip_at(1, 3);
    for (int ch = 0; ch < 16; ++ch) EXPECT_NE(galaxy.link_at(inner, ch), nullptr) << ch;
    auto chip = tensim::load_system("wormhole_b0");  // a chip file alone: the whole Tensix grid
    EXPECT_EQ(chip.grid_x(), 8);
    EXPECT_EQ(chip.grid_y(), 10);
}

TEST(ArchFiles, DramBanksFollowTtMetalNumbering) {
    auto banks = tensim::load_system("n150").chip.dram_banks();
    ASSERT_EQ(banks.size(), 12u);
    // Each bank is reached through an endpoint of its own group (g = bank / 2), on both NoCs.
    const auto& groups = tensim::load_system("n150").chip.dram_groups;
    for (size_t b = 0; b < banks.size(); ++b)
        for (int noc : {0, 1}) {
            const auto& g = groups[b / 2];
            EXPECT_NE(std::find(g.begin(), g.end(), banks[b].endpoint[noc]), g.end())
                << "bank " << b;
        }
    EXPECT_EQ(banks[0].endpoint[0], (tensim::NocXY{0, 1}));
    EXPECT_EQ(banks[0].offset, 0u);
    EXPECT_EQ(banks[1].endpoint[0], (tensim::NocXY{0, 11}));
    EXPECT_EQ(banks[1].offset, 1u << 30);  // the second 1 GiB view of group 0
    EXPECT_EQ(banks[11].channel, 11);
    EXPECT_EQ(banks[11].endpoint[1], (tensim::NocXY{5, 7}));
}

TEST(ArchFiles, UnknownKeyIsNamed) {
    auto j = chip_json();
    j["noc"]["link_bytes_per_cycel"] = {{"value", 32}, {"unit", "B/cycle"}, {"source", "typo"}};
    EXPECT_NE(config_error(j).find("test.noc: unknown key 'link_bytes_per_cycel'"),
              std::string::npos)
        << config_error(j);
}

TEST(ArchFiles, WrongUnitIsNamed) {
    auto j = chip_json();
    j["tensix"]["l1_size_kib"]["unit"] = "MiB";
    EXPECT_NE(config_error(j).find("test.tensix.l1_size_kib: unit is 'MiB', expected 'KiB'"),
              std::string::npos)
        << config_error(j);
}

TEST(ArchFiles, ConstantWithoutSourceIsRejected) {
    auto j = chip_json();
    j["dram"]["channel_bytes_per_cycle"].erase("source");
    EXPECT_NE(
        config_error(j).find("test.dram.channel_bytes_per_cycle: every constant needs a source"),
        std::string::npos)
        << config_error(j);
}

TEST(ArchFiles, ImpossibleValuesAreRejected) {
    auto j = chip_json();
    j["tensix"]["l1_size_kib"]["value"] = 64;  // below the reserved firmware region
    EXPECT_NE(config_error(j).find("test.tensix.l1_size_kib"), std::string::npos)
        << config_error(j);
    j = chip_json();
    j["dram"]["channels"]["value"] = 13;  // at most two channels per DRAM group
    EXPECT_NE(config_error(j).find("test.dram.channels"), std::string::npos) << config_error(j);
    j = chip_json();
    j["clock_mhz"]["value"] = -1;
    EXPECT_NE(config_error(j).find("test.clock_mhz"), std::string::npos) << config_error(j);
}

TEST(ArchFiles, UnknownNameListsKnownOnes) {
    try {
        tensim::load_system("n151");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown architecture 'n151'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("n150"), std::string::npos);
    }
}

TEST(ArchFiles, ResolvedConfigReloadsToTheSameConfig) {
    auto n300 = tensim::load_system("n300");
    auto j = tensim::to_json(n300);
    EXPECT_EQ(j["chip"]["noc"]["router_hop_cycles"]["value"], 9);
    EXPECT_EQ(j["chip"]["noc"]["router_hop_cycles"]["unit"], "cycles");
    std::string file = ::testing::TempDir() + "/resolved_n300.json";
    std::ofstream(file) << j.dump(2);
    auto back = tensim::load_system(file);
    EXPECT_EQ(tensim::to_json(back), j);
    EXPECT_EQ(back.num_chips, 2);
    EXPECT_EQ(back.grid_x(), 8);
    EXPECT_EQ(back.chip.dram_banks()[5].endpoint, n300.chip.dram_banks()[5].endpoint);
    EXPECT_EQ(back.eth_links, n300.eth_links);
}

TEST(ArchFiles, LinksAreChecked) {
    auto board = [](nlohmann::json links) {
        std::ifstream in(tensim::arch_dir() + "/n300.json");
        nlohmann::json j = nlohmann::json::parse(in);
        j["eth_links"]["value"] = links;
        std::string file = ::testing::TempDir() + "/bad_links.json";
        std::ofstream(file) << j.dump();
        try {
            tensim::load_system(file);
        } catch (const tensim::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(board({{0, 8, 1, 0}, {0, 8, 1, 1}}).find("wired twice"), std::string::npos);
    EXPECT_NE(board({{0, 16, 1, 0}}).find("does not exist"), std::string::npos);
    EXPECT_NE(board({{{"ports", {{0, 1}, {1, 1}}}, {"speed", 3}}}).find("unknown key 'speed'"),
              std::string::npos);
    // Found by fuzz/: a chip number no int holds, a negative per-link latency.
    const std::string huge = board({{0, 0, 6.6e98, 1}});
    EXPECT_NE(huge.find("eth_links[0]"), std::string::npos) << huge;
    EXPECT_NE(huge.find("out of range"), std::string::npos) << huge;
    const std::string lat = board({{{"ports", {{0, 0}, {0, 1}}}, {"link_latency_cycles", -1}}});
    EXPECT_NE(lat.find("negative"), std::string::npos) << lat;
    // Per-link overrides replace the chip's constants for that link only.
    const std::string file = ::testing::TempDir() + "/slow_link.json";
    {
        std::ifstream in(tensim::arch_dir() + "/n300.json");
        nlohmann::json j = nlohmann::json::parse(in);
        j["eth_links"]["value"][1] = {{"ports", {{0, 9}, {1, 1}}},
                                      {"line_bytes_per_cycle", 6.25},
                                      {"link_latency_cycles", 900}};
        std::ofstream(file) << j.dump();
    }
    const auto s = tensim::load_system(file);
    const tensim::EthConfig slow = s.eth_links[1].config(s.chip.eth);
    EXPECT_DOUBLE_EQ(slow.line_bytes_per_cycle, 6.25);
    EXPECT_EQ(slow.link_latency_cycles, 900u);
    EXPECT_EQ(s.eth_links[0].config(s.chip.eth), s.chip.eth);
}

}  // namespace

namespace {
TEST(ArchFiles, MissingConstantIsNamed) {
    auto j = chip_json();
    j["risc"].erase("noc_barrier_cycles");
    EXPECT_NE(config_error(j).find("test.risc.noc_barrier_cycles: missing"), std::string::npos)
        << config_error(j);
}
}  // namespace

namespace {
TEST(ArchOverrides, SetConstantsAndTheWorkerGrid) {
    auto s =
        tensim::load_system("n150", {"tensix.l1_size_kib=512", "worker_grid=4x2", "clock_mhz=1200",
                                     "dram.channels=8", "noc.link_bytes_per_cycle=64"});
    EXPECT_EQ(s.chip.tensix.l1_size_kib, 512u);
    EXPECT_EQ(s.grid_x(), 4);
    EXPECT_EQ(s.grid_y(), 2);
    EXPECT_DOUBLE_EQ(s.chip.clock.freq_mhz, 1200.0);
    EXPECT_EQ(s.chip.dram_banks().size(), 8u);
    EXPECT_DOUBLE_EQ(s.chip.noc.link_bytes_per_cycle, 64.0);
    // The resolved file records where each overridden value came from, and reloads.
    auto j = tensim::to_json(s);
    EXPECT_EQ(j["chip"]["tensix"]["l1_size_kib"]["source"], "override tensix.l1_size_kib=512");
}

// The ConfigError message of loading n150 with overrides `o`, or "no error".
std::string override_error(const std::vector<std::string>& o) {
    try {
        tensim::load_system("n150", o);
    } catch (const tensim::ConfigError& e) {
        return std::string(e.what());
    }
    return std::string("no error");
}

TEST(ArchOverrides, BadOverridesNameTheKey) {
    EXPECT_NE(override_error({"tensix.l1_size_kb=5"}).find("unknown key 'tensix.l1_size_kb'"),
              std::string::npos);
    EXPECT_NE(override_error({"noc=3"}).find("'noc' is a group, not a constant"),
              std::string::npos);
    EXPECT_NE(override_error({"worker_grid=9x9"}).find("the board has 8x8 workers"),
              std::string::npos);
    EXPECT_NE(override_error({"tensix.l1_size_kib=64"}).find("tensix.l1_size_kib"),
              std::string::npos);  // below reserved
    EXPECT_NE(override_error({"dram.channels=13"}).find("dram.channels"), std::string::npos);
    EXPECT_NE(override_error({"clock_mhz"}).find("expected key=value"), std::string::npos);
}
}  // namespace

namespace {
// Every block's defaults (its config struct's in-class initialisers) are Wormhole's: the code and
// wormhole_b0.json must not drift apart (docs/architecture.md, "Parameters").
TEST(ArchDefaults, EveryDeclaredDefaultEqualsWormholeB0) {
    tensim::ChipConfig c = tensim::load_chip(chip_json(), "wormhole_b0");
    EXPECT_TRUE(c.noc == tensim::NocConfig{})
        << "NocConfig defaults differ from wormhole_b0.json noc/grid";
    EXPECT_TRUE(c.noc.endpoint_buffer == tensim::PortBufferConfig{});
    EXPECT_TRUE(c.dram == tensim::DramConfig{})
        << "DramConfig defaults differ from wormhole_b0.json dram";
    EXPECT_TRUE(c.tensix == tensim::TensixConfig{})
        << "TensixConfig defaults differ from wormhole_b0.json tensix";
    EXPECT_TRUE(c.risc == tensim::RiscConfig{})
        << "RiscConfig defaults differ from wormhole_b0.json risc";
    c.compute.sfpu_cycles
        .clear();  // the SFPU table is data only (numerics::sfpu_default_cost otherwise)
    EXPECT_TRUE(c.compute == tensim::ComputeEngineConfig{})
        << "ComputeEngineConfig defaults differ (compute)";
    EXPECT_TRUE(c.eth == tensim::EthConfig{})
        << "EthConfig defaults differ from wormhole_b0.json eth";
    EXPECT_DOUBLE_EQ(c.clock.freq_mhz, tensim::ClockDomain{}.freq_mhz);
}

TEST(ArchFiles, WormholeStructureComesFromTheFile) {
    const tensim::ChipConfig c = tensim::load_chip(chip_json(), "test");
    ASSERT_EQ(c.noc.count(), 2);
    EXPECT_EQ(c.noc.nocs[1].step_x, -1);
    EXPECT_FALSE(c.noc.nocs[1].x_first);
    EXPECT_TRUE(c.noc.nocs[1].mirrored);
    EXPECT_EQ(c.noc.to_noc(1, {1, 1}), (tensim::NocXY{8, 10}));
    EXPECT_EQ(c.dram.channels_per_tile, 2);
    EXPECT_EQ(c.tensix.riscs, 5u);
    // A different dimension order on NoC0 is read, and changes the routing.
    auto j = chip_json();
    j["noc"]["axis_order"]["value"][0] = {"+y", "+x"};
    const tensim::ChipConfig y_first = tensim::load_chip(j, "test");
    EXPECT_FALSE(y_first.noc.nocs[0].x_first);
    const tensim::Noc noc(y_first.noc, 0, "noc0");
    EXPECT_EQ(noc.link_name(noc.route({1, 1}, {3, 4}).front()), "noc0.link_1_1_south");
}

TEST(ArchFiles, StructuralKeysAreChecked) {
    auto j = chip_json();
    j["noc"]["axis_order"]["value"][1] = {"-y", "-y"};
    EXPECT_NE(config_error(j).find("test.noc.axis_order"), std::string::npos) << config_error(j);
    j = chip_json();
    j["noc"]["routing"]["value"] = "west_first";
    EXPECT_NE(config_error(j).find("test.noc.routing: unknown routing policy 'west_first'"),
              std::string::npos)
        << config_error(j);
    j = chip_json();
    j["tensix"]["riscs"]["value"] = 4;
    EXPECT_NE(config_error(j).find("test.tensix.riscs"), std::string::npos) << config_error(j);
    j = chip_json();
    j["noc"]["address_node_bits"]["value"] = 3;  // cannot name x = 9
    EXPECT_NE(config_error(j).find("test.noc.address_node_bits"), std::string::npos)
        << config_error(j);
    j = chip_json();
    j["dram"]["channels_per_tile"]["value"] = 1;  // 6 tiles of one channel cannot hold 12
    EXPECT_NE(config_error(j).find("test.dram.channels"), std::string::npos) << config_error(j);
    j = chip_json();
    j["eth"]["link_gbytes_per_s"] = {{"value", 12.5}, {"unit", "GB/s"}, {"source", "x"}};
    EXPECT_NE(config_error(j).find("unknown key 'link_gbytes_per_s'"), std::string::npos)
        << config_error(j);
    j = chip_json();
    j["grid"]["pcie"]["value"] = {{1, 1}};  // a Tensix tile
    EXPECT_NE(config_error(j).find("test.grid.pcie"), std::string::npos) << config_error(j);
}
}  // namespace

namespace {
// A misspelt key is named before the key it leaves missing, with the key it was probably meant
// to be; a key nothing resembles is named alone.
TEST(ArchFiles, MisspeltKeyIsNamedBeforeTheKeyItMisses) {
    auto j = chip_json();
    j["tensix"]["l1_size_kb"] = j["tensix"]["l1_size_kib"];
    j["tensix"].erase("l1_size_kib");
    const std::string e = config_error(j);
    EXPECT_NE(e.find("test.tensix: unknown key 'l1_size_kb' (did you mean 'l1_size_kib'?)"),
              std::string::npos)
        << e;
    EXPECT_EQ(e.find("missing"), std::string::npos) << e;
    j = chip_json();
    j["noc"]["zzzz_qqqq"] = {{"value", 1}, {"unit", "x"}, {"source", "x"}};
    const std::string alone = config_error(j);
    EXPECT_NE(alone.find("unknown key 'zzzz_qqqq'"), std::string::npos) << alone;
    EXPECT_EQ(alone.find("did you mean"), std::string::npos) << alone;
}

// Integers must fit their field: nlohmann would turn -6 into 2^64 - 6 in an unsigned latency.
TEST(ArchOverrides, NegativeAndOutOfRangeIntegersAreRefused) {
    for (const char* key : {"dram.read_latency_cycles", "noc.router_hop_cycles",
                            "tensix.l1_size_kib", "risc.noc_cmd_issue_cycles"}) {
        const std::string e = override_error({std::string(key) + "=-6"});
        EXPECT_NE(e.find(key), std::string::npos) << e;
        EXPECT_NE(e.find("-6 is negative"), std::string::npos) << e;
    }
    const std::string big = override_error({"tensix.l1_size_kib=1e12"});
    EXPECT_NE(big.find("out of range"), std::string::npos) << big;
    const std::string frac = override_error({"dram.read_latency_cycles=2.5"});
    EXPECT_NE(frac.find("whole number"), std::string::npos) << frac;
    const std::string typo = override_error({"tensix.l1_size_kb=5"});
    EXPECT_NE(typo.find("did you mean 'tensix.l1_size_kib'?"), std::string::npos) << typo;
}

// Round 14 probe (docs/robustness.md): an alignment of 0 divided by zero at the first buffer
// (SIGFPE, exit 136), a non-positive combined unpack rate was accepted and divided by, and the
// grouped checks named their section, not the key.
TEST(ArchOverrides, ZeroAlignmentsAndRatesAreRefusedByKey) {
    for (const char* key : {"noc.l1_alignment_bytes", "noc.dram_alignment_bytes"}) {
        for (const char* v : {"=0", "=24"}) {
            const std::string e = override_error({std::string(key) + v});
            EXPECT_NE(e.find(key), std::string::npos) << e;
            EXPECT_NE(e.find("power of two"), std::string::npos) << e;
        }
    }
    // The NoC's word is the L1 alignment: DRAM pages must start on one.
    const std::string d = override_error({"noc.dram_alignment_bytes=8"});
    EXPECT_NE(d.find("dram_alignment_bytes: must be at least l1_alignment_bytes (16)"),
              std::string::npos)
        << d;
    EXPECT_EQ(override_error({"noc.dram_alignment_bytes=64"}), "no error");
    for (const char* key :
         {"noc.flit_bytes", "noc.link_bytes_per_cycle", "noc.niu_inject_bytes_per_cycle",
          "noc.niu_absorb_bytes_per_cycle", "compute.unpack_bytes_per_cycle",
          "compute.unpack_slow_bytes_per_cycle", "compute.unpack_combined_bytes_per_cycle",
          "compute.pack_bytes_per_cycle"}) {
        const std::string e = override_error({std::string(key) + "=0"});
        EXPECT_NE(e.find(std::string(key) + ": must be positive"), std::string::npos) << e;
    }
    EXPECT_NE(override_error({"compute.unpack_combined_bytes_per_cycle=-1"}).find("positive"),
              std::string::npos);
}

// Round 14 probe: `true` was read as 1 into a number (`"flit_bytes": {"value": true}` passed
// validation), and type errors quoted nlohmann's "[json.exception.type_error.302]" tag.
TEST(ArchOverrides, BooleansAreNotNumbersAndTypeErrorsReadPlainly) {
    const std::string b = override_error({"noc.flit_bytes=true"});
    EXPECT_NE(b.find("noc.flit_bytes: bad value: expected a number, got true"), std::string::npos)
        << b;
    const std::string t = override_error({"tensix.l1_size_kib=\"abc\""});
    EXPECT_NE(t.find("tensix.l1_size_kib: bad value: type must be number, but is string"),
              std::string::npos)
        << t;
    EXPECT_EQ(t.find("json.exception"), std::string::npos) << t;
}

// Found by fuzz/ (docs/robustness.md "Fuzzing"): numbers no integer holds were converted before
// they were checked (undefined behaviour: a fuzzer's UBSan report, a garbage value elsewhere).
// 2^64 as a float passed the range check of a 64-bit field, whose maximum rounds up to it.
TEST(ArchOverrides, NumbersNoIntegerHoldsAreRefused) {
    for (const char* o :
         {"dram.read_latency_cycles=1e99", "dram.read_latency_cycles=1.8446744073709552e19",
          "tensix.l1_size_kib=1e99", "num_chips=-1e300"})
        EXPECT_NE(override_error({o}).find("out of range"), std::string::npos) << o;
}
}  // namespace
