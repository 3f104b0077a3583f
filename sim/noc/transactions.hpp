// The NoC transaction layer of one chip: what the NIUs do with the commands a RISC programs.
// Modelled: reads as header-only request + data response (the target's endpoint times the read),
// writes with acks (committed by the target endpoint; data for slow endpoints waits in the router
// buffer in front of them), tree multicast to Tensix L1, atomic increment and inline write (one
// header flit each), arrival in order per destination (one VC), same-cycle arbitration by source,
// and transaction ids: each read / non-posted write carries the id its initiator's command buffer
// is tagged with, and completes under it (NocInitiator::trid / count_trid).
// Abstracted: the NIU's command buffers and credits. Numbers: NocConfig and the endpoints' own.
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "common/scheduler.hpp"
#include "noc/endpoint.hpp"
#include "noc/noc.hpp"

namespace tensim {

// Parameters: NocConfig (also the address layout and coordinate mirrors). Ports: one Endpoint per
// placed tile, one NocInitiator per issuing RISC. Stats: group "<name>.niu" holding each NoC's
// group ("<name>.noc<i>"), and noc_bytes_read / noc_bytes_written (data delivered by reads,
// writes, multicasts), kept out of the values and folded into noc_bytes.
class NocTransactions {
public:
    NocTransactions(const NocConfig& cfg, const ClockDomain& clock, const std::string& name);
    ~NocTransactions();

    // Puts `ep` behind the NIU of tile `xy` (NoC0 coordinates); `multicast` when multicasts to a
    // rectangle deliver to it (Tensix L1).
    void place(NocXY xy, Endpoint* ep, bool multicast);
    Endpoint* endpoint_at(NocXY xy) const;

    const NocConfig& config() const { return m_cfg; }
    int count() const { return static_cast<int>(m_nocs.size()); }
    Noc& noc(int i) { return *m_nocs.at(static_cast<size_t>(i)); }

    // A unicast NoC address of `size` bytes on `noc`, resolved: the tile and its endpoint offset.
    struct Target {
        Endpoint* ep = nullptr;
        NocXY xy;
        uint64_t offset = 0;
    };
    // Throws KernelError (prefixed by `who`) when no endpoint's memory holds the range.
    Target decode(int noc, uint64_t addr, uint32_t size, const std::string& who) const;

    // ---- transactions, issued at cycle t0 (the first packet leaves one issue cost later) ----
    // Addresses are in `noc`'s coordinates, as kernels build them. Each returns the packets issued.
    uint32_t read(NocInitiator& from, int noc, uint64_t src_addr, uint32_t dst_local, uint32_t size,
                  Cycle t0);
    uint32_t write(NocInitiator& from, int noc, uint32_t src_local, uint64_t dst_addr,
                   uint32_t size, NocVc vc, Cycle t0);
    uint32_t multicast(NocInitiator& from, int noc, uint32_t src_local, uint64_t mcast_addr,
                       uint32_t size, uint32_t num_dests, bool loopback_src, Cycle t0);
    void atomic_inc(NocInitiator& from, int noc, uint64_t addr, uint32_t incr, Cycle t0);
    void inline_write(NocInitiator& from, int noc, uint64_t addr, uint32_t value, Cycle t0);

    // Drops the traffic still in flight (after a program was aborted) and its reservations.
    void cancel_in_flight();
    stats::Group& stats() { return m_stats; }
    void reset_stats() { m_stats.reset(); }

private:
    void deliver(Cycle at, Scheduler::Callback fn);
    // Defers the timing of a request issued now to a same-cycle arbitration step (run_pending).
    void arbitrate(NocInitiator& from, Scheduler::Callback reserve);
    void run_pending();
    uint32_t packets_for(uint32_t size) const;
    static std::shared_ptr<uint8_t[]> take_payload(const Endpoint& src, uint64_t offset,
                                                   uint32_t size);
    static void store_payload(Endpoint& dst, uint64_t offset,
                              const std::shared_ptr<uint8_t[]>& data, uint32_t off, uint32_t bytes);
    template <typename Fn>
    void for_each_packet(NocInitiator& from, uint32_t size, Cycle t0, Fn&& fn) const;
    uint64_t local_or_throw(NocInitiator& from, uint32_t addr, uint32_t size,
                            const char* what) const;
    // Where the bytes a transfer stores come from: `src` for `bytes` (fewer than the transfer's
    // size when the source's words run out first). See place_words in transactions.cpp.
    struct Placement {
        uint64_t src = 0;
        uint32_t bytes = 0;
    };
    Placement place_words(NocInitiator& from, uint64_t src, uint64_t dst, uint32_t size,
                          const char* what) const;
    // A packet carrying [off, off + bytes) of a transfer whose first `stored` bytes land stores
    // `stored_bytes` of them (send_write's argument).
    static uint32_t stored_bytes(uint32_t stored, uint32_t off, uint32_t bytes) {
        return off >= stored ? 0 : std::min(bytes, stored - off);
    }
    // `acked(cycle)` runs when the write's ack is back (a template: no allocation per packet).
    template <typename Acked>
    void send_write(NocInitiator& from, int noc, NocVc vc, Target dst, Cycle arrive,
                    std::shared_ptr<uint8_t[]> data, uint32_t off, uint32_t bytes, uint32_t stored,
                    Acked acked);
    void trace_transfer(const Target& from, Cycle sent, const Target& to, Cycle arrived, int noc,
                        uint32_t bytes) const;
    // Completion of a write's packet: sent (data left the core) and/or acked, under `trid`.
    void count_write_done(NocInitiator& from, int noc, Cycle sent, Cycle acked, uint32_t trid = 0);
    Cycle in_order(NocInitiator& from, int noc, NocXY dst, Cycle arrival);
    void word_op(NocInitiator& from, int noc, uint64_t addr, const char* what,
                 NocInitiator::Counter counter, std::function<void(uint32_t&)> apply, Cycle t0);

    NocConfig m_cfg;
    ClockDomain m_clock;
    std::vector<std::unique_ptr<Noc>> m_nocs;
    std::map<NocXY, Endpoint*> m_endpoints;
    std::vector<std::pair<NocXY, Endpoint*>> m_multicast_targets;  // in placement order
    // Writes from one NIU to one destination on one NoC arrive in order (same VC): last arrival.
    std::map<std::tuple<const Endpoint*, int, NocXY>, Cycle> m_last_arrival;
    uint64_t m_bytes_read = 0, m_bytes_written = 0;
    stats::Group m_stats;
    struct PendingIssue {
        std::tuple<int, int, int> order;
        uint64_t seq;
        Scheduler::Callback reserve;
    };
    std::vector<PendingIssue> m_pending;
    uint64_t m_pending_seq = 0;
};

}  // namespace tensim
