// Future reservations of one shared resource (a NoC link or NIU port) as sorted, disjoint busy
// intervals. Requests come in simulation order but may reserve far ahead (decoupled threads,
// multi-hop routes), so a later request may fill a gap before an earlier one (systemc_notes 2.6).
#pragma once
#include <cstddef>
#include <vector>

#include "common/clock.hpp"

namespace tensim {

class BusyIntervals {
public:
    // Reserves the first free gap of `len` cycles starting at or after `t`; returns its start.
    Cycle reserve(Cycle t, Cycle len) {
        // Inline the common case, a request at or after the last interval's end: the same answer
        // and the same merge as reserve_search would make, without a call (several per packet).
        if (len != 0 && m_head < m_spans.size() && t >= m_spans.back().end) {
            if (m_spans.back().end == t)
                m_spans.back().end = t + len;
            else
                m_spans.push_back(Span{t, t + len});
            return t;
        }
        return reserve_search(t, len);
    }
    // Forgets intervals that ended at or before `horizon`.
    void prune(Cycle horizon) {
        // Called before every reservation: most calls have nothing to forget.
        if (m_head == m_spans.size() || m_spans[m_head].end > horizon) return;
        prune_expired(horizon);
    }
    void clear() { m_spans.clear(), m_head = 0; }
    // Number of stored intervals (adjacent reservations are merged into one).
    size_t size() const { return m_spans.size() - m_head; }

private:
    Cycle reserve_search(Cycle t, Cycle len);
    void prune_expired(Cycle horizon);

    struct Span {
        Cycle start;
        Cycle end;  // exclusive
    };
    // Sorted by start; disjoint, so also sorted by end. The first m_head entries are pruned ones
    // not yet erased: pruning happens before every reservation, and erasing the front of a
    // vector each time moved the whole list (a busy link keeps thousands of intervals).
    std::vector<Span> m_spans;
    size_t m_head = 0;
};

}  // namespace tensim
