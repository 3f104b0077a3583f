#include "noc/busy_intervals.hpp"

#include <algorithm>
#include <iterator>

namespace tensim {

Cycle BusyIntervals::reserve_search(Cycle t, Cycle len) {
    if (len == 0) return t;
    const auto first = m_spans.begin() + static_cast<std::ptrdiff_t>(m_head);
    // A busy resource's usual case: t falls in the last interval, or in the gap before it but
    // that gap is too short, so the request queues behind the last interval and extends it
    // (what the search, the loop and the merge below would do, without them).
    if (first != m_spans.end()) {
        Span& last = m_spans.back();
        const bool single = m_spans.end() - first == 1;
        // t lies past every interval but the last.
        const bool past_prev = single || t >= std::prev(m_spans.end(), 2)->end;
        if (t < last.end && last.start < t + len && past_prev) {
            const Cycle start = last.end;
            last.end += len;
            return start;
        }
        // The next most usual: the request fits the gap just before the last interval (a packet
        // reserving a link ahead of one that reserved it later). The search below would find the
        // last interval as the first ending after t and place the request at t; merged the same.
        if (t + len <= last.start && past_prev) {
            const Cycle end = t + len;
            const bool join_prev = !single && std::prev(m_spans.end(), 2)->end == t;
            const bool join_next = last.start == end;
            if (join_prev && join_next) {
                std::prev(m_spans.end(), 2)->end = last.end;
                m_spans.pop_back();
            } else if (join_prev) {
                std::prev(m_spans.end(), 2)->end = end;
            } else if (join_next) {
                last.start = t;
            } else {
                const Span moved = last;
                last = Span{t, end};
                m_spans.push_back(moved);
            }
            return t;
        }
    }
    // The first span ending after t. Requests mostly land a few spans before the end of a long
    // list, so walk back from the end over up to eight spans, then search the rest; the answer is
    // the same as a binary search of the whole list.
    const auto ends_after_t = [](Cycle v, const Span& s) { return v < s.end; };
    auto it = m_spans.end();
    if (it != first && t < std::prev(it)->end) {
        --it;  // it->end > t
        for (int steps = 8; steps > 0 && it != first && t < std::prev(it)->end; --steps) --it;
        if (it != first && t < std::prev(it)->end)
            it = std::upper_bound(first, it, t, ends_after_t);
    }
    Cycle start = t;
    while (it != m_spans.end() && it->start < start + len) {
        start = std::max(start, it->end);
        ++it;
    }
    const Cycle end = start + len;
    // Merge with touching neighbours so a saturated link keeps one interval, not thousands.
    const bool join_prev = it != first && std::prev(it)->end == start;
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

void BusyIntervals::prune_expired(Cycle horizon) {
    const auto it =
        std::upper_bound(m_spans.begin() + static_cast<std::ptrdiff_t>(m_head), m_spans.end(),
                         horizon, [](Cycle v, const Span& s) { return v < s.end; });
    m_head = static_cast<size_t>(it - m_spans.begin());
    // Erase the pruned front only once it is as long as what is left: amortised O(1) per span.
    if (m_head >= 64 && 2 * m_head >= m_spans.size()) {
        m_spans.erase(m_spans.begin(), it);
        m_head = 0;
    }
}

}  // namespace tensim
