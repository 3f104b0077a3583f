#include "common/scheduler.hpp"

#include <algorithm>

#include "common/error.hpp"

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

uint64_t sim_now_ps() { return Scheduler::instance().now_ps(); }

uint64_t Scheduler::idle_now_ps() const {
    return std::max<uint64_t>(m_now_ps, sc_core::sc_time_stamp().value());
}

uint64_t Scheduler::next_ps() const {
    if (m_queue.empty()) return kNever;
    return std::max(m_queue.front().time_ps, now_ps());
}

void Scheduler::schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback fn) {
    schedule_ps(at * clock.period_ps(), owner, std::move(fn));
}

uint32_t Scheduler::take_slot() {
    if (m_free.empty()) {
        if (m_slots.size() > kSlotMask)
            throw InternalError("scheduler: more entries queued than a key can number");
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

void Scheduler::heap_push(Key k) {
    m_queue.push_back(k);
    std::push_heap(m_queue.begin(), m_queue.end(), Later{});
}

uint32_t Scheduler::heap_pop() {
    std::pop_heap(m_queue.begin(), m_queue.end(), Later{});
    const uint32_t slot = m_queue.back().slot();
    m_queue.pop_back();
    return slot;
}

void Scheduler::push(uint64_t at_ps, uint32_t slot) {
    const uint64_t now_ps = this->now_ps();
    if (m_running && at_ps <= now_ps) {
        m_now.push_back(slot);  // issued after every queued entry of this time: a FIFO keeps order
        return;
    }
    const uint64_t t_ps = std::max<uint64_t>(at_ps, now_ps);
    m_seq += uint64_t{1} << kSlotBits;
    if (m_seq == 0) throw InternalError("scheduler: sequence numbers exhausted");
    heap_push(Key{t_ps, m_seq | slot});
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
    auto mine_slot = [&](uint32_t slot) {
        if (m_slots[slot].owner != owner) return false;
        free_slot(slot);
        return true;
    };
    auto mine = [&](const Key& k) { return mine_slot(k.slot()); };
    m_now.erase(
        std::remove_if(m_now.begin() + static_cast<ptrdiff_t>(m_now_next), m_now.end(), mine_slot),
        m_now.end());
    const auto gone = std::remove_if(m_queue.begin(), m_queue.end(), mine);
    if (gone == m_queue.end()) return;
    m_queue.erase(gone, m_queue.end());
    std::make_heap(m_queue.begin(), m_queue.end(), Later{});
    if (!m_running) renotify();
}

void Scheduler::run_due() {
    m_notified_ps = kNone;  // the event fired
    m_now_ps = std::max<uint64_t>(m_now_ps, sc_core::sc_time_stamp().value());
    m_stop = false;
    struct Running {  // notifies for the head at the end, also when a callback throws
        Scheduler& s;
        explicit Running(Scheduler& s) : s(s) { s.m_running = true; }
        ~Running() {
            s.m_running = false;
            // Entries of this time left by a throw stay due (at the head of the queue, in order:
            // each gets a sequence number after every queued one's).
            for (size_t i = s.m_now_next; i < s.m_now.size(); ++i) {
                s.m_seq += uint64_t{1} << kSlotBits;
                s.heap_push(Key{s.m_now_ps, s.m_seq | s.m_now[i]});
            }
            s.m_now.clear();
            s.m_now_next = 0;
            s.renotify();
        }
    } running{*this};
    for (;;) {
        uint32_t slot;
        if (!m_queue.empty() && m_queue.front().time_ps <= m_now_ps) {  // issued before m_now's
            slot = heap_pop();
        } else if (m_now_next < m_now.size()) {
            slot = m_now[m_now_next++];
        } else {
            // This time step is done. The next one, if the span reaches it and nobody asked to
            // stop, runs in this same activation: no other SystemC process can see the difference.
            m_now.clear();
            m_now_next = 0;
            if (m_stop || m_queue.empty() || m_queue.front().time_ps > m_horizon_ps) break;
            m_now_ps = m_queue.front().time_ps;
            continue;
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

void Scheduler::stop() {
    if (m_running) m_stop = true;                       // no later step in this activation
    if (sc_core::sc_is_running()) sc_core::sc_pause();  // and no other activation
}

void Scheduler::run_to(uint64_t end_ps, bool to_end) {
    struct Horizon {  // back to one step per activation for a plain sc_start, also on a throw
        uint64_t& h;
        ~Horizon() { h = 0; }
    } horizon{m_horizon_ps};
    if (sync_systemc()) return;  // an entry left due by a throw stopped the run, as sc_pause did
    const uint64_t sc_now = sc_core::sc_time_stamp().value();  // == now_ps()
    end_ps = std::max(end_ps, sc_now);
    m_horizon_ps = end_ps;
    sc_core::sc_start(ps_to_time(end_ps - sc_now),
                      to_end ? sc_core::SC_RUN_TO_TIME : sc_core::SC_EXIT_ON_STARVATION);
    sync_systemc();
}

bool Scheduler::sync_systemc() {
    const uint64_t sc_now = sc_core::sc_time_stamp().value();
    if (m_now_ps <= sc_now) {
        m_now_ps = sc_now;
        return false;
    }
    // Nothing is due before m_now_ps: SystemC only moves there (and runs what a callback's throw
    // left due at m_now_ps, as the next sc_start would have).
    m_horizon_ps = m_now_ps;
    m_stop = false;
    sc_core::sc_start(ps_to_time(m_now_ps - sc_now), sc_core::SC_RUN_TO_TIME);
    return m_stop;
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
