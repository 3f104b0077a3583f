#include "common/scheduler.hpp"

#include <algorithm>

namespace tensim {

Scheduler& Scheduler::instance() {
    // Never destroyed: SystemC keeps a reference to the spawned method until the process ends.
    static Scheduler* s = new Scheduler();
    return *s;
}

Scheduler::Scheduler() : m_head_event("tensim_scheduler_head") {
    sc_core::sc_spawn_options opts;
    opts.spawn_method();
    opts.set_sensitivity(&m_head_event);
    opts.dont_initialize();
    sc_core::sc_spawn([this] { run_due(); }, "tensim_scheduler", &opts);
}

void Scheduler::schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback fn) {
    schedule_ps(at * clock.period_ps(), owner, std::move(fn));
}

void Scheduler::schedule_ps(uint64_t at_ps, const void* owner, Callback fn) {
    const uint64_t now_ps = sc_core::sc_time_stamp().value();
    const uint64_t t_ps = std::max<uint64_t>(at_ps, now_ps);
    uint32_t slot;
    if (m_free.empty()) {
        slot = static_cast<uint32_t>(m_slots.size());
        m_slots.emplace_back();
    } else {
        slot = m_free.back();
        m_free.pop_back();
    }
    m_slots[slot].owner = owner;
    m_slots[slot].fn = std::move(fn);
    m_queue.push_back(Key{t_ps, m_seq++, slot});
    std::push_heap(m_queue.begin(), m_queue.end(), Later{});
    // A pending notification for an earlier (or the same) time already covers this entry, and
    // run_due notifies for the head when it returns.
    if (!m_running && t_ps < m_notified_ps) notify_at(t_ps);
}

void Scheduler::cancel(const void* owner) {
    const auto gone = std::remove_if(m_queue.begin(), m_queue.end(), [&](const Key& k) {
        Slot& s = m_slots[k.slot];
        if (s.owner != owner) return false;
        s.fn.reset();
        s.owner = nullptr;
        m_free.push_back(k.slot);
        return true;
    });
    if (gone == m_queue.end()) return;
    m_queue.erase(gone, m_queue.end());
    std::make_heap(m_queue.begin(), m_queue.end(), Later{});
    if (!m_running) renotify();
}

void Scheduler::run_due() {
    m_notified_ps = kNone;  // the event fired
    const uint64_t now_ps = sc_core::sc_time_stamp().value();
    struct Running {  // notifies for the head at the end, also when a callback throws
        Scheduler& s;
        explicit Running(Scheduler& s) : s(s) { s.m_running = true; }
        ~Running() {
            s.m_running = false;
            s.renotify();
        }
    } running{*this};
    while (!m_queue.empty() && m_queue.front().time_ps <= now_ps) {
        std::pop_heap(m_queue.begin(), m_queue.end(), Later{});
        const uint32_t slot = m_queue.back().slot;
        m_queue.pop_back();
        // Out of the slot before the call: the callback may schedule (and so reuse the slot or
        // grow the slot vector).
        Callback fn = std::move(m_slots[slot].fn);
        m_slots[slot].owner = nullptr;
        m_free.push_back(slot);
        fn();  // may schedule more entries
    }
}

void Scheduler::renotify() {
    m_head_event.cancel();
    m_notified_ps = kNone;
    if (!m_queue.empty()) notify_at(m_queue.front().time_ps);
}

void Scheduler::notify_at(uint64_t t_ps) {
    // An earlier notification overrides a pending later one (IEEE 1666 sc_event::notify).
    const uint64_t now_ps = sc_core::sc_time_stamp().value();
    m_head_event.notify(ps_to_time(t_ps > now_ps ? t_ps - now_ps : 0));
    m_notified_ps = std::max(t_ps, now_ps);
}

}  // namespace tensim
