#include "noc/transactions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/scheduler.hpp"

namespace tensim {

using Counter = NocInitiator::Counter;

void Endpoint::write_zeros(uint64_t offset, size_t n) {
    static const uint8_t zeros[4096] = {};
    for (size_t done = 0; done < n; done += sizeof zeros)
        write_bytes(offset + done, zeros, std::min(sizeof zeros, n - done));
}

NocTransactions::NocTransactions(const NocConfig& cfg, const ClockDomain& clock,
                                 const std::string& name)
    : m_cfg(cfg), m_clock(clock), m_stats(name + ".niu") {
    for (int i = 0; i < cfg.count(); ++i) {
        m_nocs.push_back(std::make_unique<Noc>(cfg, i, fmt::format("{}.noc{}", name, i)));
        m_stats.add(m_nocs.back()->stats());
    }
    // Only the total is reported (noc_bytes); the per-link bytes are in the NoCs' groups.
    m_stats.counter("noc_bytes_read", m_bytes_read, "B", "data delivered by reads")
        .hidden()
        .folds_into(stats::figure::noc_bytes, stats::Fold::sum)
        .counter("noc_bytes_written", m_bytes_written, "B",
                 "data delivered by writes and multicasts")
        .hidden()
        .folds_into(stats::figure::noc_bytes, stats::Fold::sum);
}

NocTransactions::~NocTransactions() { cancel_in_flight(); }

void NocTransactions::place(NocXY xy, Endpoint* ep, bool multicast) {
    if (xy.x < 0 || xy.y < 0 || xy.x >= m_cfg.grid_x || xy.y >= m_cfg.grid_y)
        throw ConfigError(fmt::format("noc: endpoint at {}-{} is outside the {}x{} grid", xy.x,
                                      xy.y, m_cfg.grid_x, m_cfg.grid_y));
    if (!m_endpoints.emplace(xy, ep).second)
        throw ConfigError(fmt::format("noc: two endpoints placed on tile {}-{}", xy.x, xy.y));
    if (multicast) m_multicast_targets.push_back({xy, ep});
}

Endpoint* NocTransactions::endpoint_at(NocXY xy) const {
    auto it = m_endpoints.find(xy);
    return it == m_endpoints.end() ? nullptr : it->second;
}

void NocTransactions::cancel_in_flight() {
    // Dropped packets release what they reserved, so the next program starts on an idle chip.
    Scheduler::instance().cancel(this);
    m_pending.clear();
    m_last_arrival.clear();
    for (auto& n : m_nocs) n->clear_reservations();
    for (auto& [xy, ep] : m_endpoints) ep->clear_reservations();
}

void NocTransactions::deliver(Cycle at, Scheduler::Callback fn) {
    Scheduler::instance().schedule(m_clock, at, this, std::move(fn));
}

Cycle NocTransactions::in_order(NocInitiator& from, int noc, NocXY dst, Cycle arrival) {
    Cycle& last = m_last_arrival[{&from.local(), noc, dst}];
    last = std::max(last, arrival);
    return last;
}

uint64_t NocTransactions::local_or_throw(NocInitiator& from, uint32_t addr, uint32_t size,
                                         const char* what) const {
    auto off = from.local().resolve(addr, size);
    if (!off)
        throw KernelError(fmt::format("{}: {} L1 address 0x{:x} (+{} B) is outside {}",
                                      from.where(), what, addr, size, from.local().describe()));
    return *off;
}

namespace {

// NocTransactions::decode, with the caller's description made only for an error message: it is
// formatted text, and building it for every transaction cost more than the rest of the decode.
template <typename Who>
NocTransactions::Target decode_target(const NocTransactions& niu, int noc, uint64_t addr,
                                      uint32_t size, const Who& who) {
    const NocConfig& cfg = niu.config();
    const NocXY xy = cfg.to_noc(noc, cfg.address.xy(addr));
    const uint64_t local = cfg.address.local(addr);
    Endpoint* ep = niu.endpoint_at(xy);
    if (!ep)
        throw KernelError(
            fmt::format("{}: NoC address 0x{:x} on noc{} targets tile {}-{}, which has no memory "
                        "tensim models (not a worker core or DRAM endpoint)",
                        who(), local, noc, xy.x, xy.y));
    auto off = ep->resolve(local, size);
    if (!off)
        throw KernelError(
            fmt::format("{}: NoC address 0x{:x} on noc{} (tile {}-{}, +{} B) is outside {}", who(),
                        local, noc, xy.x, xy.y, size, ep->describe()));
    return {ep, xy, *off};
}

}  // namespace

NocTransactions::Target NocTransactions::decode(int noc, uint64_t addr, uint32_t size,
                                                const std::string& who) const {
    return decode_target(*this, noc, addr, size, [&] { return who; });
}

// Alignment. Wormhole's NoC moves data in aligned words; source and destination must agree
// modulo the word (tt-isa-documentation, WormholeB0/NoC/Alignment.md: "C16" for data from L1;
// a violation is undefined behaviour there, and tt-metal's watcher stops it). Silicon still moves
// the data, and each byte keeps its place within its word (tt-metal PR #22061). Modelled so: the
// source sends the words holding [src, src + size), and destination byte x of [dst, dst + size)
// takes the source byte at the same distance from the start of its word run, align_down(src) +
// (x - align_down(dst)). When dst's offset in its word is past src's, the last bytes have no word
// sent for them; they are not written (what silicon leaves there is not documented). A warning
// names the kernel line, once per line. Timing is that of the transfer's size either way.
// The word is l1_alignment_bytes (16 B) for every source. The ISA document gives 32 B ("C32")
// for data from DRAM into L1, but tensim's L1 allocator places buffers at 16 B, and with 32 B
// words tt-metal's add_2_integers_in_riscv (DRAM at 0 mod 32 into L1 at 16 mod 32), which passes
// on silicon, would read shifted data: where silicon's allocator puts those buffers is not
// established, so DRAM's 32 B word is not modelled.
NocTransactions::Placement NocTransactions::place_words(NocInitiator& from, uint64_t src,
                                                        uint64_t dst, uint32_t size,
                                                        const char* what) const {
    const uint64_t word = m_cfg.l1_alignment_bytes;
    if (src % word == dst % word) return {src, size};
    const uint64_t first = src - src % word;                     // the first word sent
    const uint64_t end = (src + size + word - 1) / word * word;  // past the last word sent
    const Placement p{first + dst % word,
                      static_cast<uint32_t>(std::min<uint64_t>(size, end - (first + dst % word)))};
    static std::set<std::string> warned;  // call sites, not cores: one line for a grid
    const std::string site =
        from.call_site ? fmt::format("{}:{}", from.call_site->file_name(), from.call_site->line())
                       : from.where();
    if (warned.insert(site).second)
        log::noc().warn(
            "{}: misaligned {}: source offset 0x{:x} and destination 0x{:x} differ modulo {} B "
            "(the NoC's word); silicon moves whole words, so the destination gets the {} bytes "
            "from source offset 0x{:x} (tt-metal's watcher stops this transfer)",
            from.where_called(), what, src, dst, word, p.bytes, p.src);
    return p;
}

// A transaction's payload, taken from its source at issue. Memory nothing was written to gives
// no copy at all (nullptr: zeros), which store_payload writes as zeros; `timing` numerics leaves
// tile data zero, so most of its traffic carries no bytes and faults in no pages.
std::shared_ptr<uint8_t[]> NocTransactions::take_payload(const Endpoint& src, uint64_t offset,
                                                         uint32_t size) {
    if (src.reads_zero(offset, size)) return nullptr;
    std::shared_ptr<uint8_t[]> data(new uint8_t[size]);  // filled below, so not zeroed first
    src.read_bytes(offset, data.get(), size);
    return data;
}

void NocTransactions::store_payload(Endpoint& dst, uint64_t offset,
                                    const std::shared_ptr<uint8_t[]>& data, uint32_t off,
                                    uint32_t bytes) {
    if (!bytes) return;
    if (data)
        dst.write_bytes(offset, data.get() + off, bytes);
    else
        dst.write_zeros(offset, bytes);
}

void NocTransactions::arbitrate(NocInitiator& from, Scheduler::Callback reserve) {
    m_pending.push_back({from.order(), m_pending_seq++, std::move(reserve)});
    if (m_pending.size() == 1) deliver(m_clock.now(), [this] { run_pending(); });
}

void NocTransactions::run_pending() {
    // Requests issued in the same cycle claim links, ports and endpoints in the order of their
    // source (core, RISC), never in the order SystemC happened to run the threads.
    std::vector<PendingIssue> batch;
    batch.swap(m_pending);
    std::sort(batch.begin(), batch.end(), [](const PendingIssue& a, const PendingIssue& b) {
        return std::tie(a.order, a.seq) < std::tie(b.order, b.seq);
    });
    for (auto& p : batch) p.reserve();
    // Hand the storage back when no request came in meanwhile: an allocation per batch otherwise.
    batch.clear();
    if (m_pending.empty()) m_pending.swap(batch);
}

template <typename Fn>
void NocTransactions::for_each_packet(NocInitiator& from, uint32_t size, Cycle t0, Fn&& fn) const {
    // The RISC programs one command per packet of at most max_packet_payload_bytes.
    const uint32_t max_payload = m_cfg.max_packet_payload_bytes;
    for (uint32_t k = 0, off = 0; off < size; ++k, off += max_payload)
        fn(std::min(max_payload, size - off), off, t0 + (k + 1) * from.issue_cycles());
}

uint32_t NocTransactions::packets_for(uint32_t size) const {
    const uint32_t max_payload = m_cfg.max_packet_payload_bytes;
    return (size + max_payload - 1) / max_payload;
}

uint32_t NocTransactions::read(NocInitiator& from, int noc, uint64_t src_addr, uint32_t dst_local,
                               uint32_t size, Cycle t0) {
    const uint64_t dst_off = local_or_throw(from, dst_local, size, "read destination");
    const Target src = decode_target(*this, noc, src_addr, size, [&] { return from.where(); });
    const Placement placed = place_words(from, src.offset, dst_off, size, "NoC read");
    // The data is taken now and lands at the requester when its response arrives.
    const std::shared_ptr<uint8_t[]> data = take_payload(*src.ep, placed.src, placed.bytes);
    const uint32_t trid = from.trid(noc, Counter::reads);
    from.count_trid(noc, Counter::reads, trid, static_cast<int>(packets_for(size)));
    from.count(noc, Counter::reads, static_cast<int>(packets_for(size)));
    m_bytes_read += size;
    const uint32_t stored = placed.bytes;
    arbitrate(from, [this, &from, noc, src, dst_off, size, stored, t0, data, trid] {
        Noc& n = *m_nocs[static_cast<size_t>(noc)];
        const NocXY me = from.xy();
        for_each_packet(from, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            Cycle req_arrive = n.send(me, src.xy, 0, inject);
            // The target serves requests in the order they arrive: decide its timing then.
            deliver(req_arrive, [this, &from, &n, me, src, dst_off, data, bytes, off, stored,
                                 req_arrive, trid] {
                const Endpoint::ReadTiming rt = src.ep->serve_read(src.offset, bytes, req_arrive);
                // Data streams out as it is read: the response leaves when its tail can follow.
                const Cycle ser = n.link_cycles(bytes, Framing::header_and_payload);
                const Cycle depart = std::max(rt.first, rt.ready > ser ? rt.ready - ser : 0);
                const Cycle arrive = n.send(src.xy, me, bytes, depart);
                const int noc_id = n.id();
                trace_transfer(src, depart, Target{&from.local(), me, dst_off}, arrive, noc_id,
                               bytes);
                deliver(arrive, [&from, data, dst_off, off, bytes, stored, noc_id, trid] {
                    store_payload(from.local(), dst_off + off, data, off,
                                  stored_bytes(stored, off, bytes));
                    from.count_trid(noc_id, Counter::reads, trid, -1);
                    from.count(noc_id, Counter::reads, -1);
                });
            });
        });
    });
    return packets_for(size);
}

