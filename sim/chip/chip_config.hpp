// The configuration of one chip and of a system (board) of chips, read from sim/arch/*.json.
// Plain data; the loader (arch_loader.hpp) checks keys and units.
#pragma once
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "dram/dram.hpp"
#include "noc/noc.hpp"
#include "tensix/compute_engine.hpp"
#include "tensix/risc_thread.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

// One DRAM bank as TT-Metal numbers them: a 1 GiB channel reached through one NoC endpoint per
// NoC (any endpoint of the channel's group reaches it; the firmware's table names one per NoC).
struct DramBank {
    int channel = 0;
    std::array<NocXY, 2> endpoint;  // by NoC, in NoC0 coordinates
    uint32_t offset = 0;  // B added to a bank-local address on the NoC (0 or 1 GiB)
};

struct ChipConfig {
    nlohmann::json source;  // the architecture JSON this was read from (units and sources included)
    std::string name = "wormhole_b0";
    ClockDomain clock;
    NocConfig noc;
    DramConfig dram;
    TensixConfig tensix;
    RiscConfig risc;
    ComputeEngineConfig compute;
    std::vector<int> tensix_cols, tensix_rows;      // NoC0 x / y of Tensix tiles
    std::vector<std::vector<NocXY>> dram_groups;    // endpoints per group of 2 channels
    std::vector<std::array<int, 2>> dram_bank_endpoints;  // per bank, per NoC: index into its group
    std::vector<NocXY> eth, pcie, arc;
    uint32_t l1_alignment_bytes = 16;       // B
    uint32_t dram_alignment_bytes = 32;   // B
    uint32_t dram_unreserved_base_bytes = 32;  // B
    double eth_link_gbytes_per_s = 12.5;
    double eth_link_latency_ns = 600;

    // Bank b is channel b, reached on NoC n through endpoint dram_bank_endpoints[b][n] of group
    // b / 2, at offset (b % 2) GiB.
    std::vector<DramBank> dram_banks() const;
    bool is_tensix(NocXY xy) const;
};

struct SystemConfig {
    std::string name = "n150";
    ChipConfig chip;
    int num_chips = 1;
    std::vector<int> worker_cols, worker_rows;  // NoC0 x / y of the logical worker grid
    std::vector<std::array<int, 4>> eth_links;   // chip, port, chip, port
    int grid_x() const { return static_cast<int>(worker_cols.size()); }
    int grid_y() const { return static_cast<int>(worker_rows.size()); }
};

}  // namespace tensim
