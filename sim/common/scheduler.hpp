// A time-ordered queue of callbacks, driven by one SystemC method and one event notified for its
// head (gem5's txQueue idea). NoC deliveries, DRAM responses and acks are callbacks here, so a
// transaction costs one queue entry, not a process. Ties break by (cycle, sequence number),
// never by process order. One scheduler serves the whole process; owners cancel their entries.
// The queue is a binary heap of small keys in one vector; the callbacks sit in reused slots
// (InlineCallback: no allocation per entry), and the event is notified again only when a new
// entry comes before the time it is already notified for, and never while run_due runs (it
// notifies once for the head when it returns). The RISC threads' fibers are resumed from here
// too (risc_thread.cpp), so SystemC runs this one method and no thread.
#pragma once
#include <cstdint>
#include <systemc>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/inline_callback.hpp"

namespace tensim {

class Scheduler {
public:
    using Callback = InlineCallback;

    // The process-wide scheduler, created (and its SystemC method spawned) on first use.
    static Scheduler& instance();

    // Runs `fn` at absolute cycle `at` of `clock` (not before now). `owner` tags the entry so a
    // closing device can cancel what it left behind.
    void schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback fn);
    // The same at absolute time `t_ps` in picoseconds (not before now).
    void schedule_ps(uint64_t t_ps, const void* owner, Callback fn);
    // Calls fn(arg) at `t_ps`: an entry with no closure to store and move (a RISC thread's resume).
    void schedule_call(uint64_t t_ps, const void* owner, void (*fn)(void*), void* arg);
    void cancel(const void* owner);
    // SystemC's time in picoseconds (read once per run_due while it runs).
    uint64_t now_ps() const { return m_running ? m_now_ps : sc_core::sc_time_stamp().value(); }

private:
    Scheduler();
    void run_due();
    void renotify();

    struct Key {
        uint64_t time_ps;
        uint64_t seq;
        uint32_t slot;  // index into m_slots
    };
    struct Slot {
        const void* owner = nullptr;
        Callback fn;                    // empty (and call null): the slot is free
        void (*call)(void*) = nullptr;  // a plain entry: call(arg)
        void* arg = nullptr;
    };
    // Heap order: the earliest (time, seq) on top. A function object, so the heap algorithms
    // inline it (a function pointer costs a call per comparison).
    struct Later {
        bool operator()(const Key& a, const Key& b) const {
            return a.time_ps != b.time_ps ? a.time_ps > b.time_ps : a.seq > b.seq;
        }
    };
    void notify_at(uint64_t t_ps);
    uint32_t take_slot();
    void push(uint64_t t_ps, uint32_t slot);
    void free_slot(uint32_t slot);

    std::vector<Key> m_queue;
    // Entries added while run_due runs for the time it runs at, in issue order: they come after
    // every queued entry of that time (those were issued earlier), so a FIFO keeps the (time,
    // seq) order without a heap operation. Consumed from m_now_next.
    std::vector<Key> m_now;
    size_t m_now_next = 0;
    uint64_t m_now_ps = 0;  // SystemC's time while run_due runs
    std::vector<Slot> m_slots;
    std::vector<uint32_t> m_free;  // free slots
    uint64_t m_seq = 0;
    sc_core::sc_event m_head_event;
    static constexpr uint64_t kNone = ~uint64_t{0};
    uint64_t m_notified_ps = kNone;  // the time m_head_event is pending for (kNone: not pending)
    bool m_running = false;          // run_due is running: it notifies for the head at its end
};

}  // namespace tensim