void NocTransactions::trace_transfer(const Target& from, Cycle sent, const Target& to,
                                     Cycle arrived, int noc, uint32_t bytes) const {
    trace::Sink* sink = trace::sink();
    if (!sink) return;
    const trace::Track a = from.ep->track(from.offset), b = to.ep->track(to.offset);
    if (sink->wants(a) || sink->wants(b)) sink->transfer(a, sent, b, arrived, noc, bytes);
}

template <typename Acked>
void NocTransactions::send_write(NocInitiator& from, int noc, NocVc vc, Target dst, Cycle arrive,
                                 std::shared_ptr<uint8_t[]> data, uint32_t off, uint32_t bytes,
                                 uint32_t stored, Acked acked) {
    // At the target: commit the data, then the ack goes back to the writer.
    const Cycle at = arrive + dst.ep->write_commit_delay();
    deliver(
        at, [this, &from, noc, vc, dst, data, off, bytes, stored, at, acked = std::move(acked)] {
            store_payload(*dst.ep, dst.offset + off, data, off, stored_bytes(stored, off, bytes));
            Noc& n = *m_nocs[static_cast<size_t>(noc)];
            const Cycle ack_from = dst.ep->commit_write(
                dst.offset + off, bytes, at,
                RouterPort{n.endpoint_buffer(dst.xy), n.buffer_vc(from.xy(), vc)});
            dst.ep->changed();
            acked(n.send(dst.xy, from.xy(), 0, ack_from));
        });
}

