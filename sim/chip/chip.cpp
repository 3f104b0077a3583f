#include "chip/chip.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/scheduler.hpp"
#include "common/trace.hpp"
#include "noc/noc_address.hpp"

namespace tensim {

Chip::Chip(const SystemConfig& sys, int chip_id)
    : m_id(chip_id), m_cfg(sys.chip), m_grid_x(sys.grid_x()), m_grid_y(sys.grid_y()) {
    uint32_t l1_bytes = m_cfg.tensix.l1_size_bytes();
    uint32_t stride = 1;
    while (stride < l1_bytes) stride <<= 1;
    size_t n = static_cast<size_t>(m_grid_x) * m_grid_y;
    m_l1_memory = std::make_unique<LowMemory>(n * stride);
    L1Window window{static_cast<uint32_t>(reinterpret_cast<uintptr_t>(m_l1_memory->data())), stride,
                    static_cast<uint32_t>(n)};
    for (int ly = 0; ly < m_grid_y; ++ly)
        for (int lx = 0; lx < m_grid_x; ++lx) {
            NocXY xy{sys.worker_cols[lx], sys.worker_rows[ly]};
            uint8_t* l1 = m_l1_memory->data() + m_workers.size() * stride;
            m_workers.push_back(std::make_unique<TensixCore>(m_cfg.tensix, m_cfg.risc, m_cfg.compute, m_cfg.clock,
                                                             m_id, xy, lx, ly, l1, window));
            m_workers.back()->set_noc_port(this);
            m_by_xy[xy] = m_workers.back().get();
        }
    for (int i = 0; i < 2; ++i)
        m_nocs[i] = std::make_unique<Noc>(m_cfg.noc, i, fmt::format("chip{}.noc{}", m_id, i));
    m_dram = std::make_unique<Dram>(m_cfg.dram);
    m_banks = m_cfg.dram_banks();
    for (size_t g = 0; g < m_cfg.dram_groups.size(); ++g)
        for (auto xy : m_cfg.dram_groups[g]) m_dram_group_of[xy] = static_cast<int>(g);
}

Chip::~Chip() { cancel_in_flight(); }

void Chip::cancel_in_flight() {
    // Dropped packets release what they reserved, so the next program starts on an idle chip.
    Scheduler::instance().cancel(this);
    m_pending.clear();
    m_last_arrival.clear();
    for (auto& n : m_nocs) n->clear_reservations();
    for (int i = 0; i < m_dram->num_channels(); ++i) m_dram->channel(i).clear_reservations();
    for (auto& c : m_workers) c->clear_reservations();
}

TensixCore& Chip::worker(int lx, int ly) {
    if (lx < 0 || ly < 0 || lx >= m_grid_x || ly >= m_grid_y)
        throw HostError(fmt::format("chip{}: logical core ({},{}) is outside the {}x{} worker grid", m_id,
                                    lx, ly, m_grid_x, m_grid_y));
    return *m_workers[static_cast<size_t>(ly) * m_grid_x + lx];
}

TensixCore* Chip::core_at(NocXY xy) {
    auto it = m_by_xy.find(xy);
    return it == m_by_xy.end() ? nullptr : it->second;
}

NocXY Chip::to_noc0(int noc, NocXY xy) const {
    if (noc == 0) return xy;
    return {m_cfg.noc.grid_x - 1 - xy.x, m_cfg.noc.grid_y - 1 - xy.y};
}

uint32_t Chip::num_banks(bool dram) const {
    return dram ? static_cast<uint32_t>(m_banks.size()) : static_cast<uint32_t>(m_workers.size());
}

uint64_t Chip::bank_noc_addr(bool dram, uint32_t bank, uint32_t addr, int noc) const {
    uint32_t n = num_banks(dram);
    if (bank >= n) throw KernelError(fmt::format("bank id {} out of range ({} {} banks)", bank, n, dram ? "DRAM" : "L1"));
    NocXY xy = dram ? m_banks[bank].endpoint[noc] : m_workers[bank]->xy();
    uint64_t local = dram ? uint64_t(addr) + m_banks[bank].offset : addr;
    NocXY c = from_noc0(noc, xy);
    return noc_addr::unicast(c.x, c.y, local);
}

void Chip::shutdown_threads() {
    for (auto& c : m_workers)
        for (int r = 0; r < 5; ++r) c->thread(static_cast<Risc>(r)).shutdown();
}

bool Chip::threads_finished() const {
    for (const auto& c : m_workers)
        for (int r = 0; r < 5; ++r)
            if (!c->thread(static_cast<Risc>(r)).finished()) return false;
    return true;
}

void Chip::deliver(Cycle at, std::function<void()> fn) {
    Scheduler::instance().schedule(m_cfg.clock, at, this, std::move(fn));
}

Cycle Chip::in_order(RiscThread& t, int noc, NocXY dst, Cycle arrival) {
    Cycle& last = m_last_arrival[{&t.core(), noc, dst}];
    last = std::max(last, arrival);
    return last;
}

uint32_t Chip::l1_offset_or_throw(RiscThread& t, uint32_t addr, uint32_t size, const char* what) {
    auto off = t.core().l1_offset(addr, size);
    if (!off)
        throw KernelError(fmt::format("{}: {} L1 address 0x{:x} (+{} B) is outside this core's L1 ({} B)",
                                      t.where(), what, addr, size, t.core().l1_size()));
    return *off;
}

NocTarget Chip::decode(int noc, uint64_t addr, uint32_t size, const std::string& who) {
    NocXY xy = to_noc0(noc, noc_addr::xy(addr));
    uint64_t local = noc_addr::local(addr);
    NocTarget tgt;
    tgt.xy = xy;
    if (TensixCore* c = core_at(xy)) {
        auto off = c->l1_offset(local, size);
        if (!off)
            throw KernelError(fmt::format("{}: NoC address 0x{:x} on noc{} (tile {}-{}, +{} B) is outside "
                                          "that core's L1 ({} B)",
                                          who, local, noc, xy.x, xy.y, size, c->l1_size()));
        tgt.core = c;
        tgt.offset = *off;
        return tgt;
    }
    auto g = m_dram_group_of.find(xy);
    if (g != m_dram_group_of.end()) {
        uint64_t ch_size = m_cfg.dram.channel_size_bytes;
        int ch = 2 * g->second + static_cast<int>(local / ch_size);
        uint64_t off = local % ch_size;
        if (local >= 2 * ch_size || off + size > ch_size)
            throw KernelError(fmt::format("{}: NoC address 0x{:x} (+{} B) is outside DRAM group {} at {}-{}",
                                          who, local, size, g->second, xy.x, xy.y));
        tgt.channel = &m_dram->channel(ch);
        tgt.offset = off;
        return tgt;
    }
    throw KernelError(fmt::format("{}: NoC address 0x{:x} on noc{} targets tile {}-{}, which has no memory "
                                  "tensim models (not a worker core or DRAM endpoint)",
                                  who, local, noc, xy.x, xy.y));
}

namespace {
void check_alignment(RiscThread& t, uint64_t a, uint64_t b, uint32_t align, const char* what) {
    // The NoC moves aligned L1 words: source and destination must sit at the same offset in them.
    if (a % align != b % align)
        throw KernelError(fmt::format("{}: misaligned {}: addresses 0x{:x} and 0x{:x} differ modulo {} B",
                                      t.where(), what, a, b, align));
}
}  // namespace

void Chip::arbitrate(RiscThread& t, std::function<void()> reserve) {
    m_pending.push_back({t.core().logical_y(), t.core().logical_x(), static_cast<int>(t.risc()), m_pending_seq++,
                         std::move(reserve)});
    if (m_pending.size() == 1) deliver(clock().now(), [this] { run_pending(); });
}

void Chip::run_pending() {
    // Requests issued in the same cycle claim links, ports and DRAM channels in the order of their
    // source (core, RISC), never in the order SystemC happened to run the threads.
    std::vector<PendingIssue> batch;
    batch.swap(m_pending);
    std::sort(batch.begin(), batch.end(), [](const PendingIssue& a, const PendingIssue& b) {
        return std::tie(a.core_y, a.core_x, a.risc, a.seq) < std::tie(b.core_y, b.core_x, b.risc, b.seq);
    });
    for (auto& p : batch) p.reserve();
}

Cycle Chip::serialisation(uint32_t bytes, double bytes_per_cycle) const {
    return static_cast<Cycle>(std::ceil((bytes + m_cfg.noc.flit_bytes) / bytes_per_cycle));
}

template <typename Fn>
void Chip::for_each_packet(RiscThread& t, uint32_t size, Cycle t0, Fn&& fn) const {
    // The RISC programs one command per packet of at most max_packet_payload_bytes.
    const uint32_t max_payload = m_cfg.noc.max_packet_payload_bytes;
    for (uint32_t k = 0, off = 0; off < size; ++k, off += max_payload)
        fn(std::min(max_payload, size - off), off, t0 + (k + 1) * t.config().noc_cmd_issue_cycles);
}

uint32_t Chip::packets_for(uint32_t size) const {
    const uint32_t max_payload = m_cfg.noc.max_packet_payload_bytes;
    return (size + max_payload - 1) / max_payload;
}

uint32_t Chip::read(RiscThread& t, int noc, uint64_t src_addr, uint32_t dst_l1, uint32_t size, Cycle t0) {
    uint32_t dst_off = l1_offset_or_throw(t, dst_l1, size, "read destination");
    NocTarget src = decode(noc, src_addr, size, t.where());
    check_alignment(t, src.offset, dst_off, m_cfg.l1_alignment_bytes, "NoC read");
    // The data is taken now and lands at the requester when its response arrives.
    std::shared_ptr<uint8_t[]> data(new uint8_t[size]);  // filled below, so not zeroed first
    if (src.core)
        std::memcpy(data.get(), src.core->l1() + src.offset, size);
    else
        src.channel->read(src.offset, data.get(), size);
    t.noc_counters(noc).reads += packets_for(size);
    m_noc_bytes_read += size;
    arbitrate(t, [this, &t, noc, src, dst_off, size, t0, data] {
        TensixCore& me = t.core();
        Noc& n = *m_nocs[noc];
        for_each_packet(t, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            Cycle req_arrive = n.send(me.xy(), src.xy, 0, inject);
            // The target serves requests in the order they arrive: decide its timing then.
            deliver(req_arrive, [this, &t, &me, &n, src, dst_off, data, bytes, off, req_arrive] {
                Cycle first, ready;
                if (src.core) {
                    first = req_arrive + m_cfg.tensix.l1_access_latency_cycles;
                    ready = src.core->l1_noc_read(first, bytes);
                } else {
                    first = req_arrive + m_cfg.dram.read_latency_cycles;
                    ready = src.channel->access(bytes, req_arrive, false);
                }
                // Data streams out as it is read: the response leaves when its tail can follow.
                Cycle ser = serialisation(bytes, m_cfg.noc.link_bytes_per_cycle);
                const Cycle depart = std::max(first, ready > ser ? ready - ser : 0);
                Cycle arrive = n.send(src.xy, me.xy(), bytes, depart);
                int noc_id = n.id();
                trace_transfer(src, depart, NocTarget{&me}, arrive, noc_id, bytes);
                deliver(arrive, [&t, &me, data, dst_off, off, bytes, noc_id] {
                    std::memcpy(me.l1() + dst_off + off, data.get() + off, bytes);
                    t.noc_counters(noc_id).reads--;
                    me.notify_changed();
                });
            });
        });
    });
    return packets_for(size);
}

