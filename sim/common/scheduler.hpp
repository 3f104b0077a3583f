// A time-ordered queue of callbacks, driven by one SystemC method and one event notified for its
// head (gem5's txQueue idea). NoC deliveries, DRAM responses and acks are callbacks here, so a
// transaction costs one queue entry, not a process. Ties break by (cycle, sequence number),
// never by process order. One scheduler serves the whole process; owners cancel their entries.
// The queue is a heap of 16-byte keys in one vector; the callbacks sit in reused slots
// (InlineCallback: no allocation per entry), and the event is notified again only when a new
// entry comes before the time it is already notified for, and never while run_due runs (it
// notifies once for the head when it returns). The RISC threads' fibers are resumed from here
// too (risc_thread.cpp), so SystemC runs this one method and no thread.
//
// The Scheduler owns simulated time. One activation of its method runs every entry due up to the
// horizon of the current run_to (the end of the span asked for), advancing its own time step by
// step; SystemC sees one activation per span, not one per time step, and is brought to the
// Scheduler's time when run_to returns. Read the time here (now_ps, ClockDomain::now), never from
// SystemC, and advance it with run_to, never with sc_start.
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

    static constexpr uint64_t kNever = ~uint64_t{0};
    // The simulated time in picoseconds: the time step run_due is at while it runs, else the
    // later of the last step run and SystemC's time (a caller of sc_start may have moved it).
    uint64_t now_ps() const { return m_running ? m_now_ps : idle_now_ps(); }
    // The time of the earliest entry queued (kNever: none), not before now.
    uint64_t next_ps() const;
    // Simulates up to `end_ps` (not before now): every entry due by then runs, in one activation
    // of the method. Time ends at `end_ps` if `to_end` (SystemC's SC_RUN_TO_TIME), else at the
    // last time step run (SC_EXIT_ON_STARVATION). end_ps == now runs one delta cycle, as
    // sc_start(SC_ZERO_TIME) does.
    void run_to(uint64_t end_ps, bool to_end);
    // Ends the running run_to (or sc_start) after the time step being run (System::stop_run).
    void stop();

private:
    Scheduler();
    void run_due();
    void renotify();
    uint64_t idle_now_ps() const;
    // Brings SystemC's time to the Scheduler's (it stays at the activation's start while the
    // method runs later steps), running what is due there (entries left by a callback's throw).
    // True if what ran called stop().
    bool sync_systemc();

    // (time, sequence << kSlotBits | slot): the sequence orders equal times, the slot rides along.
    struct Key {
        uint64_t time_ps;
        uint64_t order;
        uint32_t slot() const { return static_cast<uint32_t>(order & kSlotMask); }
    };
    static constexpr unsigned kSlotBits = 24;
    static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
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
            return a.time_ps != b.time_ps ? a.time_ps > b.time_ps : a.order > b.order;
        }
    };
    void notify_at(uint64_t t_ps);
    uint32_t take_slot();
    void push(uint64_t t_ps, uint32_t slot);
    void free_slot(uint32_t slot);
    void heap_push(Key k);
    uint32_t heap_pop();  // removes the head, returns its slot

    std::vector<Key> m_queue;
    // Entries added while run_due runs for the time it runs at, in issue order: they come after
    // every queued entry of that time (those were issued earlier), so a FIFO keeps the (time,
    // seq) order without a heap operation. Consumed from m_now_next.
    std::vector<uint32_t> m_now;  // slots
    size_t m_now_next = 0;
    uint64_t m_now_ps = 0;      // the time step run last (or being run)
    uint64_t m_horizon_ps = 0;  // run_due advances to steps up to this time (run_to's end)
    std::vector<Slot> m_slots;
    std::vector<uint32_t> m_free;  // free slots
    uint64_t m_seq = 0;            // the last sequence number issued, shifted by kSlotBits
    sc_core::sc_event m_head_event;
    static constexpr uint64_t kNone = kNever;
    uint64_t m_notified_ps = kNone;  // the time m_head_event is pending for (kNone: not pending)
    bool m_running = false;          // run_due is running: it notifies for the head at its end
    bool m_stop = false;             // stop() was called: run_due ends after its current step
};

}  // namespace tensim
