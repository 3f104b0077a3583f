#include "noc/port_buffer.hpp"

#include <algorithm>

namespace tensim {

void PortBuffer::drop_left(Cycle t) {
    // hold() keeps leave cycles nondecreasing (the endpoint serves in arrival order).
    while (!m_held.empty() && m_held.front().leave <= t) {
        auto it = m_by_vc.find(m_held.front().vc);
        it->second -= m_held.front().bytes;
        if (it->second == 0) m_by_vc.erase(it);
        m_held.pop_front();
    }
}

uint64_t PortBuffer::shared_of(uint64_t vc_bytes) const {
    // A VC fills its reserved slot first, then takes from the pool up to its cap; what does not fit
    // waits upstream and still keeps this VC's share of the pool full.
    const uint64_t over =
        vc_bytes > m_cfg.vc_reserved_bytes ? vc_bytes - m_cfg.vc_reserved_bytes : 0;
    return std::min<uint64_t>(over, m_cfg.vc_shared_max_bytes);
}

uint64_t PortBuffer::shared_bytes() const {
    uint64_t s = 0;
    for (const auto& [vc, bytes] : m_by_vc) s += shared_of(bytes);
    return s;
}

double PortBuffer::forward_rate(uint64_t vc, uint32_t bytes, Cycle t) {
    drop_left(t);
    uint64_t shared = 0;
    bool counted = false;
    for (const auto& [v, b] : m_by_vc) {
        shared += shared_of(v == vc ? b + bytes : b);
        counted |= v == vc;
    }
    if (!counted) shared += shared_of(bytes);
    m_packets += 1;
    if (shared < m_cfg.shared_pool_bytes) return 0;
    m_exhausted_packets += 1;
    return m_cfg.exhausted_bytes_per_cycle;
}

void PortBuffer::hold(uint64_t vc, uint32_t bytes, Cycle leave) {
    if (!m_held.empty() && leave < m_held.back().leave) leave = m_held.back().leave;
    m_held.push_back({vc, bytes, leave});
    m_by_vc[vc] += bytes;
}

void PortBuffer::register_stats(stats::Group& g) {
    g.shown_if(m_packets)
        .counter("packets", m_packets, "packets", "packets that waited in the buffer")
        .counter("exhausted_packets", m_exhausted_packets, "packets",
                 "packets forwarded at the exhausted rate (the shared pool was full)");
}

void PortBuffer::clear() {
    m_held.clear();
    m_by_vc.clear();
}

}  // namespace tensim