void NocTransactions::count_write_done(NocInitiator& from, int noc, Cycle sent, Cycle acked,
                                       uint32_t trid) {
    if (sent) deliver(sent, [&from, noc] { from.count(noc, Counter::writes_unsent, -1); });
    if (acked)
        deliver(acked, [&from, noc, trid] {
            from.count_trid(noc, Counter::writes_unacked, trid, -1);
            from.count(noc, Counter::writes_unacked, -1);
        });
}

uint32_t NocTransactions::write(NocInitiator& from, int noc, uint32_t src_local, uint64_t dst_addr,
                                uint32_t size, NocVc vc, Cycle t0) {
    const uint64_t src_off = local_or_throw(from, src_local, size, "write source");
    const Target dst = decode_target(*this, noc, dst_addr, size, [&] { return from.where(); });
    const Placement placed = place_words(from, src_off, dst.offset, size, "NoC write");
    const std::shared_ptr<uint8_t[]> data = take_payload(from.local(), placed.src, placed.bytes);
    const uint32_t stored = placed.bytes;
    const uint32_t trid = from.trid(noc, Counter::writes_unacked);
    from.count(noc, Counter::writes_unsent, static_cast<int>(packets_for(size)));
    from.count_trid(noc, Counter::writes_unacked, trid, static_cast<int>(packets_for(size)));
    from.count(noc, Counter::writes_unacked, static_cast<int>(packets_for(size)));
    m_bytes_written += size;
    arbitrate(from, [this, &from, noc, vc, dst, src_off, size, stored, t0, data, trid] {
        Noc& n = *m_nocs[static_cast<size_t>(noc)];
        const Target me{&from.local(), from.xy(), src_off};
        for_each_packet(from, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            Cycle arrive = in_order(from, noc, dst.xy, n.send(me.xy, dst.xy, bytes, inject));
            trace_transfer(me, inject, dst, arrive, noc, bytes);
            count_write_done(from, noc,
                             inject + n.inject_cycles(bytes, Framing::header_and_payload), 0);
            send_write(from, noc, vc, dst, arrive, data, off, bytes, stored,
                       [this, &from, noc, trid](Cycle acked) {
                           count_write_done(from, noc, 0, acked, trid);
                       });
        });
    });
    return packets_for(size);
}

