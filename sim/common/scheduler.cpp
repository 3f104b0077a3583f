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

uint32_t Scheduler::take_slot() {
    if (m_free.empty()) {
        m_slots.emplace_back();
        return static_cast<uint32_t>(m_slots.size() - 1);
    }
    const uint32_t slot = m_free.back();
    m_free.pop_back();
    return slot;
}

void Scheduler::free_slot(uint32_t slot) {
    Slot& s = m_slots[slot];
    s.fn.reset();
    s.call = nullptr;
    s.owner = nullptr;
    m_free.push_back(slot);
}

void Scheduler::push(uint64_t at_ps, uint32_t slot) {
    const uint64_t now_ps = this->now_ps();
    if (m_running && at_ps <= now_ps) {
        m_now.push_back(Key{now_ps, m_seq++, slot});
        return;
    }
    const uint64_t t_ps = std::max<uint64_t>(at_ps, now_ps);
    m_queue.push_back(Key{t_ps, m_seq++, slot});
    std::push_heap(m_queue.begin(), m_queue.end(), Later{});
    // A pending notification for an earlier (or the same) time already covers this entry, and
    // run_due notifies for the head when it returns.
    if (!m_running && t_ps < m_notified_ps) notify_at(t_ps);
}

void Scheduler::schedule_ps(uint64_t at_ps, const void* owner, Callback fn) {
    const uint32_t slot = take_slot();
    m_slots[slot].owner = owner;
    m_slots[slot].fn = std::move(fn);
    push(at_ps, slot);
}

void Scheduler::schedule_call(uint64_t at_ps, const void* owner, void (*fn)(void*), void* arg) {
    const uint32_t slot = take_slot();
    Slot& s = m_slots[slot];
    s.owner = owner;
    s.call = fn;
    s.arg = arg;
    push(at_ps, slot);
}

void Scheduler::cancel(const void* owner) {
    auto mine = [&](const Key& k) {
        if (m_slots[k.slot].owner != owner) return false;
        free_slot(k.slot);
        return true;
    };
    m_now.erase(
        std::remove_if(m_now.begin() + static_cast<ptrdiff_t>(m_now_next), m_now.end(), mine),
        m_now.end());
    const auto gone = std::remove_if(m_queue.begin(), m_queue.end(), mine);
    if (gone == m_queue.end()) return;
    m_queue.erase(gone, m_queue.end());
    std::make_heap(m_queue.begin(), m_queue.end(), Later{});
    if (!m_running) renotify();
}

void Scheduler::run_due() {
    m_notified_ps = kNone;  // the event fired
    const uint64_t now_ps = sc_core::sc_time_stamp().value();
    m_now_ps = now_ps;
    struct Running {  // notifies for the head at the end, also when a callback throws
        Scheduler& s;
        explicit Running(Scheduler& s) : s(s) { s.m_running = true; }
        ~Running() {
            s.m_running = false;
            // Entries of this time left by a throw stay due (at the head of the queue).
            for (size_t i = s.m_now_next; i < s.m_now.size(); ++i) {
                s.m_queue.push_back(s.m_now[i]);
                std::push_heap(s.m_queue.begin(), s.m_queue.end(), Later{});
            }
            s.m_now.clear();
            s.m_now_next = 0;
            s.renotify();
        }
    } running{*this};
    for (;;) {
        uint32_t slot;
        if (!m_queue.empty() && m_queue.front().time_ps <= now_ps) {  // issued before m_now's
            std::pop_heap(m_queue.begin(), m_queue.end(), Later{});
            slot = m_queue.back().slot;
            m_queue.pop_back();
        } else if (m_now_next < m_now.size()) {
            slot = m_now[m_now_next++].slot;
        } else {
            break;
        }
        // Out of the slot before the call: the callback may schedule (and so reuse the slot or
        // grow the slot vector).
        Slot& s = m_slots[slot];
        if (s.call) {
            void (*call)(void*) = s.call;
            void* arg = s.arg;
            s.call = nullptr;
            s.owner = nullptr;
            m_free.push_back(slot);
            call(arg);  // may schedule more entries
            continue;
        }
        Callback fn = std::move(s.fn);
        s.owner = nullptr;
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
