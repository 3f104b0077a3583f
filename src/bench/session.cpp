// Session: one open device and its resolved architecture (see session.hpp).
#include "bench/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <tt-metalium/host_api.hpp>

#include "common/error.hpp"
#include "host/device_impl.hpp"

namespace tensim::bench {

using namespace tt::tt_metal;

int distance(Xy a, Xy b) { return std::abs(a.x - b.x) + std::abs(a.y - b.y); }

// The configuration is the open device's, so that overrides (tensim::set_system) are seen too.
Session::Session() : m_device(CreateDevice(0)) {
    m_cfg = host::impl_of(*m_device).system().config();
}
Session::~Session() { CloseDevice(m_device); }

Xy Session::noc_xy(Xy logical) const {
    if (logical.x < 0 || logical.y < 0 || logical.x >= m_cfg.grid_x() ||
        logical.y >= m_cfg.grid_y())
        throw HostError(fmt::format("bench: core ({},{}) is outside the {}x{} worker grid",
                                    logical.x, logical.y, m_cfg.grid_x(), m_cfg.grid_y()));
    return {m_cfg.worker_cols[logical.x], m_cfg.worker_rows[logical.y]};
}

Xy Session::bank_xy(int bank, int noc) const {
    const auto banks = m_cfg.chip.dram_banks();
    if (bank < 0 || bank >= static_cast<int>(banks.size()))
        throw HostError(
            fmt::format("bench: DRAM bank {} does not exist ({} banks)", bank, banks.size()));
    const NocXY e = banks[bank].endpoint[noc == 1 ? 1 : 0];
    return {e.x, e.y};
}

int Session::num_banks() const { return static_cast<int>(m_cfg.chip.dram_banks().size()); }

uint64_t Session::kernel_cycles(Xy core, const std::string& risc) const {
    for (const auto& k : tensim::last_program_stats(m_device).kernels)
        if (k.core_x == core.x && k.core_y == core.y && k.risc == risc)
            return k.end_cycle - k.start_cycle - kernel_start_cycles();
    throw InternalError(
        fmt::format("bench: no {} kernel ran on core ({},{})", risc, core.x, core.y));
}

uint64_t Session::program_cycles() const {
    const auto& kernels = tensim::last_program_stats(m_device).kernels;
    if (kernels.empty()) throw InternalError("bench: the last program ran no kernel");
    uint64_t first = kernels.front().start_cycle, last = 0;
    for (const auto& k : kernels) {
        first = std::min(first, k.start_cycle);
        last = std::max(last, k.end_cycle);
    }
    return last - first - kernel_start_cycles();
}

}  // namespace tensim::bench