void Chip::trace_transfer(const NocTarget& from, Cycle sent, const NocTarget& to, Cycle arrived, int noc,
                          uint32_t bytes) const {
    trace::Sink* sink = trace::sink();
    if (!sink) return;
    auto track = [this](const NocTarget& e) {
        return e.core ? trace::Track{m_id, e.core->logical_x(), e.core->logical_y(), trace::Lane::noc}
                      : trace::Track{m_id, e.channel->index(), 0, trace::Lane::dram};
    };
    const trace::Track a = track(from), b = track(to);
    if (sink->wants(a) || sink->wants(b)) sink->transfer(a, sent, b, arrived, noc, bytes);
}

void Chip::send_write(RiscThread& t, int noc, NocVc vc, NocTarget dst, Cycle arrive,
                      std::shared_ptr<std::vector<uint8_t>> data, uint32_t off, uint32_t bytes,
                      std::function<void(Cycle)> acked) {
    // At the target: commit the data, then the ack goes back to the writer.
    Cycle at = dst.core ? arrive + m_cfg.tensix.l1_access_latency_cycles : arrive;
    deliver(at, [this, &t, noc, vc, dst, data, off, bytes, at, acked = std::move(acked)] {
        Cycle ack_from = at;
        if (dst.core) {
            std::memcpy(dst.core->l1() + dst.offset + off, data->data() + off, bytes);
            dst.core->notify_changed();
        } else {
            dst.channel->write(dst.offset + off, data->data() + off, bytes);
            // The channel is slower than the link, so write data waits in the endpoint's router
            // buffer; with dynamic VCs several writers can exhaust its shared pool.
            Noc& n = *m_nocs[noc];
            PortBuffer& port = n.endpoint_buffer(dst.xy);
            const uint64_t key = n.buffer_vc(t.core().xy(), vc);
            const double feed = port.forward_rate(key, bytes, at);
            ack_from = dst.channel->access(bytes, at, true, feed);
            port.hold(key, bytes, dst.channel->busy_until());
        }
        acked(m_nocs[noc]->send(dst.xy, t.core().xy(), 0, ack_from));
    });
}

