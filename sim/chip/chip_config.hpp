// The configuration of one chip and of a system (board) of chips, read from sim/arch/*.json.
// Plain data: each block's struct reads its own section (NocConfig::load, DramConfig::load, ...);
// the chip reads the grid and checks what spans blocks; load_chip (arch_loader.hpp) assembles.
#pragma once
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/params.hpp"
#include "dram/dram.hpp"
#include "eth/eth_config.hpp"
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
    uint32_t offset = 0;            // B added to a bank-local address on the NoC (0 or 1 GiB)
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
    EthConfig eth;
    std::vector<int> tensix_cols, tensix_rows;            // NoC0 x / y of Tensix tiles
    std::vector<std::vector<NocXY>> dram_groups;          // endpoints per group of 2 channels
    std::vector<std::array<int, 2>> dram_bank_endpoints;  // per bank, per NoC: index into its group
    std::vector<NocXY> eth_tiles;  // NoC0 xy of the Ethernet tiles (sim/eth), by channel
    std::vector<NocXY> pcie, arc;  // tiles not yet modelled as endpoints (placement only)

    // Bank b is channel b, reached on NoC n through endpoint dram_bank_endpoints[b][n] of group
    // b / channels_per_tile, at offset (b % channels_per_tile) channel sizes.
    std::vector<DramBank> dram_banks() const;
    bool is_tensix(NocXY xy) const;
    // Reads the "grid" section (tile positions; the grid size goes to noc.grid_x / grid_y).
    void load_grid(Params& g);
    // Checks what spans blocks (tiles inside the grid and apart, banks against DRAM groups).
    void validate(const std::string& path) const;
};

// One Ethernet link of a system: port (chip a, channel i) <-> (chip b, channel j), both directions.
// Overrides replace the chip's eth.line_bytes_per_cycle / eth.link_latency_cycles for this link.
struct EthLinkSpec {
    std::array<int, 2> chips{}, channels{};
    bool dispatch = false;  // reserved by dispatch: user kernels may not run on its two tiles
    std::optional<double> line_bytes_per_cycle;
    std::optional<Cycle> link_latency_cycles;
    // The chip's eth configuration with this link's overrides applied.
    EthConfig config(const EthConfig& chip) const;
    bool operator==(const EthLinkSpec&) const = default;
};

struct SystemConfig {
    std::string name = "n150";
    ChipConfig chip;
    int num_chips = 1;
    std::vector<int> worker_cols, worker_rows;    // NoC0 x / y of the logical worker grid
    std::array<int, 2> mesh_shape{1, 1};          // rows, columns of the chip mesh
    std::vector<std::array<int, 2>> mesh_coords;  // per chip: row, column in the mesh
    std::vector<EthLinkSpec> eth_links;
    int grid_x() const { return static_cast<int>(worker_cols.size()); }
    int grid_y() const { return static_cast<int>(worker_rows.size()); }
    // The link at (chip, channel), or nullptr when that port is not wired.
    const EthLinkSpec* link_at(int chip, int channel) const;
    // The chip at mesh (row, col), or -1.
    int chip_at(int row, int col) const;
};

}  // namespace tensim
