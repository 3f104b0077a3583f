#include "tensix/tensix_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "noc/serialisation.hpp"
#include "tensix/l1_map.hpp"

namespace tensim {

TensixCore::TensixCore(const TensixConfig& cfg, const RiscConfig& risc_cfg,
                       const ComputeEngineConfig& compute_cfg, const ClockDomain& clock,
                       int chip_id, NocXY xy, int logical_x, int logical_y, uint8_t* l1,
                       L1Window window)
    : m_cfg(cfg),
      m_clock(clock),
      m_chip_id(chip_id),
      m_xy(xy),
      m_logical_x(logical_x),
      m_logical_y(logical_y),
      m_l1(l1),
      m_window(window),
      m_window_addr(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(l1))),
      m_compute(compute_cfg, *this) {
    // A Tensix tile has five RISCs; an Ethernet tile's core has one (the ERISC).
    for (int r = 0; r < static_cast<int>(std::min<uint32_t>(cfg.riscs, 5)); ++r) {
        m_threads[r] = std::make_unique<RiscThread>(*this, static_cast<Risc>(r), risc_cfg);
        m_initiators[r] = std::make_unique<RiscInitiator>(*m_threads[r]);
    }
}

void TensixCore::notify(unsigned threads, unsigned ready) {
    ++m_changes;
    // The waiting threads in RISC order, as a loop over all five visited them. A condition is
    // checked here, from the core's copy, without touching its thread unless it wakes.
    for (unsigned m = threads; m != 0; m &= m - 1) {
        const int r = std::countr_zero(m);
        if (((ready >> r) & 1u) || m_conditions[static_cast<size_t>(r)]()) m_threads[r]->wake();
    }
}

std::string TensixCore::name() const {
    if (m_eth)
        return fmt::format("chip{} eth core (0,{}) [noc0 {}-{}]", m_chip_id, m_eth_channel, m_xy.x,
                           m_xy.y);
    return fmt::format("chip{} core ({},{}) [noc0 {}-{}]", m_chip_id, m_logical_x, m_logical_y,
                       m_xy.x, m_xy.y);
}

std::optional<uint32_t> TensixCore::l1_offset(uint64_t addr, uint32_t size) const {
    uint64_t off = addr;
    uint64_t region_end = uint64_t(m_window.base) + uint64_t(m_window.stride) * m_window.count;
    if (addr >= m_window.base && addr < region_end) off = (addr - m_window.base) % m_window.stride;
    if (off + size > l1_size()) return std::nullopt;
    return static_cast<uint32_t>(off);
}

void TensixCore::set_noc_port(NocPort* port) {
    m_port = port;
    for (int n = 0; n < 2; ++n) {
        m_my_x[n] = static_cast<uint8_t>(port->noc_x(n, m_xy.x, m_xy.y));
        m_my_y[n] = static_cast<uint8_t>(port->noc_y(n, m_xy.x, m_xy.y));
    }
}

void TensixCore::clear_firmware_state() {
    std::memset(m_l1 + l1_map::cb_counters, 0, l1_map::end - l1_map::cb_counters);
}

Cycle TensixCore::l1_noc_read(Cycle t, uint32_t bytes) {
    Cycle start = std::max(t, m_l1_read_free);
    m_l1_read_free =
        start + serialisation_cycles(bytes, 0, m_cfg.noc_l1_read_bytes_per_cycle, Framing::payload);
    return m_l1_read_free;
}

}  // namespace tensim