void Chip::count_write_done(RiscThread& t, int noc, Cycle sent, Cycle acked) {
    TensixCore& me = t.core();
    if (sent)
        deliver(sent, [&t, &me, noc] {
            t.noc_counters(noc).writes_unsent--;
            me.notify_changed();
        });
    if (acked)
        deliver(acked, [&t, &me, noc] {
            t.noc_counters(noc).writes_unacked--;
            me.notify_changed();
        });
}

uint32_t Chip::write(RiscThread& t, int noc, uint32_t src_l1, uint64_t dst_addr, uint32_t size, NocVc vc,
                     Cycle t0) {
    uint32_t src_off = l1_offset_or_throw(t, src_l1, size, "write source");
    NocTarget dst = decode(noc, dst_addr, size, t.where());
    check_alignment(t, src_off, dst.offset, m_cfg.l1_alignment_bytes, "NoC write");
    TensixCore& me = t.core();
    auto data = std::make_shared<std::vector<uint8_t>>(me.l1() + src_off, me.l1() + src_off + size);
    t.noc_counters(noc).writes_unsent += packets_for(size);
    t.noc_counters(noc).writes_unacked += packets_for(size);
    m_noc_bytes_written += size;
    arbitrate(t, [this, &t, &me, noc, vc, dst, size, t0, data] {
        for_each_packet(t, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            Cycle arrive = in_order(t, noc, dst.xy, m_nocs[noc]->send(me.xy(), dst.xy, bytes, inject));
            trace_transfer(NocTarget{&me}, inject, dst, arrive, noc, bytes);
            count_write_done(t, noc, inject + serialisation(bytes, m_cfg.noc.niu_inject_bytes_per_cycle), 0);
            send_write(t, noc, vc, dst, arrive, data, off, bytes,
                       [this, &t, noc](Cycle acked) { count_write_done(t, noc, 0, acked); });
        });
    });
    return packets_for(size);
}

