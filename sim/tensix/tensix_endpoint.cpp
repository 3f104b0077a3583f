#include "tensix/tensix_endpoint.hpp"

#include <fmt/format.h>

#include "common/low_memory.hpp"
#include "tensix/tensix_core.hpp"

namespace tensim {

std::optional<uint64_t> L1Endpoint::resolve(uint64_t local, uint32_t size) const {
    return m_core.l1_offset(local, size);
}

Endpoint::ReadTiming L1Endpoint::serve_read(uint64_t offset, uint32_t bytes, Cycle t) {
    (void)offset;  // one read port serves all of L1 (bank conflicts are not modelled)
    const Cycle first = t + m_core.config().l1_access_latency_cycles;
    return {first, m_core.l1_noc_read(first, bytes)};
}

Cycle L1Endpoint::write_commit_delay() const { return m_core.config().l1_access_latency_cycles; }

Cycle L1Endpoint::commit_write(uint64_t, uint32_t, Cycle t, RouterPort) {
    return t;  // L1 takes a packet at link rate: nothing waits in the router buffer
}

// L1 pages nothing has touched stay untouched (no page faults) when zeros land on them or are
// read from them (low_memory.hpp); the bytes every reader sees are the same.
void L1Endpoint::read_bytes(uint64_t offset, void* dst, size_t n) const {
    low_memory_read(dst, m_core.l1() + offset, n);
}

void L1Endpoint::write_bytes(uint64_t offset, const void* src, size_t n) {
    low_memory_write(m_core.l1() + offset, src, n);
}

bool L1Endpoint::reads_zero(uint64_t offset, size_t n) const {
    return low_memory_untouched(m_core.l1() + offset, n);
}

void L1Endpoint::write_zeros(uint64_t offset, size_t n) {
    low_memory_zero(m_core.l1() + offset, n);
}

// The caller stores through the pointer (an atomic, an inline write): a known-zero page is made
// writable here rather than by a fault.
uint32_t* L1Endpoint::word(uint64_t offset) {
    low_memory_writable(m_core.l1() + offset, 4);
    return &m_core.word(static_cast<uint32_t>(offset));
}

void L1Endpoint::changed() { m_core.notify_changed(); }

std::string L1Endpoint::describe() const {
    return fmt::format("that core's L1 ({} B)", m_core.l1_size());
}

trace::Track L1Endpoint::track(uint64_t) const {
    if (m_core.is_eth()) return {m_core.chip_id(), m_core.eth_channel(), 0, trace::Lane::eth_noc};
    return {m_core.chip_id(), m_core.logical_x(), m_core.logical_y(), trace::Lane::noc};
}

void L1Endpoint::clear_reservations() { m_core.clear_reservations(); }

NocXY RiscInitiator::xy() const { return m_t.core().xy(); }

Endpoint& RiscInitiator::local() { return m_t.core().l1_endpoint(); }

std::tuple<int, int, int> RiscInitiator::order() const {
    return {m_t.core().logical_y(), m_t.core().logical_x(), static_cast<int>(m_t.risc())};
}

Cycle RiscInitiator::issue_cycles() const { return m_t.noc_issue_cycles(); }

void RiscInitiator::count(int noc, Counter c, int delta) {
    NocCounters& n = m_t.noc_counters(noc);
    uint32_t& v = c == Counter::reads            ? n.reads
                  : c == Counter::writes_unacked ? n.writes_unacked
                  : c == Counter::writes_unsent  ? n.writes_unsent
                                                 : n.atomics;
    v += static_cast<uint32_t>(delta);
    if (delta < 0) m_t.core().notify_changed();  // a completion: waiters may proceed
}

uint32_t RiscInitiator::trid(int noc, Counter c) const {
    const NocCmdBufs& b = m_t.noc_cmd_bufs(noc);
    return c == Counter::reads ? b.read_trid : c == Counter::writes_unacked ? b.write_trid : 0;
}

// No notify: every decrement here comes with count's for the same packet, which notifies.
void RiscInitiator::count_trid(int noc, Counter c, uint32_t trid, int delta) {
    NocCounters& n = m_t.noc_counters(noc);
    if (c == Counter::reads)
        n.reads_by_trid.at(trid) += static_cast<uint32_t>(delta);
    else if (c == Counter::writes_unacked)
        n.writes_unacked_by_trid.at(trid) += static_cast<uint32_t>(delta);
}

std::string RiscInitiator::where() const { return m_t.where(); }

std::string RiscInitiator::where_called() const {
    return call_site ? m_t.where(call_site->file_name(), call_site->line()) : m_t.where();
}

}  // namespace tensim
