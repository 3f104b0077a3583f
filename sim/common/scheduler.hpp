// A time-ordered queue of callbacks, driven by one SystemC method and one event notified for its
// head (gem5's txQueue idea). NoC deliveries, DRAM responses and acks are callbacks here, so a
// transaction costs one queue entry, not a process. Ties break by issue order, never by
// process order. One scheduler serves the whole process; owners cancel their entries.
// The queue is a radix heap of (time, slot) entries: time never goes back, so an entry can sit in
// a bucket named by the highest 8-bit digit in which its time differs from the last time taken
// and its value there, and entries of one time, always in one bucket, stay in issue order
// without a sequence number.
// The callbacks sit in reused slots that never move (InlineCallback: no allocation per entry;
// a callback runs where it sits), and the event is notified again only when a new entry comes
// before the time it is already notified for, and never while run_due runs (it notifies once
// for the head when it returns). The RISC threads' fibers are resumed from here too
// (risc_thread.cpp), so SystemC runs this one method and no thread.
//
// The Scheduler owns simulated time. One activation of its method runs every entry due up to the
// horizon of the current run_to (the end of the span asked for), advancing its own time step by
// step; SystemC sees one activation per span, not one per time step, and is brought to the
// Scheduler's time when run_to returns. Read the time here (now_ps, ClockDomain::now), never from
// SystemC, and advance it with run_to, never with sc_start.
#pragma once
#include <cstdint>
#include <memory>
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
    void schedule(const ClockDomain& clock, Cycle at, const void* owner, Callback&& fn);
    // The same at absolute time `t_ps` in picoseconds (not before now).
    void schedule_ps(uint64_t t_ps, const void* owner, Callback&& fn);
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

    struct Entry {
        uint64_t time_ps;
        uint32_t slot;
    };
    struct Slot {
        const void* owner = nullptr;
        Callback fn;                    // empty (and call null): the slot is free
        void (*call)(void*) = nullptr;  // a plain entry: call(arg)
        void* arg = nullptr;
    };
    // Slots live in fixed chunks, so a callback can run in its slot while it schedules more.
    static constexpr unsigned kChunkBits = 6;
    // Entries queued at once: past this a runaway producer is an InternalError, not exhausted
    // memory (the 2048^3 matmul peaks at 1,635).
    static constexpr uint32_t kMaxSlots = uint32_t{1} << 24;
    Slot& slot(uint32_t i) {
        return m_chunks[i >> kChunkBits][i & ((uint32_t{1} << kChunkBits) - 1)];
    }
    uint32_t take_slot();
    void free_slot(uint32_t slot);
    void run_slot(uint32_t slot);
    void notify_at(uint64_t t_ps);
    void push(uint64_t at_ps, uint32_t slot);
    void enqueue(Entry e);
    uint64_t head_ps() const;  // the earliest queued time (kNever: none)
    // The earliest and the latest time in `bucket`.
    std::pair<uint64_t, uint64_t> span_ps(unsigned bucket) const;
    void take_bucket(unsigned bucket, uint64_t t_ps, uint64_t latest_ps);

    // Digits of kDigitBits bits: bucket L * 2^kDigitBits + d (L = 0 for the lowest digit) holds
    // the entries whose time first differs from m_last_ps in digit L and has the value d there;
    // m_due those at m_last_ps, in issue order, consumed from m_due_next. The lowest non-empty
    // bucket holds the earliest times (buckets in index order are in time order). Taking its
    // earliest time t moves its entries, in their order, to lower digits relative to t (a bucket
    // of one time becomes m_due whole); other buckets keep their index. Entries of one time share
    // a bucket all along and keep their issue order. Wider digits than one bit: an entry moves
    // fewer times on its way down (2048^3 matmul: 0.8 per entry queued ahead of now, not 4.2).
    static constexpr unsigned kDigitBits = 8;
    static constexpr unsigned kBuckets = (64 / kDigitBits) << kDigitBits;
    static_assert(kBuckets % 64 == 0 && kBuckets / 64 <= 32);
    static unsigned bucket_of(uint64_t t_ps, uint64_t last_ps) {  // t_ps != last_ps
        const unsigned high = 63 - static_cast<unsigned>(__builtin_clzll(t_ps ^ last_ps));
        const unsigned shift = high & ~(kDigitBits - 1);  // the digit's lowest bit
        constexpr uint64_t kDigitMask = (uint64_t{1} << kDigitBits) - 1;
        return (shift / kDigitBits) << kDigitBits |
               static_cast<unsigned>((t_ps >> shift) & kDigitMask);
    }
    void occupy(unsigned b) {
        m_occupied[b / 64] |= uint64_t{1} << (b % 64);
        m_occupied_words |= uint32_t{1} << (b / 64);
    }
    unsigned first_bucket() const {  // the lowest non-empty bucket (one must be)
        const unsigned w = static_cast<unsigned>(__builtin_ctz(m_occupied_words));
        return w * 64 + static_cast<unsigned>(__builtin_ctzll(m_occupied[w]));
    }
    std::vector<Entry> m_due;
    size_t m_due_next = 0;
    std::vector<Entry> m_buckets[kBuckets];
    uint64_t m_occupied[kBuckets / 64] = {};  // bit b % 64 of word b / 64: bucket b holds entries
    uint32_t m_occupied_words = 0;            // bit w: m_occupied[w] != 0
    uint64_t m_last_ps = 0;                   // every queued time is at or after it (<= m_now_ps)
    uint64_t m_now_ps = 0;                    // the time step run last (or being run)
    uint64_t m_horizon_ps = 0;  // run_due advances to steps up to this time (run_to's end)
    std::vector<std::unique_ptr<Slot[]>> m_chunks;
    uint32_t m_slot_count = 0;     // slots made
    std::vector<uint32_t> m_free;  // free slots
    sc_core::sc_event m_head_event;
    static constexpr uint64_t kNone = kNever;
    uint64_t m_notified_ps = kNone;  // the time m_head_event is pending for (kNone: not pending)
    bool m_running = false;          // run_due is running: it notifies for the head at its end
    bool m_stop = false;             // stop() was called: run_due ends after its current step
};

}  // namespace tensim
