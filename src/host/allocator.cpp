#include "host/allocator.hpp"

#include <algorithm>

namespace tensim::host {

BankAllocator::BankAllocator(std::string name, uint64_t base, uint64_t limit, uint64_t alignment,
                             bool top_down)
    : m_name(std::move(name)),
      m_base((base + alignment - 1) / alignment * alignment),
      m_limit(limit),
      m_align(alignment),
      m_top_down(top_down) {}

std::optional<uint64_t> BankAllocator::allocate(uint64_t size) {
    size = std::max<uint64_t>(m_align, (size + m_align - 1) / m_align * m_align);
    if (size > m_limit) return std::nullopt;
    std::optional<uint64_t> best;
    // Walk the gaps between used ranges; bottom-up takes the first, top-down the last that fits.
    uint64_t gap_start = m_base;
    auto consider = [&](uint64_t gap_end) {
        if (gap_end < gap_start || gap_end - gap_start < size) return;
        uint64_t addr = m_top_down ? (gap_end - size) / m_align * m_align : gap_start;
        if (addr < gap_start) return;
        if (!best || m_top_down) best = addr;
    };
    for (const auto& [addr, sz] : m_used) {
        consider(addr);
        if (best && !m_top_down) break;
        gap_start = std::max(gap_start, addr + sz);
    }
    if (!best || m_top_down) consider(m_limit);
    if (best) m_used[*best] = size;
    return best;
}

bool BankAllocator::allocate_at(uint64_t addr, uint64_t size) {
    size = std::max<uint64_t>(m_align, (size + m_align - 1) / m_align * m_align);
    if (addr < m_base || addr + size > m_limit) return false;
    auto next = m_used.lower_bound(addr);
    if (next != m_used.end() && next->first < addr + size) return false;
    if (next != m_used.begin()) {
        auto prev = std::prev(next);
        if (prev->first + prev->second > addr) return false;
    }
    m_used[addr] = size;
    return true;
}

void BankAllocator::free(uint64_t addr) { m_used.erase(addr); }

uint64_t BankAllocator::lowest_allocated() const {
    return m_used.empty() ? m_limit : m_used.begin()->first;
}

uint64_t BankAllocator::free_bytes() const {
    uint64_t used = 0;
    for (const auto& [a, s] : m_used) used += s;
    return m_limit - m_base - used;
}

uint64_t BankAllocator::largest_free_block() const {
    uint64_t best = 0, start = m_base;
    for (const auto& [a, s] : m_used) {
        if (a > start) best = std::max(best, a - start);
        start = std::max(start, a + s);
    }
    return std::max(best, m_limit > start ? m_limit - start : 0);
}

}  // namespace tensim::host