uint32_t Chip::multicast(RiscThread& t, int noc, uint32_t src_l1, uint64_t mcast_addr, uint32_t size,
                         uint32_t num_dests, bool loopback_src, Cycle t0) {
    uint32_t src_off = l1_offset_or_throw(t, src_l1, size, "multicast source");
    TensixCore& me = t.core();
    auto [a, b] = noc_addr::rect(mcast_addr);
    // Kernels on NoC1 pass the corners swapped; either order names the same rectangle.
    NocXY p = to_noc0(noc, a), q = to_noc0(noc, b);
    int x0 = std::min(p.x, q.x), x1 = std::max(p.x, q.x), y0 = std::min(p.y, q.y), y1 = std::max(p.y, q.y);
    uint64_t local = noc_addr::local(mcast_addr);
    std::vector<TensixCore*> dests;
    for (const auto& c : m_workers) {
        NocXY xy = c->xy();
        if (xy.x < x0 || xy.x > x1 || xy.y < y0 || xy.y > y1) continue;
        if (c.get() == &me && !loopback_src) continue;
        dests.push_back(c.get());
    }
    // On silicon a wrong count either ends the barrier early or hangs it.
    if (dests.empty() || num_dests != dests.size())
        throw KernelError(fmt::format("{}: multicast to rectangle {}-{}..{}-{} (noc0) reaches {} cores{} but "
                                      "num_dests is {}",
                                      t.where(), x0, y0, x1, y1, dests.size(),
                                      loopback_src ? " including the sender" : "", num_dests));
    auto dst_off = dests.front()->l1_offset(local, size);
    if (!dst_off)
        throw KernelError(fmt::format("{}: multicast destination 0x{:x} (+{} B) is outside L1", t.where(), local, size));
    check_alignment(t, src_off, *dst_off, m_cfg.l1_alignment_bytes, "NoC multicast");
    auto data = std::make_shared<std::vector<uint8_t>>(me.l1() + src_off, me.l1() + src_off + size);
    t.noc_counters(noc).writes_unsent += packets_for(size);
    t.noc_counters(noc).writes_unacked += packets_for(size);
    m_noc_bytes_written += static_cast<uint64_t>(size) * dests.size();
    arbitrate(t, [this, &t, &me, noc, dests, off0 = *dst_off, size, t0, data] {
        std::vector<NocXY> xys;
        for (auto* c : dests) xys.push_back(c->xy());
        for_each_packet(t, size, t0, [&](uint32_t bytes, uint32_t off, Cycle inject) {
            count_write_done(t, noc, inject + serialisation(bytes, m_cfg.noc.niu_inject_bytes_per_cycle), 0);
            std::vector<Cycle> arrivals = m_nocs[noc]->multicast(me.xy(), xys, bytes, inject);
            // The barrier counts one ack per packet: the last destination's.
            auto acks = std::make_shared<std::pair<size_t, Cycle>>(0, 0);
            for (size_t i = 0; i < dests.size(); ++i) {
                NocTarget d{dests[i], nullptr, dests[i]->xy(), off0};
                trace_transfer(NocTarget{&me}, inject, d, arrivals[i], noc, bytes);
                send_write(t, noc, NocVc{}, d, in_order(t, noc, d.xy, arrivals[i]), data, off, bytes,
                           [this, &t, noc, acks, n = dests.size()](Cycle acked) {
                               acks->second = std::max(acks->second, acked);
                               if (++acks->first == n) count_write_done(t, noc, 0, acks->second);
                           });
            }
        });
    });
    return packets_for(size);
}

