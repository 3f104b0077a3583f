#include "chip/chip.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace tensim {

Chip::Chip(const SystemConfig& sys, int chip_id, const ChipL1& mem)
    : m_id(chip_id),
      m_cfg(sys.chip),
      m_grid_x(sys.grid_x()),
      m_grid_y(sys.grid_y()),
      m_stats(fmt::format("chip{}", chip_id)) {
    m_niu = std::make_unique<NocTransactions>(m_cfg.noc, m_cfg.clock, m_stats.path());
    m_stats.add(m_niu->stats());

    // Tensix cores of the logical worker grid, their L1 in the system's window below 4 GiB.
    const uint32_t stride = mem.tensix_window.stride;
    for (int ly = 0; ly < m_grid_y; ++ly)
        for (int lx = 0; lx < m_grid_x; ++lx) {
            NocXY xy{sys.worker_cols[lx], sys.worker_rows[ly]};
            uint8_t* l1 = mem.tensix + m_workers.size() * stride;
            m_workers.push_back(std::make_unique<TensixCore>(m_cfg.tensix, m_cfg.risc,
                                                             m_cfg.compute, m_cfg.clock, m_id, xy,
                                                             lx, ly, l1, mem.tensix_window));
            m_workers.back()->set_noc_port(this);
            m_by_xy[xy] = m_workers.back().get();
            m_niu->place(xy, &m_workers.back()->l1_endpoint(), true);
        }

    // DRAM tiles: every NIU of a group reaches all the group's channels.
    m_dram = std::make_unique<Dram>(m_cfg.dram, m_stats.path() + ".dram");
    m_stats.add(m_dram->stats());
    m_banks = m_cfg.dram_banks();
    for (size_t g = 0; g < m_cfg.dram_groups.size(); ++g) {
        m_dram_tiles.push_back(
            std::make_unique<DramTile>(*m_dram, m_cfg.dram, static_cast<int>(g), m_id));
        for (auto xy : m_cfg.dram_groups[g]) m_niu->place(xy, m_dram_tiles.back().get(), false);
    }

    // Ethernet tiles: ERISC L1 in the system's Ethernet window; multicast does not reach them.
    const size_t n_eth = m_cfg.eth_tiles.size();
    if (n_eth) {
        for (size_t ch = 0; ch < n_eth; ++ch) {
            m_eth.push_back(std::make_unique<EthTile>(
                m_cfg.eth, m_cfg.tensix, m_cfg.risc, m_cfg.compute, m_cfg.clock, m_id,
                static_cast<int>(ch), m_cfg.eth_tiles[ch], mem.eth + ch * mem.eth_window.stride,
                mem.eth_window));
            m_eth.back()->core().set_noc_port(this);
            m_niu->place(m_cfg.eth_tiles[ch], &m_eth.back()->core().l1_endpoint(), false);
        }
    }
}

EthTile& Chip::eth(int channel) {
    if (channel < 0 || channel >= num_eth())
        throw HostError(fmt::format("chip{}: Ethernet channel {} does not exist (E0..E{})", m_id,
                                    channel, num_eth() - 1));
    return *m_eth[static_cast<size_t>(channel)];
}

std::vector<TensixCore*> Chip::cores() {
    std::vector<TensixCore*> out;
    for (auto& c : m_workers) out.push_back(c.get());
    for (auto& e : m_eth) out.push_back(&e->core());
    return out;
}

Chip::~Chip() { cancel_in_flight(); }

void Chip::cancel_in_flight() {
    m_niu->cancel_in_flight();
    for (auto& e : m_eth) e->cancel_in_flight();
    for (int i = 0; i < m_dram->num_channels(); ++i) m_dram->channel(i).clear_reservations();
}

TensixCore& Chip::worker(int lx, int ly) {
    if (lx < 0 || ly < 0 || lx >= m_grid_x || ly >= m_grid_y)
        throw HostError(fmt::format("chip{}: logical core ({},{}) is outside the {}x{} worker grid",
                                    m_id, lx, ly, m_grid_x, m_grid_y));
    return *m_workers[static_cast<size_t>(ly) * m_grid_x + lx];
}

TensixCore* Chip::core_at(NocXY xy) {
    auto it = m_by_xy.find(xy);
    return it == m_by_xy.end() ? nullptr : it->second;
}

uint32_t Chip::num_banks(bool dram) const {
    return dram ? static_cast<uint32_t>(m_banks.size()) : static_cast<uint32_t>(m_workers.size());
}

uint64_t Chip::bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, int noc) const {
    uint32_t n = num_banks(dram);
    if (bank >= n)
        throw KernelError(
            fmt::format("bank id {} out of range ({} {} banks)", bank, n, dram ? "DRAM" : "L1"));
    NocXY xy = dram ? m_banks[bank].endpoint[static_cast<size_t>(noc)] : m_workers[bank]->xy();
    uint64_t local = dram ? uint64_t(addr) + m_banks[bank].offset : addr;
    NocXY c = from_noc0(noc, xy);
    return m_cfg.noc.address.unicast(c.x, c.y, local);
}

void Chip::shutdown_threads() {
    for (TensixCore* c : cores())
        for (uint32_t r = 0; r < c->config().riscs; ++r) c->thread(static_cast<Risc>(r)).shutdown();
}

bool Chip::threads_finished() const {
    for (TensixCore* c : const_cast<Chip*>(this)->cores())
        for (uint32_t r = 0; r < c->config().riscs; ++r)
            if (!c->thread(static_cast<Risc>(r)).finished()) return false;
    return true;
}

uint32_t Chip::read(RiscThread& t, int noc, uint64_t src_addr, uint32_t dst_l1, uint32_t size,
                    Cycle t0) {
    return m_niu->read(t.core().initiator(t.risc()), noc, src_addr, dst_l1, size, t0);
}

uint32_t Chip::write(RiscThread& t, int noc, uint32_t src_l1, uint64_t dst_addr, uint32_t size,
                     NocVc vc, Cycle t0) {
    return m_niu->write(t.core().initiator(t.risc()), noc, src_l1, dst_addr, size, vc, t0);
}

uint32_t Chip::multicast(RiscThread& t, int noc, uint32_t src_l1, uint64_t mcast_addr,
                         uint32_t size, uint32_t num_dests, bool loopback_src, Cycle t0) {
    return m_niu->multicast(t.core().initiator(t.risc()), noc, src_l1, mcast_addr, size, num_dests,
                            loopback_src, t0);
}

void Chip::atomic_inc(RiscThread& t, int noc, uint64_t addr, uint32_t incr, Cycle t0) {
    m_niu->atomic_inc(t.core().initiator(t.risc()), noc, addr, incr, t0);
}

void Chip::inline_write(RiscThread& t, int noc, uint64_t addr, uint32_t value, Cycle t0) {
    m_niu->inline_write(t.core().initiator(t.risc()), noc, addr, value, t0);
}

}  // namespace tensim
