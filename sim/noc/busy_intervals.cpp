#include "noc/busy_intervals.hpp"

#include <algorithm>
#include <iterator>

namespace tensim {

Cycle BusyIntervals::reserve(Cycle t, Cycle len) {
    if (len == 0) return t;
    auto it = std::upper_bound(m_spans.begin(), m_spans.end(), t,
                               [](Cycle v, const Span& s) { return v < s.end; });
    Cycle start = t;
    while (it != m_spans.end() && it->start < start + len) {
        start = std::max(start, it->end);
        ++it;
    }
    const Cycle end = start + len;
    // Merge with touching neighbours so a saturated link keeps one interval, not thousands.
    const bool join_prev = it != m_spans.begin() && std::prev(it)->end == start;
    const bool join_next = it != m_spans.end() && it->start == end;
    if (join_prev && join_next) {
        std::prev(it)->end = it->end;
        m_spans.erase(it);
    } else if (join_prev) {
        std::prev(it)->end = end;
    } else if (join_next) {
        it->start = start;
    } else {
        m_spans.insert(it, Span{start, end});
    }
    return start;
}

void BusyIntervals::prune(Cycle horizon) {
    // Called before every reservation: most calls have nothing to forget.
    if (m_spans.empty() || m_spans.front().end > horizon) return;
    auto it = std::upper_bound(m_spans.begin(), m_spans.end(), horizon,
                               [](Cycle v, const Span& s) { return v < s.end; });
    m_spans.erase(m_spans.begin(), it);
}

}  // namespace tensim
