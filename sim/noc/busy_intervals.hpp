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
    Cycle reserve(Cycle t, Cycle len);
    // Forgets intervals that ended at or before `horizon`.
    void prune(Cycle horizon);
    void clear() { m_spans.clear(), m_head = 0; }
    // Number of stored intervals (adjacent reservations are merged into one).
    size_t size() const { return m_spans.size() - m_head; }

private:
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