uint32_t NocTransactions::multicast(NocInitiator& from, int noc, uint32_t src_local,
                                    uint64_t mcast_addr, uint32_t size, uint32_t num_dests,
                                    bool loopback_src, Cycle t0) {
    const uint64_t src_off = local_or_throw(from, src_local, size, "multicast source");
    auto [a, b] = m_cfg.address.rect(mcast_addr);
    // Kernels on a mirrored NoC pass the corners swapped; either order names the same rectangle.
    const NocXY p = m_cfg.to_noc(noc, a), q = m_cfg.to_noc(noc, b);
    const int x0 = std::min(p.x, q.x), x1 = std::max(p.x, q.x), y0 = std::min(p.y, q.y),
              y1 = std::max(p.y, q.y);
    const uint64_t local = m_cfg.address.local(mcast_addr);
    auto reached = [&](const NocXY& xy, const Endpoint* ep) {
        return xy.x >= x0 && xy.x <= x1 && xy.y >= y0 && xy.y <= y1 &&
               (ep != &from.local() || loopback_src);
    };
    std::vector<Target> dests;  // one allocation, moved into the issue below
    dests.reserve(static_cast<size_t>(
        std::count_if(m_multicast_targets.begin(), m_multicast_targets.end(),
                      [&](const auto& t) { return reached(t.first, t.second); })));
    for (const auto& [xy, ep] : m_multicast_targets)
        if (reached(xy, ep)) dests.push_back({ep, xy, 0});
    // On silicon a wrong count either ends the barrier early or hangs it.
    if (dests.empty() || num_dests != dests.size())
        throw KernelError(
            fmt::format("{}: multicast to rectangle {}-{}..{}-{} (noc0) reaches {} cores{} but "
                        "num_dests is {}",
                        from.where(), x0, y0, x1, y1, dests.size(),
                        loopback_src ? " including the sender" : "", num_dests));
    auto dst_off = dests.front().ep->resolve(local, size);
    if (!dst_off)
        throw KernelError(fmt::format("{}: multicast destination 0x{:x} (+{} B) is outside L1",
                                      from.where(), local, size));
    const Placement placed = place_words(from, src_off, *dst_off, size, "NoC multicast");
    for (Target& d : dests) d.offset = *dst_off;
    const std::shared_ptr<uint8_t[]> data = take_payload(from.local(), placed.src, placed.bytes);
    const uint32_t stored = placed.bytes;
    const uint32_t trid = from.trid(noc, Counter::writes_unacked);
    from.count(noc, Counter::writes_unsent, static_cast<int>(packets_for(size)));
    from.count_trid(noc, Counter::writes_unacked, trid, static_cast<int>(packets_for(size)));
    from.count(noc, Counter::writes_unacked, static_cast<int>(packets_for(size)));
    m_bytes_written += static_cast<uint64_t>(size) * dests.size();
    arbitrate(from, [this, &from, noc, dests = std::move(dests), src_off, size, stored, t0, data,
                     trid] {
        Noc& n = *m_nocs[static_cast<size_t>(noc)];
        const Target me{&from.local(), from.xy(), src_off};
        std::vector<NocXY> xys;
        xys.reserve(dests.size());
        for (const Target& d : dests) xys.push_back(d.xy);
        for_each_packet(from, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            count_write_done(from, noc,
                             inject + n.inject_cycles(bytes, Framing::header_and_payload), 0);
            std::vector<Cycle> arrivals = n.multicast(me.xy, xys, bytes, inject);
            // The barrier counts one ack per packet: the last destination's.
            auto acks = std::make_shared<std::pair<size_t, Cycle>>(0, 0);
            for (size_t i = 0; i < dests.size(); ++i) {
                trace_transfer(me, inject, dests[i], arrivals[i], noc, bytes);
                send_write(from, noc, NocVc{}, dests[i],
                           in_order(from, noc, dests[i].xy, arrivals[i]), data, off, bytes, stored,
                           [this, &from, noc, acks, cnt = dests.size(), trid](Cycle acked) {
                               acks->second = std::max(acks->second, acked);
                               if (++acks->first == cnt)
                                   count_write_done(from, noc, 0, acks->second, trid);
                           });
            }
        });
    });
    return packets_for(size);
}

