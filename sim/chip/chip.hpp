// One chip: places the tiles of the architecture file on the NoC grid (the logical worker grid of
// Tensix cores, the DRAM tiles in front of their channels) and forwards what a core's RISCs ask
// of the NoC to its transaction layer (noc/transactions.hpp). Modelled elsewhere: transactions
// (sim/noc), L1 (sim/tensix), channels (sim/dram). Abstracted: Ethernet, PCIe and ARC tiles (not
// yet endpoints). Numbers come from ChipConfig (sim/arch/*.json).
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.hpp"
#include "dram/dram.hpp"
#include "dram/dram_tile.hpp"
#include "eth/eth_tile.hpp"
#include "noc/noc.hpp"
#include "noc/transactions.hpp"
#include "tensix/noc_port.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

// Where a NoC address lands: the endpoint, its tile, the offset in it.
using NocTarget = NocTransactions::Target;

// Where a chip's cores find their L1: its slices of the system's one mapping below 4 GiB
// (sim/system/system.cpp) and the windows that map kernel addresses back to L1 offsets.
struct ChipL1 {
    uint8_t* tensix =
        nullptr;  // the chip's first worker's L1; workers follow at tensix_window.stride
    L1Window tensix_window;
    uint8_t* eth = nullptr;  // E0's L1; the other channels follow at eth_window.stride
    L1Window eth_window;
};

class Chip : public NocPort {
public:
    Chip(const SystemConfig& sys, int chip_id, const ChipL1& l1);
    ~Chip() override;

    int id() const { return m_id; }
    const ChipConfig& config() const { return m_cfg; }
    const ClockDomain& clock() const { return m_cfg.clock; }
    int grid_x() const { return m_grid_x; }
    int grid_y() const { return m_grid_y; }
    TensixCore& worker(int logical_x, int logical_y);
    TensixCore* core_at(NocXY xy);  // nullptr when no worker there
    const std::vector<std::unique_ptr<TensixCore>>& workers() const { return m_workers; }
    Noc& noc(int i) { return m_niu->noc(i); }
    Dram& dram() { return *m_dram; }
    // Ethernet tile E<channel> (its ERISC core, L1 and port); links are wired by the System.
    int num_eth() const { return static_cast<int>(m_eth.size()); }
    EthTile& eth(int channel);
    const std::vector<std::unique_ptr<EthTile>>& eth_tiles() const { return m_eth; }
    const std::vector<DramBank>& dram_banks() const { return m_banks; }

    // ---- NoC transactions, issued by `t` at cycle t0 (its first packet leaves one issue cost
    // later). `noc` selects the NoC; addresses are in that NoC's coordinates, as kernels build
    // them. Each returns the number of packets issued. Errors are KernelErrors naming `t`.
    uint32_t read(RiscThread& t, int noc, uint64_t src_addr, uint32_t dst_l1, uint32_t size,
                  Cycle t0) override;
    uint32_t write(RiscThread& t, int noc, uint32_t src_l1, uint64_t dst_addr, uint32_t size,
                   NocVc vc, Cycle t0) override;
    uint32_t multicast(RiscThread& t, int noc, uint32_t src_l1, uint64_t mcast_addr, uint32_t size,
                       uint32_t num_dests, bool loopback_src, Cycle t0) override;
    void atomic_inc(RiscThread& t, int noc, uint64_t addr, uint32_t incr, Cycle t0) override;
    void inline_write(RiscThread& t, int noc, uint64_t addr, uint32_t value, Cycle t0) override;
    uint32_t num_banks(bool dram) const override;
    uint32_t bank_page_alignment(bool dram) const override {
        return dram ? m_cfg.noc.dram_alignment_bytes : m_cfg.noc.l1_alignment_bytes;
    }
    uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, int noc) const override;
    uint32_t noc_x(int noc, uint32_t x0, uint32_t y0) const override {
        return to_noc0(noc, {int(x0), int(y0)}).x;
    }
    uint32_t noc_y(int noc, uint32_t x0, uint32_t y0) const override {
        return to_noc0(noc, {int(x0), int(y0)}).y;
    }
    NocAddressLayout address_layout() const override { return m_cfg.noc.address; }

    // Resolves a unicast NoC address of `size` bytes; throws KernelError (prefixed by `who`).
    NocTarget decode(int noc, uint64_t addr, uint32_t size, const std::string& who) const {
        return m_niu->decode(noc, addr, size, who);
    }
    NocXY to_noc0(int noc, NocXY xy) const { return m_cfg.noc.to_noc(noc, xy); }
    NocXY from_noc0(int noc, NocXY xy) const { return m_cfg.noc.to_noc(noc, xy); }  // an involution
    NocTransactions& transactions() { return *m_niu; }

    // Drops the NoC traffic still in flight (after a program was aborted).
    void cancel_in_flight();

    // ---- threads ----
    // Every core whose threads may run kernels: the workers, then the Ethernet tiles' cores.
    std::vector<TensixCore*> cores();
    void shutdown_threads();
    bool threads_finished() const;

    // The chip's stats group ("chip<id>"): its NoCs' and DRAM channels' groups.
    stats::Group& stats() { return m_stats; }
    void reset_stats() { m_stats.reset(); }

private:
    int m_id;
    ChipConfig m_cfg;
    int m_grid_x, m_grid_y;
    stats::Group m_stats;
    std::vector<std::unique_ptr<TensixCore>> m_workers;  // logical row-major
    std::map<NocXY, TensixCore*> m_by_xy;
    std::unique_ptr<Dram> m_dram;
    std::vector<std::unique_ptr<DramTile>> m_dram_tiles;  // one per DRAM group
    std::vector<std::unique_ptr<EthTile>> m_eth;          // by channel
    std::vector<DramBank> m_banks;
    // Last, so that it goes first: its pending deliveries refer to the endpoints above.
    std::unique_ptr<NocTransactions> m_niu;
};

}  // namespace tensim
