#include "chip/chip_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace tensim {

namespace {
std::vector<NocXY> xy_list(const std::vector<std::array<int, 2>>& v) {
    std::vector<NocXY> out;
    for (auto [x, y] : v) out.push_back({x, y});
    return out;
}
}  // namespace

void ChipConfig::load_grid(Params& g) {
    std::array<int, 2> size{noc.grid_x, noc.grid_y};
    g.constant("size", "tiles", size, "NoC grid columns and rows");
    noc.grid_x = size[0];
    noc.grid_y = size[1];
    g.constant("tensix_cols", "x", tensix_cols, "columns holding Tensix tiles");
    g.constant("tensix_rows", "y", tensix_rows, "rows holding Tensix tiles");
    std::vector<std::vector<std::array<int, 2>>> groups;
    g.constant("dram_groups", "xy", groups, "per DRAM tile, the NIUs that reach its channels");
    dram_groups.clear();
    for (auto& grp : groups) dram_groups.push_back(xy_list(grp));
    g.constant("dram_bank_endpoints", "endpoint index per noc", dram_bank_endpoints,
               "per bank and NoC, which NIU of its group kernels address");
    std::vector<std::array<int, 2>> e, p, a;
    g.constant("eth", "xy", e, "Ethernet tiles (ports E0..)");
    g.constant("pcie", "xy", p, "PCIe tiles");
    g.constant("arc", "xy", a, "ARC tiles");
    eth_tiles = xy_list(e);
    pcie = xy_list(p);
    arc = xy_list(a);
    g.require(noc.grid_x > 0 && noc.grid_y > 0, "size", "must be positive");
}

void ChipConfig::validate(const std::string& path) const {
    // Fewer channels than the groups hold leave the last groups' channels unpopulated.
    const int per_tile = dram.channels_per_tile;
    const size_t max_channels = static_cast<size_t>(per_tile) * dram_groups.size();
    require(dram.channels > 0 && static_cast<size_t>(dram.channels) <= max_channels,
            path + ".dram.channels",
            fmt::format("must be 1..{} ({} per DRAM group in grid.dram_groups)", max_channels,
                        per_tile));
    require(dram_bank_endpoints.size() >= static_cast<size_t>(dram.channels),
            path + ".grid.dram_bank_endpoints",
            fmt::format("needs an entry for each of the {} DRAM channels", dram.channels));
    for (size_t b = 0; b < dram_bank_endpoints.size(); ++b) {
        const size_t g = b / static_cast<size_t>(per_tile);
        for (int i : dram_bank_endpoints[b])
            require(
                g < dram_groups.size() && i >= 0 && static_cast<size_t>(i) < dram_groups[g].size(),
                path + ".grid.dram_bank_endpoints",
                fmt::format("bank {}: endpoint index {} is not an endpoint of DRAM group {}", b, i,
                            g));
    }
    require(eth_tiles.size() == eth.tiles, path + ".eth.tiles",
            fmt::format("{} Ethernet tiles, but grid.eth places {}", eth.tiles, eth_tiles.size()));
    for (int x : tensix_cols)
        require(x >= 0 && x < noc.grid_x, path + ".grid.tensix_cols", "outside the grid");
    for (int y : tensix_rows)
        require(y >= 0 && y < noc.grid_y, path + ".grid.tensix_rows", "outside the grid");
    auto inside = [&](NocXY xy) {
        return xy.x >= 0 && xy.x < noc.grid_x && xy.y >= 0 && xy.y < noc.grid_y;
    };
    std::set<NocXY> taken;
    for (const auto& grp : dram_groups) {
        require(!grp.empty(), path + ".grid.dram_groups", "a group needs at least one endpoint");
        for (auto xy : grp) {
            require(
                inside(xy) && !is_tensix(xy) && taken.insert(xy).second, path + ".grid.dram_groups",
                fmt::format("endpoint {}-{} is outside the grid, on a Tensix tile or in two groups",
                            xy.x, xy.y));
        }
    }
    for (const auto& [key, tiles] :
         {std::pair<const char*, const std::vector<NocXY>*>{"eth", &eth_tiles},
          {"pcie", &pcie},
          {"arc", &arc}})
        for (auto xy : *tiles)
            require(inside(xy) && !is_tensix(xy) && taken.insert(xy).second, path + ".grid." + key,
                    fmt::format("tile {}-{} is outside the grid or on another tile", xy.x, xy.y));
}

EthConfig EthLinkSpec::config(const EthConfig& chip) const {
    EthConfig c = chip;
    if (line_bytes_per_cycle) c.line_bytes_per_cycle = *line_bytes_per_cycle;
    if (link_latency_cycles) c.link_latency_cycles = *link_latency_cycles;
    return c;
}

const EthLinkSpec* SystemConfig::link_at(int chip, int channel) const {
    for (const auto& l : eth_links)
        for (int side = 0; side < 2; ++side)
            if (l.chips[side] == chip && l.channels[side] == channel) return &l;
    return nullptr;
}

int SystemConfig::chip_at(int row, int col) const {
    for (size_t i = 0; i < mesh_coords.size(); ++i)
        if (mesh_coords[i] == std::array<int, 2>{row, col}) return static_cast<int>(i);
    return -1;
}

bool ChipConfig::is_tensix(NocXY xy) const {
    return std::find(tensix_cols.begin(), tensix_cols.end(), xy.x) != tensix_cols.end() &&
           std::find(tensix_rows.begin(), tensix_rows.end(), xy.y) != tensix_rows.end();
}

std::vector<DramBank> ChipConfig::dram_banks() const {
    std::vector<DramBank> banks;
    const int per_tile = dram.channels_per_tile;
    for (int b = 0; b < dram.channels; ++b) {
        const auto& grp = dram_groups[static_cast<size_t>(b / per_tile)];
        const auto& idx = dram_bank_endpoints[static_cast<size_t>(b)];
        banks.push_back({b,
                         {grp[static_cast<size_t>(idx[0])], grp[static_cast<size_t>(idx[1])]},
                         static_cast<uint32_t>((b % per_tile) * dram.channel_size_bytes)});
    }
    return banks;
}

}  // namespace tensim