void NocTransactions::word_op(NocInitiator& from, int noc, uint64_t addr, const char* what,
                              Counter counter, std::function<void(uint32_t&)> apply, Cycle t0) {
    const Target dst = decode_target(*this, noc, addr, 4, [&] { return from.where(); });
    if (!dst.ep->word(dst.offset))
        throw KernelError(fmt::format("{}: NoC {} targets {}; it works on Tensix L1 only",
                                      from.where(), what, dst.ep->describe()));
    if (dst.offset % 4)
        throw KernelError(
            fmt::format("{}: misaligned NoC {}: L1 offset 0x{:x} is not 4-byte aligned",
                        from.where(), what, dst.offset));
    const uint32_t trid = from.trid(noc, counter);
    from.count_trid(noc, counter, trid, +1);
    from.count(noc, counter, +1);
    arbitrate(from, [this, &from, noc, dst, counter, apply = std::move(apply), t0, trid] {
        Noc& n = *m_nocs[static_cast<size_t>(noc)];
        const NocXY me = from.xy();
        Cycle arrive = in_order(from, noc, dst.xy, n.send(me, dst.xy, 0, t0 + from.issue_cycles()));
        Cycle done = arrive + dst.ep->write_commit_delay();
        deliver(done, [this, &from, &n, noc, me, dst, counter, apply, done, trid] {
            apply(*dst.ep->word(dst.offset));
            dst.ep->changed();
            deliver(n.send(dst.xy, me, 0, done), [&from, noc, counter, trid] {
                from.count_trid(noc, counter, trid, -1);
                from.count(noc, counter, -1);
            });
        });
    });
}

void NocTransactions::atomic_inc(NocInitiator& from, int noc, uint64_t addr, uint32_t incr,
                                 Cycle t0) {
    word_op(
        from, noc, addr, "atomic increment", Counter::atomics, [incr](uint32_t& w) { w += incr; },
        t0);
}

void NocTransactions::inline_write(NocInitiator& from, int noc, uint64_t addr, uint32_t value,
                                   Cycle t0) {
    word_op(
        from, noc, addr, "inline write", Counter::writes_unacked,
        [value](uint32_t& w) { w = value; }, t0);
}

}  // namespace tensim