void Chip::word_op(RiscThread& t, int noc, uint64_t addr, const char* what, uint32_t& counter,
                   std::function<void(uint32_t&)> apply, Cycle t0) {
    NocTarget dst = decode(noc, addr, 4, t.where());
    if (!dst.core)
        throw KernelError(fmt::format("{}: NoC {} targets DRAM; it works on Tensix L1 only", t.where(), what));
    if (dst.offset % 4)
        throw KernelError(fmt::format("{}: misaligned NoC {}: L1 offset 0x{:x} is not 4-byte aligned", t.where(),
                                      what, dst.offset));
    counter++;
    arbitrate(t, [this, &t, noc, dst, &counter, apply = std::move(apply), t0] {
        TensixCore& me = t.core();
        Noc& n = *m_nocs[noc];
        Cycle arrive = in_order(t, noc, dst.xy, n.send(me.xy(), dst.xy, 0, t0 + t.config().noc_cmd_issue_cycles));
        Cycle done = arrive + m_cfg.tensix.l1_access_latency_cycles;
        deliver(done, [this, &counter, &me, &n, dst, apply, done] {
            apply(dst.core->word(static_cast<uint32_t>(dst.offset)));
            dst.core->notify_changed();
            deliver(n.send(dst.xy, me.xy(), 0, done), [&counter, &me] {
                counter--;
                me.notify_changed();
            });
        });
    });
}

void Chip::atomic_inc(RiscThread& t, int noc, uint64_t addr, uint32_t incr, Cycle t0) {
    word_op(t, noc, addr, "atomic increment", t.noc_counters(noc).atomics, [incr](uint32_t& w) { w += incr; }, t0);
}

void Chip::inline_write(RiscThread& t, int noc, uint64_t addr, uint32_t value, Cycle t0) {
    word_op(t, noc, addr, "inline write", t.noc_counters(noc).writes_unacked, [value](uint32_t& w) { w = value; }, t0);
}

void Chip::dump_stats(nlohmann::json& out) const {
    for (int i = 0; i < 2; ++i) m_nocs[i]->dump_stats(out["noc" + std::to_string(i)]);
    m_dram->dump_stats(out["dram"]);
    out["noc_bytes_read"] = m_noc_bytes_read;
    out["noc_bytes_written"] = m_noc_bytes_written;
}

void Chip::reset_stats() {
    for (auto& n : m_nocs) n->reset_stats();
    m_dram->reset_stats();
    m_noc_bytes_read = m_noc_bytes_written = 0;
}

}  // namespace tensim
