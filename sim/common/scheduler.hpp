// A time-ordered queue of callbacks, driven by one SystemC method and one event re-notified for
// its head (gem5's txQueue idea). NoC deliveries, DRAM responses and acks are callbacks here,
// so a transaction costs one queue entry, not a process. Ties break by (cycle, sequence number),
// never by process order. One scheduler serves the whole process; owners cancel their entries.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <systemc>
#include <utility>

#include "common/clock.hpp"

namespace tensim {

class Scheduler {
public:
    using Callback = std::function<void()>;

    // The process-wide scheduler, created (and its SystemC method spawned) on first use.
    static Scheduler& instance();

    // Runs `fn` at absolute cycle `at` of `clock` (not before now). `owner` tags the entry so a
    // closing device can cancel what it left behind.
    void schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback fn);
    void cancel(const void* owner);

private:
    Scheduler();
    void run_due();
    void renotify();

    struct Key {
        uint64_t time_ps;
        uint64_t seq;
        bool operator<(const Key& o) const {
            return time_ps != o.time_ps ? time_ps < o.time_ps : seq < o.seq;
        }
    };
    struct Entry {
        const void* owner;
        Callback fn;
    };
    std::map<Key, Entry> m_queue;
    uint64_t m_seq = 0;
    sc_core::sc_event m_head_event;
};

}  // namespace tensim
