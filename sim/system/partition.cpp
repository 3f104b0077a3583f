#include "system/partition.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "common/scheduler.hpp"
#include "system/sync_stats.hpp"
#include "system/system.hpp"

namespace tensim {

namespace {

std::shared_ptr<Transport>& transport_slot() {
    static std::shared_ptr<Transport> t;
    return t;
}

SyncStats g_stats;

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

uint64_t now_ps() { return Scheduler::instance().now_ps(); }

// When this rank's Scheduler next has something to do (kNever: nothing at all).
uint64_t next_event_ps() { return Scheduler::instance().next_ps(); }

void run_to(uint64_t ps) {
    if (ps > now_ps()) Scheduler::instance().run_to(ps, true);
}

uint64_t sat_add(uint64_t a, uint64_t b) { return a > kNever - b ? kNever : a + b; }
uint64_t sat_mul(uint64_t a, uint64_t b) { return b && a > kNever / b ? kNever : a * b; }

// Plain little-endian packing of what crosses ranks (every rank is this same binary).
struct Writer {
    std::vector<uint8_t>& out;
    template <class T>
    void put(T v) {
        raw(&v, sizeof(T));
    }
    void bytes(const std::vector<uint8_t>& b) {
        put<uint64_t>(b.size());
        raw(b.data(), b.size());
    }
    // resize + memcpy: GCC 12 warns (falsely) on vector::insert of a few bytes (bug 105329 kin).
    void raw(const void* p, size_t n) {
        if (n == 0) return;
        const size_t at = out.size();
        out.resize(at + n);
        std::memcpy(out.data() + at, p, n);
    }
};
struct Reader {
    const std::vector<uint8_t>& in;
    size_t pos = 0;
    template <class T>
    T get() {
        if (pos + sizeof(T) > in.size()) throw InternalError("partition: truncated message");
        T v;
        std::memcpy(&v, in.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
    std::vector<uint8_t> bytes() {
        const auto n = get<uint64_t>();
        if (pos + n > in.size()) throw InternalError("partition: truncated message");
        std::vector<uint8_t> b(in.begin() + long(pos), in.begin() + long(pos + n));
        pos += n;
        return b;
    }
};

}  // namespace

void set_transport(std::shared_ptr<Transport> t) { transport_slot() = std::move(t); }
Transport* transport() { return transport_slot().get(); }
SyncStats sync_stats() { return g_stats; }

// The default collectives, built on the all-gather (a Transport may do better: MPI does).
std::vector<uint64_t> Transport::min_over_ranks(std::vector<uint64_t> v) {
    std::vector<uint8_t> out;
    Writer w{out};
    for (uint64_t x : v) w.put(x);
    for (const auto& blob : allgather(out)) {
        Reader r{blob};
        for (uint64_t& x : v) x = std::min(x, r.get<uint64_t>());
    }
    return v;
}

std::vector<std::vector<uint8_t>> Transport::exchange_with(
    const std::vector<int>& peers, const std::vector<std::vector<uint8_t>>& out) {
    std::vector<uint8_t> mine;
    Writer w{mine};
    w.put<uint64_t>(peers.size());
    for (size_t i = 0; i < peers.size(); ++i) w.put<int32_t>(peers[i]), w.bytes(out[i]);
    const auto all = allgather(mine);
    std::vector<std::vector<uint8_t>> in;
    for (int p : peers) {
        Reader r{all.at(static_cast<size_t>(p))};
        std::vector<uint8_t> got;
        for (uint64_t n = r.get<uint64_t>(); n > 0; --n) {
            const auto to = r.get<int32_t>();
            auto b = r.bytes();
            if (to == rank()) got = std::move(b);
        }
        in.push_back(std::move(got));
    }
    return in;
}

// What each rank tells the others at the end of a window.
struct Partition::Header {
    uint64_t now = 0;   // its simulated time (ps)
    uint64_t next = 0;  // its earliest pending event or queued delivery (ps), kNever if none
    uint64_t end = 0;   // when done() first held (ps)
    uint8_t done = 0, failed = 0;
};

// What every rank learns from all the headers of a round (one reduction, every field a minimum).
struct Partition::Summary {
    uint64_t earliest = kNever;     // the earliest pending event anywhere, deliveries included
    uint64_t end = 0;               // the latest end of a rank whose kernels have ended
    uint64_t busy_now = kNever;     // the earliest time of a rank whose kernels still run
    uint64_t latest_now = 0;        // the latest rank's time
    uint64_t failed_rank = kNever;  // the lowest rank that failed, if any
    bool all_done = false;
};

Partition::Partition(System& sys, Transport& t) : m_sys(sys), m_t(t) {
    const SystemConfig& cfg = sys.config();
    const int n = cfg.num_chips, r = t.size();
    for (int c = 0; c < n; ++c) m_owner.push_back(static_cast<int>(int64_t(c) * r / n));
    m_lookahead = std::numeric_limits<Cycle>::max();
    for (const auto& l : cfg.eth_links) {
        const int a = owner(l.chips[0]), b = owner(l.chips[1]);
        if (a == b) continue;
        m_lookahead = std::min<Cycle>(m_lookahead, l.config(cfg.chip.eth).link_latency_cycles);
        if (a == rank() || b == rank()) m_peers.push_back(a == rank() ? b : a);
    }
    // Ascending, as the all-gather delivered them: same-cycle deliveries keep their order.
    std::sort(m_peers.begin(), m_peers.end());
    m_peers.erase(std::unique(m_peers.begin(), m_peers.end()), m_peers.end());
    if (m_lookahead == 0)
        throw ConfigError("a link that crosses ranks has no latency: ranks cannot run ahead");
}

void Partition::send(RemoteDelivery d, Cycle now) {
    // The lookahead is what lets the receiver run a window without waiting: it must hold.
    if (d.drained < now + m_lookahead)
        throw InternalError(fmt::format(
            "an Ethernet delivery sent at cycle {} drains at {}, inside the {}-cycle lookahead",
            now, d.drained, m_lookahead));
    m_outbox.push_back(std::move(d));
}

void Partition::deliver(const RemoteDelivery& d) {
    EthTile& tile = m_sys.chip(d.chip).eth(d.channel);
    Endpoint& ep = tile.core().l1_endpoint();
    auto data = std::make_shared<std::vector<uint8_t>>(d.bytes);
    // The receiving tile owns the entry: its cancel_in_flight drops it, as the sending link's
    // does in one process.
    Scheduler::instance().schedule(m_sys.config().chip.clock, d.drained, &tile,
                                   [&ep, data, off = d.offset] {
                                       if (!data->empty())
                                           ep.write_bytes(off, data->data(), data->size());
                                       ep.changed();
                                   });
}

// One round's exchange: the deliveries go point to point to the ranks that own their chips (a
// rank's link neighbours, each sent a message every round so that it knows it has them all),
// then one reduction of the headers gives every rank the same summary.
Partition::Summary Partition::exchange(const Header& mine) {
    std::vector<std::vector<uint8_t>> out(m_peers.size());
    for (const RemoteDelivery& d : m_outbox) {
        const auto it = std::lower_bound(m_peers.begin(), m_peers.end(), owner(d.chip));
        if (it == m_peers.end() || *it != owner(d.chip))
            throw InternalError(
                fmt::format("partition: a delivery to chip {} (rank {}) has no link "
                            "from rank {}",
                            d.chip, owner(d.chip), rank()));
        Writer w{out[static_cast<size_t>(it - m_peers.begin())]};
        w.put(d.drained), w.put(d.chip), w.put(d.channel), w.put(d.offset);
        w.bytes(d.bytes);
    }
    m_outbox.clear();
    for (const auto& o : out) g_stats.bytes_sent += o.size();
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& blob : m_t.exchange_with(m_peers, out)) {
        Reader r{blob};
        while (r.pos < blob.size()) {
            RemoteDelivery d;
            d.drained = r.get<Cycle>(), d.chip = r.get<int32_t>(), d.channel = r.get<int32_t>();
            d.offset = r.get<uint64_t>();
            d.bytes = r.bytes();
            if (!local(d.chip))
                throw InternalError(
                    fmt::format("partition: rank {} got a delivery for chip {}", rank(), d.chip));
            deliver(d);
        }
    }
    const auto v = m_t.min_over_ranks({mine.next, kNever - mine.end, mine.done ? 1u : 0u,
                                       mine.failed ? static_cast<uint64_t>(rank()) : kNever,
                                       mine.done ? kNever : mine.now, kNever - mine.now});
    g_stats.exchange_s +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++g_stats.rounds;
    Summary sum;
    sum.earliest = v[0], sum.end = kNever - v[1], sum.all_done = v[2] == 1;
    sum.failed_rank = v[3], sum.busy_now = v[4], sum.latest_now = kNever - v[5];
    return sum;
}

void Partition::run_until(const std::function<bool()>& done, const std::function<bool()>& failed,
                          Cycle limit_cycles) {
    const uint64_t period = m_sys.config().chip.clock.period_ps();
    const uint64_t deadline = sat_add(now_ps(), sat_mul(limit_cycles, period));
    const uint64_t window = sat_mul(m_lookahead, period);
    bool ended = false;
    uint64_t my_end = 0;
    int pokes = 0;
    for (;;) {
        ++m_windows;
        Header h;
        h.now = now_ps();
        h.done = done();
        h.failed = failed();
        if (h.done && !ended) ended = true, my_end = h.now;
        h.end = my_end;
        h.next = next_event_ps();
        for (const RemoteDelivery& d : m_outbox) h.next = std::min(h.next, d.drained * period);
        const Summary all = exchange(h);
        if (all.failed_rank != kNever) {
            if (h.failed) return;  // this rank's own error is the one to report
            throw Error(fmt::format("rank {} of {}: a kernel failed on rank {}", rank(), ranks(),
                                    all.failed_rank));
        }
        if (all.all_done) {
            // As in one process: the run ends when the last kernel anywhere has; every rank
            // stops there, with what lies beyond still pending.
            run_to(all.end);
            return;
        }
        // The earliest moment anything can happen anywhere (after this exchange's deliveries).
        const uint64_t earliest = all.earliest, busy_now = all.busy_now;
        if (earliest == kNever) {
            // Nothing is scheduled on any rank. A kernel may have changed L1 by a plain store
            // that notified no one: wake every waiter once; if that changes nothing, it is a
            // deadlock (this rank reports its own waiting threads).
            if (++pokes > 1)
                throw DeadlockError(fmt::format(
                    "deadlock at cycle {} (rank {} of {}): no thread can make progress:\n{}",
                    m_sys.now(), rank(), ranks(), m_sys.waiting_report()));
            for (int c = 0; c < m_sys.num_chips(); ++c)
                if (local(c))
                    for (TensixCore* core : m_sys.chip(c).cores()) core->notify_changed();
            Scheduler::instance().run_to(now_ps(), false);  // one delta cycle, as before
            continue;
        }
        pokes = 0;
        if (earliest >= deadline)
            throw DeadlockError(fmt::format(
                "time limit of {} cycles reached at cycle {} (rank {} of {}); still running:\n{}",
                limit_cycles, deadline / period, rank(), ranks(), m_sys.waiting_report()));
        // Nothing sent from now on drains before earliest + lookahead: run up to just before it.
        uint64_t bound = std::min(sat_add(earliest, window) - 1, deadline);
        // A rank whose kernels have ended never passes a rank still running: the end of the run
        // is the latest end, which every rank must reach and none may have passed.
        if (h.done) bound = std::min(bound, busy_now);
        run_to(bound);
    }
}

void Partition::align_time() {
    Header h;
    h.now = now_ps();
    h.next = kNever;
    run_to(exchange(h).latest_now);
}

std::vector<uint64_t> Partition::max_over_ranks(std::vector<uint64_t> v) {
    std::vector<uint8_t> out;
    Writer w{out};
    for (uint64_t x : v) w.put(x);
    for (const auto& blob : m_t.allgather(out)) {
        Reader r{blob};
        for (uint64_t& x : v) x = std::max(x, r.get<uint64_t>());
    }
    return v;
}

std::vector<uint8_t> Partition::from_owner(int chip, std::vector<uint8_t> mine) {
    const size_t n = mine.size();
    if (!local(chip)) mine.clear();  // the others' copies hold nothing worth sending
    auto all = m_t.allgather(mine);
    std::vector<uint8_t>& got = all.at(static_cast<size_t>(owner(chip)));
    if (got.size() != n)
        throw InternalError(
            fmt::format("partition: chip {}'s owner read {} B, rank {} asked for {}", chip,
                        got.size(), rank(), n));
    return std::move(got);
}

}  // namespace tensim
