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
    const uint64_t head = head_ps();
    return head == kNever ? kNever : std::max(head, now_ps());
}

std::pair<uint64_t, uint64_t> Scheduler::span_ps(unsigned bucket) const {
    uint64_t lo = kNever, hi = 0;
    for (const Entry& e : m_buckets[bucket]) {
        lo = e.time_ps < lo ? e.time_ps : lo;
        hi = e.time_ps > hi ? e.time_ps : hi;
    }
    return {lo, hi};
}

uint64_t Scheduler::head_ps() const {
    if (m_due_next < m_due.size()) return m_last_ps;
    if (m_occupied_words == 0) return kNever;
    return span_ps(first_bucket()).first;
}

void Scheduler::schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback&& fn) {
    schedule_ps(at * clock.period_ps(), owner, std::move(fn));
}

inline uint32_t Scheduler::take_slot() {
    // A new slot is made out of line, so the common way (a freed slot) stays short and inlined.
    auto make_slot = [this]() __attribute__((noinline)) {
        if (m_slot_count == kMaxSlots)
            throw InternalError("scheduler: more entries queued than a slot can number");
        constexpr uint32_t kChunk = uint32_t{1} << kChunkBits;
        if (m_slot_count % kChunk == 0) m_chunks.push_back(std::make_unique<Slot[]>(kChunk));
        return m_slot_count++;
    };
    if (m_free.empty()) return make_slot();
    const uint32_t slot = m_free.back();
    m_free.pop_back();
    return slot;
}

void Scheduler::free_slot(uint32_t i) {
    Slot& s = slot(i);
    s.fn.reset();
    s.call = nullptr;
    s.owner = nullptr;
    m_free.push_back(i);
}

inline void Scheduler::enqueue(Entry e) {
    if (e.time_ps == m_last_ps) {
        m_due.push_back(e);
        return;
    }
    const unsigned b = bucket_of(e.time_ps, m_last_ps);
    m_buckets[b].push_back(e);
    occupy(b);
}

// Every bucket below `bucket` is empty, m_due is empty, and `t_ps` and `latest_ps` are the
// bucket's earliest and latest times: time moves to t_ps and the bucket's entries go, in their
// order, to lower buckets (t_ps's to m_due). Inline: most takes are of one time and move nothing.
inline void Scheduler::take_bucket(unsigned bucket, uint64_t t_ps, uint64_t latest_ps) {
    m_last_ps = t_ps;
    m_occupied[bucket / 64] &= ~(uint64_t{1} << (bucket % 64));
    if (m_occupied[bucket / 64] == 0) m_occupied_words &= ~(uint32_t{1} << (bucket / 64));
    std::vector<Entry>& from = m_buckets[bucket];
    if (latest_ps == t_ps) {  // all due now, in their order: no moves
        m_due.swap(from);
        return;
    }
    // Every entry goes to m_due or a lower bucket, so `from` does not change while it is read.
    auto spread = [&]() __attribute__((noinline)) {
        for (const Entry *e = from.data(), *end = e + from.size(); e != end; ++e) {
            if (e->time_ps == t_ps) {
                m_due.push_back(*e);
                continue;
            }
            const unsigned b = bucket_of(e->time_ps, t_ps);
            m_buckets[b].push_back(*e);
            occupy(b);
        }
        from.clear();
    };
    spread();
}

inline void Scheduler::push(uint64_t at_ps, uint32_t slot) {
    // Never before now (so never before m_last_ps): an entry issued at now while run_due runs
    // comes after every queued entry of this time, as its issue order says.
    const uint64_t t_ps = std::max<uint64_t>(at_ps, now_ps());
    enqueue(Entry{t_ps, slot});
    // A pending notification for an earlier (or the same) time already covers this entry, and
    // run_due notifies for the head when it returns.
    if (!m_running && t_ps < m_notified_ps) notify_at(t_ps);
}

void Scheduler::schedule_ps(uint64_t at_ps, const void* owner, Callback&& fn) {
    const uint32_t i = take_slot();
    Slot& s = slot(i);
    s.owner = owner;
    s.fn = std::move(fn);
    push(at_ps, i);
}

void Scheduler::schedule_call(uint64_t at_ps, const void* owner, void (*fn)(void*), void* arg) {
    const uint32_t i = take_slot();
    Slot& s = slot(i);
    s.owner = owner;
    s.call = fn;
    s.arg = arg;
    push(at_ps, i);
}

void Scheduler::cancel(const void* owner) {
    bool removed = false;
    auto mine = [&](const Entry& e) {
        if (slot(e.slot).owner != owner) return false;
        free_slot(e.slot);
        removed = true;
        return true;
    };
    m_due.erase(
        std::remove_if(m_due.begin() + static_cast<ptrdiff_t>(m_due_next), m_due.end(), mine),
        m_due.end());
    for (uint32_t words = m_occupied_words; words != 0; words &= words - 1) {
        const unsigned w = static_cast<unsigned>(__builtin_ctz(words));
        for (uint64_t occupied = m_occupied[w]; occupied != 0; occupied &= occupied - 1) {
            const unsigned b = w * 64 + static_cast<unsigned>(__builtin_ctzll(occupied));
            std::vector<Entry>& v = m_buckets[b];
            v.erase(std::remove_if(v.begin(), v.end(), mine), v.end());
            if (v.empty()) m_occupied[w] &= ~(uint64_t{1} << (b % 64));
        }
        if (m_occupied[w] == 0) m_occupied_words &= ~(uint32_t{1} << w);
    }
    if (removed && !m_running) renotify();
}

inline void Scheduler::run_slot(uint32_t i) {
    Slot& s = slot(i);
    if (s.call) {
        void (*call)(void*) = s.call;
        void* arg = s.arg;
        s.call = nullptr;
        s.owner = nullptr;
        m_free.push_back(i);
        call(arg);  // may schedule more entries
        return;
    }
    // The closure runs in its slot (slots never move); the slot is freed after it, also when it
    // throws. It is in no bucket meanwhile, so a cancel cannot reach it.
    struct Release {
        Scheduler& q;
        uint32_t i;
        ~Release() { q.free_slot(i); }
    } release{*this, i};
    s.fn();  // may schedule more entries
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
            s.renotify();  // entries left by a throw stay due, in order, in m_due
        }
    } running{*this};
    for (;;) {
        if (m_due_next < m_due.size()) {
            run_slot(m_due[m_due_next++].slot);
            continue;
        }
        m_due.clear();
        m_due_next = 0;
        if (m_occupied_words == 0) break;
        const unsigned b = first_bucket();
        const auto [t_ps, latest_ps] = span_ps(b);
        if (t_ps > m_now_ps) {
            // This time step is done. The next one, if the span reaches it and nobody asked to
            // stop, runs in this same activation: no other SystemC process can see the difference.
            if (m_stop || t_ps > m_horizon_ps) break;
            m_now_ps = t_ps;
        }
        take_bucket(b, t_ps, latest_ps);
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
    const uint64_t head = head_ps();
    if (head != kNever) notify_at(head);
}

void Scheduler::notify_at(uint64_t t_ps) {
    // An earlier notification overrides a pending later one (IEEE 1666 sc_event::notify).
    const uint64_t now_ps = sc_core::sc_time_stamp().value();
    m_head_event.notify(ps_to_time(t_ps > now_ps ? t_ps - now_ps : 0));
    m_notified_ps = std::max(t_ps, now_ps);
}

}  // namespace tensim
